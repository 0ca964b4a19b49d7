// solve_many: a LAP-batchable batch is one solve_lap_batch whose results equal one solve_assignment per
// problem (the same matchings, objectives and duals on the CPU); every other batch is one solve_assignment
// each, on the backend routed_options gives the problem. choose_solver is the policy both follow.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ivassign/assignment.hpp"
#include "ivassign/backend.hpp"
#include "ivassign/solvers.hpp"
#include "lap_families.hpp"
#include "random_instance.hpp"

namespace ivassign {
namespace {

// One LAP of test::lap_family_weights' family `family`.
AssignmentProblem family_lap(int family, int n, int s, std::uint64_t seed) {
  return AssignmentProblem::linear_only(n, s, test::lap_family_weights(family, n, s, seed));
}

// Two results compared exactly: matching, objective, duals, status and the solver's name.
void expect_same(const AssignmentResult& a, const AssignmentResult& b, const std::string& what) {
  EXPECT_EQ(a.assignment, b.assignment) << what;
  EXPECT_EQ(a.objective, b.objective) << what;
  EXPECT_EQ(a.row_duals, b.row_duals) << what;
  EXPECT_EQ(a.col_duals, b.col_duals) << what;
  EXPECT_EQ(a.optimal, b.optimal) << what;
  EXPECT_EQ(a.status, b.status) << what;
  EXPECT_EQ(a.upper_bound, b.upper_bound) << what;
  EXPECT_EQ(a.solver, b.solver) << what;
  EXPECT_EQ(a.backend, b.backend) << what;
}

// `count` LAPs of one shape from the LAP test families 0-3 (ties, negative weights; solve_assignment refuses
// the -inf of family 4, which solve_lap reads as a forbidden pair).
std::vector<AssignmentProblem> lap_batch(int count, int n, int s) {
  std::vector<AssignmentProblem> out;
  for (int k = 0; k < count; ++k) out.push_back(family_lap(k % 4, n, s, 900 + k));  // finite weights
  return out;
}

// solve_many against one solve_assignment per problem, each with routed_options.
void expect_one_by_one(const std::vector<AssignmentProblem>& problems, const SolverOptions& o,
                       const std::string& what) {
  const std::vector<AssignmentResult> many = solve_many(problems, o);
  ASSERT_EQ(many.size(), problems.size()) << what;
  for (std::size_t k = 0; k < problems.size(); ++k)
    expect_same(many[k], solve_assignment(problems[k], routed_options(problems[k], o)),
                what + ", problem " + std::to_string(k));
}

TEST(SolveMany, BatchedLapsEqualOneByOne) {
  for (int threads : {1, 2, 0})
    for (const auto& [n, s] : {std::pair{7, 9}, std::pair{9, 9}, std::pair{11, 6}}) {
      SolverOptions o;
      o.backend = Backend::Cpu;
      o.threads = threads;
      const std::vector<AssignmentProblem> problems = lap_batch(13, n, s);
      const std::string what = std::to_string(n) + " x " + std::to_string(s) + ", threads " + std::to_string(threads);
      expect_one_by_one(problems, o, what);
      o.solver = SolverKind::Lap;  // the LAP named rather than chosen: the same batch
      expect_one_by_one(problems, o, what + ", solver lap");
      for (const AssignmentResult& r : solve_many(problems, o)) {
        EXPECT_EQ(r.solver, "lap");
        EXPECT_TRUE(r.optimal);
        EXPECT_GE(r.seconds, 0.0);
      }
    }
}

TEST(SolveMany, BatchedObjectiveIsTheBatchSum) {
  // what the mechanism's stage-1 lies read: the batch's objective, on either backend, is problems[k].objective
  const std::vector<AssignmentProblem> problems = lap_batch(9, 6, 8);
  std::vector<double> weights;
  for (const AssignmentProblem& q : problems) weights.insert(weights.end(), q.linear.begin(), q.linear.end());
  std::vector<Backend> backends{Backend::Cpu};
  if (device_available()) backends.push_back(Backend::Device);
  for (Backend backend : backends) {
    SolverOptions o;
    o.backend = backend;
    o.threads = 1;
    const LapBatchResult b = solve_lap_batch(9, 6, 8, weights, LapBatchOptions{1, backend});
    const std::vector<AssignmentResult> many = solve_many(problems, o);
    for (std::size_t k = 0; k < problems.size(); ++k) {
      EXPECT_EQ(many[k].objective, b.objective[k]) << "problem " << k;
      EXPECT_EQ(many[k].backend, b.backend) << "problem " << k;
      EXPECT_EQ(many[k].assignment, std::vector<int>(b.assignment.begin() + 6 * k, b.assignment.begin() + 6 * (k + 1)));
    }
  }
}

TEST(SolveMany, OtherBatchesAreSolvedOneByOne) {
  SolverOptions o;
  o.backend = Backend::Cpu;
  o.threads = 1;
  std::vector<AssignmentProblem> shapes = lap_batch(3, 5, 6);  // shapes differ
  shapes.push_back(family_lap(1, 6, 5, 77));
  expect_one_by_one(shapes, o, "mixed shapes");
  std::vector<AssignmentProblem> masked = lap_batch(4, 5, 6);  // an allowed mask
  masked[2].allowed = {1, 0, 1, 1, 0};
  expect_one_by_one(masked, o, "a mask");
  std::vector<AssignmentProblem> external;  // externalities: the branch and bound
  for (int k = 0; k < 3; ++k)
    external.push_back(test::random_expected_problem(40 + k, Externalities::Form::Dense, 4, 5));
  expect_one_by_one(external, o, "externalities");
  EXPECT_EQ(solve_many(external, o)[0].solver, "branch-and-bound");
  SolverOptions tabu = o;  // a solver other than the LAP on LAPs
  tabu.solver = SolverKind::Tabu;
  tabu.iteration_limit = 200;
  expect_one_by_one(lap_batch(3, 5, 6), tabu, "tabu");
  EXPECT_EQ(solve_many(lap_batch(3, 5, 6), tabu)[0].solver, "tabu");
  EXPECT_TRUE(solve_many({}, o).empty());
}

TEST(SolveMany, RoutedOptionsKeepTheDeviceForSearchesOnly) {
  const AssignmentProblem lap = family_lap(0, 4, 5, 3);
  SolverOptions device;
  device.backend = Backend::Device;
  EXPECT_EQ(routed_options(lap, device).backend, Backend::Cpu) << "the LAP has no device path";
  SolverOptions tabu = device;
  tabu.solver = SolverKind::Tabu;
  EXPECT_EQ(routed_options(lap, tabu).backend, Backend::Device);
  const AssignmentProblem dense = test::random_expected_problem(5, Externalities::Form::Dense, 4, 5);
  EXPECT_EQ(routed_options(dense, tabu).backend, Backend::Cpu) << "dense externalities stay on the CPU";
  SolverOptions cuda = tabu;
  cuda.backend = Backend::Cuda;  // only Device is routed
  EXPECT_EQ(routed_options(dense, cuda).backend, Backend::Cuda);
  EXPECT_EQ(routed_options(lap, SolverOptions{}).backend, Backend::Auto);
  if (!device_available()) return;
  const std::vector<AssignmentResult> many = solve_many({dense, dense}, device);  // branch and bound, on the CPU
  EXPECT_EQ(many[0].backend, Backend::Cpu);
  EXPECT_EQ(many[1].solver, "branch-and-bound");
}

TEST(SolveMany, ChooseSolverIsPublic) {
  const AssignmentProblem lap = family_lap(0, 4, 5, 3);
  EXPECT_EQ(choose_solver(lap, SolverOptions{}), SolverKind::Lap);
  const AssignmentProblem dense = test::random_expected_problem(5, Externalities::Form::Dense, 4, 5);
  EXPECT_EQ(choose_solver(dense, SolverOptions{}), SolverKind::BranchAndBound);
  SolverOptions named;
  named.solver = SolverKind::Descent;
  EXPECT_EQ(choose_solver(lap, named), SolverKind::Descent);
}

}  // namespace
}  // namespace ivassign
