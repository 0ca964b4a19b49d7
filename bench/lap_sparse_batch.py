#!/usr/bin/env python3
"""ivassign solve_lap_sparse and solve_lap_batch against their peers, on the same input in one run.

Sparse (square, every row matched; weights w in [1, 2) to maximize, the peers get costs 3 - w > 0):
  random: each row allows 10 random columns plus one of a hidden permutation (so a full matching
  exists); spectrum: licences in regions of 20, firm i values every licence of its home region
  (i // 20) and of one more random region. Peers: lap.lapmod and scipy's
  min_weight_full_bipartite_matching (bench/.venv).
Batch (uniform [0, 1) weights, square): 10,000 problems of n = 50 and 1,000 of n = 200, all threads;
  peer lapx's lap.lapjvx_batch in float64 with n_threads=0 (bench/.venv-lapx).
Fastest of REPEATS runs each, interleaved; ratio = peer time / ivassign time (> 1: ivassign faster);
same optimum to 1e-9 relative; peak RSS (VmHWM) of the process.
Usage: bench/.venv/bin/python bench/lap_sparse_batch.py [--sizes 1000,4000] [--repeats 3] [--build build]
"""
import argparse
import json
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from suite import ROOT, run_measured  # noqa: E402

SPARSE_PEER = r"""
import json, sys, time
import numpy as np
prefix, n, which = sys.argv[1], int(sys.argv[2]), sys.argv[3]
indptr = np.fromfile(prefix + '.indptr', dtype='<i8'); indices = np.fromfile(prefix + '.indices', dtype='<i4')
w = np.fromfile(prefix + '.data', dtype='<f8'); cost = 3.0 - w
res = {}
if which == 'lapmod':
    import lap
    t = time.perf_counter(); _, x, _ = lap.lapmod(n, cost, indptr, indices); res['s'] = time.perf_counter() - t
    rows, cols = np.arange(n), x
elif which == 'scipy':
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching
    m = csr_matrix((cost, indices, indptr), shape=(n, n))
    t = time.perf_counter(); rows, cols = min_weight_full_bipartite_matching(m); res['s'] = time.perf_counter() - t
lookup = {(i, int(indices[k])): w[k] for i in range(n) for k in range(indptr[i], indptr[i + 1])}
res['objective'] = float(sum(lookup[(int(r), int(c))] for r, c in zip(rows, cols)))
print(json.dumps(res))
"""

BATCH_PEER = r"""
import json, sys, time
import numpy as np
import lap
path, b, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
w = np.fromfile(path, dtype='<f8').reshape(b, n, n); cost = -w
t = time.perf_counter(); totals, rows, cols = lap.lapjvx_batch(cost, n_threads=0); s = time.perf_counter() - t
print(json.dumps({'s': s, 'objective': float(-np.sum(totals))}))
"""


def sparse_instance(kind, n, rng):
    cols = []
    if kind == "random":
        perm = rng.permutation(n)
        for i in range(n):
            cols.append(np.unique(np.concatenate([rng.choice(n, 10, replace=False), [perm[i]]])))
    else:  # spectrum: regions of 20 licences, a home region and one more
        regions = (n + 19) // 20
        for i in range(n):
            extra = rng.integers(regions)
            rs = sorted({i // 20, int(extra)})
            cols.append(np.concatenate([np.arange(r * 20, min(n, r * 20 + 20)) for r in rs]))
    indptr = np.zeros(n + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(c) for c in cols])
    indices = np.concatenate(cols).astype(np.int32)
    data = 1.0 + rng.random(len(indices))
    return indptr, indices, data


def best_of(args, cmd_for, whos):
    best = {}
    for _ in range(args.repeats):
        for who in whos:
            try:
                out, _, rss = run_measured(cmd_for(who), timeout=args.timeout)
                d = json.loads(out)
                t = d.get("solve_s", d.get("s"))
            except Exception as e:
                best.setdefault(who, {"error": str(e).splitlines()[-1][:120]})
                continue
            b = best.get(who)
            if not b or "t" not in b or t < b["t"]:
                best[who] = {"t": t, "obj": d["objective"], "rss": max(rss, (b or {}).get("rss", 0))}
    return best


def table(title, best, labels):
    ours = best.get("ivassign", {})
    lines = [f"\n**{title}**\n", "| solver | time (s) | ratio peer / ivassign | same optimum | peak MB |",
             "| --- | --- | --- | --- | --- |"]
    if "t" not in ours:
        return "\n".join(lines + [f"| ivassign | failed: {ours.get('error')} | | | |"])
    for who, label in labels:
        b = best.get(who, {})
        if "t" not in b:
            lines.append(f"| {label} | failed: {b.get('error')} | | | |")
        elif who == "ivassign":
            lines.append(f"| {label} | {b['t']:.4f} | — | — | {b['rss']:.0f} |")
        else:
            same = abs(b["obj"] - ours["obj"]) <= 1e-9 * max(1.0, abs(ours["obj"]))
            lines.append(f"| {label} | {b['t']:.4f} | {b['t'] / ours['t']:.2f} | {'yes' if same else 'no'} | "
                         f"{b['rss']:.0f} |")
    return "\n".join(lines)


def sparse_rows(args, tmp):
    for kind in ("random", "spectrum"):
        for n in map(int, args.sizes.split(",")):
            indptr, indices, data = sparse_instance(kind, n, np.random.default_rng(n))
            prefix = os.path.join(tmp, "csr")
            indptr.astype("<i8").tofile(prefix + ".indptr")
            indices.astype("<i4").tofile(prefix + ".indices")
            data.astype("<f8").tofile(prefix + ".data")

            def cmd(who):
                if who == "ivassign":
                    return [args.peer_lap, "--csr", prefix, str(n), str(n)]
                return [args.python, "-c", SPARSE_PEER, prefix, str(n), who]
            best = best_of(args, cmd, ["ivassign", "lapmod", "scipy"])
            print(table(f"sparse {kind}, n = {n}, {len(indices)} pairs", best,
                        [("ivassign", "ivassign solve_lap_sparse"), ("lapmod", "lap.lapmod"),
                         ("scipy", "scipy min_weight_full_bipartite_matching")]), flush=True)


def batch_rows(args, tmp):
    for b, n in ((10000, 50), (1000, 200)):
        path = os.path.join(tmp, "batch.f64")
        np.random.default_rng(b + n).random((b, n, n)).astype("<f8").tofile(path)

        def cmd(who):
            if who == "ivassign":
                return [args.peer_lap, "--batch", path, str(b), str(n)]
            return [args.python_lapx, "-c", BATCH_PEER, path, str(b), str(n)]
        best = best_of(args, cmd, ["ivassign", "lapx"])
        print(table(f"batch of {b} problems, n = {n}, all threads ({os.cpu_count()})", best,
                    [("ivassign", "ivassign solve_lap_batch"), ("lapx", "lapx lap.lapjvx_batch (float64)")]),
              flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,4000")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--only", default="sparse,batch")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--python", default=os.path.join(ROOT, "bench", ".venv", "bin", "python"))
    ap.add_argument("--python-lapx", default=os.path.join(ROOT, "bench", ".venv-lapx", "bin", "python"))
    ap.add_argument("--timeout", type=float, default=600)
    args = ap.parse_args()
    args.peer_lap = os.path.join(args.build, "bench", "peer_lap")
    with tempfile.TemporaryDirectory() as tmp:
        if "sparse" in args.only:
            sparse_rows(args, tmp)
        if "batch" in args.only:
            batch_rows(args, tmp)


if __name__ == "__main__":
    main()
