// Exact QAP over partial matchings: depth-first branch and bound. A probe of BranchAndBoundSettings::
// probe_nodes nodes bounds each node with a Gilmore-Lawler-style LAP; a larger tree restarts with the
// Lagrangian relaxation over interacting licence pairs (solvers/lagrangian.hpp), its multipliers found
// by subgradient steps at the root and kept fixed, one LAP per node, and the node takes the smaller of
// both bounds. See include/ivassign/solvers.hpp and docs/solvers.md.
//
// Validity of the Lagrangian node bound, in the notation of docs/solvers.md. Node N: the placed
// buyers P with their sellers z_P (or unmatched) and value V_P, the open buyers O, the free licences
// F (not held in z_P), H_P(a, j) = sum_{k in P matched} c_aj^{k z_k} + c_{k z_k}^aj. For every matching
// z extending z_P, h_j its buyer at j (or unmatched), E_N the held pairs e = {j, q} with j, q in F:
//  (1) W(z) = V_P + sum_{a in O matched} (w_{a z_a} - H_P(a, z_a)) - sum_{a < b in O matched} C(a z_a, b z_b)
//  (2)      <= V_P + sum_{a in O matched} (w_{a z_a} - H_P(a, z_a)) - sum_{e in E_N} C_e(h_j, h_q)      [c >= 0]
//  (3) -C_e(h_j, h_q) = [lambda_ej(h_j) + lambda_eq(h_q) - C_e(h_j, h_q)] - lambda_ej(h_j) - lambda_eq(h_q)
//  (4)      <= E_e^O - lambda_ej(h_j) - lambda_eq(h_q)           [h_j, h_q in O or unmatched, h_j != h_q]
//  (5) sum_{e in E_N} (lambda_ej(h_j) + lambda_eq(h_q)) = sum_{a in O matched} pen_N(a, z_a)
//  (6) W(z) <= V_P + sum_{a in O matched} (w - H_P - pen_N)(a, z_a) + sum_{e in E_N} E_e^O
//  (7)      <= V_P + LAP_{O x F}(w - H_P - pen_N) + sum_{e in E_N} E_e^O                 [z_O is a matching of O x F]
// Pairs with a licence held in z_P are not in E_N: the costs between a placed and an open buyer are
// in H_P once, exactly, and those between placed buyers in V_P.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>

#include "ivassign/error.hpp"
#include "ivassign/solvers.hpp"
#include "ivassign/tolerances.hpp"
#include "solvers/branch_and_bound.hpp"
#include "solvers/lagrangian.hpp"
#include "solvers/lap.hpp"
#include "solvers/placement_costs.hpp"
#include "solvers/structure.hpp"

namespace ivassign {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

class BranchAndBound {
 public:
  BranchAndBound(const AssignmentProblem& p, const SolverOptions& o, const BranchAndBoundSettings& t)
      : p_(p), o_(o), t_(t), start_(std::chrono::steady_clock::now()) {
    for (int i = 0; i < p.buyers; ++i)
      if (p.buyer_allowed(i)) order_.push_back(i);
    z_.assign(p.buyers, -1);
    used_.assign(p.sellers, 0);
    open_.assign(p.buyers, 0);
    for (int i : order_) open_[i] = 1;
    best_.assign(p.buyers, -1);
    best_value_ = 0.0;  // the empty matching
    complete_ = p.has_externalities() && every_optimum_is_complete(p);
  }

  AssignmentResult run() {
    incumbent_from_linear();
    if (p_.has_externalities()) {
      costs_ = std::make_unique<PlacementCosts>(p_);
      h_.assign(static_cast<std::size_t>(p_.buyers) * p_.sellers, 0.0);
    }
    probing_ = costs_ && t_.probe_nodes > 0;
    if (!costs_ || probing_) search(0, 0.0, kInf);
    if (costs_ && (probe_over_ || !probing_)) {  // a large tree: the Lagrangian bound, and the search again from the root
      probing_ = probe_over_ = stopped_ = false;
      open_bound_ = -kInf;
      const double probe_root = root_bound_;
      root_multipliers();
      improve_incumbent();
      // the relaxation where its root bound beats the probe's (on QAPs the steps rarely find one)
      lagrangian_ = !(root_bound_ >= probe_root);
      search(0, 0.0, root_bound_);  // the probe's root bound and the root relaxation's cover the tree
    }
    AssignmentResult r;
    r.assignment = best_;
    r.objective = p_.objective(best_);
    r.optimal = !stopped_;
    r.status = stopped_ ? (time_up_ ? SolveStatus::TimeLimit : SolveStatus::IterationLimit) : SolveStatus::Optimal;
    // the open nodes' bounds cover every matching not yet seen; the pruned ones are within kBranchPrune
    r.upper_bound = stopped_ ? std::max(open_bound_, r.objective) : r.objective;
    r.iterations = nodes_;
    r.solver = "branch-and-bound";
    r.seconds = elapsed();
    return r;
  }

 private:
  double elapsed() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

  /// Multipliers for the whole tree: deflected subgradient steps on the root relaxation (as VCG's
  /// minus-i bound, lagrangian_minus_i_bounds), Polyak steps toward the incumbent, which every
  /// iterate's LAP maximizer may raise; keeps the multipliers of the smallest root bound.
  void root_multipliers() {
    using namespace lagrangian;
    AssignmentProblem relaxed = AssignmentProblem::linear_only(p_.buyers, p_.sellers, p_.linear);
    relaxed.allowed = open_;
    PairMultipliers m;
    std::vector<double> acc(p_.buyers, 0.0);
    std::vector<int> holder(static_cast<std::size_t>(p_.sellers), kUnmatched);
    StepSchedule schedule;
    double best_full = kInf;
    const double budget = std::isfinite(o_.time_limit) ? t_.root_time_share * o_.time_limit : kInf;
    for (int k = 0; k <= t_.root_steps && elapsed() < budget; ++k) {
      const double pairs_max = penalize(p_, m, relaxed.linear);
      lap::Engine engine(relaxed);
      engine.solve();
      const std::vector<int> z = engine.assignment();
      const double full = engine.objective() + pairs_max;
      offer(z, costs_->objective(z));
      if (full < best_full) {
        best_full = full;
        m_ = m;
        root_bound_ = std::min(root_bound_, full);
      }
      schedule.record(full);
      if (full <= best_value_ + tol::kBranchPrune * (1.0 + std::abs(best_value_))) break;  // proven at the root
      add_conflicts(*costs_, z, acc, m);
      std::fill(holder.begin(), holder.end(), kUnmatched);
      for (int i = 0; i < p_.buyers; ++i)
        if (z[i] >= 0) holder[static_cast<std::size_t>(z[i])] = i;
      if (k == t_.root_steps || !step(holder, full - best_value_, schedule.theta(), m)) break;
      ++root_steps_;
    }
    penalize(p_, m_, relaxed.linear);  // E_e and labels of the kept multipliers
  }

  /// A local search (solve_descent, no time limit: one descent) from the incumbent.
  void improve_incumbent() {
    SolverOptions d;
    d.threads = 1;
    d.backend = Backend::Cpu;
    d.initial_assignment = best_;
    const AssignmentResult r = solve_descent(p_, d);
    offer(r.assignment, check_assignment(p_, r.assignment));  // throws where it is no matching of p_
  }

  /// Takes z (a matching of the allowed buyers) as the incumbent when it is better.
  void offer(const std::vector<int>& z, double value) {
    if (value > best_value_ + tol::kValueImprovement * (1.0 + std::abs(best_value_))) {
      best_value_ = value;
      best_ = z;
    }
  }

  /// Value of the placed part plus an optimistic value for the rest: the Gilmore-Lawler bound in the
  /// probe, the smaller of it and the Lagrangian bound after the probe. Moves the buyer to
  /// branch on to order_[depth] and fills its sellers, best gain first, into `next_gains`.
  double bound_and_gains(std::size_t depth, double value, std::vector<std::pair<double, int>>* next_gains) {
    const int s = p_.sellers;
    std::vector<int> rest(order_.begin() + static_cast<std::ptrdiff_t>(depth), order_.end());
    std::vector<int> free;
    for (int j = 0; j < s; ++j)
      if (!used_[j]) free.push_back(j);
    const int R = static_cast<int>(rest.size()), F = static_cast<int>(free.size());
    next_gains->clear();
    if (R == 0 || F == 0) return value;
    std::vector<double> base(static_cast<std::size_t>(R) * F);
    for (int a = 0; a < R; ++a)
      for (int b = 0; b < F; ++b) base[static_cast<std::size_t>(a) * F + b] = exact_gain(rest[a], free[b]);
    std::vector<double> gain;
    double bound = kInf;
    if (lagrangian_)
      bound = value + lagrangian::node_bound(p_, m_, rest, free, open_, base, complete_, &gain);
    else
      gain = base;
    const int pick = choose_row(gain, R, F);
    std::swap(order_[depth], order_[depth + pick]);  // the buyer to branch on comes next; the bound is symmetric
    for (int b = 0; b < F; ++b) next_gains->push_back({gain[static_cast<std::size_t>(pick) * F + b], free[b]});
    std::sort(next_gains->begin(), next_gains->end(), [](const auto& x, const auto& y) { return x.first > y.first; });
    {  // the Gilmore-Lawler bound too: on random factored costs (tests/vcg VcgSplit, 9 x 12) the relaxation
       // alone took 98 s where the smaller of both takes 0.8 s; at spectrum 50 x 200 both cost 40 % more time
      if (complete_)
        for (int a = 0; a < R; ++a)
          for (int b = 0; b < F; ++b) base[static_cast<std::size_t>(a) * F + b] -= interaction_floor(rest[a], free[b], rest, free);
      bound = std::min(bound, value + lagrangian::optimistic_lap(R, F, std::move(base), complete_));
    }
    return bound;
  }

  /// The open buyer to branch on: the one with the largest gain in the node's table (the bound's
  /// penalized gains), whose placement decides the most of the bound. On spectrum 75 x 300 (seed 7,
  /// minus-i problems) this proved in 2 to 8 s what buyer order left open or took 4 to 20 s for
  /// (bench/RESULTS.md, 2026-12-05).
  static int choose_row(const std::vector<double>& gain, int R, int F) {
    int best = 0;
    double best_gain = -kInf;
    for (int a = 0; a < R; ++a)
      for (int b = 0; b < F; ++b)
        if (gain[static_cast<std::size_t>(a) * F + b] > best_gain) {
          best_gain = gain[static_cast<std::size_t>(a) * F + b];
          best = a;
        }
    return best;
  }

  /// Lower bound on the costs buyer i (at seller j) pays to the other unplaced buyers, all of them
  /// matched to distinct free sellers other than j: per term of the factored form the minimal
  /// scalar product of i's interference row and j's proximity row; otherwise each other buyer's
  /// cheapest seller.
  double interaction_floor(int i, int j, const std::vector<int>& rest, const std::vector<int>& free) const {
    const auto& e = p_.externalities;
    const std::size_t n = static_cast<std::size_t>(p_.buyers), s = static_cast<std::size_t>(p_.sellers);
    double total = 0.0;
    if (e.form == ExternalityCosts::Form::Factored) {
      std::vector<double> x, y;
      for (int t = 0; t < e.terms; ++t) {
        const double w = e.weight[static_cast<std::size_t>(i) * e.terms + t];
        if (w == 0.0) continue;
        x.clear();
        y.clear();
        for (int k : rest)
          if (k != i) x.push_back(e.buyer[(t * n + i) * n + k]);
        for (int q : free)
          if (q != j) y.push_back(e.seller[(t * s + j) * s + q]);
        // x has |rest|-1 entries, y has |free|-1 >= that many: the others take the |x| cheapest
        // sellers at best, and the minimal scalar product pairs the smallest x with the largest of those
        std::sort(x.begin(), x.end());
        std::sort(y.begin(), y.end());
        const std::size_t k_used = std::min(x.size(), y.size());
        double prod = 0.0;
        for (std::size_t k = 0; k < k_used; ++k) prod += x[k] * y[k_used - 1 - k];
        total += w * prod;
      }
      return total;
    }
    for (int k : rest) {
      if (k == i) continue;
      double cheapest = kInf;
      for (int q : free)
        if (q != j) cheapest = std::min(cheapest, p_.pair_cost(i, j, k, q));
      if (cheapest < kInf) total += cheapest;
    }
    return total;
  }

  void incumbent_from_linear() {
    // the LAP of the linear part, evaluated with its costs, and the empty matching
    std::vector<char> mask(p_.buyers, 0);
    for (int i : order_) mask[i] = 1;
    AssignmentProblem linear = AssignmentProblem::linear_only(p_.buyers, p_.sellers, p_.linear);
    linear.allowed = mask;
    lap::Engine e2(linear);
    e2.solve();
    std::vector<std::vector<int>> candidates{e2.assignment()};
    if (o_.initial_assignment.size() == static_cast<std::size_t>(p_.buyers)) candidates.push_back(o_.initial_assignment);
    for (const auto& z : candidates) {
      double v = 0.0;
      try {
        v = check_assignment(p_, z);  // a hint that is not a valid matching here is ignored
      } catch (const Error&) {
        continue;
      }
      if (v > best_value_) {
        best_value_ = v;
        best_ = z;
      }
    }
  }

  bool out_of_budget() {
    if (stopped_) return true;
    if (probing_ && nodes_ > t_.probe_nodes) stopped_ = probe_over_ = true;
    if (o_.iteration_limit > 0 && nodes_ > o_.iteration_limit) stopped_ = true;
    if ((nodes_ & 255) == 0) {
      if (elapsed() > o_.time_limit) stopped_ = time_up_ = true;
    }
    return stopped_;
  }

  /// `cap`: the smallest bound of the node's ancestors, which covers the node's subtree; when the
  /// budget runs out, every node left with unexplored children adds its cap to open_bound_.
  void search(std::size_t depth, double value, double cap) {
    ++nodes_;
    if (out_of_budget()) {
      open_bound_ = std::max(open_bound_, cap);
      return;
    }
    if (depth == order_.size()) {
      offer(z_, value);
      return;
    }
    std::vector<std::pair<double, int>> gains;
    const double bound = bound_and_gains(depth, value, &gains);
    if (depth == 0) root_bound_ = std::min(root_bound_, bound);
    if (bound <= best_value_ + tol::kBranchPrune * (1.0 + std::abs(best_value_))) return;
    cap = std::min(cap, bound);
    const int i = order_[depth];
    open_[i] = 0;
    for (const auto& [g, j] : gains) {
      (void)g;
      const double delta = exact_gain(i, j);
      place(i, j);
      search(depth + 1, value + delta, cap);
      unplace(i, j);
      if (stopped_) break;
    }
    if (!complete_ && !stopped_) search(depth + 1, value, cap);  // buyer i unmatched
    open_[i] = 1;
    if (stopped_) open_bound_ = std::max(open_bound_, cap);
  }

  /// Buyer i takes seller j: the costs every other (buyer, seller) would pay to it go into h_, the
  /// entries' old values onto the undo log (restored exactly by unplace).
  void place(int i, int j) {
    used_[j] = 1;
    z_[i] = j;
    if (!costs_) return;
    undo_mark_.push_back(undo_.size());
    costs_->for_each(i, j, [&](int k, int q, double v) {
      const std::size_t e = static_cast<std::size_t>(k) * p_.sellers + q;
      undo_.push_back({e, h_[e]});
      h_[e] += v;
    });
  }

  void unplace(int i, int j) {
    used_[j] = 0;
    z_[i] = -1;
    if (!costs_) return;
    for (std::size_t k = undo_.size(); k > undo_mark_.back(); --k) h_[undo_[k - 1].first] = undo_[k - 1].second;
    undo_.resize(undo_mark_.back());
    undo_mark_.pop_back();
  }

  /// Change of the objective when buyer i takes seller j, given the placed buyers.
  double exact_gain(int i, int j) const {
    const double g = p_.w(i, j);
    return costs_ ? g - h_[static_cast<std::size_t>(i) * p_.sellers + j] : g;
  }

  const AssignmentProblem& p_;
  const SolverOptions& o_;
  const BranchAndBoundSettings& t_;
  std::chrono::steady_clock::time_point start_;
  std::vector<int> order_, z_, best_;
  std::vector<char> used_, open_;  ///< sellers held; buyers not yet placed
  std::unique_ptr<PlacementCosts> costs_;  ///< with externalities
  std::vector<double> h_;                  ///< H_P(k, q): costs with the placed buyers, n x s
  std::vector<std::pair<std::size_t, double>> undo_;
  std::vector<std::size_t> undo_mark_;
  lagrangian::PairMultipliers m_;
  double best_value_ = 0.0, open_bound_ = -kInf, root_bound_ = kInf;
  bool complete_ = false, stopped_ = false, time_up_ = false;
  bool probing_ = false, probe_over_ = false, lagrangian_ = false;  ///< the Gilmore-Lawler probe; its end
  int root_steps_ = 0;
  std::int64_t nodes_ = 0;
};

}  // namespace

AssignmentResult solve_branch_and_bound(const AssignmentProblem& problem, const SolverOptions& options,
                                        const BranchAndBoundSettings& settings) {
  BranchAndBound bb(problem, options, settings);
  return bb.run();
}

AssignmentResult solve_branch_and_bound(const AssignmentProblem& problem, const SolverOptions& options) {
  return solve_branch_and_bound(problem, options, BranchAndBoundSettings{});
}

}  // namespace ivassign
