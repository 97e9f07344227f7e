#!/usr/bin/env bash
# The one command to test LeadGrains: starts the private PostgreSQL and a local SMTP server
# (installing them if missing), builds the solution and runs every test project against them, then
# checks the monitoring configuration with promtool (deploy/local/check-monitoring.sh), including
# the /metrics the API tests scraped, and lints the OpenAPI document they fetched
# (deploy/local/check-openapi.sh) and verifies the systemd units (deploy/local/check-systemd.sh).
# Exits non-zero on any failure and prints the totals.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source deploy/local/postgres.sh
# The e-mail delivery tests send to a real SMTP server.
source deploy/local/smtp.sh

results=$(mktemp -d)
trap 'rm -rf "$results"; stop_local_smtp' EXIT
# What tests leave to look at afterwards (the scraped /metrics, screenshots); fresh every run.
export LEADGRAINS_TEST_ARTIFACTS="$PWD/.local/test-artifacts"
rm -rf "$LEADGRAINS_TEST_ARTIFACTS"

# The ops console's browser test drives Debian's Chromium (Playwright, through its executable path).
if [ ! -x /usr/lib/chromium/chromium ]; then
  echo "Chromium is missing: installing the Debian package chromium..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

dotnet build LeadGrains.sln -c Release -nologo -v q -clp:ErrorsOnly
status=0
dotnet test LeadGrains.sln -c Release --no-build -nologo \
  --logger "trx" --results-directory "$results" --logger "console;verbosity=minimal" || status=$?

echo
deploy/local/check-monitoring.sh "$LEADGRAINS_TEST_ARTIFACTS/metrics.prom" || status=$?
deploy/local/check-openapi.sh "$LEADGRAINS_TEST_ARTIFACTS/openapi.json" || status=$?
deploy/local/check-systemd.sh || status=$?

# Totals over every test assembly, from the TRX reports.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  attr() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  passed=$((passed + $(attr passed)))
  failed=$((failed + $(attr failed)))
  skipped=$((skipped + $(attr notExecuted)))
done
echo
echo "Tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "No test ran." >&2
  exit 1
fi
exit "$status"
