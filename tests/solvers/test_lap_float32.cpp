// The dense LAP's float32 scans (src/solvers/lap_dense.cpp): the float32 run's matching and duals are
// certified in double and finished there, so the result is the double optimum on every family,
// including near-ties that float32 cannot see (those exercise the dual raising, the re-augmented rows
// and the restart from scratch).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "ivassign/solvers.hpp"
#include "lap_families.hpp"
#include "solvers/lap.hpp"

namespace ivassign {
namespace {

// Square weights of one family: 0 uniform (0, 1], 1 integers in [0, 5) (ties, zeros: partial),
// 3 Euclidean-like (test::lap_family_weights), and the near-ties float32 rounds away:
// 10 integers in [0, 100) plus noise of 1e-9; 11 a_i + b_j plus noise of 1e-9 (every permutation
// within 1e-9 * n of the others: float32 sees them all equal); 12 1e6 + uniform [0, 1);
// 13 uniform scaled by 10^k, k in [-3, 3] per column.
std::vector<double> weights(int family, int n, std::uint64_t seed) {
  if (family < 10) return test::lap_family_weights(family, n, n, seed);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> a(n), b(n), w(static_cast<std::size_t>(n) * n);
  for (auto& x : a) x = u(rng);
  for (auto& x : b) x = std::floor(7 * u(rng)) - 3;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      double& x = w[static_cast<std::size_t>(i) * n + j];
      if (family == 10) x = std::floor(100 * u(rng)) + 1e-9 * u(rng);
      if (family == 11) x = 3 + a[i] + 0.1 * b[j] + 1e-9 * u(rng);
      if (family == 12) x = 1e6 + u(rng);
      if (family == 13) x = u(rng) * std::pow(10.0, b[j]);
    }
  return w;
}

lap::DenseSolution solve(const AssignmentProblem& p, lap::Scan scan) {
  const std::vector<char> active(p.buyers, 1);
  lap::DenseSolution d;
  EXPECT_TRUE(lap::solve_dense(p, active, lap::weight_range(p, active), false, d, scan));
  return d;
}

double value(const AssignmentProblem& p, const std::vector<int>& z) {
  double total = 0.0;
  for (int i = 0; i < p.buyers; ++i)
    if (z[i] >= 0) total += p.w(i, z[i]);
  return total;
}

TEST(LapFloat32, CertifiedResultIsTheDoubleOptimumOnEveryFamily) {
  int raised = 0, repaired = 0, abandoned = 0, runs = 0;
  for (int family : {0, 1, 3, 10, 11, 12, 13})
    for (int n : {1, 2, 7, 40, 150, 300})
      for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        const AssignmentProblem p = AssignmentProblem::linear_only(n, n, weights(family, n, seed * 7919 + n));
        const lap::DenseSolution f = solve(p, lap::Scan::Float32), d = solve(p, lap::Scan::Float64);
        const std::string where = "family " + std::to_string(family) + " n " + std::to_string(n) + " seed " +
                                  std::to_string(seed);
        ASSERT_EQ(f.scan, lap::Scan::Float32) << where;
        ASSERT_EQ(d.scan, lap::Scan::Float64) << where;
        const double vf = value(p, f.assignment), vd = value(p, d.assignment);
        if (family == 1) {
          EXPECT_EQ(vf, vd) << where;  // integers: the same optimum exactly
        } else {
          EXPECT_NEAR(vf, vd, 1e-12 * n * std::max(1.0, std::abs(vd))) << where;
        }
        // the double certificate of the float32 path's answer, at the engine's tolerance
        lap::Engine check(p);
        EXPECT_TRUE(check.warm_start(f.assignment, f.row_duals, f.col_duals)) << where;
        if (n <= 7) {
          EXPECT_NEAR(vf, solve_by_enumeration(p).objective, 1e-9 * std::max(1.0, std::abs(vf))) << where;
        }
        raised += f.passes > 1;
        repaired += f.repaired > 0;
        abandoned += f.abandoned;
        ++runs;
      }
  EXPECT_EQ(runs, 7 * 6 * 3);
  // the near-tie families exercise every way the certificate can fail
  EXPECT_GT(raised, 0);
  EXPECT_GT(repaired, 0);
  EXPECT_GT(abandoned, 0);
}

// solve_lap (Scan::Auto) from 256 rows: the double run hands its shortest paths over to float32 when
// they run long (Euclidean and near-tie costs here), and the answer agrees with the shortest-path engine.
TEST(LapFloat32, AutoScanInSolveLapAgreesWithTheEngine) {
  int handed_over = 0;
  for (int family : {0, 1, 3, 10, 11}) {
    const int n = 300;
    const AssignmentProblem p = AssignmentProblem::linear_only(n, n, weights(family, n, 11 + family));
    handed_over += solve(p, lap::Scan::Auto).scan == lap::Scan::Float32;
    const AssignmentResult r = solve_lap(p);
    lap::Engine paths(p);
    paths.solve(/*dense=*/false);
    EXPECT_NEAR(r.objective, paths.objective(), 1e-9 * std::max(1.0, std::abs(r.objective))) << "family " << family;
    EXPECT_NEAR(value(p, r.assignment), r.objective, 1e-9 * std::max(1.0, std::abs(r.objective)));
  }
  EXPECT_GT(handed_over, 0);
}

// From 2048 rows Auto runs the whole JV in float32 (reductions included): the double optimum still.
// Integers over a range narrower than a quarter of the rows (family 1: [0, 5), ties everywhere) start
// in double instead, where the reductions finish them; the same integers with noise of 1e-9 (family
// 10) are not integers and run in float32.
TEST(LapFloat32, AutoScanOnALargeMatrixIsTheDoubleOptimum) {
  for (int family : {0, 1, 10}) {
    const int n = 2048;
    const AssignmentProblem p = AssignmentProblem::linear_only(n, n, weights(family, n, 5 + family));
    const lap::DenseSolution a = solve(p, lap::Scan::Auto), d = solve(p, lap::Scan::Float64);
    EXPECT_EQ(a.scan, family == 1 ? lap::Scan::Float64 : lap::Scan::Float32) << family;
    EXPECT_NEAR(value(p, a.assignment), value(p, d.assignment), 1e-12 * n * value(p, d.assignment)) << family;
    lap::Engine check(p);
    EXPECT_TRUE(check.warm_start(a.assignment, a.row_duals, a.col_duals)) << family;
  }
}

// Below 256 rows Auto stays in double; weights too large for float32's range never take it.
TEST(LapFloat32, AutoScanKeepsDoubleWhereFloat32CannotHelp) {
  const AssignmentProblem small = AssignmentProblem::linear_only(100, 100, weights(0, 100, 5));
  EXPECT_EQ(solve(small, lap::Scan::Auto).scan, lap::Scan::Float64);
  std::vector<double> w = weights(0, 300, 6);
  for (double& x : w) x *= 1e34;
  const AssignmentProblem huge = AssignmentProblem::linear_only(300, 300, w);
  const lap::DenseSolution f = solve(huge, lap::Scan::Float32);
  EXPECT_EQ(f.scan, lap::Scan::Float64);
  EXPECT_NEAR(value(huge, f.assignment), value(huge, solve(huge, lap::Scan::Float64).assignment), 1e22);
}

// The float32 column reduction applies the double run's tie rule (columns in increasing order, each to
// the lowest-index free row among its cheapest): a constant matrix is matched by the identity in
// float32 too, and the certificate keeps it.
TEST(LapFloat32, ConstantMatricesAreMatchedByTheIdentityInFloat32) {
  for (int n : {7, 300})
    for (double c : {1.0, 2.5e3}) {
      const AssignmentProblem p = AssignmentProblem::linear_only(n, n, std::vector<double>(n * n, c));
      for (bool complete : {false, true}) {
        const std::vector<char> active(n, 1);
        lap::DenseSolution d;
        ASSERT_TRUE(lap::solve_dense(p, active, lap::weight_range(p, active), complete, d, lap::Scan::Float32));
        EXPECT_EQ(d.scan, lap::Scan::Float32);
        for (int i = 0; i < n; ++i) ASSERT_EQ(d.assignment[i], i) << "n " << n << " at " << c;
      }
    }
}

// Forbidden (-inf) pairs: a solved matrix that holds one never runs in float32 (the double run and its
// Infeasible witness decide); a partial problem clamps them to 0 (read back as unmatched), so it may.
TEST(LapFloat32, ForbiddenPairsRunInDouble) {
  const double forbid = -std::numeric_limits<double>::infinity();
  const int n = 300;
  std::vector<double> w = weights(0, n, 21);
  std::mt19937_64 rng(4);
  std::bernoulli_distribution drop(0.3);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      if (j != i && drop(rng)) w[static_cast<std::size_t>(i) * n + j] = forbid;  // (i, i) stays
  const AssignmentProblem p = AssignmentProblem::linear_only(n, n, w);
  const std::vector<char> active(n, 1);
  lap::DenseSolution f, d;
  ASSERT_TRUE(lap::solve_dense(p, active, lap::weight_range(p, active), true, f, lap::Scan::Float32));
  ASSERT_TRUE(lap::solve_dense(p, active, lap::weight_range(p, active), true, d, lap::Scan::Float64));
  EXPECT_EQ(f.scan, lap::Scan::Float64);
  EXPECT_EQ(f.assignment, d.assignment);
  for (int i = 0; i < n; ++i) EXPECT_GT(p.w(i, f.assignment[i]), forbid);
  const lap::DenseSolution partial = solve(p, lap::Scan::Float32);  // clamped: no -inf left
  EXPECT_EQ(partial.scan, lap::Scan::Float32);
  for (int i = 0; i < n; ++i) {
    if (partial.assignment[i] >= 0) {
      EXPECT_GT(p.w(i, partial.assignment[i]), forbid);
    }
  }
  EXPECT_NEAR(value(p, partial.assignment), value(p, solve(p, lap::Scan::Float64).assignment), 1e-9 * n);
  std::vector<double> bad = w;  // rows 0 and 1 share column 5 alone: Infeasible, float32 asked or not
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < n; ++j) bad[static_cast<std::size_t>(i) * n + j] = j == 5 ? 1.0 : forbid;
  const AssignmentProblem q = AssignmentProblem::linear_only(n, n, bad);
  lap::DenseSolution e;
  EXPECT_THROW(lap::solve_dense(q, active, lap::weight_range(q, active), true, e, lap::Scan::Float32),
               InfeasibleMatching);
}

}  // namespace
}  // namespace ivassign
