// Certified (Chernoff) bounds on nu_i and D_i for CI priors against the exact tensor values.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "ivassign/posterior.hpp"
#include "random_instance.hpp"

namespace ivassign {
namespace {

/// Buyer i's signal names the state with probability `accuracy` (K = m signals), else a uniform other one.
Instance informative_ci(int n, int m, double accuracy, std::uint64_t seed) {
  Instance in = test::random_ci_instance(n, m, m, seed);
  for (int i = 0; i < n; ++i)
    for (int t = 0; t < m; ++t)
      for (int x = 0; x < m; ++x) {
        const double a = accuracy - 0.02 * (i % 3);  // not symmetric across buyers
        in.prior.q[i][static_cast<std::size_t>(t) * m + x] = x == t ? a : (1.0 - a) / (m - 1);
      }
  return in;
}

struct Ratios {
  double nu = 0.0, sum = 0.0;  // largest bound / exact over entries with exact > 0
};

/// Every certified bound is at least the exact value; returns the largest ratios.
Ratios expect_bounds_hold(const Instance& in) {
  const auto exact = information_measures(build_posterior_table(in, Backend::Cpu), Backend::Cpu);
  const CertifiedBounds bounds = ci_certified_bounds(in);
  Ratios r;
  for (int i = 0; i < in.buyers; ++i) {
    const int K = in.signals[i];
    EXPECT_GE(bounds.informational_size[i], exact.informational_size[i]) << "nu, buyer " << i;
    EXPECT_LE(bounds.informational_size[i], 1.0);
    if (exact.informational_size[i] > 0)
      r.nu = std::max(r.nu, bounds.informational_size[i] / exact.informational_size[i]);
    for (int ab = 0; ab < K * K; ++ab) {
      if (ab / K == ab % K) continue;
      EXPECT_GE(bounds.theorem1_sum[i][ab], exact.theorem1_sum[i][ab]) << "D, buyer " << i << " pair " << ab;
      EXPECT_LE(bounds.theorem1_sum[i][ab], 2.0);
      if (exact.theorem1_sum[i][ab] > 0) r.sum = std::max(r.sum, bounds.theorem1_sum[i][ab] / exact.theorem1_sum[i][ab]);
    }
  }
  return r;
}

TEST(CertifiedBounds, HoldOnRandomSmallPriors) {
  int cases = 0;
  for (int n : {2, 3, 5, 7})
    for (int K : {2, 3})
      for (int m : {2, 3, 4}) {
        SCOPED_TRACE("n " + std::to_string(n) + " K " + std::to_string(K) + " m " + std::to_string(m));
        expect_bounds_hold(test::random_ci_instance(n, K, m, 1000 + 37 * n + 7 * K + m));
        ++cases;
      }
  EXPECT_EQ(cases, 24);
}

TEST(CertifiedBounds, HoldWithZeroLikelihoods) {
  // q_i(b|t*) = 0 for some t* (a signal that rules a state out): the bound falls back to the trivial one there
  Instance in = test::random_ci_instance(4, 3, 3, 5);
  for (int i = 0; i < 4; ++i) {
    auto& q = in.prior.q[i];
    const double moved = q[1];  // q_i(1 | t = 0) = 0
    q[1] = 0.0;
    q[0] += moved;
  }
  expect_bounds_hold(in);
}

TEST(CertifiedBounds, TightenWithManyInformativeBuyers) {
  // 12 buyers, signals right 85% of the time: D_i is ~1e-4; the bound is within the factor stated here
  const Instance in = informative_ci(12, 2, 0.85, 3);
  const Ratios r = expect_bounds_hold(in);
  EXPECT_LT(r.sum, 10.0) << "D bound / exact (6.5 when written)";
  EXPECT_LT(r.nu, 10.0) << "nu bound / exact (3.2 when written)";
  // and the bounds fall exponentially with the number of buyers (beyond the tensor's reach)
  const CertifiedBounds few = ci_certified_bounds(informative_ci(12, 2, 0.85, 3));
  const CertifiedBounds many = ci_certified_bounds(informative_ci(120, 2, 0.85, 3));
  EXPECT_LT(many.theorem1_sum[0][1], 1e-6 * few.theorem1_sum[0][1]);
  EXPECT_LT(many.informational_size[0], 1e-6 * few.informational_size[0]);
}

TEST(CertifiedBounds, CertifiedDeltaCoversTheExactTheorem1Delta) {
  const Instance in = informative_ci(10, 3, 0.8, 11);
  const auto exact = information_measures(build_posterior_table(in, Backend::Cpu), Backend::Cpu);
  MeasureOptions opt;
  opt.max_tensor_profiles = 0;  // the sampled path, which carries the certified bounds
  opt.samples = 2000;
  const auto sampled = prior_measures(in, opt);
  ASSERT_EQ(sampled.method, MeasureMethod::Sampled);
  ASSERT_EQ(sampled.theorem1_sum_certified.size(), static_cast<std::size_t>(in.buyers));
  const double exact_delta = delta_theorem1(exact, in.buyers, 9.0);
  const double certified = delta_theorem1_certified(sampled, in.buyers, 9.0);
  EXPECT_GE(certified, exact_delta);
  EXPECT_LT(certified, 20.0 * exact_delta) << "certified / exact delta (7.0 when written)";
  // exact measures: the certified delta is delta.theorem1 itself
  EXPECT_EQ(delta_theorem1_certified(exact, in.buyers, 9.0), exact_delta);
}

}  // namespace
}  // namespace ivassign
