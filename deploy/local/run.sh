#!/usr/bin/env bash
# The one command to run LeadGrains locally. Starts the private PostgreSQL (which keeps its data
# between runs), builds once (Release), applies the schema, then:
#   run.sh              the API at http://127.0.0.1:8080 with its own silo (local mode: LeadGrains.Local)
#   run.sh --silos N    N silo processes (LeadGrains.Silo) and the API (LeadGrains.Api) as their Orleans client
#   run.sh --demo       also load the demo dataset (either mode)
# Ctrl-C stops every process this script started; PostgreSQL keeps running.
# Ports (defaults in brackets), for a machine shared with other runs: LEADGRAINS_API_PORT [8080],
# LEADGRAINS_WEBHOOK_PORT [8099], LEADGRAINS_SILO_PORT [11111], LEADGRAINS_GATEWAY_PORT [30000] and
# LEADGRAINS_SILO_HTTP_PORT [8090] (silo i of --silos N uses each of the last three + i).
# It prints a ready-to-use admin token (MFA, 12 h) for the local workspace; mint others with
#   dotnet src/LeadGrains.Api/bin/Release/net10.0/LeadGrains.Api.dll token --role ops --workspace <id>
# (with LeadGrains__Auth__SigningKey=$(cat .local/dev-signing-key) in the environment).
set -euo pipefail

usage() { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; }

silos=0
demo=false
while [ $# -gt 0 ]; do
  case "$1" in
    --silos)
      [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { echo "--silos needs a positive number" >&2; exit 2; }
      silos=$2; shift 2 ;;
    --demo) demo=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

source "$(dirname "$0")/postgres.sh"
cd "$LEADGRAINS_ROOT"
mkdir -p .local/logs
# Lead delivery's local ends: an SMTP server keeping mail in .local/smtp/maildir and a webhook
# receiver printing what it gets to .local/logs/webhooks.log (deploy/local/delivery-demo.sh uses both).
source deploy/local/smtp.sh
WEBHOOK_PORT=${LEADGRAINS_WEBHOOK_PORT:-8099}
SILO_PORT=${LEADGRAINS_SILO_PORT:-11111}
GATEWAY_PORT=${LEADGRAINS_GATEWAY_PORT:-30000}
SILO_HTTP_PORT=${LEADGRAINS_SILO_HTTP_PORT:-8090}

CLUSTER_ID=leadgrains-local
API_PORT=${LEADGRAINS_API_PORT:-8080}
API_URL="http://127.0.0.1:${API_PORT}"
LOG_DIR="$LEADGRAINS_ROOT/.local/logs"
API_DIR="$LEADGRAINS_ROOT/src/LeadGrains.Api/bin/Release/net10.0"
LOCAL_DIR="$LEADGRAINS_ROOT/src/LeadGrains.Local/bin/Release/net10.0"
SILO_DIR="$LEADGRAINS_ROOT/src/LeadGrains.Silo/bin/Release/net10.0"
mkdir -p "$LOG_DIR"

# Every process reads these (ASP.NET configuration from the environment). The schema is applied
# once below, so the processes do not race each other migrating it.
# The processes connect as the application role; only the migration below runs as the owner.
export ConnectionStrings__LeadGrains="$LEADGRAINS_CONNECTION"
export ConnectionStrings__LeadGrainsOwner="$LEADGRAINS_OWNER_CONNECTION"
export LeadGrains__ClusterId="$CLUSTER_ID"
export LeadGrains__MigrateOnStart=false
export LeadGrains__Delivery__Smtp__Host=127.0.0.1
export LeadGrains__Delivery__Smtp__Port="$LEADGRAINS_SMTP_PORT"
export LeadGrains__Delivery__Smtp__UseTls=false
# Local use only: webhooks may be plain http and reach this machine's loopback address.
export LeadGrains__Delivery__AllowHttpWebhooks=true
export LeadGrains__Delivery__AllowedWebhookAddresses__0=127.0.0.1
export LeadGrains__Delivery__SelfServiceUrl="$API_URL/api/v1/provider/assignments"

# Local mode: a signing key kept under .local/ (made once, never committed), the dashboard open,
# and one workspace with a fixed id that the printed token is for.
KEY_FILE="$LEADGRAINS_ROOT/.local/dev-signing-key"
[ -s "$KEY_FILE" ] || (umask 077 && head -c 48 /dev/urandom | base64 | tr -d '\n' > "$KEY_FILE")
export LeadGrains__Auth__SigningKey="$(cat "$KEY_FILE")"
export LeadGrains__Auth__LocalMode=true
# The key that seals the webhook signing secrets the silos store (made once, kept under .local/ like the signing key).
SECRETS_KEY_FILE="$LEADGRAINS_ROOT/.local/webhook-secrets-key"
[ -s "$SECRETS_KEY_FILE" ] || (umask 077 && head -c 32 /dev/urandom | base64 | tr -d '\n' > "$SECRETS_KEY_FILE")
export LeadGrains__Delivery__SecretKeys__0="$(cat "$SECRETS_KEY_FILE")"
LOCAL_WORKSPACE=10ca1000-0000-4000-8000-000000000001

# Mutual TLS on the cluster's ports, loopback only: every local process presents .local/tls/node.pem,
# issued by the local CA .local/tls/ca.pem, and accepts only peers that do (tls.sh makes them once).
TLS_DIR="$LEADGRAINS_ROOT/.local/tls"
deploy/local/tls.sh "$TLS_DIR"
export LeadGrains__Tls__CertificatePath="$TLS_DIR/node.pem"
export LeadGrains__Tls__KeyPath="$TLS_DIR/node.key"
export LeadGrains__Tls__CaCertificatePath="$TLS_DIR/ca.pem"
export LeadGrains__AdvertisedAddress=127.0.0.1

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
lg_sql() { psql -h 127.0.0.1 -p "$LEADGRAINS_PG_PORT" -U leadgrains -d leadgrains -v ON_ERROR_STOP=1 -tAq -c "$1"; }

# The ports this run needs must be free: a busy one means another run (or something else) is on
# them, and the membership clean-up below would pull the rug from under a live cluster.
ports=("$API_PORT" "$WEBHOOK_PORT")
if [ "$silos" -eq 0 ]; then
  ports+=("$SILO_PORT" "$GATEWAY_PORT")
else
  for i in $(seq 1 "$silos"); do ports+=($((SILO_PORT + i)) $((GATEWAY_PORT + i)) $((SILO_HTTP_PORT + i))); done
fi
for port in "${ports[@]}"; do
  if listening "$port"; then
    echo "[run] port $port is already in use (is LeadGrains already running? LEADGRAINS_*_PORT choose others, see the top of this script)" >&2
    exit 1
  fi
done

echo "[run] building (Release)"
# The local host references the API and the silo, so this builds all three.
dotnet build src/LeadGrains.Local -c Release -nologo -v q -clp:ErrorsOnly

echo "[run] applying the schema"
dotnet "$SILO_DIR/LeadGrains.Silo.dll" --contentRoot "$SILO_DIR" migrate

# Membership rows of silos from an earlier run that did not leave cleanly (a crash, kill -9) still
# read as active; new silos would wait on them before joining. This script owns the local
# cluster and nothing of it is running (the ports are free), so it starts from an empty table.
lg_sql "DELETE FROM orleansmembershiptable WHERE deploymentid = '$CLUSTER_ID';
        DELETE FROM orleansmembershipversiontable WHERE deploymentid = '$CLUSTER_ID';"

lg_sql "INSERT INTO workspaces (id, name) VALUES ('$LOCAL_WORKSPACE', 'local') ON CONFLICT (id) DO NOTHING;"

pids=()
# The SMTP server, if this run started it, stops with the rest.
[ -n "$LEADGRAINS_SMTP_PID" ] && pids+=("$LEADGRAINS_SMTP_PID")
stop_all() {
  trap - INT TERM EXIT
  [ ${#pids[@]} -eq 0 ] && return
  echo "[run] stopping ${#pids[@]} process(es)"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  # Silos leave the cluster gracefully on SIGTERM; give them time, then insist.
  for _ in $(seq 1 30); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 1
  done
  kill -KILL "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop_all INT TERM EXIT

fail_if_exited() {
  local pid=$1 log=$2
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "[run] a process exited early; last lines of $log:" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
}

/usr/bin/python3 deploy/local/webhook-receiver.py --port "$WEBHOOK_PORT" --secret-file .local/webhook-secret >"$LOG_DIR/webhooks.log" 2>&1 &
pids+=($!)

silo_logs=()
for i in $(seq 1 "$silos"); do
  log="$LOG_DIR/silo-$i.log"
  dotnet "$SILO_DIR/LeadGrains.Silo.dll" --contentRoot "$SILO_DIR" \
    --urls "http://127.0.0.1:$((SILO_HTTP_PORT + i))" \
    --LeadGrains:SiloPort=$((SILO_PORT + i)) --LeadGrains:GatewayPort=$((GATEWAY_PORT + i)) >"$log" 2>&1 &
  pids+=($!)
  silo_logs+=("$log")
  echo "[run] silo $i: pid $!, silo port $((SILO_PORT + i)), gateway $((GATEWAY_PORT + i)), http://127.0.0.1:$((SILO_HTTP_PORT + i)), log $log"
done

if [ "$silos" -eq 0 ]; then
  mode="local mode, with its own silo"
  api_host=("$LOCAL_DIR/LeadGrains.Local.dll" --contentRoot "$LOCAL_DIR" --LeadGrains:SiloPort="$SILO_PORT" --LeadGrains:GatewayPort="$GATEWAY_PORT")
else
  mode="client of $silos silo(s)"; api_host=("$API_DIR/LeadGrains.Api.dll" --contentRoot "$API_DIR")
fi
api_log="$LOG_DIR/api.log"
# The API's logs go to this terminal and to its log file.
dotnet "${api_host[@]}" --urls "$API_URL" > >(tee "$api_log") 2>&1 &
api_pid=$!
pids+=("$api_pid")
echo "[run] API ($mode): pid $api_pid"

echo "[run] waiting for $API_URL/health/ready"
for attempt in $(seq 1 120); do
  fail_if_exited "$api_pid" "$api_log"
  for i in "${!silo_logs[@]}"; do fail_if_exited "${pids[$i]}" "${silo_logs[$i]}"; done
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$API_URL/health/ready")" = 200 ] && break
  if [ "$attempt" -eq 120 ]; then echo "[run] not ready after 120 s" >&2; exit 1; fi
  sleep 1
done

expected=$((silos > 0 ? silos : 1))
for _ in $(seq 1 60); do
  active=$(lg_sql "SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = '$CLUSTER_ID' AND status = 3")
  [ "$active" -ge "$expected" ] && break
  sleep 1
done

if $demo; then
  if [ -x deploy/local/demo.sh ]; then
    deploy/local/demo.sh "$API_URL"
  else
    echo "[run] --demo: loading demo data is not implemented yet; starting without it"
  fi
fi

api_docs="only in local mode (without --silos)"
[ "$silos" -eq 0 ] && api_docs="$API_URL/api-docs/"
admin_token=$(dotnet "$API_DIR/LeadGrains.Api.dll" token --role admin --workspace "$LOCAL_WORKSPACE" --mfa --minutes 720 --sub local-admin)

cat <<EOF

[run] LeadGrains is up: $active active silo(s) in cluster $CLUSTER_ID
      API        $API_URL
      console    $API_URL/console  (sign in with the admin token below)
      portal     $API_URL/portal  (providers: deploy/local/portal-demo.sh $API_URL makes one with a lead and prints its token)
      dashboard  $API_URL/dashboard/
      readiness  $API_URL/health/ready
      metrics    $API_URL/metrics
      openapi    $API_URL/openapi/v1.json
      api docs   $api_docs  (Scalar: read and try the API in a browser)
      logs       $LOG_DIR
      e-mail     SMTP 127.0.0.1:$LEADGRAINS_SMTP_PORT, messages in $LEADGRAINS_SMTP_MAILDIR/new
      webhooks   receiver http://127.0.0.1:$WEBHOOK_PORT/, what it gets in $LOG_DIR/webhooks.log
      delivery   deploy/local/delivery-demo.sh $API_URL  (a demo assignment, delivered by e-mail and webhook)
      workspace  $LOCAL_WORKSPACE (local)
      cluster    mutual TLS on 127.0.0.1; an Orleans client (e.g. the sample approval client) needs
                 LeadGrains__Tls__CertificatePath=$TLS_DIR/node.pem
                 LeadGrains__Tls__KeyPath=$TLS_DIR/node.key
                 LeadGrains__Tls__CaCertificatePath=$TLS_DIR/ca.pem

      admin token (role admin, MFA, 12 h), e.g.
        export TOKEN=$admin_token
        curl -H "Authorization: Bearer \$TOKEN" $API_URL/api/v1/admin/niches

      Ctrl-C stops it (PostgreSQL keeps running and keeps the data).

EOF

status=0
wait "$api_pid" || status=$?
exit "$status"
