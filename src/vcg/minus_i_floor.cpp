// VCG's report-independent minus-i searches: buyer i's minus-i problem searched from scratch with i's
// report erased, so that its value F_i floors L_-i whatever i reports, and bounds what a stage-2 lie
// gains by U - F_i - u_i (docs/certification.md).
#include <algorithm>
#include <cmath>
#include <vector>

#include "ivassign/solvers.hpp"
#include "vcg/minus_i.hpp"

namespace ivassign {

AssignmentProblem without_report(const AssignmentProblem& problem, int i) {
  AssignmentProblem p = problem;
  const std::size_t n = static_cast<std::size_t>(p.buyers), s = static_cast<std::size_t>(p.sellers);
  const std::size_t row = static_cast<std::size_t>(i);
  if (p.allowed.empty()) p.allowed.assign(n, 1);
  p.allowed[row] = 0;
  std::fill_n(p.linear.begin() + static_cast<std::ptrdiff_t>(row * s), s, 0.0);  // w_i.
  ExternalityCosts& e = p.externalities;
  switch (e.form) {
    case ExternalityCosts::Form::Dense:  // c_ij^pq for every j, p, q
      std::fill_n(e.dense.begin() + static_cast<std::ptrdiff_t>(row * s * n * s), s * n * s, 0.0);
      break;
    case ExternalityCosts::Form::Sparse:
      e.sparse.erase(std::remove_if(e.sparse.begin(), e.sparse.end(),
                                    [i](const ExternalityCosts::Entry& x) { return x.i == i; }),
                     e.sparse.end());
      break;
    case ExternalityCosts::Form::Factored:  // weight[i][t] and buyer[t][i][p]: the costs i bears
      for (int t = 0; t < e.terms; ++t) {
        e.weight[row * static_cast<std::size_t>(e.terms) + static_cast<std::size_t>(t)] = 0.0;
        std::fill_n(e.buyer.begin() + static_cast<std::ptrdiff_t>((static_cast<std::size_t>(t) * n + row) * n), n, 0.0);
      }
      break;
    case ExternalityCosts::Form::None:
      break;
  }
  return p;
}

bool runs_floor_searches(const AssignmentProblem& problem, const VcgOptions& options) {
  const double work = static_cast<double>(problem.buyers) * problem.buyers * problem.sellers;
  return problem.has_externalities() && options.floor_work_limit > 0 && work <= options.floor_work_limit;
}

AssignmentResult floor_search(const AssignmentProblem& problem, int i, const SolverOptions& options) {
  SolverOptions scratch = options;
  scratch.threads = 1;
  scratch.initial_assignment.clear();  // a warm start from the full matching would read i's report
  return solve_assignment(without_report(problem, i), scratch);
}

}  // namespace ivassign
