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

}  // namespace ivassign
