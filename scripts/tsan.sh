#!/usr/bin/env bash
# The re-entrancy tests (tests/common/test_reentrancy.cpp: every entry point from 8 threads at once)
# under ThreadSanitizer, in build-tsan/ (IVASSIGN_TSAN_BUILD_DIR overrides; ccache).
#
# With clang (the default when installed) OpenMP stays on: LLVM's libomp with its TSan tool Archer
# (libarcher.so, named in OMP_TOOL_LIBRARIES) makes the OpenMP runtime's synchronisation visible to
# TSan, so the library's parallel loops are checked along with the callers' threads. With GCC
# (TSAN_CXX=g++) the build has no OpenMP (libgomp under TSan reports false positives; CMakeLists.txt)
# and only the callers' threads are checked. No suppressions: any report fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${IVASSIGN_TSAN_BUILD_DIR:-build-tsan}"
cxx="${TSAN_CXX:-$(command -v clang++ || command -v clang++-14 || command -v g++)}"
launcher=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
compiler=(-DCMAKE_CXX_COMPILER="$cxx")
if [ -f "$dir/CMakeCache.txt" ] && [ -z "${TSAN_CXX:-}" ]; then compiler=(); fi  # keep the folder's compiler
cmake -S . -B "$dir" "${compiler[@]}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1 -g -DNDEBUG" \
  -DIVASSIGN_SANITIZE=thread -DIVASSIGN_DEVICE=OFF -DIVASSIGN_BUILD_BENCH=OFF -DIVASSIGN_INSTALL=OFF \
  "${launcher[@]}" >/dev/null
cmake --build "$dir" -j"$(nproc 2>/dev/null || echo 2)" --target ivassign_reentrancy_tests
archer="$(dirname "$(readlink -f "$(command -v "$cxx")")")/../lib/libarcher.so"  # /usr/lib/llvm-14/lib
if [ -f "$archer" ]; then
  export OMP_TOOL_LIBRARIES="$archer"
  export ARCHER_OPTIONS="${ARCHER_OPTIONS:-verbose=1}"  # prints "Archer detected OpenMP application with TSan"
fi
options="halt_on_error=1 second_deadlock_stack=1"
if [ -n "${OMP_TOOL_LIBRARIES:-}" ]; then
  # Archer's documented setting: libomp itself is not instrumented, and its own internal locks (a
  # pthread_mutex_init in one runtime thread, the lock in another) are otherwise reported as races;
  # this ignores the accesses made inside uninstrumented libraries (libomp, and the prebuilt libgtest
  # and libstdc++.so), while every access in ivassign's code and the test stays checked.
  options="$options ignore_noninstrumented_modules=1"
fi
TSAN_OPTIONS="${TSAN_OPTIONS:-$options}" "$dir/tests/ivassign_reentrancy_tests"
