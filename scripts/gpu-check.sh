#!/usr/bin/env bash
# One-shot GPU check: on a machine with an NVIDIA GPU, build the CUDA device path for that GPU (or
# use the binaries that scripts/gpu-carry.sh prepared in device-carry/), run every device test,
# run compute-sanitizer (memcheck, racecheck, synccheck) over them, then the GPU-against-CPU
# benchmark rows in the same run, and write one markdown table to OUT.md (default gpu-check.md), then
# each benchmark measured against the GPU model's prediction (bench/gpu_model.json, docs/gpu-model.md;
# bench/gpu_compare.py: measured / predicted per row, so the first GPU run shows where the model was wrong).
# Without a GPU it prints "no GPU: nothing to check" and exits 0.
#   bash scripts/gpu-check.sh [OUT.md]
set -uo pipefail
cd "$(dirname "$0")/.."
out="${1:-gpu-check.md}"
if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "no GPU: nothing to check"
  exit 0
fi
gpu=$(nvidia-smi --query-gpu=name,memory.total,compute_cap --format=csv,noheader | head -1)
arch=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1 | tr -d ' .')
if [ -x device-carry/ivassign_tests ]; then
  bin=device-carry
  export LD_LIBRARY_PATH="$PWD/device-carry/lib:${LD_LIBRARY_PATH:-}"
  how="prebuilt by scripts/gpu-carry.sh ($(cat device-carry/ARCH 2>/dev/null || echo '?'))"
else
  IVASSIGN_BUILD_DIR=build-gpu bash scripts/build.sh -DIVASSIGN_DEVICE=CUDA -DCMAKE_CUDA_ARCHITECTURES="$arch" >/dev/null
  mkdir -p build-gpu/carry && cp build-gpu/tests/ivassign_tests build-gpu/bench/bench_posterior build-gpu/bench/bench_solvers build-gpu/carry/
  bin=build-gpu/carry
  how="built here for sm_$arch"
fi
filter='*Backends*:*Device*:SwapScoring.*:LapBatchDevice.*:LapTeam.*'
rows=()
row() { rows+=("| $1 | $2 | $3 |"); }
status=0
if "$bin/ivassign_tests" --gtest_filter="$filter" > gpu-tests.log 2>&1; then
  row "device tests ($filter)" "pass" "$(grep -c '^\[       OK \]' gpu-tests.log) passed, $(grep -c '^\[  SKIPPED \]' gpu-tests.log) skipped"
else
  row "device tests ($filter)" "FAIL" "see gpu-tests.log"; status=1
fi
if command -v compute-sanitizer >/dev/null 2>&1; then
  for tool in memcheck racecheck synccheck; do
    if compute-sanitizer --tool "$tool" --error-exitcode 9 "$bin/ivassign_tests" --gtest_filter="$filter" > "gpu-$tool.log" 2>&1; then
      row "compute-sanitizer $tool" "clean" "$(grep -m1 'ERROR SUMMARY' "gpu-$tool.log" | tr -d '=')"
    else
      row "compute-sanitizer $tool" "FAIL" "see gpu-$tool.log"; status=1
    fi
  done
else
  row "compute-sanitizer" "missing" "not on PATH"
fi
# each bench writes its JSON report (the model comparison reads it) and its console table to the log; the
# bandwidth ratios of bench_posterior are on its stderr, in the log too
json() { echo "--benchmark_out=gpu-bench-$1.json --benchmark_out_format=json"; }
"$bin/bench_posterior" --benchmark_filter='Copy|Tensor|InformationalSize' $(json posterior) > gpu-bench-posterior.log 2>&1
# the descent's candidate evaluations per second, CPU loop vs device scoring, same run (spectrum
# 200 x 800 and 1000 x 4000, seed 7; from the LAP start and from the empty matching), and VCG with
# the descent at 200 x 800, its minus-i searches on the device state rolled back as the CPU's
"$bin/bench_solvers" --benchmark_filter='SwapScoring|LapBatch|DescentEvaluations|VcgDescentBackends/200/|RotsMultistart' $(json solvers) > gpu-bench-solvers.log 2>&1
# gvcg --stages 1 (its measures), the audit's lie scans and epic's groups on the 8-agent, 6-type bench
# problem: /0 the CPU, /1 the device, same run
"$bin/bench_social" --benchmark_filter='Backend' $(json social) > gpu-bench-social.log 2>&1
while IFS= read -r line; do row "bench_posterior" "ratio" "$line"; done < <(grep -E '/ ' gpu-bench-posterior.log)
while IFS= read -r line; do row "bench" "figure" "$(echo "$line" | tr -s ' ')"; done < <(grep -E '^BM_' gpu-bench-posterior.log gpu-bench-solvers.log gpu-bench-social.log | cut -d: -f2-)
{
  echo "### GPU check $(date -u +%Y-%m-%d), $gpu ($how)"
  echo
  echo "| check | result | detail |"
  echo "| --- | --- | --- |"
  printf '%s\n' "${rows[@]}"
  echo
  echo "#### Measured against the GPU model ([docs/gpu-model.md](docs/gpu-model.md))"
  echo
  if command -v python3 >/dev/null 2>&1; then
    python3 bench/gpu_compare.py --gpu "$gpu" gpu-bench-posterior.json gpu-bench-solvers.json gpu-bench-social.json \
      || echo "(bench/gpu_compare.py failed: see above)"
  else
    echo "python3 missing: run python3 bench/gpu_compare.py --gpu \"$gpu\" gpu-bench-*.json elsewhere"
  fi
} > "$out"
cat "$out"
exit $status
