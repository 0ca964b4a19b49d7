// The social model's priors as the library's profile table (types; stage-1 signals of a
// decomposition) and its four measures (social-format.md, Definitions) from the one measures engine
// of src/posterior/measures.cpp. Per-element formulas: kernels/posterior.cuh, kernels/social_math.cuh.
#include "social/model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ivassign/tolerances.hpp"
#include "kernels/posterior.cuh"
#include "kernels/social_math.cuh"
#include "posterior/table.hpp"

namespace ivassign::social {

PosteriorTable type_table(const SocialProblem& p) {
  PosteriorTable tb;
  set_profile_axes(tb, p.types);
  const std::uint64_t T = tb.profiles;
  const int n = p.agents;
  tb.marginal.assign(T, 0.0);
  if (p.values_form == SocialProblem::Values::ByState) {
    tb.states = p.states;
    const auto m = static_cast<std::uint64_t>(p.states);
    tb.posterior.assign(T * m, 0.0);
    if (p.prior_form == SocialProblem::Prior::Joint) {
#pragma omp parallel for schedule(static)
      for (std::int64_t st = 0; st < static_cast<std::int64_t>(T); ++st) {
        const auto t = static_cast<std::uint64_t>(st);
        tb.marginal[t] = kernels::posterior_from_joint(p.prior_joint.data(), p.states, T, t, tb.posterior.data() + t * m);
      }
    } else {  // conditionally independent
      std::vector<std::uint64_t> q_offset(static_cast<std::size_t>(n));
      std::vector<double> q_flat, log_q, log_lambda;
      bool positive = true;
      for (double l : p.prior_lambda) positive = positive && l > 0.0;
      for (int i = 0; i < n; ++i) {
        q_offset[static_cast<std::size_t>(i)] = q_flat.size();
        for (double q : p.prior_q[static_cast<std::size_t>(i)]) {
          q_flat.push_back(q);
          positive = positive && q > 0.0;
        }
      }
      for (double q : q_flat) log_q.push_back(std::log(q));
      for (double l : p.prior_lambda) log_lambda.push_back(std::log(l));
#pragma omp parallel for schedule(static)
      for (std::int64_t st = 0; st < static_cast<std::int64_t>(T); ++st) {
        const auto t = static_cast<std::uint64_t>(st);
        double* out = tb.posterior.data() + t * m;
        if (positive) {  // log space: no underflow for products of many small probabilities
          tb.marginal[t] = kernels::posterior_from_ci(log_lambda.data(), log_q.data(), q_offset.data(), p.types.data(),
                                                      tb.strides.data(), p.states, n, t, out);
        } else {  // zeros in q: linear space
          kernels::ci_factor(p.prior_lambda.data(), q_flat.data(), q_offset.data(), p.types.data(), tb.strides.data(),
                             p.states, 0, n, true, t, out);
          double total = 0.0;
          for (std::uint64_t s = 0; s < m; ++s) total += out[s];
          for (std::uint64_t s = 0; s < m; ++s) out[s] = total > 0.0 ? out[s] / total : 0.0;
          tb.marginal[t] = total;
        }
      }
    }
  } else {
    tb.states = 0;
    if (p.prior_form == SocialProblem::Prior::Types)
      std::copy(p.prior_joint.begin(), p.prior_joint.end(), tb.marginal.begin());
    else
      std::fill(tb.marginal.begin(), tb.marginal.end(), 1.0 / static_cast<double>(T));
  }
  fill_signal_marginals(tb);
  return tb;
}

PosteriorTable signal_table(const SocialProblem& p, const PosteriorTable& types) {
  PosteriorTable tb;
  std::vector<int> dims;
  for (const auto& f : p.signal) dims.push_back(*std::max_element(f.begin(), f.end()) + 1);
  set_profile_axes(tb, dims);
  tb.states = types.states;
  const auto m = static_cast<std::uint64_t>(tb.states);
  std::vector<double> joint(tb.profiles * m, 0.0);
  for (std::uint64_t t = 0; t < types.profiles; ++t) {
    const double pt = types.marginal[t];
    if (pt == 0.0) continue;
    std::uint64_t a = 0;
    for (int i = 0; i < p.agents; ++i)
      a += static_cast<std::uint64_t>(p.signal[static_cast<std::size_t>(i)][static_cast<std::size_t>(types.signal_of(t, i))]) *
           tb.strides[static_cast<std::size_t>(i)];
    const double* rho = types.rho(t);
    for (std::uint64_t s = 0; s < m; ++s) joint[a * m + s] += pt * rho[s];
  }
  tb.marginal.assign(tb.profiles, 0.0);
  tb.posterior.assign(tb.profiles * m, 0.0);
  for (std::uint64_t a = 0; a < tb.profiles; ++a) {
    double total = 0.0;
    for (std::uint64_t s = 0; s < m; ++s) total += joint[a * m + s];
    tb.marginal[a] = total;
    for (std::uint64_t s = 0; s < m; ++s) tb.posterior[a * m + s] = total > 0.0 ? joint[a * m + s] / total : 0.0;
  }
  fill_signal_marginals(tb);
  return tb;
}

SocialMeasures measures_of(const PosteriorTable& tb, PairMeasures& pairs, Backend backend, Backend* ran) {
  MeasureRequest request;
  request.support_only = true;  // I_e holds t_-i with both profiles in T*
  request.aggregate_uncertainty = true;
  request.state_variability = true;
  InformationMeasures info = information_measures(tb, backend == Backend::Auto ? resolve_backend(backend) : backend,
                                                  request);
  if (ran != nullptr) *ran = info.backend;
  const auto optional = [](double v) { return std::isnan(v) ? std::nullopt : std::optional<double>(v); };
  SocialMeasures out;
  out.informational_size = info.informational_size;
  out.aggregate_uncertainty = info.aggregate_uncertainty;
  for (std::size_t i = 0; i < info.variation.size(); ++i) {
    out.variability.push_back(optional(info.variation[i]));
    out.state_variability.push_back(optional(info.state_variability[i]));
  }
  out.nonexclusive_information = std::all_of(out.informational_size.begin(), out.informational_size.end(),
                                             [](double v) { return v == 0.0; });
  pairs.norm = std::move(info.conditional_norm);
  pairs.score_gain = std::move(info.score_gain);
  return out;
}

void expected_values_of(const SocialProblem& p, const PosteriorTable& types, int agent, std::uint64_t t, double* out) {
  const auto C = static_cast<std::uint64_t>(p.outcomes);
  const auto i = static_cast<std::size_t>(agent);
  if (p.values_form == SocialProblem::Values::ByProfile) {
    const double* src = p.values.data() + (t * static_cast<std::uint64_t>(p.agents) + i) * C;
    std::copy(src, src + C, out);
  } else {
    kernels::expected_values(p.values.data() + p.value_offset[i], p.states, p.types[i], p.outcomes,
                             types.signal_of(t, agent), types.rho(t), out);
  }
}

void all_expected_values(const SocialProblem& p, const PosteriorTable& types, std::uint64_t t, double* out) {
  for (int i = 0; i < p.agents; ++i) expected_values_of(p, types, i, t, out + static_cast<std::size_t>(i) * static_cast<std::size_t>(p.outcomes));
}

}  // namespace ivassign::social
