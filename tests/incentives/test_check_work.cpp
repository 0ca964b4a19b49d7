// check's counted work (CheckOptions::work_limit): the defaults' counts cut to fit and the cut reported,
// explicit counts kept, small instances unchanged; the certified stage-2 gain bound beside the probed gains;
// progress through the stages.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ivassign/error.hpp"
#include "ivassign/incentives.hpp"
#include "ivassign/io.hpp"
#include "random_instance.hpp"
#include "test_support.hpp"

namespace ivassign {
namespace {

/// Options whose counts are the defaults; a budget profile counts 19 x 54 = 1026 LAP weights, a solve 54.
CheckOptions cheap_options() {
  CheckOptions opt;
  opt.mechanism.delta_mode = DeltaMode::Theorem1;
  opt.mechanism.max_exact_profiles = 1000;
  return opt;
}

TEST(CheckWork, CutsTheDefaultCountsToTheLimitAndReportsWhatItSkipped) {
  const Instance in = test::large_symmetric_market();
  CheckOptions opt = cheap_options();
  opt.work_limit = 1e4;  // the budget: 5e3 / 1026 = 4 profiles; stage 2: (1e4 - 4104) / 54 = 109 solves
  const CheckReport r = check_incentives(in, opt);
  EXPECT_EQ(r.budget.method, "sampled");
  EXPECT_EQ(r.budget.profiles, 4u);
  EXPECT_EQ(r.work.budget_profiles_skipped, 252u);
  // 109 solves: one profile (its truthful solve), 1 of its buyers with 9 + 3 + 12 + 40 = 64 misreports each
  EXPECT_EQ(r.stage2.profiles_probed, 1);
  EXPECT_EQ(r.stage2.buyers_per_profile, 1);
  EXPECT_EQ(r.stage2.misreports_tried, 64);
  EXPECT_EQ(r.work.stage2_misreports_skipped, 16 * 16 * 64 - 64) << "of 16 profiles x 16 buyers x 64";
  EXPECT_DOUBLE_EQ(r.work.limit, 1e4);
  EXPECT_DOUBLE_EQ(r.work.used, 4 * 1026.0 + (64 + 1) * 54.0);
  EXPECT_LE(r.work.used, r.work.limit);
  const auto doc = nlohmann::json::parse(check_report_to_json(r));
  EXPECT_EQ(doc["work"]["budget_profiles_skipped"], 252);
  EXPECT_EQ(doc["work"]["stage2_misreports_skipped"], 16 * 16 * 64 - 64);
  EXPECT_EQ(doc["stage2"]["misreports_tried"], 64) << "the existing keys stay";

  // more: 14 profiles in the budget ((3e4 / 2) / 1026, of 256), stage 2 (3e4 - 14364) / 54 = 289 solves,
  // one profile with 4 buyers
  opt.work_limit = 3e4;
  const CheckReport more = check_incentives(in, opt);
  EXPECT_EQ(more.budget.profiles, 14u);
  EXPECT_EQ(more.stage2.profiles_probed, 1);
  EXPECT_EQ(more.stage2.buyers_per_profile, 4);
  EXPECT_EQ(more.stage2.misreports_tried, 4 * 64);

  // fewer solves than a buyer's misreports: one buyer, its first misreports only; below 2 solves, no probe
  opt.work_limit = 2 * 1026 + 30 * 54;  // the budget: 1 profile; stage 2: (3672 - 1026) / 54 = 49 solves
  const CheckReport few = check_incentives(in, opt);
  EXPECT_EQ(few.budget.profiles, 1u);
  EXPECT_EQ(few.stage2.buyers_per_profile, 1);
  EXPECT_EQ(few.stage2.misreports_tried, 48) << "the truthful solve and the first 48 misreports";
  opt.work_limit = 1;
  const CheckReport none = check_incentives(in, opt);
  EXPECT_EQ(none.budget.profiles, 1u) << "the budget needs one profile";
  EXPECT_EQ(none.stage2.profiles_probed, 0);
  EXPECT_EQ(none.stage2.misreports_tried, 0);
  EXPECT_EQ(none.work.stage2_misreports_skipped, 16 * 16 * 64);
}

TEST(CheckWork, ExplicitCountsWin) {
  const Instance in = test::large_symmetric_market();
  CheckOptions opt = cheap_options();
  opt.work_limit = 1;
  opt.budget_samples = 8;
  opt.stage2_profiles = 2;
  const CheckReport r = check_incentives(in, opt);
  EXPECT_EQ(r.budget.profiles, 8u);
  EXPECT_EQ(r.work.budget_profiles_skipped, 0u);
  EXPECT_EQ(r.stage2.profiles_probed, 2);
  EXPECT_EQ(r.stage2.buyers_per_profile, 16);
  EXPECT_EQ(r.stage2.misreports_tried, 2 * 16 * 64);
  EXPECT_EQ(r.work.stage2_misreports_skipped, 0);
  EXPECT_GT(r.work.used, r.work.limit) << "explicit counts are kept over the limit";
  opt.stage2_profiles = CheckOptions{}.stage2_profiles;
  opt.stage2_buyers = 2;  // one stage-2 count set: stage 2 is kept whole
  const CheckReport buyers = check_incentives(in, opt);
  EXPECT_EQ(buyers.stage2.profiles_probed, 8);
  EXPECT_EQ(buyers.stage2.misreports_tried, 8 * 2 * 64);
  // no limit: every default count
  CheckOptions unlimited = cheap_options();
  unlimited.work_limit = 0;
  unlimited.random_misreports = 1;
  unlimited.local_search_steps = 1;
  const CheckReport all = check_incentives(in, unlimited);
  EXPECT_EQ(all.budget.profiles, 256u);
  EXPECT_EQ(all.stage2.profiles_probed, 16);
  EXPECT_EQ(all.stage2.misreports_tried, 16 * 16 * (9 + 3 + 1 + 1));
}

TEST(CheckWork, InvalidLimitsAreRefused) {
  const Instance in = test::large_symmetric_market();
  CheckOptions opt = cheap_options();
  for (double bad : {-1.0, std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()}) {
    opt.work_limit = bad;
    EXPECT_THROW(check_incentives(in, opt), InputError) << bad;
  }
}

/// The report without what may differ between runs (seconds) and the limit itself.
nlohmann::json comparable(const CheckReport& r) {
  auto doc = nlohmann::json::parse(check_report_to_json(r));
  doc.erase("seconds");
  doc["work"].erase("limit");
  return doc;
}

TEST(CheckWork, SmallInstancesKeepEveryCountUnderTheDefaultLimit) {
  std::vector<std::string> paths;
  for (const char* n : {"toy-2x2", "ci-3x3", "joint-3x4", "rect-3x2"}) paths.push_back(test::examples_dir() + "/" + n + ".json");
  paths.push_back(std::string(IVASSIGN_SOURCE_DIR) + "/examples/spectrum-small.json");
  for (const auto& path : paths) {
    SCOPED_TRACE(path);
    const Instance in = load_instance(path);
    CheckOptions opt;
    const CheckReport bounded = check_incentives(in, opt);
    opt.work_limit = 0;
    const CheckReport unlimited = check_incentives(in, opt);
    EXPECT_EQ(bounded.work.budget_profiles_skipped, 0u);
    EXPECT_EQ(bounded.work.stage2_misreports_skipped, 0);
    EXPECT_LE(bounded.work.used, CheckOptions{}.work_limit);
    EXPECT_EQ(comparable(bounded), comparable(unlimited));
  }
}

TEST(CheckBounds, NoProbedGainAboveItsCertifiedBoundWithHeuristicSolvers) {
  for (SolverKind kind : {SolverKind::Descent, SolverKind::Tabu}) {
    for (std::uint64_t seed : {1, 2, 3}) {
      SCOPED_TRACE(to_string(kind) + " seed " + std::to_string(seed));
      test::RandomSpec spec;
      spec.buyers = 4;
      spec.sellers = 5;
      spec.signals.assign(4, 2);
      spec.externalities = Externalities::Form::Dense;
      const Instance in = test::random_instance(spec, seed);
      CheckOptions opt;
      opt.mechanism.vcg.search.solver = kind;
      opt.stage2_profiles = 4;
      opt.random_misreports = 4;
      opt.local_search_steps = 8;
      const CheckReport r = check_incentives(in, opt);
      ASSERT_EQ(r.stage2.pairs.size(), 4u * 4u);
      EXPECT_EQ(r.stage2.probed_profiles.size(), 4u);
      double largest = 0.0;
      for (const auto& p : r.stage2.pairs) {
        EXPECT_LE(p.mechanism_gain, p.bound) << "buyer " << p.buyer << " profile " << p.profile;
        EXPECT_GE(p.bound, 0.0);
        largest = std::max(largest, p.bound);
      }
      EXPECT_DOUBLE_EQ(r.stage2.certified_gain_bound_max, largest);
      EXPECT_TRUE(r.stage2.bounds_hold);
      EXPECT_TRUE(r.stage2.violations.empty());
      const auto doc = nlohmann::json::parse(check_report_to_json(r));
      EXPECT_EQ(doc["stage2"]["bound_violations"], 0);
      EXPECT_EQ(doc["stage2"]["bounds_hold"], true);
      EXPECT_EQ(doc["stage2"]["probed"].size(), 16u);
    }
  }
}

TEST(CheckProgress, ReportsTheMechanismsStagesAndTheStageTwoMisreports) {
  const Instance in = test::large_symmetric_market();
  CheckOptions opt = cheap_options();
  opt.work_limit = 1e4;
  std::vector<std::string> stages;
  double last = -1.0;
  bool monotone = true;
  opt.progress = [&](double f, const std::string& stage) {
    monotone = monotone && f >= last;
    last = f;
    stages.push_back(stage);
  };
  check_incentives(in, opt);
  auto seen = [&](const std::string& prefix) {
    for (const auto& s : stages)
      if (s.rfind(prefix, 0) == 0) return true;
    return false;
  };
  EXPECT_TRUE(seen("mechanism: measures"));
  EXPECT_TRUE(seen("mechanism: truthful outcomes"));
  EXPECT_TRUE(seen("stage-2 misreports 64 of 64"));
  EXPECT_TRUE(monotone);
  EXPECT_DOUBLE_EQ(last, 1.0);
}

TEST(CheckWorkCli, TheFlagSetsTheLimitAndBadValuesAreRefused) {
  const std::string toy = test::examples_dir() + "/toy-2x2.json";
  auto r = test::run_cli("check '" + toy + "' --quiet --work-limit 0");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["work"]["limit"], 0.0);
  EXPECT_EQ(doc["work"]["stage2_misreports_skipped"], 0);
  EXPECT_EQ(doc["stage2"]["bounds_hold"], true);
  r = test::run_cli("check '" + toy + "' --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["work"]["limit"], CheckOptions{}.work_limit);
  for (const char* bad : {"-1", "inf", "nan"}) {
    r = test::run_cli("check '" + toy + "' --quiet --work-limit " + bad);
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_NE(r.err.find("--work-limit"), std::string::npos) << bad << ": " << r.err;
  }
}

}  // namespace
}  // namespace ivassign
