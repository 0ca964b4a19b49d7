// Importance sampling of nu_i and D_i for per-buyer CI priors (Sampler::Importance) against the exact
// tensor and count-vector values, against plain sampling and against the certified bounds.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "ivassign/error.hpp"
#include "ivassign/posterior.hpp"
#include "random_instance.hpp"

namespace ivassign {
namespace {

Instance per_buyer(int n, int K, int m, std::uint64_t seed) {
  test::RandomSpec spec;
  spec.prior = Prior::Form::PerBuyer;
  spec.buyers = n;
  spec.sellers = 2;
  spec.states = m;
  spec.signals.assign(n, K);
  spec.externalities = Externalities::Form::None;
  return test::random_instance(spec, seed);
}

/// n identical buyers (K = m signals naming the state with probability `accuracy`) as a symmetric prior:
/// its exact measures come from the count vectors; the same prior as PerBuyer goes to sampling.
Instance identical_buyers(int n, int m, double accuracy, Prior::Form form) {
  Instance in = per_buyer(n, m, m, 5);
  std::vector<double> q(static_cast<std::size_t>(m) * m);
  for (int t = 0; t < m; ++t)
    for (int x = 0; x < m; ++x) q[static_cast<std::size_t>(t) * m + x] = x == t ? accuracy : (1.0 - accuracy) / (m - 1);
  in.prior.q.assign(n, q);
  in.prior.form = form;
  return in;
}

InformationMeasures sampled(const Instance& in, Sampler sampler, std::uint64_t samples, std::uint64_t pool_bytes = 1u << 30) {
  MeasureOptions opt;
  opt.max_tensor_profiles = 0;
  opt.samples = samples;
  opt.sampler = sampler;
  opt.sample_pool_bytes = pool_bytes;
  opt.backend = Backend::Cpu;
  InformationMeasures info = prior_measures(in, opt);
  EXPECT_EQ(info.method, MeasureMethod::Sampled);
  EXPECT_EQ(info.sampler, sampler);
  return info;
}

/// |estimate - exact| within the half-width for every nu_i and D_i(a, r).
void expect_bracketed(const InformationMeasures& est, const InformationMeasures& exact) {
  for (std::size_t i = 0; i < exact.informational_size.size(); ++i) {
    EXPECT_LE(std::abs(est.informational_size[i] - exact.informational_size[i]),
              est.informational_size_half_width[i] + 1e-12)
        << "nu, buyer " << i << ": " << est.informational_size[i] << " vs " << exact.informational_size[i];
    const std::size_t KK = exact.theorem1_sum[i].size();
    const int K = static_cast<int>(std::lround(std::sqrt(static_cast<double>(KK))));
    for (std::size_t ab = 0; ab < KK; ++ab) {
      if (static_cast<int>(ab) / K == static_cast<int>(ab) % K) continue;
      EXPECT_LE(std::abs(est.theorem1_sum[i][ab] - exact.theorem1_sum[i][ab]), est.theorem1_sum_half_width[i][ab])
          << "D, buyer " << i << " pair " << ab << ": " << est.theorem1_sum[i][ab] << " vs " << exact.theorem1_sum[i][ab];
    }
  }
}

TEST(ImportanceSampling, BracketsTheExactValuesOfSmallPriors) {
  for (int m : {2, 3, 4}) {
    SCOPED_TRACE("states " + std::to_string(m));
    const Instance in = per_buyer(5, 3, m, 90 + m);
    const auto exact = information_measures(build_posterior_table(in, Backend::Cpu), Backend::Cpu);
    const auto is = sampled(in, Sampler::Importance, 20000);
    expect_bracketed(is, exact);
    EXPECT_GE(delta_theorem1(is, in.buyers, 9.0, true), delta_theorem1(exact, in.buyers, 9.0));
  }
}

TEST(ImportanceSampling, PoolAndFreshDrawsReadTheSameProfiles) {
  const Instance in = per_buyer(6, 3, 3, 12);
  const auto pooled = sampled(in, Sampler::Importance, 3000);
  const auto fresh = sampled(in, Sampler::Importance, 3000, 0);
  for (int i = 0; i < in.buyers; ++i)
    for (std::size_t ab = 0; ab < pooled.theorem1_sum[i].size(); ++ab)
      EXPECT_NEAR(pooled.theorem1_sum[i][ab], fresh.theorem1_sum[i][ab], 1e-9 * (1.0 + pooled.theorem1_sum[i][ab]));
  // deterministic for a seed, whatever the thread count
  MeasureOptions opt;
  opt.max_tensor_profiles = 0;
  opt.samples = 3000;
  opt.sampler = Sampler::Importance;
  opt.threads = 1;
  const auto again = prior_measures(in, opt);
  EXPECT_EQ(again.theorem1_sum, pooled.theorem1_sum);
  EXPECT_EQ(again.informational_size, pooled.informational_size);
}

/// 40 identical, informative buyers: D_i is tiny. Importance sampling gives it a relative half-width below
/// 50 % and brackets the exact (count-vector) value; plain sampling's band is far wider than D_i itself.
TEST(ImportanceSampling, TinyTheorem1SumsGetMeaningfulRelativeWidths) {
  const Instance sym = identical_buyers(40, 3, 0.8, Prior::Form::Symmetric);
  MeasureOptions exact_opt;
  exact_opt.max_tensor_profiles = 0;
  const auto exact = prior_measures(sym, exact_opt);
  ASSERT_EQ(exact.method, MeasureMethod::CountVectors);
  const Instance in = identical_buyers(40, 3, 0.8, Prior::Form::PerBuyer);
  const auto is = sampled(in, Sampler::Importance, 20000);
  const auto plain = sampled(in, Sampler::Plain, 20000);
  const CertifiedBounds certified = ci_certified_bounds(in);
  expect_bracketed(is, exact);
  double worst_is = 0.0, best_plain = INFINITY;
  for (int i = 0; i < in.buyers; ++i)
    for (int ab = 0; ab < 9; ++ab) {
      if (ab / 3 == ab % 3) continue;
      const double d = exact.theorem1_sum[i][ab];
      ASSERT_GT(d, 0.0);
      ASSERT_LT(d, 1e-3) << "the test wants a tiny D_i";
      worst_is = std::max(worst_is, is.theorem1_sum_half_width[i][ab] / is.theorem1_sum[i][ab]);
      best_plain = std::min(best_plain, plain.theorem1_sum_half_width[i][ab] / d);
      EXPECT_LE(is.theorem1_sum[i][ab], certified.theorem1_sum[i][ab] + is.theorem1_sum_half_width[i][ab]);
    }
  if (std::getenv("IVASSIGN_TEST_VERBOSE") != nullptr)
    for (int i : {0, 1}) {
      std::printf("buyer %d nu exact %.4g IS %.4g +- %.3g plain %.4g +- %.3g certified %.4g\n", i,
                  exact.informational_size[i], is.informational_size[i], is.informational_size_half_width[i],
                  plain.informational_size[i], plain.informational_size_half_width[i], certified.informational_size[i]);
      for (int ab : {1, 2, 3, 5})
        std::printf("  D(%d,%d) exact %.4g IS %.4g +- %.3g plain %.4g +- %.3g certified %.4g\n", ab / 3, ab % 3,
                    exact.theorem1_sum[i][ab], is.theorem1_sum[i][ab], is.theorem1_sum_half_width[i][ab],
                    plain.theorem1_sum[i][ab], plain.theorem1_sum_half_width[i][ab], certified.theorem1_sum[i][ab]);
    }
  EXPECT_LT(worst_is, 0.5) << "importance: largest relative half-width of D_i";
  EXPECT_GT(best_plain, 10.0) << "plain: smallest half-width / D_i";
  for (int i = 0; i < in.buyers; ++i) {
    EXPECT_LE(is.informational_size[i], certified.informational_size[i] + is.informational_size_half_width[i]);
    EXPECT_LT(is.informational_size_half_width[i], 0.5 * exact.informational_size[i]) << "nu, buyer " << i;
  }
  // Auto picks importance here (the certified D_i are below plain's half-width) and plain on a small prior
  MeasureOptions opt;
  opt.max_tensor_profiles = 0;
  opt.samples = 2000;
  EXPECT_EQ(prior_measures(in, opt).sampler, Sampler::Importance);
  EXPECT_EQ(prior_measures(per_buyer(4, 3, 3, 1), opt).sampler, Sampler::Plain);
}

TEST(ImportanceSampling, NeverAboveTheCertifiedBoundsBeyondItsHalfWidth) {
  for (std::uint64_t seed : {3, 4}) {
    const Instance in = per_buyer(30, 3, 3, seed);
    const auto is = sampled(in, Sampler::Importance, 4000);
    const CertifiedBounds certified = ci_certified_bounds(in);
    for (int i = 0; i < in.buyers; ++i) {
      EXPECT_LE(is.informational_size[i], certified.informational_size[i] + is.informational_size_half_width[i]);
      for (int ab = 0; ab < 9; ++ab)
        EXPECT_LE(is.theorem1_sum[i][ab], certified.theorem1_sum[i][ab] + is.theorem1_sum_half_width[i][ab]);
    }
  }
}

TEST(ImportanceSampling, BadSamplersAreRefused) {
  MeasureOptions opt;
  opt.max_tensor_profiles = 0;
  opt.sampler = static_cast<Sampler>(7);
  try {
    prior_measures(per_buyer(3, 2, 2, 1), opt);
    ADD_FAILURE() << "an unknown sampler was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("sampler"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("importance (2)"), std::string::npos) << e.what();
  }
  opt.sampler = Sampler::Importance;
  try {
    prior_measures(per_buyer(3, 2, 9, 1), opt);
    ADD_FAILURE() << "importance sampling beyond its states was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("1 to 8 states"), std::string::npos) << e.what();
  }
  opt.sampler = Sampler::Auto;  // falls back to plain sampling
  EXPECT_EQ(prior_measures(per_buyer(3, 2, 9, 1), opt).sampler, Sampler::Plain);
}

}  // namespace
}  // namespace ivassign
