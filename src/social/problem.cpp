// The SocialProblem's own quantities: the number of type profiles |T| and the bound M. Reading,
// validating and writing the `ivassign-social/1` file is io's (src/io/social_json.cpp,
// src/io/social_rules.cpp).
#include <algorithm>
#include <cmath>

#include "ivassign/error.hpp"
#include "ivassign/social.hpp"

namespace ivassign {

namespace {

/// |T| with an overflow and size guard (a problem with more profiles cannot be held in memory).
constexpr std::uint64_t kMaxProfiles = std::uint64_t(1) << 32;

/// prod K_i; ResourceError beyond kMaxProfiles.
std::uint64_t profile_count(const std::vector<int>& types) {
  std::uint64_t total = 1;
  for (int k : types) {
    if (total > kMaxProfiles / static_cast<std::uint64_t>(k))
      throw ResourceError("types: the product of the type-set sizes exceeds 2^32 profiles");
    total *= static_cast<std::uint64_t>(k);
  }
  return total;
}

}  // namespace

std::uint64_t SocialProblem::profiles() const { return profile_count(types); }

double SocialProblem::effective_bound() const {
  if (bound) return *bound;
  double b = 0.0;
  for (double v : values) b = std::max(b, std::abs(v));
  return b;
}

}  // namespace ivassign
