// The information measures on the device, one Thrust source for CUDA and OpenMP: for each buyer i
// and pair (b_i, r_i) one transform-reduce computes the terms of S_i, D_i and the variation and
// writes the distance and mass of every b_-i; the points that cannot exceed a level (distance
// within the tie of 0, or outside the support) are removed, the rest sorted by distance, and a scan
// plus a min-reduction of kernels::level_candidate give nu_i's level. The per-element work is the CPU
// engine's (src/posterior/measures.cpp) by the same functions: kernels::squared_conditional for the
// conditional norms, kernels::pair_point for each b_-i of a pair (kernels/measures.cuh).
#include <thrust/transform_reduce.h>

#include <cmath>

#include "kernels/device.cuh"
#include "kernels/device_level.cuh"
#include "kernels/device_launch.hpp"
#include "kernels/device_table.cuh"
#include "kernels/measures.cuh"
#include "kernels/posterior.cuh"

namespace ivassign::device {

namespace {

/// The three sums of one pair: S_i, D_i and the variation of beliefs.
struct PairSums {
  double score, theorem1, variation;
};

struct AddPairSums {
  IVA_HD PairSums operator()(const PairSums& a, const PairSums& b) const {
    return {a.score + b.score, a.theorem1 + b.theorem1, a.variation + b.variation};
  }
};

/// kernels::pair_point of every b_-i: its sums for the reduction, its point written to dist and mass.
struct PairTerms {
  kernels::PairView view;
  double* dist;
  double* mass;

  IVA_HD PairSums operator()(std::uint64_t o) const {
    const kernels::PairPoint point = kernels::pair_point(view, o);
    dist[o] = point.distance;
    mass[o] = point.mass;
    return {point.score, point.theorem1, point.variation};
  }
};

struct SquaredConditional {
  const double* marginal;
  std::uint64_t stride;
  int k, bi;
  double pb;
  IVA_HD double operator()(std::uint64_t o) const { return kernels::squared_conditional(marginal, stride, k, bi, pb, o); }
};

}  // namespace

std::uint64_t table_measures_bytes(const PosteriorTable& t) {
  std::uint64_t max_others = 0;
  for (int k : t.signals) max_others = std::max<std::uint64_t>(max_others, t.profiles / static_cast<std::uint64_t>(k));
  const std::uint64_t table = t.resident ? 0 : sizeof(double) * t.profiles * (static_cast<std::uint64_t>(t.states) + 1);
  return table + sizeof(double) * 3 * max_others;
}

bool table_measures(const PosteriorTable& t, bool support_only, double tie, std::vector<std::vector<double>>& norm,
                    std::vector<std::vector<double>>& score_gain, std::vector<std::vector<double>>& theorem1_sum,
                    std::vector<std::vector<double>>& variation, std::vector<double>& informational_size) {
  const int n = t.buyers(), states = t.states;
  std::uint64_t max_others = 0;
  for (int i = 0; i < n; ++i) max_others = std::max<std::uint64_t>(max_others, t.profiles / t.signals[i]);
  if (!fits_on_device(table_measures_bytes(t))) return false;
  return guarded("the information measures", [&] {
    DeviceArray<double> up_post, up_marg;
    const double *d_post = nullptr, *d_marg = nullptr;
    if (t.resident) {
      d_post = raw(t.resident->posterior);
      d_marg = raw(t.resident->marginal);
    } else {
      up_post = upload(t.posterior.data(), t.posterior.size(), "posterior table");
      up_marg = upload(t.marginal.data(), t.marginal.size(), "profile marginals");
      d_post = raw(up_post);
      d_marg = raw(up_marg);
    }
    const DeviceArray<double> dist(max_others, "distances"), mass(max_others, "masses"), cum(max_others, "mass scan");
    norm.assign(n, {});
    score_gain.assign(n, {});
    theorem1_sum.assign(n, {});
    variation.assign(n, {});
    informational_size.assign(n, 0.0);
    for (int i = 0; i < n; ++i) {
      const int k = t.signals[i];
      const std::uint64_t stride = t.strides[i], others = t.profiles / static_cast<std::uint64_t>(k);
      const thrust::counting_iterator<std::uint64_t> first(0), last(others);
      norm[i].assign(k, 0.0);
      for (int bi = 0; bi < k; ++bi) {
        const SquaredConditional sq{d_marg, stride, k, bi, t.signal_marginal[i][bi]};
        norm[i][bi] = std::sqrt(thrust::transform_reduce(thrust::device, first, last, sq, 0.0, thrust::plus<double>()));
      }
      score_gain[i].assign(static_cast<std::size_t>(k) * k, 0.0);
      theorem1_sum[i].assign(static_cast<std::size_t>(k) * k, 0.0);
      variation[i].assign(static_cast<std::size_t>(k) * k, 0.0);
      double nu = 0.0;
      for (int pair = 0; pair < k * k; ++pair) {
        const int bi = pair / k, ri = pair % k;
        if (bi == ri) continue;
        const kernels::PairView view{d_post, d_marg, states, k, stride, bi, ri, t.signal_marginal[i][bi],
                                     t.signal_marginal[i][ri], norm[i][bi], norm[i][ri], tie, support_only};
        const PairTerms terms{view, raw(dist), raw(mass)};
        const PairSums sums = thrust::transform_reduce(thrust::device, first, last, terms, PairSums{0.0, 0.0, 0.0},
                                                       AddPairSums());
        score_gain[i][pair] = sums.score;
        theorem1_sum[i][pair] = sums.theorem1;
        variation[i][pair] = sums.variation;
        nu = std::fmax(nu, level_of(dist, mass, cum, others, tie));
      }
      informational_size[i] = nu;
    }
    return true;
  });
}

}  // namespace ivassign::device
