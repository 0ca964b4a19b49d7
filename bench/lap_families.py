#!/usr/bin/env python3
"""ivassign solve_lap against every LAP peer a user would pick, one table per cost family, all in one
run on the same matrices: scipy linear_sum_assignment, lap.lapjv, lapjv.lapjv (its default computes
in float32; also with force_doubles=True) (bench/.venv) and lapx's lap.lapjvs in float64 and with
prefer_float32=True (bench/.venv-lapx: lapx installs a module named `lap` as well); and, as a same-run A/B,
ivassign with its float32 scans turned off ("ivassign64": peer_lap --scan float64, square families only).

Families (weights w to maximize; the peers get the equivalent costs -w, square unless they take
rectangles): uniform [0, 1); integers in [0, 100) (many ties); Euclidean distances between random
points in the unit square (w = 2 - distance, i.e. minimum total distance); rectangular n x 2n
uniform (lapjv takes squares only: it gets the zero-padded 2n x 2n); partial (uniform [-1, 1): a pair of value <= 0 is never worth matching; the peers get
max(w, 0), the square problem a user would pass them).
Every solver runs in its own process, REPEATS times, interleaved so that load on a shared machine
hits all alike; the table gives the fastest of the repeats (the least disturbed), the ratio
peer time / ivassign time from the same run (> 1: ivassign is faster), whether the optimum equals
ivassign's (to 1e-9 relative), and the peak RSS of the process (VmHWM; Python's ~30 MB included).
Usage: bench/.venv/bin/python bench/lap_families.py [--sizes 1000,4000] [--repeats 3] [--build build] [--clock cpu]
"""
import argparse
import json
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from suite import ROOT, run_measured  # noqa: E402

PEER = r"""
import json, sys, time
import numpy as np
path, n, s, which = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
w = np.fromfile(path, dtype='<f8').reshape(n, s)
partial = w.min() <= 0
cost = -np.maximum(w, 0.0) if partial else -w
res = {}
if which == 'scipy':
    from scipy.optimize import linear_sum_assignment
    t = time.perf_counter(); c0 = time.process_time(); r, c = linear_sum_assignment(cost); res['s'] = time.perf_counter() - t; res['cpu'] = time.process_time() - c0
elif which == 'lap':
    import lap
    t = time.perf_counter(); c0 = time.process_time(); _, x, _ = lap.lapjv(cost, extend_cost=n != s); res['s'] = time.perf_counter() - t; res['cpu'] = time.process_time() - c0
    r = np.flatnonzero(x >= 0); c = x[r]
elif which in ('lapjv', 'lapjv64'):
    from lapjv import lapjv
    m = max(n, s); sq = np.zeros((m, m)); sq[:n, :s] = cost  # square only: the user pads
    t = time.perf_counter(); c0 = time.process_time(); x, _, _ = lapjv(sq if m != n or m != s else cost, force_doubles=which == 'lapjv64')
    res['s'] = time.perf_counter() - t; res['cpu'] = time.process_time() - c0
    r = np.arange(n); c = x[:n]; keep = c < s; r, c = r[keep], c[keep]
elif which in ('lapx', 'lapx32'):
    import lap
    t = time.perf_counter(); c0 = time.process_time(); _, x, _ = lap.lapjvs(cost, jvx_like=False, prefer_float32=which == 'lapx32')
    res['s'] = time.perf_counter() - t; res['cpu'] = time.process_time() - c0
    r = np.flatnonzero(x >= 0); c = x[r]
vals = w[r, c]
res['objective'] = float(vals[vals > 0].sum()) if partial else float(vals.sum())
print(json.dumps(res))
"""

PEERS = [("scipy", "scipy linear_sum_assignment", "venv"), ("lap", "lap.lapjv", "venv"),
         ("lapjv", "lapjv.lapjv (default: float32 inside)", "venv"),
         ("lapjv64", "lapjv.lapjv force_doubles=True (float64)", "venv"), ("lapx", "lapx lapjvs (float64)", "lapx"),
         ("lapx32", "lapx lapjvs prefer_float32=True", "lapx"),
         ("ivassign64", "ivassign, double scans only (peer_lap --scan float64; square only)", "self")]


def family(name, n, rng):
    if name == "uniform":
        return rng.random((n, n))
    if name == "integers":
        return np.floor(rng.random((n, n)) * 100.0)
    if name == "euclid":
        a, b = rng.random((n, 2)), rng.random((n, 2))
        return 2.0 - np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(-1))
    if name == "rect":
        return rng.random((n, 2 * n))
    if name == "partial":
        return rng.random((n, n)) * 2.0 - 1.0
    raise ValueError(name)


FAMILIES = {"uniform": "uniform [0, 1)", "integers": "integers in [0, 100) (ties)",
            "euclid": "Euclidean distances (w = 2 - distance)", "rect": "rectangular n x 2n, uniform [0, 1)",
            "partial": "partial: uniform [-1, 1)"}


def run_once(args, which, path, n, s):
    if which in ("ivassign", "ivassign64"):
        extra = ["--cols", str(s)] if which == "ivassign" else ["--scan", "float64"]
        out, _, rss = run_measured([args.peer_lap, path, str(n)] + extra, timeout=args.timeout)
        d = json.loads(out)
        return d["cpu_s" if args.clock == "cpu" else "solve_s"], d["objective"], rss
    python = args.python if dict((k, v) for k, _, v in PEERS)[which] == "venv" else args.python_lapx
    out, _, rss = run_measured([python, "-c", PEER, path, str(n), str(s), which], timeout=args.timeout)
    d = json.loads(out)
    return d["cpu" if args.clock == "cpu" else "s"], d["objective"], rss


def bench_family(args, name, n, tmp):
    w = family(name, n, np.random.default_rng(n + len(name)))
    path = os.path.join(tmp, "w.f64")
    w.astype("<f8").tofile(path)
    s = w.shape[1]
    del w
    best = {}
    for _ in range(args.repeats):
        for which in ["ivassign"] + [k for k, _, _ in PEERS if k in args.peers.split(",")]:
            try:
                t, obj, rss = run_once(args, which, path, n, s)
            except Exception as e:  # a failing peer is reported, the rest goes on
                timed_out = str(e).startswith("timed out")
                msg = f"timed out (> {args.timeout:g} s)" if timed_out else str(e).splitlines()[-1][:120]
                best.setdefault(which, {"error": msg})
                continue
            b = best.get(which)
            if not b or "t" not in b or t < b["t"]:
                best[which] = {"t": t, "obj": obj, "rss": max(rss, (b or {}).get("rss", 0))}
    return best


def table(args, name, n, best):
    ours = best.get("ivassign", {})
    clock = "CPU time (s)" if args.clock == "cpu" else "time (s)"
    lines = [f"\n**{FAMILIES[name]}, n = {n}**\n", f"| solver | {clock} | ratio peer / ivassign | same optimum | peak MB |",
             "| --- | --- | --- | --- | --- |"]
    if "t" not in ours:
        return "\n".join(lines + [f"| ivassign solve_lap | failed: {ours.get('error')} | | | |"])
    lines.append(f"| ivassign solve_lap | {ours['t']:.4f} | — | — | {ours['rss']:.0f} |")
    for which, label, _ in PEERS:
        b = best.get(which)
        if b is None:
            continue
        if "t" not in b and "timed out" in b.get("error", ""):
            lines.append(f"| {label} | {b['error']} | > {args.timeout / ours['t']:.0f} | — | — |")
            continue
        if "t" not in b:
            lines.append(f"| {label} | failed: {b.get('error')} | | | |")
            continue
        same = abs(b["obj"] - ours["obj"]) <= 1e-9 * max(1.0, abs(ours["obj"]))
        lines.append(f"| {label} | {b['t']:.4f} | {b['t'] / ours['t']:.2f} | {'yes' if same else 'no'} | "
                     f"{b['rss']:.0f} |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,4000")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--families", default=",".join(FAMILIES), help="of " + ", ".join(FAMILIES))
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--python", default=os.path.join(ROOT, "bench", ".venv", "bin", "python"))
    ap.add_argument("--python-lapx", default=os.path.join(ROOT, "bench", ".venv-lapx", "bin", "python"))
    ap.add_argument("--timeout", type=float, default=600, help="seconds per run; a peer past it is reported")
    ap.add_argument("--peers", default=",".join(k for k, _, _ in PEERS))
    ap.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                    help="time the solve call by the wall clock or by the process's CPU time (every solver here is "
                         "single-threaded; CPU time is the steadier figure on a loaded machine)")
    args = ap.parse_args()
    args.peer_lap = os.path.join(args.build, "bench", "peer_lap")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.families.split(","):
            for n in map(int, args.sizes.split(",")):
                print(table(args, name, n, bench_family(args, name, n, tmp)), flush=True)


if __name__ == "__main__":
    main()
