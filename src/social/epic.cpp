// check_epic(): ex post implementability of a decision rule (2002 ex post paper; social-format.md,
// `epic`). For agent i and the others' types t_-i, the transfers x(t_i) must satisfy
//   x(t_i) - x(t'_i) >= v^_i(q(t'_i, t_-i); t) - v^_i(q(t); t)        (ex post IC)
//   x(t_i) >= -v^_i(q(t); t)                                          (ex post IR)
// a system of difference constraints: feasible iff the graph with an edge t'_i -> t_i of weight
// gain(t_i -> t'_i) has no positive cycle (Bellman-Ford, longest paths). Its longest-path solution
// from the IR bounds is the pointwise smallest feasible x: the most revenue in every profile.
// One group per (i, t_-i), in parallel; the first violation in the order (i, t_-i) is reported.
#include <algorithm>
#include <cmath>

#include "ivassign/error.hpp"
#include "ivassign/social.hpp"
#include "kernels/measures.cuh"
#include "kernels/epic.cuh"
#include "kernels/social_math.cuh"
#include "social/model.hpp"
#include "kernels/device_launch.hpp"

namespace ivassign {

namespace {

struct GroupOutcome {
  bool violated = false;
  std::vector<int> cycle;
  double gain = 0.0;
};

/// One difference-constraint system: agent i and the others' types t_-i (an index with t_i = 0 removed).
struct Group {
  int agent;
  std::uint64_t others;
};

/// Per-thread buffers of one group: its profiles, realized types, values, lie gains and longest paths.
struct GroupWork {
  std::vector<double> vals, gain, dist, truth, lie;
  std::vector<int> pred, nodes;
  std::vector<char> present;
  std::vector<std::uint64_t> prof;
};

void validate_rule(const SocialProblem& p, const std::vector<int>& rule) {
  const std::uint64_t T = p.profiles();
  if (rule.size() != T)
    throw InputError("rule: has " + std::to_string(rule.size()) + " entries, expected |T| = " + std::to_string(T));
  for (std::uint64_t t = 0; t < T; ++t)
    if (rule[t] < 0 || rule[t] >= p.outcomes)
      throw InputError("mechanism.outcome[" + std::to_string(t) + "]: " + std::to_string(rule[t]) +
                       " is out of range [0, " + std::to_string(p.outcomes - 1) + "] (an outcome index)");
}

/// Every (i, t_-i), in the order the first violation is reported in.
std::vector<Group> epic_groups(const SocialProblem& p) {
  const std::uint64_t T = p.profiles();
  std::vector<Group> groups;
  for (int i = 0; i < p.agents; ++i)
    for (std::uint64_t o = 0; o < T / static_cast<std::uint64_t>(p.types[static_cast<std::size_t>(i)]); ++o)
      groups.push_back({i, o});
  return groups;
}

/// The group's profiles (t_i = a, t_-i), its realized types (nodes), their values and gain[a][b]
/// (true type a reporting b); dist starts at the IR bounds.
void group_system(const SocialProblem& p, const PosteriorTable& types, const std::vector<int>& rule, const Group& g,
                  GroupWork& w) {
  const auto uC = static_cast<std::size_t>(p.outcomes);
  const auto ii = static_cast<std::size_t>(g.agent);
  const int K = p.types[ii];
  const auto uK = static_cast<std::size_t>(K);
  const std::uint64_t stride = types.strides[ii];
  auto& prof = w.prof;
  prof.resize(uK);
  w.nodes.clear();
  w.present.assign(uK, 0);
  for (int a = 0; a < K; ++a) {
    prof[static_cast<std::size_t>(a)] = kernels::profile_with_signal(g.others, stride, K, a);
    if (types.marginal[prof[static_cast<std::size_t>(a)]] > 0.0) {
      w.nodes.push_back(a);
      w.present[static_cast<std::size_t>(a)] = 1;
    }
  }
  w.vals.assign(uK * uC, 0.0);
  for (int a : w.nodes) social::expected_values_of(p, types, g.agent, prof[static_cast<std::size_t>(a)], w.vals.data() + static_cast<std::size_t>(a) * uC);
  // gain[a][b]: true type a reporting b
  w.gain.assign(uK * uK, 0.0);
  for (int a : w.nodes)
    for (int b : w.nodes) {
      const double* va = w.vals.data() + static_cast<std::size_t>(a) * uC;
      w.gain[static_cast<std::size_t>(a) * uK + static_cast<std::size_t>(b)] =
          va[rule[prof[static_cast<std::size_t>(b)]]] - va[rule[prof[static_cast<std::size_t>(a)]]];
    }
  w.dist.assign(uK, 0.0);
  w.pred.assign(uK, -1);
  for (int a : w.nodes) w.dist[static_cast<std::size_t>(a)] = -w.vals[static_cast<std::size_t>(a) * uC + static_cast<std::size_t>(rule[prof[static_cast<std::size_t>(a)]])];
}

/// Bellman-Ford longest paths over |nodes| + 1 rounds (kernels::epic_longest_paths); returns a node
/// still relaxing in the last round (a positive cycle on the pred graph), or -1.
int longest_paths(GroupWork& w, int K, double cycle_tol) {
  const double relax_tol = cycle_tol / (2.0 * static_cast<double>(K));
  return kernels::epic_longest_paths(K, w.gain.data(), w.present.data(), relax_tol, w.dist.data(), w.pred.data());
}

/// The cycle through pred reached from changed_node; true (and out filled) when it is closed and
/// gains more than cycle_tol, false when it was rounding only.
bool positive_cycle(const GroupWork& w, int changed_node, int K, double cycle_tol, GroupOutcome& out) {
  const auto uK = static_cast<std::size_t>(K);
  const auto& pred = w.pred;
  int c = changed_node;
  for (std::size_t k = 0; k < w.nodes.size() && c >= 0; ++k) c = pred[static_cast<std::size_t>(c)];
  std::vector<int> cycle;
  if (c >= 0) {
    cycle.push_back(c);
    for (int d = pred[static_cast<std::size_t>(c)]; d >= 0 && d != c && cycle.size() <= w.nodes.size();
         d = pred[static_cast<std::size_t>(d)])
      cycle.push_back(d);
    if (pred[static_cast<std::size_t>(cycle.back())] != c) cycle.clear();  // not closed: rounding only
  }
  double total = 0.0;
  for (std::size_t k = 0; k < cycle.size(); ++k)
    total += w.gain[static_cast<std::size_t>(cycle[k]) * uK + static_cast<std::size_t>(cycle[(k + 1) % cycle.size()])];
  if (!cycle.empty() && total > cycle_tol) {
    // start the cycle at its smallest type, for a stable report
    std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
    out.violated = true;
    out.cycle = cycle;
    out.gain = total;
    return true;
  }
  return false;
}

/// Agent i's transfers in the group: realized profiles get the longest paths; the others the largest
/// x <= 0 that no true type envies.
void group_transfers(const SocialProblem& p, const std::vector<int>& rule, GroupWork& w, int agent,
                     std::vector<double>& x) {
  const auto un = static_cast<std::size_t>(p.agents), uC = static_cast<std::size_t>(p.outcomes);
  const auto ii = static_cast<std::size_t>(agent);
  const int K = p.types[ii];
  const auto& prof = w.prof;
  for (int a : w.nodes) x[prof[static_cast<std::size_t>(a)] * un + ii] = w.dist[static_cast<std::size_t>(a)];
  auto& truth = w.truth;
  auto& lie = w.lie;
  truth.assign(static_cast<std::size_t>(K), 0.0);
  lie.assign(static_cast<std::size_t>(K), 0.0);
  for (int a : w.nodes)
    truth[static_cast<std::size_t>(a)] = w.vals[static_cast<std::size_t>(a) * uC + static_cast<std::size_t>(rule[prof[static_cast<std::size_t>(a)]])];
  for (int b = 0; b < K; ++b) {
    if (w.present[static_cast<std::size_t>(b)]) continue;
    for (int a : w.nodes)
      lie[static_cast<std::size_t>(a)] = w.vals[static_cast<std::size_t>(a) * uC + static_cast<std::size_t>(rule[prof[static_cast<std::size_t>(b)]])];
    x[prof[static_cast<std::size_t>(b)] * un + ii] =
        kernels::epic_unrealized_transfer(K, w.present.data(), truth.data(), w.dist.data(), lie.data());
  }
}

/// One group: its system, longest paths, and either a positive cycle or agent i's transfers in x.
void solve_group(const SocialProblem& p, const PosteriorTable& types, const std::vector<int>& rule, const Group& g,
                 double cycle_tol, GroupWork& w, GroupOutcome& out, std::vector<double>& x) {
  const int K = p.types[static_cast<std::size_t>(g.agent)];
  group_system(p, types, rule, g, w);
  const int changed_node = longest_paths(w, K, cycle_tol);
  // still relaxing after |nodes| + 1 rounds: a positive cycle on the pred graph
  if (changed_node >= 0 && positive_cycle(w, changed_node, K, cycle_tol, out)) return;
  group_transfers(p, rule, w, g.agent, x);
}

/// The report of the first violated group: its agent, the others' types, the cycle and its gain.
EpicResult violation(const SocialProblem& p, const PosteriorTable& types, const Group& g, const GroupOutcome& o) {
  EpicResult res;
  res.implementable = false;
  res.agent = g.agent;
  const std::uint64_t t = kernels::profile_with_signal(g.others, types.strides[static_cast<std::size_t>(res.agent)],
                                                       p.types[static_cast<std::size_t>(res.agent)], 0);
  for (int j = 0; j < p.agents; ++j)
    if (j != res.agent) res.others.push_back(types.signal_of(t, j));
  res.cycle = o.cycle;
  res.gain = o.gain;
  return res;
}

/// Largest total transfer over realized profiles, and the expected one.
void budget_of(const PosteriorTable& types, std::uint64_t T, std::size_t un, EpicResult& res) {
  double max_deficit = -INFINITY;
  for (std::uint64_t t = 0; t < T; ++t) {
    if (types.marginal[t] == 0.0) continue;
    double s = 0.0;
    for (std::size_t i = 0; i < un; ++i) s += res.transfers[t * un + i];
    max_deficit = std::max(max_deficit, s);
  }
  const auto expected = blocked_accumulate(T, 1, [&](std::uint64_t t, double* acc) {
    double s = 0.0;
    for (std::size_t i = 0; i < un; ++i) s += res.transfers[t * un + i];
    acc[0] += types.marginal[t] * s;
  });
  res.budget.max_deficit = max_deficit;
  res.budget.expected_deficit = expected[0];
}

/// The groups on the device (transfers and cycle flags); false when they cannot run there.
bool groups_on_device(const SocialProblem& p, const PosteriorTable& types, const std::vector<int>& rule,
                      double cycle_tol, std::vector<double>& x, std::vector<char>& flagged) {
  const device::SocialInput input{p.agents, p.outcomes, p.values.data(), p.values.size(), p.value_offset.data(),
                                  rule.data(), nullptr};
  return device::epic_groups(types, input, cycle_tol, x, flagged);
}

}  // namespace

EpicResult check_epic(const SocialProblem& p, const std::vector<int>& rule, int threads) {
  EpicOptions options;
  options.threads = threads;
  options.backend = Backend::Cpu;
  return check_epic(p, rule, options);
}

struct EpicPlan::Impl {
  Impl(const SocialProblem& problem, const std::vector<int>& r, const EpicOptions& options)
      : p(problem), rule(checked(problem, r, options)), o(options), backend(resolve_backend(options.backend)),
        types(scoped_type_table(problem, options.threads)), cycle_tol(social::gain_tolerance(problem.effective_bound())),
        all(epic_groups(problem)) {}
  static const std::vector<int>& checked(const SocialProblem& problem, const std::vector<int>& r,
                                         const EpicOptions& options) {
    validate_rule(problem, r);
    if (options.threads < 0)
      throw InputError("EpicOptions::threads: " + std::to_string(options.threads) + " must be >= 0 (0: all cores)");
    return r;
  }
  static PosteriorTable scoped_type_table(const SocialProblem& problem, int threads) {
    social::ThreadScope scope(threads);
    return social::type_table(problem);
  }
  /// The groups on the device or the CPU into x (every profile's transfers) and outcome; where they ran.
  Backend solve(std::size_t first, std::size_t last, std::vector<GroupOutcome>& outcome, std::vector<double>& x) const;
  /// Groups per task: all of them when the device runs them (one launch), else one.
  std::size_t per_task() const { return backend == Backend::Device ? std::max<std::size_t>(all.size(), 1) : 1; }

  const SocialProblem& p;
  const std::vector<int> rule;
  const EpicOptions o;
  const Backend backend;  // a device asked for and absent is named here
  const PosteriorTable types;
  const double cycle_tol;
  const std::vector<Group> all;
  mutable Backend ran = Backend::Cpu;
};

Backend EpicPlan::Impl::solve(std::size_t first, std::size_t last, std::vector<GroupOutcome>& outcome,
                              std::vector<double>& x) const {
  std::vector<char> flagged;
  if (backend == Backend::Device && groups_on_device(p, types, rule, cycle_tol, x, flagged)) {
    GroupWork work;  // a group still relaxing: its cycle (or rounding) checked on the CPU, as the CPU path does
    for (std::size_t k = first; k < last; ++k)
      if (flagged[k]) solve_group(p, types, rule, all[k], cycle_tol, work, outcome[k - first], x);
    return Backend::Device;
  }
  if (backend == Backend::Device && o.backend != Backend::Auto)
    throw ResourceError("EpicOptions::backend " + requested_name(o.backend) + ": the groups do not run on the "
                        "device (more than " + std::to_string(device::kMaxEpicTypes) +
                        " types of one agent, or the table, values and rule do not fit in device memory); use "
                        "Backend::Cpu");
#pragma omp parallel
  {
    GroupWork work;
#pragma omp for schedule(dynamic, 64)
    for (std::int64_t sg = static_cast<std::int64_t>(first); sg < static_cast<std::int64_t>(last); ++sg)
      solve_group(p, types, rule, all[static_cast<std::size_t>(sg)], cycle_tol, work,
                  outcome[static_cast<std::size_t>(sg) - first], x);
  }
  return Backend::Cpu;
}

EpicPlan::EpicPlan(const SocialProblem& problem, const std::vector<int>& rule, const EpicOptions& options)
    : impl_(std::make_unique<Impl>(problem, rule, options)) {}
EpicPlan::~EpicPlan() = default;
EpicPlan::EpicPlan(EpicPlan&&) noexcept = default;
EpicPlan& EpicPlan::operator=(EpicPlan&&) noexcept = default;

std::uint64_t EpicPlan::group_tasks() const {
  const std::size_t per = impl_->per_task();
  return (impl_->all.size() + per - 1) / per;
}

std::vector<EpicGroup> EpicPlan::groups(TaskRange range) const {
  const Impl& m = *impl_;
  if (range.first > group_tasks() || range.count > group_tasks() - range.first)
    throw InputError("TaskRange: [" + std::to_string(range.first) + ", " + std::to_string(range.first + range.count) +
                     ") is outside the " + std::to_string(group_tasks()) + " group tasks of this EpicPlan");
  social::ThreadScope scope(m.o.threads);
  const std::size_t first = std::min<std::size_t>(range.first * m.per_task(), m.all.size());
  const std::size_t last = std::min<std::size_t>((range.first + range.count) * m.per_task(), m.all.size());
  std::vector<GroupOutcome> outcome(last - first);
  const auto un = static_cast<std::size_t>(m.p.agents);
  std::vector<double> x(m.types.profiles * un, 0.0);
  m.ran = m.solve(first, last, outcome, x);
  std::vector<EpicGroup> out(last - first);
  for (std::size_t k = first; k < last; ++k) {
    EpicGroup& g = out[k - first];
    const GroupOutcome& o = outcome[k - first];
    g.violated = o.violated;
    g.cycle = o.cycle;
    g.gain = o.gain;
    const auto i = static_cast<std::size_t>(m.all[k].agent);
    for (int a = 0; a < m.p.types[i]; ++a)
      g.transfers.push_back(x[kernels::profile_with_signal(m.all[k].others, m.types.strides[i], m.p.types[i], a) * un + i]);
  }
  return out;
}

EpicResult EpicPlan::finish(const std::vector<EpicGroup>& groups) const {
  const Impl& m = *impl_;
  if (groups.size() != m.all.size())
    throw InputError("EpicPlan::finish: " + std::to_string(groups.size()) + " groups, expected every one of " +
                     std::to_string(m.all.size()));
  social::ThreadScope scope(m.o.threads);
  const auto un = static_cast<std::size_t>(m.p.agents);
  for (std::size_t k = 0; k < groups.size(); ++k)
    if (groups[k].violated) {
      EpicResult res = violation(m.p, m.types, m.all[k], GroupOutcome{true, groups[k].cycle, groups[k].gain});
      res.backend = m.ran;
      return res;
    }
  EpicResult res;
  res.backend = m.ran;
  res.implementable = true;
  res.transfers.assign(m.types.profiles * un, 0.0);
  for (std::size_t k = 0; k < groups.size(); ++k) {
    const auto i = static_cast<std::size_t>(m.all[k].agent);
    for (int a = 0; a < m.p.types[i]; ++a)
      res.transfers[kernels::profile_with_signal(m.all[k].others, m.types.strides[i], m.p.types[i], a) * un + i] =
          groups[k].transfers[static_cast<std::size_t>(a)];
  }
  budget_of(m.types, m.types.profiles, un, res);
  return res;
}

EpicResult check_epic(const SocialProblem& p, const std::vector<int>& rule, const EpicOptions& options) {
  const EpicPlan plan(p, rule, options);
  return plan.finish(plan.groups({0, plan.group_tasks()}));
}

}  // namespace ivassign
