// ivassign/posterior.hpp — posteriors rho(b) = P(theta | b) and the information measures.
//
// PosteriorTable materializes the full signal-profile tensor: for every profile b (C order,
// b_1 slowest) the marginal P(b) and the posterior rho(b) (m entries), plus each buyer's signal
// marginal P_i(b_i). The per-element formulas are the __host__ __device__ functions of
// kernels/posterior.cuh, shared by the OpenMP and CUDA backends.
// information_measures() then computes, for each buyer i and each pair b_i != r_i:
//   nu_i            informational size (report-format.md), O(K_i^2 prod K_-i log prod K_-i)
//   S_i(b_i, r_i)   spherical score gain  sum_{b_-i} P(b_-i|b_i)[P(b_-i|b_i)/||P(.|b_i)||_2 - P(b_-i|r_i)/||P(.|r_i)||_2]
//   D_i(b_i, r_i)   Theorem 1 sum         sum_{b_-i} ||rho(b_-i,b_i) - rho(b_-i,r_i)||_1 P(b_-i|b_i)
// Accuracy: posteriors of the conditionally independent forms are computed in log space (no
// underflow for products of many small probabilities); every quantity is exact up to
// floating-point rounding (relative error ~1e-13 for tables below 1e9 entries).
//
//   auto table = ivassign::build_posterior_table(inst, ivassign::Backend::Auto);
//   auto info  = ivassign::information_measures(table);
//   double d1  = ivassign::delta_theorem1(info, inst.buyers, inst.effective_bound());
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ivassign/backend.hpp"
#include "ivassign/instance.hpp"

namespace ivassign {

/// An allocator that leaves doubles uninitialized on resize: the large tables are written in
/// parallel right after allocation, so a zero fill would only cost a serial pass over memory.
template <class T>
struct UninitializedAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  UninitializedAllocator() = default;
  template <class U>
  UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
using TableVector = std::vector<double, UninitializedAllocator<double>>;

/// P(b) and rho(b) left in device memory by a device-built table (opaque: defined by the device code).
struct DeviceResidentTable;

/// The one profile table of the library: the assignment instance's signal profiles and the social
/// model's type (or stage-1 signal) profiles alike. states == 0 (social model, Theta = T) means
/// P(theta | b) = [theta == b]: no posterior is stored.
struct PosteriorTable {
  int states = 0;                    ///< m
  std::vector<int> signals;          ///< K_i
  std::vector<std::uint64_t> strides;  ///< prod_{k > i} K_k (kernels/profile_index.cuh)
  std::uint64_t profiles = 0;        ///< prod K_i
  TableVector marginal;              ///< P(b), one per profile
  TableVector posterior;             ///< rho(b), profiles x m, profile-major
  std::vector<std::vector<double>> signal_marginal;  ///< P_i(b_i), per buyer K_i entries
  Backend backend = Backend::Cpu;    ///< where it was computed (Cpu or Device)
  /// Device builds only: the table as the device holds it, read there by information_measures (no
  /// second trip over the bus); null when built on the CPU or in several chunks.
  std::shared_ptr<const DeviceResidentTable> resident;

  int buyers() const { return static_cast<int>(signals.size()); }
  const double* rho(std::uint64_t profile) const { return posterior.data() + profile * states; }
  /// b_i of the flat profile b.
  int signal_of(std::uint64_t profile, int buyer) const;
  /// P_-i(b_-i | b_i) = P(b) / P_i(b_i) for the profile b.
  double conditional(int buyer, std::uint64_t profile, int signal_of_buyer) const;
  double conditional(int buyer, std::uint64_t profile) const {
    return conditional(buyer, profile, signal_of(profile, buyer));
  }
};

/// Bytes the full table needs for this instance (posterior + marginal), before allocating.
std::uint64_t posterior_table_bytes(const Instance& instance);

struct TableOptions {
  Backend backend = Backend::Auto;
  /// Device path: profiles per chunk streamed through device memory (0: as device memory allows;
  /// a table built in more than one chunk is not kept resident).
  std::uint64_t device_chunk_profiles = 0;
  /// Device path, conditionally independent priors: leave the table on the device only (marginal and
  /// posterior stay empty on the host; information_measures reads the resident copy). Ignored when
  /// the table needs more than one chunk or the prior is joint (its signal marginals are host sums).
  bool device_only = false;
};

/// Builds the full table. Throws ResourceError (with bytes needed and available, and a
/// suggestion) when it cannot fit in memory.
PosteriorTable build_posterior_table(const Instance& instance, Backend backend = Backend::Auto);
PosteriorTable build_posterior_table(const Instance& instance, const TableOptions& options);
/// Same, reusing `table`'s memory when it is large enough (pipelines that rebuild tables of one size).
void fill_posterior_table(const Instance& instance, PosteriorTable& table, Backend backend = Backend::Auto);
void fill_posterior_table(const Instance& instance, PosteriorTable& table, const TableOptions& options);

/// rho(b) for one profile, on demand, without the table: O(m n) for conditionally independent
/// priors (log space), O(m) for the joint form.
std::vector<double> posterior_of_profile(const Instance& instance, const std::vector<int>& profile);

/// How the measures were computed.
enum class MeasureMethod {
  Tensor,        ///< exact, over the full signal-profile tensor
  CountVectors,  ///< exact, symmetric CI prior: over signal-count vectors of the other buyers
  Sampled        ///< per-buyer CI prior with too many profiles: nu_i and D_i estimated (see *_half_width)
};

/// The sampled path's estimator of nu_i and D_i (MeasureMethod::Sampled).
enum class Sampler {
  /// Importance where plain sampling cannot resolve the D_i: when the certified bound on every D_i(b_i, r_i) is
  /// below plain sampling's Hoeffding half-width (then every plain band contains 0 and says nothing about the
  /// size), and the prior has at most kernels::kMaxImportanceStates states; else Plain.
  Auto,
  /// b_-i ~ P(. | b_i): distribution-free bands (DKW for nu_i, Hoeffding for D_i), absolute widths ~ 1/sqrt(N).
  Plain,
  /// b_-i ~ Q, a defensive mixture of P(. | b_i) (half the draws) and, per unordered state pair (t, t'), the
  /// product over the buyers of q_k(. | t)^(1-s) q_k(. | t')^s normalized, s minimizing the Chernoff exponent
  /// sum_k log sum_x q_k(x|t)^(1-s) q_k(x|t')^s (draws where the posterior hesitates between t and t'), and
  /// four more s between 0 and 1 around it (draws where it nearly does: the tails of nu_i's levels);
  /// weights w = P(b_-i | b_i) / Q(b_-i) <= 2, exact in log space. Estimates mean(w d) and mean(w 1[d > e]),
  /// unbiased; bands from the weighted samples by the normal approximation (sample standard deviation,
  /// Bonferroni z-quantile): widths relative to the estimate, so tiny D_i get meaningful bands, but they
  /// hold asymptotically, not for every N.
  Importance
};

struct InformationMeasures {
  MeasureMethod method = MeasureMethod::Tensor;
  /// Sampled only: the estimator that ran (never Auto).
  Sampler sampler = Sampler::Plain;
  Backend backend = Backend::Cpu;
  std::vector<double> informational_size;                 ///< nu_i
  /// Lambda_i = min over b_i != r_i of sum_{b_-i} (P(b_-i|b_i)/||P(.|b_i)||_2 - P(b_-i|r_i)/||P(.|r_i)||_2)^2
  /// (2013 paper, section 7.1); NaN when K_i = 1 (undefined).
  std::vector<double> variation;
  std::vector<std::vector<double>> conditional_norm;      ///< ||P_-i(. | b_i)||_2, K_i each
  std::vector<std::vector<double>> score_gain;            ///< S_i(b_i, r_i), K_i x K_i row-major
  std::vector<std::vector<double>> theorem1_sum;          ///< D_i(b_i, r_i), K_i x K_i row-major
  /// Sampled only: half-widths of the confidence intervals (level `confidence`, simultaneous by Bonferroni)
  /// of nu_i and D_i: distribution-free with Sampler::Plain, normal approximations with Sampler::Importance.
  double confidence = 0.0;
  std::uint64_t samples = 0;
  std::vector<double> informational_size_half_width;
  std::vector<std::vector<double>> theorem1_sum_half_width;
  /// Sampled only: bounds that hold with certainty (ci_certified_bounds), nu_i and D_i(b_i, r_i) at most these.
  std::vector<double> informational_size_certified;
  std::vector<std::vector<double>> theorem1_sum_certified;
  /// Only when requested (MeasureRequest), the 1999 paper's section 5 quantities:
  /// mu_i = max_{b_i} min{e >= 0 : Prob(min_theta ||rho(b) - chi_theta||_1 > e | b_i) <= e}
  /// (aggregate uncertainty) and Lambda^Theta_i = min_{b_i != r_i} (||p|| ||p'|| - <p, p'>) / ||p'||
  /// over p = P_Theta(.|b_i), p' = P_Theta(.|r_i) (variability of state beliefs; NaN when K_i = 1).
  std::vector<double> aggregate_uncertainty;
  std::vector<double> state_variability;
};

/// What the measures engine computes beyond nu_i, S_i, D_i and Lambda_i.
struct MeasureRequest {
  /// nu_i only over b_-i with both (b_-i, b_i) and (b_-i, r_i) of positive probability (the support
  /// T* of social-format.md); a full-support prior (every assignment instance) is unaffected.
  bool support_only = false;
  bool aggregate_uncertainty = false;
  bool state_variability = false;
};

/// Measures over a full table, on the table's backend when `backend` is Auto. Device: every
/// (i, b_i, r_i) pair is a transform-reduce, a removal, a sort and a scan on the device, over the
/// table's resident copy (or one upload); the aggregate uncertainty and state variability of a
/// request are then computed on the host. A table too large for device memory falls back to the CPU
/// under Auto and throws ResourceError when Device was asked.
/// One engine serves the assignment instance and the social model (type or stage-1 signal tables,
/// states == 0 meaning Theta = T: distances between distinct profiles are 2).
InformationMeasures information_measures(const PosteriorTable& table, Backend backend = Backend::Auto,
                                         const MeasureRequest& request = {});

/// Ranges, defaults and help of the scalars: option_table<MeasureOptions>() (ivassign/options.hpp), checked by
/// validate(const MeasureOptions&) (prior_measures, plan_mechanism).
struct MeasureOptions {
  Backend backend = Backend::Auto;
  /// CI priors with at most this many profiles use the exact tensor path; above it, symmetric
  /// priors use count vectors (exact) and per-buyer priors sampling (estimates). Joint priors
  /// always use the tensor.
  std::uint64_t max_tensor_profiles = std::uint64_t(1) << 22;
  /// per buyer and signal, sampled path: draws for the estimates of nu_i and D_i (delta.used under Auto
  /// comes from the certified bounds, which need no samples); 0: sampled_draws' budget. Else >= 100.
  std::uint64_t samples = 0;
  double confidence = 0.95;        ///< simultaneous over all (i, b_i, r_i), sampled path
  std::uint64_t seed = 1;
  int threads = 0;                 ///< 0: all cores
  /// Sampled path: memory for the shared pool of profiles (m * samples * m doubles of joint
  /// log-likelihoods), which makes a draw O(m K) instead of O(m n); 0 or too small: draw each b_-i.
  std::uint64_t sample_pool_bytes = std::uint64_t(1) << 30;
  /// Sampled path: the estimator (see Sampler); Auto picks importance sampling where plain sampling's bands
  /// cannot tell the D_i from 0 (the spectrum markets), plain sampling elsewhere.
  Sampler sampler = Sampler::Auto;
};

/// Draws per (buyer, signal) of the sampled path: options.samples when set, else 20000 within a budget of
/// 1.2e7 draws in all (sum_i K_i runs; a draw costs O((m + C) K)), never fewer than 2000: spectrum
/// 200 x 800 (K = 3) keeps 20000, 1000 x 4000 gets 4000. Counted, not timed: reports stay reproducible.
std::uint64_t sampled_draws(const Instance& instance, const MeasureOptions& options);

/// The measures of the instance's prior by the best exact method that fits (see MeasureOptions):
///   tensor         exact, O(m prod K_i) memory
///   count vectors  exact, symmetric CI prior: O(C(n+K-2, K-1) K^2 m) time, no tensor
///   sampled        per-buyer CI prior: conditional norms, S_i and Lambda_i exact in closed form
///                  (O(m^2 n K)); nu_i and D_i estimated from `samples` draws of b_-i ~ P(.|b_i),
///                  with simultaneous confidence half-widths (DKW for nu_i, Hoeffding for D_i).
///                  The draws for (i, b_i) are theta_s ~ P(.|b_i) and b_-i from pool profile
///                  (theta_s, s): iid for each (i, b_i), O(m n samples) once plus O(m K) per draw.
///                  With Sampler::Importance, b_-i ~ the defensive tilted mixture Q (see Sampler), pool
///                  profiles from each of its m + C sources, O((m + C)^2 n samples) once plus O((m + C) K)
///                  per draw, C = 5 m (m - 1) / 2; half-widths by the normal approximation.
InformationMeasures prior_measures(const Instance& instance, const MeasureOptions& options = {});

/// For conditionally independent priors: conditional norms, S_i and Lambda_i in closed form,
/// sum_{b_-i} P(b_-i|a) P(b_-i|b) = sum_{t,t'} P(t|a) P(t'|b) prod_{k != i} sum_x q_k(x|t) q_k(x|t').
/// nu_i and D_i are left empty. O(m^2 n K) time, log space.
InformationMeasures ci_closed_form_scores(const Instance& instance);

/// Upper bounds that hold with certainty (not with a confidence) on nu_i and D_i(b_i, r_i).
struct CertifiedBounds {
  std::vector<double> informational_size;         ///< >= nu_i
  std::vector<std::vector<double>> theorem1_sum;  ///< >= D_i(b_i, r_i), K_i x K_i row-major (0 on the diagonal)
};

/// For conditionally independent priors, without the tensor or sampling: Chernoff bounds with the exact
/// moment generating functions of the per-buyer log-likelihood ratios (the concentration behind the 2023
/// paper's Theorem 2). With pi = rho(b_-i, b_i), pi' = rho(b_-i, r_i) and the true state t*,
/// ||pi - pi'||_1 <= 2 min(1, sum_{t != t*} kappa Lambda_t) with Lambda_t the others' likelihood ratio of t
/// to t*, and E[Lambda_t^s | t*] = prod_{k != i} sum_x q_k(x|t*)^(1-s) q_k(x|t)^s, minimized over s in (0, 1).
/// The bounds decay like the others' Chernoff information: loose for a few buyers (often the trivial 2 and
/// 1), within a few orders of magnitude of the exact values for many informative buyers. O(n K^2 m^2 G).
CertifiedBounds ci_certified_bounds(const Instance& instance, int threads = 0);

/// Stage-1 rewards without the table: P(b_-i | b_i) on demand (O(m n) for CI priors).
std::vector<double> stage1_rewards(const Instance& instance, const InformationMeasures& info,
                                   const std::vector<int>& profile, double delta);

/// The smallest delta meeting Theorem 1's sufficient condition:
/// max over i, b_i != r_i of (2+n)(2n+1) M D_i(b_i,r_i) / S_i(b_i,r_i). 0 when every D_i is 0;
/// +infinity when some D_i > 0 has S_i = 0 (no reward of this form can work). With
/// `upper` true and sampled measures, D_i + its half-width is used (a bound that holds with the
/// stated confidence).
double delta_theorem1(const InformationMeasures& info, int buyers, double bound, bool upper = false);

/// Theorem 1's delta from bounds that hold with certainty: with exact measures (tensor, count vectors) the
/// same as delta_theorem1; with sampled measures max (2+n)(2n+1) M D^cert_i / S^low_i over the certified
/// D_i bounds and the closed-form S_i lowered by tol::kCertifiedRounding. +infinity when a bound is not
/// finite or S^low_i <= 0 while the D_i bound is positive.
double delta_theorem1_certified(const InformationMeasures& info, int buyers, double bound);

std::string to_string(MeasureMethod method);
std::string to_string(Sampler sampler);  ///< "auto", "plain", "importance"

/// Stage-1 reward xi_i(b) = delta P_-i(b_-i|b_i) / ||P_-i(.|b_i)||_2 for every buyer.
std::vector<double> stage1_rewards(const PosteriorTable& table, const InformationMeasures& info,
                                   std::uint64_t profile, double delta);

}  // namespace ivassign
