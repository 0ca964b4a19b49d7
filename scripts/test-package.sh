#!/usr/bin/env bash
# The CMake package, as a consumer sees it: installs a built ivassign (build/; IVASSIGN_BUILD_DIR
# overrides) into a temporary prefix, configures examples/consumer against it in a fresh folder
# (find_package(ivassign CONFIG REQUIRED); the consumer enables only C++, no CUDA), builds it and
# runs it on examples/spectrum-small.json. Fails on any error. Run scripts/build.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${IVASSIGN_BUILD_DIR:-build}"
if [[ ! -f "$dir/CMakeCache.txt" ]]; then
  echo "test-package: no build in $dir (run scripts/build.sh first)" >&2
  exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ivassign-package.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"

cmake --install "$dir" --prefix "$prefix" >/dev/null
config=$(find "$prefix" -path '*/cmake/ivassign/ivassignConfig.cmake' | head -n 1)
for f in "$config" "$prefix/include/ivassign/ivassign.hpp" "$prefix/bin/ivassign"; do
  if [[ -z "$f" || ! -f "$f" ]]; then
    echo "test-package: the install into $prefix lacks ${f:-ivassignConfig.cmake}" >&2
    exit 1
  fi
done
test -f "$(dirname "$config")/ivassignConfigVersion.cmake"
"$prefix/bin/ivassign" --help >/dev/null

launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S examples/consumer -B "$tmp/consumer-build" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$prefix" "${launcher[@]}" >/dev/null
cmake --build "$tmp/consumer-build" -j2 >/dev/null
out=$("$tmp/consumer-build/consumer" examples/spectrum-small.json)
echo "$out"
grep -q '^welfare ' <<<"$out"
grep -q '^delta.used ' <<<"$out"
echo "test-package: OK (installed $dir, built and ran examples/consumer)"
