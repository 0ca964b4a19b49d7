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
#include "ivassign/tolerances.hpp"
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
      throw InputError("GvcgOptions::profiles: has " + std::to_string(prof.size()) + " entries, expected n = " +
                       std::to_string(p.agents));
    std::uint64_t t = 0;
    for (std::size_t i = 0; i < prof.size(); ++i) {
      if (prof[i] < 0 || prof[i] >= p.types[i])
        throw InputError("GvcgOptions::profiles: entry " + std::to_string(i) + " = " + std::to_string(prof[i]) +
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

/// max over lies of G / S (gains at most gain_tol count as 0); nullopt when some G > gain_tol has S = 0.
std::optional<double> exact_epsilon(const std::vector<std::vector<double>>& gain,
                                    const std::vector<std::vector<int>>& score_row,
                                    const social::PairMeasures& pairs, const std::vector<int>& lies, double gain_tol) {
  double e = 0.0;
  for (std::size_t i = 0; i < gain.size(); ++i) {
    const auto L = static_cast<std::size_t>(lies[i]);
    for (std::size_t k = 0; k < gain[i].size(); ++k) {
      const std::size_t a = k / L, r = k % L;
      const auto row = static_cast<std::size_t>(score_row[i][a]);
      if (r == row) continue;
      const double g = gain[i][k];
      if (!(g > gain_tol)) continue;
      const double s = pairs.score_gain[i][row * L + r];
      if (!(s > tol::kScoreGainZero)) return std::nullopt;
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

void validate_gvcg_options(const SocialProblem& p, const GvcgOptions& o) {
  if (o.stages != 1 && o.stages != 2)
    throw InputError("GvcgOptions::stages: " + std::to_string(o.stages) + " is not 1 or 2");
  if (o.epsilon == GvcgOptions::Epsilon::Value && !(o.epsilon_value >= 0.0 && std::isfinite(o.epsilon_value)))
    throw InputError("GvcgOptions::epsilon_value: " + num(o.epsilon_value) + " must be a finite number >= 0");
  if (o.stages == 2 && p.signal.empty())
    throw InputError("decomposition: required key is missing (GvcgOptions::stages = 2 needs a decomposition of the types)");
  if (o.stages == 2 && p.values_form != SocialProblem::Values::ByState)
    throw InputError("values.by_profile: GvcgOptions::stages = 2 needs values.by_state (stage 2 reports payoffs per state)");
}

/// What the stages share: the efficient outcome q and transfers alpha per type profile, the score
/// measures, the signal table (two stages), and the lie gains laid out per agent.
struct GvcgState {
  GvcgState(const SocialProblem& problem, const PosteriorTable& type_table)
      : p(problem), types(type_table), un(static_cast<std::size_t>(problem.agents)),
        uC(static_cast<std::size_t>(problem.outcomes)),
        T(type_table.profiles), q(T, problem.status_quo), alpha(T * un, 0.0), gain(un), score_row(un), lies(un),
        off(un + 1, 0) {}

  const SocialProblem& p;
  const PosteriorTable& types;
  const std::size_t un, uC;
  const std::uint64_t T;
  std::vector<int> q;
  std::vector<double> alpha;
  social::PairMeasures pairs;
  PosteriorTable sig;
  std::vector<std::vector<double>> gain;
  std::vector<std::vector<int>> score_row;  // the row of S for (i, t_i): t_i, or f_i(t_i)
  std::vector<int> lies;                    // K_i, or A_i
  std::vector<std::size_t> off;

  /// The signal profile f(t) of type profile t, as an index of sig.
  std::uint64_t signal_index(std::uint64_t t) const {
    std::uint64_t a = 0;
    for (std::size_t i = 0; i < un; ++i)
      a += static_cast<std::uint64_t>(p.signal[i][static_cast<std::size_t>(types.signal_of(t, static_cast<int>(i)))]) *
           sig.strides[i];
    return a;
  }

  /// Truthful stage-2 reports u_j(c) = sum_theta v_j(c, theta, t_j) rho_theta of every agent j.
  void reports_at(std::uint64_t t, const double* rho, double* u) const {
    for (std::size_t j = 0; j < un; ++j)
      kernels::expected_values(p.values.data() + p.value_offset[j], p.states, p.types[j], p.outcomes,
                               types.signal_of(t, static_cast<int>(j)), rho, u + j * uC);
  }

  /// The lies of each agent (K_i types, or A_i stage-1 signals), the rows of S and the block offsets of G.
  void setup_lies(int stages) {
    for (std::size_t i = 0; i < un; ++i) {
      lies[i] = stages == 1 ? p.types[i] : sig.signals[i];
      off[i + 1] = off[i] + static_cast<std::size_t>(p.types[i]) * static_cast<std::size_t>(lies[i]);
      for (int a = 0; a < p.types[i]; ++a) score_row[i].push_back(stages == 1 ? a : p.signal[i][static_cast<std::size_t>(a)]);
    }
  }

  /// gain[i] = agent i's block [off[i], off[i+1]) of the accumulated G.
  void split_gains(const std::vector<double>& G) {
    for (std::size_t i = 0; i < un; ++i)
      gain[i].assign(G.begin() + static_cast<std::ptrdiff_t>(off[i]), G.begin() + static_cast<std::ptrdiff_t>(off[i + 1]));
  }
};

/// One stage: the efficient outcome and GVCG transfers at the realized type profiles of `range` (q and
/// alpha of profile t at t - range.first).
void one_stage_outcomes(const GvcgState& st, TaskRange range, int* q, double* alpha) {
  const SocialProblem& p = st.p;
  const PosteriorTable& types = st.types;
  const int n = p.agents, C = p.outcomes;
  const std::size_t un = st.un, uC = st.uC;
#pragma omp parallel for schedule(static)
  for (std::int64_t sk = 0; sk < static_cast<std::int64_t>(range.count); ++sk) {
    const auto k = static_cast<std::uint64_t>(sk);
    const std::uint64_t t = range.first + k;
    if (types.marginal[t] == 0.0) continue;  // never realized: c0, no transfers
    double* vals = scratch(un * uC + uC);
    social::all_expected_values(p, types, t, vals);
    q[k] = kernels::efficient_with_transfers(vals, n, C, vals + un * uC, alpha + k * un);
  }
}

/// One stage: type profile t's terms of G_i(t_i, r), agent i's K_i x K_i block at off[i] of acc.
void one_stage_gain(const GvcgState& st, std::uint64_t t, double* acc) {
  const SocialProblem& p = st.p;
  const PosteriorTable& types = st.types;
  const std::size_t un = st.un;
  const double pt = types.marginal[t];
  if (pt == 0.0) return;
  double* v = scratch(st.uC);
  for (int i = 0; i < p.agents; ++i) {
    const auto ii = static_cast<std::size_t>(i);
    const int K = p.types[ii];
    const int a = types.signal_of(t, i);
    const double w = pt / types.signal_marginal[ii][static_cast<std::size_t>(a)];
    social::expected_values_of(p, types, i, t, v);
    const double truth = kernels::report_payoff(v, st.q[t], st.alpha[t * un + ii]);
    double* row = acc + st.off[ii] + static_cast<std::size_t>(a) * static_cast<std::size_t>(K);
    for (int r = 0; r < K; ++r) {
      if (r == a) continue;
      const std::uint64_t tr = kernels::replace_signal(t, types.strides[ii], a, r);
      row[r] += w * (kernels::report_payoff(v, st.q[tr], st.alpha[tr * un + ii]) - truth);
    }
  }
}

/// Two stages, truthful play: stage-2 reports at rho(f(t)) and VCG on them, at the realized profiles of
/// `range` (as one_stage_outcomes).
void two_stage_outcomes(const GvcgState& st, TaskRange range, int* q, double* alpha) {
  const PosteriorTable& types = st.types;
  const int n = st.p.agents, C = st.p.outcomes;
  const std::size_t un = st.un, uC = st.uC;
#pragma omp parallel for schedule(static)
  for (std::int64_t sk = 0; sk < static_cast<std::int64_t>(range.count); ++sk) {
    const auto k = static_cast<std::uint64_t>(sk);
    const std::uint64_t t = range.first + k;
    if (types.marginal[t] == 0.0) continue;
    double* u = scratch(un * uC + uC);
    st.reports_at(t, st.sig.rho(st.signal_index(t)), u);
    q[k] = kernels::efficient_with_transfers(u, n, C, u + un * uC, alpha + k * un);
  }
}

/// Two stages: type profile t's terms of G_i(t_i, r) over stage-1 signal lies r, agent i's K_i x A_i
/// block at off[i] of acc.
void two_stage_gain(const GvcgState& st, std::uint64_t t, double* acc) {
  const SocialProblem& p = st.p;
  const PosteriorTable& types = st.types;
  const PosteriorTable& sig = st.sig;
  const int n = p.agents, C = p.outcomes;
  const std::size_t un = st.un, uC = st.uC;
  const double pt = types.marginal[t];
  if (pt == 0.0) return;
  double* buf = scratch(3 * un * uC + 2 * uC + un);
  double* truth_reports = buf;               // u_j at rho(f(t))
  double* lie_reports = buf + un * uC;       // u'_j at rho(f_-i(t_-i), r_i), with row i = u_i
  double* v = buf + 2 * un * uC;             // v^_i(.; t)
  double* welfare = v + uC;
  double* dev_alpha = welfare + uC;
  const std::uint64_t a = st.signal_index(t);
  st.reports_at(t, sig.rho(a), truth_reports);
  for (int i = 0; i < n; ++i) {
    const auto ii = static_cast<std::size_t>(i);
    const int ti = types.signal_of(t, i);
    const int ai = p.signal[ii][static_cast<std::size_t>(ti)];
    const int A = sig.signals[ii];
    const double w = pt / types.signal_marginal[ii][static_cast<std::size_t>(ti)];
    social::expected_values_of(p, types, i, t, v);
    const double truth = kernels::report_payoff(v, st.q[t], st.alpha[t * un + ii]);
    double* row = acc + st.off[ii] + static_cast<std::size_t>(ti) * static_cast<std::size_t>(A);
    for (int r = 0; r < A; ++r) {
      if (r == ai) continue;
      const std::uint64_t ar = kernels::replace_signal(a, sig.strides[ii], ai, r);
      double payoff;
      if (sig.marginal[ar] == 0.0) {
        payoff = v[p.status_quo];  // outside the support of Q: c0, no transfers
      } else {
        st.reports_at(t, sig.rho(ar), lie_reports);
        std::copy(truth_reports + ii * uC, truth_reports + (ii + 1) * uC, lie_reports + ii * uC);
        const int c = kernels::efficient_with_transfers(lie_reports, n, C, welfare, dev_alpha);
        payoff = kernels::report_payoff(v, c, dev_alpha[ii]);
      }
      row[r] += w * (payoff - truth);
    }
  }
}

void choose_epsilon(const GvcgOptions& o, GvcgResult& res) {
  switch (o.epsilon) {
    case GvcgOptions::Epsilon::Exact: res.epsilon_used = res.epsilon_exact; break;
    case GvcgOptions::Epsilon::Theorem: res.epsilon_used = res.epsilon_theorem; break;
    case GvcgOptions::Epsilon::Value: res.epsilon_used = o.epsilon_value; break;
  }
}

/// The report row of type profile t: outcome, values, transfers, net payoffs and (with epsilon) rewards.
void profile_row(const GvcgState& st, const GvcgOptions& o, std::uint64_t t, const GvcgResult& res, GvcgProfile& out) {
  const SocialProblem& p = st.p;
  const PosteriorTable& types = st.types;
  const int n = p.agents;
  const std::size_t un = st.un, uC = st.uC;
  out.profile = profile_vector(types, t);
  out.values.assign(un, 0.0);
  out.transfers.assign(un, 0.0);
  out.net.assign(un, 0.0);
  out.outcome = st.q[t];
  if (res.epsilon_used) out.rewards.assign(un, 0.0);
  if (types.marginal[t] == 0.0) {
    out.outcome = p.status_quo;
    return;
  }
  std::vector<double> v(uC);
  std::uint64_t a = 0;
  if (o.stages == 2) a = st.signal_index(t);
  for (int i = 0; i < n; ++i) {
    const auto ii = static_cast<std::size_t>(i);
    social::expected_values_of(p, types, i, t, v.data());
    out.values[ii] = v[static_cast<std::size_t>(st.q[t])];
    out.transfers[ii] = st.alpha[t * un + ii];
    out.net[ii] = out.values[ii] + out.transfers[ii];
    out.welfare += out.values[ii];
    if (!res.epsilon_used) continue;
    if (o.stages == 1) {
      const int ti = types.signal_of(t, i);
      out.rewards[ii] = kernels::spherical_reward(*res.epsilon_used, types.conditional(i, t),
                                                  st.pairs.norm[ii][static_cast<std::size_t>(ti)]);
    } else {
      const int ai = st.sig.signal_of(a, i);
      out.rewards[ii] = kernels::spherical_reward(*res.epsilon_used, st.sig.conditional(i, a),
                                                  st.pairs.norm[ii][static_cast<std::size_t>(ai)]);
    }
  }
}

}  // namespace

struct GvcgPlan::Impl {
  Impl(const SocialProblem& problem, const GvcgOptions& options)
      : p(validated(problem, options)), o(options), M(problem.effective_bound()), tol(social::gain_tolerance(M)),
        types(scoped_type_table(problem, options.threads)), listed(selected_profiles(problem, types, options)),
        st(problem, types) {
    social::ThreadScope scope(o.threads);
    require_theorem_values(p, M);
    res.stages = o.stages;
    if (o.stages == 2) st.sig = social::signal_table(p, types);
    res.measures = social::measures_of(o.stages == 1 ? types : st.sig, st.pairs, o.backend, &res.backend);
    st.setup_lies(o.stages);
  }
  static const SocialProblem& validated(const SocialProblem& problem, const GvcgOptions& options) {
    validate_gvcg_options(problem, options);
    return problem;
  }
  static PosteriorTable scoped_type_table(const SocialProblem& problem, int threads) {
    social::ThreadScope scope(threads);
    return social::type_table(problem);
  }

  const SocialProblem& p;
  const GvcgOptions o;
  const double M, tol;
  const PosteriorTable types;
  const std::vector<std::uint64_t> listed;
  GvcgState st;
  GvcgResult res;
};

GvcgPlan::GvcgPlan(const SocialProblem& problem, const GvcgOptions& options)
    : impl_(std::make_unique<Impl>(problem, options)) {}
GvcgPlan::~GvcgPlan() = default;
GvcgPlan::GvcgPlan(GvcgPlan&&) noexcept = default;
GvcgPlan& GvcgPlan::operator=(GvcgPlan&&) noexcept = default;

std::uint64_t GvcgPlan::outcome_tasks() const { return impl_->st.T; }
std::uint64_t GvcgPlan::gain_tasks() const { return (impl_->st.T + kGvcgGainBlock - 1) / kGvcgGainBlock; }
std::size_t GvcgPlan::gain_width() const { return impl_->st.off.back(); }

namespace {
void check_task_range(TaskRange range, std::uint64_t count, const char* what) {
  if (range.first > count || range.count > count - range.first)
    throw InputError(std::string("TaskRange: [") + std::to_string(range.first) + ", " +
                     std::to_string(range.first + range.count) + ") is outside the " + std::to_string(count) + " " +
                     what + " of this GvcgPlan");
}
}  // namespace

GvcgOutcomes GvcgPlan::outcomes(TaskRange range) const {
  check_task_range(range, outcome_tasks(), "outcome tasks");
  const Impl& m = *impl_;
  social::ThreadScope scope(m.o.threads);
  GvcgOutcomes out;
  out.outcome.assign(range.count, m.p.status_quo);
  out.transfers.assign(range.count * m.st.un, 0.0);
  if (m.o.stages == 1)
    one_stage_outcomes(m.st, range, out.outcome.data(), out.transfers.data());
  else
    two_stage_outcomes(m.st, range, out.outcome.data(), out.transfers.data());
  return out;
}

void GvcgPlan::set_outcomes(GvcgOutcomes all) {
  GvcgState& st = impl_->st;
  if (all.outcome.size() != st.T || all.transfers.size() != st.T * st.un)
    throw InputError("GvcgPlan::set_outcomes: " + std::to_string(all.outcome.size()) + " outcomes, expected every one of " +
                     std::to_string(st.T) + " type profiles");
  st.q = std::move(all.outcome);
  st.alpha = std::move(all.transfers);
}

std::vector<double> GvcgPlan::gain_blocks(TaskRange range) const {
  check_task_range(range, gain_tasks(), "gain tasks");
  const Impl& m = *impl_;
  social::ThreadScope scope(m.o.threads);
  const GvcgState& st = m.st;
  if (m.o.stages == 1)
    return blocked_partials(st.T, kGvcgGainBlock, gain_width(), range.first, range.count,
                            [&](std::uint64_t t, double* acc) { one_stage_gain(st, t, acc); });
  return blocked_partials(st.T, kGvcgGainBlock, gain_width(), range.first, range.count,
                          [&](std::uint64_t t, double* acc) { two_stage_gain(st, t, acc); });
}

GvcgResult GvcgPlan::finish(const std::vector<double>& blocks) {
  Impl& m = *impl_;
  if (blocks.size() != gain_tasks() * gain_width())
    throw InputError("GvcgPlan::finish: " + std::to_string(blocks.size()) + " gain sums, expected " +
                     std::to_string(gain_tasks() * gain_width()) + " (every gain task's)");
  social::ThreadScope scope(m.o.threads);
  GvcgState& st = m.st;
  GvcgResult res = std::move(m.res);
  const int n = m.p.agents;
  st.split_gains(sum_blocks(blocks, gain_width()));
  res.epsilon_exact = exact_epsilon(st.gain, st.score_row, st.pairs, st.lies, m.tol);
  if (const auto f = theorem_factor(res.measures)) {
    if (m.o.stages == 1)
      res.epsilon_theorem = *f * std::max(4.0 * m.M * (n + 1) * std::sqrt(static_cast<double>(st.T)), 4.0);
    else
      res.epsilon_theorem = *f * 12.0 * n * m.M * std::sqrt(static_cast<double>(st.sig.profiles));
  }
  choose_epsilon(m.o, res);
  res.profiles.resize(m.listed.size());
#pragma omp parallel for schedule(static)
  for (std::int64_t sk = 0; sk < static_cast<std::int64_t>(m.listed.size()); ++sk) {
    const auto k = static_cast<std::size_t>(sk);
    profile_row(st, m.o, m.listed[k], res, res.profiles[k]);
  }
  return res;
}

GvcgResult run_gvcg(const SocialProblem& p, const GvcgOptions& o) {
  GvcgPlan plan(p, o);
  plan.set_outcomes(plan.outcomes({0, plan.outcome_tasks()}));
  return plan.finish(plan.gain_blocks({0, plan.gain_tasks()}));
}

}  // namespace ivassign
