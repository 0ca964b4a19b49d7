// The measures engine over a full profile table, for the assignment instance and the social model
// alike: informational size nu_i, spherical score gains S_i(b_i, r_i), the Theorem 1 sums
// D_i(b_i, r_i), the variation of beliefs Lambda_i, conditional norms, on request the aggregate
// uncertainty mu_i and the variability of state beliefs, and stage-1 rewards. CPU path here; the
// device path (kernels/device_measures.cu) computes the same per-element terms (kernels/measures.cuh).
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "common/parallel.hpp"
#include "ivassign/error.hpp"
#include "ivassign/posterior.hpp"
#include "ivassign/tolerances.hpp"
#include "kernels/measures.cuh"
#include "kernels/posterior.cuh"
#include "kernels/social_math.cuh"
#include "posterior/informational_size.hpp"
#include "posterior/measures_detail.hpp"
#include "kernels/device_launch.hpp"
#include "kernels/device_system.hpp"

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

/// ||P_-i(. | b_i)||_2 = sqrt(sum_{b_-i} P(b_-i | b_i)^2) for every b_i.
std::vector<double> conditional_norms(const PosteriorTable& t, int i) {
  const int k = t.signals[i];
  const std::uint64_t stride = t.strides[i], others = t.profiles / static_cast<std::uint64_t>(k);
  std::vector<double> norm(k, 0.0);
  for (int bi = 0; bi < k; ++bi) {
    const double pb = t.signal_marginal[i][bi];
    const auto sq = blocked_sums<1>(others, [&](std::uint64_t o, double* acc) {
      acc[0] += kernels::squared_conditional(t.marginal.data(), stride, k, bi, pb, o);
    });
    norm[bi] = std::sqrt(sq[0]);
  }
  return norm;
}

/// One pair (b_i, r_i) of buyer i: S_i, D_i and the variation term summed over b_-i in fixed blocks,
/// and the informational-size level of the distance distribution under P(. | b_i).
struct PairResult {
  double score_gain, theorem1_sum, variation, level;
};

PairResult pair_measures(const PosteriorTable& t, int i, int bi, int ri, const std::vector<double>& norm,
                         const MeasureRequest& request, std::vector<DistanceMass>& points) {
  const int k = t.signals[i];
  const std::uint64_t others = t.profiles / static_cast<std::uint64_t>(k);
  const kernels::PairView view{t.posterior.data(), t.marginal.data(), t.states, k, t.strides[i], bi, ri,
                               t.signal_marginal[i][bi], t.signal_marginal[i][ri], norm[bi], norm[ri],
                               tol::kDistanceTie, request.support_only};
  points.resize(others);
  const auto sums = blocked_sums<3>(others, [&](std::uint64_t o, double* acc) {
    const kernels::PairPoint point = kernels::pair_point(view, o);
    acc[0] += point.score;
    acc[1] += point.theorem1;
    acc[2] += point.variation;
    points[o] = {point.distance, point.mass};
  });
  points.erase(std::remove_if(points.begin(), points.end(),
                              [](const DistanceMass& d) { return d.distance == kernels::kDroppedPoint; }),
               points.end());
  return {sums[0], sums[1], sums[2], smallest_exceedance_level(points, tol::kDistanceTie)};
}

/// mu_i: the largest over b_i of the level of min_theta ||rho(b) - chi_theta||_1 under P(. | b_i)
/// (0 with Theta = T, where every posterior is certain).
double aggregate_uncertainty(const PosteriorTable& t, int i) {
  if (t.states == 0) return 0.0;
  const int k = t.signals[i];
  const std::uint64_t stride = t.strides[i], others = t.profiles / static_cast<std::uint64_t>(k);
  double mu = 0.0;
  std::vector<DistanceMass> points;
  for (int bi = 0; bi < k; ++bi) {
    points.clear();
    for (std::uint64_t o = 0; o < others; ++o) {
      const std::uint64_t b = kernels::profile_with_signal(o, stride, k, bi);
      if (t.marginal[b] == 0.0) continue;
      const double d = kernels::distance_to_certainty(t.rho(b), t.states);
      if (d > tol::kDistanceTie) points.push_back({d, t.conditional(i, b, bi)});  // d ~ 0 never exceeds e >= 0
    }
    mu = std::max(mu, smallest_exceedance_level(points, tol::kDistanceTie));
  }
  return mu;
}

/// Lambda^Theta_i over P_Theta(. | b_i) = sum_{b_-i} P(b_-i | b_i) rho(b); with Theta = T the
/// beliefs of distinct types have disjoint supports and the term is ||P(. | b_i)||_2.
double state_variability(const PosteriorTable& t, int i, const std::vector<double>& norm) {
  const int k = t.signals[i];
  const auto m = static_cast<std::size_t>(t.states);
  const std::uint64_t stride = t.strides[i], others = t.profiles / static_cast<std::uint64_t>(k);
  std::vector<double> belief(static_cast<std::size_t>(k) * m, 0.0);
  for (int bi = 0; bi < k && m > 0; ++bi)
    for (std::uint64_t o = 0; o < others; ++o) {
      const std::uint64_t b = kernels::profile_with_signal(o, stride, k, bi);
      const double p = t.conditional(i, b, bi);
      for (std::size_t s = 0; s < m; ++s) belief[static_cast<std::size_t>(bi) * m + s] += p * t.rho(b)[s];
    }
  double least = std::numeric_limits<double>::quiet_NaN();
  for (int a = 0; a < k; ++a)
    for (int r = 0; r < k; ++r) {
      if (a == r) continue;
      double term = norm[a];
      if (m > 0) {
        const double* pa = belief.data() + static_cast<std::size_t>(a) * m;
        const double* pr = belief.data() + static_cast<std::size_t>(r) * m;
        double na = 0.0, nr = 0.0, inner = 0.0;
        for (std::size_t s = 0; s < m; ++s) {
          na += pa[s] * pa[s];
          nr += pr[s] * pr[s];
          inner += pa[s] * pr[s];
        }
        term = kernels::state_variability_term(std::sqrt(na), std::sqrt(nr), inner);
      }
      least = std::isnan(least) ? term : std::min(least, term);
    }
  return least;
}

/// Buyer i's measures on the CPU: pairs in parallel (each with its own distance buffer); the sums
/// inside run in fixed blocks, so the result does not depend on the thread count.
void buyer_measures(const PosteriorTable& t, int i, const MeasureRequest& request, InformationMeasures& info,
                    std::vector<double>& variation) {
  const int k = t.signals[i];
  info.conditional_norm[i] = conditional_norms(t, i);
  const auto& norm = info.conditional_norm[i];
  info.score_gain[i].assign(static_cast<std::size_t>(k) * k, 0.0);
  info.theorem1_sum[i].assign(static_cast<std::size_t>(k) * k, 0.0);
  variation.assign(static_cast<std::size_t>(k) * k, 0.0);
  double nu = 0.0;
  FirstException errors;
#pragma omp parallel for schedule(dynamic) reduction(max : nu)
  for (int pair = 0; pair < k * k; ++pair) {
    const int bi = pair / k, ri = pair % k;
    if (bi == ri) continue;
    errors.run([&] {
      std::vector<DistanceMass> points;
      const PairResult r = pair_measures(t, i, bi, ri, norm, request, points);
      info.score_gain[i][pair] = r.score_gain;
      info.theorem1_sum[i][pair] = r.theorem1_sum;
      variation[pair] = r.variation;
      nu = std::max(nu, r.level);
    });
  }
  errors.rethrow();
  info.informational_size[i] = nu;
}

/// The request's aggregate uncertainty and state variability, from the host table, whichever path
/// computed the rest (they are O(m) per profile: no device work).
void requested_extras(const PosteriorTable& t, const MeasureRequest& request, InformationMeasures& info) {
  if (!request.aggregate_uncertainty && !request.state_variability) return;
  if (t.marginal.size() != t.profiles)
    throw InputError("information_measures: the aggregate uncertainty and state variability read the host table, "
                     "which this table left on the device (TableOptions::device_only)");
  const int n = t.buyers();
  if (request.aggregate_uncertainty) {
    info.aggregate_uncertainty.assign(n, 0.0);
    for (int i = 0; i < n; ++i) info.aggregate_uncertainty[i] = aggregate_uncertainty(t, i);
  }
  if (request.state_variability) {
    info.state_variability.assign(n, 0.0);
    for (int i = 0; i < n; ++i) info.state_variability[i] = state_variability(t, i, info.conditional_norm[i]);
  }
}

InformationMeasures measures_on_cpu(const PosteriorTable& t, const MeasureRequest& request) {
  const int n = t.buyers();
  if (t.marginal.size() != t.profiles)
    throw InputError("information_measures: the table lives on the device only (TableOptions::device_only); "
                     "measure it with the device backend");
  if (t.strides.size() != t.signals.size())
    throw Error("information_measures: the table has " + std::to_string(t.strides.size()) + " strides for " +
                std::to_string(n) + " buyers (build it with build_posterior_table)");
  InformationMeasures info;
  info.method = MeasureMethod::Tensor;
  info.backend = Backend::Cpu;
  info.informational_size.assign(n, 0.0);
  info.conditional_norm.resize(n);
  info.score_gain.resize(n);
  info.theorem1_sum.resize(n);
  std::vector<std::vector<double>> variation(n);
  for (int i = 0; i < n; ++i) buyer_measures(t, i, request, info, variation[i]);
  finalize_variation(info, variation);
  requested_extras(t, request, info);
  return info;
}

}  // namespace

namespace {

/// The device engine (kernels/device_measures.cu) for nu_i, S_i, D_i and Lambda_i; the request's
/// aggregate uncertainty and state variability from the host table. False when it does not fit.
bool measures_on_device(const PosteriorTable& t, const MeasureRequest& request, InformationMeasures& info) {
  std::vector<std::vector<double>> variation;
  if (!device::table_measures(t, request.support_only, tol::kDistanceTie, info.conditional_norm, info.score_gain,
                              info.theorem1_sum, variation, info.informational_size))
    return false;
  info.method = MeasureMethod::Tensor;
  info.backend = Backend::Device;
  finalize_variation(info, variation);
  requested_extras(t, request, info);
  return true;
}

}  // namespace

InformationMeasures information_measures(const PosteriorTable& t, Backend requested, const MeasureRequest& request) {
  const Backend backend = requested == Backend::Auto ? t.backend : resolve_backend(requested);
  if (backend == Backend::Device) {
    InformationMeasures info;
    if (measures_on_device(t, request, info)) return info;
    if (requested != Backend::Auto) {  // never a silent fallback when the device was asked for
      std::size_t free_b = 0, total_b = 0;
      device::memory_info(free_b, total_b);
      throw ResourceError("information_measures: the table (" + std::to_string(t.profiles) + " profiles x " +
                          std::to_string(t.states + 1) + " doubles) and its work space need " +
                          std::to_string(device::table_measures_bytes(t)) + " bytes and " +
                          std::to_string(device::kDeviceReserveBytes) + " kept free, more than the memory of "
                          "the device (" + device_description() + ", " + std::to_string(free_b) +
                          " bytes free) allows; use Backend::Cpu");
    }
  }
  return measures_on_cpu(t, request);
}

namespace {

/// max over i, b_i != r_i of (2+n)(2n+1) M d / s for the given D_i values d; s is S_i less `score_margin`
/// times 2 ||P(.|b_i)||_2 (S_i's two terms are at most ||P(.|b_i)||_2 each, Cauchy-Schwarz).
double theorem1_ratio(const InformationMeasures& info, int n, double bound,
                      const std::vector<std::vector<double>>& sums, const std::vector<std::vector<double>>* widths,
                      double score_margin) {
  const double factor = (2.0 + n) * (2.0 * n + 1.0) * bound;
  double delta = 0.0;
  for (std::size_t i = 0; i < info.score_gain.size(); ++i) {
    const auto& s = info.score_gain[i];
    const std::size_t k = info.conditional_norm[i].size();
    for (std::size_t pair = 0; pair < k * k; ++pair) {
      const double dp = sums[i][pair] + (widths ? (*widths)[i][pair] : 0.0);
      if (pair / k == pair % k || dp <= 0.0) continue;
      const double sp = s[pair] - score_margin * 2.0 * info.conditional_norm[i][pair / k];
      if (sp <= 0.0) return std::numeric_limits<double>::infinity();
      delta = std::max(delta, factor * dp / sp);
    }
  }
  return delta;
}

}  // namespace

double delta_theorem1(const InformationMeasures& info, int n, double bound, bool upper) {
  const bool widen = upper && !info.theorem1_sum_half_width.empty();
  return theorem1_ratio(info, n, bound, info.theorem1_sum, widen ? &info.theorem1_sum_half_width : nullptr, 0.0);
}

double delta_theorem1_certified(const InformationMeasures& info, int n, double bound) {
  if (info.method != MeasureMethod::Sampled) return delta_theorem1(info, n, bound);
  if (info.theorem1_sum_certified.size() != info.score_gain.size())
    throw InputError("delta_theorem1_certified: these sampled measures carry no certified bounds "
                     "(theorem1_sum_certified is empty; prior_measures fills it)");
  return theorem1_ratio(info, n, bound, info.theorem1_sum_certified, nullptr, tol::kCertifiedRounding);
}

std::string to_string(MeasureMethod method) {
  switch (method) {
    case MeasureMethod::Tensor: return "tensor";
    case MeasureMethod::CountVectors: return "count_vectors";
    case MeasureMethod::Sampled: return "sampled";
  }
  return "?";
}

std::string to_string(Sampler sampler) {
  switch (sampler) {
    case Sampler::Auto: return "auto";
    case Sampler::Plain: return "plain";
    case Sampler::Importance: return "importance";
  }
  return "?";
}

std::vector<double> stage1_rewards(const PosteriorTable& t, const InformationMeasures& info, std::uint64_t profile,
                                   double delta) {
  const int n = t.buyers();
  std::vector<double> xi(n);
  for (int i = 0; i < n; ++i) {
    const int bi = t.signal_of(profile, i);
    xi[i] = kernels::spherical_reward(delta, t.conditional(i, profile, bi), info.conditional_norm[i][bi]);
  }
  return xi;
}

}  // namespace ivassign
