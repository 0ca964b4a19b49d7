#!/usr/bin/env bash
# Install, build and run the whole test suite (ctest) in the configurations CI checks, then fuzz:
#   build/      the default (CUDA device path when nvcc is found; GPU tests skip without a GPU),
#               then scripts/test-package.sh installs it and builds examples/consumer against it,
#               and scripts/test-python.sh pip-installs the Python package (no device path) and runs pytest;
#   build-omp/  IVASSIGN_DEVICE=OMP: the same device code on Thrust's OpenMP system, so every
#               device test runs and is compared with the CPU path, GPU or not; with IVASSIGN_MPI=ON,
#               so its ctest also runs the command line under `mpirun -np 2` (tests mpi.*);
#   build-asan/ IVASSIGN_SANITIZE=address,undefined: the CPU path (library, CLI spawned by the tests,
#               test program) under AddressSanitizer, LeakSanitizer and UBSan at -O1; the first
#               finding fails the run;
#   build-fuzz/ IVASSIGN_FUZZ=ON (clang): scripts/fuzz.sh runs each libFuzzer target for 60 s.
# Debian's chromium is installed (install-deps.sh --browser) for ctest view.browser, which loads the
# `ivassign view` pages headless from file:// with the network off.
# Reference data is read from ../shared (IVASSIGN_SHARED_DIR overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --browser  # chromium too: ctest view.browser opens the view pages
jobs=$(nproc 2>/dev/null || echo 2)
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j"$jobs"
# The installed CMake package: examples/consumer built against `cmake --install build`.
bash scripts/test-package.sh
# The Python package: pip install . into .venv-python/ (build-python/, ccache), then pytest.
bash scripts/test-python.sh
IVASSIGN_BUILD_DIR=build-omp bash scripts/build.sh -DIVASSIGN_DEVICE=OMP -DIVASSIGN_BUILD_BENCH=OFF -DIVASSIGN_MPI=ON
ctest --test-dir build-omp --output-on-failure -j"$jobs"
IVASSIGN_BUILD_DIR=build-asan bash scripts/build.sh -DIVASSIGN_SANITIZE=address,undefined \
  -DIVASSIGN_DEVICE=OFF -DIVASSIGN_BUILD_BENCH=OFF -DCMAKE_CXX_FLAGS_RELEASE="-O1 -g1 -DNDEBUG"
ASAN_OPTIONS=halt_on_error=1:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs"
# libFuzzer (tests/fuzz, clang, ASan+UBSan; build-fuzz/): every target for 60 s on seeds from the
# reference data; any crash, sanitizer report, stray exception or hang fails CI.
bash scripts/fuzz.sh 60
