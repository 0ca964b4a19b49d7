// Batch scoring of every pairwise swap of many QAP permutations on the device (independent
// searches): one parallel for-each over (permutation, pair), each calling kernels::qap_swap_delta,
// the function the CPU tabu search calls. One Thrust source for CUDA and OpenMP.

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

}  // namespace

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
