#!/usr/bin/env python3
"""ctest bench.suite_parses_posterior: bench/suite.py's parsing on bench_posterior's real output (the copy and
tensor rows, small sizes): the JSON report must be one document (its ratios go to stderr), with every row. And
a clone without the reference data (no ../shared) skips the QAPLIB rows with a row saying where it looked, so
bench/run_suite.sh still ends 0 there."""
import os
import sys
import tempfile
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import suite  # noqa: E402

benchmarks, error = suite.posterior_benchmarks(sys.argv[1], False, "--benchmark_filter=HostCopy|TensorCpu")
if error is not None:
    sys.exit(f"bench_posterior failed: {error}")
names = [b["name"] for b in benchmarks]
if not any("Copy" in n for n in names) or not any("Tensor" in n for n in names):
    sys.exit(f"bench_posterior: missing rows in {names}")
print(f"suite parsed {len(names)} rows: {', '.join(names)}")

table = suite.Table()
with tempfile.TemporaryDirectory() as empty:
    suite.qaplib_rows(types.SimpleNamespace(shared=empty, full=False, qap_limit=0, qap_time_limit=1.0), table)
    if len(table.rows) != 1 or table.rows[0][1] != "(skipped)" or empty not in table.rows[0][4]:
        sys.exit(f"suite: without QAPLIB data the qaplib rows should be one skip naming {empty}: {table.rows}")
print("suite skips the QAPLIB rows without the reference data")
