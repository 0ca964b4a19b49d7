// Information measures over the full table: informational size nu_i, spherical score gains
// S_i(b_i, r_i), the Theorem 1 sums D_i(b_i, r_i), conditional norms, and stage-1 rewards.
#include <cmath>
#include <limits>

#include "ivassign/posterior.hpp"
#include "ivassign/tolerances.hpp"
#include "kernels/posterior.cuh"
#include "posterior/informational_size.hpp"

namespace ivassign {

namespace {

/// Profile index of (b_-i = o-th combination of the others, b_i = signal).
inline std::uint64_t with_signal(std::uint64_t other, std::uint64_t stride, int k_i, int signal) {
  return (other / stride) * (stride * static_cast<std::uint64_t>(k_i)) + static_cast<std::uint64_t>(signal) * stride +
         other % stride;
}

}  // namespace

InformationMeasures information_measures(const PosteriorTable& t) {
  const int n = static_cast<int>(t.signals.size());
  const int m = t.states;
  InformationMeasures info;
  info.informational_size.assign(n, 0.0);
  info.conditional_norm.resize(n);
  info.score_gain.resize(n);
  info.theorem1_sum.resize(n);
  for (int i = 0; i < n; ++i) {
    const int k = t.signals[i];
    std::uint64_t stride = 1;
    for (int l = i + 1; l < n; ++l) stride *= static_cast<std::uint64_t>(t.signals[l]);
    const std::uint64_t others = t.profiles / static_cast<std::uint64_t>(k);
    auto& norm = info.conditional_norm[i];
    norm.assign(k, 0.0);
    for (int bi = 0; bi < k; ++bi) {
      double sq = 0.0;
      for (std::uint64_t o = 0; o < others; ++o) {
        const double p = t.conditional(i, with_signal(o, stride, k, bi), bi);
        sq += p * p;
      }
      norm[bi] = std::sqrt(sq);
    }
    info.score_gain[i].assign(static_cast<std::size_t>(k) * k, 0.0);
    info.theorem1_sum[i].assign(static_cast<std::size_t>(k) * k, 0.0);
    double nu = 0.0;
#pragma omp parallel for schedule(dynamic) reduction(max : nu)
    for (int pair = 0; pair < k * k; ++pair) {
      const int bi = pair / k, ri = pair % k;
      if (bi == ri) continue;
      double s = 0.0, d = 0.0;
      std::vector<DistanceMass> points;
      points.reserve(others);
      for (std::uint64_t o = 0; o < others; ++o) {
        const std::uint64_t b = with_signal(o, stride, k, bi), r = with_signal(o, stride, k, ri);
        const double p = t.conditional(i, b, bi), pr = t.conditional(i, r, ri);
        s += kernels::spherical_gain_term(p, pr, norm[bi], norm[ri]);
        const double dist = kernels::l1_distance(t.rho(b), t.rho(r), m);
        d += dist * p;
        points.push_back({dist, p});
      }
      info.score_gain[i][pair] = s;
      info.theorem1_sum[i][pair] = d;
      nu = std::max(nu, smallest_exceedance_level(points, tol::kDistanceTie));
    }
    info.informational_size[i] = nu;
  }
  return info;
}

double delta_theorem1(const InformationMeasures& info, int n, double bound) {
  const double factor = (2.0 + n) * (2.0 * n + 1.0) * bound;
  double delta = 0.0;
  for (std::size_t i = 0; i < info.score_gain.size(); ++i) {
    const auto& s = info.score_gain[i];
    const auto& d = info.theorem1_sum[i];
    const std::size_t k = info.conditional_norm[i].size();
    for (std::size_t pair = 0; pair < k * k; ++pair) {
      if (pair / k == pair % k || d[pair] <= 0.0) continue;
      if (s[pair] <= 0.0) return std::numeric_limits<double>::infinity();
      delta = std::max(delta, factor * d[pair] / s[pair]);
    }
  }
  return delta;
}

std::vector<double> stage1_rewards(const PosteriorTable& t, const InformationMeasures& info, std::uint64_t profile,
                                   double delta) {
  const int n = static_cast<int>(t.signals.size());
  std::vector<double> xi(n);
  std::uint64_t stride = 1;
  for (int i = n - 1; i >= 0; --i) {
    const int bi = static_cast<int>((profile / stride) % static_cast<std::uint64_t>(t.signals[i]));
    xi[i] = kernels::spherical_reward(delta, t.conditional(i, profile, bi), info.conditional_norm[i][bi]);
    stride *= static_cast<std::uint64_t>(t.signals[i]);
  }
  return xi;
}

}  // namespace ivassign
