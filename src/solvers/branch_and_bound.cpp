// Exact QAP over partial matchings: depth-first branch and bound with a Gilmore-Lawler-style bound
// solved as a LAP at every node (see include/ivassign/solvers.hpp).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>

#include "ivassign/error.hpp"
#include "ivassign/solvers.hpp"
#include "ivassign/tolerances.hpp"
#include "solvers/lap.hpp"
#include "solvers/structure.hpp"

namespace ivassign {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

class BranchAndBound {
 public:
  BranchAndBound(const AssignmentProblem& p, const SolverOptions& o) : p_(p), o_(o), start_(std::chrono::steady_clock::now()) {
    for (int i = 0; i < p.buyers; ++i)
      if (p.buyer_allowed(i)) order_.push_back(i);
    z_.assign(p.buyers, -1);
    used_.assign(p.sellers, 0);
    best_.assign(p.buyers, -1);
    best_value_ = 0.0;  // the empty matching
    complete_ = p.has_externalities() && every_optimum_is_complete(p);
  }

  AssignmentResult run() {
    incumbent_from_linear();
    root_bound_ = bound_and_gains(0, 0.0, nullptr);
    search(0, 0.0);
    AssignmentResult r;
    r.assignment = best_;
    r.objective = p_.objective(best_);
    r.optimal = !stopped_;
    r.status = stopped_ ? (time_up_ ? SolveStatus::TimeLimit : SolveStatus::IterationLimit) : SolveStatus::Optimal;
    r.upper_bound = stopped_ ? std::max(root_bound_, r.objective) : r.objective;
    r.iterations = nodes_;
    r.solver = "branch-and-bound";
    r.seconds = elapsed();
    return r;
  }

 private:
  double elapsed() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

  /// Value of the placed part plus an optimistic value for the rest; fills the gain table of the
  /// next buyer's sellers (best first) when `next_gains` is given.
  double bound_and_gains(std::size_t depth, double value, std::vector<std::pair<double, int>>* next_gains) {
    const int s = p_.sellers;
    std::vector<int> rest(order_.begin() + static_cast<std::ptrdiff_t>(depth), order_.end());
    std::vector<int> free;
    for (int j = 0; j < s; ++j)
      if (!used_[j]) free.push_back(j);
    const int R = static_cast<int>(rest.size()), F = static_cast<int>(free.size());
    if (R == 0 || F == 0) {
      if (next_gains) next_gains->clear();
      return value;
    }
    std::vector<double> gain(static_cast<std::size_t>(R) * F);
    for (int a = 0; a < R; ++a) {
      const int i = rest[a];
      for (int b = 0; b < F; ++b) {
        const int j = free[b];
        double g = p_.w(i, j);
        if (p_.has_externalities()) {
          for (std::size_t d = 0; d < depth; ++d) {  // exact costs with placed buyers
            const int k = order_[d];
            if (z_[k] >= 0) g -= p_.pair_cost(i, j, k, z_[k]) + p_.pair_cost(k, z_[k], i, j);
          }
          if (complete_) g -= interaction_floor(i, j, rest, free);
        }
        gain[static_cast<std::size_t>(a) * F + b] = g;
      }
    }
    if (next_gains) {
      next_gains->clear();
      for (int b = 0; b < F; ++b) next_gains->push_back({gain[b], free[b]});
      std::sort(next_gains->begin(), next_gains->end(), [](const auto& x, const auto& y) { return x.first > y.first; });
    }
    // optimistic completion: a LAP over the unplaced buyers and free sellers
    AssignmentProblem sub = AssignmentProblem::linear_only(R, F, gain);
    double shift = 0.0;
    if (complete_) {  // all of them matched: shift gains positive and solve without "unmatched"
      double lo = *std::min_element(gain.begin(), gain.end());
      shift = lo <= 0 ? 1.0 - lo : 0.0;
      for (auto& g : sub.linear) g += shift;
    }
    lap::Engine engine(sub, complete_);
    engine.solve();
    return value + engine.objective() - shift * (complete_ ? R : 0);
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
    if ((nodes_ & 255) == 0) {
      if (o_.iteration_limit > 0 && nodes_ >= o_.iteration_limit) stopped_ = true;
      if (elapsed() > o_.time_limit) stopped_ = time_up_ = true;
    }
    return stopped_;
  }

  void search(std::size_t depth, double value) {
    ++nodes_;
    if (out_of_budget()) return;
    if (depth == order_.size()) {
      if (value > best_value_ + tol::kValueImprovement * (1.0 + std::abs(best_value_))) {
        best_value_ = value;
        best_ = z_;
      }
      return;
    }
    std::vector<std::pair<double, int>> gains;
    const double bound = bound_and_gains(depth, value, &gains);
    if (bound <= best_value_ + tol::kBranchPrune * (1.0 + std::abs(best_value_))) return;
    const int i = order_[depth];
    for (const auto& [g, j] : gains) {
      (void)g;
      const double delta = exact_gain(depth, i, j);
      used_[j] = 1;
      z_[i] = j;
      search(depth + 1, value + delta);
      z_[i] = -1;
      used_[j] = 0;
      if (stopped_) return;
    }
    if (!complete_) search(depth + 1, value);  // buyer i unmatched
  }

  /// Change of the objective when buyer i takes seller j, given the placed buyers.
  double exact_gain(std::size_t depth, int i, int j) const {
    double g = p_.w(i, j);
    if (!p_.has_externalities()) return g;
    for (std::size_t d = 0; d < depth; ++d) {
      const int k = order_[d];
      if (z_[k] >= 0) g -= p_.pair_cost(i, j, k, z_[k]) + p_.pair_cost(k, z_[k], i, j);
    }
    return g;
  }

  const AssignmentProblem& p_;
  const SolverOptions& o_;
  std::chrono::steady_clock::time_point start_;
  std::vector<int> order_, z_, best_;
  std::vector<char> used_;
  double best_value_ = 0.0, root_bound_ = kInf;
  bool complete_ = false, stopped_ = false, time_up_ = false;
  std::int64_t nodes_ = 0;
};

}  // namespace

AssignmentResult solve_branch_and_bound(const AssignmentProblem& problem, const SolverOptions& options) {
  BranchAndBound bb(problem, options);
  return bb.run();
}

}  // namespace ivassign
