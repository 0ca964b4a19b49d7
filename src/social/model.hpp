// src/social/model.hpp — the computational view of a social choice problem: flat profile indexing,
// the prior materialized as P(t) and P(. | t), expected values v^_i(c; t), and the four measures of
// a prior (informational size, variability of beliefs, aggregate uncertainty, variability of state
// beliefs) over any such table (types for one stage, stage-1 signals for two stages).
#pragma once
#include <cstdint>
#include <vector>

#include "common/parallel.hpp"
#include "ivassign/social.hpp"

namespace ivassign::social {

/// A prior over (theta, profile): marginal P(t) and posterior P(. | t) per profile. states == 0
/// means Theta = T with P(theta | t) = [theta == t] (values given by profile).
struct PriorTable {
  std::vector<int> dims;                 ///< K_i (or A_i)
  std::vector<std::uint64_t> strides;    ///< prod_{k > i} dims_k
  std::uint64_t count = 0;               ///< prod dims
  int states = 0;
  std::vector<double> marginal;          ///< P(t)
  std::vector<double> posterior;         ///< P(. | t), count x states (empty when states == 0)
  std::vector<std::vector<double>> type_marginal;     ///< P_i(t_i)
  std::vector<std::vector<double>> state_given_type;  ///< P_Theta(. | t_i), [n][K_i * m]

  int agents() const { return static_cast<int>(dims.size()); }
  int type_of(std::uint64_t t, int i) const {
    return static_cast<int>((t / strides[static_cast<std::size_t>(i)]) % static_cast<std::uint64_t>(dims[static_cast<std::size_t>(i)]));
  }
  const double* post(std::uint64_t t) const { return posterior.data() + t * static_cast<std::uint64_t>(states); }
  /// P(t_-i | t_i) for the profile t.
  double conditional(std::uint64_t t, int i) const {
    return marginal[t] / type_marginal[static_cast<std::size_t>(i)][static_cast<std::size_t>(type_of(t, i))];
  }
};

/// Fills strides/count from dims.
void set_dims(PriorTable& table, const std::vector<int>& dims);
/// Type marginals and state beliefs from marginal/posterior (deterministic for any thread count).
void finish_table(PriorTable& table);

/// The problem's prior over types.
PriorTable type_table(const SocialProblem& problem);
/// The signal prior Q(theta, a) = sum_{f(t) = a} P(theta, t) of a decomposition.
PriorTable signal_table(const SocialProblem& problem, const PriorTable& types);

/// Per-agent pair quantities of a table: ||P(.|t_i)||_2 and S_i(t_i, r) (row-major K_i x K_i).
struct PairMeasures {
  std::vector<std::vector<double>> norm;
  std::vector<std::vector<double>> score_gain;
};

SocialMeasures measures_of(const PriorTable& table, PairMeasures& pairs);

/// v^_i(c; t) for all c of agent i (C entries) and for every agent (n x C).
void expected_values_of(const SocialProblem& problem, const PriorTable& types, int agent, std::uint64_t t, double* out);
void all_expected_values(const SocialProblem& problem, const PriorTable& types, std::uint64_t t, double* out);

/// Sums over [0, count) into `width` accumulators, independent of the thread count: fixed blocks in
/// parallel, then the block sums in order. add(t, acc) adds item t's terms.
template <class Add>
std::vector<double> blocked_accumulate(std::uint64_t count, std::size_t width, Add add) {
  constexpr std::uint64_t kBlock = 8192;
  const std::uint64_t blocks = (count + kBlock - 1) / kBlock;
  std::vector<double> partial(static_cast<std::size_t>(blocks) * width, 0.0);
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t sb = 0; sb < static_cast<std::int64_t>(blocks); ++sb) {
    const auto b = static_cast<std::uint64_t>(sb);
    double* acc = partial.data() + b * width;
    const std::uint64_t end = (b + 1) * kBlock < count ? (b + 1) * kBlock : count;
    for (std::uint64_t t = b * kBlock; t < end; ++t) add(t, acc);
  }
  std::vector<double> total(width, 0.0);
  for (std::uint64_t b = 0; b < blocks; ++b)
    for (std::size_t k = 0; k < width; ++k) total[k] += partial[b * width + k];
  return total;
}

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
