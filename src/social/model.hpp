// src/social/model.hpp — the computational view of a social choice problem: its prior as the
// library's profile table (PosteriorTable over types, or stage-1 signals for two stages), expected
// values v^_i(c; t), and the four measures of social-format.md from the one measures engine.
#pragma once
#include <cstdint>
#include <vector>

#include "common/parallel.hpp"
#include "ivassign/posterior.hpp"
#include "ivassign/social.hpp"

namespace ivassign::social {

/// The problem's prior over types as the library's one profile table (Theta = T: states == 0).
PosteriorTable type_table(const SocialProblem& problem);
/// The signal prior Q(theta, a) = sum_{f(t) = a} P(theta, t) of a decomposition.
PosteriorTable signal_table(const SocialProblem& problem, const PosteriorTable& types);

/// Per-agent pair quantities of a table: ||P(.|t_i)||_2 and S_i(t_i, r) (row-major K_i x K_i).
struct PairMeasures {
  std::vector<std::vector<double>> norm;
  std::vector<std::vector<double>> score_gain;
};

/// The four measures of social-format.md from the library's measures engine (information_measures
/// with the support T*, aggregate uncertainty and state variability requested).
SocialMeasures measures_of(const PosteriorTable& table, PairMeasures& pairs, Backend backend = Backend::Cpu,
                           Backend* ran = nullptr);

/// v^_i(c; t) for all c of agent i (C entries) and for every agent (n x C).
void expected_values_of(const SocialProblem& problem, const PosteriorTable& types, int agent, std::uint64_t t, double* out);
void all_expected_values(const SocialProblem& problem, const PosteriorTable& types, std::uint64_t t, double* out);

/// Sets the OpenMP thread count for the lifetime of the scope (0: leave it), then restores it.
class ThreadScope {
 public:
  explicit ThreadScope(int threads) {
#ifdef _OPENMP
    previous_ = omp_get_max_threads();
    if (threads > 0) omp_set_num_threads(threads);
#else
    (void)threads;
#endif
  }
  ~ThreadScope() {
#ifdef _OPENMP
    omp_set_num_threads(previous_);
#endif
  }
  ThreadScope(const ThreadScope&) = delete;
  ThreadScope& operator=(const ThreadScope&) = delete;

 private:
  int previous_ = 1;
};

/// A gain at most this counts as 0 (social-format.md: 1e-9 M).
inline double gain_tolerance(double bound) { return 1e-9 * (bound > 0.0 ? bound : 1.0); }

}  // namespace ivassign::social
