#!/usr/bin/env python3
"""ivassign.linear_sum_assignment against scipy.optimize.linear_sum_assignment from Python, on the
same n x n matrix (uniform [0, 1), seeded), in one run: the calls are interleaved (scipy, ivassign,
solve_lap, scipy, ...) so that load on a shared machine hits all of them alike; medians of REPEATS.

The binding's overhead, paired per call so that load cancels: the wrapper's path
(`ivassign._ivassign._linear_sum_assignment`, which also returns the library's solve time) minus
that solve time: argument checks, the negated copy of the matrix (checked for NaN and -inf in the
same pass), the problem's construction, the index arrays; likewise `solve_lap(weights)` minus its `.seconds`.
Usage (the venv of scripts/test-python.sh):  .venv-python/bin/python bench/python_lap.py [N] [REPEATS]
"""
import statistics
import sys
import time

import numpy as np
import scipy
import scipy.optimize

import ivassign


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 9
    cost = np.random.default_rng(1).random((n, n))
    ours = ivassign.linear_sum_assignment(cost)
    theirs = scipy.optimize.linear_sum_assignment(cost)
    same = abs(cost[ours].sum() - cost[theirs].sum()) <= 1e-9 * n
    lo, hi = cost.min(), cost.max()
    weights = (hi - cost) + (hi - lo)  # all positive: solve_lap matches every row, the same optimum
    ivassign.solve_lap(weights)  # warm
    t_scipy, t_ours, t_lap, inside, lsa_paired = [], [], [], [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        scipy.optimize.linear_sum_assignment(cost)
        t1 = time.perf_counter()
        ivassign.linear_sum_assignment(cost)
        t2 = time.perf_counter()
        r = ivassign.solve_lap(weights)
        t3 = time.perf_counter()
        # the public wrapper's path with the library's solve time kept (the wrapper drops it)
        t4 = time.perf_counter()
        a = np.ascontiguousarray(cost, dtype=np.float64)
        _, _, s = ivassign._ivassign._linear_sum_assignment(a, False)
        t5 = time.perf_counter()
        t_scipy.append(t1 - t0), t_ours.append(t2 - t1), t_lap.append(t3 - t2), inside.append(r.seconds)
        lsa_paired.append((t5 - t4, s))
    lap_overhead = statistics.median(t - i for t, i in zip(t_lap, inside))
    lsa_overhead = statistics.median(t - i for t, i in lsa_paired)
    lsa_share = statistics.median((t - i) / t for t, i in lsa_paired)
    lsa_inside = statistics.median(i for _, i in lsa_paired)
    t_scipy, t_ours, t_lap, inside = (statistics.median(x) for x in (t_scipy, t_ours, t_lap, inside))
    print(f"n = {n}, {repeats} calls each, numpy {np.__version__}, scipy {scipy.__version__}")
    print("| call | median per call | vs scipy |")
    print("| --- | --- | --- |")
    print(f"| scipy.optimize.linear_sum_assignment | {t_scipy * 1e3:.1f} ms | 1.00 |")
    print(f"| ivassign.linear_sum_assignment | {t_ours * 1e3:.1f} ms | {t_ours / t_scipy:.2f} |")
    print(f"| ivassign.solve_lap (duals too) | {t_lap * 1e3:.1f} ms | {t_lap / t_scipy:.2f} |")
    print(f"| library solve inside linear_sum_assignment | {lsa_inside * 1e3:.1f} ms | |")
    print(f"overhead of linear_sum_assignment (paired): {lsa_overhead * 1e3:.2f} ms ({lsa_share * 100:.1f} % "
          f"of the call); of solve_lap: {lap_overhead * 1e3:.2f} ms ({lap_overhead / t_lap * 100:.1f} %); "
          f"same optimum as scipy: {same}")


if __name__ == "__main__":
    main()
