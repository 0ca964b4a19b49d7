// The LAP on candidate pairs made exact by pricing (solvers/lap_priced.hpp) against the dense engine:
// the same optimum value, the same smallest equilibrium prices and the same minus-i optima (Leonard),
// from one candidate per row (every other pair must price in) and along a sequence of nearby weights
// solved from the last duals, as the Lagrangian bound's steps are.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "ivassign/assignment.hpp"
#include "solvers/lap.hpp"
#include "solvers/lap_priced.hpp"

namespace ivassign {
namespace {

struct Shape {
  int rows, cols;
};

std::vector<double> random_weights(int n, int s, std::mt19937_64& rng, bool integer) {
  std::uniform_real_distribution<double> u(-0.5, 2.0);
  std::vector<double> w(static_cast<std::size_t>(n) * s);
  for (double& x : w) x = integer ? std::floor(u(rng) * 2.0) : u(rng);  // integers: ties everywhere
  return w;
}

/// The dense engine's optimum, smallest prices and minus-i optima W* - w_{i sigma(i)} + p_sigma(i).
struct Dense {
  double value = 0.0;
  std::vector<double> price, minus;
};

Dense dense_lap(int n, int s, const std::vector<double>& w, const std::vector<char>& active) {
  AssignmentProblem p = AssignmentProblem::linear_only(n, s, w);
  p.allowed = active;
  lap::Engine engine(p);
  engine.solve();
  Dense d;
  d.value = engine.objective();
  d.price = engine.minimal_prices();
  const std::vector<int> z = engine.assignment();
  d.minus.assign(static_cast<std::size_t>(n), d.value);
  for (int i = 0; i < n; ++i)
    if (active[i] && z[i] >= 0) d.minus[i] = d.value - p.w(i, z[i]) + d.price[z[i]];
  return d;
}

void expect_same_as_dense(const lap::PricedLap& priced, const lap::PricedLap::Solution& got, int n, int s,
                          const std::vector<double>& w, const std::vector<char>& active, const char* where) {
  SCOPED_TRACE(where);
  const Dense d = dense_lap(n, s, w, active);
  const double tol = 1e-9;
  std::vector<char> used(static_cast<std::size_t>(s), 0);
  double value = 0.0;
  for (int i = 0; i < n; ++i) {
    const int j = got.assignment[i];
    if (j < 0) continue;
    ASSERT_TRUE(active[i]) << "inactive row " << i << " matched";
    ASSERT_FALSE(used[j]) << "column " << j << " matched twice";
    used[j] = 1;
    value += w[static_cast<std::size_t>(i) * s + j];
  }
  EXPECT_NEAR(got.value, value, tol);
  EXPECT_NEAR(got.value, d.value, tol) << "the candidates' optimum is the dense one";
  EXPECT_NEAR(got.dual, d.value, tol) << "the dual bound is tight at the smallest prices";
  for (int j = 0; j < s; ++j) EXPECT_NEAR(got.price[j], d.price[j], tol) << "smallest price of column " << j;
  for (int i = 0; i < n; ++i)
    if (active[i]) {
      EXPECT_NEAR(priced.minus_bound(i), d.minus[i], tol) << "W*_-" << i;
    }
}

TEST(PricedLap, EqualsTheDenseLapFromOneCandidatePerRow) {
  std::mt19937_64 rng(11);
  int cases = 0;
  for (const Shape shape : {Shape{5, 8}, Shape{8, 5}, Shape{6, 6}, Shape{20, 60}, Shape{40, 30}, Shape{1, 7}})
    for (const bool integer : {false, true})
      for (const int first : {1, 3}) {
        const int n = shape.rows, s = shape.cols;
        std::vector<char> active(static_cast<std::size_t>(n), 1);
        for (int i = 0; i < n; i += 4) active[i] = 0;  // rows the problem does not allow
        const std::vector<double> w = random_weights(n, s, rng, integer);
        lap::PricedLap priced(n, s, active, first);
        const lap::PricedLap::Solution& got = priced.solve(w);
        expect_same_as_dense(priced, got, n, s, w, active, integer ? "integer weights" : "real weights");
        if (first == 1 && n * s >= 100) {
          EXPECT_GT(got.rounds, 1) << "one candidate per row: pairs must price in";
        }
        ++cases;
      }
  EXPECT_EQ(cases, 24);
}

// Nearby weights one after the other (a few entries raised or lowered, as a subgradient step moves the
// multipliers), each solved from the last solve's duals and matching.
TEST(PricedLap, WarmStartsFollowNearbyWeights) {
  std::mt19937_64 rng(5);
  for (const bool integer : {false, true}) {
    const int n = 30, s = 45;
    const std::vector<char> active(static_cast<std::size_t>(n), 1);
    std::vector<double> w = random_weights(n, s, rng, integer);
    lap::PricedLap priced(n, s, active, 2);
    std::uniform_int_distribution<std::size_t> entry(0, w.size() - 1);
    std::uniform_real_distribution<double> move(-0.6, 0.6);
    for (int step = 0; step < 25; ++step) {
      const lap::PricedLap::Solution& got = priced.solve(w);
      expect_same_as_dense(priced, got, n, s, w, active, integer ? "integer steps" : "real steps");
      for (int k = 0; k < 12; ++k) w[entry(rng)] += integer ? std::round(move(rng) * 3.0) : move(rng);
    }
  }
}

TEST(PricedLap, TheSameOnAnyNumberOfThreads) {
  std::mt19937_64 rng(9);
  const int n = 25, s = 40;
  const std::vector<char> active(static_cast<std::size_t>(n), 1);
  const std::vector<double> w = random_weights(n, s, rng, true);
  lap::PricedLap one(n, s, active, 1, 1), three(n, s, active, 1, 3);
  const lap::PricedLap::Solution a = one.solve(w), b = three.solve(w);
  EXPECT_EQ(a.assignment, b.assignment);
  EXPECT_EQ(a.price, b.price);
  EXPECT_EQ(a.payoff, b.payoff);
  EXPECT_EQ(a.rounds, b.rounds);
  EXPECT_EQ(a.candidates, b.candidates);
}

TEST(PricedLap, ConstantAndNonPositiveWeights) {
  const int n = 4, s = 6;
  const std::vector<char> active(static_cast<std::size_t>(n), 1);
  for (const double c : {1.0, 0.0, -2.0}) {
    const std::vector<double> w(static_cast<std::size_t>(n) * s, c);
    lap::PricedLap priced(n, s, active, 1);
    const lap::PricedLap::Solution& got = priced.solve(w);
    expect_same_as_dense(priced, got, n, s, w, active, "constant");
    EXPECT_DOUBLE_EQ(got.value, c > 0 ? n * c : 0.0);
  }
}

}  // namespace
}  // namespace ivassign
