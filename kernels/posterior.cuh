// kernels/posterior.cuh — per-element posterior math, one source for the CPU and CUDA paths.
//
// Profiles are flat C-order indices over (b_1, ..., b_n), b_n fastest. All functions take raw
// pointers and an index and have no side effects beyond their outputs, so a CUDA thread and an
// OpenMP iteration call them identically.
#pragma once
#include <math.h>
#include <stdint.h>

#include "kernels/hd.h"
#include "kernels/profile_index.cuh"

namespace ivassign {
namespace kernels {

/// Joint prior: P(theta, b) -> rho(b) (m entries, written to out) and P(b) (returned).
/// joint is (theta, b) in C order: entry theta * profiles + b.
IVA_HD double posterior_from_joint(const double* joint, int states, uint64_t profiles, uint64_t b, double* out) {
  double total = 0.0;
  for (int t = 0; t < states; ++t) {
    const double v = joint[static_cast<uint64_t>(t) * profiles + b];
    out[t] = v;
    total += v;
  }
  const double inv = total > 0.0 ? 1.0 / total : 0.0;
  for (int t = 0; t < states; ++t) out[t] *= inv;
  return total;
}

/// Normalizes log weights in place into a distribution (max-shifted exponentials); returns the
/// log of their sum.
IVA_HD double normalize_log_weights(double* w, int states) {
  double peak = -INFINITY;
  for (int t = 0; t < states; ++t) peak = w[t] > peak ? w[t] : peak;
  double total = 0.0;
  for (int t = 0; t < states; ++t) {
    w[t] = exp(w[t] - peak);
    total += w[t];
  }
  const double inv = 1.0 / total;
  for (int t = 0; t < states; ++t) w[t] *= inv;
  return peak + log(total);
}

/// log P(theta, b) = log lambda(theta) + sum_i log q_i(b_i | theta), the signals given by signal_at(i).
/// log_q is buyer blocks of m*K_i (theta slowest) starting at q_offset[i].
template <class SignalAt>
IVA_HD void ci_log_joint(const double* log_lambda, const double* log_q, const uint64_t* q_offset, const int* signals,
                         int states, int buyers, SignalAt signal_at, double* out) {
  for (int t = 0; t < states; ++t) {
    double lp = log_lambda[t];
    for (int i = 0; i < buyers; ++i) lp += log_q[q_offset[i] + static_cast<uint64_t>(t) * signals[i] + signal_at(i)];
    out[t] = lp;
  }
}

/// Conditionally independent prior, flat profile index b: writes rho(b) (m entries), returns P(b).
/// Log space, stable for any n.
IVA_HD double posterior_from_ci(const double* log_lambda, const double* log_q, const uint64_t* q_offset,
                                const int* signals, const uint64_t* strides, int states, int buyers,
                                uint64_t b, double* out) {
  ci_log_joint(log_lambda, log_q, q_offset, signals, states, buyers,
               [=](int i) { return signal_of(b, strides, signals, i); }, out);
  return exp(normalize_log_weights(out, states));
}

/// Same for a profile given as an array of signals (any n; no flat index).
IVA_HD double posterior_from_ci_profile(const double* log_lambda, const double* log_q, const uint64_t* q_offset,
                                        const int* signals, const int* profile, int states, int buyers, double* out) {
  ci_log_joint(log_lambda, log_q, q_offset, signals, states, buyers, [=](int i) { return profile[i]; }, out);
  return exp(normalize_log_weights(out, states));
}

/// The linear-space factored path keeps one factor of m states in local (register) scratch, on
/// the CPU and the GPU alike; more states use the log-space path.
constexpr int kMaxFactoredStates = 64;

/// Linear-space factor of a conditionally independent prior over buyers [first, last) of the flat
/// profile b: w_t = (lambda_t if with_lambda) * prod_i q_i(b_i | t). q is buyer blocks of m*K_i
/// (theta slowest) at q_offset[i]. The host uses it only when no product can underflow.
IVA_HD void ci_factor(const double* lambda, const double* q, const uint64_t* q_offset, const int* signals,
                      const uint64_t* strides, int states, int first, int last, bool with_lambda, uint64_t b,
                      double* w) {
  for (int t = 0; t < states; ++t) w[t] = with_lambda ? lambda[t] : 1.0;
  for (int i = first; i < last; ++i) {
    const double* qi = q + q_offset[i] + signal_of(b, strides, signals, i);
    for (int t = 0; t < states; ++t) w[t] *= qi[static_cast<uint64_t>(t) * signals[i]];
  }
}

/// rho(b) from the two factors of P(theta, b) = outer_t * inner_t: writes rho, returns P(b).
IVA_HD double posterior_from_factors(const double* outer, const double* inner, int states, double* out) {
  double total = 0.0;
  for (int t = 0; t < states; ++t) {
    out[t] = outer[t] * inner[t];
    total += out[t];
  }
  const double inv = 1.0 / total;
  for (int t = 0; t < states; ++t) out[t] *= inv;
  return total;
}

/// ||a - b||_1 over m entries.
IVA_HD double l1_distance(const double* a, const double* b, int m) {
  double d = 0.0;
  for (int t = 0; t < m; ++t) d += fabs(a[t] - b[t]);
  return d;
}

/// One term of the spherical score gain S_i(b_i, r_i): p * (p / norm_b - p_r / norm_r), where
/// p = P(b_-i | b_i) and p_r = P(b_-i | r_i).
IVA_HD double spherical_gain_term(double p, double p_r, double norm_b, double norm_r) {
  return p * (p / norm_b - p_r / norm_r);
}

/// Stage-1 reward xi_i = delta * P(b_-i | b_i) / ||P(. | b_i)||_2.
IVA_HD double spherical_reward(double delta, double conditional, double norm) {
  return delta * conditional / norm;
}

}  // namespace kernels
}  // namespace ivassign
