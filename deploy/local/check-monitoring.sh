#!/usr/bin/env bash
# Checks the monitoring configuration with promtool (Debian package prometheus, installed when
# missing): the Prometheus configuration, the alert rules and their unit tests, and — given the
# path of a scraped /metrics (the API tests leave one in .local/test-artifacts/metrics.prom) —
# that exposition. Lint notes on LeadGrains' own metrics fail the check; those on metrics named by
# upstream libraries (Orleans, .NET runtime, Npgsql semantic conventions) are counted, not fixed here.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

if ! command -v promtool >/dev/null 2>&1; then
  echo "promtool is missing: installing the Debian package prometheus..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi

promtool check config --syntax-only deploy/prometheus/prometheus.yml
promtool check rules deploy/prometheus/leadgrains.rules.yml deploy/prometheus/delivery-alerts.yml
promtool test rules deploy/prometheus/leadgrains.rules.test.yml

scraped=${1:-}
if [ -n "$scraped" ]; then
  if [ ! -s "$scraped" ]; then
    echo "No scraped /metrics at $scraped (the API tests write it)." >&2
    exit 1
  fi
  lint=$(promtool check metrics < "$scraped" 2>&1) || true
  if grep -q "error while linting" <<<"$lint"; then
    echo "promtool check metrics: $scraped is not valid exposition format:" >&2
    echo "$lint" >&2
    exit 1
  fi
  ours=$(grep '^leadgrains_' <<<"$lint" || true)
  if [ -n "$ours" ]; then
    echo "promtool check metrics: LeadGrains metrics break Prometheus conventions:" >&2
    echo "$ours" >&2
    exit 1
  fi
  upstream=$(grep -c . <<<"$lint" || true)
  echo "promtool check metrics: $scraped is valid; LeadGrains metrics lint clean ($upstream lint note(s) on upstream metrics)"
fi
