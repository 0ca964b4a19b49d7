#!/usr/bin/env python3
"""The LAP batch's work per problem, counted for the GPU model (docs/gpu-model.md, bench/gpu_model.py):
kernels/lap_batch.cuh's algorithm on uniform (0, 1] weights (the bench's), replayed in numpy: JV's column
reduction, then one shortest augmenting path (Crouse 2016) per free row. Prints, per n, the free rows after the
column reduction (augmentations), the Dijkstra steps (each scans every column of one row) and the entries read
per problem over n^2 (steps * n + 3 n^2 for the reduction's passes). Needs numpy (bench/.venv).
    bench/.venv/bin/python bench/lap_steps.py 50 100 200
"""
import sys

import numpy as np


def count(n, rng):
    c = -(1.0 - rng.random((n, n)))  # c_ij = -w_ij
    v = c.min(axis=0)
    col4row = -np.ones(n, int)
    row4col = -np.ones(n, int)
    cheapest = c.argmin(axis=0)
    for j in range(n - 1, -1, -1):  # each column's cheapest row, when still free (columns from the last)
        i = cheapest[j]
        if col4row[i] < 0:
            col4row[i], row4col[j] = j, i
    x = np.maximum(col4row, 0)
    u = np.where(col4row >= 0, c[np.arange(n), x] - v[x], (c - v).min(axis=1))
    steps = augmentations = 0
    for cur in range(n):
        if col4row[cur] >= 0:
            continue
        augmentations += 1
        d = np.full(n, np.inf)
        sc = np.zeros(n, bool)
        sr = np.zeros(n, bool)
        path = -np.ones(n, int)
        i, delta, sink = cur, 0.0, -1
        while sink < 0:  # one Dijkstra step: row i's reduced costs against every column
            steps += 1
            sr[i] = True
            r = delta + c[i] - u[i] - v
            better = ~sc & (r < d)
            d[better], path[better] = r[better], i
            open_d = np.where(sc, np.inf, d)
            low = open_d.min()
            ties = np.flatnonzero(open_d == low)
            free = [j for j in ties if row4col[j] < 0]
            j = free[0] if free else ties[0]
            delta, sc[j] = low, True
            if row4col[j] < 0:
                sink = j
            else:
                i = row4col[j]
        u[cur] += delta
        others = np.flatnonzero(sr & (np.arange(n) != cur))
        u[others] += delta - d[col4row[others]]
        v[sc] -= delta - d[sc]
        j = sink
        while True:
            i = path[j]
            row4col[j], col4row[i], j = i, j, col4row[i]
            if i == cur:
                break
    return augmentations, steps


def main():
    rng = np.random.default_rng(1)
    for n in map(int, sys.argv[1:] or ["50", "100", "200"]):
        runs = [count(n, rng) for _ in range(5)]
        aug = sum(a for a, _ in runs) / len(runs)
        steps = sum(s for _, s in runs) / len(runs)
        print(f"n={n} augmentations={aug:.1f} steps={steps:.1f} entries/n^2={(steps * n + 3 * n * n) / (n * n):.2f}")


if __name__ == "__main__":
    main()
