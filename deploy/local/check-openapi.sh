#!/usr/bin/env bash
# Lints the OpenAPI document the API serves — the API tests keep a copy in
# .local/test-artifacts/openapi.json — with Redocly's CLI and its recommended rules (an operationId
# and a summary on every operation, 4xx responses described, tags described, ...): an error fails
# the check; warnings are printed. Node.js comes from the OS packages when it is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

document=${1:?usage: check-openapi.sh OPENAPI_JSON}
if [ ! -s "$document" ]; then
  echo "No OpenAPI document at $document (the API tests write it)." >&2
  exit 1
fi
if ! command -v npx >/dev/null 2>&1; then
  echo "npx is missing: installing the Debian packages nodejs and npm..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
npx --yes @redocly/cli@2.77.0 lint --config deploy/openapi/redocly.yaml --max-problems 50 --format stylish "$document"
