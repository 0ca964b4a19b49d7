// Solver benchmarks (targets measured, not asserted):
//  * LAP on dense uniform random weights, n = 1000 / 4000 (/ 10000 with IVASSIGN_BENCH_LARGE=1);
//  * VCG without externalities, n = 2000: all n + 1 optima (smallest equilibrium prices) vs one solve;
//  * tabu swap evaluations per second on a tai100a-sized factored QAP (CPU, O(1) updates);
//  * multistart robust tabu iterations per second, symmetric n = 100, CPU threads vs the device's starts;
//  * batch scoring of every swap of many permutations (O(n) each), CPU vs CUDA: the GPU target;
//  * batched LAP (solve_lap_batch), CPU threads vs the device, 10,000 x n = 50 and 1,000 x n = 200;
//  * VCG on a factored QAP, n = 100: warm-started vs cold minus-i searches at an equal time budget;
//  * descent on generated spectrum problems (n = 200 / 1000 firms, 4 licences each): one local
//    optimum, its gap to the linear bound, the externality-blind LAP matching as the baseline, and
//    all n minus-i searches sharing one interaction table;
//  * descent candidate evaluations per second, CPU loop vs device scoring (kernels/device_descent.cu),
//    same search, same run, on `ivassign generate spectrum --buyers n --licences 4n --seed 7`;
//  * VCG with the descent, CPU vs device (the minus-i searches scored together), same run;
//  * the Lagrangian bound's step LAP on spectrum weights: lap::PricedLap (candidates, exact by pricing,
//    warm-started) against the dense engine and its smallest prices, same weights, same run.
// The same-run comparison with scipy is bench/peers.py (bench/run_suite.sh runs both).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <algorithm>
#include <random>

#include "ivassign/backend.hpp"
#include "ivassign/generate.hpp"
#include "ivassign/mechanism.hpp"

#include "ivassign/solvers.hpp"
#include "ivassign/vcg.hpp"
#include "solvers/lap.hpp"
#include "solvers/lap_priced.hpp"
#include "solvers/local_search.hpp"
#include "solvers/placement_costs.hpp"

namespace {

using namespace ivassign;

AssignmentProblem uniform_lap(int n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> w(static_cast<std::size_t>(n) * n);
  for (auto& x : w) x = u(rng);
  return AssignmentProblem::linear_only(n, n, std::move(w));
}

void BM_Lap(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const AssignmentProblem p = uniform_lap(n, 42);
  for (auto _ : state) {
    AssignmentResult r = solve_lap(p);
    benchmark::DoNotOptimize(r.objective);
  }
}
BENCHMARK(BM_Lap)->Arg(1000)->Arg(4000)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_LapLarge(benchmark::State& state) {
  if (!std::getenv("IVASSIGN_BENCH_LARGE")) {
    state.SkipWithError("set IVASSIGN_BENCH_LARGE=1 for n = 10000 (800 MB of weights)");
    return;
  }
  BM_Lap(state);
}
BENCHMARK(BM_LapLarge)->Arg(10000)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_VcgLapAllOptima(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const AssignmentProblem p = uniform_lap(n, 7);
  double one = 0, all = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    const AssignmentResult full = solve_lap(p);
    one = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    t0 = std::chrono::steady_clock::now();
    const VcgResult v = vcg_transfers(p, full);
    all = one + std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    benchmark::DoNotOptimize(v.transfers.data());
  }
  state.counters["one_solve_s"] = one;
  state.counters["all_n+1_s"] = all;
  state.counters["ratio"] = all / one;  // target <= 3
}
BENCHMARK(BM_VcgLapAllOptima)->Arg(2000)->Unit(benchmark::kMillisecond)->Iterations(1);

QapInstance random_qap(int n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> u(0, 99);
  QapInstance q;
  q.name = "tai" + std::to_string(n) + "-like";
  q.n = n;
  q.a.resize(static_cast<std::size_t>(n) * n);
  q.b.resize(q.a.size());
  for (auto& x : q.a) x = u(rng);
  for (auto& x : q.b) x = u(rng);
  for (int i = 0; i < n; ++i) q.a[static_cast<std::size_t>(i) * n + i] = q.b[static_cast<std::size_t>(i) * n + i] = 0;
  return q;
}

void BM_TabuSwapEvaluations(benchmark::State& state) {
  const QapInstance q = random_qap(100, 3);
  SolverOptions o;
  o.solver = SolverKind::Tabu;
  o.threads = 1;
  o.iteration_limit = 2000;
  std::int64_t iterations = 0;
  double seconds = 0;
  for (auto _ : state) {
    const QapResult r = solve_qaplib(q, o);
    iterations += r.iterations;
    seconds += r.seconds;
  }
  // every iteration evaluates all n(n-1)/2 swaps (one O(1) update or one O(n) recomputation each)
  state.counters["swap_evals_per_s"] = static_cast<double>(iterations) * 100 * 99 / 2 / seconds;
}
BENCHMARK(BM_TabuSwapEvaluations)->Unit(benchmark::kMillisecond)->Iterations(1);

// Multistart robust tabu (kernels/qap_rots.cuh) on a symmetric tai100a-sized QAP (symmetric integer
// matrices, as tai100a's): `starts` starts of 1000 iterations each, no time limit, iterations per second
// of all starts together. CPU: one start per thread (rots_run_symmetric, AVX2 where the CPU has it);
// device: one start per CUDA block, or per Thrust index on the OpenMP system (rots_run). The GPU model's
// multistart row (bench/gpu_model.py) reads BM_RotsMultistartDevice/264 (2 blocks on each of 132 SMs).
QapInstance random_symmetric_qap(int n, std::uint64_t seed) {
  QapInstance q = random_qap(n, seed);
  for (auto* m : {&q.a, &q.b})
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < i; ++j) (*m)[static_cast<std::size_t>(i) * n + j] = (*m)[static_cast<std::size_t>(j) * n + i];
  return q;
}
void rots_multistart(benchmark::State& state, Backend backend) {
  if (backend == Backend::Device && !device_available()) {
    state.SkipWithError("no device path");
    return;
  }
  const QapInstance q = random_symmetric_qap(100, 5);
  SolverOptions o;
  o.solver = SolverKind::Tabu;
  o.backend = backend;
  o.starts = static_cast<int>(state.range(0));
  o.threads = static_cast<int>(std::min<std::int64_t>(state.range(0), 2));
  o.iteration_limit = 1000;
  std::int64_t iterations = 0;
  double seconds = 0, best = 0;
  for (auto _ : state) {
    const QapResult r = solve_qaplib(q, o);
    iterations += r.iterations;
    seconds += r.seconds;
    best = r.objective;
  }
  state.counters["iterations_per_s"] = static_cast<double>(iterations) / seconds;
  state.counters["best"] = best;
}
void BM_RotsMultistartCpu(benchmark::State& state) { rots_multistart(state, Backend::Cpu); }
void BM_RotsMultistartDevice(benchmark::State& state) { rots_multistart(state, Backend::Device); }
BENCHMARK(BM_RotsMultistartCpu)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_RotsMultistartDevice)->Arg(2)->Arg(264)->Unit(benchmark::kMillisecond)->Iterations(1);

// Batch scoring of every swap of many permutations (independent searches), CPU vs CUDA, n = 100
// (tai100a-sized): swap evaluations per second, each O(n) from scratch.
void swap_scoring(benchmark::State& state, Backend backend) {
  if (backend == Backend::Device && !device_available()) {
    state.SkipWithError("no device path");
    return;
  }
  const int n = 100, batch = static_cast<int>(state.range(0));
  const QapInstance q = random_qap(n, 11);
  std::mt19937_64 rng(5);
  std::vector<int> perms;
  for (int b = 0; b < batch; ++b) {
    std::vector<int> p(n);
    for (int e = 0; e < n; ++e) p[e] = e;
    std::shuffle(p.begin(), p.end(), rng);
    perms.insert(perms.end(), p.begin(), p.end());
  }
  double seconds = 0;
  std::int64_t evals = 0;
  for (auto _ : state) {
    const SwapScores s = score_all_swaps(q, perms, backend);
    seconds += s.seconds;
    evals += static_cast<std::int64_t>(s.deltas.size());
  }
  state.counters["swap_evals_per_s"] = static_cast<double>(evals) / seconds;
}
void BM_SwapScoringCpu(benchmark::State& state) { swap_scoring(state, Backend::Cpu); }
void BM_SwapScoringDevice(benchmark::State& state) { swap_scoring(state, Backend::Device); }
BENCHMARK(BM_SwapScoringCpu)->Arg(64)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_SwapScoringDevice)->Arg(64)->Arg(1024)->Unit(benchmark::kMillisecond)->Iterations(3);

// Batched LAP (solve_lap_batch) on uniform (0, 1] weights, CPU threads vs the device (one problem
// per device thread, kernels/lap_batch.cuh), same weights, same run: (problems, n) = (10000, 50) and
// (1000, 200); problems per second and the largest objective difference between the two.
std::vector<double> uniform_batch(int batch, int n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> w(static_cast<std::size_t>(batch) * n * n);
  for (double& x : w) x = 1.0 - u(rng);
  return w;
}
// block_min_columns: LapBatchOptions' layout switch (on CUDA: problems of that many sellers or more one per
// thread block, smaller ones one per thread; the OpenMP device system always runs one per thread).
void lap_batch(benchmark::State& state, Backend backend, int block_min_columns = LapBatchOptions{}.block_min_columns) {
  if (backend == Backend::Device && !device_available()) {
    state.SkipWithError("no device path");
    return;
  }
  const int batch = static_cast<int>(state.range(0)), n = static_cast<int>(state.range(1));
  const std::vector<double> w = uniform_batch(batch, n, 17);
  double seconds = 0;
  std::int64_t solved = 0;
  LapBatchResult r;
  for (auto _ : state) {
    r = solve_lap_batch(batch, n, n, w, LapBatchOptions{0, backend, block_min_columns});
    seconds += r.seconds;
    solved += batch;
  }
  state.counters["problems_per_s"] = static_cast<double>(solved) / seconds;
  if (backend == Backend::Device) {  // against the CPU batch on the same weights
    const LapBatchResult cpu = solve_lap_batch(batch, n, n, w, LapBatchOptions{0, Backend::Cpu});
    double diff = 0.0;
    for (int k = 0; k < batch; ++k) diff = std::max(diff, std::abs(r.objective[k] - cpu.objective[k]));
    state.counters["max_objective_diff"] = diff;
  }
}
void BM_LapBatchCpu(benchmark::State& state) { lap_batch(state, Backend::Cpu); }
void BM_LapBatchDevice(benchmark::State& state) { lap_batch(state, Backend::Device); }
// The device batch with one problem per thread at every size (the layout below block_min_columns), so that a
// GPU run times both layouts on the same weights.
void BM_LapBatchDeviceThreads(benchmark::State& state) { lap_batch(state, Backend::Device, 1 << 30); }
BENCHMARK(BM_LapBatchCpu)->Args({10000, 50})->Args({10000, 100})->Args({1000, 200})->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_LapBatchDevice)->Args({10000, 50})->Args({10000, 100})->Args({1000, 200})->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_LapBatchDeviceThreads)->Args({10000, 100})->Args({1000, 200})->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_VcgQapWarmVsCold(benchmark::State& state) {
  const QapInstance q = random_qap(static_cast<int>(state.range(0)), 5);
  const AssignmentProblem p = qap_as_assignment(q);
  SolverOptions o;
  o.solver = SolverKind::Tabu;
  o.time_limit = 0.25;  // per solve: the same budget warm and cold
  for (auto _ : state) {
    AssignmentResult full;
    const VcgResult warm = solve_with_vcg(p, o, &full);
    // cold: the same minus-i searches without the warm start
    double cold_sum = 0, warm_sum = 0, max_diff = 0;
    for (int i = 0; i < p.buyers; ++i) {
      SolverOptions c = o;
      c.initial_assignment.clear();
      const double cold = solve_without_buyer(p, i, c).objective;
      cold_sum += cold;
      warm_sum += warm.minus_i_welfare[i];
      max_diff = std::max(max_diff, warm.minus_i_welfare[i] - cold);
    }
    state.counters["mean_minus_i_gain_warm_over_cold"] = (warm_sum - cold_sum) / p.buyers;
    state.counters["max_transfer_difference"] = max_diff;
  }
}
BENCHMARK(BM_VcgQapWarmVsCold)->Arg(100)->Unit(benchmark::kMillisecond)->Iterations(1);

/// `generate spectrum --buyers n --licences 4n --seed SEED` at the uniform posterior over its states.
AssignmentProblem spectrum_problem(int n, std::uint64_t seed = 1) {
  SpectrumOptions g;
  g.buyers = n;
  g.licences = 4 * n;
  g.seed = seed;
  const Instance inst = generate_spectrum(g);
  return expected_problem(inst, std::vector<double>(inst.states, 1.0 / inst.states));
}

void BM_DescentSpectrum(benchmark::State& state) {
  const AssignmentProblem p = spectrum_problem(static_cast<int>(state.range(0)));
  SolverOptions o;
  o.solver = SolverKind::Descent;  // no time limit: stop at the first local optimum
  for (auto _ : state) {
    const AssignmentResult d = solve_assignment(p, o);
    SolverOptions lap;
    lap.solver = SolverKind::Lap;  // the externality-blind matching (LAP on w), scored with the externalities
    AssignmentProblem blind = AssignmentProblem::linear_only(p.buyers, p.sellers, p.linear);
    const AssignmentResult b = solve_assignment(blind, lap);
    state.counters["welfare"] = d.objective;
    state.counters["linear_bound"] = d.upper_bound;
    state.counters["gap_to_bound_pct"] = 100.0 * (d.upper_bound - d.objective) / d.upper_bound;
    state.counters["blind_lap_welfare"] = p.objective(b.assignment);
    state.counters["moves"] = static_cast<double>(d.iterations);
    state.counters["solve_s"] = d.seconds;
  }
}
BENCHMARK(BM_DescentSpectrum)->Arg(200)->Arg(1000)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_VcgDescentSpectrum(benchmark::State& state) {
  const AssignmentProblem p = spectrum_problem(static_cast<int>(state.range(0)));
  SolverOptions o;
  o.solver = SolverKind::Descent;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    AssignmentResult full;
    const VcgResult v = solve_with_vcg(p, o, &full);
    const double all_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double worst = 0;
    for (double e : v.transfer_error_bound) worst = std::max(worst, e);
    state.counters["all_solves_over_one"] = all_s / full.seconds;
    state.counters["max_transfer_error_bound"] = worst;
  }
}
BENCHMARK(BM_VcgDescentSpectrum)->Arg(200)->Arg(1000)->Unit(benchmark::kMillisecond)->Iterations(1);

/// One step of the Lagrangian bound's LAP: the dense engine (square JV) with its smallest prices, and
/// lap::PricedLap from scratch and then on nearby weights (1 % of the entries lowered, as a subgradient step
/// moves multipliers), from its last duals. Counters: seconds of each, and dense over the warm step.
void BM_PricedLapStep(benchmark::State& state) {
  const AssignmentProblem p = spectrum_problem(static_cast<int>(state.range(0)));
  std::vector<double> next = p.linear;
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<std::size_t> entry(0, next.size() - 1);
  for (std::size_t k = 0; k < next.size() / 100; ++k) next[entry(rng)] *= 0.97;
  const AssignmentProblem moved = AssignmentProblem::linear_only(p.buyers, p.sellers, next);
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    lap::Engine dense(moved);
    dense.solve();
    const std::vector<double> prices = dense.minimal_prices();
    const auto t1 = std::chrono::steady_clock::now();
    lap::PricedLap priced(p.buyers, p.sellers, std::vector<char>(static_cast<std::size_t>(p.buyers), 1));
    priced.solve(p.linear);
    const auto t2 = std::chrono::steady_clock::now();
    const lap::PricedLap::Solution& warm = priced.solve(next);
    const auto t3 = std::chrono::steady_clock::now();
    const double dense_s = std::chrono::duration<double>(t1 - t0).count();
    const double step_s = std::chrono::duration<double>(t3 - t2).count();
    state.counters["dense_s"] = dense_s;
    state.counters["priced_first_s"] = std::chrono::duration<double>(t2 - t1).count();
    state.counters["priced_step_s"] = step_s;
    state.counters["dense_over_step"] = dense_s / step_s;
    state.counters["step_rounds"] = warm.rounds;
    state.counters["value_diff"] = std::abs(warm.value - dense.objective());  // 0 up to rounding: both exact
    benchmark::DoNotOptimize(prices.data());
  }
}
BENCHMARK(BM_PricedLapStep)->Arg(200)->Arg(1000)->Unit(benchmark::kMillisecond)->Iterations(1);


/// Descent candidate evaluations per second, CPU loop against device scoring, in the same run: the
/// spectrum market of `ivassign generate spectrum --buyers n --licences 4n --seed 7` at the uniform
/// posterior, the descent from the solver's start (the LAP optimum of w; arg 1 = 0) or from the
/// empty matching (arg 1 = 1, many more moves) to its local optimum. Timed: reset (the device's
/// upload included) and descend. Evaluations are counted as the CPU loop counts them ((s + 1) per
/// visited buyer), the same number on both backends; device_scored also counts the speculative ones.
/// *_evals_per_s: over the whole descent (the host's moves and H updates included, the same on both);
/// *_scoring_per_s: over the scoring alone (CPU: the scan; device: the scoring and choice launches, the download).
/// The CPU loop skips the candidates its don't-look marks clear (src/solvers/local_search.hpp), so its
/// nominal rate is the search's effective rate; cpu_scored_per_s counts the candidates it scored.
void BM_DescentEvaluations(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const AssignmentProblem p = spectrum_problem(n, 7);
  std::vector<int> z0(p.buyers, -1);
  if (state.range(1) == 0) {
    SolverOptions lap;
    lap.solver = SolverKind::Lap;
    z0 = solve_assignment(AssignmentProblem::linear_only(p.buyers, p.sellers, p.linear), lap).assignment;
  }
  const PlacementCosts costs(p);
  const double tol = descent::move_tolerance(p);
  const auto never = std::chrono::steady_clock::time_point::max();
  double scoring = 0;
  auto run = [&](bool device, double& seconds, std::vector<int>& z, std::int64_t& evals, std::int64_t& scored) {
    descent::LocalSearch ls(costs, std::vector<char>(p.buyers, 1), tol);
    ls.set_timing(true);
    if (device) ls.use_device();
    const auto t0 = std::chrono::steady_clock::now();
    ls.reset(z0);
    std::int64_t moves = 0;
    ls.descend(moves, -1, never);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    z = ls.matching();
    evals = ls.evaluations();
    scored = device ? ls.device_evaluations() : ls.scored();  // the CPU skips what the don't-look marks clear
    scoring = ls.scoring_seconds();
    return moves;
  };
  for (auto _ : state) {
    double cpu_s = 0, dev_s = 0;
    std::vector<int> zc, zd;
    std::int64_t ec = 0, ed = 0, sc = 0, sd = 0;
    const std::int64_t moves = run(false, cpu_s, zc, ec, sc);
    state.counters["moves"] = static_cast<double>(moves);
    state.counters["cpu_evals_per_s"] = static_cast<double>(ec) / cpu_s;
    const double cpu_scoring = static_cast<double>(ec) / scoring;
    state.counters["cpu_scoring_per_s"] = cpu_scoring;
    state.counters["cpu_scored_per_s"] = static_cast<double>(sc) / scoring;  // candidates actually scored
    if (!device_available()) continue;
    run(true, dev_s, zd, ed, sd);
    state.counters["device_evals_per_s"] = static_cast<double>(ed) / dev_s;
    state.counters["device_over_cpu"] = (static_cast<double>(ed) / dev_s) / (static_cast<double>(ec) / cpu_s);
    state.counters["device_scoring_per_s"] = static_cast<double>(ed) / scoring;
    state.counters["scoring_device_over_cpu"] = (static_cast<double>(ed) / scoring) / cpu_scoring;
    state.counters["device_scored_over_needed"] = static_cast<double>(sd) / static_cast<double>(ed);
    state.counters["same_matching"] = zc == zd && ec == ed ? 1 : 0;
  }
  state.SetLabel(device_available() ? device_system() : "cpu only");
}
BENCHMARK(BM_DescentEvaluations)
    ->Args({200, 0})->Args({200, 1})->Args({1000, 0})->Args({1000, 1})
    ->Unit(benchmark::kMillisecond)->Iterations(1);

/// VCG with the descent (all n minus-i searches), CPU against the device in the same run: on the
/// device each thread's search state lives there and rolls back to the settled full matching as the
/// CPU's does (src/vcg/minus_i_descent.cpp). Same market as BM_DescentEvaluations (seed 7).
void BM_VcgDescentBackends(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const AssignmentProblem p = spectrum_problem(n, 7);
  SolverOptions o;
  o.solver = SolverKind::Descent;
  for (auto _ : state) {
    o.backend = Backend::Cpu;
    auto t0 = std::chrono::steady_clock::now();
    const VcgResult cpu = solve_with_vcg(p, o);
    const double cpu_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    state.counters["cpu_s"] = cpu_s;
    if (!device_available()) continue;
    o.backend = Backend::Device;
    t0 = std::chrono::steady_clock::now();
    const VcgResult dev = solve_with_vcg(p, o);
    const double dev_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double diff = 0;
    for (std::size_t i = 0; i < cpu.transfers.size(); ++i) diff = std::max(diff, std::abs(cpu.transfers[i] - dev.transfers[i]));
    state.counters["device_s"] = dev_s;
    state.counters["cpu_over_device"] = cpu_s / dev_s;
    state.counters["max_transfer_diff"] = diff;
  }
  state.SetLabel(device_available() ? device_system() : "cpu only");
}
BENCHMARK(BM_VcgDescentBackends)->Arg(200)->Arg(1000)->Unit(benchmark::kMillisecond)->Iterations(1);

/// One backend alone, for profilers (`perf record`, `valgrind --tool=callgrind`; bench/RESULTS.md):
/// arg 1 picks the backend (0 CPU, 1 device), arg 2 the work: 0 the descent (solve_assignment with
/// SolverKind::Descent, no time limit: the LAP start, then the search), 1 VCG with it (the full
/// descent and every minus-i search). The market of BM_DescentEvaluations (seed 7).
void BM_DescentProfile(benchmark::State& state) {
  const AssignmentProblem p = spectrum_problem(static_cast<int>(state.range(0)), 7);
  SolverOptions o;
  o.solver = SolverKind::Descent;
  o.backend = state.range(1) == 1 ? Backend::Device : Backend::Cpu;
  if (o.backend == Backend::Device && !device_available()) {
    state.SkipWithError("no device path in this build");
    return;
  }
  for (auto _ : state) {
    if (state.range(2) == 0) {
      state.counters["welfare"] = solve_assignment(p, o).objective;
    } else {
      double revenue = 0;
      for (double x : solve_with_vcg(p, o).transfers) revenue += x;
      state.counters["revenue"] = revenue;
    }
  }
}
BENCHMARK(BM_DescentProfile)->ArgsProduct({{200, 1000}, {0, 1}, {0, 1}})->Unit(benchmark::kMillisecond)->Iterations(1);
}  // namespace

BENCHMARK_MAIN();
