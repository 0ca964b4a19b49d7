#!/usr/bin/env bash
# Runs the benchmark suite with one command and prints the table (bench/suite.py --help for options):
#   bash bench/run_suite.sh            # LAP 1000/4000, VCG 2000, spectrum 3 sizes, QAPLIB n<=30 (10 s each)
#   bash bench/run_suite.sh --full     # + LAP 10000, tai50a..tai100a at 60 s, full posterior sizes
# Installs the Debian packages (scripts/install-deps.sh, + python3-venv), builds Release, and makes
# bench/.venv with the peers from PyPI (scipy, lap, lapjv, ortools), and bench/.venv-lapx with lapx
# (it installs a module named `lap` too, so it cannot share a venv with the lap package).
# The per-family LAP tables: bench/.venv/bin/python bench/lap_families.py; sparse and batched LAP:
# bench/.venv/bin/python bench/lap_sparse_batch.py. QAPLIB's multistart tabu against scipy's
# quadratic_assignment (tai50a..tai100a at 60 s, n <= 40 time to optimum): bench/.venv/bin/python bench/qap_rots.py.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
if ! /usr/bin/python3 -c "import ensurepip" 2>/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
fi
bash scripts/build.sh >/dev/null
if [ ! -x bench/.venv/bin/python ]; then
  /usr/bin/python3 -m venv bench/.venv
fi
bench/.venv/bin/python -m pip install -q --upgrade pip >/dev/null
bench/.venv/bin/python -m pip install -q numpy scipy lap lapjv ortools
if [ ! -x bench/.venv-lapx/bin/python ]; then
  /usr/bin/python3 -m venv bench/.venv-lapx
fi
bench/.venv-lapx/bin/python -m pip install -q --upgrade pip >/dev/null
bench/.venv-lapx/bin/python -m pip install -q numpy lapx
mkdir -p bench/results
exec bench/.venv/bin/python bench/suite.py --python bench/.venv/bin/python \
  --out "bench/results/suite-$(date +%Y-%m-%d)-$(hostname).md" "$@"
