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
#include "kernels/social_math.cuh"
#include "social/model.hpp"

namespace ivassign {



namespace {

struct GroupOutcome {
  bool violated = false;
  std::vector<int> cycle;
  double gain = 0.0;
};

}  // namespace

EpicResult check_epic(const SocialProblem& p, const std::vector<int>& rule, int threads) {
  const std::uint64_t T = p.profiles();
  if (rule.size() != T)
    throw InputError("rule: has " + std::to_string(rule.size()) + " entries, expected |T| = " + std::to_string(T));
  for (std::uint64_t t = 0; t < T; ++t)
    if (rule[t] < 0 || rule[t] >= p.outcomes)
      throw InputError("mechanism.outcome[" + std::to_string(t) + "]: " + std::to_string(rule[t]) +
                       " is out of range [0, " + std::to_string(p.outcomes - 1) + "] (an outcome index)");
  social::ThreadScope scope(threads);
  const PosteriorTable types = social::type_table(p);
  const int n = p.agents;
  const auto un = static_cast<std::size_t>(n), uC = static_cast<std::size_t>(p.outcomes);
  const double M = p.effective_bound();
  const double cycle_tol = social::gain_tolerance(M);

  struct Group {
    int agent;
    std::uint64_t others;
  };
  std::vector<Group> groups;
  for (int i = 0; i < n; ++i)
    for (std::uint64_t o = 0; o < T / static_cast<std::uint64_t>(p.types[static_cast<std::size_t>(i)]); ++o)
      groups.push_back({i, o});
  std::vector<GroupOutcome> outcome(groups.size());
  std::vector<double> x(T * un, 0.0);

#pragma omp parallel
  {
    std::vector<double> vals, gain, dist;
    std::vector<int> pred, nodes;
    std::vector<std::uint64_t> prof;
#pragma omp for schedule(dynamic, 64)
    for (std::int64_t sg = 0; sg < static_cast<std::int64_t>(groups.size()); ++sg) {
      const Group& g = groups[static_cast<std::size_t>(sg)];
      const auto ii = static_cast<std::size_t>(g.agent);
      const int K = p.types[ii];
      const auto uK = static_cast<std::size_t>(K);
      const std::uint64_t stride = types.strides[ii];
      prof.resize(uK);
      nodes.clear();
      for (int a = 0; a < K; ++a) {
        prof[static_cast<std::size_t>(a)] = kernels::profile_with_signal(g.others, stride, K, a);
        if (types.marginal[prof[static_cast<std::size_t>(a)]] > 0.0) nodes.push_back(a);
      }
      vals.assign(uK * uC, 0.0);
      for (int a : nodes) social::expected_values_of(p, types, g.agent, prof[static_cast<std::size_t>(a)], vals.data() + static_cast<std::size_t>(a) * uC);
      // gain[a][b]: true type a reporting b
      gain.assign(uK * uK, 0.0);
      for (int a : nodes)
        for (int b : nodes) {
          const double* va = vals.data() + static_cast<std::size_t>(a) * uC;
          gain[static_cast<std::size_t>(a) * uK + static_cast<std::size_t>(b)] =
              va[rule[prof[static_cast<std::size_t>(b)]]] - va[rule[prof[static_cast<std::size_t>(a)]]];
        }
      dist.assign(uK, 0.0);
      pred.assign(uK, -1);
      for (int a : nodes) dist[static_cast<std::size_t>(a)] = -vals[static_cast<std::size_t>(a) * uC + static_cast<std::size_t>(rule[prof[static_cast<std::size_t>(a)]])];
      const double relax_tol = cycle_tol / (2.0 * static_cast<double>(K));
      int changed_node = -1;
      for (std::size_t round = 0; round <= nodes.size(); ++round) {
        changed_node = -1;
        for (int a : nodes)
          for (int b : nodes) {
            if (a == b) continue;
            const double cand = dist[static_cast<std::size_t>(b)] + gain[static_cast<std::size_t>(a) * uK + static_cast<std::size_t>(b)];
            if (cand > dist[static_cast<std::size_t>(a)] + relax_tol) {
              dist[static_cast<std::size_t>(a)] = cand;
              pred[static_cast<std::size_t>(a)] = b;
              changed_node = a;
            }
          }
        if (changed_node < 0) break;
      }
      GroupOutcome& out = outcome[static_cast<std::size_t>(sg)];
      if (changed_node >= 0) {  // still relaxing after |nodes| + 1 rounds: a positive cycle on the pred graph
        int c = changed_node;
        for (std::size_t k = 0; k < nodes.size() && c >= 0; ++k) c = pred[static_cast<std::size_t>(c)];
        std::vector<int> cycle;
        if (c >= 0) {
          cycle.push_back(c);
          for (int d = pred[static_cast<std::size_t>(c)]; d >= 0 && d != c && cycle.size() <= nodes.size();
               d = pred[static_cast<std::size_t>(d)])
            cycle.push_back(d);
          if (pred[static_cast<std::size_t>(cycle.back())] != c) cycle.clear();  // not closed: rounding only
        }
        double total = 0.0;
        for (std::size_t k = 0; k < cycle.size(); ++k)
          total += gain[static_cast<std::size_t>(cycle[k]) * uK + static_cast<std::size_t>(cycle[(k + 1) % cycle.size()])];
        if (!cycle.empty() && total > cycle_tol) {
          // start the cycle at its smallest type, for a stable report
          std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
          out.violated = true;
          out.cycle = cycle;
          out.gain = total;
          continue;
        }
      }
      // realized profiles: the longest paths; others: the largest x <= 0 that no true type envies
      for (int a : nodes) x[prof[static_cast<std::size_t>(a)] * un + ii] = dist[static_cast<std::size_t>(a)];
      for (int b = 0; b < K; ++b) {
        if (types.marginal[prof[static_cast<std::size_t>(b)]] > 0.0) continue;
        double bound = 0.0;
        for (int a : nodes) {
          const double* va = vals.data() + static_cast<std::size_t>(a) * uC;
          const double truth = va[rule[prof[static_cast<std::size_t>(a)]]] + dist[static_cast<std::size_t>(a)];
          bound = std::min(bound, truth - va[rule[prof[static_cast<std::size_t>(b)]]]);
        }
        x[prof[static_cast<std::size_t>(b)] * un + ii] = bound;
      }
    }
  }

  EpicResult res;
  for (std::size_t k = 0; k < groups.size(); ++k) {
    if (!outcome[k].violated) continue;
    res.implementable = false;
    res.agent = groups[k].agent;
    const std::uint64_t t = kernels::profile_with_signal(groups[k].others, types.strides[static_cast<std::size_t>(res.agent)],
                                                         p.types[static_cast<std::size_t>(res.agent)], 0);
    for (int j = 0; j < n; ++j)
      if (j != res.agent) res.others.push_back(types.signal_of(t, j));
    res.cycle = outcome[k].cycle;
    res.gain = outcome[k].gain;
    return res;
  }
  res.implementable = true;
  res.transfers = std::move(x);
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
  return res;
}

}  // namespace ivassign
