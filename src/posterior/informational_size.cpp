#include "posterior/informational_size.hpp"

#include <algorithm>
#include <cmath>

#include "kernels/measures.cuh"

namespace ivassign {

// F(e) = Prob(d > e) is a non-increasing step function; after sorting, the smallest level is the
// smallest candidate of kernels::level_candidate over positions (the CUDA path reduces the same
// candidates with a parallel min).
namespace {

/// Level of sorted points with every tail probability shifted by `shift` (clamped to [0, total]).
double sorted_level(const std::vector<DistanceMass>& points, double shift, double tie) {
  double total = 0.0;
  for (const auto& p : points) total += p.mass;
  auto clamp = [&](double x) { return std::min(total, std::max(0.0, x + shift)); };
  double best = kernels::level_before_first(points.front().distance, clamp(total), tie);
  double beyond = total;
  for (std::size_t k = 0; k < points.size(); ++k) {
    beyond -= points[k].mass;
    const bool last = k + 1 == points.size();
    const double next = last ? 0.0 : points[k + 1].distance;
    best = std::min(best, kernels::level_candidate(points[k].distance, clamp(beyond), next, last, tie));
  }
  return best;
}

void sort_by_distance(std::vector<DistanceMass>& points) {
  std::sort(points.begin(), points.end(),
            [](const DistanceMass& a, const DistanceMass& b) { return a.distance < b.distance; });
}

}  // namespace

double smallest_exceedance_level(std::vector<DistanceMass>& points, double tie_tolerance) {
  if (points.empty()) return 0.0;
  sort_by_distance(points);
  return sorted_level(points, 0.0, tie_tolerance);
}

LevelInterval exceedance_level_interval(std::vector<DistanceMass>& points, double epsilon, double tie_tolerance) {
  if (points.empty()) return {0.0, 0.0, 0.0};
  sort_by_distance(points);
  return {sorted_level(points, 0.0, tie_tolerance), sorted_level(points, -epsilon, tie_tolerance),
          sorted_level(points, epsilon, tie_tolerance)};
}

}  // namespace ivassign
