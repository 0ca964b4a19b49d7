// validate_social_problem: the rules of social-format.md that do not concern JSON syntax, one
// function per group of rules (dimensions, values, prior, bound, decomposition, mechanism), checked
// in that order. Messages name the key, the index and the rule; the first broken rule throws.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "common/format.hpp"
#include "ivassign/error.hpp"
#include "ivassign/social.hpp"
#include "ivassign/tolerances.hpp"

namespace ivassign {

namespace {

/// Probabilities that must sum to 1 (relative tolerance 1e-9).
void check_sum(const std::string& key, double total) {
  if (std::abs(total - 1.0) > tol::kProbabilitySum)
    throw InputError(key + ": entries sum to " + num(total) + "; probabilities must sum to 1 (relative tolerance 1e-9)");
}

/// A finite number in [0, 1].
void check_probability(const std::string& key, double p) {
  if (!std::isfinite(p) || p < 0.0 || p > 1.0)
    throw InputError(key + ": " + num(p) + " is not a probability (must lie in [0, 1])");
}

/// agents, types, outcomes (names) and status_quo; returns |T| (ResourceError when too large).
std::uint64_t check_dimensions(const SocialProblem& p) {
  if (p.agents < 1) throw InputError("agents: " + std::to_string(p.agents) + " must be >= 1");
  if (p.types.size() != static_cast<std::size_t>(p.agents))
    throw InputError("types: has " + std::to_string(p.types.size()) + " entries, expected n = " + std::to_string(p.agents));
  for (std::size_t i = 0; i < p.types.size(); ++i)
    if (p.types[i] < 1) throw InputError(idx("types", i) + ": " + std::to_string(p.types[i]) + " must be >= 1");
  const std::uint64_t T = p.profiles();
  const auto C = static_cast<std::uint64_t>(p.outcomes);
  if (p.outcomes < 1) throw InputError("outcomes: must be >= 1");
  if (!p.outcome_names.empty() && p.outcome_names.size() != C)
    throw InputError("outcomes: has " + std::to_string(p.outcome_names.size()) + " names, expected |C| = " + std::to_string(C));
  if (p.status_quo < 0 || p.status_quo >= p.outcomes)
    throw InputError("status_quo: " + std::to_string(p.status_quo) + " is out of range [0, " + std::to_string(C - 1) + "]");
  return T;
}

/// values.by_state: states >= 1, agent i's block of m*K_i*|C| finite numbers at value_offset[i],
/// 0 at the status quo.
void check_values_by_state(const SocialProblem& p) {
  const auto n = static_cast<std::uint64_t>(p.agents);
  const auto C = static_cast<std::uint64_t>(p.outcomes);
  const auto c0 = static_cast<std::uint64_t>(p.status_quo);
  if (p.states < 1) throw InputError("states: required and >= 1 with values.by_state");
  const auto m = static_cast<std::uint64_t>(p.states);
  if (p.value_offset.size() != n) throw InputError("values.by_state: has the wrong number of agent blocks");
  std::uint64_t expected = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    if (p.value_offset[i] != expected) throw InputError(idx("values.by_state", i) + ": misplaced agent block");
    expected += m * static_cast<std::uint64_t>(p.types[i]) * C;
  }
  if (p.values.size() != expected)
    throw InputError("values.by_state: has " + std::to_string(p.values.size()) + " numbers, expected sum_i m*K_i*|C| = " +
                     std::to_string(expected));
  for (std::uint64_t i = 0; i < n; ++i)
    for (std::uint64_t s = 0; s < m; ++s)
      for (std::uint64_t k = 0; k < static_cast<std::uint64_t>(p.types[i]); ++k)
        for (std::uint64_t c = 0; c < C; ++c) {
          const double v = p.values[p.value_offset[i] + (s * static_cast<std::uint64_t>(p.types[i]) + k) * C + c];
          const std::string key = "values.by_state[" + std::to_string(i) + "][" + std::to_string(s) + "][" +
                                  std::to_string(k) + "][" + std::to_string(c) + "]";
          if (!std::isfinite(v)) throw InputError(key + ": " + num(v) + " is not a finite number");
          if (c == c0 && v != 0.0)
            throw InputError(key + ": " + num(v) + " is not 0; values at the status quo (outcome " +
                             std::to_string(c0) + ") must be 0");
        }
}

/// values.by_profile: |T|*n*|C| finite numbers, 0 at the status quo.
void check_values_by_profile(const SocialProblem& p, std::uint64_t T) {
  const auto n = static_cast<std::uint64_t>(p.agents);
  const auto C = static_cast<std::uint64_t>(p.outcomes);
  const auto c0 = static_cast<std::uint64_t>(p.status_quo);
  if (p.values.size() != T * n * C)
    throw InputError("values.by_profile: has " + std::to_string(p.values.size()) + " numbers, expected |T|*n*|C| = " +
                     std::to_string(T * n * C));
  for (std::uint64_t t = 0; t < T; ++t)
    for (std::uint64_t i = 0; i < n; ++i)
      for (std::uint64_t c = 0; c < C; ++c) {
        const double v = p.values[(t * n + i) * C + c];
        if (std::isfinite(v) && (c != c0 || v == 0.0)) continue;
        const std::string key = "values.by_profile[" + std::to_string(t) + "][" + std::to_string(i) + "][" +
                                std::to_string(c) + "]";
        if (!std::isfinite(v)) throw InputError(key + ": " + num(v) + " is not a finite number");
        throw InputError(key + ": " + num(v) + " is not 0; values at the status quo (outcome " + std::to_string(c0) +
                         ") must be 0");
      }
}

/// Full support on types: under the profile masses P(t) ([|T|]) every type of every agent has
/// positive probability.
void check_type_marginals(const SocialProblem& p, std::uint64_t T, const std::string& key,
                          const std::vector<double>& profile_mass) {
  const auto n = static_cast<std::uint64_t>(p.agents);
  std::vector<std::uint64_t> stride(n, 1);
  for (std::uint64_t i = n; i-- > 1;) stride[i - 1] = stride[i] * static_cast<std::uint64_t>(p.types[i]);
  for (std::uint64_t i = 0; i < n; ++i) {
    std::vector<double> marginal(static_cast<std::size_t>(p.types[i]), 0.0);
    for (std::uint64_t t = 0; t < T; ++t) marginal[(t / stride[i]) % static_cast<std::uint64_t>(p.types[i])] += profile_mass[t];
    for (std::size_t k = 0; k < marginal.size(); ++k)
      if (!(marginal[k] > 0.0))
        throw InputError(key + ": type " + std::to_string(k) + " of agent " + std::to_string(i) +
                         " has probability 0; every type of every agent must have positive probability");
  }
}

/// prior.joint (with values.by_state): m*|T| probabilities summing to 1, every state and every
/// type of every agent with positive probability.
void check_prior_joint(const SocialProblem& p, std::uint64_t T, bool by_state) {
  if (!by_state) throw InputError("prior.joint: needs values.by_state");
  const auto m = static_cast<std::uint64_t>(p.states);
  if (p.prior_joint.size() != m * T)
    throw InputError("prior.joint: has " + std::to_string(p.prior_joint.size()) + " entries, expected m * |T| = " +
                     std::to_string(m * T));
  double total = 0.0;
  std::vector<double> profile_mass(T, 0.0);
  for (std::uint64_t s = 0; s < m; ++s) {
    double state_mass = 0.0;
    for (std::uint64_t t = 0; t < T; ++t) {
      const double v = p.prior_joint[s * T + t];
      check_probability(idx("prior.joint", s * T + t), v);
      state_mass += v;
      profile_mass[t] += v;
    }
    if (!(state_mass > 0.0))
      throw InputError("prior.joint: state " + std::to_string(s) + " (entries " + std::to_string(s * T) + ".." +
                       std::to_string(s * T + T - 1) + ") has probability 0; every state must have positive probability");
    total += state_mass;
  }
  check_sum("prior.joint", total);
  check_type_marginals(p, T, "prior.joint", profile_mass);
}

/// prior.lambda: m positive probabilities summing to 1.
void check_prior_lambda(const SocialProblem& p) {
  const auto m = static_cast<std::uint64_t>(p.states);
  if (p.prior_lambda.size() != m)
    throw InputError("prior.lambda: has " + std::to_string(p.prior_lambda.size()) + " entries, expected m = " +
                     std::to_string(m));
  double total = 0.0;
  for (std::uint64_t s = 0; s < m; ++s) {
    check_probability(idx("prior.lambda", s), p.prior_lambda[s]);
    if (!(p.prior_lambda[s] > 0.0))
      throw InputError(idx("prior.lambda", s) + ": 0; every state must have positive probability");
    total += p.prior_lambda[s];
  }
  check_sum("prior.lambda", total);
}

/// prior.q_per_agent (after prior.lambda): per agent m rows of K_i probabilities summing to 1,
/// every type with positive probability.
void check_prior_q(const SocialProblem& p) {
  const auto n = static_cast<std::uint64_t>(p.agents);
  const auto m = static_cast<std::uint64_t>(p.states);
  if (p.prior_q.size() != n)
    throw InputError("prior.q_per_agent: has " + std::to_string(p.prior_q.size()) + " entries, expected n = " +
                     std::to_string(n));
  for (std::uint64_t i = 0; i < n; ++i) {
    const auto K = static_cast<std::uint64_t>(p.types[i]);
    if (p.prior_q[i].size() != m * K)
      throw InputError(idx("prior.q_per_agent", i) + ": has " + std::to_string(p.prior_q[i].size()) +
                       " numbers, expected m * K_i = " + std::to_string(m * K));
    for (std::uint64_t s = 0; s < m; ++s) {
      double row = 0.0;
      for (std::uint64_t k = 0; k < K; ++k) {
        const double q = p.prior_q[i][s * K + k];
        check_probability(idx(idx("prior.q_per_agent", i), s) + "[" + std::to_string(k) + "]", q);
        row += q;
      }
      check_sum(idx(idx("prior.q_per_agent", i), s), row);
    }
    for (std::uint64_t k = 0; k < K; ++k) {
      double mass = 0.0;
      for (std::uint64_t s = 0; s < m; ++s) mass += p.prior_lambda[s] * p.prior_q[i][s * K + k];
      if (!(mass > 0.0))
        throw InputError("prior.q_per_agent[" + std::to_string(i) + "]: type " + std::to_string(k) +
                         " has probability 0; every type of every agent must have positive probability");
    }
  }
}

/// prior.types (with values.by_profile): |T| probabilities summing to 1, every type of every agent
/// with positive probability.
void check_prior_types(const SocialProblem& p, std::uint64_t T, bool by_state) {
  if (by_state) throw InputError("prior.types: needs values.by_profile");
  if (p.prior_joint.size() != T)
    throw InputError("prior.types: has " + std::to_string(p.prior_joint.size()) + " entries, expected |T| = " +
                     std::to_string(T));
  double total = 0.0;
  for (std::uint64_t t = 0; t < T; ++t) {
    check_probability(idx("prior.types", t), p.prior_joint[t]);
    total += p.prior_joint[t];
  }
  check_sum("prior.types", total);
  check_type_marginals(p, T, "prior.types", p.prior_joint);
}

/// The prior in its form: probabilities, sums, full support on states and on every type.
void check_prior(const SocialProblem& p, std::uint64_t T, bool by_state) {
  switch (p.prior_form) {
    case SocialProblem::Prior::Joint:
      check_prior_joint(p, T, by_state);
      break;
    case SocialProblem::Prior::ConditionallyIndependent:
      check_prior_lambda(p);
      check_prior_q(p);
      break;
    case SocialProblem::Prior::Types:
      check_prior_types(p, T, by_state);
      break;
    case SocialProblem::Prior::Uniform:
      if (by_state) throw InputError("prior: required key is missing (values.by_state needs a prior)");
      break;
  }
}

/// decomposition.signal: per agent K_i signals in [0, K_i), every signal 0..A_i-1 used.
void check_decomposition(const SocialProblem& p) {
  const auto n = static_cast<std::uint64_t>(p.agents);
  if (p.signal.size() != n)
    throw InputError("decomposition.signal: has " + std::to_string(p.signal.size()) + " entries, expected n = " +
                     std::to_string(n));
  for (std::uint64_t i = 0; i < n; ++i) {
    const auto K = static_cast<std::size_t>(p.types[i]);
    if (p.signal[i].size() != K)
      throw InputError(idx("decomposition.signal", i) + ": has " + std::to_string(p.signal[i].size()) +
                       " entries, expected K_" + std::to_string(i) + " = " + std::to_string(K));
    int top = -1;
    for (std::size_t k = 0; k < K; ++k) {
      const int a = p.signal[i][k];
      if (a < 0 || static_cast<std::size_t>(a) >= K)
        throw InputError(idx(idx("decomposition.signal", i), k) + ": " + std::to_string(a) + " is out of range [0, " +
                         std::to_string(K - 1) + "]");
      top = std::max(top, a);
    }
    std::vector<bool> used(static_cast<std::size_t>(top + 1), false);
    for (int a : p.signal[i]) used[static_cast<std::size_t>(a)] = true;
    for (std::size_t a = 0; a < used.size(); ++a)
      if (!used[a])
        throw InputError(idx("decomposition.signal", i) + ": signal " + std::to_string(a) +
                         " is not used; signals must be 0..A_i-1 with every signal used");
  }
}

/// mechanism: an outcome index per profile and n finite transfers per profile.
void check_mechanism(const SocialProblem& p, std::uint64_t T) {
  const auto n = static_cast<std::uint64_t>(p.agents);
  const auto C = static_cast<std::uint64_t>(p.outcomes);
  if (p.mechanism_outcome.size() != T)
    throw InputError("mechanism.outcome: has " + std::to_string(p.mechanism_outcome.size()) +
                     " entries, expected |T| = " + std::to_string(T));
  for (std::uint64_t t = 0; t < T; ++t)
    if (p.mechanism_outcome[t] < 0 || p.mechanism_outcome[t] >= p.outcomes)
      throw InputError(idx("mechanism.outcome", t) + ": " + std::to_string(p.mechanism_outcome[t]) +
                       " is out of range [0, " + std::to_string(C - 1) + "] (an outcome index)");
  if (p.mechanism_transfers.size() != T * n)
    throw InputError("mechanism.transfers: has " + std::to_string(p.mechanism_transfers.size()) +
                     " numbers, expected |T| * n = " + std::to_string(T * n));
  for (std::uint64_t k = 0; k < T * n; ++k)
    if (!std::isfinite(p.mechanism_transfers[k]))
      throw InputError("mechanism.transfers[" + std::to_string(k / n) + "][" + std::to_string(k % n) + "]: " +
                       num(p.mechanism_transfers[k]) + " is not a finite number");
}

}  // namespace

void validate_social_problem(const SocialProblem& p) {
  const std::uint64_t T = check_dimensions(p);
  const bool by_state = p.values_form == SocialProblem::Values::ByState;
  if (by_state)
    check_values_by_state(p);
  else
    check_values_by_profile(p, T);
  check_prior(p, T, by_state);
  if (p.bound && !(*p.bound > 0.0 && std::isfinite(*p.bound)))
    throw InputError("bound: " + num(*p.bound) + " must be a finite number > 0");
  if (!p.signal.empty()) check_decomposition(p);
  if (p.has_mechanism) check_mechanism(p, T);
}

}  // namespace ivassign
