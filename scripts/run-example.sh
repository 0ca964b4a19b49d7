#!/usr/bin/env bash
# The main job: install, build, and run the mechanism on the bundled spectrum example.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
build/ivassign mechanism examples/spectrum-small.json
