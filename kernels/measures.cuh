// kernels/measures.cuh — per-element math of the information measures, shared by the CPU engine
// (src/posterior/measures.cpp) and the device engine (kernels/device_measures.cu; profile indexing is
// kernels/profile_index.cuh): the conditional norms' terms, one b_-i's point of a pair (b_i, r_i) with
// its spherical-score, Theorem 1 and variation terms, and the candidate test of the informational-size
// level min{e >= 0 : Prob(d > e) <= e}.
#pragma once
#include <math.h>
#include <stdint.h>

#include "kernels/hd.h"
#include "kernels/posterior.cuh"
#include "kernels/profile_index.cuh"

namespace ivassign {
namespace kernels {

/// Marks a point (distance or gain) that cannot exceed any level e >= 0: dropped before the level
/// test, by the CPU (a remove_if) and the device (kernels/device_level.cuh) alike.
constexpr double kDroppedPoint = -1.0;

/// P(b_-i | b_i)^2 at the o-th b_-i: the term of ||P_-i(. | b_i)||_2^2. marginal: P(b) of every
/// profile; pb = P_i(b_i).
IVA_HD double squared_conditional(const double* marginal, uint64_t stride, int k, int bi, double pb, uint64_t o) {
  const double p = marginal[profile_with_signal(o, stride, k, bi)] / pb;
  return p * p;
}

/// One term of the variation of beliefs (2013 paper, section 7.1): (p/||P(.|b_i)|| - p_r/||P(.|r_i)||)^2.
IVA_HD double belief_variation_term(double p, double p_r, double norm_b, double norm_r) {
  const double d = p / norm_b - p_r / norm_r;
  return d * d;
}

/// One buyer's pair (b_i, r_i) over a table: P(b) (marginal) and rho(b) (posterior, `states` per
/// profile; none with Theta = T, states == 0), buyer i's k signals and stride, pb = P_i(b_i),
/// pr = P_i(r_i), the conditional norms of b_i and r_i, the distance tie, and whether b_-i outside the
/// support of either profile are left out of the level.
struct PairView {
  const double* posterior;
  const double* marginal;
  int states, k;
  uint64_t stride;
  int bi, ri;
  double pb, pr, norm_b, norm_r, tie;
  bool support_only;
};

/// What the o-th b_-i adds to the pair's sums (S_i, D_i, the variation of beliefs) and its point of
/// the level: the distance d = ||rho(b_-i, b_i) - rho(b_-i, r_i)||_1 (kDroppedPoint when within the
/// tie of 0, never above a level e >= 0, or outside the support) with its mass P(b_-i | b_i).
struct PairPoint {
  double score, theorem1, variation;
  double distance, mass;
};

IVA_HD PairPoint pair_point(const PairView& v, uint64_t o) {
  const uint64_t b = profile_with_signal(o, v.stride, v.k, v.bi);
  const uint64_t r = profile_with_signal(o, v.stride, v.k, v.ri);
  const double p = v.marginal[b] / v.pb, q = v.marginal[r] / v.pr;
  // Theta = T (no posterior stored): distinct profiles are point masses 2 apart
  const double d = v.states == 0 ? 2.0 : l1_distance(v.posterior + b * v.states, v.posterior + r * v.states, v.states);
  const bool outside = v.support_only && (v.marginal[b] == 0.0 || v.marginal[r] == 0.0);
  return {spherical_gain_term(p, q, v.norm_b, v.norm_r), d * p, belief_variation_term(p, q, v.norm_b, v.norm_r),
          outside || d <= v.tie ? kDroppedPoint : d, p};
}

/// Level test on distances sorted ascending: d_k with `beyond` = mass strictly after position k.
/// Prob(d > e) = beyond on [d_k, d_next); the level is max(d_k, beyond) when it lies below the next
/// distinct distance (or k is the last). Returns +infinity when the interval does not hold it.
/// Equal distances (within tie) make an empty interval, so only a tie group's last member counts.
IVA_HD double level_candidate(double d_k, double beyond, double d_next, bool last, double tie) {
  const double level = fmax(d_k, fmax(beyond, 0.0));
  if (last) return level;
  if (d_next <= d_k + tie) return INFINITY;
  return level < d_next ? level : INFINITY;
}

/// The interval [0, d_0) before the smallest distance: Prob(d > e) = total there.
IVA_HD double level_before_first(double d_0, double total, double tie) {
  if (d_0 <= tie) return INFINITY;
  return total < d_0 ? total : INFINITY;
}

}  // namespace kernels
}  // namespace ivassign
