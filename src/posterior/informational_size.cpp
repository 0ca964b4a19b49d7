#include "posterior/informational_size.hpp"

#include <algorithm>
#include <cmath>

#include "kernels/measures.cuh"

namespace ivassign {

// F(e) = Prob(d > e) is a non-increasing step function; after sorting, the smallest level is the
// smallest candidate of kernels::level_candidate over positions (the CUDA path reduces the same
// candidates with a parallel min).
double smallest_exceedance_level(std::vector<DistanceMass>& points, double tie_tolerance) {
  if (points.empty()) return 0.0;
  std::sort(points.begin(), points.end(),
            [](const DistanceMass& a, const DistanceMass& b) { return a.distance < b.distance; });
  double total = 0.0;
  for (const auto& p : points) total += p.mass;
  double best = kernels::level_before_first(points.front().distance, total, tie_tolerance);
  double beyond = total;
  for (std::size_t k = 0; k < points.size(); ++k) {
    beyond -= points[k].mass;
    const bool last = k + 1 == points.size();
    const double next = last ? 0.0 : points[k + 1].distance;
    best = std::min(best, kernels::level_candidate(points[k].distance, beyond, next, last, tie_tolerance));
  }
  return best;
}

}  // namespace ivassign
