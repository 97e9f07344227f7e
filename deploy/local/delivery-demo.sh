#!/usr/bin/env bash
# With deploy/local/run.sh up: makes a demo assignment through the admin API — a niche, a provider
# with e-mail on and a webhook to run.sh's local receiver, a deposit, a subscription, a lead that is
# approved and distributed — then waits for both deliveries and shows where they arrived.
#   deploy/local/delivery-demo.sh [API_URL]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
API_URL=${1:-http://127.0.0.1:8080}
API_DIR=src/LeadGrains.Api/bin/Release/net10.0
WORKSPACE=10ca1000-0000-4000-8000-000000000001
MAILDIR=.local/smtp/maildir/new

TOKEN=$(LeadGrains__Auth__LocalMode=true LeadGrains__Auth__SigningKey=$(cat .local/dev-signing-key) dotnet "$API_DIR/LeadGrains.Api.dll" token \
  --role admin --workspace "$WORKSPACE" --mfa --minutes 30 --sub delivery-demo)
api() { # METHOD PATH [BODY]
  curl -sS -X "$1" "$API_URL$2" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -H "Idempotency-Key: $(cat /proc/sys/kernel/random/uuid)" ${3:+-d "$3"}
}
# Prints a Python expression of the JSON on stdin, bound to d.
field() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }

suffix=$(date +%s)
niche=$(api POST /api/v1/admin/niches "{\"name\":\"demo-movers-$suffix\",\"levels\":[{\"name\":\"Exclusive\",\"order_position\":1,\"max_recipients\":1,\"price_cents\":2500,\"is_active\":true}]}")
niche_id=$(echo "$niche" | field "d['niche_id']"); level_id=$(echo "$niche" | field "d['levels'][0]['level_id']")
provider=$(api POST /api/v1/admin/providers "{\"name\":\"Demo Movers LLC\",\"email\":\"buyer-$suffix@example.com\",\"webhook_url\":\"http://127.0.0.1:8099/hooks\"}")
provider_id=$(echo "$provider" | field "d['provider_id']")
# The secret is shown once: the local receiver reads it from this file to check signatures.
(umask 077 && echo "$provider" | field "d['webhook_secret']" > .local/webhook-secret)
api POST "/api/v1/admin/providers/$provider_id/deposits" '{"amount_cents":10000,"reference":"demo"}' >/dev/null
api POST "/api/v1/admin/providers/$provider_id/subscriptions" "{\"level_id\":\"$level_id\",\"filters\":{\"states\":[\"TX\"]}}" >/dev/null
lead_id=$(api POST /api/v1/leads "{\"niche_id\":\"$niche_id\",\"contact\":{\"first_name\":\"Ada\",\"last_name\":\"Lovelace\",\"email\":\"ada-$suffix@example.com\",\"phone\":\"+12145550123\"},\"attributes\":{\"state\":\"TX\",\"zip\":\"75201\",\"move_size\":\"3 bedrooms\"}}" | field "d['lead_id']")
api POST "/api/v1/admin/leads/$lead_id/approve" >/dev/null
echo "[demo] lead $lead_id approved; provider $provider_id"

for _ in $(seq 1 100); do
  assignment_id=$(api GET "/api/v1/admin/leads/$lead_id/assignments" | field "d['items'][0]['assignment_id'] if d['items'] else ''")
  [ -n "$assignment_id" ] && break; sleep 0.2
done
for _ in $(seq 1 100); do
  deliveries=$(api GET "/api/v1/admin/assignments/$assignment_id/deliveries")
  [ "$(echo "$deliveries" | field "sum(1 for i in d['items'] if i['state'] == 'delivered')")" = 2 ] && break; sleep 0.2
done
echo "[demo] deliveries of assignment $assignment_id:"
echo "$deliveries" | field "'\n'.join(f\"  {i['channel']:8} {i['state']:10} attempts {i['attempts']}  message id {i['message_id']}\" for i in d['items'])"
echo "[demo] the e-mail: $(grep -l "buyer-$suffix@example.com" "$MAILDIR"/* | tail -n 1)"
echo "[demo] the webhook, as the receiver printed it (.local/logs/webhooks.log):"
tail -n 40 .local/logs/webhooks.log
