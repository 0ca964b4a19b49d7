// Seeded random numbers that are the same on every platform (no <random> distributions): the
// splitmix64 finalizer and two streams built on it. Generators, solvers and samplers share these so
// that a seed means the same thing everywhere.
#pragma once
#include <algorithm>
#include <cstdint>

namespace ivassign {

inline constexpr std::uint64_t kGolden64 = 0x9e3779b97f4a7c15ULL;

/// splitmix64's output function applied to x + golden ratio: turns counters and keys into
/// independent-looking 64-bit words.
inline std::uint64_t mix64(std::uint64_t x) {
  x += kGolden64;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// The top 53 bits of a word as a double in [0, 1).
inline double unit_double(std::uint64_t word) { return static_cast<double>(word >> 11) * 0x1.0p-53; }

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

/// A counter-based stream, cheap to start per (seed, index): each draw is mix64 of the state after
/// the step.
struct CounterStream {
  std::uint64_t state;
  double uniform() { return unit_double(mix64(state += kGolden64)); }
  /// An integer in [0, n) by scaling a uniform (n >= 1).
  int below(int n) { return std::min(n - 1, static_cast<int>(uniform() * n)); }
};

}  // namespace ivassign
