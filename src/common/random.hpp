// Seeded random numbers that are the same on every platform (no <random> distributions): the
// splitmix64 finalizer and the counter stream of kernels/random.cuh (shared with the device), and the
// splitmix64 generator. Generators, solvers and samplers share these so that a seed means the same
// thing everywhere.
#pragma once
#include <algorithm>
#include <cstdint>

#include "kernels/random.cuh"

namespace ivassign {

using kernels::CounterStream;
using kernels::kGolden64;
using kernels::mix64;
using kernels::unit_double;

/// The splitmix64 generator: each draw is mix64 of the state before the step.
struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t next() {
    const std::uint64_t s = state;
    state += kGolden64;
    return mix64(s);
  }
  double uniform() { return unit_double(next()); }
  /// An integer in [0, m) by remainder (m >= 1).
  int below(int m) { return static_cast<int>(next() % static_cast<std::uint64_t>(m)); }
};

}  // namespace ivassign
