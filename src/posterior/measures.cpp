// Information measures over the full table: informational size nu_i, spherical score gains
// S_i(b_i, r_i), the Theorem 1 sums D_i(b_i, r_i), the variation of beliefs Lambda_i, conditional
// norms, and stage-1 rewards. CPU path here; the CUDA path (kernels/measures.cu) computes the same
// per-element terms (kernels/measures.cuh).
#include <cmath>
#include <limits>

#include "common/parallel.hpp"
#include "ivassign/posterior.hpp"
#include "ivassign/tolerances.hpp"
#include "kernels/measures.cuh"
#include "kernels/posterior.cuh"
#include "posterior/informational_size.hpp"
#include "posterior/measures_detail.hpp"
#ifdef IVASSIGN_HAVE_CUDA
#include "kernels/measures_launch.hpp"
#endif

namespace ivassign {

void finalize_variation(InformationMeasures& info, const std::vector<std::vector<double>>& pair_variation) {
  const std::size_t n = pair_variation.size();
  info.variation.assign(n, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t k = info.conditional_norm[i].size();
    for (std::size_t pair = 0; pair < k * k; ++pair) {
      if (pair / k == pair % k) continue;
      const double v = pair_variation[i][pair];
      info.variation[i] = std::isnan(info.variation[i]) ? v : std::min(info.variation[i], v);
    }
  }
}

namespace {

InformationMeasures measures_on_cpu(const PosteriorTable& t) {
  const int n = static_cast<int>(t.signals.size());
  const int m = t.states;
  InformationMeasures info;
  info.method = MeasureMethod::Tensor;
  info.backend = Backend::Cpu;
  info.informational_size.assign(n, 0.0);
  info.conditional_norm.resize(n);
  info.score_gain.resize(n);
  info.theorem1_sum.resize(n);
  std::vector<std::vector<double>> variation(n);
  for (int i = 0; i < n; ++i) {
    const int k = t.signals[i];
    std::uint64_t stride = 1;
    for (int l = i + 1; l < n; ++l) stride *= static_cast<std::uint64_t>(t.signals[l]);
    const std::uint64_t others = t.profiles / static_cast<std::uint64_t>(k);
    auto& norm = info.conditional_norm[i];
    norm.assign(k, 0.0);
    for (int bi = 0; bi < k; ++bi) {
      const auto sq = blocked_sums<1>(others, [&](std::uint64_t o, double* acc) {
        const double p = t.conditional(i, kernels::profile_with_signal(o, stride, k, bi), bi);
        acc[0] += p * p;
      });
      norm[bi] = std::sqrt(sq[0]);
    }
    info.score_gain[i].assign(static_cast<std::size_t>(k) * k, 0.0);
    info.theorem1_sum[i].assign(static_cast<std::size_t>(k) * k, 0.0);
    variation[i].assign(static_cast<std::size_t>(k) * k, 0.0);
    // pairs in parallel (each with its own distance buffer); the sums inside run in fixed blocks,
    // so the result does not depend on the thread count
    double nu = 0.0;
#pragma omp parallel for schedule(dynamic) reduction(max : nu)
    for (int pair = 0; pair < k * k; ++pair) {
      const int bi = pair / k, ri = pair % k;
      if (bi == ri) continue;
      std::vector<DistanceMass> points(others);
      const auto sums = blocked_sums<3>(others, [&](std::uint64_t o, double* acc) {
        const std::uint64_t b = kernels::profile_with_signal(o, stride, k, bi);
        const std::uint64_t r = kernels::profile_with_signal(o, stride, k, ri);
        const double p = t.conditional(i, b, bi), pr = t.conditional(i, r, ri);
        const double dist = kernels::l1_distance(t.rho(b), t.rho(r), m);
        acc[0] += kernels::spherical_gain_term(p, pr, norm[bi], norm[ri]);
        acc[1] += dist * p;
        acc[2] += kernels::belief_variation_term(p, pr, norm[bi], norm[ri]);
        points[o] = {dist, p};
      });
      info.score_gain[i][pair] = sums[0];
      info.theorem1_sum[i][pair] = sums[1];
      variation[i][pair] = sums[2];
      nu = std::max(nu, smallest_exceedance_level(points, tol::kDistanceTie));
    }
    info.informational_size[i] = nu;
  }
  finalize_variation(info, variation);
  return info;
}

}  // namespace

InformationMeasures information_measures(const PosteriorTable& t, Backend requested) {
  const Backend backend = requested == Backend::Auto ? t.backend : resolve_backend(requested);
#ifdef IVASSIGN_HAVE_CUDA
  if (backend == Backend::Cuda) {
    InformationMeasures info;
    std::vector<std::vector<double>> variation;
    if (cuda::table_measures(t.posterior.data(), t.marginal.data(), t.states, t.signals, t.profiles,
                             t.signal_marginal, tol::kDistanceTie, info.conditional_norm, info.score_gain,
                             info.theorem1_sum, variation, info.informational_size)) {
      info.method = MeasureMethod::Tensor;
      info.backend = Backend::Cuda;
      finalize_variation(info, variation);
      return info;
    }
    // the table does not fit in device memory: the CPU computes the same quantities
  }
#else
  (void)backend;
#endif
  return measures_on_cpu(t);
}

double delta_theorem1(const InformationMeasures& info, int n, double bound, bool upper) {
  const double factor = (2.0 + n) * (2.0 * n + 1.0) * bound;
  const bool widen = upper && !info.theorem1_sum_half_width.empty();
  double delta = 0.0;
  for (std::size_t i = 0; i < info.score_gain.size(); ++i) {
    const auto& s = info.score_gain[i];
    const auto& d = info.theorem1_sum[i];
    const std::size_t k = info.conditional_norm[i].size();
    for (std::size_t pair = 0; pair < k * k; ++pair) {
      const double dp = d[pair] + (widen ? info.theorem1_sum_half_width[i][pair] : 0.0);
      if (pair / k == pair % k || dp <= 0.0) continue;
      if (s[pair] <= 0.0) return std::numeric_limits<double>::infinity();
      delta = std::max(delta, factor * dp / s[pair]);
    }
  }
  return delta;
}

std::string to_string(MeasureMethod method) {
  switch (method) {
    case MeasureMethod::Tensor: return "tensor";
    case MeasureMethod::CountVectors: return "count_vectors";
    case MeasureMethod::Sampled: return "sampled";
  }
  return "?";
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
