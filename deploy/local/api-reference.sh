#!/usr/bin/env bash
# Rewrites docs/openapi.json (the OpenAPI document the API serves; the API tests generate their typed
# client from it) and the reference at the end of docs/API.md rendered from it (the part above its
# marker line is written by hand and kept). Run it after changing an endpoint, then commit both
# files: until then the API tests fail, as the files and the served document differ.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source deploy/local/postgres.sh
LEADGRAINS_WRITE_API_REFERENCE=1 dotnet test tests/LeadGrains.Api.Tests -c Release -nologo -v q \
  --filter "FullyQualifiedName~LeadGrains.Api.Tests.Contract.ApiReferenceTests"
git --no-pager diff --stat -- docs/API.md docs/openapi.json 2>/dev/null || true
