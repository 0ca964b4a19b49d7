// The sampled measures' draws on the device, one Thrust source for CUDA and OpenMP: a for-each over
// the pool entries (theta, s) builds L(theta, s, .) and a for-each over the draws s writes the K_i
// distances of draw s, both with the CPU's per-element functions (kernels/ci_sample.cuh). Only the
// distances come back; the levels and sums over them are the host's (src/posterior/ci_measures.cpp).
#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/ci_sample.cuh"
#include "kernels/device.cuh"
#include "kernels/device_launch.hpp"

namespace ivassign::device {

namespace {

struct PoolEntry {
  kernels::CiSampleView view;
  double* pool;
  IVA_HD void operator()(std::uint64_t e) const {
    kernels::ci_pool_entry(view, e, pool + e * static_cast<std::uint64_t>(view.states));
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

int most_signals(const kernels::CiSampleView& v) {
  int K = 1;
  for (int k = 0; k < v.buyers; ++k) K = std::max(K, v.signals[k]);
  return K;
}

}  // namespace

struct CiSampler::State {
  DeviceArray<int> signals;
  DeviceArray<std::uint64_t> offset;
  DeviceArray<double> log_lambda, log_q, cdf, pool, state_cdf, dist;
  kernels::CiSampleView view;  // pointers into the arrays above
  std::vector<int> host_signals;
};

std::uint64_t CiSampler::bytes(const kernels::CiSampleView& v, std::uint64_t q_size, bool pooled) {
  const auto m = static_cast<std::uint64_t>(v.states);
  const std::uint64_t pool = pooled ? m * v.samples * m : 0;
  const std::uint64_t dist = v.samples * static_cast<std::uint64_t>(most_signals(v));
  return sizeof(double) * (2 * m + 2 * q_size + pool + dist) +
         static_cast<std::uint64_t>(v.buyers) * (sizeof(int) + sizeof(std::uint64_t));
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
  if (pooled) {
    s.pool = allocate<double>(m * v.samples * m, "the pool of sampled profiles");
    for_each_index(static_cast<std::uint64_t>(m) * v.samples, PoolEntry{s.view, raw(s.pool)});
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

}  // namespace ivassign::device
