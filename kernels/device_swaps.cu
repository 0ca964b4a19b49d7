// Batch scoring of every pairwise swap of many QAP permutations on the device (independent
// searches): one parallel for-each over (permutation, pair), each calling kernels::qap_swap_delta,
// the function the CPU tabu search calls. One Thrust source for CUDA and OpenMP.
#include <thrust/fill.h>

#include <chrono>
#include <memory>

#include "kernels/device.cuh"
#include "kernels/device_launch.hpp"
#include "kernels/qap_delta.cuh"

namespace ivassign::device {

namespace {

struct SwapDelta {
  const double *C, *A, *B;
  const int* perms;
  int terms, T;
  std::int64_t pairs;
  double* deltas;
  IVA_HD void operator()(std::uint64_t index) const {
    const auto b = static_cast<std::int64_t>(index) / pairs, k = static_cast<std::int64_t>(index) % pairs;
    int r, s;
    kernels::qap_pair_of_index(T, k, &r, &s);
    deltas[index] = kernels::qap_swap_delta(C, A, B, terms, T, perms + b * T, r, s);
  }
};

/// One entry of the tabu search's delta table: from scratch (full) or by Taillard's update.
struct TabuDeltaEntry {
  const double *C, *A, *B;
  const int* pi;
  int terms, T, movable_below, br, bt;
  bool full;
  double* delta;
  IVA_HD void operator()(std::uint64_t index) const {
    const int r = static_cast<int>(index / static_cast<std::uint64_t>(T)), t = static_cast<int>(index % static_cast<std::uint64_t>(T));
    if (t <= r || (r >= movable_below && t >= movable_below)) return;
    double& d = delta[index];
    if (!full && r != br && r != bt && t != br && t != bt)
      d = kernels::qap_swap_delta_update(A, B, terms, T, pi, r, t, br, bt, d);
    else
      d = kernels::qap_swap_delta(C, A, B, terms, T, pi, r, t);
  }
};

}  // namespace

struct TabuDeltas::State {
  DeviceArray<double> C, A, B, delta;
  DeviceArray<int> pi;
  int terms = 0, T = 0, movable_below = 0;
};

TabuDeltas::TabuDeltas(const double* C, const double* A, const double* B, int terms, int T, int movable_below)
    : state_(std::make_unique<State>()) {
  guarded("the tabu search's delta table", [&] {
    const std::size_t tt = static_cast<std::size_t>(T) * T;
    state_->C = upload(C, tt, "QAP linear term");
    state_->A = upload(A, tt * terms, "QAP flow matrices");
    state_->B = upload(B, tt * terms, "QAP distance matrices");
    state_->delta = allocate<double>(tt, "swap deltas");
    thrust::fill(thrust::device, state_->delta.begin(), state_->delta.end(), 0.0);
    state_->pi = allocate<int>(static_cast<std::size_t>(T), "slots");
    state_->terms = terms;
    state_->T = T;
    state_->movable_below = movable_below;
  });
}

TabuDeltas::~TabuDeltas() = default;

namespace {
void refresh(TabuDeltas::State& s, const int* pi, int br, int bt, bool full, double* host_delta) {
  thrust::copy(pi, pi + s.T, s.pi.begin());
  const std::uint64_t tt = static_cast<std::uint64_t>(s.T) * static_cast<std::uint64_t>(s.T);
  for_each_index(tt, TabuDeltaEntry{raw(s.C), raw(s.A), raw(s.B), raw(s.pi), s.terms, s.T, s.movable_below, br, bt,
                                    full, raw(s.delta)});
  download(s.delta, 0, tt, host_delta);
}
}  // namespace

void TabuDeltas::reset(const int* pi, double* host_delta) {
  guarded("the tabu search's delta table", [&] { refresh(*state_, pi, -1, -1, true, host_delta); });
}

void TabuDeltas::update(const int* pi, int br, int bt, double* host_delta) {
  guarded("the tabu search's delta table", [&] { refresh(*state_, pi, br, bt, false, host_delta); });
}

void qap_swap_deltas(const double* C, const double* A, const double* B, int terms, int T, const int* perms, int batch,
                     double* deltas, double* kernel_seconds) {
  guarded("the swap scoring", [&] {
    const std::size_t tt = static_cast<std::size_t>(T) * T;
    const std::int64_t pairs = static_cast<std::int64_t>(T) * (T - 1) / 2;
    const std::uint64_t count = static_cast<std::uint64_t>(batch) * static_cast<std::uint64_t>(pairs);
    const auto dC = upload(C, tt, "QAP linear term");
    const auto dA = upload(A, tt * terms, "QAP flow matrices");
    const auto dB = upload(B, tt * terms, "QAP distance matrices");
    const auto dP = upload(perms, static_cast<std::size_t>(batch) * T, "permutation batch");
    auto dD = allocate<double>(count, "swap deltas");
    const auto start = std::chrono::steady_clock::now();
    for_each_index(count, SwapDelta{raw(dC), raw(dA), raw(dB), raw(dP), terms, T, pairs, raw(dD)});  // synchronizes
    if (kernel_seconds) *kernel_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    download(dD, 0, count, deltas);
  });
}

}  // namespace ivassign::device
