// Exhaustive depth-first search over partial matchings: the exact oracle for small problems.
//
// Buyers are taken in order; each is left unmatched or given a free seller. Adding (i, j) to a
// partial matching changes the objective by w_ij - sum_{p matched} (c_ij^{p z_p} + c_{p z_p}^{ij}).
// Since c >= 0, the remaining buyers can add at most sum_{k > i} max(0, max_j w_kj): a valid upper
// bound that prunes the search. Worst case O((s+1)^n) nodes.
#include <algorithm>
#include <chrono>

#include "ivassign/assignment.hpp"
#include "ivassign/error.hpp"
#include "ivassign/tolerances.hpp"

namespace ivassign {

namespace {

struct Search {
  const AssignmentProblem& pb;
  std::vector<int> order;          // buyers allowed, in index order
  std::vector<double> tail_bound;  // tail_bound[k] = sum over order[k..] of max(0, max_j w)
  std::vector<int> current;
  std::vector<char> used;
  std::vector<int> best;
  double best_value = -1.0;
  std::int64_t nodes = 0;

  explicit Search(const AssignmentProblem& p) : pb(p) {
    for (int i = 0; i < p.buyers; ++i)
      if (p.buyer_allowed(i)) order.push_back(i);
    tail_bound.assign(order.size() + 1, 0.0);
    for (std::size_t k = order.size(); k-- > 0;) {
      double mx = 0.0;
      for (int j = 0; j < p.sellers; ++j) mx = std::max(mx, p.w(order[k], j));
      tail_bound[k] = tail_bound[k + 1] + mx;
    }
    current.assign(p.buyers, -1);
    used.assign(p.sellers, 0);
    best = current;
    best_value = 0.0;  // the empty matching
  }

  double gain(int i, int j) const {
    double g = pb.w(i, j);
    if (!pb.has_externalities()) return g;
    for (int p : order) {
      if (p == i || current[p] < 0) continue;
      g -= pb.pair_cost(i, j, p, current[p]) + pb.pair_cost(p, current[p], i, j);
    }
    return g;
  }

  void run(std::size_t k, double value) {
    ++nodes;
    if (value + tail_bound[k] <= best_value + tol::kValueImprovement * (1.0 + std::abs(best_value))) return;
    if (k == order.size()) {
      if (value > best_value) {
        best_value = value;
        best = current;
      }
      return;
    }
    const int i = order[k];
    for (int j = 0; j < pb.sellers; ++j) {
      if (used[j]) continue;
      const double g = gain(i, j);
      used[j] = 1;
      current[i] = j;
      run(k + 1, value + g);
      current[i] = -1;
      used[j] = 0;
    }
    run(k + 1, value);  // buyer i unmatched
  }
};

}  // namespace

AssignmentResult solve_by_enumeration(const AssignmentProblem& problem, const SolverOptions&) {
  const auto start = std::chrono::steady_clock::now();
  Search search(problem);
  search.run(0, 0.0);
  AssignmentResult r;
  r.assignment = search.best;
  r.objective = problem.objective(r.assignment);  // recomputed from scratch, no drift
  r.optimal = true;
  r.status = SolveStatus::Optimal;
  r.upper_bound = r.objective;
  r.iterations = search.nodes;
  r.solver = "enumerate";
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace ivassign
