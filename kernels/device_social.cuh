// kernels/device_social.cuh — the social model's type table, values and outcome rule as the device
// holds them, uploaded once for the audit's lie scans and epic's groups.
#pragma once
#include <cstdint>

#include "kernels/device.cuh"
#include "kernels/device_launch.hpp"

namespace ivassign::device {

struct DeviceSocial {
  bool by_state;                  // values by state: posteriors and agent blocks; else by profile
  DeviceArray<double> marginal;   // P(t), |T|
  DeviceArray<double> posterior;  // m per profile (by state only)
  DeviceArray<double> values;
  DeviceArray<std::uint64_t> value_offset;  // by state only
  DeviceArray<int> outcome;       // q, |T|

  /// Device bytes of these arrays.
  static std::uint64_t bytes(const PosteriorTable& types, const SocialInput& in) {
    const std::uint64_t T = types.profiles, m = static_cast<std::uint64_t>(types.states);
    return sizeof(double) * (T * (m > 0 ? m + 1 : 1) + in.values_size) + sizeof(int) * T +
           (m > 0 ? sizeof(std::uint64_t) * static_cast<std::uint64_t>(in.agents) : 0);
  }

  DeviceSocial(const PosteriorTable& types, const SocialInput& in)
      : by_state(types.states > 0),
        marginal(upload(types.marginal.data(), types.marginal.size(), "type-profile marginals")),
        posterior(by_state ? upload(types.posterior.data(), types.posterior.size(), "posteriors")
                           : DeviceArray<double>()),
        values(upload(in.values, in.values_size, "values")),
        value_offset(upload(in.value_offset, by_state ? static_cast<std::size_t>(in.agents) : 0, "value offsets")),
        outcome(upload(in.outcome, types.profiles, "outcome rule")) {}

  const double* posterior_or_null() const { return by_state ? raw(posterior) : nullptr; }
};

}  // namespace ivassign::device
