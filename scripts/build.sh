#!/usr/bin/env bash
# Configures and builds ivassign into build/ (CUDA backend when nvcc is found: IVASSIGN_CUDA=AUTO).
# Extra arguments go to CMake's configure step, e.g. -DIVASSIGN_CUDA=OFF.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
launcher=()
if command -v ccache >/dev/null 2>&1; then
  # ccache keeps rebuilds cheap (CI builds several configurations); paths under the checkout are
  # hashed relative to it, so clones and worktrees share hits.
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_CUDA_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" "$@"
cmake --build build -j"$jobs"
