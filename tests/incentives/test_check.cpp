// Incentive checks: stage 1 passes at delta.exact and fails just below it, stage-2 probing finds no
// gain with an exact solver, budget identities, the replica experiment.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <numeric>

#include <nlohmann/json.hpp>

#include "ivassign/error.hpp"
#include "ivassign/generate.hpp"
#include "ivassign/incentives.hpp"
#include "ivassign/io.hpp"
#include "random_instance.hpp"
#include "test_support.hpp"

namespace ivassign {
namespace {

std::vector<std::string> bundled() {
  std::vector<std::string> paths;
  for (const char* n : {"toy-2x2", "ci-3x3", "joint-3x4", "rect-3x2"}) paths.push_back(test::examples_dir() + "/" + n + ".json");
  paths.push_back(std::string(IVASSIGN_SOURCE_DIR) + "/examples/spectrum-small.json");
  return paths;
}

TEST(CheckStageOne, PassesAtDeltaExactAndFindsTheLieJustBelow) {
  for (const auto& path : bundled()) {
    SCOPED_TRACE(path);
    const Instance in = load_instance(path);
    CheckOptions opt;
    opt.stage2_profiles = 2;
    opt.random_misreports = 2;
    opt.local_search_steps = 4;
    const CheckReport at = check_incentives(in, opt);
    ASSERT_TRUE(at.delta_exact.has_value());
    EXPECT_DOUBLE_EQ(at.delta, *at.delta_exact);
    EXPECT_EQ(at.stage1.method, "exact");
    EXPECT_TRUE(at.stage1.truthful) << "min margin " << at.stage1.min_margin;
    if (*at.delta_exact <= 0) continue;
    opt.mechanism.delta_mode = DeltaMode::Value;
    opt.mechanism.delta_value = *at.delta_exact * (1 - 1e-6);
    const CheckReport below = check_incentives(in, opt);
    EXPECT_FALSE(below.stage1.truthful);
    EXPECT_LT(below.stage1.min_margin, 0.0);
    EXPECT_GT(below.stage1.worst.gain, below.stage1.worst.reward_loss);
  }
}

TEST(CheckStageTwo, ExactSolverLeavesNoProfitableMisreport) {
  for (const auto& path : bundled()) {
    SCOPED_TRACE(path);
    CheckOptions opt;
    opt.stage2_profiles = 4;
    const CheckReport r = check_incentives(load_instance(path), opt);
    EXPECT_TRUE(r.stage2.solver_exact);
    EXPECT_LE(r.stage2.max_gain, 1e-9 * r.bound);
    EXPECT_GT(r.stage2.misreports_tried, 4 * 20);
    EXPECT_GE(r.stage2.profiles_probed, 1);
  }
}

TEST(CheckBudget, ExpectationsMatchTheReportAndIrHolds) {
  const Instance in = load_instance(test::examples_dir() + "/ci-3x3.json");
  CheckOptions opt;
  opt.stage2_profiles = 1;
  const CheckReport r = check_incentives(in, opt);
  const MechanismReport m = run_mechanism(in, all_profiles(in));
  double rewards = 0, revenue = 0, mass = 0;
  for (const auto& p : m.profiles) {
    const double w = profile_probability(in, p.profile);
    mass += w;
    rewards += w * std::accumulate(p.rewards.begin(), p.rewards.end(), 0.0);
    revenue -= w * std::accumulate(p.transfers.begin(), p.transfers.end(), 0.0);
  }
  EXPECT_NEAR(mass, 1.0, 1e-12);
  EXPECT_NEAR(r.budget.expected_rewards, rewards, 1e-9);
  EXPECT_NEAR(r.budget.expected_revenue, revenue, 1e-9);
  EXPECT_GE(r.budget.deficit_probability, 0.0);
  EXPECT_LE(r.budget.deficit_probability, 1.0);
  EXPECT_TRUE(r.budget.ex_post_ir);  // VCG is IR and rewards are >= 0
  EXPECT_EQ(r.rows.size(), 27u);
}

TEST(CheckLargeMarket, UsesTheTheoremOneConditionAndSampledBudget) {
  const Instance in = test::large_symmetric_market();
  CheckOptions opt;
  opt.budget_samples = 8;
  opt.stage2_profiles = 1;
  opt.random_misreports = 1;
  opt.local_search_steps = 1;
  opt.mechanism.max_exact_profiles = 1000;
  opt.mechanism.delta_mode = DeltaMode::Exact;
  EXPECT_THROW(check_incentives(in, opt), InputError);  // delta.exact over 3^18 profiles, asked for
  opt.mechanism.delta_mode = DeltaMode::Auto;
  EXPECT_EQ(check_incentives(in, opt).delta_source, "theorem1");  // the default: theorem1 beyond the limits
  opt.mechanism.delta_mode = DeltaMode::Theorem1;
  const CheckReport r = check_incentives(in, opt);
  EXPECT_EQ(r.stage1.method, "theorem1_condition");
  EXPECT_TRUE(r.stage1.truthful) << "delta.theorem1 meets its own condition";
  EXPECT_EQ(r.budget.method, "sampled");
  EXPECT_EQ(r.budget.profiles, 8u);
  // stage 2 probes a seeded sample of 16 of the 18 buyers by default, every buyer with 0
  EXPECT_EQ(r.stage2.buyers_per_profile, 16);
  opt.stage2_buyers = 0;
  const CheckReport all = check_incentives(in, opt);
  EXPECT_EQ(all.stage2.buyers_per_profile, 18);
  EXPECT_EQ(all.stage2.misreports_tried * 16, r.stage2.misreports_tried * 18) << "the same probes per buyer";
  opt.stage2_buyers = -1;
  EXPECT_THROW(check_incentives(in, opt), InputError);
}

TEST(Replica, TotalRewardsFallWithTheMarketAndTheConditionEventuallyHolds) {
  const Instance base = load_instance(std::string(IVASSIGN_SOURCE_DIR) + "/examples/replica-base.json");
  ReplicaOptions opt;
  opt.sizes = {4, 8, 16, 32, 64, 128, 256};
  opt.welfare_samples = 0;
  const ReplicaReport r = replica_experiment(base, opt);
  ASSERT_EQ(r.rows.size(), 7u);
  for (std::size_t k = 1; k < r.rows.size(); ++k) {
    EXPECT_LT(r.rows[k].expected_total_rewards, r.rows[k - 1].expected_total_rewards);
    EXPECT_LE(r.rows[k].informational_size, r.rows[k - 1].informational_size + 1e-15);
    // total rewards are O(n^-(k+1)): doubling n divides them by 2^(k+1) = 8
    EXPECT_NEAR(r.rows[k - 1].expected_total_rewards / r.rows[k].expected_total_rewards, 8.0, 1e-9);
  }
  EXPECT_FALSE(r.rows.front().incentive_condition);
  EXPECT_TRUE(r.rows.back().incentive_condition);
}

TEST(Replica, ReplicasAreValidCopiesAndTheBaseMustBeSymmetric) {
  const Instance base = load_instance(std::string(IVASSIGN_SOURCE_DIR) + "/examples/replica-base.json");
  const Instance r = replicate_market(base, 6);
  EXPECT_EQ(r.buyers, 6);
  EXPECT_EQ(r.sellers, 6);
  EXPECT_EQ(r.valuations[r.value_index(1, 4, 3)], base.valuations[base.value_index(1, 0, 1)]);
  const Instance joint = load_instance(test::examples_dir() + "/toy-2x2.json");
  EXPECT_THROW(replicate_market(joint, 4), InputError);
}

TEST(CheckCli, ReportAndPlots) {
  const std::string dir = test::temp_dir();
  auto r = test::run_cli("check '" + test::examples_dir() + "/toy-2x2.json' --plot " + dir + "/plots --stage2-profiles 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["format"], "ivassign-check/1");
  for (const char* key : {"delta", "stage1", "stage2", "budget"}) EXPECT_TRUE(doc.contains(key)) << key;
  for (const char* key : {"truthful", "min_margin", "worst"}) EXPECT_TRUE(doc["stage1"].contains(key)) << key;
  for (const char* key : {"expected_rewards", "expected_revenue", "deficit_probability"})
    EXPECT_TRUE(doc["budget"].contains(key)) << key;
  for (const char* f : {"stage1-margins.svg", "budget-per-profile.svg"}) {
    std::ifstream in(dir + "/plots/" + f);
    std::string svg((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(svg.find("<svg"), std::string::npos) << f;
    EXPECT_NE(svg.find("<text"), std::string::npos) << f;
  }
  r = test::run_cli(std::string("replica --base '") + IVASSIGN_SOURCE_DIR + "/examples/replica-base.json' --sizes 4,8 --welfare-samples 0 --plot " + dir + "/rp");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["rows"].size(), 2u);
  EXPECT_TRUE(std::filesystem::exists(dir + "/rp/replica-rewards.svg"));
  r = test::run_cli(std::string("replica --base '") + IVASSIGN_SOURCE_DIR + "/examples/replica-base.json' --sizes 4,1");
  EXPECT_EQ(r.exit_code, 2);
  r = test::run_cli("replica --base '" + test::examples_dir() + "/toy-2x2.json' --sizes 4");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("symmetric"), std::string::npos) << r.err;
}

/// 7 firms with 3 signals and interference: delta.exact (2187 profiles x 15 QAP solves) is refused.
SpectrumOptions too_large_for_delta_exact() {
  SpectrumOptions o;
  o.buyers = 7;
  o.licences = 4;
  o.seed = 9;
  return o;
}

TEST(CheckOptions, RefusedDeltaExactAdvisesLibraryOptionsThatWork) {
  const Instance in = generate_spectrum(too_large_for_delta_exact());
  CheckOptions opt;
  opt.stage2_profiles = 1;
  opt.mechanism.delta_mode = DeltaMode::Exact;
  try {
    check_incentives(in, opt);
    ADD_FAILURE() << "delta.exact was not refused";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("set MechanismOptions::delta_mode = Theorem1 or Value"), std::string::npos) << what;
    EXPECT_EQ(what.find("--"), std::string::npos) << "the library names no command-line flag: " << what;
  }
  opt.mechanism.delta_mode = DeltaMode::Theorem1;  // as advised
  EXPECT_EQ(check_incentives(in, opt).stage1.method, "theorem1_condition");
}

TEST(CheckCli, RefusedDeltaExactAdvisesFlagsThatWork) {
  const std::string path = test::temp_dir() + "/seven.json";
  save_instance(generate_spectrum(too_large_for_delta_exact()), path);
  auto r = test::run_cli("check '" + path + "' --quiet --delta exact");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("; check with --delta theorem1 or --delta VALUE ("), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("MechanismOptions::delta_mode"), std::string::npos) << r.err;
  for (const char* delta : {"theorem1", "0.5"}) {  // the advice, as written
    r = test::run_cli("check '" + path + "' --quiet --delta " + delta);
    EXPECT_EQ(r.exit_code, 0) << delta << ": " << r.err;
  }
}

}  // namespace
}  // namespace ivassign
