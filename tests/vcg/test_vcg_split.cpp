// One VCG split into buyer tasks (VcgPlan): the parts of any split, finished in task order, equal
// vcg_transfers bit for bit, whatever the threads; bad parts are refused.
#include <gtest/gtest.h>

#include "ivassign/backend.hpp"
#include "ivassign/error.hpp"
#include "ivassign/solvers.hpp"
#include "ivassign/vcg.hpp"
#include "random_instance.hpp"
#include "vcg/minus_i.hpp"

namespace ivassign {
namespace {

// Every field of two VCG results, compared exactly (== on doubles: the same bits but for -0).
void expect_same(const VcgResult& a, const VcgResult& b, const std::string& what) {
  EXPECT_EQ(a.assignment, b.assignment) << what;
  EXPECT_EQ(a.payoffs, b.payoffs) << what;
  EXPECT_EQ(a.transfers, b.transfers) << what;
  EXPECT_EQ(a.minus_i_welfare, b.minus_i_welfare) << what;
  EXPECT_EQ(a.minus_i_upper_bound, b.minus_i_upper_bound) << what;
  EXPECT_EQ(a.proven, b.proven) << what;
  EXPECT_EQ(a.transfer_error_bound, b.transfer_error_bound) << what;
  EXPECT_EQ(a.transfer_interval, b.transfer_interval) << what;
  EXPECT_EQ(a.transfers_certified, b.transfers_certified) << what;
  EXPECT_EQ(a.full_improved, b.full_improved) << what;
  EXPECT_EQ(a.welfare, b.welfare) << what;
  EXPECT_EQ(a.optimal, b.optimal) << what;
}

// The plan's tasks in ranges: one task each, uneven ranges [0, 1), [1, 3), ..., and one range of all.
std::vector<std::vector<TaskRange>> splits(std::uint64_t tasks) {
  std::vector<TaskRange> single, uneven;
  for (std::uint64_t t = 0; t < tasks; ++t) single.push_back({t, 1});
  for (std::uint64_t first = 0, size = 1; first < tasks; first += size, size += 1)
    uneven.push_back({first, std::min(size, tasks - first)});
  return {single, uneven, {{0, tasks}}};
}

// The split of `p` (each range's part computed on its own plan, as another process would) equals vcg_transfers.
void expect_split_equals_whole(const AssignmentProblem& p, const VcgOptions& o, std::uint64_t expected_tasks) {
  const AssignmentResult full = solve_assignment(p, o.search);
  const VcgResult whole = vcg_transfers(p, full, o);
  const VcgPlan plan(p, full, o);
  ASSERT_EQ(plan.buyer_tasks(), expected_tasks);
  for (const auto& split : splits(plan.buyer_tasks())) {
    std::vector<VcgPart> parts;
    for (TaskRange r : split) {
      VcgOptions elsewhere = o;
      elsewhere.search.threads = 2;  // the parts do not depend on the threads
      parts.push_back(VcgPlan(p, full, elsewhere).minus_i(r));
      EXPECT_EQ(parts.back().first, static_cast<int>(plan.buyers(r).first));
    }
    expect_same(plan.finish(parts), whole, std::to_string(split.size()) + " ranges");
  }
}

TEST(VcgSplit, SharedDescentGroupsEqualWhole) {
  // 140 buyers, two excluded: 138 searches in groups of 63, 64 and 11 (descent_minus_i_groups)
  AssignmentProblem p = test::random_expected_problem(21, Externalities::Form::Factored, 140, 160);
  p.allowed.assign(p.buyers, 1);
  p.allowed[3] = p.allowed[90] = 0;
  VcgOptions o;
  o.search.solver = SolverKind::Descent;
  o.search.threads = 1;
  o.bound_iterations = 5;  // finish's Lagrangian bound: a few steps are enough here
  const std::vector<int> groups = descent_minus_i_groups(p);
  ASSERT_EQ(groups, (std::vector<int>{0, 64, 129, 140}));
  expect_split_equals_whole(p, o, 3);
  // the searches of a group share one table whatever the threads: 2 threads give 1 thread's result
  const AssignmentResult full = solve_assignment(p, o.search);
  VcgOptions two = o;
  two.search.threads = 2;
  expect_same(vcg_transfers(p, full, two), vcg_transfers(p, full, o), "2 threads");
}

TEST(VcgSplit, DeviceSearchesEqualWhole) {
  // untimed minus-i searches on the device start from fresh tables, scored together per range
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  const AssignmentProblem p = test::random_expected_problem(23, Externalities::Form::Factored, 100, 120);
  VcgOptions o;
  o.search.solver = SolverKind::Descent;
  o.search.backend = Backend::Device;
  o.search.threads = 1;
  o.bound_iterations = 3;
  ASSERT_EQ(solve_assignment(p, o.search).backend, Backend::Device);
  expect_split_equals_whole(p, o, 2);
}

TEST(VcgSplit, OneSearchPerBuyerEqualsWhole) {
  // small: the tabu search (Auto) per buyer on the masked problem, one task per buyer
  const AssignmentProblem p = test::random_expected_problem(5, Externalities::Form::Factored, 9, 12);
  SolverOptions o;
  o.threads = 1;
  expect_split_equals_whole(p, o, 9);
}

TEST(VcgSplit, PricesNeedNoTasks) {
  // no externalities: every minus-i optimum from the LAP's prices, in finish
  const AssignmentProblem p = test::random_expected_problem(3, Externalities::Form::None, 8, 10);
  expect_split_equals_whole(p, SolverOptions{}, 0);
}

TEST(VcgSplit, RefusesBadRangesAndParts) {
  const AssignmentProblem p = test::random_expected_problem(5, Externalities::Form::Factored, 6, 8);
  const AssignmentResult full = solve_assignment(p);
  const VcgPlan plan(p, full);
  ASSERT_EQ(plan.buyer_tasks(), 6u);
  EXPECT_THROW(plan.minus_i({5, 2}), InputError);
  EXPECT_THROW(plan.buyers({7, 0}), InputError);
  const VcgPart a = plan.minus_i({0, 3}), b = plan.minus_i({3, 3});
  EXPECT_THROW(plan.finish({a}), InputError);     // buyers 3..5 missing
  EXPECT_THROW(plan.finish({b, a}), InputError);  // out of order
  EXPECT_THROW(plan.finish({a, a, b}), InputError);
  VcgPart short_part = b;
  short_part.proven.pop_back();
  EXPECT_THROW(plan.finish({a, short_part}), InputError);
  expect_same(plan.finish({a, b}), vcg_transfers(p, full), "two halves");
}

}  // namespace
}  // namespace ivassign
