// kernels/ci_sample.cuh — the tensor-free measures of conditionally independent priors, per element
// (src/posterior/ci_measures.cpp): one draw of the sampled measures of a per-buyer prior
// (theta_s ~ P(. | b_i = a), b_-i from pool profile (theta_s, s) or drawn afresh, and
// ||rho(b_-i, a) - rho(b_-i, r)||_1 for every r), and one count vector of a symmetric prior. One
// source for the CPU's OpenMP loops and the device's for-each, so both draw the same profiles.
#pragma once
#include <math.h>
#include <stdint.h>

#include "kernels/hd.h"
#include "kernels/posterior.cuh"
#include "kernels/random.cuh"

namespace ivassign {
namespace kernels {

/// The most states the tensor-free paths support (per-draw arrays).
constexpr int kMaxSampledStates = 64;
/// The most states of the importance sampler: its proposal has kTiltLadder tilted components per unordered
/// state pair, kTiltLadder m (m - 1) / 2 of them, each evaluated at every draw (per-draw arrays).
constexpr int kMaxImportanceStates = 8;
constexpr int kTiltLadder = 5;
constexpr int kMaxTiltComponents = kTiltLadder * kMaxImportanceStates * (kMaxImportanceStates - 1) / 2;

/// A per-buyer CI prior P(theta, b) = lambda(theta) prod_k q_k(b_k | theta) as the draws read it:
/// buyer k's blocks of m * K_k entries (theta slowest) start at offset[k] in log_q and cdf.
struct CiSampleView {
  int states = 0, buyers = 0;
  const int* signals = nullptr;
  const uint64_t* offset = nullptr;
  const double* log_lambda = nullptr;  ///< log lambda(theta), m
  const double* log_q = nullptr;       ///< log q_k(x | theta)
  const double* cdf = nullptr;         ///< cumulative sums of q_k(. | theta) over x, per (k, theta)
  const double* pool = nullptr;        ///< L(source, s, .), sources * samples * sources; null: draw each b_-i afresh
  uint64_t samples = 0;
  uint64_t seed = 0, pool_seed = 0;
  /// Importance sampling (components > 0): the proposal's tilted components c, products over the buyers of
  /// qt_c,k(x) = q_k(x|t)^(1-s) q_k(x|t')^s / C_k(s) for one state pair (t, t') each, at tilt_log_q[c *
  /// tilt_stride + tilt_offset[k] + x] (cumulative sums in tilt_cdf); the mixture's weights are
  /// exp(log_defensive) for P(. | b_i = a) and exp(log_component) for each tilted component. Pool profiles
  /// come from sources 0..m-1 (q(. | theta)) and m..m+C-1 (the tilted products); each entry holds the m
  /// joint log-likelihoods and the C tilted log-densities of its profile.
  int components = 0;
  const uint64_t* tilt_offset = nullptr;
  uint64_t tilt_stride = 0;
  const double* tilt_log_q = nullptr;
  const double* tilt_cdf = nullptr;
  double defensive = 1.0, log_defensive = 0.0, log_component = -INFINITY;
};

/// log sum_k exp(v_k), max-shifted; an infinite or NaN peak is returned as is.
IVA_HD double log_sum_exp(const double* v, int count) {
  double peak = -INFINITY;
  for (int k = 0; k < count; ++k) peak = v[k] > peak ? v[k] : peak;
  if (!isfinite(peak)) return peak;
  double total = 0.0;
  for (int k = 0; k < count; ++k) total += exp(v[k] - peak);
  return peak + log(total);
}

/// Categorical draw from an unnormalized cumulative table c of `size` entries.
IVA_HD int draw_categorical(const double* c, int size, double u) {
  for (int x = 0; x < size - 1; ++x)
    if (u < c[x] * c[size - 1]) return x;
  return size - 1;
}

IVA_HD double ci_log_q(const CiSampleView& v, int k, int t, int x) {
  return v.log_q[v.offset[k] + static_cast<uint64_t>(t) * v.signals[k] + x];
}

/// Pool sources: q(. | theta) for theta < m, then the C tilted products; a pool entry holds m + C values.
IVA_HD int ci_pool_width(const CiSampleView& v) { return v.states + v.components; }

/// The key of pool profile (source, s); its signals are drawn from streams keyed by (key, k).
IVA_HD uint64_t ci_pool_key(const CiSampleView& v, int source, uint64_t s) {
  return mix64(v.pool_seed ^ mix64(static_cast<uint64_t>(source) * v.samples + s));
}

IVA_HD double ci_tilt_log_q(const CiSampleView& v, int c, int k, int x) {
  return v.tilt_log_q[static_cast<uint64_t>(c) * v.tilt_stride + v.tilt_offset[k] + x];
}

/// Buyer k's signal in pool profile `key` of `source`: b_k ~ q_k(. | source) or the tilted qt_{source - m},k.
IVA_HD int ci_pool_signal(const CiSampleView& v, uint64_t key, int k, int source) {
  const double u = unit_double(mix64(key + (static_cast<uint64_t>(k) + 1) * kGolden64));
  const double* cdf = source < v.states
                           ? v.cdf + v.offset[k] + static_cast<uint64_t>(source) * v.signals[k]
                           : v.tilt_cdf + static_cast<uint64_t>(source - v.states) * v.tilt_stride + v.tilt_offset[k];
  return draw_categorical(cdf, v.signals[k], u);
}

/// Adds buyer k's signal x to L: the m joint log-likelihoods, then the C tilted log-densities (sign -1: removes it).
IVA_HD void ci_add_signal(const CiSampleView& v, int k, int x, double sign, double* L) {
  for (int u = 0; u < v.states; ++u) L[u] += sign * ci_log_q(v, k, u, x);
  for (int c = 0; c < v.components; ++c) L[v.states + c] += sign * ci_tilt_log_q(v, c, k, x);
}

/// Pool entry e = source * samples + s: L[u] = log lambda(u) + sum_k log q_k(b_k | u) (m entries), then
/// L[m + c] = sum_k log qt_c,k(b_k) (C entries), for the profile b of pool key (source, s).
IVA_HD void ci_pool_entry(const CiSampleView& v, uint64_t e, double* L) {
  const int source = static_cast<int>(e / v.samples);
  const uint64_t key = ci_pool_key(v, source, e % v.samples);
  for (int u = 0; u < v.states; ++u) L[u] = v.log_lambda[u];
  for (int c = 0; c < v.components; ++c) L[v.states + c] = 0.0;
  for (int k = 0; k < v.buyers; ++k) ci_add_signal(v, k, ci_pool_signal(v, key, k, source), 1.0, L);
}

/// base[t] = log P(t, b_-i) for draw s of b_-i given theta: the pool profile less buyer i's factor,
/// or every other buyer's signal drawn from rng.
IVA_HD void ci_log_joint_of_others(const CiSampleView& v, int i, int theta, uint64_t s, CounterStream& rng,
                                   double* base) {
  const int m = v.states;
  if (v.pool != nullptr) {
    const double* L = v.pool + (static_cast<uint64_t>(theta) * v.samples + s) * ci_pool_width(v);
    const int x = ci_pool_signal(v, ci_pool_key(v, theta, s), i, theta);
    for (int t = 0; t < m; ++t) base[t] = L[t] - ci_log_q(v, i, t, x);
    return;
  }
  for (int t = 0; t < m; ++t) base[t] = v.log_lambda[t];
  for (int k = 0; k < v.buyers; ++k) {
    if (k == i) continue;
    const int K = v.signals[k];
    const int x = draw_categorical(v.cdf + v.offset[k] + static_cast<uint64_t>(theta) * K, K, rng.uniform());
    for (int t = 0; t < m; ++t) base[t] += ci_log_q(v, k, t, x);
  }
}

/// Draw s for buyer i with signal a (state_cdf: cumulative P(. | b_i = a)): out[r] =
/// ||rho(b_-i, a) - rho(b_-i, r)||_1 for r != a, out[a] = 0 (K_i entries).
IVA_HD void ci_draw_distances(const CiSampleView& v, int i, int a, const double* state_cdf, uint64_t s, double* out) {
  const int m = v.states, K = v.signals[i];
  CounterStream rng{mix64(v.seed ^ mix64((static_cast<uint64_t>(i) << 40) ^ (static_cast<uint64_t>(a) << 32) ^ s))};
  const int theta = draw_categorical(state_cdf, m, rng.uniform());
  double base[kMaxSampledStates], ja[kMaxSampledStates], jr[kMaxSampledStates];
  double ra[kMaxSampledStates], rr[kMaxSampledStates];
  ci_log_joint_of_others(v, i, theta, s, rng, base);
  for (int t = 0; t < m; ++t) ja[t] = base[t] + ci_log_q(v, i, t, a);
  const double la = log_sum_exp(ja, m);
  for (int t = 0; t < m; ++t) ra[t] = exp(ja[t] - la);
  out[a] = 0.0;
  for (int r = 0; r < K; ++r) {
    if (r == a) continue;
    for (int t = 0; t < m; ++t) jr[t] = base[t] + ci_log_q(v, i, t, r);
    const double lr = log_sum_exp(jr, m);
    for (int t = 0; t < m; ++t) rr[t] = exp(jr[t] - lr);
    out[r] = l1_distance(ra, rr, m);
  }
}

/// ||a - b||_1 of two posteriors with the largest entry's difference taken from the others' (the entries of
/// each sum to 1, so a_0 - b_0 = -sum_{t != 0} (a_t - b_t)): the small entries are exact to a few ulp
/// relative, while the largest, near 1, loses any difference below its ulp (1e-16). The importance sampler
/// resolves D_i far below that, where the plain sum would count only half of the distance.
IVA_HD double l1_distance_small(const double* a, const double* b, int m) {
  int top = 0;
  for (int t = 1; t < m; ++t) top = a[t] + b[t] > a[top] + b[top] ? t : top;
  double d = 0.0, rest = 0.0;
  for (int t = 0; t < m; ++t) {
    if (t == top) continue;
    d += fabs(a[t] - b[t]);
    rest += a[t] - b[t];
  }
  return d + fabs(rest);
}

/// L over the others for pool profile (source, s) of the importance sampler: L[t] = log P(t, b_-i), then
/// L[m + c] = sum_{k != i} log qt_c,k(b_k). From the pool less buyer i's terms, or (no pool, or a term of
/// buyer i that is -inf) from the profile's keyed signals afresh: both read the same profile.
IVA_HD void ci_importance_terms(const CiSampleView& v, int i, int source, uint64_t s, double* L) {
  const int width = ci_pool_width(v);
  const uint64_t key = ci_pool_key(v, source, s);
  const int own = ci_pool_signal(v, key, i, source);
  if (v.pool != nullptr) {
    const double* entry = v.pool + (static_cast<uint64_t>(source) * v.samples + s) * width;
    bool finite = true;
    for (int u = 0; u < width; ++u) {
      L[u] = entry[u];
      finite = finite && isfinite(u < v.states ? ci_log_q(v, i, u, own) : ci_tilt_log_q(v, u - v.states, i, own));
    }
    if (finite) {
      ci_add_signal(v, i, own, -1.0, L);
      return;
    }
  }
  for (int u = 0; u < v.states; ++u) L[u] = v.log_lambda[u];
  for (int c = 0; c < v.components; ++c) L[v.states + c] = 0.0;
  for (int k = 0; k < v.buyers; ++k)
    if (k != i) ci_add_signal(v, k, ci_pool_signal(v, key, k, source), 1.0, L);
}

/// Importance draw s for buyer i with signal a (state_cdf: cumulative P(. | b_i = a); log_signal_a = log
/// P_i(a)): b_-i ~ Q = defensive P(. | a) + the tilted components, out[r] = ||rho(b_-i, a) - rho(b_-i, r)||_1
/// (out[a] = 0), and the return value w = P(b_-i | a) / Q(b_-i) <= 1 / defensive, both in log space.
IVA_HD double ci_importance_draw(const CiSampleView& v, int i, int a, const double* state_cdf, double log_signal_a,
                                 uint64_t s, double* out) {
  const int m = v.states, K = v.signals[i], C = v.components;
  CounterStream rng{mix64(~v.seed ^ mix64((static_cast<uint64_t>(i) << 40) ^ (static_cast<uint64_t>(a) << 32) ^ s))};
  const double u = rng.uniform();
  int source = 0;
  if (C == 0 || u < v.defensive) {
    source = draw_categorical(state_cdf, m, rng.uniform());
  } else {
    const int c = static_cast<int>((u - v.defensive) / (1.0 - v.defensive) * C);
    source = m + (c < C ? c : C - 1);
  }
  double L[kMaxSampledStates + kMaxTiltComponents], mix[1 + kMaxTiltComponents];
  double ja[kMaxSampledStates], jr[kMaxSampledStates], ra[kMaxSampledStates], rr[kMaxSampledStates];
  ci_importance_terms(v, i, source, s, L);
  for (int t = 0; t < m; ++t) ja[t] = L[t] + ci_log_q(v, i, t, a);
  const double la = log_sum_exp(ja, m);
  out[a] = 0.0;
  if (!(la > -INFINITY)) {  // P(b_-i, a) = 0: weight 0 (the distances do not count)
    for (int r = 0; r < K; ++r) out[r] = 0.0;
    return 0.0;
  }
  const double log_p = la - log_signal_a;  // log P(b_-i | a)
  mix[0] = v.log_defensive + log_p;
  for (int c = 0; c < C; ++c) mix[1 + c] = v.log_component + L[m + c];
  const double weight = exp(log_p - log_sum_exp(mix, 1 + C));
  for (int t = 0; t < m; ++t) ra[t] = exp(ja[t] - la);
  for (int r = 0; r < K; ++r) {
    if (r == a) continue;
    for (int t = 0; t < m; ++t) jr[t] = L[t] + ci_log_q(v, i, t, r);
    const double lr = log_sum_exp(jr, m);
    for (int t = 0; t < m; ++t) rr[t] = exp(jr[t] - lr);
    out[r] = l1_distance_small(ra, rr, m);
  }
  return weight;
}

/// A symmetric CI prior (one q for every buyer) over the signal-count vectors c of the n - 1 others.
struct CountVectorView {
  int states = 0, signals = 0;
  const double* log_lambda = nullptr;  ///< m
  const double* log_q = nullptr;       ///< log q(x | theta), m * K (theta slowest)
  double log_n_factorial = 0.0;        ///< log (n - 1)!
};

/// Count vector c (K entries) for a buyer with signal a against report b: mass = P(c | b_i = a)
/// = multinomial(c) sum_t P(t, one profile with counts c, a) / P_i(a) (log_signal_a = log P_i(a)),
/// and d = ||rho(c + e_a) - rho(c + e_b)||_1.
IVA_HD void count_vector_point(const CountVectorView& v, const uint32_t* c, int a, int b, double log_signal_a,
                               double* d, double* mass) {
  const int m = v.states, K = v.signals;
  double log_mult = v.log_n_factorial;
  for (int x = 0; x < K; ++x) log_mult -= lgamma(static_cast<double>(c[x]) + 1.0);
  double ja[kMaxSampledStates], jb[kMaxSampledStates], ra[kMaxSampledStates], rb[kMaxSampledStates];
  for (int t = 0; t < m; ++t) {
    double l = v.log_lambda[t];
    for (int x = 0; x < K; ++x) l += c[x] * v.log_q[t * K + x];
    ja[t] = l + v.log_q[t * K + a];
    jb[t] = l + v.log_q[t * K + b];
  }
  const double la = log_sum_exp(ja, m), lb = log_sum_exp(jb, m);
  *mass = exp(log_mult + (la - log_signal_a));
  for (int t = 0; t < m; ++t) {
    ra[t] = exp(ja[t] - la);
    rb[t] = exp(jb[t] - lb);
  }
  *d = l1_distance(ra, rb, m);
}

}  // namespace kernels
}  // namespace ivassign
