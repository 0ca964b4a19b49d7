// VCG transfers: equal to naive re-solves, guarantees kept when the full matching is poor.
#include <gtest/gtest.h>

#include "ivassign/error.hpp"
#include "ivassign/mechanism.hpp"
#include "ivassign/vcg.hpp"
#include "random_instance.hpp"

namespace ivassign {
namespace {

AssignmentProblem random_problem(std::uint64_t seed, Externalities::Form form, int n, int s) {
  test::RandomSpec spec;
  spec.buyers = n;
  spec.sellers = s;
  spec.signals.assign(n, 2);
  spec.externalities = form;
  const Instance in = test::random_instance(spec, seed);
  return expected_problem(in, std::vector<double>(in.states, 1.0 / in.states));
}

TEST(Vcg, TransfersEqualNaiveMinusIResolves) {
  for (auto form : {Externalities::Form::None, Externalities::Form::Dense, Externalities::Form::Factored}) {
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
      const AssignmentProblem p = random_problem(seed, form, 4, 3);
      const AssignmentResult full = solve_by_enumeration(p);
      const VcgResult v = vcg_transfers(p, full);
      EXPECT_TRUE(v.optimal);
      for (int i = 0; i < p.buyers; ++i) {
        AssignmentProblem minus = p;
        minus.allowed.assign(p.buyers, 1);
        minus.allowed[i] = 0;
        const double h = solve_by_enumeration(minus).objective;
        EXPECT_NEAR(v.transfers[i], (full.objective - v.payoffs[i]) - h, 1e-9);
        EXPECT_EQ(v.transfer_error_bound[i], 0.0);
        EXPECT_TRUE(v.proven[i]);
      }
    }
  }
}

TEST(Vcg, GuaranteesHoldWhenTheFullMatchingIsPoor) {
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    const AssignmentProblem p = random_problem(seed, Externalities::Form::Dense, 4, 4);
    AssignmentResult poor;  // the empty matching, as a failed heuristic might return
    poor.assignment.assign(p.buyers, -1);
    poor.objective = 0;
    poor.optimal = false;
    const VcgResult v = vcg_transfers(p, poor);
    const double best = solve_by_enumeration(p).objective;
    EXPECT_FALSE(v.optimal);
    EXPECT_GE(v.welfare, 0.0);
    if (best > 1e-9) {
      EXPECT_TRUE(v.full_improved);
    }
    for (int i = 0; i < p.buyers; ++i) {
      EXPECT_LE(v.transfers[i], 0.0);
      EXPECT_GE(v.payoffs[i] + v.transfers[i], -1e-12);
    }
  }
}

TEST(Vcg, ExcludedBuyerAndBadIndex) {
  AssignmentProblem p = random_problem(3, Externalities::Form::None, 3, 3);
  EXPECT_THROW(solve_without_buyer(p, 5), InputError);
  p.allowed = {1, 0, 1};
  const VcgResult v = vcg_transfers(p, solve_assignment(p));
  EXPECT_EQ(v.assignment[1], -1);
  EXPECT_EQ(v.transfers[1], 0.0);
}

}  // namespace
}  // namespace ivassign
