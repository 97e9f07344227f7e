#!/usr/bin/env bash
# Makes the certificates a local cluster's mutual TLS needs, with openssl, unless DIR has them:
#   tls.sh DIR    DIR/ca.pem (the cluster's CA, what every process trusts), DIR/ca.key,
#                 DIR/node.pem + DIR/node.key (one certificate for every local silo and client,
#                 issued by that CA, good for client and server authentication)
# run.sh keeps them in .local/tls; the tests make their own, and a second DIR is a second,
# unrelated CA (what an outsider's certificate looks like). Local use only: production
# certificates come from the operator's CA (README, "Running in production").
set -euo pipefail

dir=${1:?usage: tls.sh DIR}
mkdir -p "$dir"
cd "$dir"
[ -s ca.pem ] && [ -s node.pem ] && [ -s node.key ] && exit 0

umask 077
name="leadgrains-local-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 \
  -subj "/CN=${name}-ca" -keyout ca.key -out ca.pem \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -subj "/CN=${name}-node" -keyout node.key -out node.csr 2>/dev/null
cat > node.ext <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
EXT
openssl x509 -req -in node.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 825 -sha256 \
  -extfile node.ext -out node.pem 2>/dev/null
rm -f node.csr node.ext ca.srl
chmod 644 ca.pem node.pem
