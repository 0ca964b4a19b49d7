#!/usr/bin/env python3
"""ctest bench.suite_parses_posterior: bench/suite.py's parsing on bench_posterior's real output (the copy and
tensor rows, small sizes): the JSON report must be one document (its ratios go to stderr), with every row."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import suite  # noqa: E402

benchmarks, error = suite.posterior_benchmarks(sys.argv[1], False, "--benchmark_filter=HostCopy|TensorCpu")
if error is not None:
    sys.exit(f"bench_posterior failed: {error}")
names = [b["name"] for b in benchmarks]
if not any("Copy" in n for n in names) or not any("Tensor" in n for n in names):
    sys.exit(f"bench_posterior: missing rows in {names}")
print(f"suite parsed {len(names)} rows: {', '.join(names)}")
