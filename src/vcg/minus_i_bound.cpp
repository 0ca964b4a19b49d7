// VCG's externality-aware upper bound on every minus-i optimum: a Lagrangian relaxation of the
// linearization x_a x_b >= x_a + x_b - 1 (a, b placements (i, j)), solved by projected subgradient
// with one LAP per iteration; all n minus-i bounds of an iterate come from that LAP's smallest
// equilibrium prices (Leonard 1983). Algorithm and complexity in src/vcg/minus_i.hpp.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <unordered_map>
#include <vector>

#include <Eigen/Core>

#include "ivassign/tolerances.hpp"
#include "vcg/minus_i.hpp"

namespace ivassign {

namespace {

/// One interacting pair e = {a, b} of placements (a = i*s + j): C_e = c_a^b + c_b^a > 0, multiplier in [0, 1].
struct Pair {
  std::size_t a, b;
  double cost, mult;
};

/// The multipliers, kept only where they may be nonzero: pairs that met in some LAP maximizer
/// (a_e = 0 with subgradient C_e (1 - x_a - x_b) >= 0 stays 0 under projection).
struct Multipliers {
  std::vector<Pair> pairs;
  std::unordered_map<std::uint64_t, std::size_t> index;
};

/// w'_a = w_a - sum_{e ni a} a_e C_e; returns sum_e a_e C_e.
double penalize(const AssignmentProblem& p, const Multipliers& m, std::vector<double>& w) {
  w = p.linear;
  Eigen::Map<Eigen::ArrayXd> wa(w.data(), static_cast<Eigen::Index>(w.size()));
  double constant = 0.0;
  for (const Pair& e : m.pairs) {
    const double d = e.mult * e.cost;
    wa(static_cast<Eigen::Index>(e.a)) -= d;
    wa(static_cast<Eigen::Index>(e.b)) -= d;
    constant += d;
  }
  return constant;
}

/// Adds every interacting pair of placements of matching z not yet held (multiplier 0). O(n T deg)
/// per placement for the factored form (PlacementCosts::for_each), O(n s) dense.
void add_conflicts(const PlacementCosts& costs, const std::vector<int>& z, std::vector<double>& acc, Multipliers& m) {
  const AssignmentProblem& p = costs.problem();
  const std::size_t s = static_cast<std::size_t>(p.sellers), ns = static_cast<std::size_t>(p.buyers) * s;
  for (int k = 0; k < p.buyers; ++k) {
    if (z[k] < 0) continue;
    const std::size_t b = static_cast<std::size_t>(k) * s + z[k];
    // acc[i]: c_{i z_i}^{k z_k} + c_{k z_k}^{i z_i} (for_each visits both parts)
    costs.for_each(k, z[k], [&](int i, int j, double v) {
      if (z[i] == j) acc[i] += v;
    });
    for (int i = 0; i < p.buyers; ++i) {
      if (acc[i] == 0.0) continue;
      const std::size_t a = static_cast<std::size_t>(i) * s + z[i];
      if (a < b && acc[i] > 0.0 && m.index.emplace(a * ns + b, m.pairs.size()).second)
        m.pairs.push_back({a, b, acc[i], 0.0});
      acc[i] = 0.0;
    }
  }
}

/// One projected subgradient step: a_e <- clamp(a_e - t g_e, 0, 1), g_e = C_e (1 - x_a - x_b),
/// t = theta * gap / |g|^2 (Polyak) over the components that can move. False when none can.
bool step(const std::vector<int>& z, std::size_t s, double gap, double theta, Multipliers& m) {
  auto on = [&](std::size_t a) { return z[a / s] == static_cast<int>(a % s); };
  Eigen::ArrayXd g(static_cast<Eigen::Index>(m.pairs.size()));
  double norm2 = 0.0;
  for (std::size_t k = 0; k < m.pairs.size(); ++k) {
    const Pair& e = m.pairs[k];
    const double gk = e.cost * (1.0 - (on(e.a) ? 1.0 : 0.0) - (on(e.b) ? 1.0 : 0.0));
    g(static_cast<Eigen::Index>(k)) = gk;
    if (e.mult > 0.0 || gk < 0.0) norm2 += gk * gk;
  }
  if (!(norm2 > 0.0)) return false;
  const double t = theta * std::max(gap, 0.0) / norm2;
  if (!(t > 0.0)) return false;
  for (std::size_t k = 0; k < m.pairs.size(); ++k)
    m.pairs[k].mult = std::clamp(m.pairs[k].mult - t * g(static_cast<Eigen::Index>(k)), 0.0, 1.0);
  return true;
}

}  // namespace

std::vector<double> lagrangian_minus_i_bounds(const PlacementCosts& costs, double target, const SolverOptions& options,
                                              LagrangianStats* stats) {
  const AssignmentProblem& p = costs.problem();
  const int n = p.buyers;
  const auto start = std::chrono::steady_clock::now();
  std::vector<double> bound(n, std::numeric_limits<double>::infinity());
  AssignmentProblem relaxed = AssignmentProblem::linear_only(n, p.sellers, p.linear);
  relaxed.allowed = p.allowed;
  Multipliers m;
  std::vector<double> acc(n, 0.0);
  // Polyak steps toward the full value found; theta halves after kStall iterations without a better full bound
  constexpr int kStall = 4;
  double theta = 1.0, best_full = std::numeric_limits<double>::infinity();
  int stall = 0, k = 0;
  for (;; ++k) {
    const double constant = penalize(p, m, relaxed.linear);
    std::vector<int> z;
    double lap = 0.0;
    const std::vector<double> minus = lap_minus_i_optima(relaxed, nullptr, &z, &lap);
    // Proof: for z in Z_-i, z_ij z_pq >= max(0, z_ij + z_pq - 1) >= a_e (z_ij + z_pq - 1) and C_e = c_ij^pq + c_pq^ij >= 0,
    // so sum_{k != i} g_k(z) <= sum_ij (w_ij - sum_{e ni ij} a_e C_e) z_ij + sum_e a_e C_e <= minus[i] + constant
    for (int i = 0; i < n; ++i) {
      if (!p.buyer_allowed(i)) continue;
      const double v = minus[i] + constant;
      bound[i] = std::min(bound[i], v + tol::kBoundSlack * (1.0 + std::abs(v)));
    }
    const double full = lap + constant;
    if (full < best_full - tol::kValueImprovement * (1.0 + std::abs(full))) {
      best_full = full;
      stall = 0;
    } else if (++stall >= kStall) {
      theta *= 0.5;
      stall = 0;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double work = static_cast<double>(k + 1) * n * p.sellers;  // LAP weights processed so far
    if (k >= options.bound_iterations || seconds >= options.bound_time_limit || work >= options.bound_work_limit) break;
    add_conflicts(costs, z, acc, m);
    if (!step(z, static_cast<std::size_t>(p.sellers), full - target, theta, m)) break;
  }
  if (stats) {
    stats->iterations = k;
    stats->pairs = static_cast<std::int64_t>(m.pairs.size());
    stats->full_bound = best_full;
    stats->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  return bound;
}

}  // namespace ivassign
