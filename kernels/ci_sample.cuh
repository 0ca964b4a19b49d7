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

/// A per-buyer CI prior P(theta, b) = lambda(theta) prod_k q_k(b_k | theta) as the draws read it:
/// buyer k's blocks of m * K_k entries (theta slowest) start at offset[k] in log_q and cdf.
struct CiSampleView {
  int states = 0, buyers = 0;
  const int* signals = nullptr;
  const uint64_t* offset = nullptr;
  const double* log_lambda = nullptr;  ///< log lambda(theta), m
  const double* log_q = nullptr;       ///< log q_k(x | theta)
  const double* cdf = nullptr;         ///< cumulative sums of q_k(. | theta) over x, per (k, theta)
  const double* pool = nullptr;        ///< L(theta, s, u), m * samples * m; null: draw each b_-i afresh
  uint64_t samples = 0;
  uint64_t seed = 0, pool_seed = 0;
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

/// The key of pool profile (theta, s); its signals are drawn from streams keyed by (key, k).
IVA_HD uint64_t ci_pool_key(const CiSampleView& v, int t, uint64_t s) {
  return mix64(v.pool_seed ^ mix64(static_cast<uint64_t>(t) * v.samples + s));
}

/// Buyer k's signal in pool profile `key` of state t: b_k ~ q_k(. | t).
IVA_HD int ci_pool_signal(const CiSampleView& v, uint64_t key, int k, int t) {
  const double u = unit_double(mix64(key + (static_cast<uint64_t>(k) + 1) * kGolden64));
  return draw_categorical(v.cdf + v.offset[k] + static_cast<uint64_t>(t) * v.signals[k], v.signals[k], u);
}

/// Pool entry e = theta * samples + s: L[u] = log lambda(u) + sum_k log q_k(b^(theta,s)_k | u), m entries.
IVA_HD void ci_pool_entry(const CiSampleView& v, uint64_t e, double* L) {
  const int t = static_cast<int>(e / v.samples);
  const uint64_t key = ci_pool_key(v, t, e % v.samples);
  for (int u = 0; u < v.states; ++u) L[u] = v.log_lambda[u];
  for (int k = 0; k < v.buyers; ++k) {
    const int x = ci_pool_signal(v, key, k, t);
    for (int u = 0; u < v.states; ++u) L[u] += ci_log_q(v, k, u, x);
  }
}

/// base[t] = log P(t, b_-i) for draw s of b_-i given theta: the pool profile less buyer i's factor,
/// or every other buyer's signal drawn from rng.
IVA_HD void ci_log_joint_of_others(const CiSampleView& v, int i, int theta, uint64_t s, CounterStream& rng,
                                   double* base) {
  const int m = v.states;
  if (v.pool != nullptr) {
    const double* L = v.pool + (static_cast<uint64_t>(theta) * v.samples + s) * m;
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
