#!/usr/bin/env bash
# Install, build and run the whole test suite (ctest) in the two configurations CI checks:
#   build/      the default (CUDA device path when nvcc is found; GPU tests skip without a GPU)
#   build-omp/  IVASSIGN_DEVICE=OMP: the same device code on Thrust's OpenMP system, so every
#               device test runs and is compared with the CPU path, GPU or not.
# Then scripts/test-package.sh installs build/ and builds examples/consumer against it.
# Reference data is read from ../shared (IVASSIGN_SHARED_DIR overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j"$jobs"
IVASSIGN_BUILD_DIR=build-omp bash scripts/build.sh -DIVASSIGN_DEVICE=OMP -DIVASSIGN_BUILD_BENCH=OFF
ctest --test-dir build-omp --output-on-failure -j"$jobs"
# The installed CMake package: examples/consumer built against `cmake --install build`.
bash scripts/test-package.sh
