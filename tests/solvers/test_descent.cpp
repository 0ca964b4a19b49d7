// Local search with the interaction table (solve_descent): the table against brute force, local
// optimality checked move by move with full objective evaluations, bounds against exhaustive
// search, determinism (VCG's shared minus-i searches: tests/vcg/test_minus_i.cpp).
#include <gtest/gtest.h>

#include "ivassign/mechanism.hpp"
#include "ivassign/solvers.hpp"
#include "random_instance.hpp"
#include "solvers/placement_costs.hpp"
#include "solvers/structure.hpp"

namespace ivassign {
namespace {


const Externalities::Form kForms[] = {Externalities::Form::Dense, Externalities::Form::Sparse,
                                      Externalities::Form::Factored};

std::vector<int> random_matching(int n, int s, std::uint64_t seed) {
  std::vector<int> sellers(s);
  for (int j = 0; j < s; ++j) sellers[j] = j;
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ULL + 1;
  auto next = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  for (int j = s - 1; j > 0; --j) std::swap(sellers[j], sellers[next() % static_cast<std::uint64_t>(j + 1)]);
  std::vector<int> z(n, -1);
  for (int i = 0; i < n && i < s; ++i) z[i] = next() % 4 == 0 ? -1 : sellers[i];
  return z;
}

TEST(PlacementCosts, TableAndRowsEqualPairCostSums) {
  for (auto form : kForms)
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
      const int n = 5, s = 4 + static_cast<int>(seed % 3);
      const AssignmentProblem p = test::random_expected_problem(seed, form, n, s);
      const PlacementCosts costs(p);
      const std::vector<int> z = random_matching(n, s, seed);
      const std::vector<double> h = costs.table(z);
      std::vector<double> row;
      for (int i = 0; i < n; ++i) {
        costs.row(i, z, row);
        for (int j = 0; j < s; ++j) {
          double want = 0;
          for (int k = 0; k < n; ++k)
            if (k != i && z[k] >= 0) want += p.pair_cost(i, j, k, z[k]) + p.pair_cost(k, z[k], i, j);
          EXPECT_NEAR(h[static_cast<std::size_t>(i) * s + j], want, 1e-12) << "form " << static_cast<int>(form);
          EXPECT_NEAR(row[j], want, 1e-12);
        }
      }
    }
}

TEST(PlacementCosts, EntriesOnDemandEqualTheTable) {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {  // factored (with every term's seller neighbours)
    const int n = 6, s = 5 + static_cast<int>(seed);
    const AssignmentProblem p = test::random_expected_problem(seed + 40, Externalities::Form::Factored, n, s);
    const PlacementCosts costs(p);
    ASSERT_TRUE(costs.has_seller_neighbours());
    EXPECT_FALSE(costs.implicit_pays()) << "small tables stay in cache";
    EXPECT_TRUE(costs.nonnegative());
    const std::vector<int> z = random_matching(n, s, seed);
    std::vector<int> owner(static_cast<std::size_t>(s), -1);
    for (int i = 0; i < n; ++i)
      if (z[i] >= 0) owner[static_cast<std::size_t>(z[i])] = i;
    const std::vector<double> h = costs.table(z);
    std::vector<double> column;
    for (int j = 0; j < s; ++j) {
      costs.column(j, owner.data(), column);
      for (int i = 0; i < n; ++i) {
        const double want = h[static_cast<std::size_t>(i) * s + j];
        EXPECT_NEAR(costs.entry_row(i, j, owner.data()), want, 1e-12) << "seed " << seed;
        EXPECT_EQ(costs.entry_row(i, j, owner.data()), costs.entry_column(i, j, owner.data())) << "bitwise";
        EXPECT_NEAR(column[static_cast<std::size_t>(i)], want, 1e-12);
      }
    }
    EXPECT_NEAR(costs.objective(z), p.objective(z), 1e-12 * (1.0 + std::abs(p.objective(z))));
  }
  AssignmentProblem negative = test::random_expected_problem(3, Externalities::Form::Factored, 4, 5);
  negative.externalities.buyer[1] = -0.5;  // a library caller's negative factor (the instance format refuses it)
  EXPECT_FALSE(PlacementCosts(negative).nonnegative());
}

/// Every single move (relocate, unmatch, swap, replace) evaluated from scratch gains nothing.
void expect_local_optimum(const AssignmentProblem& p, const std::vector<int>& z, const std::string& what) {
  const double v = p.objective(z);
  const double tol = 1e-7 * (1 + std::abs(v));
  std::vector<int> owner(p.sellers, -1);
  for (int i = 0; i < p.buyers; ++i)
    if (z[i] >= 0) owner[z[i]] = i;
  for (int i = 0; i < p.buyers; ++i) {
    if (!p.buyer_allowed(i)) {
      EXPECT_EQ(z[i], -1) << what;
      continue;
    }
    for (int j = -1; j < p.sellers; ++j) {
      if (j == z[i]) continue;
      std::vector<int> y = z;
      if (j >= 0 && owner[j] >= 0) {
        const int k = owner[j];
        y[k] = z[i];  // swap (or k leaves when i was unmatched)
        y[i] = j;
        EXPECT_LE(p.objective(y), v + tol) << what << ": swap " << i << " " << k;
        y[k] = -1;  // k leaves
        EXPECT_LE(p.objective(y), v + tol) << what << ": replace " << k << " by " << i;
      } else {
        y[i] = j;
        EXPECT_LE(p.objective(y), v + tol) << what << ": relocate " << i << " to " << j;
      }
    }
  }
}

TEST(Descent, LocalOptimaBoundedByTheOptimumOnEveryForm) {
  for (auto form : kForms)
    for (int n = 2; n <= 6; ++n)
      for (int s : {n - 1, n, n + 2}) {
        if (s < 1) continue;
        for (std::uint64_t seed = 1; seed <= 3; ++seed) {
          AssignmentProblem p = test::random_expected_problem(seed * 17 + n * 5 + s, form, n, s);
          if (seed == 3) {
            p.allowed.assign(n, 1);
            p.allowed[0] = 0;
          }
          const std::string what = "form " + std::to_string(static_cast<int>(form)) + " n " + std::to_string(n) +
                                   " s " + std::to_string(s) + " seed " + std::to_string(seed);
          const AssignmentResult d = solve_descent(p);
          const AssignmentResult ex = solve_by_enumeration(p);
          EXPECT_NEAR(check_assignment(p, d.assignment), d.objective, 1e-9) << what;
          EXPECT_LE(d.objective, ex.objective + 1e-9) << what;
          EXPECT_GE(d.upper_bound, ex.objective - 1e-9) << what;
          if (d.optimal) {
            EXPECT_NEAR(d.objective, ex.objective, 1e-9) << what;
          }
          expect_local_optimum(p, d.assignment, what);
        }
      }
}

TEST(Descent, IteratedSearchFindsSmallOptimaAndIsDeterministic) {
  int hits = 0, total = 0;
  for (auto form : kForms)
    for (std::uint64_t seed = 1; seed <= 6; ++seed) {
      const AssignmentProblem p = test::random_expected_problem(seed * 101, form, 7, 8);
      SolverOptions o;
      o.solver = SolverKind::Descent;
      o.time_limit = 0.05;
      const AssignmentResult a = solve_assignment(p, o);
      const double best = solve_by_enumeration(p).objective;
      EXPECT_LE(a.objective, best + 1e-9);
      hits += a.objective >= best - 1e-9;
      ++total;
      SolverOptions fixed;
      fixed.solver = SolverKind::Descent;
      fixed.iteration_limit = 40;  // the same moves every time for a seed
      fixed.time_limit = 30;
      const AssignmentResult x = solve_assignment(p, fixed), y = solve_assignment(p, fixed);
      EXPECT_EQ(x.assignment, y.assignment);
    }
  // a few perturbation rounds are enough to find the optimum of nearly every 7 x 8 problem
  EXPECT_GE(hits, total * 3 / 4) << hits << " of " << total;
}

TEST(Descent, StartsFromTheGivenMatchingAndNeverEndsBelowIt) {
  const AssignmentProblem p = test::random_expected_problem(5, Externalities::Form::Factored, 8, 10);
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    SolverOptions o;
    o.initial_assignment = random_matching(8, 10, seed);
    const AssignmentResult r = solve_descent(p, o);
    EXPECT_GE(r.objective, p.objective(o.initial_assignment) - 1e-12);
  }
}

TEST(PlacementCosts, SellerNeighboursHoldEveryNonzeroPairCost) {
  AssignmentProblem p = test::random_expected_problem(21, Externalities::Form::Factored, 6, 9);
  auto& e = p.externalities;  // thin out the seller factors: some licence pairs never interfere
  for (int t = 0; t < e.terms; ++t)
    for (int j = 0; j < p.sellers; ++j)
      for (int q = 0; q < p.sellers; ++q)
        if ((j * 7 + q * 3 + t) % 4 != 0) e.seller[(static_cast<std::size_t>(t) * p.sellers + j) * p.sellers + q] = 0.0;
  const PlacementCosts costs(p);
  ASSERT_TRUE(costs.has_seller_neighbours());
  // the descent is still a local optimum with the neighbour shortcut
  expect_local_optimum(p, solve_descent(p).assignment, "thinned");
  int skipped = 0;
  for (int a = 0; a < p.sellers; ++a) {
    std::vector<char> near(p.sellers, 0);
    costs.for_each_neighbour(a, [&](int q) { near[q] = 1; });
    for (int j = 0; j < p.sellers; ++j) {
      if (near[j] || j == a) continue;
      ++skipped;
      for (int i = 0; i < p.buyers; ++i)
        for (int k = 0; k < p.buyers; ++k) {
          EXPECT_EQ(p.pair_cost(i, a, k, j), 0.0);
          EXPECT_EQ(p.pair_cost(k, j, i, a), 0.0);
        }
    }
  }
  EXPECT_GT(skipped, 0) << "the instance should have non-interacting seller pairs";
  EXPECT_FALSE(PlacementCosts(test::random_expected_problem(21, Externalities::Form::Dense, 4, 5)).has_seller_neighbours());
}

TEST(Descent, NeverReturnsBelowTheEmptyMatching) {
  // two buyers who hurt each other far more than any licence is worth: the LAP start (both
  // matched) is worth 2 - 2 * 100 < 0; the best is one buyer alone (1)
  AssignmentProblem p = AssignmentProblem::linear_only(2, 2, {1.0, 1.0, 1.0, 1.0});
  p.externalities.form = ExternalityCosts::Form::Dense;
  p.externalities.dense.assign(16, 0.0);
  auto at = [](int i, int j, int k, int q) { return static_cast<std::size_t>(((i * 2 + j) * 2 + k) * 2 + q); };
  p.externalities.dense[at(0, 0, 1, 1)] = p.externalities.dense[at(0, 1, 1, 0)] = 100.0;
  p.externalities.dense[at(1, 0, 0, 1)] = p.externalities.dense[at(1, 1, 0, 0)] = 100.0;
  ASSERT_LT(p.objective({0, 1}), 0.0);
  const AssignmentResult d = solve_descent(p);
  EXPECT_NEAR(d.objective, solve_by_enumeration(p).objective, 1e-12);
  EXPECT_NEAR(d.objective, p.objective(d.assignment), 1e-12);
  SolverOptions cut;
  cut.iteration_limit = 1;  // stopped after one move: still not below 0
  cut.time_limit = 10;
  EXPECT_GE(solve_descent(p, cut).objective, 0.0);
}

TEST(Descent, AutoPicksItBeyondTheTabuSizeLimit) {
  const AssignmentProblem p = test::random_expected_problem(3, Externalities::Form::Factored, 20, 30);
  SolverOptions o;
  o.tabu_size_limit = 40;  // 30 sellers + 20 buyers > 40
  EXPECT_EQ(solve_assignment(p, o).solver, "descent");
  o.tabu_size_limit = 400;
  o.time_limit = 0.05;
  EXPECT_EQ(solve_assignment(p, o).solver, "tabu");
  // without a time or iteration limit the tabu search's default budget is only affordable up to
  // 140 slots: 20 buyers + 130 sellers go to the descent, and to the tabu search once bounded
  const AssignmentProblem wide = test::random_expected_problem(4, Externalities::Form::Factored, 20, 130);
  SolverOptions untimed;
  EXPECT_EQ(choose_solver(wide, untimed), SolverKind::Descent);
  untimed.iteration_limit = 50;
  EXPECT_EQ(choose_solver(wide, untimed), SolverKind::Tabu);
  EXPECT_EQ(choose_solver(p, SolverOptions{}), SolverKind::Tabu) << "20 + 30 slots";
}

}  // namespace
}  // namespace ivassign

#include <chrono>

#include "common/random.hpp"
#include "ivassign/error.hpp"
#include "ivassign/generate.hpp"
#include "solvers/local_search.hpp"

namespace ivassign {
namespace {

/// Drives two searches alike for 8 rounds: a descent, then a kick of 3 buyers or (every third round) a
/// minus-i removal, a descent, and every other round a rollback; `same(what)` compares them after each
/// descent.
template <class Same>
void drive_alike(descent::LocalSearch& a, descent::LocalSearch& b, const AssignmentProblem& p, std::uint64_t seed,
                 std::int64_t& ma, std::int64_t& mb, const Same& same) {
  const std::vector<char> allowed(static_cast<std::size_t>(p.buyers), 1);
  const auto never = std::chrono::steady_clock::time_point::max();
  SplitMix64 ra{seed}, rb{seed};
  for (int round = 0; round < 8; ++round) {
    a.descend(ma, -1, never);
    b.descend(mb, -1, never);
    same("round " + std::to_string(round));
    const std::size_t mark_a = a.mark(), mark_b = b.mark();
    const int out = static_cast<int>(ra.below(p.buyers));
    rb.below(p.buyers);
    std::vector<char> minus = allowed;
    if (round % 3 == 2) {  // a minus-i search: buyer `out` removed, then restored
      minus[static_cast<std::size_t>(out)] = 0;
      a.set_allowed(minus);
      b.set_allowed(minus);
      a.relocate(out, -1);
      b.relocate(out, -1);
    } else {
      a.kick(ra, 3);
      b.kick(rb, 3);
    }
    a.descend(ma, -1, never);
    b.descend(mb, -1, never);
    same("round " + std::to_string(round) + ", after the change");
    if (round % 2 == 0) {
      a.rollback(mark_a);
      b.rollback(mark_b);
    }
    a.set_allowed(allowed);
    b.set_allowed(allowed);
  }
}

/// One search exhaustive (every visited buyer's s + 1 candidates), one with the don't-look marks,
/// driven alike: descents from a random matching, kicks, rollbacks and minus-i style removals.
void expect_marks_change_nothing(const AssignmentProblem& p, std::uint64_t seed, const std::string& what) {
  const PlacementCosts costs(p);
  const double tol = descent::move_tolerance(p);
  const std::vector<char> allowed(static_cast<std::size_t>(p.buyers), 1);
  descent::LocalSearch full(costs, allowed, tol), marked(costs, allowed, tol);
  full.set_exhaustive(true);
  const std::vector<int> start = random_matching(p.buyers, p.sellers, seed);
  full.reset(start);
  marked.reset(start);
  std::int64_t mf = 0, mm = 0;
  drive_alike(full, marked, p, seed, mf, mm, [&](const std::string& when) {
    ASSERT_EQ(full.matching(), marked.matching()) << what << " " << when;
    ASSERT_EQ(mf, mm) << what << " " << when;
    EXPECT_EQ(full.value(), marked.value()) << what << " " << when;
  });
  EXPECT_EQ(full.evaluations(), marked.evaluations()) << what;  // the nominal count agrees
  EXPECT_LT(marked.scored(), full.scored()) << what;            // and fewer were scored
}

TEST(Descent, DontLookMarksMakeTheMovesOfTheExhaustiveScan) {
  for (auto form : kForms)
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
      const int n = 6 + static_cast<int>(seed), s = n + 3;
      const AssignmentProblem p = test::random_expected_problem(seed * 31 + 5, form, n, s);
      expect_marks_change_nothing(p, seed, "form " + std::to_string(static_cast<int>(form)) + " seed " +
                                               std::to_string(seed));
    }
  for (std::uint64_t seed : {7u, 8u}) {  // factored with seller neighbourhoods, the spectrum structure
    const AssignmentProblem p = test::spectrum_problem(40, 120, seed);
    expect_marks_change_nothing(p, seed, "spectrum seed " + std::to_string(seed));
  }
}

/// VCG's minus-i searches on one table (settle, then rollback_settled after each) against each search
/// on a fresh table, exhaustive: the same moves, so the same matchings, with fewer candidates scored.
void expect_settled_rollbacks_change_nothing(const AssignmentProblem& p, const std::string& what,
                                             bool implicit = false) {
  const PlacementCosts costs(p);
  const double tol = descent::move_tolerance(p);
  const std::vector<char> allowed(static_cast<std::size_t>(p.buyers), 1);
  const auto never = std::chrono::steady_clock::time_point::max();
  descent::LocalSearch shared(costs, allowed, tol);
  if (implicit) shared.set_implicit(true);
  shared.reset(random_matching(p.buyers, p.sellers, 3));
  std::int64_t moves = 0;
  shared.descend(moves, -1, never);  // a local optimum
  const std::vector<int> full = shared.matching();
  std::int64_t none = 0;
  ASSERT_TRUE(shared.settle(none)) << what;
  EXPECT_EQ(none, 0) << what;
  std::int64_t fresh_scored = 0;
  const std::int64_t scored_before = shared.scored();
  for (int i = 0; i < p.buyers; ++i) {
    std::vector<char> minus = allowed;
    minus[static_cast<std::size_t>(i)] = 0;
    descent::LocalSearch fresh(costs, minus, tol);
    fresh.set_exhaustive(true);
    if (implicit) fresh.set_implicit(true);
    std::vector<int> start = full;
    start[static_cast<std::size_t>(i)] = -1;
    fresh.reset(start);
    std::int64_t mf = 0, ms = 0;
    fresh.descend(mf, -1, never);
    fresh_scored += fresh.scored();
    shared.set_allowed(minus);
    shared.relocate(i, -1);
    shared.descend(ms, -1, never);
    EXPECT_EQ(shared.matching(), fresh.matching()) << what << " buyer " << i;
    EXPECT_EQ(ms, mf) << what << " buyer " << i;
    EXPECT_NEAR(shared.value(), fresh.value(), 1e-9 * (1.0 + std::abs(fresh.value()))) << what << " buyer " << i;
    shared.rollback_settled();
    shared.set_allowed(allowed);
    ASSERT_EQ(shared.matching(), full) << what << " buyer " << i;
  }
  EXPECT_LT(shared.scored() - scored_before, fresh_scored) << what;
}

/// The search with H on demand against the one with the tables, driven alike (descents, kicks,
/// rollbacks, minus-i removals): the same matchings (their gains differ only by the tables' rounding).
void expect_implicit_changes_nothing(const AssignmentProblem& p, std::uint64_t seed, const std::string& what) {
  const PlacementCosts costs(p);
  const double tol = descent::move_tolerance(p);
  const std::vector<char> allowed(static_cast<std::size_t>(p.buyers), 1);
  descent::LocalSearch tables(costs, allowed, tol), implicit(costs, allowed, tol);
  tables.set_implicit(false);
  implicit.set_implicit(true);
  ASSERT_TRUE(implicit.implicit());
  const std::vector<int> start = random_matching(p.buyers, p.sellers, seed);
  tables.reset(start);
  implicit.reset(start);
  std::int64_t mt = 0, mi = 0;
  drive_alike(tables, implicit, p, seed, mt, mi, [&](const std::string& when) {
    ASSERT_EQ(tables.matching(), implicit.matching()) << what << " " << when;
    ASSERT_EQ(mt, mi) << what << " " << when;
    EXPECT_NEAR(implicit.value(), p.objective(implicit.matching()), 1e-9 * (1.0 + std::abs(tables.value())));
  });
}

TEST(Descent, EntriesOnDemandMakeTheMovesOfTheTables) {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const int n = 6 + static_cast<int>(seed), s = n + 3;
    expect_implicit_changes_nothing(test::random_expected_problem(seed * 13 + 1, Externalities::Form::Factored, n, s),
                                    seed, "factored seed " + std::to_string(seed));
  }
  for (std::uint64_t seed : {7u, 8u}) {  // the spectrum structure: sparse seller neighbourhoods
    const AssignmentProblem p = test::spectrum_problem(40, 120, seed);
    expect_implicit_changes_nothing(p, seed, "spectrum seed " + std::to_string(seed));
    // and the don't-look marks on demand: the moves of the exhaustive scan
    const PlacementCosts costs(p);
    descent::LocalSearch marked(costs, std::vector<char>(static_cast<std::size_t>(p.buyers), 1), descent::move_tolerance(p));
    descent::LocalSearch whole(costs, std::vector<char>(static_cast<std::size_t>(p.buyers), 1), descent::move_tolerance(p));
    marked.set_implicit(true);
    whole.set_implicit(true);
    whole.set_exhaustive(true);
    marked.reset(random_matching(p.buyers, p.sellers, seed));
    whole.reset(random_matching(p.buyers, p.sellers, seed));
    std::int64_t a = 0, b = 0;
    const auto never = std::chrono::steady_clock::time_point::max();
    marked.descend(a, -1, never);
    whole.descend(b, -1, never);
    EXPECT_EQ(marked.matching(), whole.matching());
    EXPECT_LT(marked.scored(), whole.scored());
  }
  // a library caller's negative factors: placements mark as removals do (a cost may fall)
  AssignmentProblem negative = test::random_expected_problem(77, Externalities::Form::Factored, 8, 11);
  for (std::size_t k = 0; k < negative.externalities.buyer.size(); k += 3) negative.externalities.buyer[k] *= -0.5;
  ASSERT_FALSE(PlacementCosts(negative).nonnegative());
  expect_implicit_changes_nothing(negative, 5, "negative factors");
  // only the factored form with seller neighbourhoods has entries on demand
  const AssignmentProblem dense = test::random_expected_problem(2, Externalities::Form::Dense, 4, 5);
  const PlacementCosts dense_costs(dense);
  descent::LocalSearch ls(dense_costs, std::vector<char>(4, 1), descent::move_tolerance(dense));
  EXPECT_FALSE(ls.implicit());
  EXPECT_THROW(ls.set_implicit(true), InputError);
}

TEST(Descent, SettledRollbacksMakeTheMovesOfFreshSearches) {
  for (auto form : kForms)
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      const int n = 7 + static_cast<int>(seed), s = n + 4;
      expect_settled_rollbacks_change_nothing(test::random_expected_problem(seed * 17 + 3, form, n, s),
                                              "form " + std::to_string(static_cast<int>(form)) + " seed " +
                                                  std::to_string(seed));
    }
  const AssignmentProblem spectrum = test::spectrum_problem(40, 120, 9);  // factored with seller neighbourhoods
  expect_settled_rollbacks_change_nothing(spectrum, "spectrum seed 9", false);
  expect_settled_rollbacks_change_nothing(spectrum, "spectrum seed 9, H on demand", true);
}

TEST(Descent, RollbackSettledNeedsASettledState) {
  const AssignmentProblem p = test::random_expected_problem(5, Externalities::Form::Factored, 6, 8);
  const PlacementCosts costs(p);
  descent::LocalSearch ls(costs, std::vector<char>(6, 1), descent::move_tolerance(p));
  ls.reset(random_matching(6, 8, 1));
  EXPECT_THROW(ls.rollback_settled(), Error);
  std::int64_t moves = 0;
  if (!ls.settle(moves)) {  // a random start may move first: then nothing is settled
    EXPECT_THROW(ls.rollback_settled(), Error);
  }
}

}  // namespace
}  // namespace ivassign
