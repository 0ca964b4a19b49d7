// The augmented generalized VCG mechanism on the general model: one stage (2013 paper, sections 4
// and 7) and two stages with stage-2 payoff-vector reports (2017 paper). Per profile: the efficient
// outcome and the GVCG transfers (kernels::efficient_with_transfers); per agent, type and lie: the
// expected gain G_i of the lie under GVCG and the spherical score gain S_i, whose largest ratio is
// epsilon.exact. Batched over profiles with OpenMP, deterministic for any thread count.
#include <algorithm>
#include <cmath>

#include "common/format.hpp"
#include "ivassign/error.hpp"
#include "ivassign/social.hpp"
#include "kernels/posterior.cuh"
#include "kernels/social_math.cuh"
#include "social/model.hpp"

namespace ivassign {



namespace {

/// The theorems assume 0 <= v <= M.
void require_theorem_values(const SocialProblem& p, double M) {
  const bool by_state = p.values_form == SocialProblem::Values::ByState;
  const auto C = static_cast<std::uint64_t>(p.outcomes);
  for (std::uint64_t k = 0; k < p.values.size(); ++k) {
    const double v = p.values[k];
    if (v >= 0.0 && v <= M) continue;
    std::string key;
    if (by_state) {
      std::size_t i = 0;
      while (i + 1 < p.value_offset.size() && p.value_offset[i + 1] <= k) ++i;
      const std::uint64_t r = k - p.value_offset[i];
      const auto K = static_cast<std::uint64_t>(p.types[i]);
      key = "values.by_state[" + std::to_string(i) + "][" + std::to_string(r / (K * C)) + "][" +
            std::to_string((r / C) % K) + "][" + std::to_string(r % C) + "]";
    } else {
      const auto n = static_cast<std::uint64_t>(p.agents);
      key = "values.by_profile[" + std::to_string(k / (n * C)) + "][" + std::to_string((k / C) % n) + "][" +
            std::to_string(k % C) + "]";
    }
    throw InputError("gvcg: " + key + ": " + num(v) + (v < 0.0 ? " is negative" : " exceeds the bound M = " + num(M)) +
                     "; gvcg needs 0 <= v <= M, as the theorems of the 2013 and 2017 papers do");
  }
}

std::vector<std::uint64_t> selected_profiles(const SocialProblem& p, const PosteriorTable& types, const GvcgOptions& o) {
  std::vector<std::uint64_t> out;
  if (!o.list_profiles) return out;
  if (o.all_profiles) {
    for (std::uint64_t t = 0; t < types.profiles; ++t)
      if (types.marginal[t] > 0.0) out.push_back(t);
    return out;
  }
  for (const auto& prof : o.profiles) {
    if (prof.size() != static_cast<std::size_t>(p.agents))
      throw InputError("--profile: has " + std::to_string(prof.size()) + " entries, expected n = " +
                       std::to_string(p.agents));
    std::uint64_t t = 0;
    for (std::size_t i = 0; i < prof.size(); ++i) {
      if (prof[i] < 0 || prof[i] >= p.types[i])
        throw InputError("--profile: entry " + std::to_string(i) + " = " + std::to_string(prof[i]) +
                         " is out of range [0, " + std::to_string(p.types[i] - 1) + "] (types of agent " +
                         std::to_string(i) + ")");
      t += static_cast<std::uint64_t>(prof[i]) * types.strides[i];
    }
    out.push_back(t);
  }
  return out;
}

std::vector<int> profile_vector(const PosteriorTable& tb, std::uint64_t t) {
  std::vector<int> v(tb.signals.size());
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = tb.signal_of(t, static_cast<int>(i));
  return v;
}

thread_local std::vector<double> tls_scratch;

double* scratch(std::size_t size) {
  if (tls_scratch.size() < size) tls_scratch.resize(size);
  return tls_scratch.data();
}

/// max over lies of G / S (gains at most tol count as 0); nullopt when some G > tol has S = 0.
std::optional<double> exact_epsilon(const std::vector<std::vector<double>>& gain,
                                    const std::vector<std::vector<int>>& score_row,
                                    const social::PairMeasures& pairs, const std::vector<int>& lies, double tol) {
  double e = 0.0;
  for (std::size_t i = 0; i < gain.size(); ++i) {
    const auto L = static_cast<std::size_t>(lies[i]);
    for (std::size_t k = 0; k < gain[i].size(); ++k) {
      const std::size_t a = k / L, r = k % L;
      const auto row = static_cast<std::size_t>(score_row[i][a]);
      if (r == row) continue;
      const double g = gain[i][k];
      if (!(g > tol)) continue;
      const double s = pairs.score_gain[i][row * L + r];
      if (!(s > 1e-12)) return std::nullopt;
      e = std::max(e, g / s);
    }
  }
  return e;
}

std::optional<double> theorem_factor(const SocialMeasures& ms) {
  double nu = 0.0, lambda = INFINITY;
  for (std::size_t i = 0; i < ms.informational_size.size(); ++i) {
    nu = std::max(nu, ms.informational_size[i]);
    if (!ms.variability[i]) return std::nullopt;
    lambda = std::min(lambda, *ms.variability[i]);
  }
  if (!(lambda > 0.0) || !std::isfinite(lambda)) return std::nullopt;
  return nu / lambda;
}

}  // namespace

GvcgResult run_gvcg(const SocialProblem& p, const GvcgOptions& o) {
  if (o.stages != 1 && o.stages != 2)
    throw InputError("--stages: " + std::to_string(o.stages) + " is not 1 or 2");
  if (o.epsilon == GvcgOptions::Epsilon::Value && !(o.epsilon_value >= 0.0 && std::isfinite(o.epsilon_value)))
    throw InputError("--epsilon: " + num(o.epsilon_value) + " must be a finite number >= 0");
  if (o.stages == 2 && p.signal.empty())
    throw InputError("decomposition: required key is missing (--stages 2 needs a decomposition of the types)");
  if (o.stages == 2 && p.values_form != SocialProblem::Values::ByState)
    throw InputError("values.by_profile: --stages 2 needs values.by_state (stage 2 reports payoffs per state)");
  social::ThreadScope scope(o.threads);
  const double M = p.effective_bound();
  require_theorem_values(p, M);
  const PosteriorTable types = social::type_table(p);
  const std::vector<std::uint64_t> listed = selected_profiles(p, types, o);

  const int n = p.agents, C = p.outcomes;
  const auto un = static_cast<std::size_t>(n), uC = static_cast<std::size_t>(C);
  const std::uint64_t T = types.profiles;
  const double tol = social::gain_tolerance(M);
  GvcgResult res;
  res.stages = o.stages;

  std::vector<int> q(T, p.status_quo);
  std::vector<double> alpha(T * un, 0.0);
  social::PairMeasures pairs;
  PosteriorTable sig;
  std::vector<std::vector<double>> gain(un);
  std::vector<std::vector<int>> score_row(un);  // the row of S for (i, t_i): t_i, or f_i(t_i)
  std::vector<int> lies(un);                    // K_i, or A_i
  std::vector<std::size_t> off(un + 1, 0);

  auto signal_index = [&](std::uint64_t t) {
    std::uint64_t a = 0;
    for (std::size_t i = 0; i < un; ++i)
      a += static_cast<std::uint64_t>(p.signal[i][static_cast<std::size_t>(types.signal_of(t, static_cast<int>(i)))]) *
           sig.strides[i];
    return a;
  };

  if (o.stages == 1) {
    res.measures = social::measures_of(types, pairs);
#pragma omp parallel for schedule(static)
    for (std::int64_t st = 0; st < static_cast<std::int64_t>(T); ++st) {
      const auto t = static_cast<std::uint64_t>(st);
      if (types.marginal[t] == 0.0) continue;  // never realized: c0, no transfers
      double* vals = scratch(un * uC + uC);
      social::all_expected_values(p, types, t, vals);
      q[t] = kernels::efficient_with_transfers(vals, n, C, vals + un * uC, alpha.data() + t * un);
    }
    for (std::size_t i = 0; i < un; ++i) {
      lies[i] = p.types[i];
      off[i + 1] = off[i] + static_cast<std::size_t>(p.types[i]) * static_cast<std::size_t>(p.types[i]);
      for (int a = 0; a < p.types[i]; ++a) score_row[i].push_back(a);
    }
    const std::vector<double> G = blocked_accumulate(T, off.back(), [&](std::uint64_t t, double* acc) {
      const double pt = types.marginal[t];
      if (pt == 0.0) return;
      double* v = scratch(uC);
      for (int i = 0; i < n; ++i) {
        const auto ii = static_cast<std::size_t>(i);
        const int K = p.types[ii];
        const int a = types.signal_of(t, i);
        const double w = pt / types.signal_marginal[ii][static_cast<std::size_t>(a)];
        social::expected_values_of(p, types, i, t, v);
        const double truth = kernels::report_payoff(v, q[t], alpha[t * un + ii]);
        double* row = acc + off[ii] + static_cast<std::size_t>(a) * static_cast<std::size_t>(K);
        for (int r = 0; r < K; ++r) {
          if (r == a) continue;
          const std::uint64_t tr = kernels::replace_signal(t, types.strides[ii], a, r);
          row[r] += w * (kernels::report_payoff(v, q[tr], alpha[tr * un + ii]) - truth);
        }
      }
    });
    for (std::size_t i = 0; i < un; ++i)
      gain[i].assign(G.begin() + static_cast<std::ptrdiff_t>(off[i]), G.begin() + static_cast<std::ptrdiff_t>(off[i + 1]));
    res.epsilon_exact = exact_epsilon(gain, score_row, pairs, lies, tol);
    if (const auto f = theorem_factor(res.measures))
      res.epsilon_theorem = *f * std::max(4.0 * M * (n + 1) * std::sqrt(static_cast<double>(T)), 4.0);
  } else {
    sig = social::signal_table(p, types);
    res.measures = social::measures_of(sig, pairs);
    const auto m = static_cast<std::size_t>(p.states);
    // truthful play: stage-2 reports u_j(c) = sum_theta v_j(c, theta, t_j) rho_theta(f(t)), VCG on them
    auto reports_at = [&](std::uint64_t t, const double* rho, double* u) {
      for (std::size_t j = 0; j < un; ++j)
        kernels::expected_values(p.values.data() + p.value_offset[j], p.states, p.types[j], C,
                                 types.signal_of(t, static_cast<int>(j)), rho, u + j * uC);
    };
#pragma omp parallel for schedule(static)
    for (std::int64_t st = 0; st < static_cast<std::int64_t>(T); ++st) {
      const auto t = static_cast<std::uint64_t>(st);
      if (types.marginal[t] == 0.0) continue;
      double* u = scratch(un * uC + uC);
      reports_at(t, sig.rho(signal_index(t)), u);
      q[t] = kernels::efficient_with_transfers(u, n, C, u + un * uC, alpha.data() + t * un);
    }
    for (std::size_t i = 0; i < un; ++i) {
      lies[i] = sig.signals[i];
      off[i + 1] = off[i] + static_cast<std::size_t>(p.types[i]) * static_cast<std::size_t>(sig.signals[i]);
      for (int a = 0; a < p.types[i]; ++a) score_row[i].push_back(p.signal[i][static_cast<std::size_t>(a)]);
    }
    (void)m;
    const std::vector<double> G = blocked_accumulate(T, off.back(), [&](std::uint64_t t, double* acc) {
      const double pt = types.marginal[t];
      if (pt == 0.0) return;
      double* buf = scratch(3 * un * uC + 2 * uC + un);
      double* truth_reports = buf;               // u_j at rho(f(t))
      double* lie_reports = buf + un * uC;       // u'_j at rho(f_-i(t_-i), r_i), with row i = u_i
      double* v = buf + 2 * un * uC;             // v^_i(.; t)
      double* welfare = v + uC;
      double* dev_alpha = welfare + uC;
      const std::uint64_t a = signal_index(t);
      reports_at(t, sig.rho(a), truth_reports);
      for (int i = 0; i < n; ++i) {
        const auto ii = static_cast<std::size_t>(i);
        const int ti = types.signal_of(t, i);
        const int ai = p.signal[ii][static_cast<std::size_t>(ti)];
        const int A = sig.signals[ii];
        const double w = pt / types.signal_marginal[ii][static_cast<std::size_t>(ti)];
        social::expected_values_of(p, types, i, t, v);
        const double truth = kernels::report_payoff(v, q[t], alpha[t * un + ii]);
        double* row = acc + off[ii] + static_cast<std::size_t>(ti) * static_cast<std::size_t>(A);
        for (int r = 0; r < A; ++r) {
          if (r == ai) continue;
          const std::uint64_t ar = kernels::replace_signal(a, sig.strides[ii], ai, r);
          double payoff;
          if (sig.marginal[ar] == 0.0) {
            payoff = v[p.status_quo];  // outside the support of Q: c0, no transfers
          } else {
            reports_at(t, sig.rho(ar), lie_reports);
            std::copy(truth_reports + ii * uC, truth_reports + (ii + 1) * uC, lie_reports + ii * uC);
            const int c = kernels::efficient_with_transfers(lie_reports, n, C, welfare, dev_alpha);
            payoff = kernels::report_payoff(v, c, dev_alpha[ii]);
          }
          row[r] += w * (payoff - truth);
        }
      }
    });
    for (std::size_t i = 0; i < un; ++i)
      gain[i].assign(G.begin() + static_cast<std::ptrdiff_t>(off[i]), G.begin() + static_cast<std::ptrdiff_t>(off[i + 1]));
    res.epsilon_exact = exact_epsilon(gain, score_row, pairs, lies, tol);
    if (const auto f = theorem_factor(res.measures))
      res.epsilon_theorem = *f * 12.0 * n * M * std::sqrt(static_cast<double>(sig.profiles));
  }

  switch (o.epsilon) {
    case GvcgOptions::Epsilon::Exact: res.epsilon_used = res.epsilon_exact; break;
    case GvcgOptions::Epsilon::Theorem: res.epsilon_used = res.epsilon_theorem; break;
    case GvcgOptions::Epsilon::Value: res.epsilon_used = o.epsilon_value; break;
  }

  res.profiles.resize(listed.size());
#pragma omp parallel for schedule(static)
  for (std::int64_t sk = 0; sk < static_cast<std::int64_t>(listed.size()); ++sk) {
    const auto k = static_cast<std::size_t>(sk);
    const std::uint64_t t = listed[k];
    GvcgProfile& out = res.profiles[k];
    out.profile = profile_vector(types, t);
    out.values.assign(un, 0.0);
    out.transfers.assign(un, 0.0);
    out.net.assign(un, 0.0);
    out.outcome = q[t];
    if (res.epsilon_used) out.rewards.assign(un, 0.0);
    if (types.marginal[t] == 0.0) {
      out.outcome = p.status_quo;
      continue;
    }
    std::vector<double> v(uC);
    std::uint64_t a = 0;
    if (o.stages == 2) a = signal_index(t);
    for (int i = 0; i < n; ++i) {
      const auto ii = static_cast<std::size_t>(i);
      social::expected_values_of(p, types, i, t, v.data());
      out.values[ii] = v[static_cast<std::size_t>(q[t])];
      out.transfers[ii] = alpha[t * un + ii];
      out.net[ii] = out.values[ii] + out.transfers[ii];
      out.welfare += out.values[ii];
      if (!res.epsilon_used) continue;
      if (o.stages == 1) {
        const int ti = types.signal_of(t, i);
        out.rewards[ii] = kernels::spherical_reward(*res.epsilon_used, types.conditional(i, t),
                                                    pairs.norm[ii][static_cast<std::size_t>(ti)]);
      } else {
        const int ai = sig.signal_of(a, i);
        out.rewards[ii] = kernels::spherical_reward(*res.epsilon_used, sig.conditional(i, a),
                                                    pairs.norm[ii][static_cast<std::size_t>(ai)]);
      }
    }
  }
  return res;
}

}  // namespace ivassign
