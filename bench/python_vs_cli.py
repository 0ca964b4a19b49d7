#!/usr/bin/env python3
"""The Python binding's cost per call against the CLI on the same example, in one run.

For each example: the CLI (`ivassign mechanism FILE [--all-profiles] --quiet`, a process per call,
its JSON report read from stdout) and the Python call (`ivassign.run_mechanism(FILE, ...)` then
`report.to_json()`, the same document), each the median of REPEATS calls; plus, per Python call, the
time inside the library (`report.seconds`): the median of the differences is what the binding, the
file load and the JSON text add to the library's work.
Usage (the venv of scripts/test-python.sh, a CLI built with scripts/build.sh):
    .venv-python/bin/python bench/python_vs_cli.py build-off/ivassign [REPEATS]
"""
import json
import pathlib
import statistics
import subprocess
import sys
import time

import numpy as np

import ivassign

ROOT = pathlib.Path(__file__).resolve().parents[1]


def median_seconds(fn, repeats):
    fn()  # warm: page cache, first-call setup
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    cli = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    shared = ROOT.parent / "shared" / "data" / "examples"
    cases = [(ROOT / "examples" / "spectrum-small.json", False), (shared / "toy-2x2.json", True)]
    print("| example | CLI per call (process) | Python per call | library time inside (`report.seconds`) | Python - library (median per call) | same report |")
    print("| --- | --- | --- | --- | --- | --- |")
    for path, all_profiles in cases:
        args = [cli, "mechanism", str(path), "--quiet"] + (["--all-profiles"] if all_profiles else [])
        run_cli = lambda: subprocess.run(args, check=True, capture_output=True, text=True).stdout
        run_py = lambda: ivassign.run_mechanism(path, all_profiles=all_profiles)
        t_cli = median_seconds(run_cli, repeats)
        run_py().to_json()  # warm
        totals, insides = [], []
        for _ in range(repeats):  # per call: the whole Python call and the library's part of it
            t0 = time.perf_counter()
            report = run_py()
            report.to_json()
            totals.append(time.perf_counter() - t0)
            insides.append(report.seconds)
        t_py, inside = statistics.median(totals), statistics.median(insides)
        overhead = statistics.median(t - i for t, i in zip(totals, insides))
        a, b = json.loads(run_cli()), run_py().to_dict()
        for doc in (a, b):
            doc.pop("seconds", None)
            for p in doc["profiles"]:
                p.get("solver", {}).pop("seconds", None)
        label = path.name + (" --all-profiles" if all_profiles else "")
        print(f"| {label} | {t_cli * 1e3:.2f} ms | {t_py * 1e3:.2f} ms | {inside * 1e3:.2f} ms | "
              f"{overhead * 1e3:.2f} ms | {'yes' if a == b else 'NO'} |")
    w = np.random.default_rng(1).uniform(size=(3, 3))
    t_small = median_seconds(lambda: ivassign.vcg(w), repeats * 30)
    print(f"\nSmallest call: `ivassign.vcg` on a 3 x 3 matrix: {t_small * 1e6:.1f} us per call "
          f"(numpy in, a dict of numpy arrays out).")


if __name__ == "__main__":
    main()
