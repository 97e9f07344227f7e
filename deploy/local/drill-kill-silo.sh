#!/usr/bin/env bash
# The recovery drill: a two-silo cluster under approval load has one silo killed with
# kill -9 mid-load; afterwards every approved lead must still reach a terminal status
# (distributed, no_eligible, failed with a dead letter, or expired). Prints the counts.
#   deploy/local/drill-kill-silo.sh [LEADS]      (default 2000)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source deploy/local/postgres.sh
leads=${1:-2000}
log_dir=.local/logs && mkdir -p "$log_dir"

dotnet build src/LeadGrains.SampleApprovalClient -c Release -nologo -v q -clp:ErrorsOnly
setsid deploy/local/run.sh --silos 2 > "$log_dir/drill-run.log" 2>&1 &
run_pid=$!
trap 'kill -TERM -- -$run_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 180); do
  curl -fs -o /dev/null http://127.0.0.1:8080/health/ready && break
  sleep 1
done
curl -fs -o /dev/null http://127.0.0.1:8080/health/ready || { echo "the cluster did not become ready"; exit 1; }

client=src/LeadGrains.SampleApprovalClient/bin/Release/net10.0/LeadGrains.SampleApprovalClient.dll
# The cluster admits only clients with a certificate of run.sh's local CA.
tls=.local/tls
dotnet "$client" --demo --load "$leads" --ConnectionStrings:LeadGrains="$LEADGRAINS_CONNECTION" \
  --LeadGrains:Tls:CertificatePath="$tls/node.pem" --LeadGrains:Tls:KeyPath="$tls/node.key" \
  --LeadGrains:Tls:CaCertificatePath="$tls/ca.pem" > "$log_dir/drill-client.log" 2>&1 &
client_pid=$!
sql() { psql -h 127.0.0.1 -p "$LEADGRAINS_PG_PORT" -U leadgrains -d leadgrains -tAq -c "$1"; }
# Kill once the load is well under way: a fifth of the leads are in.
for _ in $(seq 1 300); do
  niche=$(grep -o 'niche [0-9a-f-]*' "$log_dir/drill-client.log" 2>/dev/null | head -n 1 | cut -d' ' -f2 || true)
  [ -n "$niche" ] && [ "$(sql "SELECT count(*) >= $leads / 5 FROM leads WHERE niche_id = '$niche'")" = "t" ] && break
  sleep 0.5
done
victim=$(pgrep -f "LeadGrains.Silo.dll.*SiloPort=11112" | head -n 1)
echo "[drill] kill -9 silo 1 (pid $victim) under load"
kill -9 "$victim"
wait "$client_pid" || true
tail -n 1 "$log_dir/drill-client.log"
echo "[drill] waiting for every approved lead of niche $niche to finish (lease 30 s + sweep)"
for _ in $(seq 1 180); do
  [ "$(sql "SELECT count(*) FROM leads WHERE niche_id = '$niche' AND status IN ('pending', 'approved')")" = "0" ] && break
  sleep 1
done
echo "[drill] lead statuses in niche $niche:"
sql "SELECT status, count(*) FROM leads WHERE niche_id = '$niche' GROUP BY status ORDER BY status"
echo "[drill] invariant violations: $(sql "SELECT count(*) FROM check_invariants()")"
echo "[drill] silos in the membership table:"
sql "SELECT siloname, port, status FROM orleansmembershiptable WHERE deploymentid = 'leadgrains-local' ORDER BY port"
left=$(sql "SELECT count(*) FROM leads WHERE niche_id = '$niche' AND status IN ('pending', 'approved')")
[ "$left" = "0" ] || { echo "[drill] $left lead(s) did not finish"; exit 1; }
