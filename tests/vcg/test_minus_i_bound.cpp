// VCG's externality-aware Lagrangian bound on the minus-i optima (src/vcg/minus_i_bound.cpp): never
// below the exact minus-i optimum, never looser than the bound without externalities, strictly
// tighter where externalities bind; the transfer interval holds the exact VCG transfer.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "ivassign/error.hpp"
#include "ivassign/generate.hpp"
#include "ivassign/posterior.hpp"
#include "ivassign/mechanism.hpp"
#include "ivassign/report_io.hpp"
#include "ivassign/vcg.hpp"
#include "random_instance.hpp"
#include "solvers/placement_costs.hpp"
#include "vcg/minus_i.hpp"

namespace ivassign {
namespace {

SolverOptions exact_options() {
  SolverOptions o;
  o.solver = SolverKind::Enumerate;
  o.threads = 1;
  return o;
}

/// W*_-i by enumeration, for every buyer.
std::vector<double> exact_minus_i(const AssignmentProblem& p) {
  std::vector<double> v(p.buyers);
  for (int i = 0; i < p.buyers; ++i) v[i] = solve_without_buyer(p, i, exact_options()).objective;
  return v;
}

/// The bound without externalities: W*_-i of the linear part alone (enumerated).
std::vector<double> linear_minus_i(const AssignmentProblem& p) {
  return exact_minus_i(AssignmentProblem::linear_only(p.buyers, p.sellers, p.linear));
}

const Externalities::Form kForms[] = {Externalities::Form::Dense, Externalities::Form::Sparse,
                                      Externalities::Form::Factored};

TEST(MinusIBound, NeverBelowTheExactMinusIOptimumAndNeverLooserThanTheLinearBound) {
  int tighter = 0, cases = 0;
  for (Externalities::Form form : kForms)
    for (std::uint64_t seed = 1; seed <= 8; ++seed) {
      const int n = 4 + static_cast<int>(seed % 3), s = 3 + static_cast<int>(seed % 4);
      const AssignmentProblem p = test::random_expected_problem(seed, form, n, s);
      ASSERT_TRUE(p.has_externalities());
      const PlacementCosts costs(p);
      VcgOptions o;
      o.bound_iterations = 200;
      const double target = solve_assignment(p, exact_options()).objective;
      LagrangianStats stats;
      const std::vector<double> bound = lagrangian_minus_i_bounds(costs, target, o, &stats);
      const std::vector<double> exact = exact_minus_i(p), linear = linear_minus_i(p);
      EXPECT_GE(stats.full_bound, target - 1e-9) << "full bound below the full optimum, seed " << seed;
      for (int i = 0; i < n; ++i) {
        ++cases;
        EXPECT_GE(bound[i], exact[i] - 1e-9) << "seed " << seed << " buyer " << i;
        EXPECT_LE(bound[i], linear[i] + 1e-6 * (1.0 + std::abs(linear[i]))) << "seed " << seed << " buyer " << i;
        if (bound[i] < linear[i] - 1e-6) ++tighter;
      }
    }
  // externalities bind on many of these random instances: the bound must price them somewhere
  EXPECT_GT(tighter, cases / 4) << tighter << " of " << cases << " bounds tighter than the linear bound";
}

TEST(MinusIBound, WorkLimitCountsWeightsPricedAndKeepsTheBoundReproducible) {
  const AssignmentProblem p = test::random_expected_problem(3, Externalities::Form::Factored, 6, 5);
  const PlacementCosts costs(p);
  const double target = solve_assignment(p, exact_options()).objective;
  const double weights = static_cast<double>(p.buyers) * p.sellers;
  VcgOptions o;
  o.bound_iterations = 200;
  o.bound_work_limit = 3.0 * weights;  // three pricing rounds: here one LAP round each for iterations 0, 1 and 2
  LagrangianStats first, again, unlimited;
  const std::vector<double> bound = lagrangian_minus_i_bounds(costs, target, o, &first);
  EXPECT_EQ(first.iterations, 2);
  EXPECT_EQ(lagrangian_minus_i_bounds(costs, target, o, &again), bound) << "a counted budget gives the same bound";
  EXPECT_EQ(again.iterations, 2);
  o.bound_work_limit = std::numeric_limits<double>::infinity();
  lagrangian_minus_i_bounds(costs, target, o, &unlimited);
  EXPECT_GT(unlimited.iterations, 2);
  EXPECT_FALSE(std::isfinite(VcgOptions{}.bound_time_limit)) << "no clock by default";
}

// The pair maxima, the savings and the LAP's pricing scan run over threads; every sum is taken in a fixed
// order, so the bounds are bit-identical for any thread count.
TEST(MinusIBound, TheSameBoundOnAnyNumberOfThreads) {
  for (const auto form : {Externalities::Form::Factored, Externalities::Form::Dense}) {
    const AssignmentProblem p = test::random_expected_problem(11, form, 7, 6);
    const PlacementCosts costs(p);
    const double target = solve_assignment(p, exact_options()).objective;
    VcgOptions o;
    o.bound_iterations = 150;
    std::vector<std::vector<double>> bounds;
    std::vector<double> full;
    for (const int threads : {1, 2, 3}) {
      o.search.threads = threads;
      LagrangianStats stats;
      bounds.push_back(lagrangian_minus_i_bounds(costs, target, o, &stats));
      full.push_back(stats.full_bound);
    }
    EXPECT_EQ(bounds[1], bounds[0]);
    EXPECT_EQ(bounds[2], bounds[0]);
    EXPECT_EQ(full[1], full[0]);
    EXPECT_EQ(full[2], full[0]);
  }
}

/// Two buyers who each want their own seller and hurt each other there (C = 8), and a third buyer
/// of little value: W*_-2 = max(20 - 8, 10) = 12, the linear bound 20, the Lagrangian bound with
/// a = 1: LAP(w - 8 on both placements) + 8 = 12.
/// Three buyers and two sellers with weights w and the dense costs c_ij^pq = 4 of `pairs` (i, j, p, q).
AssignmentProblem three_by_two(std::vector<double> w, const std::vector<std::array<int, 4>>& pairs) {
  AssignmentProblem p = AssignmentProblem::linear_only(3, 2, std::move(w));
  auto& e = p.externalities;
  e.form = ExternalityCosts::Form::Dense;
  e.dense.assign(3 * 2 * 3 * 2, 0.0);
  for (const auto& [i, j, q, r] : pairs) e.dense[static_cast<std::size_t>(((i * 2 + j) * 3 + q) * 2 + r)] = 4;
  return p;
}

// c_00^11: buyer 0 at seller 0 bears 4 from buyer 1 at seller 1, and the other way round
AssignmentProblem rivals() { return three_by_two({10, 0, 0, 10, 0.1, 0.1}, {{0, 0, 1, 1}, {1, 1, 0, 0}}); }

TEST(MinusIBound, StrictlyTighterThanTheLinearBoundOnAConstructedCase) {
  const AssignmentProblem p = rivals();
  const PlacementCosts costs(p);
  VcgOptions o;
  const std::vector<double> bound = lagrangian_minus_i_bounds(costs, 12.0, o);
  EXPECT_NEAR(exact_minus_i(p)[2], 12.0, 1e-12);
  EXPECT_NEAR(linear_minus_i(p)[2], 20.0, 1e-12);
  EXPECT_GE(bound[2], 12.0 - 1e-9);
  EXPECT_LE(bound[2], 12.0 + 1e-6) << "the Lagrangian bound is exact here";
  // through VCG: a search that proves nothing (descent) gets the interval from the new bound
  o.search.solver = SolverKind::Descent;
  o.search.threads = 1;
  const VcgResult with = solve_with_vcg(p, o);
  o.bound_iterations = 0;
  const VcgResult without = solve_with_vcg(p, o);
  // the Lagrangian bound meets the value found: proven to the certified tolerance, a point interval
  EXPECT_TRUE(with.proven[2]);
  ASSERT_FALSE(without.proven[2]);
  EXPECT_NEAR(without.transfer_error_bound[2], 20.0 - without.minus_i_welfare[2], without.certified_tolerance);
  EXPECT_LE(with.transfer_error_bound[2], with.certified_tolerance);
  EXPECT_LT(with.transfer_error_bound[2], without.transfer_error_bound[2] - 7.0);
}

TEST(MinusIBound, VcgSkipsABoundItsWorkLimitCutsBelowAHundredSteps) {
  const AssignmentProblem p = rivals();
  VcgOptions o;
  o.search.solver = SolverKind::Descent;
  o.search.threads = 1;
  const double weights = static_cast<double>(p.buyers) * p.sellers;
  o.bound_work_limit = 50 * weights;  // 50 steps of the 1000 asked for: skipped
  const VcgResult skipped = solve_with_vcg(p, o);
  ASSERT_FALSE(skipped.proven[2]);
  EXPECT_NEAR(skipped.transfer_error_bound[2], 20.0 - skipped.minus_i_welfare[2], skipped.certified_tolerance)
      << "the linear bound only";
  o.bound_iterations = 50;  // 50 asked for and affordable: run
  const VcgResult run = solve_with_vcg(p, o);
  EXPECT_LT(run.transfer_error_bound[2], skipped.transfer_error_bound[2] - 7.0);
}

/// Buyer 0 wants seller 0 (10); buyers 1 and 2 want seller 1 (10 and 9.9) and each costs buyer 0
/// C = 8 there. W* = 12 (0 and 1), W*_-0 = 10, W*_-1 = 11.9, W*_-2 = 12. A multiplier per pair of
/// placements adds a penalty for each rival of buyer 0 (a sum over the pairs), which stays above 12;
/// the multipliers per licence pair and label pay only the pair's maximum: lambda_0(0) = 8,
/// lambda_1(1) = 8, lambda_1(2) = 7.9 give E = 8 and LAP 2 + 2: exact for the full problem, without
/// buyer 0 and without buyer 2. Without buyer 1 they give 2 + 2 + 8 = 12 > 11.9 (one multiplier vector
/// serves all n problems, and the full problem's optimal one is not buyer 1's).
AssignmentProblem rivals_for_one_licence() {
  return three_by_two({10, 0, 0, 10, 0, 9.9}, {{0, 0, 1, 1}, {1, 1, 0, 0}, {0, 0, 2, 1}, {2, 1, 0, 0}});
}

TEST(MinusIBound, PaysOnePairsMaximumNotASumOverItsRivals) {
  const AssignmentProblem p = rivals_for_one_licence();
  const PlacementCosts costs(p);
  LagrangianStats stats;
  const std::vector<double> bound = lagrangian_minus_i_bounds(costs, 12.0, SolverOptions{}, &stats);
  const std::vector<double> exact = exact_minus_i(p);
  EXPECT_NEAR(exact[0], 10.0, 1e-12);
  EXPECT_NEAR(exact[1], 11.9, 1e-12);
  EXPECT_NEAR(exact[2], 12.0, 1e-12);
  EXPECT_NEAR(stats.full_bound, 12.0, 1e-3);
  EXPECT_EQ(stats.pairs, 1) << "one licence pair holds both rivalries";
  for (int i = 0; i < 3; ++i) {
    EXPECT_GE(bound[i], exact[i] - 1e-9) << "buyer " << i;
    EXPECT_LE(bound[i], (i == 1 ? 12.0 : exact[i]) + 1e-3) << "buyer " << i;
  }
}

TEST(MinusIBound, TransferIntervalHoldsTheExactTransferOfTheChargedMatching) {
  int tighter = 0;
  for (Externalities::Form form : kForms)
    for (std::uint64_t seed = 11; seed <= 16; ++seed) {
      const AssignmentProblem p = test::random_expected_problem(seed, form, 6, 5);
      SolverOptions o;
      o.solver = SolverKind::Descent;  // proves nothing: every interval comes from the bounds
      o.threads = 2;
      const VcgResult v = solve_with_vcg(p, o);
      const std::vector<double> exact = exact_minus_i(p), linear = linear_minus_i(p);
      bool certified = v.welfare_gap <= v.certified_tolerance;
      for (int i = 0; i < p.buyers; ++i) {
        const double others = v.welfare - v.payoffs[i];
        const double x = others - exact[i];  // the exact VCG transfer of the charged matching
        const auto [lo, hi] = v.transfer_interval[i];
        EXPECT_LE(lo, x + 1e-9) << "seed " << seed << " buyer " << i;
        EXPECT_GE(hi, x - 1e-9) << "seed " << seed << " buyer " << i;
        EXPECT_EQ(hi, v.transfers[i]);
        EXPECT_NEAR(hi - lo, v.transfer_error_bound[i], 1e-12);
        EXPECT_GE(v.minus_i_upper_bound[i], exact[i] - 1e-9);
        if (v.minus_i_upper_bound[i] < linear[i] - 1e-6) ++tighter;
        if (v.transfer_error_bound[i] > v.certified_tolerance) certified = false;
      }
      EXPECT_EQ(v.transfers_certified, certified) << "the welfare gap and every width within the tolerance";
    }
  EXPECT_GT(tighter, 0) << "no interval came from the externality-aware bound";
}

/// Spectrum markets at the observed profile, large enough for the shared descent: VCG's matching is
/// never worse than the descent's; where the descent from the bound's best LAP maximizer ends higher,
/// that matching is charged (full_improved) and every interval still holds the transfer it reports.
TEST(MinusIBound, LagrangianHeuristicChargesABetterMatchingWhenItFindsOne) {
  int improved = 0;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    SpectrumOptions g;
    g.buyers = 70;
    g.licences = 280;
    g.seed = seed;
    const Instance in = generate_spectrum(g);
    const AssignmentProblem p = expected_problem(in, posterior_of_profile(in, in.observed));
    SolverOptions o;
    o.solver = SolverKind::Descent;
    o.threads = 1;
    const AssignmentResult full = solve_assignment(p, o);
    const VcgResult v = vcg_transfers(p, full, o);
    EXPECT_NEAR(check_assignment(p, v.assignment), v.welfare, 1e-6 * (1.0 + std::abs(v.welfare)));
    EXPECT_GE(v.welfare, full.objective - 1e-9) << "seed " << seed;
    if (v.full_improved) {
      ++improved;
      EXPECT_GT(v.welfare, full.objective) << "seed " << seed;
    }
    for (int i = 0; i < p.buyers; ++i) {
      EXPECT_LE(v.transfer_interval[i][0], v.transfers[i]) << "seed " << seed << " buyer " << i;
      EXPECT_EQ(v.transfer_interval[i][1], v.transfers[i]) << "seed " << seed << " buyer " << i;
      EXPECT_LE(v.transfers[i], 0.0) << "seed " << seed << " buyer " << i;
    }
  }
  EXPECT_GT(improved, 0) << "the heuristic never beat the descent from scratch";
}

TEST(MinusIBound, ProvenSearchesGivePointIntervalsAndTheBudgetIsValidated) {
  const AssignmentProblem p = test::random_expected_problem(3, Externalities::Form::Dense, 5, 5);
  const VcgResult v = solve_with_vcg(p, exact_options());
  for (int i = 0; i < p.buyers; ++i) {
    ASSERT_TRUE(v.proven[i]);
    EXPECT_NEAR(v.transfer_interval[i][0], v.transfers[i], v.certified_tolerance) << "a point to the tolerance";
    EXPECT_EQ(v.transfer_interval[i][1], v.transfers[i]);
  }
  EXPECT_TRUE(v.welfare_proven);
  EXPECT_TRUE(v.transfers_certified);
  VcgOptions bad;
  bad.bound_iterations = -1;
  try {
    solve_with_vcg(p, bad);
    ADD_FAILURE() << "bound_iterations -1 accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bound_iterations"), std::string::npos) << e.what();
  }
  bad = {};
  bad.bound_time_limit = 0.0;
  try {
    solve_with_vcg(p, bad);
    ADD_FAILURE() << "bound_time_limit 0 accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bound_time_limit"), std::string::npos) << e.what();
  }
  bad = {};
  bad.bound_work_limit = 0.0;
  try {
    solve_with_vcg(p, bad);
    ADD_FAILURE() << "bound_work_limit 0 accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bound_work_limit"), std::string::npos) << e.what();
  }
}

TEST(MinusIBound, ReportWritesIntervalsOnlyWhereAMinusIValueIsUnproven) {
  test::RandomSpec spec;
  spec.buyers = 5;
  spec.sellers = 5;
  spec.signals.assign(5, 2);
  spec.prior = Prior::Form::PerBuyer;
  spec.externalities = Externalities::Form::Factored;
  const Instance in = test::random_instance(spec, 21);
  MechanismOptions opt;
  opt.delta_mode = DeltaMode::Value;
  opt.delta_value = 1.0;
  opt.compute_exact_delta = false;
  opt.threads = 1;
  opt.vcg.search.solver = SolverKind::Descent;  // proves no minus-i value
  const MechanismReport unproven = run_mechanism(in, {std::vector<int>(5, 0)}, opt);
  const nlohmann::json doc = nlohmann::json::parse(report_to_json(unproven));
  const auto& row = doc["profiles"][0];
  ASSERT_TRUE(row.contains("transfer_interval"));
  ASSERT_EQ(row["transfer_interval"].size(), 5u);
  for (int i = 0; i < 5; ++i) {
    const double lo = row["transfer_interval"][i][0], hi = row["transfer_interval"][i][1];
    EXPECT_EQ(hi, row["transfers"][i].get<double>());
    EXPECT_NEAR(hi - lo, row["transfer_error_bound"][i].get<double>(), 1e-12);
  }
  EXPECT_EQ(row["transfers_certified"].get<bool>(), unproven.profiles[0].transfers_certified);
  // report-format.md, "Certified outcomes": every key of the block, one shape
  for (const char* key : {"welfare_upper_bound", "welfare_gap", "minus_i_upper_bound", "utility_interval",
                          "stage2_gain_bound", "expected_rewards", "certified_tolerance"})
    EXPECT_TRUE(row.contains(key)) << key;
  EXPECT_NEAR(row["welfare_gap"].get<double>(),
              row["welfare_upper_bound"].get<double>() - row["welfare"].get<double>(), 1e-9);
  ASSERT_TRUE(doc.contains("certified"));
  double gain_max = 0.0;
  for (const auto& g : row["stage2_gain_bound"]) gain_max = std::max(gain_max, g.get<double>());
  EXPECT_EQ(doc["certified"]["stage2_gain_bound_max"].get<double>(), gain_max);
  opt.vcg.search.solver = SolverKind::Enumerate;  // every minus-i value proven: the report keeps its old keys
  const nlohmann::json proven = nlohmann::json::parse(report_to_json(run_mechanism(in, {std::vector<int>(5, 0)}, opt)));
  EXPECT_FALSE(proven["profiles"][0].contains("transfer_interval"));
  EXPECT_FALSE(proven["profiles"][0].contains("transfers_certified"));
  EXPECT_FALSE(proven.contains("certified"));
}

}  // namespace
}  // namespace ivassign
