#!/usr/bin/env bash
# With deploy/local/run.sh up: gives a demo provider a lead through the admin API — a niche, the
# provider, a deposit, a subscription, a lead that is approved and distributed — then prints a
# provider token (12 h) to sign in to the provider portal with, and how an admin approves the
# return the provider asks for there.
#   deploy/local/portal-demo.sh [API_URL]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
API_URL=${1:-http://127.0.0.1:8080}
API_DIR=src/LeadGrains.Api/bin/Release/net10.0
WORKSPACE=10ca1000-0000-4000-8000-000000000001

mint() { # ROLE [ARGS...]
  LeadGrains__Auth__LocalMode=true LeadGrains__Auth__SigningKey=$(cat .local/dev-signing-key) \
    dotnet "$API_DIR/LeadGrains.Api.dll" token --role "$1" --workspace "$WORKSPACE" "${@:2}"
}
TOKEN=$(mint admin --mfa --minutes 30 --sub portal-demo)
api() { # METHOD PATH [BODY]
  curl -sS -X "$1" "$API_URL$2" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -H "Idempotency-Key: $(cat /proc/sys/kernel/random/uuid)" ${3:+-d "$3"}
}
# Prints a Python expression of the JSON on stdin, bound to d.
field() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }

suffix=$(date +%s)
niche=$(api POST /api/v1/admin/niches "{\"name\":\"demo-roofers-$suffix\",\"levels\":[{\"name\":\"Exclusive\",\"order_position\":1,\"max_recipients\":1,\"price_cents\":2500,\"is_active\":true}]}")
niche_id=$(echo "$niche" | field "d['niche_id']"); level_id=$(echo "$niche" | field "d['levels'][0]['level_id']")
provider_id=$(api POST /api/v1/admin/providers "{\"name\":\"Demo Roofing $suffix\",\"email\":\"roofer-$suffix@example.com\"}" | field "d['provider_id']")
api POST "/api/v1/admin/providers/$provider_id/deposits" '{"amount_cents":10000,"reference":"demo"}' >/dev/null
api POST "/api/v1/admin/providers/$provider_id/subscriptions" "{\"level_id\":\"$level_id\",\"filters\":{\"states\":[\"TX\"]}}" >/dev/null
lead_id=$(api POST /api/v1/leads "{\"niche_id\":\"$niche_id\",\"contact\":{\"first_name\":\"Grace\",\"last_name\":\"Hopper\",\"email\":\"grace-$suffix@example.com\",\"phone\":\"+12145550199\"},\"attributes\":{\"state\":\"TX\",\"zip\":\"75201\"}}" | field "d['lead_id']")
api POST "/api/v1/admin/leads/$lead_id/approve" >/dev/null
bought=0
for _ in $(seq 1 100); do
  bought=$(api GET "/api/v1/admin/leads/$lead_id/assignments" | field "d['total']")
  [ "$bought" != 0 ] && break; sleep 0.2
done
if [ "$bought" = 0 ]; then
  echo "[demo] lead $lead_id was not distributed within 20 s: $(api GET "/api/v1/admin/leads/$lead_id")" >&2
  exit 1
fi
provider_token=$(mint provider --provider "$provider_id" --minutes 720 --sub "portal-demo-$suffix")

cat <<OUT
[demo] provider $provider_id bought lead $lead_id (\$25.00 of its \$100.00).
[demo] provider portal: $API_URL/portal — sign in with this provider token (12 h):
$provider_token

[demo] once it has asked to return the lead there, an admin approves (the refund shows in its ledger):
  export TOKEN=\$(admin token run.sh printed)
  curl -s -H "Authorization: Bearer \$TOKEN" "$API_URL/api/v1/admin/returns?status=pending"
  curl -s -X POST -H "Authorization: Bearer \$TOKEN" "$API_URL/api/v1/admin/returns/RETURN_ID/approve"
OUT
