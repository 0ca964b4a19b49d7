#!/usr/bin/env bash
# The Python package, as a user installs it: a venv (.venv-python/, git-ignored) with numpy,
# pytest and the build requirements, then `pip install .` of this working tree and pytest on
# python/tests. The build folder (build-python/) and ccache persist, so a rerun only recompiles
# what changed. Reference data: ../shared (IVASSIGN_SHARED_DIR overrides). Extra arguments go to
# pytest. IVASSIGN_PYTHON_DEVICE=AUTO|OMP|CUDA builds the module with a device path (default OFF);
# IVASSIGN_PYTHON_VENV and IVASSIGN_PYTHON_BUILD_DIR name other folders (keep one per device setting).
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${IVASSIGN_PYTHON_VENV:-.venv-python}"
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
fi
py="$venv/bin/python"
"$py" -m pip install --quiet --disable-pip-version-check \
  "scikit-build-core>=0.10" "nanobind>=2.0" numpy "scipy>=1.17" pandas pytest
config=(-Cbuild-dir="${IVASSIGN_PYTHON_BUILD_DIR:-build-python}" -Ccmake.define.IVASSIGN_DEVICE="${IVASSIGN_PYTHON_DEVICE:-OFF}")
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
  config+=(-Ccmake.define.CMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}"
# --no-build-isolation: the build requirements above, so that the CMake cache in build-python/
# stays valid between runs (an isolated build would find nanobind in a new temporary folder).
"$py" -m pip install --quiet --disable-pip-version-check --no-build-isolation --no-deps "${config[@]}" .
"$py" -m pytest -q python/tests "$@"
