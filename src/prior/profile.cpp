// Signal profiles of an instance: their count, range checks and the flat C-order index
// (kernels/profile_index.cuh is the same index in per-element form).
#include <cstdint>
#include <string>
#include <vector>

#include "ivassign/error.hpp"
#include "ivassign/instance.hpp"

namespace ivassign {

std::uint64_t Instance::profile_count_saturated() const {
  std::uint64_t count = 1;
  for (std::size_t i = 0; i < signals.size(); ++i) {
    const auto k = static_cast<std::uint64_t>(signals[i]);
    if (k == 0) return 0;
    if (count > UINT64_MAX / k) return UINT64_MAX;
    count *= k;
  }
  return count;
}

std::uint64_t Instance::profile_count() const {
  const std::uint64_t count = profile_count_saturated();
  if (count == UINT64_MAX)
    throw InputError("signals: the number of signal profiles prod K_i overflows 64 bits; only the conditionally "
                     "independent prior forms (without the full tensor) work at this size");
  return count;
}

void check_profile(const std::vector<int>& signals, const std::vector<int>& profile) {
  if (profile.size() != signals.size())
    throw InputError("profile: has " + std::to_string(profile.size()) + " signals, expected n = " +
                     std::to_string(signals.size()));
  for (std::size_t i = 0; i < signals.size(); ++i)
    if (profile[i] < 0 || profile[i] >= signals[i])
      throw InputError("profile: signal " + std::to_string(profile[i]) + " of buyer " + std::to_string(i) +
                       " is out of range [0, " + std::to_string(signals[i]) + ")");
}

std::uint64_t profile_index(const std::vector<int>& signals, const std::vector<int>& profile) {
  check_profile(signals, profile);
  std::uint64_t index = 0;
  for (std::size_t i = 0; i < signals.size(); ++i) {
    if (index > (UINT64_MAX - static_cast<std::uint64_t>(profile[i])) / static_cast<std::uint64_t>(signals[i]))
      throw InputError("profile: the flat index of this profile overflows 64 bits (too many profiles)");
    index = index * static_cast<std::uint64_t>(signals[i]) + static_cast<std::uint64_t>(profile[i]);
  }
  return index;
}

std::vector<int> profile_from_index(const std::vector<int>& signals, std::uint64_t index) {
  std::vector<int> profile(signals.size());
  for (std::size_t k = signals.size(); k-- > 0;) {
    profile[k] = static_cast<int>(index % static_cast<std::uint64_t>(signals[k]));
    index /= static_cast<std::uint64_t>(signals[k]);
  }
  return profile;
}

}  // namespace ivassign
