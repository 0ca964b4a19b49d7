// VCG transfers: x_i = sum_{k != i} g_k(z*) - max_{z in Z_-i} sum_{k != i} g_k(z).
#include "ivassign/vcg.hpp"

#include <algorithm>

#include "common/parallel.hpp"
#include "ivassign/error.hpp"

namespace ivassign {

AssignmentResult solve_without_buyer(const AssignmentProblem& problem, int buyer, const SolverOptions& options) {
  if (buyer < 0 || buyer >= problem.buyers)
    throw InputError("solve_without_buyer: buyer " + std::to_string(buyer) + " is out of range [0, " +
                     std::to_string(problem.buyers) + ")");
  AssignmentProblem reduced = problem;  // a mask, not a new model: buyer i may not be matched
  if (reduced.allowed.empty()) reduced.allowed.assign(problem.buyers, 1);
  reduced.allowed[buyer] = 0;
  return solve_assignment(reduced, options);
}

VcgResult vcg_transfers(const AssignmentProblem& problem, const AssignmentResult& full, const SolverOptions& options) {
  const int n = problem.buyers;
  check_assignment(problem, full.assignment);
  VcgResult r;
  r.payoffs = problem.payoffs(full.assignment);
  r.welfare = 0.0;
  for (double g : r.payoffs) r.welfare += g;
  r.transfers.assign(n, 0.0);
  r.minus_i_welfare.assign(n, 0.0);
  r.proven.assign(n, 0);
  SolverOptions inner = options;
  inner.threads = 1;
  FirstException errors;
#pragma omp parallel for schedule(dynamic) if (n > 1) num_threads(thread_count(options.threads))
  for (int i = 0; i < n; ++i) {
    errors.run([&] {
    if (!problem.buyer_allowed(i)) {  // buyer already absent: nothing to charge
      r.minus_i_welfare[i] = r.welfare;
      r.proven[i] = full.optimal;
      return;
    }
    const AssignmentResult minus = solve_without_buyer(problem, i, inner);
    // the full matching with i removed is a matching of Z_-i: a floor for the minus-i value
    std::vector<int> restricted = full.assignment;
    restricted[i] = -1;
    double others = 0.0;
    const auto g = problem.payoffs(restricted);
    for (int k = 0; k < n; ++k)
      if (k != i) others += g[k];
    r.minus_i_welfare[i] = std::max(minus.objective, others);
    r.proven[i] = minus.optimal ? 1 : 0;
    r.transfers[i] = std::min(0.0, (r.welfare - r.payoffs[i]) - r.minus_i_welfare[i]);
    });
  }
  errors.rethrow();
  r.optimal = full.optimal && std::all_of(r.proven.begin(), r.proven.end(), [](char p) { return p != 0; });
  return r;
}

}  // namespace ivassign
