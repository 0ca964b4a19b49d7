// kernels/device_level.cuh — the informational-size level min{e >= 0 : Prob(d > e) <= e} of points
// (d, mass) held on the device: removal of the points marked kDropped, a sort by d, a scan of the
// masses and a min-reduction of kernels::level_candidate (the CPU's smallest_exceedance_level after
// the same removal). Shared by the measures (distances) and the audit (weak ex post gains).
#pragma once
#include <thrust/remove.h>
#include <thrust/scan.h>
#include <thrust/sort.h>
#include <thrust/transform_reduce.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/zip_iterator.h>

#include <cmath>
#include <cstdint>

#include "kernels/device.cuh"
#include "kernels/measures.cuh"

namespace ivassign::device {

/// Marks a point that cannot exceed any level e >= 0 (the CPU's marker too).
constexpr double kDropped = kernels::kDroppedPoint;

struct IsDropped {
  template <class Tuple>
  IVA_HD bool operator()(const Tuple& t) const {
    return thrust::get<0>(t) == kDropped;
  }
};

struct LevelCandidate {
  const double* dist;
  const double* cumulative;  // inclusive scan of the sorted masses
  double total, tie;
  std::uint64_t count;
  IVA_HD double operator()(std::uint64_t k) const {
    const bool last = k + 1 == count;
    return kernels::level_candidate(dist[k], total - cumulative[k], last ? 0.0 : dist[k + 1], last, tie);
  }
};

struct MinDouble {
  IVA_HD double operator()(double a, double b) const { return a < b ? a : b; }
};

/// min{e >= 0 : Prob(d > e) <= e} of the `count` points in dist/mass (the CPU's
/// smallest_exceedance_level after the same removal).
inline double level_of(const DeviceArray<double>& dist, const DeviceArray<double>& mass, const DeviceArray<double>& cum,
                std::uint64_t count, double tie) {
  auto first = thrust::make_zip_iterator(thrust::make_tuple(dist.begin(), mass.begin()));
  const auto kept = static_cast<std::uint64_t>(
      thrust::remove_if(thrust::device, first, first + static_cast<std::ptrdiff_t>(count), IsDropped()) - first);
  if (kept == 0) return 0.0;
  thrust::sort_by_key(thrust::device, dist.begin(), dist.begin() + static_cast<std::ptrdiff_t>(kept), mass.begin());
  thrust::inclusive_scan(thrust::device, mass.begin(), mass.begin() + static_cast<std::ptrdiff_t>(kept), cum.begin());
  const double total = cum.at(kept - 1);
  const double d0 = dist.at(0);
  const LevelCandidate cand{raw(dist), raw(cum), total, tie, kept};
  const double level = thrust::transform_reduce(thrust::device, thrust::counting_iterator<std::uint64_t>(0),
                                                thrust::counting_iterator<std::uint64_t>(kept), cand, HUGE_VAL,
                                                MinDouble());
  return std::fmin(level, kernels::level_before_first(d0, total, tie));
}

}  // namespace ivassign::device
