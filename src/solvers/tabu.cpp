// Robust tabu search (Taillard 1991) for the assignment QAP over partial matchings; see
// include/ivassign/solvers.hpp. The problem becomes a permutation of T entities (the allowed
// buyers, then phantoms) over T slots (the sellers, then "unmatched" slots unless every optimum is
// complete). With no externalities or the factored form it is a Koopmans-Beckmann QAP with a linear
// term, and the swap deltas of kernels/qap_delta.cuh are updated in O(K) per move after each swap;
// dense and sparse externalities recompute each delta from pair costs.
#include <algorithm>
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
#include "solvers/lap.hpp"
#include "solvers/structure.hpp"
#include "kernels/device_launch.hpp"

namespace ivassign {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

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

/// The delta table after the swap of br and bt (pi already swapped): O(K) updates for moves
/// disjoint from the swap, full recomputation otherwise.
void update_swap_deltas(const SlotModel& m, const std::vector<int>& pi, int br, int bt, std::vector<double>& delta) {
  const int T = m.T;
  for (int r = 0; r < T; ++r)
    for (int t = r + 1; t < T; ++t) {
      if (!m.movable(r, t)) continue;
      double& d = delta[static_cast<std::size_t>(r) * T + t];
      if (m.kb && r != br && r != bt && t != br && t != bt)
        d = kernels::qap_swap_delta_update(m.A.data(), m.Bm.data(), m.terms, T, pi.data(), r, t, br, bt, d);
      else
        d = m.delta(pi, r, t);
    }
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

/// The swap-delta table of one search, maintained on the CPU or, for the Koopmans-Beckmann forms, on
/// the device (kernels/device_swaps.cu: the same formulas entry by entry).
class DeltaTable {
 public:
  DeltaTable(const SlotModel& m, bool on_device) : m_(m) {
    if (on_device) device_ = std::make_unique<device::TabuDeltas>(m.C.data(), m.A.data(), m.Bm.data(), m.terms, m.T, m.B);
  }
  void reset(const std::vector<int>& pi) {
    if (device_) {
      delta.resize(static_cast<std::size_t>(m_.T) * m_.T);
      device_->reset(pi.data(), delta.data());
      return;
    }
    delta = swap_deltas(m_, pi);
  }
  void update(const std::vector<int>& pi, int br, int bt) {
    if (device_) {
      device_->update(pi.data(), br, bt, delta.data());
      return;
    }
    update_swap_deltas(m_, pi, br, bt, delta);
  }
  std::vector<double> delta;

 private:
  const SlotModel& m_;
  std::unique_ptr<device::TabuDeltas> device_;
};

/// One robust tabu search from slots pi: random tenures in [0.9 T, 1.1 T] redrawn every 2 T
/// iterations, until max_iter, the time limit or target_cost.
Search robust_tabu(const SlotModel& m, std::vector<int> pi, std::uint64_t seed, std::int64_t max_iter,
                   double time_limit, double target_cost, std::chrono::steady_clock::time_point start,
                   bool on_device) {
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
  DeltaTable table(m, on_device);
  table.reset(pi);
  const std::vector<double>& delta = table.delta;
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
    table.update(pi, move.r, move.t);
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

}  // namespace

AssignmentResult solve_tabu(const AssignmentProblem& problem, const SolverOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const SlotModel model(problem);
  const int T = model.T;
  const bool on_device = resolve_backend(options.backend == Backend::Auto ? Backend::Cpu : options.backend) ==
                         Backend::Device;
  if (on_device && !model.kb)
    throw InputError("SolverOptions::backend " + requested_name(options.backend) +
                     ": the tabu search keeps its swap deltas on the device for problems without externalities or "
                     "with factored ones; this problem's are " +
                     std::string(problem.externalities.form == ExternalityCosts::Form::Dense ? "dense" : "sparse") +
                     " (use Backend::Cpu)");
  std::int64_t max_iter = options.iteration_limit > 0 ? options.iteration_limit : -1;
  if (max_iter < 0) max_iter = std::isfinite(options.time_limit) ? INT64_MAX : std::max<std::int64_t>(20000, 200LL * T);
  const double target_cost = std::isnan(options.target) ? -kInf : -options.target;
  const int starts = thread_count(options.threads);
  // first start: the given matching, or the LAP of the linear part; the others: random slots
  std::vector<int> warm = options.initial_assignment;
  if (warm.size() != static_cast<std::size_t>(problem.buyers)) {
    AssignmentProblem linear = AssignmentProblem::linear_only(problem.buyers, problem.sellers, problem.linear);
    linear.allowed = problem.allowed;
    lap::Engine engine(linear);
    engine.solve();
    warm = engine.assignment();
  }
  std::vector<Search> results(starts);
#pragma omp parallel for schedule(static, 1) num_threads(starts)
  for (int k = 0; k < starts; ++k) {
    std::vector<int> pi;
    if (k == 0) {
      pi = to_slots(model, warm);
    } else {
      pi.resize(T);
      for (int e = 0; e < T; ++e) pi[e] = e;
      SplitMix64 rng{options.seed * 1315423911ULL + static_cast<std::uint64_t>(k)};
      for (int e = T - 1; e > 0; --e) std::swap(pi[e], pi[rng.below(e + 1)]);
    }
    results[k] = robust_tabu(model, pi, options.seed + static_cast<std::uint64_t>(k), max_iter, options.time_limit,
                             target_cost, start, on_device);
  }
  int best = 0;
  std::int64_t iterations = 0;
  for (int k = 0; k < starts; ++k) {
    iterations += results[k].iterations;
    if (results[k].best_cost < results[best].best_cost) best = k;
  }
  AssignmentResult r;
  r.assignment = model.assignment(results[best].best);
  r.objective = problem.objective(r.assignment);
  r.optimal = false;
  r.status = results[best].hit_target ? SolveStatus::Feasible
             : std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > options.time_limit
                 ? SolveStatus::TimeLimit
                 : SolveStatus::IterationLimit;
  r.iterations = iterations;
  r.solver = "tabu";
  r.backend = on_device ? Backend::Device : Backend::Cpu;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace ivassign
