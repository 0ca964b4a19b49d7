// Measures of conditionally independent priors without the tensor:
//   closed form   conditional norms, S_i, Lambda_i (exact, O(m^2 n K))
//   count vectors nu_i and D_i for the symmetric form (exact; the posterior depends on b only
//                 through the signal counts, so b_-i ranges over count vectors of the n-1 others)
//   sampling      nu_i and D_i for the per-buyer form (estimates with simultaneous confidence bands)
// and prior_measures(), which picks the method.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <utility>

#include "common/parallel.hpp"
#include "common/random.hpp"
#include "ivassign/error.hpp"
#include "ivassign/options.hpp"
#include "ivassign/posterior.hpp"
#include "ivassign/tolerances.hpp"
#include "kernels/ci_sample.cuh"
#include "kernels/device_launch.hpp"
#include "kernels/device_system.hpp"
#include "kernels/posterior.cuh"
#include "posterior/informational_size.hpp"
#include "posterior/ci_model.hpp"
#include "posterior/ci_tilt.hpp"
#include "posterior/measures_detail.hpp"

namespace ivassign {

namespace {

void init_shapes(InformationMeasures& info, const std::vector<int>& K) {
  const std::size_t n = K.size();
  info.informational_size.assign(n, 0.0);
  info.conditional_norm.assign(n, {});
  info.score_gain.assign(n, {});
  info.theorem1_sum.assign(n, {});
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t k = static_cast<std::size_t>(K[i]);
    info.conditional_norm[i].assign(k, 0.0);
    info.score_gain[i].assign(k * k, 0.0);
    info.theorem1_sum[i].assign(k * k, 0.0);
  }
}

/// Simultaneous confidence: Bonferroni over every (i, b_i, r_i) statement about nu and D.
double per_statement_alpha(const std::vector<int>& K, double confidence) {
  double statements = 0;
  for (int k : K) statements += 2.0 * k * (k - 1);
  return (1.0 - confidence) / std::max(statements, 1.0);
}

std::uint64_t binomial(std::uint64_t a, std::uint64_t b) {
  if (b > a) return 0;
  b = std::min(b, a - b);
  long double r = 1;
  for (std::uint64_t k = 1; k <= b; ++k) r = r * static_cast<long double>(a - b + k) / static_cast<long double>(k);
  if (r > 1.8e19L) return UINT64_MAX;
  return static_cast<std::uint64_t>(std::llround(r));
}


}  // namespace

InformationMeasures ci_closed_form_scores(const Instance& in) {
  const CiModel model(in);
  const int m = model.m, n = model.n;
  InformationMeasures info;
  init_shapes(info, model.K);
  // log G_k(t, t') = log sum_x q_k(x|t) q_k(x|t'), summed over all buyers once
  std::vector<std::vector<double>> log_g(n, std::vector<double>(static_cast<std::size_t>(m) * m));
  std::vector<double> log_g_all(static_cast<std::size_t>(m) * m, 0.0);
  for (int k = 0; k < n; ++k)
    for (int t = 0; t < m; ++t)
      for (int u = 0; u < m; ++u) {
        double g = 0.0;
        for (int x = 0; x < model.K[k]; ++x) g += std::exp(model.lq(k, t, x) + model.lq(k, u, x));
        log_g[k][static_cast<std::size_t>(t) * m + u] = std::log(g);
        log_g_all[static_cast<std::size_t>(t) * m + u] += std::log(g);
      }
  std::vector<std::vector<double>> variation(n);
  std::vector<double> terms(static_cast<std::size_t>(m) * m);
  for (int i = 0; i < n; ++i) {
    const int K = model.K[i];
    // log O(a, b) = log sum_{t,t'} P(t|a) P(t'|b) prod_{k != i} G_k(t, t')
    std::vector<double> log_o(static_cast<std::size_t>(K) * K);
    for (int a = 0; a < K; ++a)
      for (int b = 0; b < K; ++b) {
        for (int t = 0; t < m; ++t)
          for (int u = 0; u < m; ++u) {
            const std::size_t tu = static_cast<std::size_t>(t) * m + u;
            terms[tu] = model.log_state_given[i][static_cast<std::size_t>(a) * m + t] +
                        model.log_state_given[i][static_cast<std::size_t>(b) * m + u] + (log_g_all[tu] - log_g[i][tu]);
          }
        log_o[static_cast<std::size_t>(a) * K + b] = log_sum_exp(terms.data(), m * m);
      }
    variation[i].assign(static_cast<std::size_t>(K) * K, 0.0);
    for (int a = 0; a < K; ++a) info.conditional_norm[i][a] = std::exp(0.5 * log_o[static_cast<std::size_t>(a) * K + a]);
    for (int a = 0; a < K; ++a)
      for (int b = 0; b < K; ++b) {
        if (a == b) continue;
        const std::size_t ab = static_cast<std::size_t>(a) * K + b;
        const double half_b = 0.5 * log_o[static_cast<std::size_t>(b) * K + b];
        const double half_a = 0.5 * log_o[static_cast<std::size_t>(a) * K + a];
        // S(a,b) = ||P(.|a)|| - O(a,b) / ||P(.|b)||;  Lambda term = 2 - 2 O(a,b) / (||P(.|a)|| ||P(.|b)||)
        info.score_gain[i][ab] = info.conditional_norm[i][a] - std::exp(log_o[ab] - half_b);
        variation[i][ab] = 2.0 - 2.0 * std::exp(log_o[ab] - half_a - half_b);
      }
  }
  finalize_variation(info, variation);
  return info;
}

namespace {

/// Every composition c of N into K parts (the signal-count vectors of N buyers), lexicographically,
/// K entries each.
std::vector<std::uint32_t> count_vectors(std::uint64_t N, int K, std::uint64_t count) {
  std::vector<std::uint32_t> vectors;
  vectors.reserve(count * K);
  std::vector<std::uint32_t> c(K, 0);
  c[K - 1] = static_cast<std::uint32_t>(N);
  while (true) {
    vectors.insert(vectors.end(), c.begin(), c.end());
    // next composition: find the rightmost position < K-1 that can take one from the tail
    int j = K - 2;
    std::uint32_t tail = c[K - 1];
    while (j >= 0 && tail == 0) {
      tail += c[j];
      c[j] = 0;
      --j;
    }
    if (j < 0) break;
    // move one unit into position j, the rest of the tail to the last position
    ++c[j];
    for (int l = j + 1; l < K; ++l) c[l] = 0;
    c[K - 1] = tail - 1;
  }
  return vectors;
}

/// D(a, b) and the level nu(a, b) of every pair a != b over the count vectors, on the CPU.
void count_vector_pairs_on_cpu(const kernels::CountVectorView& view, const std::vector<std::uint32_t>& vectors,
                               const std::vector<double>& log_signal, std::vector<double>& sums,
                               std::vector<double>& levels) {
  const int K = view.signals;
  const std::uint64_t total = vectors.size() / static_cast<std::size_t>(K);
  std::vector<DistanceMass> points(total);
  for (int a = 0; a < K; ++a)
    for (int b = 0; b < K; ++b) {
      if (a == b) continue;
      const auto sum = blocked_sums<1>(total, [&](std::uint64_t v, double* acc) {
        double d = 0.0, mass = 0.0;
        kernels::count_vector_point(view, vectors.data() + v * static_cast<std::uint64_t>(K), a, b, log_signal[a], &d, &mass);
        points[v] = {d, mass};
        acc[0] += mass * d;
      });
      sums[static_cast<std::size_t>(a) * K + b] = sum[0];
      levels[static_cast<std::size_t>(a) * K + b] = smallest_exceedance_level(points, tol::kDistanceTie);
    }
}

/// nu_i and D_i of a symmetric CI prior over count vectors c of the n-1 other buyers
/// (kernels::count_vector_point: P(c | b_i = a) and ||rho(c + e_a) - rho(c + e_b)||_1), on the
/// device when `backend` (resolved) is Device and it fits; when it does not, a ResourceError unless
/// `requested` was Auto (then the CPU).
void count_vector_measures(const Instance& in, Backend requested, Backend backend, InformationMeasures& info) {
  const CiModel model(in);
  const int n = model.n, K = model.K[0];
  const std::uint64_t N = static_cast<std::uint64_t>(n - 1);
  const std::uint64_t count = binomial(N + K - 1, static_cast<std::uint64_t>(K - 1));
  constexpr std::uint64_t kMaxVectors = 200000000ULL;
  if (count > kMaxVectors)
    throw ResourceError("the count-vector path would enumerate " + std::to_string(count) +
                        " signal-count vectors (n = " + std::to_string(n) + ", K = " + std::to_string(K) +
                        "); at most " + std::to_string(kMaxVectors) + " are supported");
  const std::vector<std::uint32_t> vectors = count_vectors(N, K, count);
  const kernels::CountVectorView view{model.m, K, model.log_lambda.data(), model.log_q[0].data(),
                                      std::lgamma(static_cast<double>(N) + 1.0)};
  std::vector<double> sums(static_cast<std::size_t>(K) * K, 0.0), levels(sums.size(), 0.0);
  info.backend = Backend::Cpu;
  if (backend == Backend::Device) {
    const std::uint64_t bytes = device::count_vector_bytes(count, K);
    if (device::count_vector_pairs(view, vectors.data(), count, model.log_signal[0].data(), tol::kDistanceTie, sums,
                                   levels))
      info.backend = Backend::Device;
    else if (requested != Backend::Auto)  // never a silent fallback when the device was asked for
      throw ResourceError("count-vector measures: the " + std::to_string(count) + " signal-count vectors and their "
                          "work space need " + std::to_string(bytes) + " bytes and " +
                          std::to_string(device::kDeviceReserveBytes) + " kept free, more than the device (" +
                          device_description() + ") has free; use Backend::Cpu");
  }
  if (info.backend == Backend::Cpu) count_vector_pairs_on_cpu(view, vectors, model.log_signal[0], sums, levels);
  for (int i = 0; i < n; ++i) {
    info.theorem1_sum[i] = sums;
    info.informational_size[i] = *std::max_element(levels.begin(), levels.end());
  }
}

/// The draws of the sampled path (kernels/ci_sample.cuh). The pool: one complete profile b^(t,s) ~
/// q(. | t) per state t and sample index s, its signals redrawn on demand from a stream keyed by
/// (t, s, k); stored are only the joint log-likelihoods L(t, s, u) = log lambda(u) + sum_k log
/// q_k(b^(t,s)_k | u). For buyer i and signal a, draw s takes theta_s ~ P(. | b_i = a) and b_-i =
/// b^(theta_s, s)_-i: independent across s, so the draws for each (i, a) are iid from P(theta, b_-i | a).
/// On the device the same per-draw function runs over the same arrays, so both draw the same profiles.
/// Importance sampling (ci_tilt.hpp) adds the tilted components as pool sources m..m+C-1; draw s for (i, a)
/// picks a source from Q's mixture (theta_s ~ P(. | a) for the defensive share) and reads pool profile
/// (source, s); each entry also holds the profile's C tilted log-densities, so Q(b_-i) costs O(C) a draw.
class ProfileSampler {
 public:
  /// on_device: draw on the device; one that lacks the memory is a ResourceError when the device was
  /// asked for (opt.backend not Auto), else the CPU draws.
  /// importance: the tilted proposal's tables (null: plain sampling).
  static constexpr double kDefensiveShare = 0.5;

  ProfileSampler(const Instance& in, const CiModel& model, const MeasureOptions& opt, bool on_device,
                 const TiltedProposal* importance)
      : model_(model), opt_(opt) {
    flatten(in);
    if (importance != nullptr) set_importance(*importance);
    const std::uint64_t N = opt.samples, m = static_cast<std::uint64_t>(kernels::ci_pool_width(view_));
    const bool pooled = opt.sample_pool_bytes > 0 && m * N * m <= opt.sample_pool_bytes / sizeof(double);
    if (on_device) {
      const bool fits = device::CiSampler::fits(view_, log_q_.size(), pooled);
      if (!fits && opt.backend != Backend::Auto)
        throw ResourceError("sampled measures: the prior and its pool of profiles need " +
                            std::to_string(device::CiSampler::bytes(view_, log_q_.size(), pooled)) + " bytes and " +
                            std::to_string(device::kDeviceReserveBytes) + " kept free, more than the device (" +
                            device_description() + ") has free; use Backend::Cpu or a smaller sample_pool_bytes");
      if (fits) {
        device_ = std::make_unique<device::CiSampler>(view_, log_q_.size(), pooled);
        on_device_ = true;
        return;
      }
    }
    if (!pooled) return;
    pool_.assign(m * N * m, 0.0);
#pragma omp parallel for schedule(static) num_threads(thread_count(opt_.threads))
    for (std::int64_t e = 0; e < static_cast<std::int64_t>(m * N); ++e)
      kernels::ci_pool_entry(view_, static_cast<std::uint64_t>(e), pool_.data() + static_cast<std::uint64_t>(e) * m);
    view_.pool = pool_.data();
  }

  bool on_device() const { return on_device_; }

  /// Importance draws for buyer i and signal a: dist as distances() and each draw's weight P / Q.
  std::vector<double> importance(int i, int a, std::vector<double>& weight) const {
    const int K = model_.K[i];
    const std::uint64_t N = view_.samples;
    std::vector<double> dist(N * static_cast<std::uint64_t>(K), 0.0);
    weight.assign(N, 0.0);
    const std::vector<double> state_cdf = state_cdf_of(i, a);
    const double log_signal_a = model_.log_signal[i][a];
    if (on_device_) {
      device_->importance(i, a, state_cdf.data(), log_signal_a, dist.data(), weight.data());
      return dist;
    }
#pragma omp parallel for schedule(static) num_threads(thread_count(opt_.threads))
    for (std::int64_t s = 0; s < static_cast<std::int64_t>(N); ++s)
      weight[s] = kernels::ci_importance_draw(view_, i, a, state_cdf.data(), log_signal_a, static_cast<std::uint64_t>(s),
                                              dist.data() + static_cast<std::uint64_t>(s) * K);
    return dist;
  }

  /// ||rho(b_-i, a) - rho(b_-i, r)||_1 for each draw s of b_-i ~ P(. | a) and each r (sample-major).
  std::vector<double> distances(int i, int a) const {
    const int K = model_.K[i];
    const std::uint64_t N = view_.samples;
    std::vector<double> dist(N * static_cast<std::uint64_t>(K), 0.0);
    const std::vector<double> state_cdf = state_cdf_of(i, a);
    if (on_device_) {
      device_->distances(i, a, state_cdf.data(), dist.data());
      return dist;
    }
#pragma omp parallel for schedule(static) num_threads(thread_count(opt_.threads))
    for (std::int64_t s = 0; s < static_cast<std::int64_t>(N); ++s)
      kernels::ci_draw_distances(view_, i, a, state_cdf.data(), static_cast<std::uint64_t>(s),
                                 dist.data() + static_cast<std::uint64_t>(s) * K);
    return dist;
  }

 private:
  /// Cumulative P(. | b_i = a), m entries.
  std::vector<double> state_cdf_of(int i, int a) const {
    const int m = model_.m;
    std::vector<double> cdf(m);
    double acc = 0.0;
    for (int t = 0; t < m; ++t) cdf[t] = (acc += std::exp(model_.log_state_given[i][static_cast<std::size_t>(a) * m + t]));
    return cdf;
  }

  /// The proposal Q: half the draws from P(. | b_i) (the defensive share: w <= 2), half spread evenly
  /// over the tilted components.
  void set_importance(const TiltedProposal& p) {
    view_.components = p.components;
    view_.tilt_offset = p.offset.data();
    view_.tilt_stride = p.stride;
    view_.tilt_log_q = p.log_q.data();
    view_.tilt_cdf = p.cdf.data();
    view_.defensive = p.components > 0 ? kDefensiveShare : 1.0;
    view_.log_defensive = std::log(view_.defensive);
    view_.log_component = p.components > 0 ? std::log((1.0 - kDefensiveShare) / p.components) : -INFINITY;
  }

  /// log q and the cumulative q(. | t) rows of every buyer, flat at offset_[k], and the view over them.
  void flatten(const Instance& in) {
    const int m = model_.m, n = model_.n;
    offset_.resize(n);
    for (int k = 0; k < n; ++k) {
      offset_[k] = log_q_.size();
      log_q_.insert(log_q_.end(), model_.log_q[k].begin(), model_.log_q[k].end());
      for (int t = 0; t < m; ++t) {
        double acc = 0.0;
        for (int x = 0; x < model_.K[k]; ++x) cdf_.push_back(acc += in.prior.q[k][static_cast<std::size_t>(t) * model_.K[k] + x]);
      }
    }
    view_.states = m;
    view_.buyers = n;
    view_.signals = model_.K.data();
    view_.offset = offset_.data();
    view_.log_lambda = model_.log_lambda.data();
    view_.log_q = log_q_.data();
    view_.cdf = cdf_.data();
    view_.samples = opt_.samples;
    view_.seed = opt_.seed;
    view_.pool_seed = mix64(opt_.seed ^ 0x5851f42d4c957f2dULL);
  }

  const CiModel& model_;
  const MeasureOptions& opt_;
  std::vector<std::uint64_t> offset_;
  std::vector<double> log_q_, cdf_, pool_;
  kernels::CiSampleView view_;
  bool on_device_ = false;
  std::unique_ptr<device::CiSampler> device_;
};

/// One pair (a, r) of buyer i: D(a, r), its half-width and the level interval of nu(a, r).
struct PairEstimate {
  double sum, half_width;
  LevelInterval level;
};

/// Plain draws (masses 1/N): Hoeffding (d in [0, 2]) and DKW half-width eps.
PairEstimate plain_pair(const std::vector<double>& dist, int K, int r, double eps, std::vector<DistanceMass>& points) {
  const std::uint64_t N = points.size();
  double sum = 0.0;
  for (std::uint64_t s = 0; s < N; ++s) {
    const double d = dist[s * static_cast<std::uint64_t>(K) + r];
    points[s] = {d, 1.0 / static_cast<double>(N)};
    sum += d;
  }
  const double mean = sum / static_cast<double>(N);
  return {mean, 2.0 * eps, exceedance_level_interval(points, eps, tol::kDistanceTie)};
}

/// Importance draws: mean(w d) with the normal half-width z sd(w d) / sqrt(N), and the weighted level interval.
PairEstimate importance_pair(const std::vector<double>& dist, const std::vector<double>& weight, int K, int r,
                             double z, std::vector<WeightedDistance>& points) {
  const std::uint64_t N = points.size();
  double sum = 0.0;
  for (std::uint64_t s = 0; s < N; ++s) {
    const double d = dist[s * static_cast<std::uint64_t>(K) + r];
    points[s] = {d, weight[s]};
    sum += weight[s] * d;
  }
  const double n = static_cast<double>(N), mean = sum / n;
  double squares = 0.0;
  for (std::uint64_t s = 0; s < N; ++s) {
    const double e = weight[s] * dist[s * static_cast<std::uint64_t>(K) + r] - mean;
    squares += e * e;
  }
  const double half_width = z * std::sqrt(squares / (n - 1.0) / n);
  return {mean, half_width, weighted_level_interval(points, z, 0.0)};
}

/// Whether rho(b_-i, a) = rho(b_-i, r) for every b_-i: q_i(a|t) / q_i(r|t) the same for every state t (within
/// tol::kLikelihoodRatioTie in log space; a state either signal rules out must be ruled out by both).
bool equal_posteriors(const CiModel& model, int i, int a, int r) {
  double lo = INFINITY, hi = -INFINITY;
  for (int t = 0; t < model.m; ++t) {
    const double qa = model.lq(i, t, a), qr = model.lq(i, t, r);
    if (std::isfinite(qa) != std::isfinite(qr)) return false;
    if (!std::isfinite(qa)) continue;
    lo = std::min(lo, qa - qr);
    hi = std::max(hi, qa - qr);
  }
  return hi - lo <= tol::kLikelihoodRatioTie;
}

/// The z with Prob(|Z| > z) = alpha for a standard normal Z (bisection on erfc).
double normal_two_sided_quantile(double alpha) {
  double lo = 0.0, hi = 40.0;
  for (int step = 0; step < 200; ++step) {
    const double mid = 0.5 * (lo + hi);
    if (std::erfc(mid / std::sqrt(2.0)) > alpha) lo = mid;
    else hi = mid;
  }
  return hi;
}

/// nu_i and D_i of a per-buyer CI prior by sampling b_-i ~ P(. | b_i = a) (plain: DKW for nu_i, Hoeffding for
/// D_i, d in [0, 2]) or b_-i ~ the tilted mixture Q (importance: normal approximations), half-widths
/// simultaneous over every (i, b_i, r_i) by Bonferroni.
void sampled_measures(const Instance& in, const MeasureOptions& opt, bool on_device, Sampler sampler,
                      InformationMeasures& info) {
  const CiModel model(in);
  const int n = model.n;
  const std::uint64_t N = opt.samples;
  const double alpha = per_statement_alpha(model.K, opt.confidence);
  const double eps = std::sqrt(std::log(2.0 / alpha) / (2.0 * static_cast<double>(N)));  // DKW and Hoeffding
  const double z = normal_two_sided_quantile(alpha);
  info.confidence = opt.confidence;
  info.samples = N;
  info.sampler = sampler;
  info.informational_size_half_width.assign(n, 0.0);
  info.theorem1_sum_half_width.assign(n, {});
  const bool importance = sampler == Sampler::Importance;
  const TiltedProposal proposal = importance ? tilted_proposal(model, opt.threads) : TiltedProposal{};
  const ProfileSampler draws(in, model, opt, on_device, importance ? &proposal : nullptr);
  info.backend = draws.on_device() ? Backend::Device : Backend::Cpu;
  std::vector<DistanceMass> points(importance ? 0 : N);
  std::vector<WeightedDistance> weighted(importance ? N : 0);
  std::vector<double> weight;
  for (int i = 0; i < n; ++i) {
    const int K = model.K[i];
    info.theorem1_sum_half_width[i].assign(static_cast<std::size_t>(K) * K, 0.0);
    double nu = 0.0, nu_lower = 0.0, nu_upper = 0.0;
    for (int a = 0; a < K; ++a) {
      const std::vector<double> dist = importance ? draws.importance(i, a, weight) : draws.distances(i, a);
      for (int r = 0; r < K; ++r) {
        if (r == a) continue;
        const PairEstimate e = !importance                     ? plain_pair(dist, K, r, eps, points)
                               : equal_posteriors(model, i, a, r) ? PairEstimate{0.0, 0.0, {0.0, 0.0, 0.0}}
                                                                  : importance_pair(dist, weight, K, r, z, weighted);
        const std::size_t ar = static_cast<std::size_t>(a) * K + r;
        info.theorem1_sum[i][ar] = e.sum;
        info.theorem1_sum_half_width[i][ar] = e.half_width;
        nu = std::max(nu, e.level.estimate);
        nu_lower = std::max(nu_lower, e.level.lower);
        nu_upper = std::max(nu_upper, e.level.upper);
      }
    }
    info.informational_size[i] = nu;
    info.informational_size_half_width[i] = std::max(nu_upper - nu, nu - nu_lower);
  }
}

/// Sampler::Auto resolved: importance where plain sampling's Hoeffding half-width (the same for every pair)
/// exceeds every certified D_i bound, so that no plain band could tell a D_i from 0.
Sampler resolve_sampler(const Instance& in, const MeasureOptions& opt, const CertifiedBounds& certified) {
  if (opt.sampler != Sampler::Auto) return opt.sampler;
  if (in.states > kernels::kMaxImportanceStates) return Sampler::Plain;
  const double alpha = per_statement_alpha(in.signals, opt.confidence);
  const double plain_half_width = 2.0 * std::sqrt(std::log(2.0 / alpha) / (2.0 * static_cast<double>(opt.samples)));
  double largest = 0.0;
  for (const auto& row : certified.theorem1_sum)
    for (double d : row) largest = std::max(largest, d);
  return largest < plain_half_width ? Sampler::Importance : Sampler::Plain;
}

}  // namespace

std::uint64_t sampled_draws(const Instance& in, const MeasureOptions& opt) {
  constexpr std::uint64_t kDraws = 20000, kLeast = 2000, kBudget = 12000000;
  if (opt.samples != 0) return opt.samples;
  std::uint64_t runs = 0;  // one run of draws per (buyer, signal)
  for (int k : in.signals) runs += static_cast<std::uint64_t>(std::max(k, 1));
  return std::clamp<std::uint64_t>(kBudget / std::max<std::uint64_t>(runs, 1), kLeast, kDraws);
}

InformationMeasures prior_measures(const Instance& in, const MeasureOptions& options) {
  MeasureOptions opt = options;
  validate(options);  // the table's ranges (ivassign/options.hpp)
  opt.samples = sampled_draws(in, opt);
  if (static_cast<int>(opt.sampler) < 0 || static_cast<int>(opt.sampler) > 2)
    throw InputError("measure option sampler: " + std::to_string(static_cast<int>(opt.sampler)) +
                     " must be auto (0), plain (1) or importance (2)");
  if (opt.sampler == Sampler::Importance && in.states > kernels::kMaxImportanceStates)
    throw InputError("measure option sampler: importance sampling supports 1 to " +
                     std::to_string(kernels::kMaxImportanceStates) + " states; this prior has " +
                     std::to_string(in.states) + " (use plain)");
  if (in.states > kernels::kMaxSampledStates && in.prior.conditionally_independent())
    throw InputError("states: the tensor-free paths support at most " + std::to_string(kernels::kMaxSampledStates) + " states");
  const std::uint64_t profiles = in.profile_count_saturated();
  if (!in.prior.conditionally_independent() || profiles <= opt.max_tensor_profiles) {
    const PosteriorTable table = build_posterior_table(in, opt.backend);
    return information_measures(table, opt.backend == Backend::Auto ? table.backend : opt.backend);
  }
  // Device (asked, or Auto with a GPU): the count vectors or the sampled draws
  const Backend backend = resolve_backend(opt.backend);
  InformationMeasures info = ci_closed_form_scores(in);
  if (in.prior.form == Prior::Form::Symmetric) {
    info.method = MeasureMethod::CountVectors;
    count_vector_measures(in, opt.backend, backend, info);
  } else {
    info.method = MeasureMethod::Sampled;
    CertifiedBounds certified = ci_certified_bounds(in, opt.threads);
    sampled_measures(in, opt, backend == Backend::Device, resolve_sampler(in, opt, certified), info);
    info.informational_size_certified = std::move(certified.informational_size);
    info.theorem1_sum_certified = std::move(certified.theorem1_sum);
  }
  return info;
}

std::vector<double> stage1_rewards(const Instance& in, const InformationMeasures& info, const std::vector<int>& profile,
                                   double delta) {
  check_profile(in.signals, profile);
  const int n = in.buyers, m = in.states;
  std::vector<double> xi(n);
  if (in.prior.conditionally_independent()) {
    const CiModel model(in);
    std::vector<double> joint(m);
    for (int t = 0; t < m; ++t) {
      joint[t] = model.log_lambda[t];
      for (int k = 0; k < n; ++k) joint[t] += model.lq(k, t, profile[k]);
    }
    const double log_pb = log_sum_exp(joint.data(), m);
    for (int i = 0; i < n; ++i)
      xi[i] = kernels::spherical_reward(delta, std::exp(log_pb - model.log_signal[i][profile[i]]),
                                        info.conditional_norm[i][profile[i]]);
    return xi;
  }
  // joint prior: P(b) and the signal marginals from the tensor
  const std::uint64_t P = in.profile_count();
  const std::uint64_t b = profile_index(in.signals, profile);
  double pb = 0.0;
  for (int t = 0; t < m; ++t) pb += in.prior.joint[static_cast<std::uint64_t>(t) * P + b];
  std::vector<double> marginal(n, 0.0);
  for (int t = 0; t < m; ++t)
    for (std::uint64_t x = 0; x < P; ++x) {
      const double p = in.prior.joint[static_cast<std::uint64_t>(t) * P + x];
      const auto prof = profile_from_index(in.signals, x);
      for (int i = 0; i < n; ++i)
        if (prof[i] == profile[i]) marginal[i] += p;
    }
  for (int i = 0; i < n; ++i)
    xi[i] = kernels::spherical_reward(delta, pb / marginal[i], info.conditional_norm[i][profile[i]]);
  return xi;
}

}  // namespace ivassign
