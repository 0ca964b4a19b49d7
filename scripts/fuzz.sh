#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/fuzz_*, clang, ASan+UBSan; build-fuzz/, ccache) and runs
# each for SECONDS (default 60). Any finding fails the run (exit 1): a crash or sanitizer report, an
# exception not derived from ivassign::Error, a hang past 10 s (-timeout), more than 2 GiB of memory
# (-rss_limit_mb) or a broken round-trip property; libFuzzer's reproducer is left in
# build-fuzz/artifacts/ and named in the output.
#
#   bash scripts/fuzz.sh            # 60 s per target (CI)
#   bash scripts/fuzz.sh 1800       # the long runs (bench/RESULTS.md)
#   FUZZ_TARGETS="fuzz_qaplib fuzz_social_json" FUZZ_JOBS=2 bash scripts/fuzz.sh 300
#
# FUZZ_JOBS targets run at once (default: the number of cores). The seed corpora are assembled at
# run time from the reference data (IVASSIGN_SHARED_DIR, default ../shared: data/examples, social,
# qaplib), examples/ and the committed regression inputs (tests/fuzz/regressions/), never
# copied into the repository; what a run discovers is kept in build-fuzz/corpus/TARGET for the next
# run. A summary line per target (executions, exec/s, corpus size, seconds) goes to
# build-fuzz/fuzz-summary.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
root="$PWD"
dir="${IVASSIGN_FUZZ_BUILD_DIR:-build-fuzz}"
shared="${IVASSIGN_SHARED_DIR:-$root/../shared}"
jobs="${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}"
cxx="${FUZZ_CXX:-$(command -v clang++ || command -v clang++-14 || true)}"
if [ -z "$cxx" ]; then echo "fuzz: clang++ not found (scripts/install-deps.sh installs clang)" >&2; exit 2; fi
compiler=(-DCMAKE_CXX_COMPILER="$cxx")
# an existing build folder keeps its compiler (naming another one would make CMake drop its cache)
if [ -f "$dir/CMakeCache.txt" ] && [ -z "${FUZZ_CXX:-}" ]; then compiler=(); fi

# --- build ----------------------------------------------------------------------------------------
launcher=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
# -O1 -g with assertions on: a failed assertion is a finding too
cmake -S . -B "$dir" "${compiler[@]}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1 -g" \
  -DIVASSIGN_FUZZ=ON -DIVASSIGN_DEVICE=OFF -DIVASSIGN_BUILD_TESTS=OFF -DIVASSIGN_BUILD_BENCH=OFF \
  -DIVASSIGN_INSTALL=OFF "${launcher[@]}" >/dev/null
cmake --build "$dir" -j"$(nproc 2>/dev/null || echo 2)" --target fuzz

# --- seed corpora ---------------------------------------------------------------------------------
seeds="$dir/seeds"
rm -rf "$seeds"
mkdir -p "$seeds"/{instance,social,economy,qaplib,cli} "$dir/artifacts"
copy_seeds() {  # copy_seeds DEST FILE...: the files that exist and are under 64 KiB
  local dest="$1"; shift
  local f
  for f in "$@"; do
    if [ -f "$f" ] && [ "$(stat -c %s "$f")" -le 65536 ]; then cp "$f" "$dest/"; fi
  done
}
# the reference data as the build found it (CMake looks next to the clone, then next to its origin)
if [ -z "${IVASSIGN_SHARED_DIR:-}" ]; then
  cached=$(sed -n 's/^IVASSIGN_SHARED_DIR:PATH=//p' "$dir/CMakeCache.txt" 2>/dev/null || true)
  if [ -n "$cached" ] && [ -d "$cached/data" ]; then shared="$cached"; fi
fi
if [ ! -d "$shared/data" ]; then echo "fuzz: no reference data at $shared/data: seeds from the repository only" >&2; fi
copy_seeds "$seeds/instance" "$shared"/data/examples/*.json examples/*.json tests/fuzz/regressions/instance-*
copy_seeds "$seeds/social" "$shared"/data/social/*.json tests/fuzz/regressions/social-*
copy_seeds "$seeds/economy" "$shared"/data/economy/*.json tests/fuzz/regressions/economy-*
copy_seeds "$seeds/qaplib" "$shared"/data/qaplib/*.dat "$shared"/data/qaplib/*.sln tests/fuzz/regressions/qaplib-*
copy_seeds "$seeds/cli" tests/fuzz/regressions/cli-*
# command lines (NUL-separated arguments) in the shapes of cli.md's examples
n=0
while IFS= read -r line; do
  n=$((n + 1))
  printf '%s' "$line" | tr ' ' '\0' >"$seeds/cli/argv-$n"
done <<'ARGS'
mechanism market.json --profile 0,1,2 --delta theorem1 --no-exact-delta --threads 2
mechanism market.json --all-profiles --solver heuristic --time-limit 0.5 --seed 7 --out r.json
check market.json --delta 0.25 --backend cpu --quiet
replica base.json --sizes 1,2,4 --plot fig.svg
qap bur26a.dat --solver descent --target 5426670
generate spectrum --buyers 4 --licences 3 --states 2 --signals 2 --national-share 0.5 --seed 3
generate social auction --agents 3 --states 2 --utility-types 2 --rho 0.9
generate social trade --a 0.5 --grid 5
convert file.json --out copy.json
gvcg problem.json --stages 2 --epsilon theorem --profile 0,1
audit problem.json --mechanism mech.json --budget-samples 100
epic problem.json --rule efficient
economy economy.json --eta 0.01 --all-profiles --no-eta-ic --out r.json
generate economy exchange --r 0.9 --money 30 --prices 21.5,5.5
generate economy cobb-douglas --agents 3 --types 2 --states 2 --goods 2 --seed 5
--version
mechanism --help
ARGS
seed_dir() {  # the seed folder and dictionary of a target
  case "$1" in
    fuzz_instance_*) echo "$seeds/instance tests/fuzz/instance.dict" ;;
    fuzz_social_*) echo "$seeds/social tests/fuzz/social.dict" ;;
    fuzz_economy_*) echo "$seeds/economy tests/fuzz/economy.dict" ;;
    fuzz_qaplib*) echo "$seeds/qaplib tests/fuzz/qaplib.dict" ;;
    fuzz_cli_*) echo "$seeds/cli tests/fuzz/cli.dict" ;;
    *) echo "fuzz: no seeds for $1" >&2; exit 2 ;;
  esac
}

# --- runs -----------------------------------------------------------------------------------------
targets="${FUZZ_TARGETS:-$(cd "$dir/tests/fuzz" && ls fuzz_* | grep -v '\.' | sort | tr '\n' ' ')}"
summary="$dir/fuzz-summary.txt"
: >"$summary"
export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
run_one() {
  local t="$1" seed dict log corpus
  read -r seed dict <<<"$(seed_dir "$t")"
  corpus="$dir/corpus/$t"
  log="$dir/logs/$t.log"
  mkdir -p "$corpus" "$dir/logs"
  local start=$SECONDS rc=0
  "$dir/tests/fuzz/$t" "$corpus" "$seed" -dict="$dict" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$dir/artifacts/$t-" >"$log" 2>&1 || rc=$?
  local execs eps corp
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  corp=$(grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$log" | tail -1 | sed 's/corp: //')  # inputs/bytes in memory at the end
  printf '%s executions=%s exec_per_s=%s corpus=%s seconds=%s exit=%s\n' "$t" "${execs:-?}" "${eps:-?}" \
    "${corp:-?}" "$((SECONDS - start))" "$rc" | tee -a "$summary"
  if [ "$rc" -ne 0 ]; then
    echo "fuzz: FINDING in $t (exit $rc); the log's end ($log):" >&2
    tail -n 40 "$log" >&2
    return 1
  fi
}
echo "fuzz: ${seconds} s per target, ${jobs} at a time: $targets"
pids=() failed=0
for t in $targets; do
  run_one "$t" &
  pids+=($!)
  if [ "${#pids[@]}" -ge "$jobs" ]; then
    wait "${pids[0]}" || failed=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || failed=1; done
if [ "$failed" -ne 0 ]; then echo "fuzz: findings (reproducers in $dir/artifacts/)" >&2; exit 1; fi
echo "fuzz: no findings"
