// The pair multipliers of the Lagrangian relaxation over interacting licence pairs (lagrangian.hpp).
#include "solvers/lagrangian.hpp"

#include <algorithm>
#include <cmath>

#include "common/parallel.hpp"
#include "ivassign/tolerances.hpp"
#include "solvers/lap.hpp"

namespace ivassign::lagrangian {

double penalize(const AssignmentProblem& p, PairMultipliers& m, std::vector<double>& w, int threads) {
  w = p.linear;
  const std::size_t s = static_cast<std::size_t>(p.sellers);
  for (const LicencePair& e : m.pairs)
    for (int side = 0; side < 2; ++side)
      for (const Multiplier& x : e.lambda[side]) w[static_cast<std::size_t>(x.buyer) * s + e.licence[side]] -= x.value;
  parallel_tasks(m.pairs.size(), threads, [&](std::uint64_t k) {
    LicencePair& e = m.pairs[static_cast<std::size_t>(k)];
    for (int side = 0; side < 2; ++side)
      std::sort(e.lambda[side].begin(), e.lambda[side].end(), [](const Multiplier& x, const Multiplier& y) {
        return x.value > y.value || (x.value == y.value && x.buyer < y.buyer);
      });
    e.sorted = true;
    e.best = pair_maximum(p, e, kUnmatched, e.label);
  });
  double total = 0.0;
  for (const LicencePair& e : m.pairs) total += e.best;
  return total;
}

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

namespace {

Multiplier& multiplier(LicencePair& e, int side, int buyer) {
  for (Multiplier& x : e.lambda[side])
    if (x.buyer == buyer) return x;
  Multiplier& x = e.lambda[side].emplace_back(Multiplier{buyer});
  x.id = static_cast<int>(e.lambda[side].size()) - 1;
  return x;
}

}  // namespace

bool step(const std::vector<int>& holder, double gap, double theta, PairMultipliers& m) {
  constexpr double kDeflection = 0.95;  // damps the zigzag between alternative maximizers
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
  for (LicencePair& e : m.pairs) {
    e.sorted = false;  // until penalize sorts them again
    for (int side = 0; side < 2; ++side)
      for (Multiplier& x : e.lambda[side]) x.value -= t * x.direction;
  }
  return true;
}

double optimistic_lap(int rows, int cols, std::vector<double> gain, bool complete) {
  if (rows == 0 || cols == 0) return 0.0;
  double shift = 0.0;
  if (complete) {  // all rows matched: shift gains positive and solve without "unmatched"
    const double lo = *std::min_element(gain.begin(), gain.end());
    shift = lo <= 0 ? 1.0 - lo : 0.0;
    for (auto& g : gain) g += shift;
  }
  AssignmentProblem sub = AssignmentProblem::linear_only(rows, cols, std::move(gain));
  lap::Engine engine(sub, complete);
  engine.solve();
  return engine.objective() - shift * (complete ? rows : 0);
}

double node_bound(const AssignmentProblem& p, const PairMultipliers& m, const std::vector<int>& rest,
                  const std::vector<int>& free, const std::vector<char>& open, std::vector<double> base, bool complete,
                  std::vector<double>* gain_out) {
  const int R = static_cast<int>(rest.size()), F = static_cast<int>(free.size());
  if (R == 0 || F == 0) {
    if (gain_out) gain_out->assign(base.begin(), base.end());
    return 0.0;
  }
  std::vector<int> col(static_cast<std::size_t>(p.sellers), -1), row(static_cast<std::size_t>(p.buyers), -1);
  for (int b = 0; b < F; ++b) col[static_cast<std::size_t>(free[b])] = b;
  for (int a = 0; a < R; ++a) row[static_cast<std::size_t>(rest[a])] = a;
  const auto keep = [&open](int a) { return open[static_cast<std::size_t>(a)] != 0; };
  double pairs = 0.0;
  for (const LicencePair& e : m.pairs) {
    const int c0 = col[static_cast<std::size_t>(e.licence[0])], c1 = col[static_cast<std::size_t>(e.licence[1])];
    if (c0 < 0 || c1 < 0) continue;  // a licence held by a placed buyer: its costs are exact in base
    const int c[2] = {c0, c1};
    for (int side = 0; side < 2; ++side)
      for (const Multiplier& x : e.lambda[side]) {
        const int r = row[static_cast<std::size_t>(x.buyer)];
        if (r >= 0) base[static_cast<std::size_t>(r) * F + c[side]] -= x.value;
      }
    const bool cached = (e.label[0] == kUnmatched || keep(e.label[0])) && (e.label[1] == kUnmatched || keep(e.label[1]));
    int label[2];
    pairs += cached ? e.best : pair_maximum_if(p, e, keep, label);
  }
  if (gain_out) *gain_out = base;
  return optimistic_lap(R, F, std::move(base), complete) + pairs;
}

void StepSchedule::record(double full) {
  if (full < best_full_ - tol::kValueImprovement * (1.0 + std::abs(full))) {
    best_full_ = full;
    stall_ = 0;
  } else if (++stall_ >= kStall) {
    theta_ *= 0.5;
    stall_ = 0;
  }
}

}  // namespace ivassign::lagrangian
