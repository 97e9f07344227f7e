#!/usr/bin/env bash
# Verifies the units in deploy/systemd with systemd-analyze (installing Debian's systemd package
# when the command is missing). systemd-analyze only warns about unknown keys and bad values, so
# any line it prints counts as a failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if ! command -v systemd-analyze >/dev/null; then
  echo "systemd-analyze is missing: installing the Debian package systemd..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends systemd >/dev/null
fi
units=$(mktemp -d)
trap 'rm -rf "$units"' EXIT
cp deploy/systemd/*.service deploy/systemd/*.target "$units/"
# A template is verified through an instance of it.
output=$(systemd-analyze verify --man=no "$units/leadgrains-silo@1.service" "$units/leadgrains-api.service" \
  "$units/leadgrains-migrate.service" "$units/leadgrains.target" 2>&1) || { echo "$output"; echo "systemd units: FAILED"; exit 1; }
if [ -n "$output" ]; then
  echo "$output"
  echo "systemd units: FAILED (systemd-analyze warned)"
  exit 1
fi
echo "systemd units: verified (systemd-analyze verify)"
