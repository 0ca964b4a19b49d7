#!/usr/bin/env bash
# Install, build, and run the whole test suite (ctest). GPU tests skip with a message on
# machines without a GPU. Reference data is read from ../shared (IVASSIGN_SHARED_DIR overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
jobs=$(nproc 2>/dev/null || echo 2)
ctest --test-dir build --output-on-failure -j"$jobs"
