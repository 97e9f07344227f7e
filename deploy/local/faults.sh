#!/usr/bin/env bash
# The fault campaign: three silo processes and the API (client mode) on a fresh database
# (lg_faults) under an open-loop load of leads submitted and approved over HTTP, through five
# scenarios (silo kills, a rolling restart, PostgreSQL restarted immediately, PostgreSQL down,
# the API killed), each checked afterwards; then a negative control. Prints a table.
#   deploy/local/faults.sh [--rate 5] [--kills 10] [--pg-down-seconds 60] [--scenarios a,b]
#                          [--silo-port 11200] [--gateway-port 31200] [--http-port 5200]
# It restarts and stops the PostgreSQL cluster under .local/ (set LEADGRAINS_PG_PORT to use your own).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source deploy/local/postgres.sh
export LEADGRAINS_ROOT LEADGRAINS_PG_PORT PG_BIN
export PG_DATA
PG_DATA=$(readlink -f "$LEADGRAINS_ROOT/.local/pgdata")
# The scenarios stop and restart PostgreSQL: only ever the cluster of this checkout.
serving=$(psql -h 127.0.0.1 -p "$LEADGRAINS_PG_PORT" -U leadgrains -d postgres -tAq -c "SHOW data_directory")
if [ "$serving" != "$PG_DATA" ]; then
  echo "[faults] PostgreSQL on port $LEADGRAINS_PG_PORT serves $serving, not this checkout's $PG_DATA: set LEADGRAINS_PG_PORT to a port of your own" >&2
  exit 1
fi
# Mutual TLS on the cluster's ports, as in production: every silo and the API present the local
# CA's certificate (tls.sh makes it once, as run.sh does).
deploy/local/tls.sh "$LEADGRAINS_ROOT/.local/tls"
export LeadGrains__Tls__CertificatePath="$LEADGRAINS_ROOT/.local/tls/node.pem"
export LeadGrains__Tls__KeyPath="$LEADGRAINS_ROOT/.local/tls/node.key"
export LeadGrains__Tls__CaCertificatePath="$LEADGRAINS_ROOT/.local/tls/ca.pem"
dotnet build src/LeadGrains.Api -c Release -nologo -v q -clp:ErrorsOnly
dotnet build src/LeadGrains.Silo -c Release -nologo -v q -clp:ErrorsOnly
exec /usr/bin/python3 deploy/local/faults.py "$@"
