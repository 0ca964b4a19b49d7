// VCG's externality-aware upper bound on every minus-i optimum: a Lagrangian relaxation of the
// quadratic term over the interacting licence pairs e = {j, q}, with multipliers lambda_ej(a) that
// split each pair's cost between the LAP and a per-pair maximum (the RLT-1 marginalization of
// y_{aj,bq} onto each endpoint), solved by subgradient steps with one LAP per iteration (on candidate
// licences, exact by pricing: solvers/lap_priced.hpp); all n minus-i bounds of an iterate come from that
// LAP's smallest equilibrium prices (Leonard 1983).
// Algorithm and complexity in src/vcg/minus_i.hpp.
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/parallel.hpp"
#include "ivassign/tolerances.hpp"
#include "solvers/lap_priced.hpp"
#include "solvers/lagrangian.hpp"
#include "vcg/minus_i.hpp"

namespace ivassign {

namespace {

using lagrangian::add_conflicts;
using lagrangian::kUnmatched;
using lagrangian::PairMultipliers;
using lagrangian::penalize;
using lagrangian::step;
using lagrangian::StepSchedule;

/// sum_e (E_e - E_e^{-i}) for every buyer i: what leaving i out of the pairs' labels saves. Only the
/// pairs whose maximizing labels name i change. The pairs' maxima over `threads` threads, summed in pair
/// order (the same for any count).
std::vector<double> pair_savings(const AssignmentProblem& p, const PairMultipliers& m, int threads) {
  std::vector<std::array<double, 2>> drop(m.pairs.size(), {0.0, 0.0});
  parallel_tasks(m.pairs.size(), threads, [&](std::uint64_t k) {
    const lagrangian::LicencePair& e = m.pairs[static_cast<std::size_t>(k)];
    for (int side = 0; side < 2; ++side) {
      if (e.label[side] == kUnmatched) continue;
      int label[2];
      drop[static_cast<std::size_t>(k)][static_cast<std::size_t>(side)] = e.best - lagrangian::pair_maximum(p, e, e.label[side], label);
    }
  });
  std::vector<double> saved(static_cast<std::size_t>(p.buyers), 0.0);
  for (std::size_t k = 0; k < m.pairs.size(); ++k)
    for (int side = 0; side < 2; ++side)
      if (m.pairs[k].label[side] != kUnmatched)
        saved[static_cast<std::size_t>(m.pairs[k].label[side])] += drop[k][static_cast<std::size_t>(side)];
  return saved;
}

}  // namespace

std::vector<double> lagrangian_minus_i_bounds(const PlacementCosts& costs, double target, const VcgOptions& options,
                                              LagrangianStats* stats) {
  const AssignmentProblem& p = costs.problem();
  const int n = p.buyers;
  const auto start = std::chrono::steady_clock::now();
  std::vector<double> bound(n, std::numeric_limits<double>::infinity());
  std::vector<double> penalized;  // w'
  std::vector<char> active(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) active[static_cast<std::size_t>(i)] = p.buyer_allowed(i) ? 1 : 0;
  const int threads = thread_count(options.search.threads);
  lap::PricedLap lap_of_penalized(n, p.sellers, active, 8, threads);  // its candidates and duals carry over the steps
  PairMultipliers m;
  std::vector<double> acc(n, 0.0);
  std::vector<int> holder(static_cast<std::size_t>(p.sellers), kUnmatched);
  StepSchedule schedule;
  double best_value = -std::numeric_limits<double>::infinity();
  std::vector<int> best_maximizer;
  int k = 0;
  double work = 0.0;  // weights priced so far
  for (;; ++k) {
    const double pairs_max = penalize(p, m, penalized, threads);
    const lap::PricedLap::Solution& lap = lap_of_penalized.solve(penalized);
    const std::vector<int>& z = lap.assignment;
    work += static_cast<double>(lap.rounds) * n * p.sellers;
    // Proof: for z in Z_-i, h_j its buyer at j (or unmatched), the costs kept are those of the held pairs, so
    // sum_{k != i} g_k(z) <= sum_j (w - sum_{e ni j} lambda_ej)(h_j) + sum_e (lambda_ej(h_j) + lambda_eq(h_q) - C_e(h_j, h_q))
    // <= LAP_-i(w') + sum_e E_e^{-i} <= (dual - u_i) + sum_e E_e^{-i}, since i labels no licence of z
    const std::vector<double> saved = pair_savings(p, m, threads);
    for (int i = 0; i < n; ++i) {
      if (!p.buyer_allowed(i)) continue;
      const double v = lap_of_penalized.minus_bound(i) + pairs_max - saved[i];
      bound[i] = std::min(bound[i], v + tol::kBoundSlack * (1.0 + std::abs(v)));
    }
    {  // the maximizer is a matching of the full problem: its welfare is a lower bound on W*
      const double value = costs.objective(z);
      if (value > best_value) {
        best_value = value;
        if (stats) best_maximizer = z;  // the best, for a search to start from
      }
    }
    const double full = lap.dual + pairs_max;
    schedule.record(full);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (k >= options.bound_iterations || seconds >= options.bound_time_limit || work >= options.bound_work_limit) break;
    add_conflicts(costs, z, acc, m);
    std::fill(holder.begin(), holder.end(), kUnmatched);
    for (int i = 0; i < n; ++i)
      if (z[i] >= 0) holder[static_cast<std::size_t>(z[i])] = i;
    // Polyak steps toward the best welfare known: `target` or a maximizer's
    if (!step(holder, full - std::max(target, best_value), schedule.theta(), m)) break;
  }
  if (stats) {
    stats->iterations = k;
    stats->pairs = static_cast<std::int64_t>(m.pairs.size());
    stats->full_bound = schedule.best_full() + tol::kBoundSlack * (1.0 + std::abs(schedule.best_full()));  // as the minus-i bounds
    stats->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    stats->best_maximizer = std::move(best_maximizer);
    stats->best_maximizer_value = best_value;
  }
  return bound;
}

}  // namespace ivassign
