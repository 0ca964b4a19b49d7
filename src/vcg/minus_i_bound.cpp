// VCG's externality-aware upper bound on every minus-i optimum: a Lagrangian relaxation of the
// quadratic term over the interacting licence pairs e = {j, q}, with multipliers lambda_ej(a) that
// split each pair's cost between the LAP and a per-pair maximum (the RLT-1 marginalization of
// y_{aj,bq} onto each endpoint), solved by subgradient steps with one LAP per iteration; all n
// minus-i bounds of an iterate come from that LAP's smallest equilibrium prices (Leonard 1983).
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
#include "vcg/minus_i.hpp"

namespace ivassign {

namespace {

constexpr int kUnmatched = -1;

/// A multiplier lambda_ej(buyer) and its deflected subgradient direction.
struct Multiplier {
  int buyer;
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
};

struct PairMultipliers {
  std::vector<LicencePair> pairs;
  std::unordered_map<std::uint64_t, std::size_t> index;  ///< j * s + q -> pairs
};

/// C_e(a, b) = c_aj^bq + c_bq^aj: what buyers a at j and b at q cost each other (0 when one is unmatched).
double pair_cost(const AssignmentProblem& p, const LicencePair& e, int a, int b) {
  if (a == kUnmatched || b == kUnmatched) return 0.0;
  return p.pair_cost(a, e.licence[0], b, e.licence[1]) + p.pair_cost(b, e.licence[1], a, e.licence[0]);
}

/// E_e with buyer `excluded` unmatched (kUnmatched: none excluded); labels a == b (one buyer at both
/// licences) are no matching's. Only labels with a multiplier can beat (unmatched, unmatched) = 0 or
/// pair with one: a label without one adds 0 - C_e <= 0. O(|lambda_j| |lambda_q| T).
double pair_maximum(const AssignmentProblem& p, const LicencePair& e, int excluded, int label[2]) {
  double best = 0.0;
  label[0] = label[1] = kUnmatched;
  for (int side = 0; side < 2; ++side)
    for (const Multiplier& x : e.lambda[side])
      if (x.buyer != excluded && x.value > best) {
        best = x.value;
        label[side] = x.buyer;
        label[1 - side] = kUnmatched;
      }
  for (const Multiplier& x : e.lambda[0])
    for (const Multiplier& y : e.lambda[1]) {
      const int a = x.buyer, b = y.buyer;
      if (a == b || a == excluded || b == excluded || x.value + y.value <= best) continue;
      const double value = x.value + y.value - pair_cost(p, e, a, b);
      if (value > best) {
        best = value;
        label[0] = a;
        label[1] = b;
      }
    }
  return best;
}

/// w'_aj = w_aj - sum_{e ni j} lambda_ej(a), every E_e and its labels; returns sum_e E_e.
double penalize(const AssignmentProblem& p, PairMultipliers& m, std::vector<double>& w) {
  w = p.linear;
  const std::size_t s = static_cast<std::size_t>(p.sellers);
  double total = 0.0;
  for (LicencePair& e : m.pairs) {
    for (int side = 0; side < 2; ++side)
      for (const Multiplier& x : e.lambda[side]) w[static_cast<std::size_t>(x.buyer) * s + e.licence[side]] -= x.value;
    e.best = pair_maximum(p, e, kUnmatched, e.label);
    total += e.best;
  }
  return total;
}

/// sum_e (E_e - E_e^{-i}) for every buyer i: what leaving i out of the pairs' labels saves. Only the
/// pairs whose maximizing labels name i change.
std::vector<double> pair_savings(const AssignmentProblem& p, const PairMultipliers& m) {
  std::vector<double> saved(static_cast<std::size_t>(p.buyers), 0.0);
  for (const LicencePair& e : m.pairs)
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
      if (acc[i] > 0.0 && m.index.emplace(j * s + q, m.pairs.size()).second) m.pairs.push_back({{j, q}, {}});
      acc[i] = 0.0;
    }
  }
}

Multiplier& multiplier(LicencePair& e, int side, int buyer) {
  for (Multiplier& x : e.lambda[side])
    if (x.buyer == buyer) return x;
  return e.lambda[side].emplace_back(Multiplier{buyer});
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
/// bound. kStall = 40: on spectrum 200 x 800 (seed 7) 1000 steps reach a full bound of 169.07 with
/// it against 169.39 with 15, whose theta shrinks before the multipliers have converged
/// (bench/RESULTS.md, 2026-12-04).
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
  static constexpr int kStall = 40;
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
  AssignmentProblem relaxed = AssignmentProblem::linear_only(n, p.sellers, p.linear);
  relaxed.allowed = p.allowed;
  PairMultipliers m;
  std::vector<double> acc(n, 0.0);
  std::vector<int> holder(static_cast<std::size_t>(p.sellers), kUnmatched);
  StepSchedule schedule;
  double best_value = -std::numeric_limits<double>::infinity();
  std::vector<int> best_maximizer;
  int k = 0;
  for (;; ++k) {
    const double pairs_max = penalize(p, m, relaxed.linear);
    std::vector<int> z;
    double lap = 0.0;
    const std::vector<double> minus = lap_minus_i_optima(relaxed, nullptr, &z, &lap);
    // Proof: for z in Z_-i, h_j its buyer at j (or unmatched), the costs kept are those of the held pairs, so
    // sum_{k != i} g_k(z) <= sum_j (w - sum_{e ni j} lambda_ej)(h_j) + sum_e (lambda_ej(h_j) + lambda_eq(h_q) - C_e(h_j, h_q))
    // <= LAP_-i(w') + sum_e E_e^{-i}, since i labels no licence of z
    const std::vector<double> saved = pair_savings(p, m);
    for (int i = 0; i < n; ++i) {
      if (!p.buyer_allowed(i)) continue;
      const double v = minus[i] + pairs_max - saved[i];
      bound[i] = std::min(bound[i], v + tol::kBoundSlack * (1.0 + std::abs(v)));
    }
    {  // the maximizer is a matching of the full problem: its welfare is a lower bound on W*
      const double value = costs.objective(z);
      if (value > best_value) {
        best_value = value;
        if (stats) best_maximizer = z;  // the best, for a search to start from
      }
    }
    const double full = lap + pairs_max;
    schedule.record(full);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double work = static_cast<double>(k + 1) * n * p.sellers;  // LAP weights processed so far
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
