#!/usr/bin/env python3
"""A command under `mpirun -np K` against the single-process run (ctest, IVASSIGN_MPI builds).

  mpi_compare.py --cli build/ivassign --mpiexec mpiexec [--np 2] [--setup "generate ..."]... -- ARGS
      runs `ivassign ARGS --out single.json` and `mpiexec -n K ivassign ARGS --out mpi.json` and fails
      unless the reports are equal, number for number as written, apart from the timings ("seconds")
      and "ranks" (1 in the single-process report, K in the other).
  mpi_compare.py ... --expect-exit CODE -- ARGS
      runs the command under mpirun only and fails unless it exits CODE with the error on stderr once.
  mpi_compare.py ... --kill-rank R --after S -- ARGS
      kills rank R (SIGKILL) S seconds into the run and fails unless mpirun exits non-zero and no
      report is written (the command must run longer than S seconds).
"{tmp}" in ARGS and setup commands is a fresh temporary folder.
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile


def mpirun(args):
    cmd = [args.mpiexec, "-n", str(args.np), "--oversubscribe"]
    if os.geteuid() == 0:
        cmd.append("--allow-run-as-root")
    return cmd


def untimed(doc, ranks):
    """The report without timings; fails unless its "ranks" is `ranks`."""
    if doc.get("ranks") != str(ranks):
        sys.exit(f"mpi_compare: the report says ranks = {doc.get('ranks')}, expected {ranks}")
    doc.pop("ranks")

    def strip(node):
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k != "seconds"}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    return strip(doc)


def run(cmd, **kw):
    print("mpi_compare: " + " ".join(shlex.quote(c) for c in cmd), flush=True)
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", required=True)
    parser.add_argument("--mpiexec", required=True)
    parser.add_argument("--np", type=int, default=2)
    parser.add_argument("--setup", action="append", default=[])
    parser.add_argument("--expect-exit", type=int)
    parser.add_argument("--kill-rank", type=int)
    parser.add_argument("--after", type=float, default=2.0)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    tmp = tempfile.mkdtemp(prefix="ivassign-mpi-")
    command = [c.replace("{tmp}", tmp) for c in command]
    for setup in args.setup:
        r = run([args.cli] + shlex.split(setup.replace("{tmp}", tmp)))
        if r.returncode != 0:
            sys.exit(f"mpi_compare: setup failed ({r.returncode}): {r.stderr}")
    if args.kill_rank is not None:
        out = os.path.join(tmp, "killed.json")
        wrapper = ('if [ "$OMPI_COMM_WORLD_RANK" = "%d" ]; then exec timeout -s KILL %g "$0" "$@"; '
                   'else exec "$0" "$@"; fi' % (args.kill_rank, args.after))
        r = run(mpirun(args) + ["sh", "-c", wrapper, args.cli] + command + ["--out", out])
        print(r.stderr[-2000:])
        if r.returncode == 0 or os.path.exists(out):
            sys.exit(f"mpi_compare: a killed rank left mpirun exit {r.returncode}, report written: {os.path.exists(out)}")
        print(f"mpi_compare: rank {args.kill_rank} killed: mpirun exit {r.returncode}, no report")
        return 0
    if args.expect_exit is not None:
        r = run(mpirun(args) + [args.cli] + command)
        errors = [line for line in r.stderr.splitlines() if line.startswith("ivassign: ")]
        print(r.stderr)
        if r.returncode != args.expect_exit:
            sys.exit(f"mpi_compare: mpirun exited {r.returncode}, expected {args.expect_exit}")
        if len(errors) != 1 or r.stdout.strip():
            sys.exit(f"mpi_compare: expected one error line and no report, got {len(errors)} lines and {len(r.stdout)} bytes")
        return 0
    single, multi = os.path.join(tmp, "single.json"), os.path.join(tmp, "mpi.json")
    r = run([args.cli] + command + ["--out", single])
    if r.returncode != 0:
        sys.exit(f"mpi_compare: the single process failed ({r.returncode}): {r.stderr}")
    r = run(mpirun(args) + [args.cli] + command + ["--out", multi])
    if r.returncode != 0:
        sys.exit(f"mpi_compare: mpirun failed ({r.returncode}): {r.stderr}")
    # numbers compared as written: the same digits, not merely close values
    load = lambda path: json.load(open(path), parse_float=str, parse_int=str)
    a, b = untimed(load(single), 1), untimed(load(multi), args.np)
    if a != b:
        sys.exit(f"mpi_compare: the reports differ: {single} {multi}")
    profiles = len(a.get("profiles", []))
    print(f"mpi_compare: equal reports ({profiles} profiles) from 1 and {args.np} ranks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
