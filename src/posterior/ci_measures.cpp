// Measures of conditionally independent priors without the tensor:
//   closed form   conditional norms, S_i, Lambda_i (exact, O(m^2 n K))
//   count vectors nu_i and D_i for the symmetric form (exact; the posterior depends on b only
//                 through the signal counts, so b_-i ranges over count vectors of the n-1 others)
//   sampling      nu_i and D_i for the per-buyer form (estimates with simultaneous confidence bands)
// and prior_measures(), which picks the method.
#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "common/parallel.hpp"
#include "common/random.hpp"
#include "ivassign/error.hpp"
#include "ivassign/posterior.hpp"
#include "ivassign/tolerances.hpp"
#include "kernels/posterior.cuh"
#include "posterior/informational_size.hpp"
#include "posterior/ci_model.hpp"
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

/// nu_i and D_i of a symmetric CI prior over count vectors c of the n-1 other buyers:
/// P(c | b_i = a) = multinomial(c) * P(one profile with counts c | a), rho depends on c + e_a.
void count_vector_measures(const Instance& in, InformationMeasures& info) {
  const CiModel model(in);
  const int m = model.m, n = model.n, K = model.K[0];
  const std::uint64_t N = static_cast<std::uint64_t>(n - 1);
  const std::uint64_t count = binomial(N + K - 1, static_cast<std::uint64_t>(K - 1));
  constexpr std::uint64_t kMaxVectors = 200000000ULL;
  if (count > kMaxVectors)
    throw ResourceError("the count-vector path would enumerate " + std::to_string(count) +
                        " signal-count vectors (n = " + std::to_string(n) + ", K = " + std::to_string(K) +
                        "); at most " + std::to_string(kMaxVectors) + " are supported");
  // enumerate compositions of N into K parts, lexicographically
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
  const std::uint64_t total_vectors = vectors.size() / static_cast<std::size_t>(K);
  const double log_n_factorial = std::lgamma(static_cast<double>(N) + 1.0);
  std::vector<DistanceMass> points(total_vectors);
  for (int a = 0; a < K; ++a)
    for (int b = 0; b < K; ++b) {
      if (a == b) continue;
      const auto sums = blocked_sums<1>(total_vectors, [&](std::uint64_t v, double* acc) {
        const std::uint32_t* cv = vectors.data() + v * static_cast<std::uint64_t>(K);
        double log_mult = log_n_factorial;
        for (int x = 0; x < K; ++x) log_mult -= std::lgamma(static_cast<double>(cv[x]) + 1.0);
        double ja[64], jb[64], ra[64], rb[64];
        for (int t = 0; t < m; ++t) {
          double l = model.log_lambda[t];
          for (int x = 0; x < K; ++x) l += cv[x] * model.lq(0, t, x);
          ja[t] = l + model.lq(0, t, a);
          jb[t] = l + model.lq(0, t, b);
        }
        // P(profile with counts c | b_i = a) = sum_t P(t, profile, a) / P_i(a)
        const double log_pa = log_sum_exp(ja, m) - model.log_signal[0][a];
        const double mass = std::exp(log_mult + log_pa);
        const double la = log_sum_exp(ja, m), lb = log_sum_exp(jb, m);
        for (int t = 0; t < m; ++t) {
          ra[t] = std::exp(ja[t] - la);
          rb[t] = std::exp(jb[t] - lb);
        }
        const double d = kernels::l1_distance(ra, rb, m);
        points[v] = {d, mass};
        acc[0] += mass * d;
      });
      const std::size_t ab = static_cast<std::size_t>(a) * K + b;
      info.theorem1_sum[0][ab] = sums[0];
      info.informational_size[0] = std::max(info.informational_size[0],
                                            smallest_exceedance_level(points, tol::kDistanceTie));
    }
  for (int i = 1; i < n; ++i) {
    info.informational_size[i] = info.informational_size[0];
    info.theorem1_sum[i] = info.theorem1_sum[0];
  }
}

/// Categorical draw from an unnormalized cumulative table c of `size` entries.
int draw_categorical(const double* c, int size, double u) {
  for (int x = 0; x < size - 1; ++x)
    if (u < c[x] * c[size - 1]) return x;
  return size - 1;
}

/// The draws of the sampled path. The pool: one complete profile b^(t,s) ~ q(. | t) per state t and
/// sample index s, its signals redrawn on demand from a stream keyed by (t, s, k); stored are only
/// the joint log-likelihoods L(t, s, u) = log lambda(u) + sum_k log q_k(b^(t,s)_k | u). For buyer i
/// and signal a, draw s takes theta_s ~ P(. | b_i = a) and b_-i = b^(theta_s, s)_-i: independent
/// across s, so the draws for each (i, a) are iid from P(theta, b_-i | a).
class ProfileSampler {
 public:
  ProfileSampler(const Instance& in, const CiModel& model, const MeasureOptions& opt)
      : model_(model), opt_(opt), N_(opt.samples), cdf_(model.n) {
    const int m = model.m, n = model.n;
    for (int k = 0; k < n; ++k) {  // cumulative q_k(. | t) for categorical draws
      cdf_[k].resize(in.prior.q[k].size());
      for (int t = 0; t < m; ++t) {
        double acc = 0.0;
        for (int x = 0; x < model.K[k]; ++x) {
          acc += in.prior.q[k][static_cast<std::size_t>(t) * model.K[k] + x];
          cdf_[k][static_cast<std::size_t>(t) * model.K[k] + x] = acc;
        }
      }
    }
    const std::uint64_t pool_entries = static_cast<std::uint64_t>(m) * N_ * static_cast<std::uint64_t>(m);
    pooled_ = opt.sample_pool_bytes > 0 && pool_entries <= opt.sample_pool_bytes / sizeof(double);
    pool_seed_ = mix64(opt.seed ^ 0x5851f42d4c957f2dULL);
    if (pooled_) build_pool(pool_entries);
  }

  /// ||rho(b_-i, a) - rho(b_-i, r)||_1 for each draw s of b_-i ~ P(. | a) and each r (sample-major).
  std::vector<double> distances(int i, int a) const {
    const int m = model_.m, K = model_.K[i];
    std::vector<double> dist(N_ * static_cast<std::uint64_t>(K), 0.0);
    std::vector<double> state_cdf(m);
    double acc = 0.0;
    for (int t = 0; t < m; ++t) state_cdf[t] = (acc += std::exp(model_.log_state_given[i][static_cast<std::size_t>(a) * m + t]));
#pragma omp parallel for schedule(static) num_threads(thread_count(opt_.threads))
    for (std::int64_t ss = 0; ss < static_cast<std::int64_t>(N_); ++ss) {
      const auto s = static_cast<std::uint64_t>(ss);
      CounterStream rng{mix64(opt_.seed ^ mix64((static_cast<std::uint64_t>(i) << 40) ^ (static_cast<std::uint64_t>(a) << 32) ^ s))};
      const int theta = draw_categorical(state_cdf.data(), m, rng.uniform());
      double base[64], ja[64], jr[64], ra[64], rr[64];
      log_joint_of_others(i, theta, s, rng, base);
      for (int t = 0; t < m; ++t) ja[t] = base[t] + model_.lq(i, t, a);
      const double la = log_sum_exp(ja, m);
      for (int t = 0; t < m; ++t) ra[t] = std::exp(ja[t] - la);
      for (int r = 0; r < K; ++r) {
        if (r == a) continue;
        for (int t = 0; t < m; ++t) jr[t] = base[t] + model_.lq(i, t, r);
        const double lr = log_sum_exp(jr, m);
        for (int t = 0; t < m; ++t) rr[t] = std::exp(jr[t] - lr);
        dist[s * static_cast<std::uint64_t>(K) + r] = kernels::l1_distance(ra, rr, m);
      }
    }
    return dist;
  }

 private:
  std::uint64_t pool_key(int t, std::uint64_t s) const {
    return mix64(pool_seed_ ^ mix64(static_cast<std::uint64_t>(t) * N_ + s));
  }
  int pool_signal(std::uint64_t key, int k, int t) const {
    const double u = unit_double(mix64(key + (static_cast<std::uint64_t>(k) + 1) * kGolden64));
    return draw_categorical(cdf_[k].data() + static_cast<std::size_t>(t) * model_.K[k], model_.K[k], u);
  }

  void build_pool(std::uint64_t entries) {
    const int m = model_.m, n = model_.n;
    pool_.assign(entries, 0.0);
#pragma omp parallel for schedule(static) num_threads(thread_count(opt_.threads))
    for (std::int64_t e = 0; e < static_cast<std::int64_t>(static_cast<std::uint64_t>(m) * N_); ++e) {
      const int t = static_cast<int>(static_cast<std::uint64_t>(e) / N_);
      const std::uint64_t key = pool_key(t, static_cast<std::uint64_t>(e) % N_);
      double* L = pool_.data() + static_cast<std::uint64_t>(e) * m;
      for (int u = 0; u < m; ++u) L[u] = model_.log_lambda[u];
      for (int k = 0; k < n; ++k) {
        const int x = pool_signal(key, k, t);
        for (int u = 0; u < m; ++u) L[u] += model_.lq(k, u, x);
      }
    }
  }

  /// base[t] = log P(t, b_-i) for draw s of b_-i given theta.
  void log_joint_of_others(int i, int theta, std::uint64_t s, CounterStream& rng, double* base) const {
    const int m = model_.m, n = model_.n;
    if (pooled_) {  // from the pool profile: its likelihood less buyer i's factor
      const double* L = pool_.data() + (static_cast<std::uint64_t>(theta) * N_ + s) * m;
      const int x = pool_signal(pool_key(theta, s), i, theta);
      for (int t = 0; t < m; ++t) base[t] = L[t] - model_.lq(i, t, x);
      return;
    }
    for (int t = 0; t < m; ++t) base[t] = model_.log_lambda[t];
    for (int k = 0; k < n; ++k) {
      if (k == i) continue;
      const int x = draw_categorical(cdf_[k].data() + static_cast<std::size_t>(theta) * model_.K[k], model_.K[k],
                                     rng.uniform());
      for (int t = 0; t < m; ++t) base[t] += model_.lq(k, t, x);
    }
  }

  const CiModel& model_;
  const MeasureOptions& opt_;
  std::uint64_t N_;
  std::vector<std::vector<double>> cdf_;
  bool pooled_ = false;
  std::uint64_t pool_seed_ = 0;
  std::vector<double> pool_;
};

/// nu_i and D_i of a per-buyer CI prior by sampling b_-i ~ P(. | b_i = a), with DKW (nu_i) and
/// Hoeffding (D_i, d in [0, 2]) half-widths simultaneous over every (i, b_i, r_i).
void sampled_measures(const Instance& in, const MeasureOptions& opt, InformationMeasures& info) {
  const CiModel model(in);
  const int n = model.n;
  const std::uint64_t N = opt.samples;
  const double alpha = per_statement_alpha(model.K, opt.confidence);
  const double eps = std::sqrt(std::log(2.0 / alpha) / (2.0 * static_cast<double>(N)));  // DKW and Hoeffding
  info.confidence = opt.confidence;
  info.samples = N;
  info.informational_size_half_width.assign(n, 0.0);
  info.theorem1_sum_half_width.assign(n, {});
  const ProfileSampler sampler(in, model, opt);
  for (int i = 0; i < n; ++i) {
    const int K = model.K[i];
    info.theorem1_sum_half_width[i].assign(static_cast<std::size_t>(K) * K, 0.0);
    double nu = 0.0, nu_lower = 0.0, nu_upper = 0.0;
    for (int a = 0; a < K; ++a) {
      const std::vector<double> dist = sampler.distances(i, a);
      std::vector<DistanceMass> points(N);
      for (int r = 0; r < K; ++r) {
        if (r == a) continue;
        double sum = 0.0;
        for (std::uint64_t s = 0; s < N; ++s) {
          const double d = dist[s * static_cast<std::uint64_t>(K) + r];
          points[s] = {d, 1.0 / static_cast<double>(N)};
          sum += d;
        }
        const std::size_t ar = static_cast<std::size_t>(a) * K + r;
        info.theorem1_sum[i][ar] = sum / static_cast<double>(N);
        info.theorem1_sum_half_width[i][ar] = 2.0 * eps;
        const LevelInterval level = exceedance_level_interval(points, eps, tol::kDistanceTie);
        nu = std::max(nu, level.estimate);
        nu_lower = std::max(nu_lower, level.lower);
        nu_upper = std::max(nu_upper, level.upper);
      }
    }
    info.informational_size[i] = nu;
    info.informational_size_half_width[i] = std::max(nu_upper - nu, nu - nu_lower);
  }
}

}  // namespace

InformationMeasures prior_measures(const Instance& in, const MeasureOptions& opt) {
  if (!(opt.confidence > 0.0 && opt.confidence < 1.0))
    throw InputError("measure option confidence: " + std::to_string(opt.confidence) + " must be in (0, 1)");
  if (opt.samples < 100) throw InputError("measure option samples: " + std::to_string(opt.samples) + " must be >= 100");
  if (in.states > 64 && in.prior.conditionally_independent())
    throw InputError("states: the tensor-free paths support at most 64 states");
  const std::uint64_t profiles = in.profile_count_saturated();
  if (!in.prior.conditionally_independent() || profiles <= opt.max_tensor_profiles) {
    const PosteriorTable table = build_posterior_table(in, opt.backend);
    return information_measures(table, opt.backend == Backend::Auto ? table.backend : opt.backend);
  }
  if (opt.backend == Backend::Device || opt.backend == Backend::Cuda) {  // never a silent fallback
    resolve_backend(opt.backend);
    throw InputError("MeasureOptions::backend " + requested_name(opt.backend) + ": this prior has more than " +
                     std::to_string(opt.max_tensor_profiles) + " profiles (max_tensor_profiles), and its tensor-free "
                     "measures (count vectors, sampling) run on the CPU; use Backend::Cpu or Backend::Auto");
  }
  InformationMeasures info = ci_closed_form_scores(in);
  if (in.prior.form == Prior::Form::Symmetric) {
    info.method = MeasureMethod::CountVectors;
    count_vector_measures(in, info);
  } else {
    info.method = MeasureMethod::Sampled;
    sampled_measures(in, opt, info);
    CertifiedBounds certified = ci_certified_bounds(in, opt.threads);
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
