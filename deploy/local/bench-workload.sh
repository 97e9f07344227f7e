# Where the benchmark's workloads come from (sourced by bench.sh and bench-vs-baseline.sh, which set
# LEADGRAINS_ROOT): ../shared/bench/gen_workload.py (LEADGRAINS_SHARED overrides ../shared) writes
# them under .local/bench/workloads/. The generator is deterministic, so one directory per argument
# set is generated once and reused.

# bench_workload "GEN_ARGS": prints the directory of the workload (W1 when GEN_ARGS is empty),
# generating it first if it is missing.
bench_workload() {
  local gen_args=$1 name=w1 dir
  [ -n "$gen_args" ] && name="gen-$(echo -n "$gen_args" | sha1sum | cut -c1-10)"
  dir="$LEADGRAINS_ROOT/.local/bench/workloads/$name"
  if [ ! -s "$dir/leads.csv" ]; then
    echo "[bench] generating workload ${gen_args:-W1} into $dir" >&2
    # shellcheck disable=SC2086 # the generator arguments are meant to split
    python3 "${LEADGRAINS_SHARED:-$LEADGRAINS_ROOT/../shared}/bench/gen_workload.py" --out "$dir" $gen_args >&2
  fi
  echo "$dir"
}
