// audit_mechanism(): the incentive, participation and budget properties of a direct mechanism
// (q, x) on the general model (social-format.md, `audit`; 2013 paper, section 2 and Definition 4).
// One group per (agent, type, lie) scans the others' types; groups run in parallel and are combined
// in a fixed order, so the report does not depend on the thread count.
#include <algorithm>
#include <cmath>
#include <limits>

#include "ivassign/error.hpp"
#include "ivassign/social.hpp"
#include "ivassign/tolerances.hpp"
#include "kernels/measures.cuh"
#include "kernels/social_math.cuh"
#include "posterior/informational_size.hpp"
#include "social/model.hpp"
#include "kernels/device_launch.hpp"

namespace ivassign {

namespace {

void check_mechanism(const SocialProblem& p, const SocialMechanism& mech, const std::string& key) {
  const std::uint64_t T = p.profiles();
  const auto n = static_cast<std::uint64_t>(p.agents);
  if (mech.outcome.size() != T)
    throw InputError(key + ".outcome: has " + std::to_string(mech.outcome.size()) + " entries, expected |T| = " +
                     std::to_string(T));
  for (std::uint64_t t = 0; t < T; ++t)
    if (mech.outcome[t] < 0 || mech.outcome[t] >= p.outcomes)
      throw InputError(key + ".outcome[" + std::to_string(t) + "]: " + std::to_string(mech.outcome[t]) +
                       " is out of range [0, " + std::to_string(p.outcomes - 1) + "] (an outcome index)");
  if (!mech.transfers.empty() || key == "mechanism") {
    if (mech.transfers.size() != T * n)
      throw InputError(key + ".transfers: has " + std::to_string(mech.transfers.size()) +
                       " numbers, expected |T| * n = " + std::to_string(T * n));
    for (std::uint64_t k = 0; k < mech.transfers.size(); ++k)
      if (!std::isfinite(mech.transfers[k]))
        throw InputError(key + ".transfers[" + std::to_string(k / n) + "][" + std::to_string(k % n) +
                         "]: not a finite number");
  }
}

struct LieGroup {
  int agent, type, report;
};

using LieResult = AuditLie;

std::vector<int> profile_vector(const PosteriorTable& tb, std::uint64_t t) {
  std::vector<int> v(tb.signals.size());
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = tb.signal_of(t, static_cast<int>(i));
  return v;
}

}  // namespace

SocialMechanism problem_mechanism(const SocialProblem& p) {
  if (!p.has_mechanism)
    throw InputError("mechanism: required key is missing (the problem has no mechanism; load one with "
                     "load_social_mechanism)");
  return {p.mechanism_outcome, p.mechanism_transfers};
}

std::vector<int> efficient_rule(const SocialProblem& p, int threads) {
  social::ThreadScope scope(threads);
  const PosteriorTable types = social::type_table(p);
  const auto un = static_cast<std::size_t>(p.agents), uC = static_cast<std::size_t>(p.outcomes);
  std::vector<int> q(types.profiles, p.status_quo);
#pragma omp parallel
  {
    std::vector<double> vals(un * uC + uC);
#pragma omp for schedule(static)
    for (std::int64_t st = 0; st < static_cast<std::int64_t>(types.profiles); ++st) {
      const auto t = static_cast<std::uint64_t>(st);
      if (types.marginal[t] == 0.0) continue;
      social::all_expected_values(p, types, t, vals.data());
      q[t] = kernels::efficient_with_transfers(vals.data(), p.agents, p.outcomes, vals.data() + un * uC, nullptr);
    }
  }
  return q;
}

namespace {

/// Every (agent, type, lie), in the order they are combined.
std::vector<LieGroup> lie_groups(const SocialProblem& p) {
  std::vector<LieGroup> groups;
  for (int i = 0; i < p.agents; ++i)
    for (int a = 0; a < p.types[static_cast<std::size_t>(i)]; ++a)
      for (int b = 0; b < p.types[static_cast<std::size_t>(i)]; ++b)
        if (a != b) groups.push_back({i, a, b});
  return groups;
}

/// One lie: its Bayesian margin, its largest ex post gain and where, and its weak ex post level.
void scan_lie(const SocialProblem& p, const PosteriorTable& types, const SocialMechanism& mech, const LieGroup& g,
              double gain_tol, std::vector<double>& v, std::vector<DistanceMass>& points, LieResult& r) {
  const std::uint64_t T = types.profiles;
  const auto un = static_cast<std::size_t>(p.agents);
  const auto& q = mech.outcome;
  const auto& x = mech.transfers;
  const auto ii = static_cast<std::size_t>(g.agent);
  const int K = p.types[ii];
  const std::uint64_t stride = types.strides[ii];
  const double pa = types.signal_marginal[ii][static_cast<std::size_t>(g.type)];
  points.clear();
  for (std::uint64_t o = 0; o < T / static_cast<std::uint64_t>(K); ++o) {
    const std::uint64_t t = kernels::profile_with_signal(o, stride, K, g.type);
    const double pt = types.marginal[t];
    if (pt == 0.0) continue;
    const double w = pt / pa;
    const std::uint64_t tr = kernels::replace_signal(t, stride, g.type, g.report);
    social::expected_values_of(p, types, g.agent, t, v.data());
    const double gain = kernels::lie_gain(v[q[t]], x[t * un + ii], v[q[tr]], x[tr * un + ii]);
    r.margin -= w * gain;
    if (gain > r.best_gain) {
      r.best_gain = gain;
      r.best_profile = t;
    }
    if (gain > gain_tol) points.push_back({gain, w});
  }
  r.level = smallest_exceedance_level(points, tol::kGainLevelTie);
}

/// The lies combined in their fixed order: Bayesian and ex post incentive compatibility.
void combine_lies(const PosteriorTable& types, const std::vector<LieGroup>& groups, const std::vector<LieResult>& lie,
                  AuditResult& res) {
  res.ex_post_max_gain = groups.empty() ? 0.0 : -INFINITY;
  res.bayesian_min_margin = groups.empty() ? 0.0 : INFINITY;
  for (std::size_t k = 0; k < groups.size(); ++k) {
    const LieGroup& g = groups[k];
    const LieResult& r = lie[k];
    if (r.margin < res.bayesian_min_margin) {
      res.bayesian_min_margin = r.margin;
      res.bayesian_agent = g.agent;
      res.bayesian_type = g.type;
      res.bayesian_report = g.report;
    }
    // ex post worst: the first in the order (agent, profile, report)
    const bool better =
        r.best_gain > res.ex_post_max_gain ||
        (r.best_gain == res.ex_post_max_gain && g.agent == res.ex_post_agent &&
         profile_vector(types, r.best_profile) < res.ex_post_profile);
    if (std::isfinite(r.best_gain) && better) {
      res.ex_post_max_gain = r.best_gain;
      res.ex_post_agent = g.agent;
      res.ex_post_profile = profile_vector(types, r.best_profile);
      res.ex_post_report = g.report;
    }
    res.weak_ex_post_epsilon = std::max(res.weak_ex_post_epsilon, r.level);
  }
  if (!std::isfinite(res.ex_post_max_gain)) res.ex_post_max_gain = 0.0;
  if (!std::isfinite(res.bayesian_min_margin)) res.bayesian_min_margin = 0.0;
  res.bayesian_ic = res.bayesian_min_margin >= -tol::kIncentiveSlack;
  res.ex_post_ic = res.ex_post_max_gain <= tol::kIncentiveSlack;
}

/// Participation, per (agent, type): the smallest ex post and interim utilities.
void participation(const SocialProblem& p, const PosteriorTable& types, const SocialMechanism& mech, AuditResult& res) {
  const std::uint64_t T = types.profiles;
  const int n = p.agents;
  const auto un = static_cast<std::size_t>(n), uC = static_cast<std::size_t>(p.outcomes);
  const auto& q = mech.outcome;
  const auto& x = mech.transfers;
  std::vector<std::pair<int, int>> types_of;
  for (int i = 0; i < n; ++i)
    for (int a = 0; a < p.types[static_cast<std::size_t>(i)]; ++a) types_of.push_back({i, a});
  std::vector<double> ex_post_min(types_of.size(), INFINITY), interim(types_of.size(), 0.0);
#pragma omp parallel
  {
    std::vector<double> v(uC);
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t sk = 0; sk < static_cast<std::int64_t>(types_of.size()); ++sk) {
      const auto k = static_cast<std::size_t>(sk);
      const auto [i, a] = types_of[k];
      const auto ii = static_cast<std::size_t>(i);
      const int K = p.types[ii];
      const double pa = types.signal_marginal[ii][static_cast<std::size_t>(a)];
      for (std::uint64_t o = 0; o < T / static_cast<std::uint64_t>(K); ++o) {
        const std::uint64_t t = kernels::profile_with_signal(o, types.strides[ii], K, a);
        const double pt = types.marginal[t];
        if (pt == 0.0) continue;
        social::expected_values_of(p, types, i, t, v.data());
        const double u = kernels::report_payoff(v.data(), q[t], x[t * un + ii]);
        ex_post_min[k] = std::min(ex_post_min[k], u);
        interim[k] += pt / pa * u;
      }
    }
  }
  res.ir_ex_post_min = *std::min_element(ex_post_min.begin(), ex_post_min.end());
  res.ir_interim_min = *std::min_element(interim.begin(), interim.end());
}

/// Budget: the largest total transfer over realized profiles, and the expected one.
void budget(const SocialProblem& p, const PosteriorTable& types, const SocialMechanism& mech, AuditResult& res) {
  const std::uint64_t T = types.profiles;
  const auto un = static_cast<std::size_t>(p.agents);
  const auto& x = mech.transfers;
  double max_deficit = -INFINITY;
#pragma omp parallel for schedule(static) reduction(max : max_deficit)
  for (std::int64_t st = 0; st < static_cast<std::int64_t>(T); ++st) {
    const auto t = static_cast<std::uint64_t>(st);
    if (types.marginal[t] == 0.0) continue;
    double s = 0.0;
    for (std::size_t i = 0; i < un; ++i) s += x[t * un + i];
    max_deficit = std::max(max_deficit, s);
  }
  const auto expected = blocked_accumulate(T, 1, [&](std::uint64_t t, double* acc) {
    double s = 0.0;
    for (std::size_t i = 0; i < un; ++i) s += x[t * un + i];
    acc[0] += types.marginal[t] * s;
  });
  res.budget.max_deficit = max_deficit;
  res.budget.expected_deficit = expected[0];
}

/// Every lie's scan on the device; false when the inputs do not fit in device memory.
bool scan_lies_on_device(const SocialProblem& p, const PosteriorTable& types, const SocialMechanism& mech,
                         const std::vector<LieGroup>& groups, double gain_tol, std::vector<LieResult>& lie) {
  const device::SocialInput input{p.agents, p.outcomes, p.values.data(), p.values.size(), p.value_offset.data(),
                                  mech.outcome.data(), mech.transfers.data()};
  std::vector<device::AuditLie> lies(groups.size());
  for (std::size_t k = 0; k < groups.size(); ++k) {
    lies[k].agent = groups[k].agent;
    lies[k].type = groups[k].type;
    lies[k].report = groups[k].report;
  }
  if (!device::audit_lies(types, input, gain_tol, tol::kGainLevelTie, lies)) return false;
  for (std::size_t k = 0; k < groups.size(); ++k)
    lie[k] = {lies[k].margin, lies[k].best_gain, lies[k].best_profile, lies[k].level};
  return true;
}

void scan_lies_on_cpu(const SocialProblem& p, const PosteriorTable& types, const SocialMechanism& mech,
                      const std::vector<LieGroup>& groups, double gain_tol, std::vector<LieResult>& lie) {
#pragma omp parallel
  {
    std::vector<double> v(static_cast<std::size_t>(p.outcomes));
    std::vector<DistanceMass> points;
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t sg = 0; sg < static_cast<std::int64_t>(groups.size()); ++sg)
      scan_lie(p, types, mech, groups[static_cast<std::size_t>(sg)], gain_tol, v, points,
               lie[static_cast<std::size_t>(sg)]);
  }
}

}  // namespace

AuditResult audit_mechanism(const SocialProblem& p, const SocialMechanism& mech, int threads) {
  AuditOptions options;
  options.threads = threads;
  options.backend = Backend::Cpu;
  return audit_mechanism(p, mech, options);
}

struct AuditPlan::Impl {
  Impl(const SocialProblem& problem, const SocialMechanism& mechanism, const AuditOptions& options)
      : p(problem), mech(checked(problem, mechanism, options)), o(options), backend(resolve_backend(options.backend)),
        types(scoped_type_table(problem, options.threads)), tol(social::gain_tolerance(problem.effective_bound())),
        groups(lie_groups(problem)) {}
  static const SocialMechanism& checked(const SocialProblem& problem, const SocialMechanism& mechanism,
                                        const AuditOptions& options) {
    check_mechanism(problem, mechanism, "mechanism");
    if (options.threads < 0)
      throw InputError("AuditOptions::threads: " + std::to_string(options.threads) + " must be >= 0 (0: all cores)");
    return mechanism;
  }
  static PosteriorTable scoped_type_table(const SocialProblem& problem, int threads) {
    social::ThreadScope scope(threads);
    return social::type_table(problem);
  }

  const SocialProblem& p;
  const SocialMechanism mech;
  const AuditOptions o;
  const Backend backend;  // a device asked for and absent is named here
  const PosteriorTable types;
  const double tol;
  const std::vector<LieGroup> groups;
  mutable bool device_used = false;
};

AuditPlan::AuditPlan(const SocialProblem& problem, const SocialMechanism& mechanism, const AuditOptions& options)
    : impl_(std::make_unique<Impl>(problem, mechanism, options)) {}
AuditPlan::~AuditPlan() = default;
AuditPlan::AuditPlan(AuditPlan&&) noexcept = default;
AuditPlan& AuditPlan::operator=(AuditPlan&&) noexcept = default;

std::uint64_t AuditPlan::lie_tasks() const { return impl_->groups.size(); }

std::vector<AuditLie> AuditPlan::lies(TaskRange range) const {
  const Impl& m = *impl_;
  if (range.first > m.groups.size() || range.count > m.groups.size() - range.first)
    throw InputError("TaskRange: [" + std::to_string(range.first) + ", " + std::to_string(range.first + range.count) +
                     ") is outside the " + std::to_string(m.groups.size()) + " lie tasks of this AuditPlan");
  social::ThreadScope scope(m.o.threads);
  const auto first = m.groups.begin() + static_cast<std::ptrdiff_t>(range.first);
  const std::vector<LieGroup> groups(first, first + static_cast<std::ptrdiff_t>(range.count));
  std::vector<LieResult> lie(groups.size());
  if (m.backend == Backend::Device && scan_lies_on_device(m.p, m.types, m.mech, groups, m.tol, lie)) {
    m.device_used = true;
  } else if (m.backend == Backend::Device && m.o.backend != Backend::Auto) {
    throw ResourceError("AuditOptions::backend " + requested_name(m.o.backend) + ": the type table, values and "
                        "mechanism do not fit in device memory (" + device_description() + "); use Backend::Cpu");
  } else {
    scan_lies_on_cpu(m.p, m.types, m.mech, groups, m.tol, lie);
  }
  return lie;
}

AuditResult AuditPlan::finish(const std::vector<AuditLie>& lies) const {
  const Impl& m = *impl_;
  if (lies.size() != m.groups.size())
    throw InputError("AuditPlan::finish: " + std::to_string(lies.size()) + " lies, expected every one of " +
                     std::to_string(m.groups.size()));
  social::ThreadScope scope(m.o.threads);
  AuditResult res;
  res.backend = m.device_used ? Backend::Device : Backend::Cpu;
  combine_lies(m.types, m.groups, lies, res);
  participation(m.p, m.types, m.mech, res);
  budget(m.p, m.types, m.mech, res);
  return res;
}

AuditResult audit_mechanism(const SocialProblem& p, const SocialMechanism& mech, const AuditOptions& options) {
  const AuditPlan plan(p, mech, options);
  return plan.finish(plan.lies({0, plan.lie_tasks()}));
}

}  // namespace ivassign
