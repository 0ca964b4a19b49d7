// The exact solver with its Lagrangian node bound (solvers/branch_and_bound.hpp) against exhaustive
// search, and its proven upper bound when a budget stops it.
#include <gtest/gtest.h>

#include <random>

#include "ivassign/mechanism.hpp"
#include "ivassign/solvers.hpp"
#include "random_instance.hpp"
#include "solvers/branch_and_bound.hpp"
#include "solvers/structure.hpp"

namespace ivassign {
namespace {

AssignmentProblem random_problem(std::uint64_t seed, Externalities::Form form, int n, int s, double linear_scale) {
  return test::random_scaled_problem(seed, form, n, s, 0.6, {0.25, 0.75}, linear_scale);
}

/// A random Koopmans-Beckmann QAP in assignment form: every optimum complete.
AssignmentProblem random_complete(std::uint64_t seed, int n) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> entry(0, 9);
  QapInstance q;
  q.n = n;
  q.a.resize(static_cast<std::size_t>(n) * n);
  q.b.resize(q.a.size());
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < n; ++k) {
      q.a[i * n + k] = i == k ? 0 : entry(rng);
      q.b[i * n + k] = i == k ? 0 : entry(rng);
    }
  return qap_as_assignment(q);
}

const Externalities::Form kForms[] = {Externalities::Form::Dense, Externalities::Form::Sparse,
                                      Externalities::Form::Factored};

/// The settings the tests run: the Lagrangian bound from the root with no, few and the default
/// subgradient steps, and the default probe.
std::vector<BranchAndBoundSettings> settings_to_test() {
  std::vector<BranchAndBoundSettings> out;
  for (int steps : {0, 5, 400}) {
    BranchAndBoundSettings t;
    t.probe_nodes = 0;
    t.root_steps = steps;
    out.push_back(t);
  }
  BranchAndBoundSettings probe;
  probe.probe_nodes = 20;  // a probe that small trees outgrow
  out.push_back(probe);
  return out;
}

void expect_optimal(const AssignmentProblem& p, const std::string& what, int* partial) {
  const AssignmentResult ex = solve_by_enumeration(p);
  if (partial && std::count(ex.assignment.begin(), ex.assignment.end(), -1) > (p.buyers > p.sellers ? p.buyers - p.sellers : 0))
    ++*partial;
  for (const BranchAndBoundSettings& t : settings_to_test()) {
    const AssignmentResult bb = solve_branch_and_bound(p, {}, t);
    ASSERT_NEAR(bb.objective, ex.objective, 1e-9 * (1.0 + std::abs(ex.objective)))
        << what << " probe " << t.probe_nodes << " steps " << t.root_steps;
    EXPECT_TRUE(bb.optimal) << what;
    EXPECT_NEAR(check_assignment(p, bb.assignment), bb.objective, 1e-9) << what;
  }
}

TEST(BranchAndBoundLagrangian, MatchesExhaustiveSearchOnEveryFormPartialAndComplete) {
  int partial = 0;
  for (auto form : kForms)
    for (int n = 2; n <= 6; ++n)
      for (int s : {n - 1, n, n + 2}) {
        if (s < 1) continue;
        for (std::uint64_t seed = 1; seed <= 4; ++seed) {
          AssignmentProblem p = random_problem(seed * 37 + n * 5 + s, form, n, s, seed <= 2 ? 0.25 : 1.0);
          if (seed == 4) {  // with an excluded buyer, as in VCG's minus-i problems
            p.allowed.assign(n, 1);
            p.allowed[n / 2] = 0;
          }
          expect_optimal(p, "form " + std::to_string(static_cast<int>(form)) + " n " + std::to_string(n) + " s " +
                                std::to_string(s) + " seed " + std::to_string(seed),
                         &partial);
        }
      }
  EXPECT_GT(partial, 40);  // optima leaving a buyer out although a seller is free
  for (int n = 3; n <= 6; ++n)
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      const AssignmentProblem p = random_complete(seed * 13 + n, n);
      ASSERT_TRUE(every_optimum_is_complete(p));
      expect_optimal(p, "qap n " + std::to_string(n) + " seed " + std::to_string(seed), nullptr);
    }
}

TEST(BranchAndBoundLagrangian, StoppedRunsBoundTheOptimumFromAbove) {
  int stopped = 0;
  for (auto form : kForms)
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      const AssignmentProblem p = random_problem(seed * 53 + 1, form, 7, 7, seed == 1 ? 0.25 : 1.0);
      const double optimum = solve_by_enumeration(p).objective;
      for (BranchAndBoundSettings t : settings_to_test()) {
        t.root_steps = std::min(t.root_steps, 3);  // weak multipliers: larger trees to stop in
        for (std::int64_t limit : {1, 2, 3, 5, 8, 13, 21, 34, 55, 89}) {
          SolverOptions o;
          o.iteration_limit = limit;
          const AssignmentResult r = solve_branch_and_bound(p, o, t);
          EXPECT_GE(r.upper_bound, optimum - 1e-9 * (1.0 + std::abs(optimum)))
              << "form " << static_cast<int>(form) << " seed " << seed << " limit " << limit;
          EXPECT_GE(r.upper_bound, r.objective);
          EXPECT_LE(r.objective, optimum + 1e-9);
          if (!r.optimal) {
            ++stopped;
            EXPECT_EQ(r.status, SolveStatus::IterationLimit);
            EXPECT_TRUE(std::isfinite(r.upper_bound));
          }
        }
      }
    }
  EXPECT_GT(stopped, 100);
}

}  // namespace
}  // namespace ivassign
