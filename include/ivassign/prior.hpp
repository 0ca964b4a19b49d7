// ivassign/prior.hpp — the public prior P(theta, b) of an instance, one profile at a time.
//
// Probabilities and draws without the full signal-profile tensor: O(m n) per profile for the
// conditionally independent forms (log space), O(m) for the joint form. The flat profile index and
// its range checks are in instance.hpp (profile_index, profile_from_index, check_profile).
//
//   auto b = ivassign::sample_profile(inst, /*seed=*/7);   // b ~ P(.)
//   double p = ivassign::profile_probability(inst, b);    // P(b)
#pragma once
#include <cstdint>
#include <vector>

#include "ivassign/instance.hpp"

namespace ivassign {

/// P(b) of one profile, on demand (O(m n) for CI priors).
double profile_probability(const Instance& instance, const std::vector<int>& profile);

/// A profile drawn from the prior (CI: state, then each signal; joint: inverse CDF).
std::vector<int> sample_profile(const Instance& instance, std::uint64_t seed);

}  // namespace ivassign
