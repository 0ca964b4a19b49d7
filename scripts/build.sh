#!/usr/bin/env bash
# Configures and builds ivassign (default folder build/; IVASSIGN_BUILD_DIR overrides). The device
# path is CUDA when nvcc is found (-DIVASSIGN_DEVICE=AUTO); -DIVASSIGN_DEVICE=OMP compiles the same
# device code for Thrust's OpenMP system (no GPU), -DIVASSIGN_DEVICE=OFF leaves it out.
# Extra arguments go to CMake's configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
dir="${IVASSIGN_BUILD_DIR:-build}"
launcher=()
if command -v ccache >/dev/null 2>&1; then
  # ccache keeps rebuilds cheap (CI builds several configurations); paths under the checkout are
  # hashed relative to it, so clones and worktrees share hits.
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_CUDA_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" "$@"
cmake --build "$dir" -j"$jobs"
