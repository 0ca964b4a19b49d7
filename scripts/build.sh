#!/usr/bin/env bash
# Configures and builds ivassign into build/ (CUDA backend when nvcc is found: IVASSIGN_CUDA=AUTO).
# Extra arguments go to CMake's configure step, e.g. -DIVASSIGN_CUDA=OFF.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build build -j"$jobs"
