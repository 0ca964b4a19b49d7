// src/posterior/informational_size.hpp — the level at which a distance distribution is "small":
//   min { e >= 0 : Prob(d > e) <= e }
// the inner quantity of the informational size (1999 paper; 2013 paper Definition 3; the
// assignment report spec). Shared by the assignment posterior engine and the social model.
#pragma once
#include <vector>

namespace ivassign {

struct DistanceMass {
  double distance;  ///< d >= 0 (an L1 distance between posteriors)
  double mass;      ///< its probability
};

/// Distances within `tie_tolerance` of each other are one value (floating-point noise in
/// posteriors that are equal in exact arithmetic). The input is reordered.
double smallest_exceedance_level(std::vector<DistanceMass>& points, double tie_tolerance = 1e-12);

/// For an empirical distribution (masses summing to 1): the level, and the levels of the tail
/// probabilities shifted down and up by `epsilon` (a DKW band: with the band's confidence the true
/// level lies in [lower, upper], since the level is monotone in the tail).
struct LevelInterval {
  double estimate, lower, upper;
};
LevelInterval exceedance_level_interval(std::vector<DistanceMass>& points, double epsilon,
                                        double tie_tolerance = 1e-12);

/// Importance-sampled distances: draw d with weight w = P / Q (N draws, N = points.size()).
struct WeightedDistance {
  double distance, weight;
};
/// The level of the estimated tail F(e) = sum_{d > e} w / N (unbiased for Prob(d > e)), and the levels of
/// F(e) -+ z sd(e) / sqrt(N), sd(e) the sample standard deviation of w 1[d > e] (a pointwise normal band,
/// clamped to [0, 1]). Tails are summed from the largest distance down, so tails far below the total keep
/// their relative accuracy. Distances at most `floor` count as 0 (rounding noise): that lowers the level by
/// at most `floor`, so the upper level is raised to at least `floor`; other distances are distinct values
/// (no tie chains: sampled tails can hold many tiny, real distances; ci_measures passes floor 0, its
/// distances being genuine). The input is reordered.
LevelInterval weighted_level_interval(std::vector<WeightedDistance>& points, double z, double floor);

}  // namespace ivassign
