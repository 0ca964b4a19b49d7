// CUDA path of the information measures: the table is uploaded once; for each buyer i and pair
// (b_i, r_i) one transform computes the distance and mass of every b_-i, Thrust reductions give
// S_i, D_i and the variation term, and a sort by distance plus a scan and a min-reduction of
// kernels::level_candidate give the informational-size level. Same per-element functions as the CPU.
#include <thrust/execution_policy.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/reduce.h>
#include <thrust/scan.h>
#include <thrust/sort.h>
#include <thrust/transform_reduce.h>

#include <cmath>

#include "kernels/cuda_check.cuh"
#include "kernels/measures.cuh"
#include "kernels/measures_launch.hpp"
#include "kernels/posterior.cuh"

namespace ivassign::cuda {

namespace {

struct PairTerms {
  const double* posterior;
  const double* marginal;
  int states, k;
  std::uint64_t stride;
  int bi, ri;
  double pb, pr, norm_b, norm_r;  // signal marginals and conditional norms
  double* dist;
  double* mass;

  // Writes distance and mass of b_-i = o; returns (S term, D term, variation term) packed.
  __device__ double3 operator()(std::uint64_t o) const {
    const std::uint64_t b = kernels::profile_with_signal(o, stride, k, bi);
    const std::uint64_t r = kernels::profile_with_signal(o, stride, k, ri);
    const double p = marginal[b] / pb, q = marginal[r] / pr;
    const double d = kernels::l1_distance(posterior + b * states, posterior + r * states, states);
    dist[o] = d;
    mass[o] = p;
    return make_double3(kernels::spherical_gain_term(p, q, norm_b, norm_r), d * p,
                        kernels::belief_variation_term(p, q, norm_b, norm_r));
  }
};

struct AddDouble3 {
  __host__ __device__ double3 operator()(const double3& a, const double3& b) const {
    return make_double3(a.x + b.x, a.y + b.y, a.z + b.z);
  }
};

struct SquaredConditional {
  const double* marginal;
  std::uint64_t stride;
  int k, bi;
  double pb;
  __device__ double operator()(std::uint64_t o) const {
    const double p = marginal[kernels::profile_with_signal(o, stride, k, bi)] / pb;
    return p * p;
  }
};

struct LevelCandidate {
  const double* dist;
  const double* cumulative;  // inclusive scan of the sorted masses
  double total, tie;
  std::uint64_t count;
  __device__ double operator()(std::uint64_t k) const {
    const bool last = k + 1 == count;
    return kernels::level_candidate(dist[k], total - cumulative[k], last ? 0.0 : dist[k + 1], last, tie);
  }
};

struct MinDouble {
  __host__ __device__ double operator()(double a, double b) const { return a < b ? a : b; }
};

}  // namespace

bool table_measures(const double* posterior, const double* marginal, int states, const std::vector<int>& signals,
                    std::uint64_t profiles, const std::vector<std::vector<double>>& signal_marginal, double tie,
                    std::vector<std::vector<double>>& norm, std::vector<std::vector<double>>& score_gain,
                    std::vector<std::vector<double>>& theorem1_sum, std::vector<std::vector<double>>& variation,
                    std::vector<double>& informational_size) {
  const int n = static_cast<int>(signals.size());
  std::uint64_t max_others = 0;
  for (int i = 0; i < n; ++i) max_others = std::max<std::uint64_t>(max_others, profiles / signals[i]);
  const std::size_t need = sizeof(double) * (profiles * (states + 1) + 3 * max_others);
  std::size_t free_b = 0, total_b = 0;
  IVA_CUDA_CHECK(cudaMemGetInfo(&free_b, &total_b));
  if (need + (64u << 20) > free_b) return false;

  DeviceBuffer<double> d_post(profiles * states, "posterior table"), d_marg(profiles, "profile marginals");
  DeviceBuffer<double> d_dist(max_others, "distances"), d_mass(max_others, "masses"), d_cum(max_others, "mass scan");
  d_post.upload(posterior, profiles * states);
  d_marg.upload(marginal, profiles);
  norm.assign(n, {});
  score_gain.assign(n, {});
  theorem1_sum.assign(n, {});
  variation.assign(n, {});
  informational_size.assign(n, 0.0);
  for (int i = 0; i < n; ++i) {
    const int k = signals[i];
    std::uint64_t stride = 1;  // prod_{l > i} K_l (kernels/profile_index.cuh)
    for (int l = i + 1; l < n; ++l) stride *= static_cast<std::uint64_t>(signals[l]);
    const std::uint64_t others = profiles / static_cast<std::uint64_t>(k);
    const thrust::counting_iterator<std::uint64_t> first(0), last(others);
    norm[i].assign(k, 0.0);
    for (int bi = 0; bi < k; ++bi) {
      SquaredConditional sq{d_marg.ptr, stride, k, bi, signal_marginal[i][bi]};
      norm[i][bi] = std::sqrt(thrust::transform_reduce(thrust::device, first, last, sq, 0.0, thrust::plus<double>()));
    }
    score_gain[i].assign(static_cast<std::size_t>(k) * k, 0.0);
    theorem1_sum[i].assign(static_cast<std::size_t>(k) * k, 0.0);
    variation[i].assign(static_cast<std::size_t>(k) * k, 0.0);
    double nu = 0.0;
    for (int pair = 0; pair < k * k; ++pair) {
      const int bi = pair / k, ri = pair % k;
      if (bi == ri) continue;
      PairTerms terms{d_post.ptr, d_marg.ptr,
                      states, k, stride, bi, ri, signal_marginal[i][bi], signal_marginal[i][ri], norm[i][bi],
                      norm[i][ri], d_dist.ptr, d_mass.ptr};
      const double3 sums = thrust::transform_reduce(thrust::device, first, last, terms, make_double3(0, 0, 0),
                                                    AddDouble3());
      score_gain[i][pair] = sums.x;
      theorem1_sum[i][pair] = sums.y;
      variation[i][pair] = sums.z;
      thrust::sort_by_key(thrust::device, d_dist.ptr, d_dist.ptr + others, d_mass.ptr);
      thrust::inclusive_scan(thrust::device, d_mass.ptr, d_mass.ptr + others, d_cum.ptr);
      const double total = d_cum.read(others - 1);
      const double d0 = d_dist.read(0);
      LevelCandidate cand{d_dist.ptr, d_cum.ptr, total, tie,
                          others};
      double level = thrust::transform_reduce(thrust::device, first, last, cand, HUGE_VAL, MinDouble());
      level = std::min(level, kernels::level_before_first(d0, total, tie));
      nu = std::max(nu, level);
    }
    informational_size[i] = nu;
  }
  IVA_CUDA_CHECK(cudaGetLastError());
  IVA_CUDA_CHECK(cudaDeviceSynchronize());
  return true;
}

}  // namespace ivassign::cuda
