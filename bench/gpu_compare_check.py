#!/usr/bin/env python3
"""ctest bench.gpu_compare_prints: bench/gpu_compare.py's printing, what scripts/gpu-check.sh shows after a GPU
run, checked without a GPU:
  1. on a report made from the model itself (every benchmark of an "in the tree" row at twice the predicted time
     or half the predicted rate, one row skipped, one missing): each such row must print 2 or 0.5 and
     "slower than the model by 2.0 x", the skipped one "skipped: ...", the missing one "not run"; the same
     report cut short keeps its complete rows and is noted;
  2. on bench_posterior's real report (argv[1]; small sizes, the copy and tensor rows: measured on the OpenMP
     device system, skipped without a device path): the copy and tensor rows must print a ratio or the skip.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gpu_compare  # noqa: E402

with open(os.path.join(HERE, "gpu_model.json")) as f:
    MODEL = json.load(f)


def cells(text, row_id):
    for line in text.splitlines():
        parts = [p.strip() for p in line.strip().strip("|").split("|")]
        if parts and parts[0] == row_id:
            return parts
    sys.exit(f"gpu_compare printed no line for the model row {row_id}:\n{text}")


def synthetic():
    benchmarks, expect = [], {}
    tree = [r for r in MODEL["rows"] if r["bench"] and r["status"] == "in the tree"]
    # the missing row: the last whose benchmark no other row reads (rows sharing one print the same measurement)
    alone = [r for r in tree if sum(x["bench"] == r["bench"] for x in tree) == 1]
    skipped, missing = tree[0], alone[-1]
    seen = set()
    for r in tree:
        if r is missing or r["bench"] in seen:
            continue
        seen.add(r["bench"])
        entry = {"name": r["bench"] + "/iterations:1", "run_type": "iteration", "time_unit": "ms", "real_time": 1.0}
        pred = r["predicted"]["H200"]
        if r is skipped:
            entry.update(error_occurred=True, error_message="no device path")
        elif r["metric"] == "real_time":
            entry["real_time"] = 2 * pred * 1e3  # ms
            expect[r["id"]] = "2"
        else:
            entry[r["metric"]] = pred / 2
            expect[r["id"]] = "0.5"
        benchmarks.append(entry)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "report.json")
        with open(path, "w") as f:
            json.dump({"context": {}, "benchmarks": benchmarks}, f)
        text = gpu_compare.table(MODEL, gpu_compare.load_reports([path]), "NVIDIA H200")
    if "H200" not in text.splitlines()[0]:
        sys.exit(f"the H200 column was not chosen for 'NVIDIA H200':\n{text}")
    for row_id, ratio in expect.items():
        c = cells(text, row_id)
        if c[5] != ratio or c[6] != "slower than the model by 2.0 x":
            sys.exit(f"row {row_id}: expected ratio {ratio}, slower by 2.0 x; printed {c}")
    if not cells(text, skipped["id"])[4].startswith("skipped: no device path"):
        sys.exit(f"row {skipped['id']}: the skip was not printed:\n{text}")
    if cells(text, missing["id"])[4] != "not run":
        sys.exit(f"row {missing['id']}: 'not run' was not printed:\n{text}")
    for r in MODEL["rows"]:
        cells(text, r["id"])
    # the same report cut short inside its second entry (a benchmark program that died): the first is kept
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "cut.json")
        whole = json.dumps({"context": {}, "benchmarks": benchmarks}, indent=2)
        second = whole.index('"name"', whole.index('"name"') + 1)
        with open(path, "w") as f:
            f.write(whole[:second + 20])
        notes = []
        found = gpu_compare.load_reports([path, os.path.join(d, "absent.json")], notes)
    if list(found) != [gpu_compare.base_name(benchmarks[0]["name"])] or len(notes) != 2 \
            or "cut short, 1 complete rows read" not in notes[0] or "not read" not in notes[1]:
        sys.exit(f"a report cut short: read {list(found)}, noted {notes}")
    print(f"synthetic report: {len(expect)} ratios, a skip, a missing row and a cut report handled as expected")


def real(exe):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "posterior.json")
        env = dict(os.environ, IVASSIGN_BENCH_SMALL="1")
        p = subprocess.run([exe, "--benchmark_filter=DeviceCopy|TensorDevice", f"--benchmark_out={path}",
                            "--benchmark_out_format=json"], capture_output=True, text=True, env=env)
        if p.returncode != 0:
            sys.exit(f"bench_posterior failed: {p.stderr[-300:]}")
        out = subprocess.run([sys.executable, os.path.join(HERE, "gpu_compare.py"), "--gpu", "NVIDIA H100 80GB HBM3",
                              path], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"gpu_compare.py failed: {out.stderr}")
    for row_id in ("copy", "tensor"):
        c = cells(out.stdout, row_id)
        if not (re.fullmatch(r"[0-9.]+(e[-+][0-9]+)?", c[5]) or c[4].startswith("skipped")):
            sys.exit(f"row {row_id}: neither a ratio nor a skip on the real report: {c}")
        print(f"real report, row {row_id}: measured {c[4]}, ratio {c[5]}")


synthetic()
real(sys.argv[1])
