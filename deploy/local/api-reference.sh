#!/usr/bin/env bash
# Rewrites the reference at the end of docs/API.md from the OpenAPI document the API serves (the
# part above its marker line is written by hand and kept). Run it after changing an endpoint, then
# commit docs/API.md: until then the API tests fail, as the file and the document differ.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source deploy/local/postgres.sh
LEADGRAINS_WRITE_API_REFERENCE=1 dotnet test tests/LeadGrains.Api.Tests -c Release -nologo -v q \
  --filter "FullyQualifiedName~LeadGrains.Api.Tests.Contract.ApiReferenceTests"
git --no-pager diff --stat -- docs/API.md 2>/dev/null || true
