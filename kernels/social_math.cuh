// kernels/social_math.cuh — per-element math of the general social choice model (social-format.md),
// one source for the OpenMP path in src/social/ and a CUDA path: expected values v^_i(c; t), the
// efficient outcome and GVCG transfers of one profile, the distance of a posterior to certainty,
// the state-variability term (flat profile indices: kernels/profile_index.cuh). The spherical score
// and belief-variation terms, L1 distances and the informational-size level test are those of
// kernels/posterior.cuh and kernels/measures.cuh. Plain C++ without nvcc (see kernels/hd.h).
#pragma once
#include <math.h>
#include <stdint.h>

#include "kernels/hd.h"
#include "kernels/profile_index.cuh"

namespace ivassign {
namespace kernels {

/// v^_i(c; t) for every c: sum_theta v_i(c, theta, t_i) P(theta | t). `block` is agent i's values
/// [m][K_i][C], `posterior` the m entries of P(. | t). Writes C entries.
IVA_HD void expected_values(const double* block, int states, int k_i, int outcomes, int type, const double* posterior,
                            double* out) {
  for (int c = 0; c < outcomes; ++c) out[c] = 0.0;
  for (int s = 0; s < states; ++s) {
    const double w = posterior[s];
    if (w == 0.0) continue;
    const double* row = block + (static_cast<uint64_t>(s) * static_cast<uint64_t>(k_i) + static_cast<uint64_t>(type)) *
                                    static_cast<uint64_t>(outcomes);
    for (int c = 0; c < outcomes; ++c) out[c] += w * row[c];
  }
}

/// v^_i(c; t) for one outcome c: the entry `c` of expected_values, by the same additions in the same order.
IVA_HD double expected_value(const double* block, int states, int k_i, int outcomes, int type, const double* posterior,
                             int c) {
  double acc = 0.0;
  for (int s = 0; s < states; ++s) {
    const double w = posterior[s];
    if (w == 0.0) continue;
    acc += w * block[(static_cast<uint64_t>(s) * static_cast<uint64_t>(k_i) + static_cast<uint64_t>(type)) *
                         static_cast<uint64_t>(outcomes) +
                     static_cast<uint64_t>(c)];
  }
  return acc;
}

/// The efficient outcome of a value matrix vals[n][C] (ties to the lowest index) and each agent's
/// GVCG transfer alpha_i = sum_{j != i} v_j(q) - max_c sum_{j != i} v_j(c). `welfare` is scratch of
/// C entries (left holding sum_j v_j(c)). Returns q.
IVA_HD int efficient_with_transfers(const double* vals, int agents, int outcomes, double* welfare, double* alpha) {
  for (int c = 0; c < outcomes; ++c) welfare[c] = 0.0;
  for (int i = 0; i < agents; ++i)
    for (int c = 0; c < outcomes; ++c) welfare[c] += vals[i * outcomes + c];
  int q = 0;
  for (int c = 1; c < outcomes; ++c)
    if (welfare[c] > welfare[q]) q = c;
  if (alpha != 0) {
    for (int i = 0; i < agents; ++i) {
      const double* vi = vals + i * outcomes;
      double best = -INFINITY;
      for (int c = 0; c < outcomes; ++c) best = fmax(best, welfare[c] - vi[c]);
      alpha[i] = (welfare[q] - vi[q]) - best;
    }
  }
  return q;
}

/// ||P(.|t) - chi_theta_k||_1 = 2 (1 - P(theta_k|t)): the distance to the state k's certainty (the
/// cells A_k of the 1999 construction; at the most likely k it is distance_to_certainty's).
IVA_HD double distance_to_state(const double* posterior, int k) { return fmax(0.0, 2.0 * (1.0 - posterior[k])); }

/// Distance of a posterior to certainty, min_theta ||P(.|t) - chi_theta||_1 = 2 (1 - max_theta P).
IVA_HD double distance_to_certainty(const double* posterior, int states) {
  double top = 0.0;
  for (int s = 0; s < states; ++s) top = fmax(top, posterior[s]);
  return fmax(0.0, 2.0 * (1.0 - top));
}

/// Variability of state beliefs of one pair (1999, section 5.3): (||p|| ||p'|| - <p, p'>) / ||p'||,
/// >= 0 by Cauchy-Schwarz (a rounding below 0 is reported as 0).
IVA_HD double state_variability_term(double norm_p, double norm_p2, double inner) {
  return fmax(0.0, (norm_p * norm_p2 - inner) / norm_p2);
}

/// An agent's payoff after a report: his value of the outcome it leads to plus the transfer there.
IVA_HD double report_payoff(const double* own_values, int outcome, double transfer) {
  return own_values[outcome] + transfer;
}

/// Agent i's ex post gain from the lie r_i at t = (t_-i, t_i), with tr = (t_-i, r_i): the payoff of
/// the lie less the truth's, [v^_i(q(tr); t) + x_i(tr)] - [v^_i(q(t); t) + x_i(t)], from his values
/// v^_i(.; t) at the two outcomes and his transfers at the two profiles. The audit's one formula, on
/// the CPU (src/social/audit.cpp) and the device (kernels/device_audit.cu).
IVA_HD double lie_gain(double truth_value, double truth_transfer, double lie_value, double lie_transfer) {
  const double truth = truth_value + truth_transfer;
  return lie_value + lie_transfer - truth;
}

}  // namespace kernels
}  // namespace ivassign
