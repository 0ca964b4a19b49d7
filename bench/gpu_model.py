#!/usr/bin/env python3
"""The GPU model of docs/gpu-model.md, written before any GPU run: for each device path, the bytes it moves,
its arithmetic, its launches and copies per unit of work, and the time predicted on an H100 SXM and an H200 by

    t = max(bytes / (eta * BW), flops / FP64, l1_s, chain_s) + launches * t_launch + copies * t_copy
        + host_bytes / host_link + host_s

(l1_s: what L1 sector throughput allows where the data stays on chip; chain_s: the dependent memory steps of
the slowest thread or block where the work is too narrow to fill the GPU; host_s: work the path leaves on the
host, taken from the CPU measured here). The rows name the
benchmark (and counter) that measures them; scripts/gpu-check.sh hands the GPU run's reports to
bench/gpu_compare.py, which prints measured against predicted.

    python3 bench/gpu_model.py           # checks bench/gpu_model.json is what these formulas give (ctest)
    python3 bench/gpu_model.py --write   # rewrites it
    python3 bench/gpu_model.py --table   # the markdown table of docs/gpu-model.md
"""
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "gpu_model.json")

# Published figures (docs/gpu-model.md#sources): HBM bandwidth, FP64 (non-tensor) peak, SMs.
GPUS = {
    "H100": {"name": "H100 SXM5 80 GB", "match": "H100", "bw": 3.35e12, "fp64": 34e12, "sms": 132},
    "H200": {"name": "H200 SXM 141 GB", "match": "H200", "bw": 4.8e12, "fp64": 34e12, "sms": 132},
}
# Assumptions (each one a constant the first GPU run confirms or corrects; docs/gpu-model.md says why).
C = {
    "eta": 0.8,              # fraction of the HBM peak a streaming kernel reaches (the device copy row measures it)
    "t_launch": 4e-6,        # s per kernel launch that the host waits for (Thrust synchronizes after each)
    "t_copy": 6e-6,          # s per small synchronous host<->device copy (cudaMemcpy of a few bytes)
    "host_link": 25e9,       # B/s of a pageable host<->device copy over PCIe Gen5 x16 (64 GB/s nominal)
    "t_l2": 0.13e-6,         # s per dependent L2 access of one thread (about 260 cycles at 1.98 GHz)
    "t_block_step": 0.6e-6,  # s per step of a block-wide scan + reduction (a DRAM miss, two __syncthreads)
    "l1_sectors_per_s_sm": 4 * 1.98e9,  # 32-byte L1 sectors per second per SM (128 B per clock)
    "threads_per_sm": 2048,
    "smem_per_sm": 228 * 1024,
}

# CPU figures measured here (dev-2c: 2 vCPUs, no GPU; build-omp, Release, IVASSIGN_DEVICE=OMP; load 8-16 from
# other sessions' builds), 2026-12-04, by the benchmark rows scripts/gpu-check.sh runs on the GPU:
#   build-omp/bench/bench_solvers --benchmark_filter='SwapScoring|LapBatch|DescentEvaluations|VcgDescentBackends/200/|TabuSwapEvaluations'
#   build-omp/bench/bench_posterior --benchmark_filter='Copy|Tensor|InformationalSize'
# The descent's counts (evaluations, moves, device_scored_over_needed) are the model's inputs as well: the device
# makes the same moves (same_matching=1).
CPU = {
    "host_copy_gbs": 2.15683,       # BM_HostCopyBandwidth GB/s (12.8 on 2026-11-24, a quieter machine)
    "tensor_gbs": 3.6984,           # BM_PosteriorTensorCpu GB/s (19.1 on 2026-11-24)
    "measures_s": 298.4,            # BM_InformationalSizeCpu, s (wall; 39.6 s of its main thread; 39.0 s on 2026-11-24)
    "swap_evals_per_s": 1.44501e6,  # BM_SwapScoringCpu/64
    "tabu_swap_evals_per_s": 14.9976e6,  # BM_TabuSwapEvaluations (one thread, n = 100, 2000 iterations)
    "rots_iterations_per_s": 98476.8,  # BM_RotsMultistartCpu/1 (one start, one thread, symmetric n = 100; 2026-12-05, load 1)
    "lap_batch_s": {"10000/50": 0.864, "1000/200": 0.797},  # BM_LapBatchCpu/<batch>/<n>, s (2 threads)
    # BM_DescentEvaluations/<n>/<start>: the benchmark's time (the CPU's descent, then the OMP device's), its
    # counters; the CPU loop is single-threaded
    "descent": {
        "200/0": {"real_s": 1.171, "cpu_evals_per_s": 93.0557e6, "cpu_scoring_per_s": 318.961e6,
                  "device_evals_per_s": 0.695377e6, "moves": 122, "scored_over_needed": 1.342},
        "200/1": {"real_s": 0.287, "cpu_evals_per_s": 18.6181e6, "cpu_scoring_per_s": 44.97e6,
                  "device_evals_per_s": 5.95728e6, "moves": 436, "scored_over_needed": 1.43},
        "1000/0": {"real_s": 31.833, "cpu_evals_per_s": 25.414e6, "cpu_scoring_per_s": 36.4713e6,
                   "device_evals_per_s": 1.34373e6, "moves": 1374, "scored_over_needed": 1.462},
        "1000/1": {"real_s": 43.133, "cpu_evals_per_s": 18.5106e6, "cpu_scoring_per_s": 28.2232e6,
                   "device_evals_per_s": 1.59093e6, "moves": 3120, "scored_over_needed": 1.44344},
    },
}
# Entries of kernels/lap_batch.cuh's work per problem over n^2 and its Dijkstra steps and augmentations, counted
# by bench/lap_steps.py (uniform weights, 5 problems each).
LAP_STEPS = {50: (5.72, 136.0, 17.8), 100: (6.60, 359.6, 34.4), 200: (8.48, 1095.2, 72.4)}


def seconds(w, g):
    """The model's time for work w on GPU g."""
    stream = max(w.get("bytes", 0) / (C["eta"] * g["bw"]), w.get("flops", 0) / g["fp64"], w.get("l1_s", 0))
    return (max(stream, w.get("chain_s", 0)) + w.get("launches", 0) * C["t_launch"] + w.get("copies", 0) * C["t_copy"]
            + w.get("host_bytes", 0) / C["host_link"] + w.get("host_s", 0))


# --- the posterior tensor and the measures (m = 16 states, n = 12 buyers, K = 4 signals: bench_posterior) ---
M_STATES, N_BUYERS, K_SIG = 16, 12, 4
PROFILES = K_SIG ** N_BUYERS
TABLE_BYTES = PROFILES * (M_STATES + 1) * 8


def copy_row(g):
    # calibration: read and write the table's size once; the counter is bytes copied per second
    w = {"bytes": 2 * TABLE_BYTES, "launches": 1}
    return w, TABLE_BYTES / seconds(w, g) / 1e9


def tensor_row(g):
    # per profile: m posteriors + 1 marginal written (136 B), ~3m flops (outer x inner, the sum, m divisions);
    # per fill (the factored form): the prior's upload (5 small copies: offsets, strides, signals, lambda, q),
    # the two factor tables (2 launches) and the fill (1)
    w = {"bytes": TABLE_BYTES, "flops": 3 * M_STATES * PROFILES, "launches": 3, "copies": 5}
    return w, TABLE_BYTES / seconds(w, g) / 1e9


# per point b_-i of one pair (b_i, r_i): two posterior rows and marginals read (2 * 136 B), (d, mass) written
# (16 B); then removal (32 B), CUB's radix sort of (double, double) (8 passes of 32 B + 8 B of histogram),
# the scan (16 B) and the level's transform-reduce (24 B)
MEASURE_POINT_BYTES = 2 * (M_STATES + 1) * 8 + 16 + 32 + (8 * 32 + 8) + 16 + 24


def measures_row(g):
    others = PROFILES // K_SIG
    pairs = N_BUYERS * K_SIG * (K_SIG - 1)
    w = {"bytes": pairs * others * MEASURE_POINT_BYTES + N_BUYERS * K_SIG * others * 32,  # + the norms (sectors)
         "flops": pairs * others * (4 * M_STATES + 20),
         "launches": pairs * 19 + N_BUYERS * K_SIG * 2, "copies": pairs * 5 + N_BUYERS * K_SIG}
    return w, seconds(w, g)


# --- the descent (spectrum n x 4n, seed 7, at the uniform posterior: bench_solvers BM_DescentEvaluations) ---
CANDIDATE_BYTES = 32  # w and H of (i, j) (16 B, coalesced) + a quarter of the candidates swap: G(k, a) sectors
TERMS = 1             # the spectrum market's externality terms (one shared seller factor)
CPU_ENTRY_S = 4e-9    # the CPU's cost of one H entry of a move (two scattered read-modify-writes: H and H^T)
IMPLICIT_ENTRIES = 1 << 20  # n s from which the CPU descent runs without tables (PlacementCosts::kImplicitEntries)


def descent_inputs(n, start):
    d = CPU["descent"].get(f"{n}/{start}")
    if not d:
        return None
    s = 4 * n
    # the evaluations (the same on both backends): the benchmark's time is the CPU's descent + the device's
    evals = d["real_s"] / (1 / d["cpu_evals_per_s"] + 1 / d["device_evals_per_s"])
    t_cpu = evals / d["cpu_evals_per_s"]
    t_scoring = evals / d["cpu_scoring_per_s"]
    if n * s < IMPLICIT_ENTRIES:
        # the CPU keeps the tables (as the device path does): its time outside scoring is the H upkeep
        t_host = max(t_cpu - t_scoring, 0.0)
        entries = t_host / max(d["moves"], 1) / CPU_ENTRY_S
    else:
        # the CPU runs without tables here (H on demand) but the device path keeps them: the H entries of a
        # move scale with the buyers (the 200-buyer market's per move, x n / 200; the same licence degree)
        small = descent_inputs(200, start)
        entries = small["entries"] * n / 200
        t_host = d["moves"] * entries * CPU_ENTRY_S
    rounds = 2 * d["moves"] + math.log2(n) + 1  # a move per round, about one doubling round before each
    return {"s": s, "evals": evals, "t_cpu": t_cpu, "t_host": t_host, "rounds": rounds, "entries": entries,
            "scored": evals * d["scored_over_needed"], "moves": d["moves"]}


def descent_row(n, start, resident):
    def f(g):
        x = descent_inputs(n, start)
        if x is None:
            return None, None
        upload = 4 * n * x["s"] * 8  # w, w^T, H, H^T at the reset
        if not resident:
            # in the tree: scoring on the device, the moves' H upkeep on the host (its CPU time), a patch,
            # two launches and four copies per round (patch ints and reals, the window, the best moves back)
            w = {"bytes": x["scored"] * CANDIDATE_BYTES, "launches": 3 * x["rounds"], "copies": 4 * x["rounds"],
                 "host_bytes": upload, "host_s": x["t_host"]}
        else:
            # device-resident (issue 32 item 1): the move's 2T scatters, the window's scoring, its reduction
            # and the arg-max on the device, one 16-byte download per round; each H entry of a move is read and
            # written in H and H^T (32 B each)
            w = {"bytes": x["scored"] * CANDIDATE_BYTES + x["moves"] * x["entries"] * 2 * 32,
                 "launches": (3 + 2 * TERMS) * x["rounds"], "copies": x["rounds"], "host_bytes": upload}
        return w, x["evals"] / seconds(w, g)
    return f


# --- the QAP (n = 100, tai100a-sized): batch swap scoring, the tabu delta table, multistart tabu ---
QAP_N = 100
QAP_PAIRS = QAP_N * (QAP_N - 1) // 2


def swap_scoring_row(batch):
    def f(g):
        swaps = batch * QAP_PAIRS
        # per swap and entity e: 9 loads of A, B, pi (L1/L2-resident, 160 KB): 3 scattered (a sector per
        # thread: a[s][e], b[pe][ps], b[ps][pe]), 6 broadcast or coalesced; 12 flops. The counter times the
        # kernel alone.
        sectors = swaps * QAP_N * (3 + 6 / 32)
        w = {"flops": swaps * QAP_N * 12, "l1_s": sectors / (C["l1_sectors_per_s_sm"] * g["sms"]), "launches": 1}
        return w, swaps / seconds(w, g)
    return f


def tabu_table_row(g):
    # in the tree (qap --backend device): per iteration the permutation up (1 copy), one launch over the n^2
    # entries (O(1) updates, cached), the n^2 deltas down; the host picks the move
    w = {"launches": 1, "copies": 2, "host_bytes": QAP_N * QAP_N * 8, "flops": QAP_N * QAP_N * 16}
    return w, 1 / seconds(w, g)


ROTS_THREADS = 256  # kernels/device_rots.cu's kRotsThreads


def multistart_row(g):
    # kernels/device_rots.cu: one start per block of 256 threads, its n^2 delta table (80 KB) in shared memory
    # (2 blocks per SM). Per iteration (kernels/qap_rots.cuh, symmetric):
    #  - the keys: each of the n(n-1)/2 pairs reads its delta (shared) and two memory entries (global, L1/L2,
    #    scattered: a sector each);
    #  - the factored update of the pairs disjoint from the swap: 4 factor loads (coalesced: a sector per 4);
    #  - the 2(n-2) pairs that meet the swap, from scratch: n entities each, two scattered reads of B
    #    (b[pi s][pi e], b[pi r][pi e]; the rows of A are coalesced);
    #  - the block arg-min of the keys (log2 256 = 8 barriers) and 4 more barriers.
    # No launch and no copy per iteration (the host gathers the best at the end).
    sectors = QAP_PAIRS * 2 + QAP_PAIRS * 4 / 4 + 2 * (QAP_N - 2) * QAP_N * 2
    barriers = math.log2(ROTS_THREADS) + 4
    t_iteration = sectors / C["l1_sectors_per_s_sm"] + barriers * 0.05e-6  # the blocks of an SM share its L1
    w = {"l1_s": t_iteration / g["sms"]}
    return w, 1 / seconds(w, g)


# --- the LAP batch (uniform (0, 1] weights; bench_solvers BM_LapBatchDevice/<batch>/<n>) ---
def lap_row(batch, n, per_block):
    def f(g):
        alpha, steps, aug = LAP_STEPS[n]
        entries = alpha * n * n
        up = batch * n * n * 8  # the weights, double, from pageable host memory
        down = batch * (3 * n + 2) * 8
        if not per_block:
            # in the tree: one problem per thread; its scans read its own row (uncoalesced) and the
            # interleaved workspace (coalesced, L2-resident): one dependent L2 access per entry
            waves = math.ceil(batch / (g["sms"] * C["threads_per_sm"]))
            chain = waves * 1.5 * entries * C["t_l2"]  # 1.5: a warp waits for its slowest problem
            w = {"bytes": batch * entries * 8, "chain_s": chain, "launches": 1, "copies": 5,
                 "host_bytes": up + down}
        else:
            # kernels/device_lap_batch.cu: a block of 128 threads per problem (sellers >= block_min_columns), a
            # Dijkstra step = one block scan of the row in double + a CUB block arg-min; 16 blocks per SM
            waves = math.ceil(batch / (g["sms"] * 16))
            chain = waves * (steps + 3 * aug) * C["t_block_step"]
            w = {"bytes": batch * entries * 8, "chain_s": chain, "launches": 1, "copies": 5,
                 "host_bytes": up + down}
        return w, seconds(w, g)
    return f


def rows():
    r = []

    def add(id_, path, status, bench, metric, unit, kind, fn, cpu, per_unit, cpu_what):
        r.append({"id": id_, "path": path, "status": status, "bench": bench, "metric": metric, "unit": unit,
                  "kind": kind, "fn": fn, "cpu": cpu, "cpu_what": cpu_what, "per_unit": per_unit})

    tree = "in the tree"
    add("copy", "device copy of the table's size (calibrates eta)", tree, "BM_DeviceCopyBandwidth", "GB/s", "GB/s",
        "rate", copy_row, CPU["host_copy_gbs"], "2 x 2.28 GB moved, 1 launch", "host memcpy, BM_HostCopyBandwidth")
    add("tensor", "posterior tensor, resident (m 16, n 12, K 4)", tree, "BM_PosteriorTensorDevice", "GB/s", "GB/s",
        "rate", tensor_row, CPU["tensor_gbs"], "136 B written, 48 flops a profile; 3 launches, 5 copies",
        "BM_PosteriorTensorCpu")
    add("measures", "nu_i, S_i, D_i, Lambda_i of every buyer (same table)", tree, "BM_InformationalSizeDevice",
        "real_time", "s", "time", measures_row, CPU["measures_s"],
        f"{MEASURE_POINT_BYTES} B, 84 flops a point of a pair; 19 launches, 5 copies a pair",
        "BM_InformationalSizeCpu")
    for n, start in ((200, 0), (200, 1), (1000, 0), (1000, 1)):
        d = CPU["descent"].get(f"{n}/{start}", {})
        label = f"descent {n} x {4 * n} from {'the LAP optimum' if start == 0 else 'the empty matching'}"
        add(f"descent-{n}-{start}", label + ": scoring on the device, H upkeep on the host", tree,
            f"BM_DescentEvaluations/{n}/{start}", "device_evals_per_s", "evaluations/s", "rate",
            descent_row(n, start, False), d.get("cpu_evals_per_s"),
            f"{CANDIDATE_BYTES} B a candidate; 3 launches, 4 copies a round; host upkeep at the CPU's time",
            "cpu_evals_per_s, same run")
        add(f"descent-resident-{n}-{start}", label + ": tables and moves resident", tree,
            f"BM_DescentEvaluations/{n}/{start}", "device_evals_per_s", "evaluations/s", "rate",
            descent_row(n, start, True), d.get("cpu_evals_per_s"),
            f"{CANDIDATE_BYTES} B a candidate + 64 B an H entry; {3 + 2 * TERMS} launches, 1 copy a round",
            "cpu_evals_per_s, same run")
    add("swap-scoring-1024", "batch swap scoring, 1024 permutations of n 100", tree, "BM_SwapScoringDevice/1024",
        "swap_evals_per_s", "swaps/s", "rate", swap_scoring_row(1024), CPU["swap_evals_per_s"],
        "100 x (9 L1 loads, 12 flops) a swap; 1 launch", "BM_SwapScoringCpu/64 (2 threads)")
    tabu_cpu = CPU["tabu_swap_evals_per_s"] / QAP_PAIRS if CPU["tabu_swap_evals_per_s"] else None
    add("tabu-table", "tabu delta table on the device, n 100 (qap --backend device)", tree, None,
        "iterations_per_s", "iterations/s", "rate", tabu_table_row, tabu_cpu,
        "n^2 O(1) updates an iteration; 1 launch, 2 copies, 80 KB down", "BM_TabuSwapEvaluations / 4950 (1 thread)")
    add("multistart-tabu", "multistart robust tabu, symmetric n 100, 264 starts: one per block, deltas in shared "
        "memory (GPU: all starts together; CPU: one start, one thread)",
        tree, "BM_RotsMultistartDevice/264", "iterations_per_s", "iterations/s", "rate",
        multistart_row, CPU["rots_iterations_per_s"],
        "4950 keys (2 scattered loads each), 4950 factored updates, 196 pairs from scratch (200 scattered loads "
        "each) and 12 barriers an iteration; no launch per iteration",
        "BM_RotsMultistartCpu/1 (1 thread)")
    for batch, n in ((10000, 50), (1000, 200), (10000, 100)):
        bench = f"BM_LapBatchDevice/{batch}/{n}"
        cpu = CPU["lap_batch_s"].get(f"{batch}/{n}")
        add(f"lap-batch-{batch}-{n}", f"LAP batch {batch} x n {n}: a problem per thread", tree, bench, "real_time",
            "s", "time", lap_row(batch, n, False), cpu, f"{LAP_STEPS[n][0]:.2f} n^2 entries a problem, uploads included",
            "BM_LapBatchCpu (2 threads)")
        add(f"lap-block-{batch}-{n}", f"LAP batch {batch} x n {n}: a problem per block (n >= 64 by default)",
            tree, bench, "real_time", "s", "time", lap_row(batch, n, True), cpu,
            f"{LAP_STEPS[n][1]:.0f} block steps a problem, uploads included", "BM_LapBatchCpu (2 threads)")
    return r


def sig(x):
    return None if x is None else float(f"{x:.4g}")


def model():
    out = {"generated_by": "bench/gpu_model.py", "doc": "docs/gpu-model.md",
           "formula": "t = max(bytes/(eta*BW), flops/FP64, l1_s, chain_s) + launches*t_launch + copies*t_copy"
                      " + host_bytes/host_link + host_s",
           "constants": C, "gpus": {k: {kk: vv for kk, vv in v.items()} for k, v in GPUS.items()}, "rows": []}
    for row in rows():
        pred, work = {}, None
        for key, g in GPUS.items():
            w, value = row["fn"](g)
            pred[key] = sig(value)
            if key == "H100" and w is not None:
                work = {k: sig(v) for k, v in w.items()}
        entry = {k: v for k, v in row.items() if k != "fn"}
        entry["cpu"] = sig(entry["cpu"])
        entry["work_h100"] = work
        entry["predicted"] = pred
        out["rows"].append(entry)
    return out


def fmt(x):
    if x is None:
        return "—"
    return f"{x:.3g}"


def table(m):
    lines = ["| row | status | per unit of work | CPU here | H100 predicted | H200 predicted | H200 / CPU |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in m["rows"]:
        cpu, h200 = r["cpu"], r["predicted"]["H200"]
        speed = None
        if cpu and h200:
            speed = cpu / h200 if r["kind"] == "time" else h200 / cpu
        unit = r["unit"]
        lines.append(f"| {r['path']} | {r['status']} | {r['per_unit']} | {fmt(cpu)} {unit} | "
                     f"{fmt(r['predicted']['H100'])} {unit} | {fmt(h200)} {unit} | {fmt(speed)} |")
    return "\n".join(lines)


def main():
    m = model()
    text = json.dumps(m, indent=1, sort_keys=True) + "\n"
    if "--write" in sys.argv:
        with open(OUT, "w") as f:
            f.write(text)
        print(f"wrote {OUT}")
    elif "--table" in sys.argv:
        print(table(m))
    else:
        with open(OUT) as f:
            if f.read() != text:
                sys.exit(f"{OUT} is not what bench/gpu_model.py gives: run python3 bench/gpu_model.py --write")
        print(f"{OUT}: {len(m['rows'])} rows, current")


if __name__ == "__main__":
    main()
