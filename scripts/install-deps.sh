#!/usr/bin/env bash
# Installs what ivassign needs from Debian's packages (a fresh machine has none of them).
# Safe to run again: apt-get skips what is already installed.
#   scripts/install-deps.sh            the build, the tests, the Python package
#   scripts/install-deps.sh --browser  also Debian's chromium (large), for the browser test of the
#                                      `ivassign view` pages (ctest view.browser; CI: scripts/test.sh)
#                                      and bench/view_screenshots.py
set -euo pipefail
browser=0
for arg in "$@"; do
  case "$arg" in
    --browser) browser=1 ;;
    *) echo "install-deps: unknown argument $arg (expected --browser)" >&2; exit 2 ;;
  esac
done
packages=(
  cmake g++ make ccache          # build (ccache: cheap rebuilds of each configuration)
  nlohmann-json3-dev             # JSON instances and reports
  libeigen3-dev                  # per-state valuation and cost stacks (src/mechanism)
  libsimdjson-dev                # fast loading of large instances
  libcli11-dev                   # the command line
  libglpk-dev                    # economy: the efficiency audit's linear programs (GLPK's simplex)
  libgtest-dev libgmock-dev      # tests
  libbenchmark-dev               # bench/
  python3 python3-numpy python3-scipy   # tests compare the LAP solver with scipy
  python3-venv python3-dev       # the Python package (scripts/test-python.sh: a venv, nanobind from PyPI)
  gnuplot-nox                    # plots: check --plot and replica --plot render SVG with gnuplot
  libjs-chart.js                 # ivassign view: Chart.js, compiled into the library (CMakeLists.txt)
  clang libclang-rt-14-dev       # scripts/fuzz.sh: libFuzzer (libclang_rt.fuzzer is in libclang-rt-14-dev;
                                 # libfuzzer-14-dev, the stand-alone libFuzzer.a, is not needed)
  libomp-14-dev                  # scripts/tsan.sh: clang's OpenMP runtime and its TSan tool Archer (libarcher.so)
  libopenmpi-dev openmpi-bin     # IVASSIGN_MPI=ON (build-omp in CI): mpirun -np K build/ivassign spreads the tasks over ranks
)
# Thrust for the OpenMP device build (IVASSIGN_DEVICE=OMP): the CUDA toolkit's CCCL when present, else Debian's
if [ ! -f /usr/local/cuda/include/cccl/thrust/version.h ] && [ ! -f /usr/local/cuda/include/thrust/version.h ]; then
  packages+=(libthrust-dev)
fi
if [ "$browser" -eq 1 ]; then
  packages+=(chromium)           # headless: the view pages' browser test and screenshots
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all Debian packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
