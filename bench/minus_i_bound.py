#!/usr/bin/env python3
"""VCG transfer intervals with and without the externality-aware minus-i bound, in one run.

Runs `ivassign mechanism INSTANCE` twice on the same build: `--bound-iterations 0` (the bound
without externalities: a LAP that drops the costs) and the given budget (default: the library's),
and prints per run the median transfer-interval width (= transfer_error_bound = U_-i - L_-i), the
median |transfer|, how many buyers' intervals are narrower than |transfer|, and the VCG time
(`solver.seconds`: the full solve, the n minus-i searches and the bounds).

  python3 bench/minus_i_bound.py build-off/ivassign /tmp/s200.json [--iterations N] [--threads T]
"""
import argparse
import json
import statistics
import subprocess
import tempfile
import time


def run(binary, instance, extra):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        start = time.monotonic()
        subprocess.run([binary, "mechanism", instance, "--quiet", "--out", out.name] + extra, check=True)
        wall = time.monotonic() - start
        report = json.load(open(out.name))
    p = report["profiles"][0]
    width = [hi - lo for lo, hi in p.get("transfer_interval", [[x, x] for x in p["transfers"]])]
    return {
        "median_width": statistics.median(width),
        "median_error_bound": statistics.median(p["transfer_error_bound"]),
        "median_abs_transfer": statistics.median(abs(x) for x in p["transfers"]),
        "narrower": sum(1 for w, x in zip(width, p["transfers"]) if w == 0 or w < abs(x)),
        "buyers": len(width),
        "certified": p.get("transfers_certified", True),
        "vcg_seconds": p["solver"]["seconds"],
        "wall_seconds": wall,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary")
    ap.add_argument("instance")
    ap.add_argument("--iterations", type=int, default=None, help="--bound-iterations of the new run")
    ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args()
    common = ["--threads", str(a.threads)]
    old = run(a.binary, a.instance, common + ["--bound-iterations", "0"])
    new = run(a.binary, a.instance, common + ([] if a.iterations is None else ["--bound-iterations", str(a.iterations)]))
    print("| bound | median width | median abs transfer | narrower than abs transfer | certified | VCG s | wall s |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, r in (("without externalities (old)", old), ("Lagrangian (new)", new)):
        print(f"| {name} | {r['median_width']:.4f} | {r['median_abs_transfer']:.4f} | {r['narrower']}/{r['buyers']} "
              f"| {str(r['certified']).lower()} | {r['vcg_seconds']:.2f} | {r['wall_seconds']:.1f} |")
    print(f"width ratio new/old: {new['median_width'] / old['median_width']:.3f}; "
          f"extra VCG seconds: {new['vcg_seconds'] - old['vcg_seconds']:.2f}")


if __name__ == "__main__":
    main()
