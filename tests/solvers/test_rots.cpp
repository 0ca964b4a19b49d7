// The robust tabu search's per-start functions (kernels/qap_rots.cuh): the factored delta update
// against recomputation, the tenure's range, the classes of moves (tabu, aspiration by objective,
// long-term diversification), chunked runs against one run, and the row-wise symmetric run against
// the plain one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <vector>

#include "common/random.hpp"
#include "kernels/qap_delta.cuh"
#include "kernels/qap_rots.cuh"
#include "solvers/rots_cpu.hpp"

namespace ivassign {
namespace {

/// A random Koopmans-Beckmann problem with integer entries (exact in double), asymmetric, K terms,
/// and the storage of one start.
struct Fixture {
  int T, terms;
  std::vector<double> C, A, B, delta, factors;
  std::vector<int> pi, best;
  std::vector<std::int64_t> memory;
  kernels::RotsScalars scalars;
  kernels::RotsProblem P;

  Fixture(int T_, int terms_, std::uint64_t seed) : T(T_), terms(terms_) {
    SplitMix64 rng{seed};
    const std::size_t tt = static_cast<std::size_t>(T) * T;
    C.resize(tt);
    A.resize(tt * terms);
    B.resize(tt * terms);
    for (auto& x : C) x = rng.below(50);
    for (auto& x : A) x = rng.below(20) - 5;
    for (auto& x : B) x = rng.below(30);
    for (int k = 0; k < terms; ++k)
      for (int e = 0; e < T; ++e) A[k * tt + e * T + e] = B[k * tt + e * T + e] = 0;  // the diagonal is linear
    P.C = C.data();
    P.A = A.data();
    P.B = B.data();
    P.terms = terms;
    P.T = P.movable_below = P.slots = T;
    P.aspiration = 5LL * T * T;
    pi.resize(T);
    for (int e = 0; e < T; ++e) pi[e] = e;
    for (int e = T - 1; e > 0; --e) std::swap(pi[e], pi[rng.below(e + 1)]);
    best.resize(T);
    delta.resize(tt);
    factors.resize(static_cast<std::size_t>(kernels::rots_factor_size(P)));
    memory.resize(static_cast<std::size_t>(kernels::rots_memory_size(P)));
  }
  kernels::RotsStart start() { return {pi.data(), best.data(), delta.data(), memory.data(), factors.data(), &scalars}; }
};

/// Makes every term symmetric (A_k + A_k^T, B_k + B_k^T) and says so to the problem.
void symmetrize(Fixture& f) {
  const int T = f.T;
  for (auto* M : {&f.A, &f.B})
    for (int k = 0; k < f.terms; ++k)
      for (int i = 0; i < T; ++i)
        for (int j = i + 1; j < T; ++j) {
          double& x = (*M)[k * T * T + i * T + j];
          double& y = (*M)[k * T * T + j * T + i];
          x = y = x + y;
        }
  f.P.symmetric = true;
}

TEST(Rots, FactoredUpdateEqualsRecomputation) {
  for (int variant = 0; variant < 4; ++variant) {
    const int terms = 1 + variant % 2;
    Fixture f(9, terms, 3 + variant);
    if (variant >= 2) symmetrize(f);  // the halved formulas against the general recomputation
    const kernels::RotsStart S = f.start();
    kernels::rots_init(f.P, S, 1);
    SplitMix64 rng{11};
    for (int step = 0; step < 40; ++step) {
      const int u = rng.below(f.T);
      const int v = (u + 1 + rng.below(f.T - 1)) % f.T;
      kernels::RotsKey move;
      move.cls = 1;
      move.r = std::min(u, v);
      move.t = std::max(u, v);
      move.d = f.delta[move.r * f.T + move.t];
      const double before = kernels::rots_cost(f.P, f.pi.data());
      ASSERT_TRUE(kernels::rots_apply(f.P, S, move));
      EXPECT_EQ(kernels::rots_cost(f.P, f.pi.data()) - before, move.d) << "step " << step;
      for (int e = 0; e < f.T; ++e) kernels::rots_factors(f.P, S, move.r, move.t, e);
      for (int r = 0; r < f.T; ++r)
        for (int t = r + 1; t < f.T; ++t) {
          double& d = f.delta[r * f.T + t];
          d = kernels::rots_update_entry(f.P, S, r, t, move.r, move.t, d);
          // integer data: the factored update, Taillard's update and the recomputation agree exactly
          ASSERT_EQ(d, kernels::qap_swap_delta(f.C.data(), f.A.data(), f.B.data(), terms, f.T, f.pi.data(), r, t))
              << "variant " << variant << " step " << step << " pair " << r << "," << t;
        }
    }
  }
}

TEST(Rots, TenuresCoverTheirRangeAndNothingElse) {
  for (int T : {12, 50, 100}) {
    kernels::RotsProblem P;
    P.T = T;
    std::uint64_t rng = 42;
    std::set<std::int64_t> seen;
    for (int k = 0; k < 4000; ++k) seen.insert(kernels::rots_draw_tenure(P, &rng));
    const auto lo = static_cast<std::int64_t>(std::ceil(0.9 * T));
    EXPECT_EQ(*seen.begin(), lo) << T;
    EXPECT_EQ(*seen.rbegin(), lo + T / 5) << T;
    EXPECT_EQ(seen.size(), static_cast<std::size_t>(T / 5 + 1)) << T;
  }
}

TEST(Rots, TabuAspirationAndDiversificationClassify) {
  Fixture f(6, 1, 7);
  const kernels::RotsStart S = f.start();
  kernels::rots_init(f.P, S, 1);
  f.scalars.iteration = 100;
  f.scalars.tenure = 5;
  const int r = 1, t = 4;
  double& d = f.delta[r * f.T + t];
  auto left = [&](int e, int slot) -> std::int64_t& { return *kernels::rots_left(f.P, S, e, slot); };
  // both would return to places left 2 iterations ago: tabu
  left(r, f.pi[t]) = 99;
  left(t, f.pi[r]) = 99;
  f.scalars.best_cost = f.scalars.cost;
  d = 3;
  EXPECT_EQ(kernels::rots_key(f.P, S, r, t).cls, 2);
  // tabu, but it improves the best cost: aspiration by objective
  d = -3;
  EXPECT_EQ(kernels::rots_key(f.P, S, r, t).cls, 0);
  // not improving the best (the current cost is above it): tabu again
  f.scalars.best_cost = f.scalars.cost - 10;
  EXPECT_EQ(kernels::rots_key(f.P, S, r, t).cls, 2);
  // one placement left longer ago than the tenure: allowed
  left(t, f.pi[r]) = 90;
  EXPECT_EQ(kernels::rots_key(f.P, S, r, t).cls, 1);
  // one placement not left for more than `aspiration` iterations: aspired (long-term diversification)
  f.P.aspiration = 50;
  left(t, f.pi[r]) = 40;
  EXPECT_EQ(kernels::rots_key(f.P, S, r, t).cls, 0);
  // the order: aspired before allowed, then the smaller delta, then the earlier pair
  kernels::RotsKey a{0, 2, 3, 5.0}, b{1, 0, 1, -9.0}, c{0, 0, 5, 5.0};
  EXPECT_TRUE(kernels::rots_before(a, b));
  EXPECT_TRUE(kernels::rots_before(c, a));
  EXPECT_FALSE(kernels::rots_before(a, a));
}

TEST(Rots, ChunkedRunsEqualOneRunAndImproveOnTheStart) {
  Fixture one(14, 1, 9), chunked(14, 1, 9);
  const kernels::RotsStart S1 = one.start(), S2 = chunked.start();
  kernels::rots_init(one.P, S1, 5);
  kernels::rots_init(chunked.P, S2, 5);
  const double start_cost = one.scalars.cost;
  kernels::rots_run(one.P, S1, 700);
  for (std::int64_t until = 7; until <= 700; until += 7) kernels::rots_run(chunked.P, S2, until);
  EXPECT_EQ(one.scalars.iteration, 700);
  EXPECT_EQ(one.pi, chunked.pi);
  EXPECT_EQ(one.best, chunked.best);
  EXPECT_EQ(one.delta, chunked.delta);
  EXPECT_EQ(one.scalars.best_cost, chunked.scalars.best_cost);
  EXPECT_LT(one.scalars.best_cost, start_cost);
  EXPECT_EQ(kernels::rots_cost(one.P, one.best.data()), one.scalars.best_cost);
}

/// One iteration as the CUDA block takes it, without rots_run's shortcuts: every pair's key, the
/// least one, the swap, every entry's update.
void naive_iteration(const kernels::RotsProblem& P, const kernels::RotsStart& S) {
  kernels::rots_begin_iteration(P, S);
  kernels::RotsKey best;
  for (std::int64_t k = 0; k < static_cast<std::int64_t>(P.T) * P.T; ++k) {
    int r, t;
    if (!kernels::rots_pair(P, k, &r, &t)) continue;
    const kernels::RotsKey key = kernels::rots_key(P, S, r, t);
    if (kernels::rots_before(key, best)) best = key;
  }
  if (!kernels::rots_apply(P, S, best)) return;
  for (int e = 0; e < P.T; ++e) kernels::rots_factors(P, S, best.r, best.t, e);
  for (std::int64_t k = 0; k < static_cast<std::int64_t>(P.T) * P.T; ++k) {
    int r, t;
    if (kernels::rots_pair(P, k, &r, &t) && kernels::rots_movable(P, r, t))
      S.delta[k] = kernels::rots_update_entry(P, S, r, t, best.r, best.t, S.delta[k]);
  }
  kernels::rots_end_iteration(P, S);
  if (kernels::rots_stagnant(P, S)) {
    kernels::rots_kick(P, S);
    for (std::int64_t k = 0; k < static_cast<std::int64_t>(P.T) * P.T; ++k) S.delta[k] = kernels::rots_fresh_entry(P, S, k);
  }
}

TEST(Rots, RunChoosesTheMovesOfTheBlockwiseIteration) {
  for (int variant = 0; variant < 2; ++variant) {
    Fixture fast(12, 1, 21 + variant), naive(12, 1, 21 + variant);
    if (variant == 1) {
      symmetrize(fast);
      symmetrize(naive);
    }
    fast.P.aspiration = naive.P.aspiration = 60;  // stale places early: the long-term rule takes part
    fast.P.restart_after = naive.P.restart_after = 150;  // and restarts from the best, kicked
    fast.P.kick = naive.P.kick = 3;
    const kernels::RotsStart F = fast.start(), N = naive.start();
    kernels::rots_init(fast.P, F, 3);
    kernels::rots_init(naive.P, N, 3);
    kernels::rots_run(fast.P, F, 1500);
    while (naive.scalars.iteration < 1500) naive_iteration(naive.P, N);
    EXPECT_EQ(fast.pi, naive.pi) << variant;
    EXPECT_EQ(fast.best, naive.best) << variant;
    EXPECT_EQ(fast.scalars.moves, naive.scalars.moves) << variant;
    EXPECT_EQ(fast.scalars.best_cost, naive.scalars.best_cost) << variant;
    EXPECT_EQ(fast.scalars.restarts, naive.scalars.restarts) << variant;
    EXPECT_GT(fast.scalars.restarts, 0) << variant;
  }
}

/// rots_run_symmetric, plain and as the CPU runs it (rots_run_symmetric_cpu: AVX2 where the CPU has
/// it), against rots_run on real-valued symmetric data (so every rounding must match), with phantoms
/// and "unmatched" slots, one and two terms, an odd size, restarts and chunked calls: the same moves,
/// the same delta table bit for bit, the same memory.
TEST(Rots, SymmetricRowsEqualTheRunBitForBit) {
  for (int variant = 0; variant < 4; ++variant) {
    const int T = 23, terms = 1 + variant % 2;
    Fixture plain(T, terms, 40 + variant), rows(T, terms, 40 + variant), cpu(T, terms, 40 + variant);
    for (Fixture* f : {&plain, &rows, &cpu}) {
      SplitMix64 rng{77 + static_cast<std::uint64_t>(variant)};
      for (auto& x : f->C) x = 100 * rng.uniform() - 30;
      for (auto* M : {&f->A, &f->B})
        for (int k = 0; k < terms; ++k)
          for (int i = 0; i < T; ++i)
            for (int j = 0; j < T; ++j) (*M)[k * T * T + i * T + j] = i == j ? 0.0 : 10 * rng.uniform() - 2;
      symmetrize(*f);
      if (variant >= 2) {  // buyers 0..16, phantoms 17..22; slots 19..22 are "unmatched"
        f->P.movable_below = 17;
        f->P.slots = 19;
        f->memory.assign(static_cast<std::size_t>(kernels::rots_memory_size(f->P)), 0);
      }
      f->P.aspiration = 90;  // stale places and restarts take part
      f->P.restart_after = 120;
      f->P.kick = 3;
      kernels::rots_init(f->P, f->start(), 9);
    }
    std::vector<double> work(static_cast<std::size_t>(kernels::rots_symmetric_work_size(rows.P)));
    const kernels::RotsSymmetricWork W = kernels::rots_symmetric_work(rows.P, work.data());
    kernels::rots_run(plain.P, plain.start(), 1200);
    for (std::int64_t until = 50; until <= 1200; until += 50) {
      kernels::rots_run_symmetric(rows.P, rows.start(), W, until);
      rots_run_symmetric_cpu(cpu.P, cpu.start(), W, until);
    }
    EXPECT_GT(plain.scalars.restarts, 0) << variant;
    for (const Fixture* f : {&rows, &cpu}) {
      const char* which = f == &rows ? "rows" : rots_cpu_uses_avx2() ? "cpu (AVX2)" : "cpu (plain)";
      EXPECT_EQ(plain.pi, f->pi) << variant << " " << which;
      EXPECT_EQ(plain.best, f->best) << variant << " " << which;
      EXPECT_EQ(plain.memory, f->memory) << variant << " " << which;
      EXPECT_EQ(plain.scalars.moves, f->scalars.moves) << variant << " " << which;
      EXPECT_EQ(plain.scalars.best_cost, f->scalars.best_cost) << variant << " " << which;
      EXPECT_EQ(plain.scalars.cost, f->scalars.cost) << variant << " " << which;
      EXPECT_EQ(plain.scalars.restarts, f->scalars.restarts) << variant << " " << which;
      for (int r = 0; r < T; ++r)
        for (int t = r + 1; t < T; ++t)
          if (kernels::rots_movable(plain.P, r, t)) {
            ASSERT_EQ(plain.delta[r * T + t], f->delta[r * T + t]) << variant << " " << which << " pair " << r << "," << t;
          }
    }
  }
}

}  // namespace
}  // namespace ivassign
