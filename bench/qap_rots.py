#!/usr/bin/env python3
"""QAPLIB: ivassign's multistart robust tabu search (`ivassign qap`) against scipy's
`quadratic_assignment` (FAQ and 2-opt, restarted from random starts until the same wall time), in one run.

  bench/.venv/bin/python bench/qap_rots.py [--cli build/ivassign] [--shared ../shared] [--seconds 60]
      [--small-seconds 5] [--threads 2] [--skip-small] [--skip-scipy] [--out rows.md]

Prints markdown tables: the hard set (tai50a, tai60a, tai80a, tai100a) with each solver's gap to the best
known value after the same seconds, and every instance with n <= 40 with ivassign's time to the published
optimum (stopped there by --target; --small-seconds at most). bench/run_suite.sh makes bench/.venv.
The machine's load average is printed before and after: on a shared machine it says how much of the cores
the runs had.
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import time

HARD = ["tai50a", "tai60a", "tai80a", "tai100a"]


def read_dat(path):
    import numpy as np
    with open(path) as f:
        tokens = f.read().split()
    n = int(tokens[0])
    values = np.array([float(t) for t in tokens[1:1 + 2 * n * n]])
    return values[: n * n].reshape(n, n), values[n * n:].reshape(n, n)


def ours(cli, path, seconds, threads, target):
    cmd = [cli, "qap", path, "--solver", "heuristic", "--time-limit", str(seconds), "--threads", str(threads),
           "--seed", "1", "--quiet"]
    if target is not None:
        cmd += ["--target", repr(target)]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    wall = time.perf_counter() - t0
    return json.loads(out), wall


def scipy_restarts(a, b, method, seconds, seed=1):
    """Best objective of `method` restarted from random starts until `seconds` have passed."""
    import numpy as np
    from scipy.optimize import quadratic_assignment
    rng = np.random.default_rng(seed)
    best, runs, t0 = float("inf"), 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        options = {"rng": rng, "P0": "randomized"} if method == "faq" else {"rng": rng}
        res = quadratic_assignment(a, b, method=method, options=options)
        best = min(best, float(res.fun))
        runs += 1
    return best, runs


def load():
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--cli", default=os.path.join(here, "..", "build", "ivassign"))
    ap.add_argument("--shared", default=os.environ.get("IVASSIGN_SHARED_DIR", os.path.join(here, "..", "..", "shared")))
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--small-seconds", type=float, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--skip-small", action="store_true")
    ap.add_argument("--skip-scipy", action="store_true")
    ap.add_argument("--out", help="also write the tables to this file")
    args = ap.parse_args()
    qdir = os.path.join(args.shared, "data", "qaplib")
    with open(os.path.join(qdir, "optima.csv")) as f:
        optima = {r["name"]: (int(r["n"]), float(r["value"]), r["status"]) for r in csv.DictReader(f)}
    lines = [f"load average before: {load()}", "",
             f"| instance | n | best known | ivassign ({args.threads} threads, {args.seconds:g} s) | gap |"
             + ("" if args.skip_scipy else f" scipy faq ({args.seconds:g} s, restarts) | gap | scipy 2opt | gap |"),
             "| --- | --- | --- | --- | --- |" + ("" if args.skip_scipy else " --- | --- | --- | --- |")]
    gaps = {"ivassign": [], "faq": [], "2opt": []}
    for name in HARD:
        n, value, _ = optima[name]
        path = os.path.join(qdir, name + ".dat")
        r, _ = ours(args.cli, path, args.seconds, args.threads, value)
        gap = (r["objective"] - value) / value
        gaps["ivassign"].append(gap)
        row = f"| {name} | {n} | {value:.0f} | {r['objective']:.0f} ({r['iterations']} iterations) | {100 * gap:.3f} % |"
        if not args.skip_scipy:
            a, b = read_dat(path)
            for method in ("faq", "2opt"):
                best, runs = scipy_restarts(a, b, method, args.seconds)
                g = (best - value) / value
                gaps[method].append(g)
                row += f" {best:.0f} ({runs} runs) | {100 * g:.3f} % |"
        lines.append(row)
        print(row, flush=True)
    mean = {k: 100 * sum(v) / len(v) for k, v in gaps.items() if v}
    lines.append("")
    lines.append("mean gap: " + ", ".join(f"{k} {v:.3f} %" for k, v in mean.items()) + f"; load average after: {load()}")
    if not args.skip_small:
        lines += ["", f"| instance | n | optimum | ivassign reached | seconds to it (limit {args.small_seconds:g} s) |",
                  "| --- | --- | --- | --- | --- |"]
        reached, total = 0, 0
        for name, (n, value, status) in sorted(optima.items()):
            if n > 40:
                continue
            r, wall = ours(args.cli, os.path.join(qdir, name + ".dat"), args.small_seconds, args.threads, value)
            ok = r["objective"] <= value
            reached += ok
            total += 1
            row = f"| {name} | {n} | {value:.0f} ({status}) | {'yes' if ok else 'no: %.0f' % r['objective']} | {wall:.2f} |"
            lines.append(row)
            print(row, flush=True)
        lines += ["", f"n <= 40: {reached}/{total} at the published value within {args.small_seconds:g} s; "
                      f"load average after: {load()}"]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    sys.exit(main())
