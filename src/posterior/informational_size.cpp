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

LevelInterval weighted_level_interval(std::vector<WeightedDistance>& points, double z, double floor) {
  if (points.empty()) return {0.0, 0.0, floor};
  for (auto& p : points)
    if (p.distance <= floor) p.distance = 0.0;
  constexpr double tie = 0.0;  // equal distances only
  std::sort(points.begin(), points.end(),
            [](const WeightedDistance& a, const WeightedDistance& b) { return a.distance < b.distance; });
  const std::size_t count = points.size();
  const double N = static_cast<double>(count);
  // suffix sums: beyond1[k] = sum_{j >= k} w_j, beyond2[k] = sum_{j >= k} w_j^2 (beyond*[count] = 0)
  std::vector<double> beyond1(count + 1, 0.0), beyond2(count + 1, 0.0);
  for (std::size_t k = count; k-- > 0;) {
    beyond1[k] = beyond1[k + 1] + points[k].weight;
    beyond2[k] = beyond2[k + 1] + points[k].weight * points[k].weight;
  }
  // the tail estimate from position k on, shifted by sign * z * sd / sqrt(N), in [0, 1]
  auto tail = [&](std::size_t k, double sign) {
    const double mean = beyond1[k] / N;
    const double variance = N > 1.0 ? std::max(0.0, beyond2[k] / N - mean * mean) * N / (N - 1.0) : 0.0;
    return std::min(1.0, std::max(0.0, mean + sign * z * std::sqrt(variance / N)));
  };
  double level[3];
  const double signs[3] = {0.0, -1.0, 1.0};
  for (int b = 0; b < 3; ++b) {
    double best = kernels::level_before_first(points.front().distance, tail(0, signs[b]), tie);
    for (std::size_t k = 0; k < count; ++k) {
      const bool last = k + 1 == count;
      const double next = last ? 0.0 : points[k + 1].distance;
      best = std::min(best, kernels::level_candidate(points[k].distance, tail(k + 1, signs[b]), next, last, tie));
    }
    level[b] = best;
  }
  return {level[0], level[1], std::max(level[2], floor)};
}

}  // namespace ivassign
