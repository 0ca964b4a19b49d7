#include "posterior/informational_size.hpp"

#include <algorithm>

namespace ivassign {

// F(e) = Prob(d > e) is a non-increasing step function, constant on [x_k, x_{k+1}) between the
// sorted distinct distances (x_0 = 0). On that interval F = T_k (mass beyond x_k), so the first
// interval with max(x_k, T_k) < x_{k+1} gives the answer max(x_k, T_k).
double smallest_exceedance_level(std::vector<DistanceMass>& points, double tie_tolerance) {
  std::sort(points.begin(), points.end(),
            [](const DistanceMass& a, const DistanceMass& b) { return a.distance < b.distance; });
  double total = 0.0;
  for (const auto& p : points) total += p.mass;
  // Walk distinct values; `beyond` is the mass strictly above the current value x.
  double x = 0.0;
  double beyond = total;
  std::size_t k = 0;
  // mass at distance ~0 is not "beyond" 0
  while (k < points.size() && points[k].distance <= tie_tolerance) beyond -= points[k++].mass;
  while (true) {
    const double next = k < points.size() ? points[k].distance : -1.0;
    const double level = std::max(x, std::max(beyond, 0.0));
    if (k >= points.size() || level < next) return level;
    // advance to the next distinct distance value (grouping near-equal ones)
    x = next;
    while (k < points.size() && points[k].distance <= x + tie_tolerance) beyond -= points[k++].mass;
  }
}

}  // namespace ivassign
