# Where the benchmark's workloads come from (sourced by bench.sh and bench-vs-baseline.sh, which set
# LEADGRAINS_ROOT and build the benchmark first): `LeadGrains.Benchmark generate`, the generator in
# tests/LeadGrains.Workload, writes them under .local/bench/workloads/. It is deterministic, so one
# directory per argument set is generated once and reused. The directory's name carries a digest of
# the generator's source: files written by another version of the generator are never reused.

# bench_workload "GEN_ARGS": prints the directory of the workload (W1 when GEN_ARGS is empty),
# generating it first if it is missing.
bench_workload() {
  local gen_args=$1 generator name dir benchmark="$LEADGRAINS_ROOT/tests/LeadGrains.Benchmark/bin/Release/net10.0/LeadGrains.Benchmark.dll"
  generator=$(find "$LEADGRAINS_ROOT/tests/LeadGrains.Workload" -name '*.cs' -not -path '*/obj/*' -not -path '*/bin/*' \
    | LC_ALL=C sort | xargs cat | sha1sum | cut -c1-8)
  name="w1-$generator"
  [ -n "$gen_args" ] && name="gen-$(echo -n "$gen_args" | sha1sum | cut -c1-10)-$generator"
  dir="$LEADGRAINS_ROOT/.local/bench/workloads/$name"
  if [ ! -s "$dir/leads.csv" ]; then
    [ -f "$benchmark" ] || { echo "[bench] $benchmark is missing: build first (without --no-build)" >&2; return 1; }
    echo "[bench] generating workload ${gen_args:-W1} into $dir" >&2
    # Written beside and renamed when complete, so an interrupted run leaves no half workload to reuse.
    rm -rf "$dir.partial"
    # shellcheck disable=SC2086 # the generator arguments are meant to split
    dotnet "$benchmark" generate --out "$dir.partial" $gen_args >&2
    rm -rf "$dir"
    mv "$dir.partial" "$dir"
  fi
  echo "$dir"
}
