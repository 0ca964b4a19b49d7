// The audit's lie scans on the device (social-format.md `audit`; 2013 paper, Definition 4), one Thrust
// source for CUDA and OpenMP: for each lie (agent i, type t_i, report r_i) one transform-reduce over the
// others' types t_-i computes gain(t) = [v^_i(q(t_-i, r_i); t) + x_i(t_-i, r_i)] - [v^_i(q(t); t) + x_i(t)]
// (kernels::lie_gain, the CPU audit's formula: src/social/audit.cpp), the sum of P(t_-i | t_i) gain
// and the largest gain with its first profile, and writes (gain, P(t_-i | t_i)) of the gains above the
// tolerance; the weak ex post level of those points is device_level.cuh's. The values v^_i(c; t) are
// kernels::expected_value's, entry c of the CPU's kernels::expected_values by the same additions.
#include <thrust/transform_reduce.h>

#include <cmath>
#include <cstdint>

#include "kernels/device.cuh"
#include "kernels/device_launch.hpp"
#include "kernels/device_level.cuh"
#include "kernels/device_social.cuh"
#include "kernels/profile_index.cuh"
#include "kernels/social_math.cuh"

namespace ivassign::device {

namespace {

/// sum of P(t_-i|t_i) gain, the largest gain and its profile (the lowest on ties, as the CPU's first).
struct LieSums {
  double weighted;
  double best;
  std::uint64_t where;
};

struct CombineLieSums {
  IVA_HD LieSums operator()(const LieSums& a, const LieSums& b) const {
    const bool take_b = b.best > a.best || (b.best == a.best && b.where < a.where);
    return {a.weighted + b.weighted, take_b ? b.best : a.best, take_b ? b.where : a.where};
  }
};

struct LieGain {
  const double* marginal;
  const double* posterior;  // m per profile (values by state), null with values by profile
  const double* values;     // agent i's block [m][K_i][C], or all values [|T|][n][C]
  const int* outcome;
  const double* transfers;
  int states, agents, outcomes, k, type, report, agent;
  std::uint64_t stride;
  double pa, gain_tol;
  double* gain;
  double* mass;

  /// v^_i(c; t)
  IVA_HD double value(std::uint64_t t, int c) const {
    if (posterior == nullptr)
      return values[(t * static_cast<std::uint64_t>(agents) + static_cast<std::uint64_t>(agent)) *
                        static_cast<std::uint64_t>(outcomes) +
                    static_cast<std::uint64_t>(c)];
    return kernels::expected_value(values, states, k, outcomes, type, posterior + t * static_cast<std::uint64_t>(states), c);
  }

  IVA_HD LieSums operator()(std::uint64_t o) const {
    const std::uint64_t t = kernels::profile_with_signal(o, stride, k, type);
    const double pt = marginal[t];
    gain[o] = kDropped;
    mass[o] = 0.0;
    if (pt == 0.0) return {0.0, -HUGE_VAL, ~std::uint64_t(0)};
    const double w = pt / pa;
    const std::uint64_t tr = kernels::replace_signal(t, stride, type, report);
    const std::uint64_t n = static_cast<std::uint64_t>(agents), i = static_cast<std::uint64_t>(agent);
    const double g = kernels::lie_gain(value(t, outcome[t]), transfers[t * n + i], value(t, outcome[tr]),
                                       transfers[tr * n + i]);
    if (g > gain_tol) {
      gain[o] = g;
      mass[o] = w;
    }
    return {w * g, g, t};
  }
};

}  // namespace

bool audit_lies(const PosteriorTable& types, const SocialInput& in, double gain_tol, double tie,
                std::vector<AuditLie>& lies) {
  const std::uint64_t T = types.profiles;
  std::uint64_t max_others = 0;
  for (int k : types.signals) max_others = std::max<std::uint64_t>(max_others, T / static_cast<std::uint64_t>(k));
  if (!fits_on_device(DeviceSocial::bytes(types, in) +
                      sizeof(double) * (T * static_cast<std::uint64_t>(in.agents) + 3 * max_others)))
    return false;
  return guarded("the audit's lie scans", [&] {
    const DeviceSocial social(types, in);
    const auto transfers = upload(in.transfers, T * static_cast<std::uint64_t>(in.agents), "transfers");
    const DeviceArray<double> gain(max_others, "gains"), mass(max_others, "gain masses"), cum(max_others, "mass scan");
    for (AuditLie& lie : lies) {
      const int k = types.signals[static_cast<std::size_t>(lie.agent)];
      const std::uint64_t others = T / static_cast<std::uint64_t>(k);
      const LieGain f{raw(social.marginal), social.posterior_or_null(),
                      raw(social.values) + (social.by_state ? in.value_offset[lie.agent] : 0), raw(social.outcome),
                      raw(transfers),
                      types.states, in.agents, in.outcomes, k, lie.type, lie.report, lie.agent,
                      types.strides[static_cast<std::size_t>(lie.agent)],
                      types.signal_marginal[static_cast<std::size_t>(lie.agent)][static_cast<std::size_t>(lie.type)],
                      gain_tol, raw(gain), raw(mass)};
      const LieSums sums = thrust::transform_reduce(
          thrust::device, thrust::counting_iterator<std::uint64_t>(0), thrust::counting_iterator<std::uint64_t>(others),
          f, LieSums{0.0, -HUGE_VAL, ~std::uint64_t(0)}, CombineLieSums());
      lie.margin = -sums.weighted;
      lie.best_gain = sums.best;
      lie.best_profile = std::isfinite(sums.best) ? sums.where : 0;
      lie.level = level_of(gain, mass, cum, others, tie);
    }
    return true;
  });
}

}  // namespace ivassign::device
