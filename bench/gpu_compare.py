#!/usr/bin/env python3
"""Measured against predicted: each row of bench/gpu_model.json next to the figure a GPU run measured for it
(Google Benchmark JSON reports, --benchmark_out=FILE --benchmark_out_format=json), with measured / predicted
and what that says. scripts/gpu-check.sh runs it on the GPU; bench.gpu_compare_prints (ctest) on sample
output. Stdlib only (the GPU machine may lack numpy).

    python3 bench/gpu_compare.py --gpu "NVIDIA H200" REPORT.json [REPORT.json ...]

--gpu takes nvidia-smi's name: the model's column whose "match" it contains (H100, H200), else H100's with a
note. Rows whose benchmark did not run print "not run"; rows with no benchmark, "model only". A missing report,
or one cut short by a crash, is noted under the table (its complete rows are used). Exit 0.
"""
import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
UNIT_S = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def base_name(name):
    """A benchmark's name without Google Benchmark's run suffixes (/iterations:N, /real_time, ...)."""
    parts = [p for p in name.split("/") if not re.fullmatch(r"(iterations|repeats|threads|min_time):.*|real_time|"
                                                            r"manual_time|process_time", p)]
    return "/".join(parts)


def salvage(text):
    """The complete entries of a report cut short (a benchmark program that died mid-run leaves its
    --benchmark_out file unterminated)."""
    start = text.find('"benchmarks"')
    start = text.find("[", start) + 1 if start >= 0 else 0
    decoder, entries = json.JSONDecoder(), []
    while start > 0:
        while start < len(text) and text[start] in " \t\r\n,":
            start += 1
        try:
            entry, start = decoder.raw_decode(text, start)
        except ValueError:
            break
        entries.append(entry)
    return entries


def load_reports(paths, notes=None):
    """{base name: benchmark entry} of every report; a later report's entry replaces an earlier one. A
    missing report or one cut short is noted in `notes` (what could be read is kept)."""
    found = {}
    for path in paths:
        try:
            with open(path) as f:
                text = f.read()
        except OSError as e:
            if notes is not None:
                notes.append(f"{path}: not read ({e.strerror})")
            continue
        try:
            benchmarks = json.loads(text).get("benchmarks", [])
        except ValueError:
            benchmarks = salvage(text)
            if notes is not None:
                notes.append(f"{path}: cut short, {len(benchmarks)} complete rows read")
        for b in benchmarks:
            if isinstance(b, dict) and "name" in b and b.get("run_type", "iteration") == "iteration":
                found[base_name(b["name"])] = b
    return found


def measured(row, found):
    """(value, note): the row's figure in the model's unit, or None and why not."""
    if not row.get("bench"):
        return None, "model only (no benchmark row)"
    b = found.get(row["bench"])
    if b is None:
        return None, "not run"
    if b.get("error_occurred"):
        return None, "skipped: " + b.get("error_message", "error")
    if row["metric"] == "real_time":
        return b["real_time"] * UNIT_S[b.get("time_unit", "ns")], None
    if row["metric"] not in b:
        return None, f"no counter {row['metric']}"
    return float(b[row["metric"]]), None


def reading(row, ratio):
    """What measured / predicted says: slower or faster than the model, and by how much."""
    slower = ratio > 1 if row["kind"] == "time" else ratio < 1
    factor = ratio if ratio >= 1 else 1 / ratio
    if factor <= 1.5:
        return "as modelled (within 1.5 x)"
    return f"{'slower' if slower else 'faster'} than the model by {factor:.1f} x"


def pick_gpu(model, name):
    for key, g in model["gpus"].items():
        if g["match"].lower() in name.lower():
            return key, None
    return "H100", f"no column for '{name}': H100's predictions"


def table(model, found, gpu_name, notes=()):
    key, note = pick_gpu(model, gpu_name)
    lines = [f"Measured against bench/gpu_model.json ({model['gpus'][key]['name']} column"
             + (f"; {note}" if note else "") + "): ratio = measured / predicted.", "",
             "| model row | status | benchmark | predicted | measured | measured / predicted | reading |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for row in model["rows"]:
        pred = row["predicted"][key]
        value, why = measured(row, found)
        unit = row["unit"]
        if value is None or not pred:
            cells = [f"{pred:.4g} {unit}" if pred else "—", why or "—", "—", "—"]
        else:
            ratio = value / pred
            cells = [f"{pred:.4g} {unit}", f"{value:.4g} {unit}", f"{ratio:.3g}", reading(row, ratio)]
        lines.append(f"| {row['id']} | {row['status']} | {row.get('bench') or '—'} | " + " | ".join(cells) + " |")
    if notes:
        lines += [""] + [f"Report {n}." for n in notes]
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=os.path.join(HERE, "gpu_model.json"))
    ap.add_argument("--gpu", default="H100", help="the GPU's name (nvidia-smi --query-gpu=name)")
    ap.add_argument("reports", nargs="*")
    args = ap.parse_args(argv)
    with open(args.model) as f:
        model = json.load(f)
    notes = []
    found = load_reports(args.reports, notes)
    print(table(model, found, args.gpu, notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
