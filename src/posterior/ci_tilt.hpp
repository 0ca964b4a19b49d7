// src/posterior/ci_tilt.hpp — the importance sampler's tilted proposal components for a per-buyer CI prior.
#pragma once
#include <cstdint>
#include <vector>

#include "posterior/ci_model.hpp"

namespace ivassign {

/// One component per unordered state pair (t, t') with a finite Chernoff exponent: the product over the
/// buyers k of qt_k(x) = q_k(x|t)^(1-s) q_k(x|t')^s / C_k(s), C_k(s) = sum_x q_k(x|t)^(1-s) q_k(x|t')^s, with s
/// minimizing phi(s) = sum_k log C_k(s) (the Chernoff exponent; phi' = 0 makes the tilted mean of the
/// log-likelihood ratio log q(b|t') / q(b|t) zero: the draws sit where the posterior hesitates between t and
/// t'), and kernels::kTiltLadder - 1 more at s* / 3, 2 s* / 3, s* + (1 - s*) / 3 and s* + 2 (1 - s*) / 3 (s* the
/// minimizer): the profiles between a state's typical ones and the hesitation, where the posterior is
/// nearly certain but not quite, which carry Prob(d > e | b_i) at the tiny levels e of nu_i. The ordered
/// pairs (t, t') and (t', t) give the same components (s and 1 - s), so one is kept. s is
/// chosen over all buyers, not per buyer i, so one pool of profiles serves every i; it only sets the
/// variance: the weights P / Q are exact whatever s is. A pair some buyer separates (disjoint supports,
/// phi = -inf) is left out: the posterior cannot hesitate between its states.
struct TiltedProposal {
  int components = 0;
  std::vector<int> first, second;     ///< the pair (t, t') of each component
  std::vector<double> tilt, exponent;  ///< s and phi(s) of each component (phi(s*) for the ladder's)
  std::vector<std::uint64_t> offset;   ///< buyer k's K_k entries start at offset[k] in each component's block
  std::uint64_t stride = 0;            ///< sum_k K_k: one component's block
  std::vector<double> log_q, cdf;      ///< components * stride: log qt_k(x) and its cumulative sums over x
};

/// O(m^2 n K G) with G = 63 grid exponents refined by golden-section search, log space.
TiltedProposal tilted_proposal(const CiModel& model, int threads = 0);

}  // namespace ivassign
