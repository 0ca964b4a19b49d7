// The tensor-free measures of CI priors on the device, one Thrust source for CUDA and OpenMP, with the
// CPU's per-element functions (kernels/ci_sample.cuh; src/posterior/ci_measures.cpp):
//   sampled        a for-each over the pool entries (theta, s) builds L(theta, s, .) and a for-each
//                  over the draws s writes the K_i distances of draw s; only the distances come back,
//                  the levels and sums over them are the host's;
//   count vectors  per pair (a, b) a for-each writes (d, mass) of every count vector, a
//                  transform-reduce sums mass d and device_level.cuh's level_of gives nu(a, b).
#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/ci_sample.cuh"
#include "kernels/device.cuh"
#include "kernels/device_launch.hpp"
#include "kernels/device_level.cuh"

namespace ivassign::device {

namespace {

struct PoolEntry {
  kernels::CiSampleView view;
  double* pool;
  IVA_HD void operator()(std::uint64_t e) const {
    kernels::ci_pool_entry(view, e, pool + e * static_cast<std::uint64_t>(kernels::ci_pool_width(view)));
  }
};

struct DrawDistances {
  kernels::CiSampleView view;
  const double* state_cdf;
  int i, a;
  double* dist;
  IVA_HD void operator()(std::uint64_t s) const {
    kernels::ci_draw_distances(view, i, a, state_cdf, s, dist + s * static_cast<std::uint64_t>(view.signals[i]));
  }
};

struct ImportanceDraw {
  kernels::CiSampleView view;
  const double* state_cdf;
  int i, a;
  double log_signal_a;
  double *dist, *weight;
  IVA_HD void operator()(std::uint64_t s) const {
    weight[s] = kernels::ci_importance_draw(view, i, a, state_cdf, log_signal_a, s,
                                            dist + s * static_cast<std::uint64_t>(view.signals[i]));
  }
};

int most_signals(const kernels::CiSampleView& v) {
  int K = 1;
  for (int k = 0; k < v.buyers; ++k) K = std::max(K, v.signals[k]);
  return K;
}

}  // namespace

struct CiSampler::State {
  DeviceArray<int> signals;
  DeviceArray<std::uint64_t> offset;
  DeviceArray<std::uint64_t> tilt_offset;
  DeviceArray<double> log_lambda, log_q, cdf, pool, state_cdf, dist, weight, tilt_log_q, tilt_cdf;
  kernels::CiSampleView view;  // pointers into the arrays above
  std::vector<int> host_signals;
};

std::uint64_t CiSampler::bytes(const kernels::CiSampleView& v, std::uint64_t q_size, bool pooled) {
  const auto m = static_cast<std::uint64_t>(v.states);
  const auto width = static_cast<std::uint64_t>(kernels::ci_pool_width(v));
  const std::uint64_t pool = pooled ? width * v.samples * width : 0;
  const std::uint64_t dist = v.samples * static_cast<std::uint64_t>(most_signals(v));
  const std::uint64_t tilt = v.components > 0 ? 2 * static_cast<std::uint64_t>(v.components) * v.tilt_stride + v.samples : 0;
  return sizeof(double) * (2 * m + 2 * q_size + pool + dist + tilt) +
         static_cast<std::uint64_t>(v.buyers) * (sizeof(int) + 2 * sizeof(std::uint64_t));
}

bool CiSampler::fits(const kernels::CiSampleView& v, std::uint64_t q_size, bool pooled) {
  return fits_on_device(bytes(v, q_size, pooled));
}

CiSampler::CiSampler(const kernels::CiSampleView& v, std::uint64_t q_size, bool pooled) : state_(new State) {
  State& s = *state_;
  const auto m = static_cast<std::size_t>(v.states);
  s.signals = upload(v.signals, static_cast<std::size_t>(v.buyers), "the signal counts");
  s.offset = upload(v.offset, static_cast<std::size_t>(v.buyers), "the prior's block offsets");
  s.log_lambda = upload(v.log_lambda, m, "log lambda");
  s.log_q = upload(v.log_q, q_size, "log q");
  s.cdf = upload(v.cdf, q_size, "the cumulative q");
  s.state_cdf = allocate<double>(m, "P(. | b_i)");
  s.dist = allocate<double>(v.samples * static_cast<std::size_t>(most_signals(v)), "the sampled distances");
  s.host_signals.assign(v.signals, v.signals + v.buyers);
  s.view = v;
  s.view.signals = raw(s.signals);
  s.view.offset = raw(s.offset);
  s.view.log_lambda = raw(s.log_lambda);
  s.view.log_q = raw(s.log_q);
  s.view.cdf = raw(s.cdf);
  s.view.pool = nullptr;
  if (v.components > 0) {
    const std::size_t tilt = static_cast<std::size_t>(v.components) * v.tilt_stride;
    s.tilt_offset = upload(v.tilt_offset, static_cast<std::size_t>(v.buyers), "the tilted blocks' offsets");
    s.tilt_log_q = upload(v.tilt_log_q, tilt, "the tilted log q");
    s.tilt_cdf = upload(v.tilt_cdf, tilt, "the tilted cumulative q");
    s.weight = allocate<double>(v.samples, "the importance weights");
    s.view.tilt_offset = raw(s.tilt_offset);
    s.view.tilt_log_q = raw(s.tilt_log_q);
    s.view.tilt_cdf = raw(s.tilt_cdf);
  }
  if (pooled) {
    const auto width = static_cast<std::size_t>(kernels::ci_pool_width(v));
    s.pool = allocate<double>(width * v.samples * width, "the pool of sampled profiles");
    for_each_index(static_cast<std::uint64_t>(width) * v.samples, PoolEntry{s.view, raw(s.pool)});
    s.view.pool = raw(s.pool);
  }
}

CiSampler::~CiSampler() = default;

void CiSampler::distances(int i, int a, const double* state_cdf, double* dist) const {
  State& s = *state_;
  copy_in(state_cdf, static_cast<std::size_t>(s.view.states), s.state_cdf);
  const int K = s.host_signals[static_cast<std::size_t>(i)];
  for_each_index(s.view.samples, DrawDistances{s.view, raw(s.state_cdf), i, a, raw(s.dist)});
  download(s.dist, 0, s.view.samples * static_cast<std::size_t>(K), dist);
}

void CiSampler::importance(int i, int a, const double* state_cdf, double log_signal_a, double* dist,
                           double* weight) const {
  State& s = *state_;
  copy_in(state_cdf, static_cast<std::size_t>(s.view.states), s.state_cdf);
  const int K = s.host_signals[static_cast<std::size_t>(i)];
  for_each_index(s.view.samples,
                 ImportanceDraw{s.view, raw(s.state_cdf), i, a, log_signal_a, raw(s.dist), raw(s.weight)});
  download(s.dist, 0, s.view.samples * static_cast<std::size_t>(K), dist);
  download(s.weight, 0, s.view.samples, weight);
}

namespace {

struct CountPoint {
  kernels::CountVectorView view;
  const std::uint32_t* vectors;
  int a, b;
  double log_signal_a;
  double *dist, *mass;
  IVA_HD void operator()(std::uint64_t v) const {
    kernels::count_vector_point(view, vectors + v * static_cast<std::uint64_t>(view.signals), a, b, log_signal_a,
                                dist + v, mass + v);
  }
};

struct MassTimesDistance {
  const double *dist, *mass;
  IVA_HD double operator()(std::uint64_t v) const { return mass[v] * dist[v]; }
};

}  // namespace

std::uint64_t count_vector_bytes(std::uint64_t count, int K) {
  return count * (sizeof(std::uint32_t) * static_cast<std::uint64_t>(K) + 3 * sizeof(double));
}

bool count_vector_pairs(const kernels::CountVectorView& v, const std::uint32_t* vectors, std::uint64_t count,
                        const double* log_signal, double tie, std::vector<double>& sums, std::vector<double>& levels) {
  const int K = v.signals;
  const auto m = static_cast<std::size_t>(v.states);
  if (!fits_on_device(count_vector_bytes(count, K) + sizeof(double) * (m + m * K))) return false;
  const auto vec = upload(vectors, count * static_cast<std::size_t>(K), "the signal-count vectors");
  const auto log_lambda = upload(v.log_lambda, m, "log lambda");
  const auto log_q = upload(v.log_q, m * K, "log q");
  auto dist = allocate<double>(count, "the count vectors' distances");
  auto mass = allocate<double>(count, "the count vectors' masses");
  auto cum = allocate<double>(count, "the scan of the masses");
  kernels::CountVectorView on_device = v;
  on_device.log_lambda = raw(log_lambda);
  on_device.log_q = raw(log_q);
  for (int a = 0; a < K; ++a)
    for (int b = 0; b < K; ++b) {
      if (a == b) continue;
      for_each_index(count, CountPoint{on_device, raw(vec), a, b, log_signal[a], raw(dist), raw(mass)});
      const std::size_t ab = static_cast<std::size_t>(a) * K + b;
      sums[ab] = thrust::transform_reduce(thrust::device, thrust::counting_iterator<std::uint64_t>(0),
                                         thrust::counting_iterator<std::uint64_t>(count),
                                         MassTimesDistance{raw(dist), raw(mass)}, 0.0, thrust::plus<double>());
      levels[ab] = level_of(dist, mass, cum, count, tie);
    }
  return true;
}

}  // namespace ivassign::device
