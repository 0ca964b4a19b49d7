// kernels/random.cuh — seeded random numbers that are the same on every platform and on the device
// (no <random> distributions): the splitmix64 finalizer and a counter-based stream built on it.
// src/common/random.hpp re-exports them for host code, so a seed means the same thing everywhere.
#pragma once
#include <stdint.h>

#include "kernels/hd.h"

namespace ivassign {
namespace kernels {

constexpr uint64_t kGolden64 = 0x9e3779b97f4a7c15ULL;

/// splitmix64's output function applied to x + golden ratio: turns counters and keys into
/// independent-looking 64-bit words.
IVA_HD uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// The top 53 bits of a word as a double in [0, 1).
IVA_HD double unit_double(uint64_t word) { return static_cast<double>(word >> 11) * 0x1.0p-53; }

/// A counter-based stream, cheap to start per (seed, index): each draw is mix64 of the state after
/// the step.
struct CounterStream {
  uint64_t state;
  IVA_HD double uniform() { return unit_double(mix64(state += 0x9e3779b97f4a7c15ULL)); }
  /// An integer in [0, n) by scaling a uniform (n >= 1).
  IVA_HD int below(int n) {
    const int k = static_cast<int>(uniform() * n);
    return k < n - 1 ? k : n - 1;
  }
};

}  // namespace kernels
}  // namespace ivassign
