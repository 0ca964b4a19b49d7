// VCG's externality-aware upper bound on every minus-i optimum: a Lagrangian relaxation of the
// quadratic term over the interacting licence pairs e = {j, q}, with multipliers lambda_ej(a) that
// split each pair's cost between the LAP and a per-pair maximum (the RLT-1 marginalization of
// y_{aj,bq} onto each endpoint), solved by subgradient steps with one LAP per iteration (on candidate
// licences, exact by pricing: solvers/lap_priced.hpp); all n minus-i bounds of an iterate come from that
// LAP's smallest equilibrium prices (Leonard 1983).
// Algorithm and complexity in src/vcg/minus_i.hpp.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ivassign/tolerances.hpp"
#include "solvers/lap_priced.hpp"
#include "vcg/minus_i.hpp"

namespace ivassign {

namespace {

constexpr int kUnmatched = -1;

/// A multiplier lambda_ej(buyer) and its deflected subgradient direction.
struct Multiplier {
  int buyer;
  int id;  ///< its index among its side's multipliers in the order they were added (the cost cache's)
  double value = 0.0, direction = 0.0;
};

/// One interacting licence pair e = {j, q}, j < q: the multipliers lambda_ej(a) (side 0, buyer a at j)
/// and lambda_eq(b) (side 1), lambda(unmatched) = 0, kept only where they were ever moved, and
/// E_e = max over the labels (a, b) a matching can give the pair of lambda_ej(a) + lambda_eq(b) - C_e(a, b).
struct LicencePair {
  int licence[2];
  std::vector<Multiplier> lambda[2];
  double best = 0.0;                              ///< E_e
  int label[2] = {kUnmatched, kUnmatched};        ///< a maximizing pair of labels
  /// C_e(a, b) by the multipliers' ids (side 0's, side 1's), NaN until needed: pair_maximum reads the same
  /// label pairs step after step, and C_e costs O(T) in the factored form.
  std::vector<std::vector<double>> cost;
};

struct PairMultipliers {
  std::vector<LicencePair> pairs;
  std::unordered_map<std::uint64_t, std::size_t> index;  ///< j * s + q -> pairs
};

/// C_e(a, b) = c_aj^bq + c_bq^aj: what buyers a at j (multiplier x) and b at q (y) cost each other.
double pair_cost(const AssignmentProblem& p, LicencePair& e, const Multiplier& x, const Multiplier& y) {
  if (e.cost.size() <= static_cast<std::size_t>(x.id)) e.cost.resize(static_cast<std::size_t>(x.id) + 1);
  std::vector<double>& row = e.cost[static_cast<std::size_t>(x.id)];
  if (row.size() <= static_cast<std::size_t>(y.id))
    row.resize(static_cast<std::size_t>(y.id) + 1, std::numeric_limits<double>::quiet_NaN());
  double& c = row[static_cast<std::size_t>(y.id)];
  if (std::isnan(c))
    c = p.pair_cost(x.buyer, e.licence[0], y.buyer, e.licence[1]) + p.pair_cost(y.buyer, e.licence[1], x.buyer, e.licence[0]);
  return c;
}

/// E_e with buyer `excluded` unmatched (kUnmatched: none excluded); labels a == b (one buyer at both
/// licences) are no matching's. Only labels with a multiplier can beat (unmatched, unmatched) = 0 or
/// pair with one: a label without one adds 0 - C_e <= 0. The multipliers are sorted by value, largest first
/// (sort_multipliers), and C_e >= 0, so a pair's bracket is at most lambda_ej(a) + lambda_eq(b): the scans stop
/// once that cannot beat the best. O(|lambda_j| |lambda_q| T) at worst.
double pair_maximum(const AssignmentProblem& p, LicencePair& e, int excluded, int label[2]) {
  double best = 0.0;
  label[0] = label[1] = kUnmatched;
  for (int side = 0; side < 2; ++side)
    for (const Multiplier& x : e.lambda[side]) {
      if (x.buyer == excluded) continue;
      if (x.value > best) {
        best = x.value;
        label[side] = x.buyer;
        label[1 - side] = kUnmatched;
      }
      break;
    }
  if (e.lambda[1].empty()) return best;
  const double top = e.lambda[1].front().value;
  for (const Multiplier& x : e.lambda[0]) {
    if (x.value + top <= best) break;
    if (x.buyer == excluded) continue;
    for (const Multiplier& y : e.lambda[1]) {
      if (x.value + y.value <= best) break;
      const int a = x.buyer, b = y.buyer;
      if (a == b || b == excluded) continue;
      const double value = x.value + y.value - pair_cost(p, e, x, y);
      if (value > best) {
        best = value;
        label[0] = a;
        label[1] = b;
      }
    }
  }
  return best;
}

/// Orders each side's multipliers by value, largest first (ties by buyer), for pair_maximum's early stops.
void sort_multipliers(LicencePair& e) {
  for (int side = 0; side < 2; ++side)
    std::sort(e.lambda[side].begin(), e.lambda[side].end(), [](const Multiplier& x, const Multiplier& y) {
      return x.value > y.value || (x.value == y.value && x.buyer < y.buyer);
    });
}

/// w'_aj = w_aj - sum_{e ni j} lambda_ej(a), every E_e and its labels; returns sum_e E_e.
double penalize(const AssignmentProblem& p, PairMultipliers& m, std::vector<double>& w) {
  w = p.linear;
  const std::size_t s = static_cast<std::size_t>(p.sellers);
  double total = 0.0;
  for (LicencePair& e : m.pairs) {
    for (int side = 0; side < 2; ++side)
      for (const Multiplier& x : e.lambda[side]) w[static_cast<std::size_t>(x.buyer) * s + e.licence[side]] -= x.value;
    sort_multipliers(e);
    e.best = pair_maximum(p, e, kUnmatched, e.label);
    total += e.best;
  }
  return total;
}

/// sum_e (E_e - E_e^{-i}) for every buyer i: what leaving i out of the pairs' labels saves. Only the
/// pairs whose maximizing labels name i change.
std::vector<double> pair_savings(const AssignmentProblem& p, PairMultipliers& m) {
  std::vector<double> saved(static_cast<std::size_t>(p.buyers), 0.0);
  for (LicencePair& e : m.pairs)
    for (int side = 0; side < 2; ++side) {
      const int i = e.label[side];
      if (i == kUnmatched) continue;
      int label[2];
      saved[static_cast<std::size_t>(i)] += e.best - pair_maximum(p, e, i, label);
    }
  return saved;
}

/// Holds every licence pair on which matching z places two buyers that cost each other something.
/// O(n T deg) per placement for the factored form (PlacementCosts::for_each), O(n s) dense.
void add_conflicts(const PlacementCosts& costs, const std::vector<int>& z, std::vector<double>& acc,
                   PairMultipliers& m) {
  const AssignmentProblem& p = costs.problem();
  const std::uint64_t s = static_cast<std::uint64_t>(p.sellers);
  for (int k = 0; k < p.buyers; ++k) {
    if (z[k] < 0) continue;
    // acc[i]: c_{i z_i}^{k z_k} + c_{k z_k}^{i z_i} (for_each visits both parts)
    costs.for_each(k, z[k], [&](int i, int j, double v) {
      if (z[i] == j) acc[i] += v;
    });
    for (int i = 0; i < p.buyers; ++i) {
      if (acc[i] == 0.0) continue;
      const int j = std::min(z[i], z[k]), q = std::max(z[i], z[k]);
      if (acc[i] > 0.0 && m.index.emplace(j * s + q, m.pairs.size()).second) {
        m.pairs.emplace_back();
        m.pairs.back().licence[0] = j;
        m.pairs.back().licence[1] = q;
      }
      acc[i] = 0.0;
    }
  }
}

Multiplier& multiplier(LicencePair& e, int side, int buyer) {
  for (Multiplier& x : e.lambda[side])
    if (x.buyer == buyer) return x;
  return e.lambda[side].emplace_back(Multiplier{buyer, static_cast<int>(e.lambda[side].size())});
}

/// One deflected subgradient step (Camerini, Fratta and Maffioli 1975): d <- g + beta d with
/// g_ej(a) = [a maximizes E_e at j] - [z puts a at j], then lambda <- lambda - t d, t = theta * gap / |d|^2
/// (Polyak). The deflection damps the zigzag between alternative maximizers. False when d = 0.
bool step(const std::vector<int>& holder, double gap, double theta, PairMultipliers& m) {
  constexpr double kDeflection = 0.95;
  for (LicencePair& e : m.pairs)
    for (int side = 0; side < 2; ++side) {
      for (Multiplier& x : e.lambda[side]) x.direction *= kDeflection;
      const int placed = holder[static_cast<std::size_t>(e.licence[side])], chosen = e.label[side];
      if (placed == chosen) continue;
      if (placed != kUnmatched) multiplier(e, side, placed).direction -= 1.0;
      if (chosen != kUnmatched) multiplier(e, side, chosen).direction += 1.0;
    }
  double norm2 = 0.0;
  for (const LicencePair& e : m.pairs)
    for (int side = 0; side < 2; ++side)
      for (const Multiplier& x : e.lambda[side]) norm2 += x.direction * x.direction;
  if (!(norm2 > 0.0)) return false;
  const double t = theta * std::max(gap, 0.0) / norm2;
  if (!(t > 0.0)) return false;
  for (LicencePair& e : m.pairs)
    for (int side = 0; side < 2; ++side)
      for (Multiplier& x : e.lambda[side]) x.value -= t * x.direction;
  return true;
}

/// The step length theta of the Polyak rule: it halves after kStall steps without a better full
/// bound. kStall = 60: on spectrum 200 x 800 (seed 7) 1000 steps reach 169.06 from the search's
/// welfare as target where 40 stop at 169.16 and 15 at 169.39, whose theta shrinks before the
/// multipliers have converged (bench/RESULTS.md, 2026-12-04 and 2026-12-05). The steps are chaotic:
/// a target 0.5 higher ends 0.07 to 0.15 higher with any of these.
class StepSchedule {
 public:
  void record(double full) {
    if (full < best_full_ - tol::kValueImprovement * (1.0 + std::abs(full))) {
      best_full_ = full;
      stall_ = 0;
    } else if (++stall_ >= kStall) {
      theta_ *= 0.5;
      stall_ = 0;
    }
  }
  double theta() const { return theta_; }
  double best_full() const { return best_full_; }

 private:
  static constexpr int kStall = 60;
  double theta_ = 1.0, best_full_ = std::numeric_limits<double>::infinity();
  int stall_ = 0;
};

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
  lap::PricedLap lap_of_penalized(n, p.sellers, active);  // its candidates and duals carry over the steps
  PairMultipliers m;
  std::vector<double> acc(n, 0.0);
  std::vector<int> holder(static_cast<std::size_t>(p.sellers), kUnmatched);
  StepSchedule schedule;
  double best_value = -std::numeric_limits<double>::infinity();
  std::vector<int> best_maximizer;
  int k = 0;
  double work = 0.0;  // weights priced so far
  for (;; ++k) {
    const double pairs_max = penalize(p, m, penalized);
    const lap::PricedLap::Solution& lap = lap_of_penalized.solve(penalized);
    const std::vector<int>& z = lap.assignment;
    work += static_cast<double>(lap.rounds) * n * p.sellers;
    // Proof: for z in Z_-i, h_j its buyer at j (or unmatched), the costs kept are those of the held pairs, so
    // sum_{k != i} g_k(z) <= sum_j (w - sum_{e ni j} lambda_ej)(h_j) + sum_e (lambda_ej(h_j) + lambda_eq(h_q) - C_e(h_j, h_q))
    // <= LAP_-i(w') + sum_e E_e^{-i} <= (dual - u_i) + sum_e E_e^{-i}, since i labels no licence of z
    const std::vector<double> saved = pair_savings(p, m);
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
