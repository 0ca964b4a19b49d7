// VCG's minus-i optima without externalities (and the linear bounds of every minus-i problem):
// one LAP optimum, warm-started from the given full optimum when its certificate holds, and the
// smallest competitive-equilibrium prices (Leonard 1983), W(Z_-i) = W* - w_{i,sigma(i)} + p_sigma(i).
#include <vector>

#include "solvers/lap.hpp"
#include "vcg/minus_i.hpp"

namespace ivassign {

std::vector<double> lap_minus_i_optima(const AssignmentProblem& problem, const AssignmentResult* full,
                                       std::vector<int>* sigma_out, double* best_out) {
  lap::Engine engine(problem);
  if (!full || !engine.warm_start(full->assignment, full->row_duals, full->col_duals)) engine.solve();
  const std::vector<int> sigma = engine.assignment();
  const double best = problem.objective(sigma);
  const std::vector<double> price = engine.minimal_prices();
  std::vector<double> minus(problem.buyers, best);
  for (int i = 0; i < problem.buyers; ++i)
    if (problem.buyer_allowed(i) && sigma[i] >= 0) minus[i] = best - problem.w(i, sigma[i]) + price[sigma[i]];
  if (sigma_out) *sigma_out = sigma;
  if (best_out) *best_out = best;
  return minus;
}

}  // namespace ivassign
