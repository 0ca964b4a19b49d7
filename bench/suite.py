#!/usr/bin/env python3
"""ivassign benchmark suite: one table of ivassign (CPU, and CUDA where present) against the peers a
user would otherwise pick, every ratio measured in the same run on the same input.

Rows: LAP n = 1000, 4000 (10000 with --full) against scipy linear_sum_assignment, lap.lapjv and
OR-Tools LinearSumAssignment; VCG (all n + 1 optima) n = 2000 against n + 1 scipy calls; spectrum
instances 50/200, 200/800, 1000/4000 (generate + mechanism); QAPLIB quality (gap to the published
value) at a time limit per instance; the posterior engine's Google Benchmark rows.
Each row: time, ratio against the baseline of the same run, quality, peak memory (max RSS of the
process that did the work). Run it through bench/run_suite.sh (it makes the venv with the peers).
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
CLI = os.path.join(BUILD, "ivassign")
PEER_LAP = os.path.join(BUILD, "bench", "peer_lap")


def default_shared():
    """The reference data as the build found it: $IVASSIGN_SHARED_DIR, else the build's CMake cache, else ../shared."""
    if os.environ.get("IVASSIGN_SHARED_DIR"):
        return os.environ["IVASSIGN_SHARED_DIR"]
    try:
        with open(os.path.join(BUILD, "CMakeCache.txt")) as f:
            for line in f:
                if line.startswith("IVASSIGN_SHARED_DIR:"):
                    path = line.split("=", 1)[1].strip()
                    return path if os.path.isabs(path) else os.path.join(BUILD, path)
    except OSError:
        pass
    return os.path.join(os.path.dirname(ROOT), "shared")


def vm_hwm_mb(pid):
    """Peak RSS of a live process (VmHWM), in MB; None when it has exited."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


def run_measured(cmd, timeout=None):
    """Runs cmd; returns (stdout, wall seconds, peak RSS in MB of that process). The peak is VmHWM
    sampled until exit (wait4's ru_maxrss would include this Python process's size at fork)."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        p = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        deadline = None if timeout is None else t0 + timeout
        peak = 0.0
        while True:
            hwm = vm_hwm_mb(p.pid)
            if hwm:
                peak = max(peak, hwm)
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if deadline and time.perf_counter() > deadline:
                p.kill()
                os.wait4(p.pid, 0)
                raise RuntimeError(f"timed out after {timeout} s: {' '.join(cmd)}")
            time.sleep(0.005)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text, etext = out.read(), err.read()
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}): {etext.strip()[-500:]}")
    return text, wall, peak


PEER_CODE = r"""
import json, sys, time
import numpy as np
path, n, which = sys.argv[1], int(sys.argv[2]), sys.argv[3]
w = np.fromfile(path, dtype='<f8').reshape(n, n)
res = {}
if which == 'scipy':
    from scipy.optimize import linear_sum_assignment
    t = time.perf_counter(); r, c = linear_sum_assignment(w, maximize=True); res['s'] = time.perf_counter() - t
    res['objective'] = float(w[r, c].sum())
elif which == 'scipy-vcg':
    from scipy.optimize import linear_sum_assignment
    k = int(sys.argv[4]); t = time.perf_counter(); vals = []
    for i in range(k):
        sub = np.delete(w, i, axis=0); r, c = linear_sum_assignment(sub, maximize=True); vals.append(float(sub[r, c].sum()))
    res['s_per_call'] = (time.perf_counter() - t) / k; res['minus_i'] = vals
elif which == 'lap':
    import lap
    t = time.perf_counter(); cost, x, y = lap.lapjv(-w); res['s'] = time.perf_counter() - t
    res['objective'] = float(-cost)
elif which == 'ortools':
    from ortools.graph.python import linear_sum_assignment as lsa
    scale = 1e6  # OR-Tools needs integer costs: weights to 1e-6
    ci = np.rint(-w * scale).astype(np.int64)
    t = time.perf_counter()
    a = lsa.SimpleLinearSumAssignment()
    rows = np.repeat(np.arange(n), n); cols = np.tile(np.arange(n), n)
    a.add_arcs_with_cost(rows, cols, ci.ravel())
    status = a.solve(); res['s'] = time.perf_counter() - t
    res['objective'] = float(sum(w[i, a.right_mate(i)] for i in range(n))) if status == a.OPTIMAL else None
print(json.dumps(res))
"""


def peer(python, which, path, n, *extra, timeout=None):
    try:
        out, wall, rss = run_measured([python, "-c", PEER_CODE, path, str(n), which, *map(str, extra)], timeout)
        d = json.loads(out)
        d["rss_mb"] = rss
        return d
    except Exception as e:  # a missing peer is reported, not fatal
        return {"error": str(e).splitlines()[-1][:160]}


def fmt(x, digits=3):
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:.{digits}g}"
    return str(x)


class Table:
    def __init__(self):
        self.rows = []

    def add(self, *cells):
        self.rows.append([fmt(c) for c in cells])
        print(" | ".join(self.rows[-1]), flush=True)

    def markdown(self, header):
        lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
        lines += ["| " + " | ".join(r) + " |" for r in self.rows]
        return "\n".join(lines)


def lap_rows(args, table, tmp):
    import numpy as np
    sizes = [1000, 4000] + ([10000] if args.full else [])
    for n in sizes:
        w = np.random.default_rng(n).random((n, n))
        path = os.path.join(tmp, f"lap{n}.f64")
        w.astype("<f8").tofile(path)
        del w
        ours_out, _, ours_rss = run_measured([PEER_LAP, path, str(n)])
        ours = json.loads(ours_out)
        sc = peer(args.python, "scipy", path, n)
        base = sc.get("s")
        table.add(f"LAP n={n}", "ivassign CPU (JV shortest paths)", ours["solve_s"],
                  base / ours["solve_s"] if base else None,
                  "optimal" + ("" if not base else f", = scipy: {abs(sc['objective'] - ours['objective']) < 1e-6 * n}"),
                  ours_rss)
        table.add(f"LAP n={n}", "scipy linear_sum_assignment (baseline)", base, 1.0 if base else None,
                  "optimal" if base else sc.get("error"), sc.get("rss_mb"))
        for which, label in (("lap", "lap.lapjv"), ("ortools", "OR-Tools LinearSumAssignment (costs x1e6, int)")):
            if n > 4000 and which == "ortools":
                continue  # 1e8 arcs
            r = peer(args.python, which, path, n)
            ok = r.get("objective") is not None and abs(r["objective"] - ours["objective"]) < 1e-4 * n
            table.add(f"LAP n={n}", label, r.get("s"), base / r["s"] if base and r.get("s") else None,
                      ("optimal" if ok else "objective differs") if "s" in r else r.get("error"), r.get("rss_mb"))
        os.remove(path)


def vcg_rows(args, table, tmp):
    import numpy as np
    n = 2000
    w = np.random.default_rng(7).random((n, n))
    path = os.path.join(tmp, "vcg.f64")
    w.astype("<f8").tofile(path)
    out, _, rss = run_measured([PEER_LAP, path, str(n), "--vcg"])
    ours = json.loads(out)
    k = args.vcg_scipy_calls
    sc = peer(args.python, "scipy-vcg", path, n, k)
    naive = sc["s_per_call"] * (n + 1) if "s_per_call" in sc else None
    table.add(f"VCG n={n}, all n+1 optima", "ivassign CPU (LAP + smallest equilibrium prices)", ours["vcg_all_s"],
              naive / ours["vcg_all_s"] if naive else None,
              f"exact; {ours['vcg_all_s'] / ours['solve_s']:.2f} x one solve", rss)
    table.add(f"VCG n={n}, all n+1 optima", f"scipy, n+1 calls (baseline; {k} timed, extrapolated)", naive,
              1.0 if naive else None, "exact" if naive else sc.get("error"), sc.get("rss_mb"))


def spectrum_rows(args, table, tmp):
    sizes = [(50, 200), (200, 800), (1000, 4000)]
    for n, s in sizes:
        path = os.path.join(tmp, f"spectrum-{n}x{s}.json")
        _, gen_s, gen_rss = run_measured([CLI, "generate", "spectrum", "--buyers", str(n), "--licences", str(s),
                                          "--seed", "1", "--out", path, "--quiet"])
        table.add(f"spectrum n={n}, s={s}", "generate", gen_s, None, f"{os.path.getsize(path) / 1e6:.1f} MB file",
                  gen_rss)
        tl = round(args.spectrum_time_limit * 50 / n, 4)  # per solve; n + 1 solves, so a similar total budget
        out, mech_s, mech_rss = run_measured([CLI, "mechanism", path, "--delta", "theorem1", "--no-exact-delta",
                                              "--time-limit", str(tl), "--samples", str(args.spectrum_samples),
                                              "--quiet"])
        rep = json.loads(out)
        prof = rep["profiles"][0]
        err = max(prof.get("transfer_error_bound", [0]) or [0])
        solver = prof.get("solver", {}).get("name", "auto")
        meas = rep.get("measures", {})
        hw = max(meas.get("informational_size_half_width") or [0])
        measures = (f"nu_i sampled ({meas.get('samples')} draws, +-{hw:.3g} at {meas.get('confidence')})"
                    if meas.get("estimated") else f"nu_i {meas.get('method', 'exact')}")
        table.add(f"spectrum n={n}, s={s}",
                  f"mechanism CPU ({solver}, {tl} s per solve; load, measures, VCG)", mech_s, None,
                  f"welfare {prof['welfare']:.6g}, optimal={prof['optimal']}, max transfer error bound {err:.3g}; "
                  f"{measures}", mech_rss)
        os.remove(path)


def qaplib_rows(args, table):
    import csv
    qdir = os.path.join(args.shared, "data", "qaplib")
    if not os.path.exists(os.path.join(qdir, "optima.csv")):
        # the reference data is not part of the repository: a clone without it skips these rows, saying so
        why = f"no QAPLIB data at {qdir} (--shared DIR or IVASSIGN_SHARED_DIR names the shared/ folder)"
        print(f"suite: the qaplib rows are skipped: {why}", file=sys.stderr)
        table.add("QAPLIB", "(skipped)", None, None, why, None)
        return
    with open(os.path.join(qdir, "optima.csv")) as f:
        optima = {r["name"]: (int(r["n"]), float(r["value"])) for r in csv.DictReader(f)}
    groups = [("QAPLIB n<=30", lambda name, n: n <= 30, args.qap_time_limit)]
    if args.full:
        groups.append(("tai50a..tai100a", lambda name, n: name in ("tai50a", "tai60a", "tai80a", "tai100a"), 60))
    for label, pick, tl in groups:
        names = sorted(k for k, (n, _) in optima.items() if pick(k, n) and os.path.exists(os.path.join(qdir, k + ".dat")))
        if args.qap_limit:
            names = names[: args.qap_limit]
        hits, gaps, total_s, rss_max = 0, [], 0.0, 0.0
        for name in names:
            n, value = optima[name]
            out, wall, rss = run_measured([CLI, "qap", os.path.join(qdir, name + ".dat"), "--time-limit", str(tl),
                                           "--target", repr(value), "--seed", "1", "--quiet"])
            r = json.loads(out)
            gap = (r["objective"] - value) / value if value else r["objective"]
            hits += r["objective"] <= value
            gaps.append(gap)
            total_s += wall
            rss_max = max(rss_max, rss)
            print(f"  {name}: {r['objective']} vs {value} ({r['solver']}, {wall:.1f} s)", flush=True)
        if names:
            table.add(label + f", {tl} s each", f"ivassign qap CPU ({len(names)} instances)", total_s, None,
                      f"published value reached on {hits}/{len(names)} ({100 * hits / len(names):.0f}%), "
                      f"mean gap {100 * sum(gaps) / len(gaps):.3f}%", rss_max)


def posterior_benchmarks(exe, full, *extra):
    """bench_posterior's benchmarks from its --benchmark_format=json report (stdout: one JSON document; its
    bandwidth ratios go to stderr). Returns (benchmarks, None), or (None, the error's last words)."""
    env = dict(os.environ)
    if not full:
        env["IVASSIGN_BENCH_SMALL"] = "1"
    p = subprocess.run([exe, "--benchmark_format=json", *extra], capture_output=True, text=True, env=env)
    if p.returncode != 0:
        return None, p.stderr.strip()[-200:]
    return json.loads(p.stdout)["benchmarks"], None


def posterior_rows(args, table):
    benchmarks, error = posterior_benchmarks(os.path.join(BUILD, "bench", "bench_posterior"), args.full)
    if error is not None:
        table.add("posterior", "bench_posterior", None, None, error, None)
        return
    for b in benchmarks:
        if b.get("error_occurred"):
            table.add("posterior", b["name"], None, None, b.get("error_message", "skipped"), None)
            continue
        extra = ", ".join(f"{k}={v:.4g}" for k, v in b.items()
                          if k not in ("real_time", "cpu_time", "iterations", "repetitions", "threads",
                                       "repetition_index", "family_index", "per_family_instance_index")
                          and isinstance(v, (int, float)))
        table.add("posterior" + ("" if args.full else " (small sizes)"), b["name"], b["real_time"] / 1e3, None, extra,
                  None)


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except Exception:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    gpu = subprocess.run(["sh", "-c", "nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null"],
                         capture_output=True, text=True).stdout.strip() or "none"
    return f"{platform.node()}: {os.cpu_count()} CPUs ({cpu}), {mem:.0f} GiB, GPU {gpu}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--python", default=sys.executable, help="Python with the peers (bench/.venv)")
    ap.add_argument("--shared", default=default_shared(),
                    help="the shared reference data (default: $IVASSIGN_SHARED_DIR, else where the build found it)")
    ap.add_argument("--full", action="store_true", help="LAP n=10000, tai50a..tai100a at 60 s, full posterior sizes")
    ap.add_argument("--only", default="lap,vcg,spectrum,qaplib,posterior")
    ap.add_argument("--qap-time-limit", type=float, default=10.0)
    ap.add_argument("--qap-limit", type=int, default=0, help="at most this many QAPLIB instances per group (0: all)")
    ap.add_argument("--spectrum-time-limit", type=float, default=0.2,
                    help="seconds per solve at n = 50, scaled by 50 / n for the larger instances")
    ap.add_argument("--spectrum-samples", type=int, default=20000,
                    help="draws per (buyer, signal) for the sampled informational sizes")
    ap.add_argument("--vcg-scipy-calls", type=int, default=20)
    ap.add_argument("--out", default="", help="also write the markdown table here")
    args = ap.parse_args()
    for exe in (CLI, PEER_LAP):
        if not os.path.exists(exe):
            sys.exit(f"suite: {exe} is missing; build first (bash scripts/build.sh)")
    table = Table()
    only = set(args.only.split(","))
    groups = [("lap", lambda tmp: lap_rows(args, table, tmp)), ("vcg", lambda tmp: vcg_rows(args, table, tmp)),
              ("spectrum", lambda tmp: spectrum_rows(args, table, tmp)), ("qaplib", lambda tmp: qaplib_rows(args, table)),
              ("posterior", lambda tmp: posterior_rows(args, table))]
    failed = []
    with tempfile.TemporaryDirectory(prefix="ivassign-bench-") as tmp:
        for name, rows in groups:
            if name not in only:
                continue
            try:  # a failing group prints its error; the other groups and the results file go on
                rows(tmp)
            except Exception as e:
                print(f"suite: the {name} rows failed: {type(e).__name__}: {e}", file=sys.stderr)
                table.add(name, "(failed)", None, None, f"{type(e).__name__}: {e}", None)
                failed.append(name)
    doc = (f"## {datetime.date.today()} — suite (`bash bench/run_suite.sh {' '.join(sys.argv[1:])}`)\n\n"
           f"Machine: {machine()}\n\n"
           + table.markdown(["workload", "implementation", "time (s)", "speed-up vs baseline (same run)", "quality",
                             "peak RSS (MB)"]) + "\n")
    print("\n" + doc)
    if args.out:
        with open(args.out, "w") as f:
            f.write(doc)
    if failed:
        sys.exit(f"suite: rows failed: {', '.join(failed)} (the others are in the table)")


if __name__ == "__main__":
    main()
