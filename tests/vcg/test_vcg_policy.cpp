// VcgPlan::needs_searches: false exactly where the LAP's prices give every minus-i optimum (no
// externalities and choose_solver picks the LAP), the plan then has no buyer tasks; the static form
// agrees with the plan's; the mechanism's truthful_needs_searches is the same test on its tasks.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ivassign/assignment.hpp"
#include "ivassign/mechanism.hpp"
#include "ivassign/vcg.hpp"
#include "random_instance.hpp"

namespace ivassign {
namespace {

SolverOptions with_solver(SolverKind kind) {
  SolverOptions o;
  o.solver = kind;
  o.threads = 1;
  return o;
}

// The plan's needs_searches(), the static form and the buyer tasks agree with `expected`.
void expect_plan(const AssignmentProblem& p, const SolverOptions& o, bool expected, const std::string& what) {
  EXPECT_EQ(VcgPlan::needs_searches(p, o), expected) << what;
  const VcgPlan plan(p, solve_assignment(p, o), o);
  EXPECT_EQ(plan.needs_searches(), expected) << what;
  EXPECT_EQ(plan.buyer_tasks() > 0, expected) << what << " (no buyer tasks: the LAP's prices)";
}

TEST(VcgPolicy, NoSearchesExactlyForTheLap) {
  const AssignmentProblem lap = test::random_expected_problem(3, Externalities::Form::None, 4, 5);
  ASSERT_FALSE(lap.has_externalities());
  expect_plan(lap, with_solver(SolverKind::Auto), false, "auto, no externalities");
  expect_plan(lap, with_solver(SolverKind::Lap), false, "lap");
  for (SolverKind kind : {SolverKind::Enumerate, SolverKind::BranchAndBound, SolverKind::Tabu, SolverKind::Descent})
    expect_plan(lap, with_solver(kind), true, "no externalities, solver " + to_string(kind));
  for (auto form : {Externalities::Form::Dense, Externalities::Form::Sparse, Externalities::Form::Factored}) {
    const AssignmentProblem p = test::random_expected_problem(4, form, 4, 5);
    ASSERT_TRUE(p.has_externalities());
    expect_plan(p, with_solver(SolverKind::Auto), true, "externalities, auto");
    expect_plan(p, with_solver(SolverKind::BranchAndBound), true, "externalities, branch and bound");
    EXPECT_TRUE(VcgPlan::needs_searches(p, with_solver(SolverKind::Lap))) << "the LAP ignores externalities";
  }
}

TEST(VcgPolicy, MechanismAsksTheSamePredicate) {
  for (auto form : {Externalities::Form::None, Externalities::Form::Dense, Externalities::Form::Factored})
    for (SolverKind kind : {SolverKind::Auto, SolverKind::Lap, SolverKind::BranchAndBound}) {
      test::RandomSpec spec;
      spec.externalities = form;
      const Instance in = test::random_instance(spec, 11);
      MechanismOptions o;
      o.vcg.search.solver = kind;
      const MechanismPlan plan = plan_mechanism(in, {std::vector<int>(static_cast<std::size_t>(in.buyers), 0)}, o);
      const AssignmentProblem p = truthful_problem(in, plan, 0).problem;
      EXPECT_EQ(truthful_needs_searches(in, plan), VcgPlan::needs_searches(p, o.vcg.search))
          << "form " << static_cast<int>(form) << ", solver " << to_string(kind);
    }
}

}  // namespace
}  // namespace ivassign
