// kernels/profile_index.cuh — the flat profile index, one source for every room and backend.
//
// A profile b = (b_1, ..., b_n) with b_i in 0..K_i-1 is the C-order index
// sum_i b_i * stride_i, stride_i = prod_{k > i} K_k (b_1 slowest, b_n fastest). The assignment
// instance's signal profiles and the social model's type and signal profiles use it alike.
#pragma once
#include <stdint.h>

#include "kernels/hd.h"

namespace ivassign {
namespace kernels {

/// stride_i = prod_{k > i} K_k for i < n; returns prod_i K_i, or UINT64_MAX when it does not fit
/// in 64 bits (then every stride is 1: such profiles are never indexed, only listed).
IVA_HD uint64_t fill_strides(const int* signals, int n, uint64_t* strides) {
  uint64_t count = 1;
  bool overflow = false;
  for (int i = n - 1; i >= 0; --i) {
    strides[i] = count;
    const uint64_t k = static_cast<uint64_t>(signals[i]);
    if (k != 0 && count > UINT64_MAX / k) overflow = true;
    count *= k;
  }
  if (!overflow) return count;
  for (int i = 0; i < n; ++i) strides[i] = 1;
  return UINT64_MAX;
}

/// b_i of the flat profile b, given stride_i and K_i.
IVA_HD int signal_at(uint64_t profile, uint64_t stride, int k_i) {
  return static_cast<int>((profile / stride) % static_cast<uint64_t>(k_i));
}

/// b_i of the flat profile b.
IVA_HD int signal_of(uint64_t profile, const uint64_t* strides, const int* signals, int buyer) {
  return signal_at(profile, strides[buyer], signals[buyer]);
}

/// Flat index of (b_-i = the o-th combination of the others, b_i = signal).
IVA_HD uint64_t profile_with_signal(uint64_t other, uint64_t stride, int k_i, int signal) {
  return (other / stride) * (stride * static_cast<uint64_t>(k_i)) + static_cast<uint64_t>(signal) * stride +
         other % stride;
}

/// The profile b with b_i = from replaced by to.
IVA_HD uint64_t replace_signal(uint64_t profile, uint64_t stride, int from, int to) {
  return profile + static_cast<uint64_t>(to) * stride - static_cast<uint64_t>(from) * stride;
}

}  // namespace kernels
}  // namespace ivassign
