// The LAP solver against exhaustive search and (when available) scipy; duals; warm-started removals.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <limits>
#include <string>
#include <random>

#include "ivassign/error.hpp"
#include "ivassign/solvers.hpp"
#include "solvers/lap.hpp"
#include "lap_families.hpp"
#include "test_support.hpp"

namespace ivassign {
namespace {

AssignmentProblem random_lap(int n, int s, std::uint64_t seed, double lo, double hi, bool integer = false) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  std::vector<double> w(static_cast<std::size_t>(n) * s);
  for (auto& x : w) x = integer ? std::floor(u(rng)) : u(rng);
  return AssignmentProblem::linear_only(n, s, w);
}

void expect_dual_certificate(const AssignmentProblem& p, const AssignmentResult& r) {
  const double tol = 1e-9;
  std::vector<char> seller_used(p.sellers, 0);
  for (int i = 0; i < p.buyers; ++i)
    if (r.assignment[i] >= 0) seller_used[r.assignment[i]] = 1;
  for (int i = 0; i < p.buyers; ++i) {
    for (int j = 0; j < p.sellers; ++j) EXPECT_LE(p.w(i, j), r.row_duals[i] + r.col_duals[j] + tol);
    if (r.assignment[i] >= 0) {
      EXPECT_NEAR(p.w(i, r.assignment[i]), r.row_duals[i] + r.col_duals[r.assignment[i]], tol);
    }
  }
  double dual = 0;
  for (double a : r.row_duals) dual += a;
  for (double b : r.col_duals) dual += b;
  // strong duality holds for the partial-matching LP when the private columns are in use
  bool partial = false;
  for (double x : p.linear) partial = partial || x <= 0;
  if (partial || p.buyers > p.sellers) {
    for (double a : r.row_duals) EXPECT_GE(a, -tol);
    for (double b : r.col_duals) EXPECT_GE(b, -tol);
    EXPECT_NEAR(dual, r.objective, 1e-7);
  }
}

TEST(LapSolver, MatchesExhaustiveSearchOnRectangularAndPartialProblems) {
  int cases = 0;
  for (int n = 1; n <= 6; ++n)
    for (int s = 1; s <= 6; ++s)
      for (std::uint64_t seed = 1; seed <= 6; ++seed) {
        // mixed signs (some pairs are never worth matching), and integer ties
        const AssignmentProblem p = random_lap(n, s, seed * 100 + n * 10 + s, -4, 9, seed % 2 == 0);
        const AssignmentResult r = solve_lap(p);
        const AssignmentResult e = solve_by_enumeration(p);
        ASSERT_NEAR(r.objective, e.objective, 1e-9) << "n " << n << " s " << s << " seed " << seed;
        EXPECT_NEAR(check_assignment(p, r.assignment), r.objective, 1e-9);
        EXPECT_TRUE(r.optimal);
        expect_dual_certificate(p, r);
        ++cases;
      }
  EXPECT_EQ(cases, 216);
}

TEST(LapSolver, ExcludedBuyersStayUnmatched) {
  AssignmentProblem p = random_lap(5, 4, 3, 1, 10);
  p.allowed = {1, 0, 1, 1, 0};
  const AssignmentResult r = solve_lap(p);
  EXPECT_EQ(r.assignment[1], -1);
  EXPECT_EQ(r.assignment[4], -1);
  EXPECT_NEAR(r.objective, solve_by_enumeration(p).objective, 1e-9);
}

TEST(LapSolver, WarmStartedRemovalEqualsColdResolve) {
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    const int n = 3 + static_cast<int>(seed % 9), s = 2 + static_cast<int>((seed * 7) % 11);
    const AssignmentProblem p = random_lap(n, s, seed, seed % 3 == 0 ? -3 : 0.5, 20, seed % 4 == 0);
    for (int i = 0; i < n; ++i) {
      lap::Engine warm(p);
      warm.solve();
      warm.remove_row(i);
      AssignmentProblem minus = p;
      minus.allowed.assign(n, 1);
      minus.allowed[i] = 0;
      EXPECT_NEAR(warm.objective(), solve_by_enumeration(minus).objective, 1e-9) << "seed " << seed << " i " << i;
      EXPECT_EQ(warm.assignment()[i], -1);
      lap::Engine full(p);  // the smallest equilibrium prices give the same value (VCG's path)
      full.solve();
      const std::vector<int> sigma = full.assignment();
      const double via_prices =
          sigma[i] >= 0 ? full.objective() - p.w(i, sigma[i]) + full.minimal_prices()[sigma[i]] : full.objective();
      EXPECT_NEAR(via_prices, warm.objective(), 1e-9) << "seed " << seed << " i " << i;
      // the repaired state is optimal with valid duals: a second removal from it is exact too
      const int k = (i + 1) % n;
      warm.remove_row(k);
      minus.allowed[k] = 0;
      EXPECT_NEAR(warm.objective(), solve_by_enumeration(minus).objective, 1e-9) << "seed " << seed << " i,k " << i
                                                                                    << "," << k;
      const std::vector<double> a = warm.row_duals(), b = warm.col_duals();
      const std::vector<int> z = warm.assignment();
      for (int r = 0; r < n; ++r) {
        if (!minus.allowed[r]) continue;
        for (int j = 0; j < s; ++j) EXPECT_LE(p.w(r, j), a[r] + b[j] + 1e-9);
        if (z[r] >= 0) {
          EXPECT_NEAR(p.w(r, z[r]), a[r] + b[z[r]], 1e-9);
        }
      }
    }
  }
}

TEST(LapSolver, AgreesWithScipyLinearSumAssignment) {
  if (std::system("/usr/bin/python3 -c 'import scipy.optimize' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "/usr/bin/python3 with scipy is not installed (Debian package python3-scipy)";
  const std::string dir = test::temp_dir();
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const int n = 40 + static_cast<int>(seed) * 7, s = seed % 2 ? n : n + 13;
    const AssignmentProblem p = random_lap(n, s, seed, 1, seed % 3 == 0 ? 5 : 1000, seed % 3 == 0);  // ties
    {
      std::ofstream out(dir + "/w.txt");
      out.precision(17);
      out << n << "\n" << s << "\n";
      for (double x : p.linear) out << x << "\n";
    }
    const std::string script = dir + "/lsa.py";
    std::ofstream(script) << "import sys, numpy as np\nfrom scipy.optimize import linear_sum_assignment\n"
                             "d = np.loadtxt(sys.argv[1]); n, s = int(d[0]), int(d[1]); w = d[2:].reshape(n, s)\n"
                             "r, c = linear_sum_assignment(w, maximize=True)\nprint(repr(float(w[r, c].sum())))\n";
    FILE* pipe = popen(("/usr/bin/python3 " + script + " " + dir + "/w.txt").c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    char buf[128] = {0};
    ASSERT_NE(fgets(buf, sizeof buf, pipe), nullptr);
    pclose(pipe);
    const double scipy_value = std::stod(buf);
    EXPECT_NEAR(solve_lap(p).objective, scipy_value, 1e-9 * std::abs(scipy_value)) << "n " << n << " s " << s;
  }
}

// The first five families of test::lap_family_weights: 0 uniform (0, 1], 1 integers in [0, 5) (ties, zeros:
// partial), 2 uniform [-1, 1) (partial), 3 Euclidean-like 2 - |x - y|, 4 integers with a fifth of the pairs forbidden.
AssignmentProblem family_lap(int family, int n, int s, std::uint64_t seed) {
  return AssignmentProblem::linear_only(n, s, test::lap_family_weights(family, n, s, seed));
}

TEST(LapSolver, DenseKernelEqualsShortestPathsOnEveryFamilyAndShape) {
  for (int family = 0; family < 5; ++family)
    for (const auto& [n, s] : std::vector<std::pair<int, int>>{{1, 1}, {7, 7}, {60, 60}, {150, 150}, {40, 90},
                                                                {90, 40}, {64, 65}, {2, 30}})
      for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        const AssignmentProblem p = family_lap(family, n, s, seed * 1000 + family * 10 + n);
        const AssignmentResult r = solve_lap(p);
        lap::Engine paths(p);
        paths.solve(/*dense=*/false);
        ASSERT_NEAR(r.objective, paths.objective(), 1e-9 * std::max(1.0, std::abs(r.objective)))
            << "family " << family << " n " << n << " s " << s << " seed " << seed;
        EXPECT_NEAR(check_assignment(p, r.assignment), r.objective, 1e-9 * std::max(1.0, std::abs(r.objective)));
        expect_dual_certificate(p, r);
        for (int i = 0; i < n; ++i) {
          if (r.assignment[i] >= 0) {
            EXPECT_GT(p.w(i, r.assignment[i]), -1e300) << "a forbidden pair is matched";
          }
        }
        // the kernel's own certificate passes the engine's check (solve_lap did not fall back)
        const std::vector<char> active(n, 1);
        lap::DenseSolution d;
        ASSERT_TRUE(lap::solve_dense(p, active, lap::weight_range(p, active), false, d));
        lap::Engine check(p);
        EXPECT_TRUE(check.warm_start(d.assignment, d.row_duals, d.col_duals))
            << "family " << family << " n " << n << " s " << s << " seed " << seed;
      }
}

TEST(LapSolver, CompleteEngineMatchesEveryRowOnRectangles) {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const int n = 5 + static_cast<int>(seed % 4), s = n + static_cast<int>(seed % 3);
    const AssignmentProblem p = random_lap(n, s, seed, -5, 5);
    lap::Engine jv(p, /*complete=*/true), paths(p, true);
    jv.solve();
    paths.solve(false);
    EXPECT_NEAR(jv.objective(), paths.objective(), 1e-9) << "seed " << seed;
    for (int z : jv.assignment()) EXPECT_GE(z, 0);
  }
}

TEST(LapSolver, BadWeightsNameTheIndex) {
  AssignmentProblem p = random_lap(3, 4, 1, 1, 2);
  p.linear[1 * 4 + 2] = std::numeric_limits<double>::quiet_NaN();
  try {
    solve_lap(p);
    ADD_FAILURE() << "NaN accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("(1, 2)"), std::string::npos) << e.what();
  }
  p.linear[1 * 4 + 2] = std::numeric_limits<double>::infinity();
  EXPECT_THROW(solve_lap(p), InputError);
  p.linear.pop_back();
  EXPECT_THROW(solve_lap(p), InputError);
}

// The best total of the matchings of min(n, s) pairs without a -inf pair (enumeration); -inf when none.
double best_complete(const AssignmentProblem& p) {
  const bool tall = p.buyers > p.sellers;
  const int rows = tall ? p.sellers : p.buyers, cols = tall ? p.buyers : p.sellers;
  auto w = [&](int r, int c) { return tall ? p.w(c, r) : p.w(r, c); };
  double best = -std::numeric_limits<double>::infinity();
  std::vector<char> used(cols, 0);
  std::function<void(int, double)> go = [&](int r, double total) {
    if (r == rows) {
      best = std::max(best, total);
      return;
    }
    for (int c = 0; c < cols; ++c)
      if (!used[c] && w(r, c) > -std::numeric_limits<double>::infinity()) {
        used[c] = 1;
        go(r + 1, total + w(r, c));
        used[c] = 0;
      }
  };
  go(0, 0.0);
  return best;
}

TEST(LapComplete, ForbiddenPairsAndInfeasibilityMatchEnumeration) {
  const double forbid = -std::numeric_limits<double>::infinity();
  int feasible = 0, infeasible = 0;
  for (int n = 1; n <= 6; ++n)
    for (int s = 1; s <= 6; ++s)
      for (std::uint64_t seed = 1; seed <= 8; ++seed) {
        AssignmentProblem p = random_lap(n, s, seed * 131 + n * 7 + s, -4, 9, seed % 2 == 0);
        std::mt19937_64 rng(seed + 17 * n + s);
        std::bernoulli_distribution drop(0.15 + 0.15 * static_cast<double>(seed % 4));
        for (double& x : p.linear)
          if (drop(rng)) x = forbid;
        const double want = best_complete(p);
        if (want == forbid) {
          ++infeasible;
          try {
            solve_lap_complete(p);
            ADD_FAILURE() << "infeasible problem solved, n " << n << " s " << s << " seed " << seed;
          } catch (const InfeasibleMatching& e) {  // a witness of Hall's condition failing
            ASSERT_EQ(e.rows.size(), e.cols.size() + 1) << e.what();
            for (int r : e.rows)
              for (int c = 0; c < (e.transposed ? n : s); ++c) {
                const double x = e.transposed ? p.w(c, r) : p.w(r, c);
                if (x > forbid) {
                  EXPECT_NE(std::find(e.cols.begin(), e.cols.end(), c), e.cols.end()) << e.what();
                }
              }
          }
          continue;
        }
        ++feasible;
        const AssignmentResult r = solve_lap_complete(p);
        ASSERT_NEAR(r.objective, want, 1e-9) << "n " << n << " s " << s << " seed " << seed;
        int matched = 0;
        for (int i = 0; i < n; ++i)
          if (r.assignment[i] >= 0) {
            ++matched;
            EXPECT_GT(p.w(i, r.assignment[i]), forbid) << "a forbidden pair is matched";
          }
        EXPECT_EQ(matched, std::min(n, s));
        EXPECT_NEAR(check_assignment(p, r.assignment), r.objective, 1e-9);
      }
  EXPECT_GT(feasible, 100);
  EXPECT_GT(infeasible, 30);
}

TEST(LapComplete, DenseKernelSolvesWithForbiddenPairsAndItsCertificateHolds) {
  const double forbid = -std::numeric_limits<double>::infinity();
  for (const auto& [n, s] : std::vector<std::pair<int, int>>{{80, 80}, {60, 90}, {150, 150}})
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      AssignmentProblem p = random_lap(n, s, seed * 7 + n, -5, 20, seed == 2);
      std::mt19937_64 rng(seed);
      std::bernoulli_distribution drop(0.5);
      for (int i = 0; i < n; ++i)
        for (int j = 0; j < s; ++j)
          if (j != i && drop(rng)) p.linear[static_cast<std::size_t>(i) * s + j] = forbid;  // (i, i) stays
      const std::vector<char> active(n, 1);
      lap::DenseSolution d;
      ASSERT_TRUE(lap::solve_dense(p, active, lap::weight_range(p, active), /*complete=*/true, d));
      lap::Engine check(p, true), paths(p, true);
      EXPECT_TRUE(check.warm_start(d.assignment, d.row_duals, d.col_duals)) << "n " << n << " seed " << seed;
      paths.solve(/*dense=*/false);
      const AssignmentResult r = solve_lap_complete(p);
      EXPECT_NEAR(r.objective, paths.objective(), 1e-9 * std::abs(r.objective));
      for (int i = 0; i < n; ++i) {
        ASSERT_GE(r.assignment[i], 0);
        EXPECT_GT(p.w(i, r.assignment[i]), forbid);
      }
    }
}

TEST(LapComplete, InfeasibleNamesTheRowsAndColumnsOfTheWitness) {
  const double forbid = -std::numeric_limits<double>::infinity();
  AssignmentProblem p = random_lap(4, 5, 3, 1, 2);
  for (int i = 1; i <= 2; ++i)
    for (int j = 0; j < 5; ++j)
      if (j != 3) p.linear[static_cast<std::size_t>(i) * 5 + j] = forbid;  // buyers 1 and 2 share seller 3
  try {
    solve_lap_complete(p);
    ADD_FAILURE() << "infeasible problem solved";
  } catch (const InfeasibleMatching& e) {
    EXPECT_NE(std::string(e.what()).find("the 2 buyers {1, 2} have finite weights only with the 1 seller {3}"),
              std::string::npos)
        << e.what();
  }
  p.linear[4] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(solve_lap_complete(p), InputError);
}

TEST(LapComplete, ConstantMatricesAreMatchedByTheIdentity) {
  // ties: columns in increasing order go to the lowest free row among their cheapest (scipy's choice)
  for (const auto& [n, s] : std::vector<std::pair<int, int>>{{8, 8}, {3, 7}, {7, 3}, {1, 5}, {64, 64}, {33, 40}})
    for (double value : {1.0, 0.0, -2.5}) {
      const AssignmentProblem p = AssignmentProblem::linear_only(n, s, std::vector<double>(n * s, value));
      const AssignmentResult r = solve_lap_complete(p);
      for (int i = 0; i < n; ++i) EXPECT_EQ(r.assignment[i], i < s ? i : -1) << n << " x " << s << " at " << value;
      if (value > 0 && n <= s) {  // solve_lap: every pair is worth matching, the same tie rule
        const AssignmentResult q = solve_lap(p);
        for (int i = 0; i < n; ++i) EXPECT_EQ(q.assignment[i], i) << n << " x " << s;
      }
    }
}

TEST(LapSolver, RefusesQuadraticProblems) {
  AssignmentProblem p = random_lap(3, 3, 1, 1, 2);
  p.externalities.form = ExternalityCosts::Form::Dense;
  p.externalities.dense.assign(81, 0.0);
  EXPECT_THROW(solve_lap(p), InputError);
}

}  // namespace
}  // namespace ivassign

namespace ivassign {
namespace {

// A random sparse problem: every row gets `per_row` distinct random columns (and, so that a complete
// matching exists, the column i itself), weights in [lo, hi), integers for ties when asked.
SparseLapProblem random_sparse(int n, int s, int per_row, std::uint64_t seed, double lo, double hi, bool integer) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  std::uniform_int_distribution<int> col(0, s - 1);
  SparseLapProblem p;
  p.rows = n;
  p.cols = s;
  for (int i = 0; i < n; ++i) {
    std::vector<int> cols{i};
    while (static_cast<int>(cols.size()) < std::min(per_row, s)) {
      const int j = col(rng);
      if (std::find(cols.begin(), cols.end(), j) == cols.end()) cols.push_back(j);
    }
    std::shuffle(cols.begin(), cols.end(), rng);
    for (int j : cols) {
      p.col_index.push_back(j);
      p.weight.push_back(integer ? std::floor(u(rng)) : u(rng));
    }
    p.row_start.push_back(static_cast<std::int64_t>(p.col_index.size()));
  }
  return p;
}

// The same pairs as a dense problem, -inf elsewhere (forbidden).
AssignmentProblem dense_of(const SparseLapProblem& sp) {
  std::vector<double> w(static_cast<std::size_t>(sp.rows) * sp.cols, -std::numeric_limits<double>::infinity());
  for (int i = 0; i < sp.rows; ++i)
    for (std::int64_t k = sp.row_start[i]; k < sp.row_start[i + 1]; ++k)
      w[static_cast<std::size_t>(i) * sp.cols + sp.col_index[k]] = sp.weight[k];
  return AssignmentProblem::linear_only(sp.rows, sp.cols, w);
}

TEST(LapSparse, EqualsTheDenseCompleteOptimumWithValidDuals) {
  int cases = 0;
  for (const auto& [n, s] : std::vector<std::pair<int, int>>{{1, 1}, {6, 6}, {50, 50}, {200, 200}, {40, 70}, {3, 9}})
    for (int per_row : {1, 3, 12})
      for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        const bool ties = seed == 2;
        const SparseLapProblem sp = random_sparse(n, s, per_row, seed * 97 + n + per_row, -5, 10, ties);
        const AssignmentResult r = solve_lap_sparse(sp);
        const AssignmentProblem dense = dense_of(sp);
        lap::Engine complete(dense, /*complete=*/true);
        complete.solve();
        ASSERT_NEAR(r.objective, complete.objective(), 1e-9 * std::max(1.0, std::abs(r.objective)))
            << "n " << n << " s " << s << " per_row " << per_row << " seed " << seed;
        std::vector<char> used(s, 0);
        for (int i = 0; i < n; ++i) {
          ASSERT_GE(r.assignment[i], 0);
          EXPECT_FALSE(used[r.assignment[i]]);
          used[r.assignment[i]] = 1;
        }
        const double tol = 1e-9;
        for (int i = 0; i < n; ++i)
          for (std::int64_t k = sp.row_start[i]; k < sp.row_start[i + 1]; ++k) {
            const int j = sp.col_index[k];
            EXPECT_LE(sp.weight[k], r.row_duals[i] + r.col_duals[j] + tol);
            if (r.assignment[i] == j) {
              EXPECT_NEAR(sp.weight[k], r.row_duals[i] + r.col_duals[j], tol);
            }
          }
        for (int j = 0; j < s; ++j) {
          EXPECT_GE(r.col_duals[j], -tol);
          if (!used[j]) {
            EXPECT_NEAR(r.col_duals[j], 0.0, tol);
          }
        }
        ++cases;
      }
  EXPECT_EQ(cases, 54);
}

TEST(LapSparse, BadInputNamesTheRowOrEntry) {
  SparseLapProblem p = random_sparse(4, 4, 2, 1, 1, 2, false);
  auto expect_error = [](const SparseLapProblem& q, const std::string& needle) {
    try {
      solve_lap_sparse(q);
      ADD_FAILURE() << "accepted: " << needle;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  SparseLapProblem q = p;
  q.weight[3] = std::numeric_limits<double>::quiet_NaN();
  expect_error(q, "entry 3");
  q = p;  // row 2 without pairs
  q.col_index.erase(q.col_index.begin() + q.row_start[2], q.col_index.begin() + q.row_start[3]);
  q.weight.erase(q.weight.begin() + q.row_start[2], q.weight.begin() + q.row_start[3]);
  for (int i = 3; i <= 4; ++i) q.row_start[i] -= 2;
  expect_error(q, "row 2 has no allowed pair");
  q = p;
  q.col_index[5] = 9;
  expect_error(q, "entry 5");
  q = p;
  q.weight.pop_back();
  expect_error(q, "col_index and weight");
  q = p;
  q.rows = 5;
  expect_error(q, "rows");
  // every row allows only column 0: no complete matching
  SparseLapProblem none;
  none.rows = none.cols = 2;
  none.row_start = {0, 1, 2};
  none.col_index = {0, 0};
  none.weight = {1, 2};
  expect_error(none, "no matching covers every row");
}

}  // namespace
}  // namespace ivassign

namespace ivassign {
namespace {

TEST(LapBatch, EqualsOneByOneOnEveryThreadCount) {
  const int batch = 23, n = 9, s = 11;
  std::vector<double> weights;
  std::vector<AssignmentProblem> singles;
  for (int k = 0; k < batch; ++k) {
    const AssignmentProblem p = family_lap(k % 5, n, s, 500 + k);
    weights.insert(weights.end(), p.linear.begin(), p.linear.end());
    singles.push_back(p);
  }
  for (int threads : {1, 2, 0}) {
    const LapBatchResult b = solve_lap_batch(batch, n, s, weights, threads);
    for (int k = 0; k < batch; ++k) {
      const AssignmentResult r = solve_lap(singles[k]);
      EXPECT_EQ(b.objective[k], r.objective) << "problem " << k << " threads " << threads;
      for (int i = 0; i < n; ++i) {
        EXPECT_EQ(b.assignment[k * n + i], r.assignment[i]);
        EXPECT_EQ(b.row_duals[k * n + i], r.row_duals[i]);
      }
      for (int j = 0; j < s; ++j) EXPECT_EQ(b.col_duals[k * s + j], r.col_duals[j]);
    }
  }
  EXPECT_EQ(solve_lap_batch(0, n, s, {}).objective.size(), 0u);
}

TEST(LapBatch, BadInputNamesTheProblem) {
  std::vector<double> w(3 * 2 * 2, 1.0);
  w[2 * 4 + 1] = std::numeric_limits<double>::quiet_NaN();
  try {
    solve_lap_batch(3, 2, 2, w, 2);
    ADD_FAILURE() << "NaN accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("problem 2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("(0, 1)"), std::string::npos) << e.what();
  }
  EXPECT_THROW(solve_lap_batch(3, 2, 3, w), InputError);  // shapes do not match the weights
  EXPECT_THROW(solve_lap_batch(3, 2, 2, std::vector<double>(12, 1.0), -1), InputError);
}

}  // namespace
}  // namespace ivassign
