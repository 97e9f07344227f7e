#!/usr/bin/env bash
# LeadGrains side by side with a plain-SQL baseline kit (seedsql, kept outside this repository) on the
# same machine, the same workload and the same first N leads of its leads.csv. The baseline runs
# first through the kit's own scripts (cluster.sh, load.sh, bench.sh; a fresh load before every
# run), its cluster is stopped, then LeadGrains runs (bench.sh, distribute only by default: the
# baseline's leads are loaded approved), so neither side's servers take CPU from the other's run
# (other load on the machine is not controlled: check loadavg in the logs). Prints one table
# (leads/s, p50, p99 per side and concurrency, each side's best, the ratio of the bests) and writes
# it as JSON to .local/bench/results/vs-baseline-TIME.json, the runs' logs beside it.
#   bench-vs-baseline.sh --baseline DIR          the kit's directory (required)
#     --leads N                                  first N leads (default: all of leads.csv)
#     --baseline-concurrency "1 4 16"            the baseline's pgbench clients (default "1 4 16")
#     --concurrencies "4 64 256"                 LeadGrains' callers (default "4 64 256")
#     --repeat R                                 R runs per configuration, the median of each figure (default 1)
#     --with-approve                             LeadGrains approves + distributes (reported as such)
#     --workload DIR | --gen "ARGS"              as bench.sh (default W1)
#     --no-build                                 run the last Release build as it is
#     any other option goes to LeadGrains' bench.sh (e.g. --silos 3)
# The kit needs PostgreSQL 15 with pgbench in its env.sh's PGBIN (/usr/lib/postgresql/15/bin: Debian
# packages postgresql-15, postgresql-client-15; postgresql-contrib) and python3; it runs its cluster
# as OS user postgres through su (so run this as root), in /tmp/seedsql_pg on port 54341.
# Exit code: 0 ok; 1 an invariant broke or a run failed on either side.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; }

kit=""
leads=""
baseline_cs="1 4 16"
leadgrains_cs="4 64 256"
repeat=1
workflow=(--distribute-only)
workload=""
gen_args=""
build=true
pass=()
while [ $# -gt 0 ]; do
  case "$1" in
    --baseline) kit=${2:?--baseline needs the kit directory}; shift 2 ;;
    --leads) leads=${2:?--leads needs a number}; shift 2 ;;
    --baseline-concurrency) baseline_cs=${2:?--baseline-concurrency needs a list}; shift 2 ;;
    --concurrencies) leadgrains_cs=${2:?--concurrencies needs a list}; shift 2 ;;
    --repeat) repeat=${2:?--repeat needs a number}; shift 2 ;;
    --with-approve) workflow=(); shift ;;
    --workload) workload=${2:?--workload needs a directory}; shift 2 ;;
    --gen) gen_args=${2:?--gen needs the generator arguments in one string}; shift 2 ;;
    --no-build) build=false; shift ;;
    -h|--help) usage; exit 0 ;;
    *) pass+=("$1"); shift ;;
  esac
done
[ -n "$kit" ] || { usage >&2; echo "--baseline DIR is required" >&2; exit 2; }
kit=$(cd "$kit" && pwd)
LEADGRAINS_ROOT=$(cd "$(dirname "$0")/../.." && pwd)

# The kit reads libpq's PG* variables as its settings; ones meant for LeadGrains' server must not steer it.
unset PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD
kit_setting() { (source "$kit/env.sh" && printenv "$1"); }
for script in env.sh cluster.sh load.sh bench.sh invariants.sql; do
  [ -e "$kit/$script" ] || { echo "$kit has no $script: not the seedsql baseline kit" >&2; exit 2; }
done
kit_pgbin=$(kit_setting PGBIN)
missing=()
for binary in initdb pg_ctl psql pgbench; do
  # The kit calls each as $PGBIN/NAME, so one elsewhere on the PATH would not do.
  [ -x "$kit_pgbin/$binary" ] || missing+=("$kit_pgbin/$binary (Debian packages postgresql-15, postgresql-client-15)")
done
command -v python3 >/dev/null || missing+=("python3")
[ "$(id -u)" = 0 ] || missing+=("root (cluster.sh runs PostgreSQL as user postgres through su)")
id postgres >/dev/null 2>&1 || missing+=("OS user postgres (created by the postgresql packages)")
if [ ${#missing[@]} -gt 0 ]; then
  printf 'the baseline kit needs: %s\n' "${missing[@]}" >&2
  exit 2
fi

if $build; then
  echo "[vs] building LeadGrains (Release) before anything is measured"
  (cd "$LEADGRAINS_ROOT" && dotnet build tests/LeadGrains.Benchmark -c Release -nologo -v q -clp:ErrorsOnly)
fi

# The kit loads the workload's CSVs as they are (its load.sh copies each file's columns in order).
source "$LEADGRAINS_ROOT/deploy/local/bench-workload.sh"
[ -n "$workload" ] || workload=$(bench_workload "$gen_args")
workload=$(cd "$workload" && pwd)
[ -n "$leads" ] || leads=$(( $(grep -c . "$workload/leads.csv") - 1 ))
stamp=$(date -u +%Y%m%dT%H%M%SZ)
runs="$LEADGRAINS_ROOT/.local/bench/results/vs-baseline-$stamp"
mkdir -p "$runs"

failed=false
echo "[vs] baseline $kit: $leads leads of $workload at concurrency $baseline_cs, $repeat run(s) each"
[ -e "$(kit_setting PGDATA_DIR)" ] || "$kit/cluster.sh" init
started_here=false
if ! "$kit/cluster.sh" status >/dev/null 2>&1; then
  "$kit/cluster.sh" start >/dev/null
  started_here=true
  trap 'if $started_here; then "$kit/cluster.sh" stop >/dev/null || true; fi' EXIT
fi
for c in $baseline_cs; do
  for r in $(seq "$repeat"); do
    log="$runs/baseline-c$c-r$r.log"
    if "$kit/load.sh" "$workload" > "$log" 2>&1 && "$kit/bench.sh" "$c" "$leads" >> "$log" 2>&1; then
      # invariants.sql prints one row per violation; a correct run prints nothing. It expects every
      # lead distributed, so with N below all it lists the leads after the first N, still approved and
      # never tried: those rows are not violations (that the first N all ended terminal, the table
      # checks from the result line).
      if (source "$kit/env.sh" && $PSQL -At -f "$kit/invariants.sql") > "$runs/baseline-c$c-r$r.violations" 2>&1; then
        violations=$(grep -cv '^lead_status|[^|]*|approved|0|0$' "$runs/baseline-c$c-r$r.violations" || true)
      else
        violations=unchecked
      fi
      echo "== invariants: violations=$violations" >> "$log"
      [ "$violations" = 0 ] || failed=true
    else
      failed=true
    fi
    grep -E '^== (result|invariants):' "$log" | sed "s/^/[vs] baseline c=$c run $r /" || echo "[vs] baseline c=$c run $r FAILED, see $log"
  done
done
if $started_here; then
  # Stopped before LeadGrains runs: on a small machine an idle cluster's checkpointer and autovacuum would still take CPU.
  "$kit/cluster.sh" stop >/dev/null
  started_here=false
else
  echo "[vs] the baseline cluster was running before; left running (it shares the machine with LeadGrains' runs)"
fi

echo "[vs] LeadGrains: the same $leads leads at concurrency $leadgrains_cs, $repeat run(s) each"
for c in $leadgrains_cs; do
  for r in $(seq "$repeat"); do
    rc=0
    "$LEADGRAINS_ROOT/deploy/local/bench.sh" --no-build --workload "$workload" --leads "$leads" --concurrency "$c" \
      "${workflow[@]}" --label "vs-baseline c=$c run $r" --json "$runs/leadgrains-c$c-r$r.json" "${pass[@]}" \
      > "$runs/leadgrains-c$c-r$r.log" 2>&1 || rc=$?
    [ "$rc" = 0 ] || failed=true
    grep -E '^(throughput|latency|invariants|INVARIANTS)' "$runs/leadgrains-c$c-r$r.log" | sed "s/^/[vs] LeadGrains c=$c run $r (exit $rc) /" \
      || echo "[vs] LeadGrains c=$c run $r FAILED (exit $rc), see $runs/leadgrains-c$c-r$r.log"
  done
done

python3 "$LEADGRAINS_ROOT/deploy/local/bench-vs-baseline-table.py" "$runs" "$kit" "$workload" "$leads" "$LEADGRAINS_ROOT/.local/bench/results/vs-baseline-$stamp.json"
if $failed; then
  exit 1
fi
