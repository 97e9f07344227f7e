#!/usr/bin/env bash
# The one command to benchmark LeadGrains. Starts the private PostgreSQL (or uses the one already on
# its port), builds (Release), generates the standard workload W1 with the benchmark's own generator
# (`LeadGrains.Benchmark generate`; once, kept under .local/bench/workloads/), loads it into a fresh
# database and drives its leads through the grain interfaces. Prints the figures and writes them as
# JSON (.local/bench/results/ unless --json FILE).
#   bench.sh                                  W1, all 100,000 leads, approve + distribute, 64 callers
#   bench.sh --leads 20000 --concurrency 256  options of the benchmark program (see below)
#   bench.sh --distribute-only                leads loaded approved, only Distribute called (as the
#                                             seedsql baseline does); default approve + distribute
#   bench.sh --rate 500                       open loop: 500 leads/s on a fixed schedule, latency
#                                             from each lead's intended start (default closed loop)
#   bench.sh --silos 3                        3 LeadGrains.Silo processes, the benchmark as client
#   bench.sh --gen "--niches 1 --providers 20000 --subs-per-provider 1 --leads 20000" \
#            --subscriptions-in-level 1       another generated workload (generator options, below)
#   bench.sh --workload DIR                   a workload already on disk
#   bench.sh --no-build ...                   run the last Release build as it is
# Side by side with the plain-SQL baseline (same workload, same leads, one after the other):
#   bench-vs-baseline.sh --baseline KIT_DIR  (the seedsql kit; see bench-vs-baseline.sh --help)
# Exit code: 0 ok; 1 an invariant (I1-I4) broke; 3 some lead did not reach a terminal status.
set -euo pipefail

usage() {
  sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'
  echo
  echo "Benchmark program options:"
  sed -n '/LeadGrains.Benchmark --workload DIR/,/admin-connection/p' "$(dirname "$0")/../../tests/LeadGrains.Benchmark/BenchmarkOptions.cs" | sed 's/^        //'
  echo
  echo "Generator options (--gen):"
  sed -n '/LeadGrains.Benchmark generate --out DIR/,/--leads N/p' "$(dirname "$0")/../../tests/LeadGrains.Workload/WorkloadParameters.cs" | sed 's/^        //'
}

gen_args=""
workload=""
json=""
build=true
pass=()
while [ $# -gt 0 ]; do
  case "$1" in
    --gen) gen_args=${2:?--gen needs the generator arguments in one string}; shift 2 ;;
    --workload) workload=${2:?--workload needs a directory}; shift 2 ;;
    --json) json=${2:?--json needs a file}; shift 2 ;;
    --no-build) build=false; shift ;;
    -h|--help) usage; exit 0 ;;
    *) pass+=("$1"); shift ;;
  esac
done

source "$(dirname "$0")/postgres.sh"
cd "$LEADGRAINS_ROOT"

bench_dir="$LEADGRAINS_ROOT/.local/bench"
mkdir -p "$bench_dir/results"

if $build; then
  echo "[bench] building (Release)"
  dotnet build tests/LeadGrains.Benchmark -c Release -nologo -v q -clp:ErrorsOnly
fi

source "$LEADGRAINS_ROOT/deploy/local/bench-workload.sh"
[ -n "$workload" ] || workload=$(bench_workload "$gen_args")
[ -n "$json" ] || json="$bench_dir/results/$(date -u +%Y%m%dT%H%M%SZ).json"

# Run a private copy of the binaries, so a rebuild during a long run cannot swap them underneath it.
app="$bench_dir/app/$$"
mkdir -p "$app"
cp -r tests/LeadGrains.Benchmark/bin/Release/net10.0 "$app/benchmark"
cp -r src/LeadGrains.Silo/bin/Release/net10.0 "$app/silo"
trap 'rm -rf "$app"' EXIT

# The benchmark's silos and client find each other only through the benchmark's own database.
unset ConnectionStrings__LeadGrains LeadGrains__ClusterId
dotnet "$app/benchmark/LeadGrains.Benchmark.dll" \
  --workload "$workload" --json "$json" --silo-dll "$app/silo/LeadGrains.Silo.dll" \
  --admin-connection "$LEADGRAINS_PG_ADMIN" "${pass[@]}"
