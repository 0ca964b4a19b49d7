// The Lagrangian relaxation restricted to a branch-and-bound node (solvers/lagrangian.hpp): for any
// multipliers, the placed part's value plus the node bound is at least every extension's value.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "ivassign/mechanism.hpp"
#include "ivassign/solvers.hpp"
#include "random_instance.hpp"
#include "solvers/lagrangian.hpp"

namespace ivassign {
namespace {

AssignmentProblem random_problem(std::uint64_t seed, Externalities::Form form, int n, int s, double linear_scale) {
  return test::random_scaled_problem(seed, form, n, s, 0.7, {0.5, 0.5}, linear_scale);
}

/// Every licence pair held, multipliers of random buyers drawn from {0} or [-1, 3]: any multipliers
/// must give a valid bound, zeros included (which leave a pair's whole cost to E_e).
lagrangian::PairMultipliers random_multipliers(const AssignmentProblem& p, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> value(-1.0, 3.0);
  std::bernoulli_distribution zero(0.3), present(0.6);
  lagrangian::PairMultipliers m;
  for (int j = 0; j < p.sellers; ++j)
    for (int q = j + 1; q < p.sellers; ++q) {
      lagrangian::LicencePair e{{j, q}, {}};
      for (int side = 0; side < 2; ++side)
        for (int a = 0; a < p.buyers; ++a)
          if (present(rng)) e.lambda[side].push_back({a, zero(rng) ? 0.0 : value(rng)});
      m.pairs.push_back(e);
    }
  std::vector<double> w;
  lagrangian::penalize(p, m, w);
  return m;
}

/// The best value of the matchings that extend z (buyers with open[a] take a free seller or, unless
/// `complete`, none); -inf when there is none.
double best_extension(const AssignmentProblem& p, std::vector<int>& z, const std::vector<int>& rest, std::size_t k,
                      std::vector<char>& used, bool complete) {
  if (k == rest.size()) return p.objective(z);
  const int a = rest[k];
  double best = complete ? -std::numeric_limits<double>::infinity() : best_extension(p, z, rest, k + 1, used, complete);
  for (int j = 0; j < p.sellers; ++j) {
    if (used[j]) continue;
    used[j] = 1;
    z[a] = j;
    best = std::max(best, best_extension(p, z, rest, k + 1, used, complete));
    z[a] = -1;
    used[j] = 0;
  }
  return best;
}

struct Node {
  std::vector<int> z, rest, free;
  std::vector<char> open, used;
};

/// A random node: a random set of buyers placed, each at a random free seller or unmatched.
Node random_node(const AssignmentProblem& p, std::mt19937_64& rng, bool complete) {
  Node node;
  node.z.assign(p.buyers, -1);
  node.used.assign(p.sellers, 0);
  node.open.assign(p.buyers, 0);
  std::vector<int> order(p.buyers);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng);
  const int placed = std::uniform_int_distribution<int>(0, p.buyers - 1)(rng);
  for (int d = 0; d < placed; ++d) {
    std::vector<int> options;
    for (int j = 0; j < p.sellers; ++j)
      if (!node.used[j]) options.push_back(j);
    if (!complete) options.push_back(-1);
    const int j = options[std::uniform_int_distribution<std::size_t>(0, options.size() - 1)(rng)];
    node.z[order[d]] = j;
    if (j >= 0) node.used[j] = 1;
  }
  for (int d = placed; d < p.buyers; ++d) {
    node.rest.push_back(order[d]);
    node.open[order[d]] = 1;
  }
  for (int j = 0; j < p.sellers; ++j)
    if (!node.used[j]) node.free.push_back(j);
  return node;
}

/// w_aj minus the exact costs a at j pays to and causes the placed buyers.
std::vector<double> exact_base(const AssignmentProblem& p, const Node& node) {
  std::vector<double> base;
  for (int a : node.rest)
    for (int j : node.free) {
      double g = p.w(a, j);
      for (int k = 0; k < p.buyers; ++k)
        if (!node.open[k] && node.z[k] >= 0) g -= p.pair_cost(a, j, k, node.z[k]) + p.pair_cost(k, node.z[k], a, j);
      base.push_back(g);
    }
  return base;
}

TEST(LagrangianNodeBound, CoversEveryExtensionForAnyMultipliers) {
  int nodes = 0, placed_next_to_pairs = 0;
  for (auto form : {Externalities::Form::Dense, Externalities::Form::Sparse, Externalities::Form::Factored})
    for (int n = 2; n <= 5; ++n)
      for (int s : {n, n + 1}) {
        for (std::uint64_t seed = 1; seed <= 6; ++seed) {
          const bool complete = seed % 3 == 0;
          const AssignmentProblem p = random_problem(seed * 101 + n * 11 + s, form, n, s, seed % 2 ? 0.3 : 1.0);
          std::mt19937_64 rng(seed * 7 + n);
          const lagrangian::PairMultipliers m = random_multipliers(p, rng);
          for (int trial = 0; trial < 4; ++trial) {
            Node node = random_node(p, rng, complete);
            if (complete && node.rest.size() > node.free.size()) continue;
            const double placed_value = p.objective(node.z);
            const double bound =
                placed_value + lagrangian::node_bound(p, m, node.rest, node.free, node.open, exact_base(p, node), complete);
            std::vector<int> z = node.z;
            const double best = best_extension(p, z, node.rest, 0, node.used, complete);
            ASSERT_GE(bound, best - 1e-9 * (1.0 + std::abs(best)))
                << "form " << static_cast<int>(form) << " n " << n << " s " << s << " seed " << seed << " trial " << trial;
            ++nodes;
            if (node.free.size() < static_cast<std::size_t>(s) && !node.free.empty()) ++placed_next_to_pairs;
          }
        }
      }
  EXPECT_GT(nodes, 300);
  EXPECT_GT(placed_next_to_pairs, 100);  // nodes where held pairs touch a placed buyer's licence
}

TEST(LagrangianNodeBound, WithZeroMultipliersIsTheLapOfTheExactGains) {
  const AssignmentProblem p = random_problem(3, Externalities::Form::Dense, 4, 5, 1.0);
  std::mt19937_64 rng(3);
  lagrangian::PairMultipliers m = random_multipliers(p, rng);
  for (auto& e : m.pairs)
    for (auto& side : e.lambda)
      for (auto& x : side) x.value = 0.0;
  std::vector<double> w;
  EXPECT_EQ(lagrangian::penalize(p, m, w), 0.0);  // E_e = 0 at labels (unmatched, unmatched)
  const Node node = random_node(p, rng, false);
  const std::vector<double> base = exact_base(p, node);
  const int R = static_cast<int>(node.rest.size()), F = static_cast<int>(node.free.size());
  EXPECT_DOUBLE_EQ(lagrangian::node_bound(p, m, node.rest, node.free, node.open, base, false),
                   lagrangian::optimistic_lap(R, F, base, false));
}

}  // namespace
}  // namespace ivassign
