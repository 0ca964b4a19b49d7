// kernels/measures.cuh — per-element math of the information measures, shared by the OpenMP and
// CUDA paths (profile indexing is kernels/profile_index.cuh): the spherical-score and variation terms, and the
// candidate test of the informational-size level min{e >= 0 : Prob(d > e) <= e}.
#pragma once
#include <math.h>
#include <stdint.h>

#include "kernels/hd.h"
#include "kernels/profile_index.cuh"

namespace ivassign {
namespace kernels {

/// One term of the variation of beliefs (2013 paper, section 7.1): (p/||P(.|b_i)|| - p_r/||P(.|r_i)||)^2.
IVA_HD double belief_variation_term(double p, double p_r, double norm_b, double norm_r) {
  const double d = p / norm_b - p_r / norm_r;
  return d * d;
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
