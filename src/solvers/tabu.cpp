// Robust tabu search (Taillard 1991) for the assignment QAP over partial matchings; see
// include/ivassign/solvers.hpp. The problem becomes a permutation of T entities (the allowed
// buyers, then phantoms) over T slots (the sellers, then "unmatched" slots unless every optimum is
// complete). With no externalities or the factored form it is a Koopmans-Beckmann QAP with a linear
// term, and the swap deltas of kernels/qap_delta.cuh are updated in O(K) per move after each swap;
// dense and sparse externalities recompute each delta from pair costs.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>

#include "common/parallel.hpp"
#include "common/random.hpp"
#include "ivassign/error.hpp"
#include "ivassign/solvers.hpp"
#include "ivassign/tolerances.hpp"
#include "kernels/qap_delta.cuh"
#include "kernels/qap_rots.cuh"
#include "solvers/lap.hpp"
#include "solvers/rots_cpu.hpp"
#include "solvers/structure.hpp"
#include "kernels/device_launch.hpp"

namespace ivassign {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
/// The long-term diversification: a move aspires once one of its placements is this many T^2
/// iterations old (Taillard's choice for the QAP).
constexpr std::int64_t kAspirationPerSlot2 = 5;
/// The iterated search: a start restarts from its best after T^2 / kRestartDivisor iterations without
/// a new best, its best kicked by max(2, T / kKickDivisor) random swaps. Chosen on tai50a and tai60a
/// (2 starts x 150,000 iterations, seed 1, one run each; mean gap 0.97 % without restarts, 0.67 % with
/// these; T^2/5 with T/10: 0.72 %, T^2 with T/5: 0.91 %, T^2/20 with T/10: 1.23 %).
constexpr std::int64_t kRestartDivisor = 2;
constexpr int kKickDivisor = 10;

/// The slot model: entities 0..B-1 are the allowed buyers, B..T-1 phantoms; slots 0..s-1 sellers.
struct SlotModel {
  const AssignmentProblem& p;
  int T = 0, B = 0, s = 0, terms = 0;
  bool kb = false;  // Koopmans-Beckmann matrices available
  std::vector<int> buyer;           // entity -> buyer id (-1 phantom)
  std::vector<double> C, A, Bm;     // KB: T*T, terms*T*T, terms*T*T (minimization: cost = -objective)

  explicit SlotModel(const AssignmentProblem& problem) : p(problem), s(problem.sellers) {
    for (int i = 0; i < p.buyers; ++i)
      if (p.buyer_allowed(i)) buyer.push_back(i);
    B = static_cast<int>(buyer.size());
    const bool complete = every_optimum_is_complete(p);
    T = complete ? s : s + B;
    buyer.resize(T, -1);
    const auto form = p.externalities.form;
    kb = form == ExternalityCosts::Form::None || form == ExternalityCosts::Form::Factored;
    if (!kb) return;
    const std::size_t TT = static_cast<std::size_t>(T) * T;
    C.assign(TT, 0.0);
    for (int e = 0; e < B; ++e)
      for (int j = 0; j < s; ++j) C[static_cast<std::size_t>(e) * T + j] = -p.w(buyer[e], j);
    const auto& x = p.externalities;
    terms = form == ExternalityCosts::Form::Factored ? x.terms : 0;
    A.assign(TT * terms, 0.0);
    Bm.assign(TT * terms, 0.0);
    const std::size_t n = static_cast<std::size_t>(p.buyers), S = static_cast<std::size_t>(s);
    for (int k = 0; k < terms; ++k) {
      for (int e = 0; e < B; ++e)
        for (int f = 0; f < B; ++f)
          if (e != f) {
            const std::size_t i = static_cast<std::size_t>(buyer[e]), q = static_cast<std::size_t>(buyer[f]);
            A[k * TT + static_cast<std::size_t>(e) * T + f] = x.weight[i * terms + k] * x.buyer[(k * n + i) * n + q];
          }
      for (int j = 0; j < s; ++j)
        for (int q = 0; q < s; ++q)
          if (j != q) Bm[k * TT + static_cast<std::size_t>(j) * T + q] = x.seller[(k * S + j) * S + q];
    }
  }

  std::vector<int> assignment(const std::vector<int>& pi) const {
    std::vector<int> z(p.buyers, -1);
    for (int e = 0; e < B; ++e)
      if (pi[e] < s) z[buyer[e]] = pi[e];
    return z;
  }

  double cost(const std::vector<int>& pi) const { return -p.objective(assignment(pi)); }

  /// Not two phantoms: swapping r and t can change the matching.
  bool movable(int r, int t) const { return r < B || t < B; }

  /// Cost change of swapping the slots of entities r and t.
  double delta(const std::vector<int>& pi, int r, int t) const {
    if (kb) return kernels::qap_swap_delta(C.data(), A.data(), Bm.data(), terms, T, pi.data(), r, t);
    // general: recompute the objective terms of the (at most two) buyers that move
    auto seller_of = [&](int e, int slot) { return e < B && slot < s ? slot : -1; };
    const int i1 = r < B ? buyer[r] : -1, i2 = t < B ? buyer[t] : -1;
    const int old1 = seller_of(r, pi[r]), old2 = seller_of(t, pi[t]);
    const int new1 = seller_of(r, pi[t]), new2 = seller_of(t, pi[r]);
    auto contribution = [&](int i, int j, int other, int other_j) {
      // objective terms involving buyer i at j, excluding pairs with `other` (counted separately)
      if (i < 0 || j < 0) return 0.0;
      double v = p.w(i, j);
      for (int e = 0; e < B; ++e) {
        const int k = buyer[e];
        if (k == i || k == other || pi[e] >= s) continue;
        v -= p.pair_cost(i, j, k, pi[e]) + p.pair_cost(k, pi[e], i, j);
      }
      (void)other_j;
      return v;
    };
    double before = contribution(i1, old1, i2, old2) + contribution(i2, old2, i1, old1);
    double after = contribution(i1, new1, i2, new2) + contribution(i2, new2, i1, new1);
    if (i1 >= 0 && i2 >= 0) {
      if (old1 >= 0 && old2 >= 0) before -= p.pair_cost(i1, old1, i2, old2) + p.pair_cost(i2, old2, i1, old1);
      if (new1 >= 0 && new2 >= 0) after -= p.pair_cost(i1, new1, i2, new2) + p.pair_cost(i2, new2, i1, new1);
    }
    return -(after - before);
  }
};

/// What one search found: its best slots and their cost, iterations run, whether it hit the target.
struct Search {
  std::vector<int> best;
  double best_cost = kInf;
  std::int64_t iterations = 0;
  bool hit_target = false;
};

/// The swap-delta table: delta[r * T + t] (r < t) is the cost change of swapping entities r and t.
std::vector<double> swap_deltas(const SlotModel& m, const std::vector<int>& pi) {
  const int T = m.T;
  std::vector<double> delta(static_cast<std::size_t>(T) * T, 0.0);
  for (int r = 0; r < T; ++r)
    for (int t = r + 1; t < T; ++t)
      if (m.movable(r, t)) delta[static_cast<std::size_t>(r) * T + t] = m.delta(pi, r, t);
  return delta;
}

/// The delta table after a swap (pi already swapped), recomputed from pair costs (the general forms;
/// the Koopmans-Beckmann ones go through kernels/qap_rots.cuh).
void update_swap_deltas(const SlotModel& m, const std::vector<int>& pi, std::vector<double>& delta) {
  const int T = m.T;
  for (int r = 0; r < T; ++r)
    for (int t = r + 1; t < T; ++t)
      if (m.movable(r, t)) delta[static_cast<std::size_t>(r) * T + t] = m.delta(pi, r, t);
}

/// Attributes (buyer, seller or "unmatched") remember when the buyer last left that place;
/// phantoms and unmatched slots are interchangeable and carry no identity (else a plateau of
/// equivalent moves defeats the tabu list).
struct TabuMemory {
  int classes, s;
  std::vector<std::int64_t> last;
  explicit TabuMemory(const SlotModel& m)
      : classes(m.s + 1), s(m.s), last(static_cast<std::size_t>(std::max(m.B, 1)) * classes, 0) {}
  /// The iteration at which entity e last left `slot` (0: never).
  std::int64_t& left(int e, int slot) { return last[static_cast<std::size_t>(e) * classes + std::min(slot, s)]; }
  std::int64_t left(int e, int slot) const { return last[static_cast<std::size_t>(e) * classes + std::min(slot, s)]; }
};

/// A swap of the slots of entities r and t, and its cost change d (r < 0: none).
struct Swap {
  int r = -1, t = -1;
  double d = kInf;
};

/// The swap taken at iteration `it`. A move is tabu when every buyer in it would return to a place
/// left within the tenure; a move none of whose placements was left for `aspiration` iterations is
/// forced (Taillard's aspiration by default, the long-term diversification); otherwise the best
/// move that is not tabu or improves on the best cost (aspiration).
Swap choose_swap(const SlotModel& m, const std::vector<int>& pi, const std::vector<double>& delta,
                 const TabuMemory& memory, std::int64_t it, std::int64_t current_tenure, std::int64_t aspiration,
                 double cost, double best_cost) {
  const int T = m.T;
  Swap best;
  bool chosen_aspiration = false;
  for (int r = 0; r < T; ++r)
    for (int t = r + 1; t < T; ++t) {
      // two phantoms, or two occupants of "unmatched" slots (equivalent places): no real move
      if (!m.movable(r, t) || (pi[r] >= m.s && pi[t] >= m.s)) continue;
      const double d = delta[static_cast<std::size_t>(r) * T + t];
      bool tabu_all = true, stale_all = true;
      if (r < m.B) {
        const std::int64_t l = memory.left(r, pi[t]);
        tabu_all = tabu_all && l > 0 && l + current_tenure >= it;
        stale_all = stale_all && it - l > aspiration;
      }
      if (t < m.B) {
        const std::int64_t l = memory.left(t, pi[r]);
        tabu_all = tabu_all && l > 0 && l + current_tenure >= it;
        stale_all = stale_all && it - l > aspiration;
      }
      if (stale_all) return {r, t, d};  // aspiration by default: take it now
      const bool aspire = cost + d < best_cost - tol::kValueImprovement * (1 + std::abs(best_cost));
      if (tabu_all && !aspire) continue;
      if (d < best.d || (aspire && !chosen_aspiration && d <= best.d)) {
        best = {r, t, d};
        chosen_aspiration = aspire;
      }
    }
  return best;
}

/// One robust tabu search from slots pi for the general externality forms (dense, sparse), whose
/// deltas are recomputed from pair costs: random tenures in [0.9 T, 1.1 T] redrawn every 2 T
/// iterations, until max_iter, the time limit or target_cost.
Search robust_tabu(const SlotModel& m, std::vector<int> pi, std::uint64_t seed, std::int64_t max_iter,
                   double time_limit, double target_cost, std::chrono::steady_clock::time_point start) {
  const int T = m.T;
  SplitMix64 rng{seed * 0x9E3779B97F4A7C15ULL + 7};
  double cost = m.cost(pi);
  Search out;
  out.best = pi;
  out.best_cost = cost;
  if (out.best_cost <= target_cost) {
    out.hit_target = true;
    return out;
  }
  if (T < 2) return out;
  std::vector<double> delta = swap_deltas(m, pi);
  const std::int64_t aspiration = 5LL * T * T;
  TabuMemory memory(m);
  auto tenure = [&]() { return static_cast<std::int64_t>(std::ceil(0.9 * T)) + rng.below(std::max(1, T / 5 + 1)); };
  std::int64_t current_tenure = tenure();
  for (std::int64_t it = 1; it <= max_iter; ++it) {
    if ((it & 63) == 0 &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > time_limit)
      break;
    if (it % (2 * T) == 0) current_tenure = tenure();
    const Swap move = choose_swap(m, pi, delta, memory, it, current_tenure, aspiration, cost, out.best_cost);
    if (move.r < 0) continue;  // everything tabu: wait for tenures to expire
    if (move.r < m.B) memory.left(move.r, pi[move.r]) = it;
    if (move.t < m.B) memory.left(move.t, pi[move.t]) = it;
    std::swap(pi[move.r], pi[move.t]);
    cost += move.d;
    out.iterations = it;
    update_swap_deltas(m, pi, delta);
    if (cost < out.best_cost - tol::kValueImprovement * (1 + std::abs(out.best_cost))) {
      cost = m.cost(pi);  // re-anchor on the exact objective (no drift from accumulated deltas)
      if (cost < out.best_cost) {
        out.best_cost = cost;
        out.best = pi;
      }
      if (out.best_cost <= target_cost) {
        out.hit_target = true;
        break;
      }
    }
  }
  return out;
}

/// Slots of an assignment: buyers at their sellers, unmatched buyers and phantoms on free slots.
std::vector<int> to_slots(const SlotModel& m, const std::vector<int>& z) {
  std::vector<int> pi(m.T, -1);
  std::vector<char> used(m.T, 0);
  for (int e = 0; e < m.B; ++e) {
    const int j = z[m.buyer[e]];
    if (j >= 0 && j < m.s && !used[j]) {
      pi[e] = j;
      used[j] = 1;
    }
  }
  int next = 0;
  for (int e = 0; e < m.T; ++e) {
    if (pi[e] >= 0) continue;
    // unmatched buyers prefer the unmatched slots (>= s) when there are any
    if (e < m.B && m.T > m.s) {
      for (int slot = m.s; slot < m.T; ++slot)
        if (!used[slot]) {
          pi[e] = slot;
          used[slot] = 1;
          break;
        }
      if (pi[e] >= 0) continue;
    }
    while (used[next]) ++next;
    pi[e] = next;
    used[next] = 1;
  }
  return pi;
}

/// Whether every term's A and B are symmetric (their diagonals are zero in the slot model).
bool symmetric_terms(const SlotModel& m) {
  const std::size_t T = static_cast<std::size_t>(m.T), tt = T * T;
  for (const auto* M : {&m.A, &m.Bm})
    for (int k = 0; k < m.terms; ++k)
      for (std::size_t i = 0; i < T; ++i)
        for (std::size_t j = i + 1; j < T; ++j)
          if ((*M)[k * tt + i * T + j] != (*M)[k * tt + j * T + i]) return false;
  return true;
}

/// The Koopmans-Beckmann slot model as kernels/qap_rots.cuh reads it.
kernels::RotsProblem rots_problem(const SlotModel& m, double target_cost) {
  kernels::RotsProblem P;
  P.C = m.C.data();
  P.A = m.A.data();
  P.B = m.Bm.data();
  P.terms = m.terms;
  P.T = m.T;
  P.movable_below = m.B;
  P.slots = m.s;
  P.aspiration = kAspirationPerSlot2 * m.T * m.T;
  P.restart_after = std::max<std::int64_t>(1, static_cast<std::int64_t>(m.T) * m.T / kRestartDivisor);
  P.kick = std::max(2, m.T / kKickDivisor);
  P.target_cost = target_cost;
  P.improvement = tol::kValueImprovement;
  P.symmetric = symmetric_terms(m);
  return P;
}

/// Every start's result, however it ran.
struct Starts {
  std::vector<int> best;  // starts * T
  std::vector<double> best_cost;
  std::vector<std::int64_t> iterations;
  std::vector<int> hit_target;
};

/// `starts` robust tabu searches on the CPU, one per thread at a time (kernels::rots_run, or
/// rots_run_symmetric for symmetric problems, in chunks; the clock and the others' targets checked
/// between them).
Starts rots_on_cpu(const kernels::RotsProblem& P, int starts, int threads, const std::vector<int>& initial,
                   const std::vector<std::uint64_t>& seeds, std::int64_t max_iter, double time_limit,
                   std::chrono::steady_clock::time_point start) {
  const std::size_t T = static_cast<std::size_t>(P.T), n = static_cast<std::size_t>(starts);
  const std::int64_t msize = kernels::rots_memory_size(P), fsize = kernels::rots_factor_size(P);
  std::vector<int> pi = initial, best(n * T);
  std::vector<double> delta(n * T * T), factors(std::max<std::size_t>(n * static_cast<std::size_t>(fsize), 1));
  std::vector<std::int64_t> memory(n * static_cast<std::size_t>(msize));
  std::vector<kernels::RotsScalars> scalars(n);
  const kernels::RotsArrays W{pi.data(), best.data(), delta.data(), factors.data(), memory.data(), scalars.data(),
                              static_cast<std::int64_t>(T), msize, fsize};
  const std::int64_t chunk = std::max<std::int64_t>(16, (std::int64_t(1) << 20) / static_cast<std::int64_t>(T * T + 1));
  std::atomic<bool> stop{false};
  // symmetric problems run the row-wise layout of the same search (bit for bit), one workspace per thread
#pragma omp parallel num_threads(threads)
  {
    std::vector<double> work(P.symmetric ? static_cast<std::size_t>(kernels::rots_symmetric_work_size(P)) : 0);
    const kernels::RotsSymmetricWork SW =
        P.symmetric ? kernels::rots_symmetric_work(P, work.data()) : kernels::RotsSymmetricWork{};
#pragma omp for schedule(dynamic, 1)
    for (int k = 0; k < starts; ++k) {
      const kernels::RotsStart S = W.start(k);
      kernels::rots_init(P, S, seeds[static_cast<std::size_t>(k)]);
      while (S.s->iteration < max_iter && !S.s->hit_target && !stop.load(std::memory_order_relaxed)) {
        const std::int64_t until = S.s->iteration + std::min(chunk, max_iter - S.s->iteration);
        if (P.symmetric)
          rots_run_symmetric_cpu(P, S, SW, until);
        else
          kernels::rots_run(P, S, until);
        if (S.s->hit_target ||
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > time_limit)
          stop = true;
      }
    }
  }
  Starts out;
  out.best = std::move(best);
  for (const auto& x : scalars) {
    out.best_cost.push_back(x.best_cost);
    out.iterations.push_back(x.iteration);
    out.hit_target.push_back(x.hit_target);
  }
  return out;
}

/// The same starts on the device (kernels/device_rots.cu).
Starts rots_on_device(const kernels::RotsProblem& P, int starts, const std::vector<int>& initial,
                      const std::vector<std::uint64_t>& seeds, std::int64_t max_iter, double seconds) {
  device::RotsOutcome o = device::rots_multistart(P, starts, initial.data(), seeds.data(), max_iter, seconds);
  return Starts{std::move(o.best), std::move(o.best_cost), std::move(o.iterations), std::move(o.hit_target)};
}

/// The initial slots of every start: start 0 from `warm` (the given matching or the LAP of the linear
/// part), the others uniformly random from the seed and their index.
std::vector<int> initial_slots(const SlotModel& m, const std::vector<int>& warm, int starts, std::uint64_t seed) {
  const int T = m.T;
  std::vector<int> all;
  all.reserve(static_cast<std::size_t>(starts) * T);
  for (int k = 0; k < starts; ++k) {
    std::vector<int> pi;
    if (k == 0) {
      pi = to_slots(m, warm);
    } else {
      pi.resize(T);
      for (int e = 0; e < T; ++e) pi[e] = e;
      SplitMix64 rng{seed * 1315423911ULL + static_cast<std::uint64_t>(k)};
      for (int e = T - 1; e > 0; --e) std::swap(pi[e], pi[rng.below(e + 1)]);
    }
    all.insert(all.end(), pi.begin(), pi.end());
  }
  return all;
}

/// The general forms: the older per-start search (robust_tabu), one start per thread at a time.
Starts general_starts(const SlotModel& m, int starts, int threads, const std::vector<int>& initial,
                      const std::vector<std::uint64_t>& seeds, std::int64_t max_iter, double time_limit,
                      double target_cost, std::chrono::steady_clock::time_point start) {
  const std::size_t T = static_cast<std::size_t>(m.T);
  Starts out;
  out.best.resize(static_cast<std::size_t>(starts) * T);
  out.best_cost.resize(starts);
  out.iterations.resize(starts);
  out.hit_target.resize(starts);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (int k = 0; k < starts; ++k) {
    const auto first = initial.begin() + static_cast<std::ptrdiff_t>(k * T);
    const Search r = robust_tabu(m, std::vector<int>(first, first + static_cast<std::ptrdiff_t>(T)),
                                 seeds[static_cast<std::size_t>(k)], max_iter, time_limit, target_cost, start);
    std::copy(r.best.begin(), r.best.end(), out.best.begin() + static_cast<std::ptrdiff_t>(k * T));
    out.best_cost[k] = r.best_cost;
    out.iterations[k] = r.iterations;
    out.hit_target[k] = r.hit_target;
  }
  return out;
}

}  // namespace

AssignmentResult solve_tabu(const AssignmentProblem& problem, const SolverOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const SlotModel model(problem);
  const int T = model.T;
  const bool on_device = resolve_backend(options.backend == Backend::Auto ? Backend::Cpu : options.backend) ==
                         Backend::Device;
  if (on_device && !model.kb)
    throw InputError("SolverOptions::backend " + requested_name(options.backend) +
                     ": the tabu search runs on the device for problems without externalities or with factored "
                     "ones; this problem's are " +
                     std::string(problem.externalities.form == ExternalityCosts::Form::Dense ? "dense" : "sparse") +
                     " (use Backend::Cpu)");
  std::int64_t max_iter = options.iteration_limit > 0 ? options.iteration_limit : -1;
  if (max_iter < 0) max_iter = std::isfinite(options.time_limit) ? INT64_MAX : std::max<std::int64_t>(20000, 200LL * T);
  const double target_cost = std::isnan(options.target) ? -kInf : -options.target;
  const int threads = thread_count(options.threads);
  const int starts = options.starts > 0 ? options.starts : threads;
  std::vector<int> warm = options.initial_assignment;
  if (warm.size() != static_cast<std::size_t>(problem.buyers)) {
    AssignmentProblem linear = AssignmentProblem::linear_only(problem.buyers, problem.sellers, problem.linear);
    linear.allowed = problem.allowed;
    lap::Engine engine(linear);
    engine.solve();
    warm = engine.assignment();
  }
  const std::vector<int> initial = initial_slots(model, warm, starts, options.seed);
  std::vector<std::uint64_t> seeds(static_cast<std::size_t>(starts));
  for (int k = 0; k < starts; ++k) seeds[k] = options.seed + static_cast<std::uint64_t>(k);
  const int workers = std::min(threads, starts);
  Starts found;
  if (!model.kb)
    found = general_starts(model, starts, workers, initial, seeds, max_iter, options.time_limit, target_cost, start);
  else if (on_device)
    found = rots_on_device(rots_problem(model, target_cost), starts, initial, seeds, max_iter,
                           options.time_limit - std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  else
    found = rots_on_cpu(rots_problem(model, target_cost), starts, workers, initial, seeds, max_iter, options.time_limit, start);
  int best = 0;
  AssignmentResult r;
  for (int k = 0; k < starts; ++k) {
    r.iterations += found.iterations[k];
    if (found.best_cost[k] < found.best_cost[best]) best = k;
  }
  const auto first = found.best.begin() + static_cast<std::ptrdiff_t>(best) * T;
  r.assignment = model.assignment(std::vector<int>(first, first + T));
  r.objective = problem.objective(r.assignment);
  r.optimal = false;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.status = found.hit_target[best] ? SolveStatus::Feasible
             : r.seconds > options.time_limit ? SolveStatus::TimeLimit
                                              : SolveStatus::IterationLimit;
  r.solver = "tabu";
  r.backend = on_device ? Backend::Device : Backend::Cpu;
  return r;
}

}  // namespace ivassign
