// Property tests on seeded random instances (every prior and externality form, s != n): the
// mechanism against the naive oracle of tests/oracle.hpp.
#include <gtest/gtest.h>

#include <cmath>

#include "ivassign/backend.hpp"
#include "ivassign/error.hpp"
#include "ivassign/generate.hpp"
#include "ivassign/mechanism.hpp"
#include "ivassign/posterior.hpp"
#include "ivassign/prior.hpp"
#include "ivassign/report_io.hpp"
#include "ivassign/vcg.hpp"
#include "oracle.hpp"
#include "random_instance.hpp"

namespace ivassign {
namespace {

struct Case {
  Prior::Form prior;
  Externalities::Form ext;
  int sellers;
};

class MechanismProperties : public ::testing::TestWithParam<Case> {};

TEST_P(MechanismProperties, AgreesWithTheNaiveOracleAndKeepsItsGuarantees) {
  const Case c = GetParam();
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    test::RandomSpec spec;
    spec.prior = c.prior;
    spec.externalities = c.ext;
    spec.sellers = c.sellers;
    spec.signals = {2, 2, 2};
    const Instance in = test::random_instance(spec, seed * 7919 + static_cast<std::uint64_t>(c.sellers));
    SCOPED_TRACE("seed " + std::to_string(seed));
    MechanismOptions opt;
    opt.backend = Backend::Cpu;
    const MechanismReport rep = run_mechanism(in, all_profiles(in), opt);
    const auto J = test::oracle::joint(in);
    const int n = in.buyers;
    const double tol = 1e-9 * (1 + rep.bound);
    std::vector<std::vector<double>> minus(rep.profiles.size(), std::vector<double>(n));
    std::vector<double> welfare(rep.profiles.size());
    for (std::size_t b = 0; b < rep.profiles.size(); ++b) {
      const auto& p = rep.profiles[b];
      const auto pi = test::oracle::posterior(in, J, b);
      welfare[b] = test::oracle::best_welfare(in, pi, -1);
      EXPECT_NEAR(p.welfare, welfare[b], tol) << "welfare is the brute-force maximum";
      double sum = 0;
      for (int i = 0; i < n; ++i) {
        sum += test::oracle::payoff(in, p.assignment, i, pi, pi);
        minus[b][i] = test::oracle::best_welfare(in, pi, i);
        EXPECT_LE(p.transfers[i], tol) << "no deficit before rewards";
        EXPECT_GE(p.payoffs[i] + p.transfers[i], -tol) << "individual rationality";
        EXPECT_NEAR(p.payoffs[i] + p.transfers[i], welfare[b] - minus[b][i], tol) << "VCG net utility";
      }
      EXPECT_NEAR(sum, p.welfare, tol) << "the reported matching attains the welfare";
      EXPECT_TRUE(p.optimal);
    }
    // delta.exact: no stage-1 lie gains at delta.exact; one gains just below it (when > 0)
    ASSERT_TRUE(rep.delta_exact.has_value());
    const PosteriorTable table = build_posterior_table(in, Backend::Cpu);
    const InformationMeasures info = information_measures(table);
    double worst_ratio = 0;
    for (int i = 0; i < n; ++i)
      for (int bi = 0; bi < 2; ++bi)
        for (int ri = 0; ri < 2; ++ri) {
          if (bi == ri) continue;
          double gain = 0;
          for (std::uint64_t b = 0; b < table.profiles; ++b) {
            auto prof = profile_from_index(in.signals, b);
            if (prof[i] != bi) continue;
            auto lie = prof;
            lie[i] = ri;
            const std::uint64_t r = profile_index(in.signals, lie);
            const auto pb = test::oracle::posterior(in, J, b), pr = test::oracle::posterior(in, J, r);
            const double u_lie = test::oracle::best_welfare(in, pr, -1, i, pb) - minus[r][i];
            const double u_true = welfare[b] - minus[b][i];
            gain += table.conditional(i, b, bi) * (u_lie - u_true);
          }
          const double s = info.score_gain[i][bi * 2 + ri];
          EXPECT_LE(gain, *rep.delta_exact * s + tol) << "lie " << i << ": " << bi << " -> " << ri;
          if (gain > tol) worst_ratio = std::max(worst_ratio, gain / s);
        }
    EXPECT_NEAR(*rep.delta_exact, worst_ratio, 1e-7 * (1 + worst_ratio));
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllForms, MechanismProperties,
    ::testing::Values(Case{Prior::Form::Joint, Externalities::Form::Dense, 3},
                      Case{Prior::Form::Joint, Externalities::Form::None, 4},
                      Case{Prior::Form::Symmetric, Externalities::Form::Factored, 3},
                      Case{Prior::Form::PerBuyer, Externalities::Form::Sparse, 2},
                      Case{Prior::Form::PerBuyer, Externalities::Form::Dense, 4},
                      Case{Prior::Form::Symmetric, Externalities::Form::Sparse, 3}));

// expected_rewards[i] = delta ||P(.|r_i)||_2, against its definition by enumeration: E[xi_i | r_i] =
// sum over b_-i of P(b_-i | r_i) xi_i(b_-i, r_i), with xi_i read from the report's every profile.
TEST(MechanismProperties, ExpectedRewardsAreTheRewardsExpectedUnderTruthfulReports) {
  for (Prior::Form form : {Prior::Form::Joint, Prior::Form::PerBuyer}) {
    test::RandomSpec spec;
    spec.prior = form;
    spec.buyers = 3;
    spec.signals = {2, 3, 2};
    const Instance in = test::random_instance(spec, 29);
    MechanismOptions opt;
    opt.delta_mode = DeltaMode::Value;
    opt.delta_value = 2.5;
    const std::vector<std::vector<int>> profiles = all_profiles(in);
    const MechanismReport r = run_mechanism(in, profiles, opt);
    for (const ProfileOutcome& row : r.profiles)
      for (int i = 0; i < in.buyers; ++i) {
        double mass = 0.0, expected = 0.0;  // P(r_i) and sum_{b_-i} P(b_-i, r_i) xi_i(b_-i, r_i)
        for (const ProfileOutcome& other : r.profiles) {
          if (other.profile[i] != row.profile[i]) continue;
          const double p = profile_probability(in, other.profile);
          mass += p;
          expected += p * other.rewards[i];
        }
        EXPECT_NEAR(row.expected_rewards[i], expected / mass, 1e-12 * (1.0 + expected / mass))
            << "buyer " << i << ", form " << static_cast<int>(form);
      }
  }
}

TEST(MechanismOptionsCheck, BadOptionsAreRefusedByName) {
  test::RandomSpec spec;
  const Instance in = test::random_instance(spec, 3);
  MechanismOptions opt;
  opt.delta_mode = DeltaMode::Value;
  opt.delta_value = -1;
  EXPECT_THROW(run_mechanism(in, {{0, 0, 0}}, opt), InputError);
  opt = {};
  opt.threads = -2;
  EXPECT_THROW(run_mechanism(in, {{0, 0, 0}}, opt), InputError);
  opt = {};
  opt.vcg.search.time_limit = -1;
  EXPECT_THROW(run_mechanism(in, {{0, 0, 0}}, opt), InputError);
  opt = {};
  EXPECT_THROW(run_mechanism(in, {{0, 0, 2}}, opt), InputError);  // signal out of range
  EXPECT_THROW(run_mechanism(in, {{0, 0}}, opt), InputError);     // wrong length
}

TEST(MechanismOptionsCheck, AutoDeltaIsExactWithinTheLimitsAndTheorem1Beyond) {
  test::RandomSpec spec;
  const Instance in = test::random_instance(spec, 3);
  MechanismOptions opt;  // DeltaMode::Auto
  const MechanismReport within = run_mechanism(in, {{0, 0, 0}}, opt);
  ASSERT_TRUE(within.delta_exact.has_value());
  EXPECT_EQ(within.delta_used, *within.delta_exact);
  EXPECT_EQ(within.delta_source, DeltaMode::Exact);
  EXPECT_TRUE(within.delta_exact_skipped.empty());
  opt.max_exact_profiles = 1;
  const MechanismReport beyond = run_mechanism(in, {{0, 0, 0}}, opt);
  EXPECT_FALSE(beyond.delta_exact.has_value());
  EXPECT_EQ(beyond.delta_used, beyond.delta_theorem1);
  EXPECT_EQ(beyond.delta_source, DeltaMode::Theorem1);
  EXPECT_NE(beyond.delta_exact_skipped.find("limits of 1 profiles"), std::string::npos) << beyond.delta_exact_skipped;
}

TEST(MechanismOnDevice, SearchesWithADevicePathRunThereWithTheCpuResult) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  SpectrumOptions g;
  g.buyers = 7;
  g.licences = 20;
  g.seed = 5;
  const Instance in = generate_spectrum(g);
  MechanismOptions opt;
  opt.vcg.search.solver = SolverKind::Descent;  // the local search has a device path (factored externalities)
  opt.compute_exact_delta = false;
  opt.delta_mode = DeltaMode::Theorem1;
  opt.backend = Backend::Cpu;
  const MechanismReport cpu = run_mechanism(in, {in.observed}, opt);
  opt.backend = Backend::Device;
  const MechanismReport dev = run_mechanism(in, {in.observed}, opt);
  EXPECT_EQ(cpu.profiles[0].solver_backend, Backend::Cpu);
  EXPECT_EQ(dev.profiles[0].solver_backend, Backend::Device);
  EXPECT_EQ(dev.backend, Backend::Device);
  EXPECT_EQ(dev.profiles[0].assignment, cpu.profiles[0].assignment);  // same moves, same ties
  for (int i = 0; i < in.buyers; ++i)
    EXPECT_NEAR(dev.profiles[0].transfers[i], cpu.profiles[0].transfers[i], 1e-9) << "buyer " << i;
  // a solver without a device path (branch and bound) runs on the CPU, and the profile says so
  opt.vcg.search.solver = SolverKind::BranchAndBound;
  EXPECT_EQ(run_mechanism(in, {in.observed}, opt).profiles[0].solver_backend, Backend::Cpu);
}

TEST(MechanismOptionsCheck, AutoDeltaWithSampledMeasuresIsTheCertifiedScale) {
  test::RandomSpec spec;
  spec.prior = Prior::Form::PerBuyer;
  spec.buyers = 4;
  spec.signals.assign(4, 2);
  spec.externalities = Externalities::Form::None;
  const Instance in = test::random_instance(spec, 8);
  MechanismOptions opt;  // DeltaMode::Auto
  opt.max_exact_profiles = 1;
  opt.measures.max_tensor_profiles = 0;  // sampled measures
  opt.measures.samples = 1000;
  const MechanismReport r = run_mechanism(in, {{0, 1, 0, 1}}, opt);
  ASSERT_EQ(r.measures.method, MeasureMethod::Sampled);
  EXPECT_EQ(r.delta_source, DeltaMode::Theorem1Certified);
  EXPECT_EQ(r.delta_used, r.delta_theorem1_certified);
  // the certified scale covers Theorem 1's delta from the exact measures
  MechanismOptions exact_measures = opt;
  exact_measures.measures.max_tensor_profiles = 1u << 20;
  EXPECT_GE(r.delta_used, run_mechanism(in, {{0, 1, 0, 1}}, exact_measures).delta_theorem1);
  // the report names the sampler that ran (Auto: plain here, D_i is large) and its kind of band
  const std::string json = report_to_json(r, -1);
  EXPECT_NE(json.find("\"sampler\":\"plain\",\"band\":\"hoeffding_dkw\""), std::string::npos) << json;
  MechanismOptions importance = opt;
  importance.measures.sampler = Sampler::Importance;
  const MechanismReport ri = run_mechanism(in, {{0, 1, 0, 1}}, importance);
  EXPECT_EQ(ri.measures.sampler, Sampler::Importance);
  EXPECT_NE(report_to_json(ri, -1).find("\"sampler\":\"importance\",\"band\":\"normal_approximation\""),
            std::string::npos);
  EXPECT_EQ(ri.delta_theorem1_certified, r.delta_theorem1_certified) << "the certified scale needs no samples";
  opt.delta_mode = DeltaMode::Theorem1;  // the estimate, when asked for
  opt.compute_exact_delta = false;
  EXPECT_EQ(run_mechanism(in, {{0, 1, 0, 1}}, opt).delta_used, r.delta_theorem1);
}

/// The fractions a run reports, and its stages.
struct Reported {
  std::vector<double> fraction;
  std::vector<std::string> stage;
  ProgressFn recorder() {
    return [this](double f, const std::string& st) {
      fraction.push_back(f);
      stage.push_back(st);
    };
  }
};

void expect_progress_rises_to_one(const Reported& r, const std::string& what) {
  ASSERT_FALSE(r.fraction.empty()) << what;
  for (std::size_t k = 1; k < r.fraction.size(); ++k)
    EXPECT_GE(r.fraction[k], r.fraction[k - 1]) << what << ": " << r.stage[k - 1] << " then " << r.stage[k];
  EXPECT_EQ(r.fraction.back(), 1.0) << what;
}

TEST(MechanismProgress, NeverGoesBackAndShowsTheMinusISearches) {
  // a large market's one profile without delta.exact (no stage-1 lies): measures, its truthful outcome
  // with the VCG searches inside it, the report row
  SpectrumOptions g;
  g.buyers = 130;
  g.licences = 300;
  g.seed = 3;
  const Instance in = generate_spectrum(g);
  MechanismOptions opt;
  opt.compute_exact_delta = false;
  opt.delta_mode = DeltaMode::Theorem1Certified;
  opt.vcg.bound_iterations = 0;
  opt.measures.samples = 200;
  Reported seen;
  opt.progress = seen.recorder();
  run_mechanism(in, {in.observed}, opt);
  expect_progress_rises_to_one(seen, "spectrum 130 x 300");
  bool searches = false, lies = false;
  for (const std::string& st : seen.stage) {
    searches = searches || st.find("VCG minus-i searches") != std::string::npos;
    lies = lies || st.find("stage-1 lies") != std::string::npos;
  }
  EXPECT_TRUE(searches) << "the searches are most of such a run";
  EXPECT_FALSE(lies) << "a stage without items says nothing";
  // with delta.exact: every profile and its lies
  test::RandomSpec spec;
  spec.buyers = 3;
  spec.signals.assign(3, 2);
  Reported exact;
  MechanismOptions with_lies;
  with_lies.progress = exact.recorder();
  run_mechanism(test::random_instance(spec, 4), {{0, 1, 0}}, with_lies);
  expect_progress_rises_to_one(exact, "random 3 buyers with delta.exact");
}

TEST(VcgProgress, ReportsTheSharedSearchesUpToAll) {
  const AssignmentProblem p = test::spectrum_problem(140, 280, 5);
  VcgOptions o;
  o.search.solver = SolverKind::Descent;
  o.search.backend = Backend::Cpu;
  o.bound_iterations = 0;
  o.search.threads = 1;  // one thread: every group's report runs
  std::vector<std::pair<double, std::string>> calls;
  o.progress = [&](double fraction, const std::string& stage) { calls.emplace_back(fraction, stage); };
  solve_with_vcg(p, o);
  ASSERT_EQ(calls.size(), 4u) << "140 buyers: the start, then groups of 63, 64 and 13 searches";
  EXPECT_EQ(calls[0].second, "VCG minus-i searches 0 of 140");
  EXPECT_EQ(calls[1].second, "VCG minus-i searches 63 of 140");
  EXPECT_DOUBLE_EQ(calls[1].first, 63.0 / 140.0);
  EXPECT_EQ(calls.back().second, "VCG minus-i searches 140 of 140");
  EXPECT_DOUBLE_EQ(calls.back().first, 1.0);
}

TEST(MechanismOptionsCheck, RefusedDeltaExactAdvisesLibraryOptionsThatWork) {
  test::RandomSpec spec;
  const Instance in = test::random_instance(spec, 3);
  MechanismOptions opt;
  opt.delta_mode = DeltaMode::Exact;  // asked for explicitly
  opt.max_exact_profiles = 1;         // delta.exact is too much work
  try {
    run_mechanism(in, {{0, 0, 0}}, opt);
    ADD_FAILURE() << "delta.exact was not refused";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("set MechanismOptions::compute_exact_delta = false with MechanismOptions::delta_mode = "
                        "Theorem1 or Value"),
              std::string::npos)
        << what;
    EXPECT_EQ(what.find("--"), std::string::npos) << "the library names no command-line flag: " << what;
  }
  opt.compute_exact_delta = false;  // as advised
  opt.delta_mode = DeltaMode::Theorem1;
  EXPECT_FALSE(run_mechanism(in, {{0, 0, 0}}, opt).delta_exact.has_value());
  opt.delta_mode = DeltaMode::Value;
  opt.delta_value = 0.5;
  EXPECT_EQ(run_mechanism(in, {{0, 0, 0}}, opt).delta_used, 0.5);
}

}  // namespace
}  // namespace ivassign

namespace ivassign {
namespace {

// Without externalities the truthful LAPs of every profile (delta.exact) and the stage-1 lies are LAP
// batches on the mechanism's backend: on the device the report agrees with the CPU's, and each profile
// says its LAP ran on the device.
TEST(MechanismOnDevice, LapBatchesOfTheTruthfulOutcomesAndLiesAgreeWithTheCpu) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  test::RandomSpec spec;
  spec.buyers = 4;
  spec.sellers = 5;
  spec.signals.assign(4, 3);
  spec.externalities = Externalities::Form::None;
  const Instance in = test::random_instance(spec, 21);
  MechanismOptions opt;
  opt.compute_exact_delta = true;
  opt.backend = Backend::Cpu;
  const MechanismReport cpu = run_mechanism(in, all_profiles(in), opt);
  opt.backend = Backend::Device;
  const MechanismReport dev = run_mechanism(in, all_profiles(in), opt);
  ASSERT_TRUE(cpu.delta_exact.has_value());
  ASSERT_TRUE(dev.delta_exact.has_value());
  EXPECT_NEAR(*dev.delta_exact, *cpu.delta_exact, 1e-9 * std::max(1.0, std::abs(*cpu.delta_exact)));
  ASSERT_EQ(dev.profiles.size(), cpu.profiles.size());
  for (std::size_t k = 0; k < cpu.profiles.size(); ++k) {
    const ProfileOutcome &c = cpu.profiles[k], &d = dev.profiles[k];
    EXPECT_EQ(c.solver_backend, Backend::Cpu);
    EXPECT_EQ(d.solver_backend, Backend::Device) << "profile " << k;
    EXPECT_EQ(d.solver, "lap");
    EXPECT_NEAR(d.welfare, c.welfare, 1e-9 * std::max(1.0, std::abs(c.welfare))) << "profile " << k;
    for (int i = 0; i < in.buyers; ++i) {
      EXPECT_NEAR(d.transfers[i], c.transfers[i], 1e-9 * std::max(1.0, std::abs(c.transfers[i]))) << "profile " << k;
      EXPECT_NEAR(d.minus_i_welfare[i], c.minus_i_welfare[i], 1e-9 * std::max(1.0, std::abs(c.welfare)));
    }
  }
  ASSERT_EQ(dev.stage1_gain.size(), static_cast<std::size_t>(in.buyers));
  for (std::size_t i = 0; i < cpu.stage1_gain.size(); ++i)
    for (std::size_t r = 0; r < cpu.stage1_gain[i].size(); ++r)
      EXPECT_NEAR(dev.stage1_gain[i][r], cpu.stage1_gain[i][r], 1e-9) << "buyer " << i << " lie " << r;
}

}  // namespace
}  // namespace ivassign
