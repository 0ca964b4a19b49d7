// VCG's minus-i searches with the local search: one table per thread, rolled back between
// searches, gives what each search alone gives, and what VCG reports.
#include <gtest/gtest.h>

#include "ivassign/error.hpp"
#include "ivassign/mechanism.hpp"
#include "ivassign/solvers.hpp"
#include "ivassign/vcg.hpp"
#include "random_instance.hpp"
#include "solvers/descent.hpp"
#include "solvers/placement_costs.hpp"
#include "vcg/minus_i.hpp"

namespace ivassign {
namespace {


TEST(VcgDescent, SharesOneTableAcrossMinusISearches) {
  // 30 buyers, 60 sellers: Auto picks the tabu search below tabu_size_limit, so force descent
  const AssignmentProblem p = test::random_expected_problem(9, Externalities::Form::Factored, 30, 60);
  SolverOptions o;
  o.solver = SolverKind::Descent;
  o.threads = 2;
  AssignmentResult full;
  const VcgResult v = solve_with_vcg(p, o, &full);
  const PlacementCosts costs(p);
  // the batch of minus-i searches (one table per thread, rolled back between searches) gives what
  // each search alone gives from the same start and bound, and what VCG reports
  AssignmentProblem relaxed = AssignmentProblem::linear_only(p.buyers, p.sellers, p.linear);
  std::vector<double> bound(p.buyers);
  for (int i = 0; i < p.buyers; ++i) bound[i] = solve_without_buyer(relaxed, i, SolverOptions{}).objective;
  const std::vector<AssignmentResult> batch = descent_minus_i(costs, full.assignment, o, bound);
  for (int i = 0; i < p.buyers; ++i) {
    SolverOptions alone = o;
    alone.initial_assignment = full.assignment;
    alone.initial_assignment[i] = -1;
    const AssignmentResult single = descent_search(costs, alone, i, bound[i]);
    EXPECT_EQ(batch[i].assignment, single.assignment) << "buyer " << i;
    EXPECT_NEAR(batch[i].objective, p.objective(batch[i].assignment), 1e-9) << "tracked value, buyer " << i;
    EXPECT_NEAR(batch[i].upper_bound, bound[i], 1e-9);
    EXPECT_GE(v.minus_i_welfare[i], batch[i].objective - 1e-9) << "VCG reports at least the search's value";
  }
  for (int i = 0; i < p.buyers; ++i) {
    EXPECT_LE(v.transfers[i], 1e-12);
    EXPECT_LE(v.minus_i_welfare[i], v.minus_i_upper_bound[i] + 1e-9);
    EXPECT_GE(v.transfer_error_bound[i], 0.0);
    // the copy-free search with buyer i masked equals the search on a masked copy
    SolverOptions warm = o;
    warm.threads = 1;
    warm.initial_assignment = full.assignment;
    warm.initial_assignment[i] = -1;
    const AssignmentResult shared = descent_search(costs, warm, i);
    const AssignmentResult copied = solve_without_buyer(p, i, warm);
    EXPECT_EQ(shared.assignment, copied.assignment) << "buyer " << i;
    EXPECT_EQ(shared.assignment[i], -1);
  }
  SolverOptions bad;
  bad.solver = SolverKind::Descent;
  bad.time_limit = 0;
  EXPECT_THROW(solve_assignment(p, bad), InputError);
}

}  // namespace
}  // namespace ivassign
