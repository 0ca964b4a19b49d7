#!/usr/bin/env bash
# Strong scaling of the MPI command line (a -DIVASSIGN_MPI=ON build): the same command under
# `mpirun -np 1` and `-np 2`, one OpenMP thread per rank so the ranks are the only parallelism;
# prints a Markdown table (wall seconds, CPU seconds of all ranks, speedup, Karp-Flatt serial
# fraction e = (1/S - 1/p) / (1 - 1/p) from the wall times, and the serial fraction from the CPU
# seconds, f = (CPU_2 - CPU_1) / CPU_1: the work the second rank repeats (input, table, measures) or
# adds (messages), which holds on a loaded machine where wall times do not) and checks that both
# reports are equal (tests/cli/mpi_compare.py's rule).
#   bash bench/mpi_scaling.sh [CLI] [WORKLOADS]      CLI: build-omp/ivassign; WORKLOADS: all10 minus_i200
#                                                    minus_i500 minus_i
#                                                    (default all10 minus_i)
# all10:   mechanism --all-profiles on a 10-buyer spectrum market (1024 profiles, delta.exact: 11 solves each)
# minus_i200: mechanism on the observed profile of spectrum 200 x 800 (one full solve and its 200 minus-i
#          re-solves in 4 buyer tasks of VcgPlan, split over the ranks: docs/scaling.md); seconds, 40 MB
# minus_i500: the same on spectrum 500 x 2000 (500 minus-i re-solves, 8 buyer tasks); about a minute, 250 MB
# minus_i: the same on spectrum 1000 x 4000 (1000 minus-i re-solves, 16 buyer tasks); minutes, 1 GB per rank
set -euo pipefail
cd "$(dirname "$0")/.."
cli="${1:-build-omp/ivassign}"
workloads="${2:-all10 minus_i}"
dir="${IVASSIGN_SCALING_DIR:-/tmp/ivassign-scaling}"
mkdir -p "$dir"
mpi=(mpirun --oversubscribe -x OMP_NUM_THREADS=1)
if [ "$(id -u)" -eq 0 ]; then mpi+=(--allow-run-as-root); fi
export OMP_NUM_THREADS=1

# run NAME NP ARGS...: wall and CPU seconds (all ranks) into $dir/NAME.np{NP}.time, report into .json
run() {
  local name=$1 np=$2
  shift 2
  /usr/bin/time -f "%e %U %S" -o "$dir/$name.np$np.time" "${mpi[@]}" -np "$np" "$cli" "$@" --quiet \
    --out "$dir/$name.np$np.json"
}

# row NAME WHAT: the table row from the timings of 1 and 2 ranks
row() {
  python3 - "$dir/$1" "$2" <<'EOF'
import json, sys
base, what = sys.argv[1], sys.argv[2]
t = {p: [float(x) for x in open(f"{base}.np{p}.time").read().split()[-3:]] for p in (1, 2)}
def untimed(path, ranks):
    doc = json.load(open(path), parse_float=str)
    assert doc.pop("ranks") == ranks, path
    strip = lambda n: ({k: strip(v) for k, v in n.items() if k != "seconds"} if isinstance(n, dict)
                       else [strip(v) for v in n] if isinstance(n, list) else n)
    return strip(doc)
equal = untimed(f"{base}.np1.json", 1) == untimed(f"{base}.np2.json", 2)
s = t[1][0] / t[2][0]
e = (1 / s - 1 / 2) / (1 - 1 / 2)
cpu = {p: t[p][1] + t[p][2] for p in (1, 2)}
f = (cpu[2] - cpu[1]) / cpu[1]
for p in (1, 2):
    extra = f"{s:.2f} | {e:.2f} | {f:.3f} | {'equal' if equal else 'DIFFER'}" if p == 2 else "1 | | | "
    print(f"| {what} | {p} | {t[p][0]:.1f} | {cpu[p]:.1f} | {extra} |")
EOF
}

echo "| workload | ranks | wall s | CPU s (all ranks) | speedup | serial fraction, wall (Karp-Flatt) | serial fraction, CPU | reports |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for w in $workloads; do
  case $w in
    all10)
      [ -f "$dir/m10.json" ] || "$cli" generate spectrum --buyers 10 --licences 6 --states 2 --seed 1 \
        --out "$dir/m10.json" >/dev/null
      for np in 1 2; do run all10 "$np" mechanism "$dir/m10.json" --all-profiles --delta exact; done
      row all10 "mechanism --all-profiles, 10 buyers x 6 licences (1024 profiles)"
      ;;
    minus_i200)
      [ -f "$dir/s200.json" ] || "$cli" generate spectrum --buyers 200 --licences 800 --seed 7 \
        --out "$dir/s200.json" >/dev/null
      for np in 1 2; do run minus_i200 "$np" mechanism "$dir/s200.json"; done
      row minus_i200 "mechanism, spectrum 200 x 800 (1 profile, 200 minus-i re-solves)"
      ;;
    minus_i500)
      [ -f "$dir/s500.json" ] || "$cli" generate spectrum --buyers 500 --licences 2000 --seed 7 \
        --out "$dir/s500.json" >/dev/null
      for np in 1 2; do run minus_i500 "$np" mechanism "$dir/s500.json"; done
      row minus_i500 "mechanism, spectrum 500 x 2000 (1 profile, 500 minus-i re-solves)"
      ;;
    minus_i)
      [ -f "$dir/s1000.json" ] || "$cli" generate spectrum --buyers 1000 --licences 4000 --seed 1 \
        --out "$dir/s1000.json" >/dev/null
      for np in 1 2; do run minus_i "$np" mechanism "$dir/s1000.json"; done
      row minus_i "mechanism, spectrum 1000 x 4000 (1 profile, 1000 minus-i re-solves)"
      ;;
    *) echo "unknown workload $w" >&2; exit 2 ;;
  esac
done
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc --all) cores"
