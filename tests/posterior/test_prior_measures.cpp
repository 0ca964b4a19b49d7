// Measures without the tensor: the closed form, count vectors and sampling against the tensor path.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "ivassign/error.hpp"
#include "ivassign/posterior.hpp"
#include "ivassign/tolerances.hpp"
#include "random_instance.hpp"
#include "test_support.hpp"

namespace ivassign {
namespace {

Instance ci_instance(Prior::Form form, int n, int K, int m, std::uint64_t seed) {
  return test::random_ci_instance(n, K, m, seed, form);
}

TEST(PriorMeasures, ClosedFormScoresEqualTheTensor) {
  for (auto form : {Prior::Form::Symmetric, Prior::Form::PerBuyer}) {
    const Instance in = ci_instance(form, 4, 3, 3, 17);
    const auto tensor = information_measures(build_posterior_table(in, Backend::Cpu), Backend::Cpu);
    const auto closed = ci_closed_form_scores(in);
    for (int i = 0; i < in.buyers; ++i) {
      for (int a = 0; a < 3; ++a) EXPECT_NEAR(closed.conditional_norm[i][a], tensor.conditional_norm[i][a], 1e-13);
      for (int ab = 0; ab < 9; ++ab) EXPECT_NEAR(closed.score_gain[i][ab], tensor.score_gain[i][ab], 1e-13);
      EXPECT_NEAR(closed.variation[i], tensor.variation[i], 1e-12);
    }
  }
}

TEST(PriorMeasures, CountVectorsEqualTheTensorForSymmetricPriors) {
  for (int K : {2, 3, 4}) {
    const Instance in = ci_instance(Prior::Form::Symmetric, 5, K, 3, 40 + K);
    const auto tensor = information_measures(build_posterior_table(in, Backend::Cpu), Backend::Cpu);
    MeasureOptions opt;
    opt.max_tensor_profiles = 0;  // force the count-vector path
    const auto counts = prior_measures(in, opt);
    ASSERT_EQ(counts.method, MeasureMethod::CountVectors);
    for (int i = 0; i < in.buyers; ++i) {
      EXPECT_NEAR(counts.informational_size[i], tensor.informational_size[i], 1e-12) << "K " << K;
      for (int ab = 0; ab < K * K; ++ab) {
        EXPECT_NEAR(counts.theorem1_sum[i][ab], tensor.theorem1_sum[i][ab], 1e-12);
        EXPECT_NEAR(counts.score_gain[i][ab], tensor.score_gain[i][ab], 1e-13);
      }
    }
    EXPECT_NEAR(delta_theorem1(counts, in.buyers, 9.0), delta_theorem1(tensor, in.buyers, 9.0),
                1e-9 * delta_theorem1(tensor, in.buyers, 9.0));
  }
}

TEST(PriorMeasures, DefaultDrawsFollowTheBudget) {
  // 20000 per (buyer, signal) within 1.2e7 draws in all, never below 2000; a value given is kept
  MeasureOptions opt;
  Instance in;
  in.signals.assign(200, 3);  // spectrum 200 x 800
  EXPECT_EQ(sampled_draws(in, opt), 20000u);
  in.signals.assign(1000, 3);  // spectrum 1000 x 4000
  EXPECT_EQ(sampled_draws(in, opt), 4000u);
  in.signals.assign(100000, 2);
  EXPECT_EQ(sampled_draws(in, opt), 2000u);
  opt.samples = 150;
  EXPECT_EQ(sampled_draws(in, opt), 150u);
  // and the sampled path draws that many, which the measures report
  const Instance ci = ci_instance(Prior::Form::PerBuyer, 5, 3, 3, 99);
  MeasureOptions sampled;
  sampled.max_tensor_profiles = 0;
  sampled.samples = 0;
  EXPECT_EQ(prior_measures(ci, sampled).samples, 20000u);
  sampled.samples = 99;
  EXPECT_THROW(prior_measures(ci, sampled), InputError);
}

TEST(PriorMeasures, SamplingBracketsTheExactValues) {
  const Instance in = ci_instance(Prior::Form::PerBuyer, 5, 3, 3, 99);
  const auto tensor = information_measures(build_posterior_table(in, Backend::Cpu), Backend::Cpu);
  // with the shared profile pool (default) and with every b_-i drawn afresh (no pool memory)
  for (std::uint64_t pool_bytes : {std::uint64_t(1) << 30, std::uint64_t(0)}) {
    SCOPED_TRACE("sample_pool_bytes " + std::to_string(pool_bytes));
    MeasureOptions opt;
    opt.max_tensor_profiles = 0;
    opt.samples = 20000;
    opt.sample_pool_bytes = pool_bytes;
    const auto sampled = prior_measures(in, opt);
    ASSERT_EQ(sampled.method, MeasureMethod::Sampled);
    EXPECT_EQ(sampled.samples, 20000u);
    for (int i = 0; i < in.buyers; ++i) {
      EXPECT_LE(std::abs(sampled.informational_size[i] - tensor.informational_size[i]),
                sampled.informational_size_half_width[i] + 1e-12);
      EXPECT_GT(sampled.informational_size_half_width[i], 0.0);
      for (int ab = 0; ab < 9; ++ab) {
        if (ab / 3 == ab % 3) continue;
        EXPECT_LE(std::abs(sampled.theorem1_sum[i][ab] - tensor.theorem1_sum[i][ab]),
                  sampled.theorem1_sum_half_width[i][ab]);
        EXPECT_NEAR(sampled.score_gain[i][ab], tensor.score_gain[i][ab], 1e-13) << "S is exact";
      }
    }
    // the conservative delta bound covers the exact one
    EXPECT_GE(delta_theorem1(sampled, in.buyers, 9.0, true), delta_theorem1(tensor, in.buyers, 9.0));
    // deterministic for a seed, whatever the thread count
    opt.threads = 1;
    const auto again = prior_measures(in, opt);
    EXPECT_EQ(again.informational_size, sampled.informational_size);
    EXPECT_EQ(again.theorem1_sum, sampled.theorem1_sum);
  }
}

TEST(PriorMeasures, RewardsOnDemandEqualTheTable) {
  for (auto form : {Prior::Form::Joint, Prior::Form::PerBuyer}) {
    test::RandomSpec spec;
    spec.prior = form;
    spec.signals = {2, 3, 2};
    const Instance in = test::random_instance(spec, 8);
    const auto table = build_posterior_table(in, Backend::Cpu);
    const auto info = information_measures(table, Backend::Cpu);
    for (std::uint64_t b = 0; b < table.profiles; ++b) {
      const auto a = stage1_rewards(table, info, b, 3.0);
      const auto c = stage1_rewards(in, info, profile_from_index(in.signals, b), 3.0);
      for (int i = 0; i < in.buyers; ++i) EXPECT_NEAR(a[i], c[i], 1e-12 * (1 + a[i]));
    }
  }
}

TEST(PriorMeasures, LargeSymmetricMarketIsExactWithoutTheTensor) {
  // n = 60, K = 3: 3^60 profiles; count vectors: C(61, 2) = 1830
  const Instance in = ci_instance(Prior::Form::Symmetric, 60, 3, 4, 5);
  const auto info = prior_measures(in);
  EXPECT_EQ(info.method, MeasureMethod::CountVectors);
  for (int i = 0; i < in.buyers; ++i) {
    EXPECT_GE(info.informational_size[i], 0.0);
    EXPECT_LT(info.informational_size[i], 1.0);
    EXPECT_GT(info.score_gain[i][1], 0.0);
    EXPECT_TRUE(std::isfinite(info.conditional_norm[i][0]));
  }
  EXPECT_TRUE(std::isfinite(delta_theorem1(info, in.buyers, 9.0)));
}

TEST(PriorMeasures, BadOptionsAreRefused) {
  const Instance in = ci_instance(Prior::Form::PerBuyer, 3, 2, 2, 1);
  MeasureOptions opt;
  opt.confidence = 1.0;
  EXPECT_THROW(prior_measures(in, opt), InputError);
  opt = {};
  opt.samples = 3;
  EXPECT_THROW(prior_measures(in, opt), InputError);
}

void expect_near_rel(double a, double b, const char* what) {
  EXPECT_NEAR(a, b, tol::kDeviceAgreement * std::max(1.0, std::abs(a))) << what;
}

TEST(PosteriorBackends, DeviceMeasuresAgreeWithCpu) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  const Instance in = ci_instance(Prior::Form::PerBuyer, 6, 3, 4, 77);
  const auto table = build_posterior_table(in, Backend::Cpu);
  const auto device_table = build_posterior_table(in, Backend::Device);
  const auto cpu = information_measures(table, Backend::Cpu);
  for (const auto* t : {&table, &device_table}) {  // uploaded, then resident
    const auto dev = information_measures(*t, Backend::Device);
    ASSERT_EQ(dev.backend, Backend::Device);
    for (int i = 0; i < in.buyers; ++i) {
      expect_near_rel(cpu.informational_size[i], dev.informational_size[i], "nu");
      expect_near_rel(cpu.variation[i], dev.variation[i], "Lambda");
      for (std::size_t b = 0; b < cpu.conditional_norm[i].size(); ++b)
        expect_near_rel(cpu.conditional_norm[i][b], dev.conditional_norm[i][b], "norm");
      for (std::size_t ab = 0; ab < cpu.score_gain[i].size(); ++ab) {
        expect_near_rel(cpu.score_gain[i][ab], dev.score_gain[i][ab], "S");
        expect_near_rel(cpu.theorem1_sum[i][ab], dev.theorem1_sum[i][ab], "D");
      }
    }
  }
}

TEST(PosteriorBackends, DeviceMeasuresServeTheSocialRequest) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  // a table with profiles of probability 0 (outside the support T*) and one with Theta = T
  const Instance in = ci_instance(Prior::Form::PerBuyer, 4, 3, 3, 5);
  PosteriorTable t = build_posterior_table(in, Backend::Cpu);
  for (std::uint64_t b = 0; b < t.profiles; b += 5) t.marginal[b] = 0.0;
  MeasureRequest request;
  request.support_only = request.aggregate_uncertainty = request.state_variability = true;
  PosteriorTable types = t;
  types.states = 0;
  types.posterior.clear();
  for (const auto* table : {&t, &types}) {
    const auto cpu = information_measures(*table, Backend::Cpu, request);
    const auto dev = information_measures(*table, Backend::Device, request);
    for (int i = 0; i < in.buyers; ++i) {
      expect_near_rel(cpu.informational_size[i], dev.informational_size[i], "nu");
      expect_near_rel(cpu.aggregate_uncertainty[i], dev.aggregate_uncertainty[i], "mu");
      expect_near_rel(cpu.state_variability[i], dev.state_variability[i], "Lambda^Theta");
      for (std::size_t ab = 0; ab < cpu.score_gain[i].size(); ++ab) expect_near_rel(cpu.score_gain[i][ab], dev.score_gain[i][ab], "S");
    }
  }
}

/// The sampled path's draws on the device: the same profiles from the same seed as the CPU, so the
/// estimates are bit-identical under the OpenMP device system (equal within kDeviceAgreement on CUDA,
/// whose exp and log may differ in the last bit).
TEST(PosteriorBackends, DeviceSamplingDrawsWhatTheCpuDraws) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  const Instance in = ci_instance(Prior::Form::PerBuyer, 6, 3, 4, 31);
  for (Sampler sampler : {Sampler::Plain, Sampler::Importance})
  for (std::uint64_t pool_bytes : {std::uint64_t(1) << 30, std::uint64_t(0)}) {
    SCOPED_TRACE("sampler " + to_string(sampler) + ", sample_pool_bytes " + std::to_string(pool_bytes));
    MeasureOptions opt;
    opt.max_tensor_profiles = 0;
    opt.samples = 3000;
    opt.sample_pool_bytes = pool_bytes;
    opt.sampler = sampler;
    opt.backend = Backend::Cpu;
    const auto cpu = prior_measures(in, opt);
    opt.backend = Backend::Device;
    const auto dev = prior_measures(in, opt);
    ASSERT_EQ(dev.method, MeasureMethod::Sampled);
    EXPECT_EQ(cpu.sampler, sampler);
    EXPECT_EQ(dev.sampler, sampler);
    EXPECT_EQ(cpu.backend, Backend::Cpu);
    EXPECT_EQ(dev.backend, Backend::Device);
    if (device_system() == "omp-device") {
      EXPECT_EQ(dev.informational_size, cpu.informational_size);
      EXPECT_EQ(dev.informational_size_half_width, cpu.informational_size_half_width);
      EXPECT_EQ(dev.theorem1_sum, cpu.theorem1_sum);
      EXPECT_EQ(dev.theorem1_sum_half_width, cpu.theorem1_sum_half_width);
    } else {
      for (int i = 0; i < in.buyers; ++i) {
        expect_near_rel(cpu.informational_size[i], dev.informational_size[i], "nu");
        for (std::size_t ab = 0; ab < cpu.theorem1_sum[i].size(); ++ab)
          expect_near_rel(cpu.theorem1_sum[i][ab], dev.theorem1_sum[i][ab], "D");
      }
    }
    EXPECT_EQ(dev.informational_size_certified, cpu.informational_size_certified);
  }
}

/// The count vectors of a symmetric prior on the device: the CPU's per-vector function, sums and levels
/// in another order (kDeviceAgreement).
TEST(PosteriorBackends, DeviceCountVectorsEqualTheCpu) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  for (int K : {2, 3, 4}) {
    const Instance in = ci_instance(Prior::Form::Symmetric, 7, K, 3, 60 + K);
    MeasureOptions opt;
    opt.max_tensor_profiles = 0;
    opt.backend = Backend::Cpu;
    const auto cpu = prior_measures(in, opt);
    opt.backend = Backend::Device;
    const auto dev = prior_measures(in, opt);
    ASSERT_EQ(dev.method, MeasureMethod::CountVectors);
    EXPECT_EQ(dev.backend, Backend::Device);
    for (int i = 0; i < in.buyers; ++i) {
      expect_near_rel(cpu.informational_size[i], dev.informational_size[i], "nu");
      for (std::size_t ab = 0; ab < cpu.theorem1_sum[i].size(); ++ab)
        expect_near_rel(cpu.theorem1_sum[i][ab], dev.theorem1_sum[i][ab], "D");
    }
  }
}

/// A device without the memory for the tensor-free measures: the bytes needed, never a silent CPU run.
TEST(PosteriorBackends, DeviceTensorFreeMeasuresRefuseWhatCannotFit) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  MeasureOptions opt;
  opt.max_tensor_profiles = 0;
  opt.backend = Backend::Device;
  test::ScopedEnv limit("IVASSIGN_DEVICE_MEMORY_LIMIT", "262144");
  for (auto form : {Prior::Form::Symmetric, Prior::Form::PerBuyer}) {
    try {
      prior_measures(ci_instance(form, 5, 3, 3, 2), opt);
      ADD_FAILURE() << "measures that cannot fit were not refused";
    } catch (const ResourceError& e) {
      EXPECT_NE(std::string(e.what()).find("bytes"), std::string::npos) << e.what();
    }
  }
}
}  // namespace
}  // namespace ivassign
