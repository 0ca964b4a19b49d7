// tests/lap_families.hpp — the weight families of the LAP tests (the cost structures, with
// ties, partial, forbidden and all-negative cases), seeded.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace ivassign::test {

// Weights of one family: 0 uniform (0, 1], 1 integers in [0, 5) (ties, zeros), 2 uniform [-1, 1),
// 3 Euclidean-like 2 - |x - y|, 4 integers in [-2, 7) with a fifth of the pairs forbidden (-inf),
// 5 all negative (nobody is matched).
inline std::vector<double> lap_family_weights(int family, int n, int s, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> w(static_cast<std::size_t>(n) * s), xs(n), ys(s);
  for (auto& x : xs) x = u(rng);
  for (auto& y : ys) y = u(rng);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < s; ++j) {
      double& x = w[static_cast<std::size_t>(i) * s + j];
      const double r = u(rng);
      switch (family) {
        case 0: x = 1.0 - r; break;
        case 1: x = std::floor(5 * r); break;
        case 2: x = 2 * r - 1; break;
        case 3: x = 2.0 - std::abs(xs[i] - ys[j]); break;
        case 4: x = u(rng) < 0.2 ? -std::numeric_limits<double>::infinity() : std::floor(9 * r) - 2; break;
        default: x = -1.0 - r; break;
      }
    }
  return w;
}

}  // namespace ivassign::test
