// kernels/qap_rots.cuh — one start of the robust tabu search (Taillard 1991, "Robust taboo search
// for the quadratic assignment problem") over the Koopmans-Beckmann QAP with a linear term of
// kernels/qap_delta.cuh, written once for the CPU (one start per OpenMP thread, src/solvers/tabu.cpp)
// and the device (kernels/device_rots.cu: one start per Thrust index on the OpenMP device system, one
// start per CUDA thread block with its delta table in shared memory). Every decision is a function
// of one pair or one entity, so a block's threads can share the work and still choose the move the
// serial loop chooses: the move is the least RotsKey (class, delta, pair index).
//
// The slot model (src/solvers/tabu.cpp): entities 0..movable_below-1 are buyers, the others
// phantoms; slots >= `slots` are "unmatched" places, interchangeable (one memory class). For the
// QAP itself movable_below = slots = T and the search is Taillard's.
//
// Per iteration it: the tenure is redrawn in [ceil(0.9 T), ceil(0.9 T) + T/5] every 2 T
// iterations; a move (r, t) is tabu when every buyer in it would return to a place it left within
// the tenure; it is aspired when it improves the best cost or some buyer in it has not left that
// place for `aspiration` iterations (the long-term diversification; places never left count as
// left at iteration 0); the move is the best aspired one, else the best one not tabu (none: the
// iteration passes). After the swap (u, v) every delta is updated by rots_update_entry: O(K) from
// per-entity factors for pairs disjoint from {u, v} (Taillard's formula, factored), O(K T) from
// scratch for the 2T - 3 others. A start that finds no new best for restart_after iterations
// restarts from its best with `kick` random swaps (an iterated tabu search; the memory is kept).
#pragma once
#include <math.h>
#include <stdint.h>

#include "kernels/hd.h"
#include "kernels/qap_delta.cuh"
#include "kernels/random.cuh"

namespace ivassign {
namespace kernels {

/// The problem every start shares (device or host pointers, row-major T x T matrices).
struct RotsProblem {
  const double *C = nullptr, *A = nullptr, *B = nullptr;
  int terms = 0, T = 0;
  int movable_below = 0;  ///< entities below are buyers (remembered, movable); the rest phantoms
  int slots = 0;          ///< slots >= this are "unmatched" places (one memory class)
  int64_t aspiration = 0; ///< iterations after which a place not left since aspires its move
  double target_cost = -INFINITY;  ///< a start stops when its best cost is at most this
  double improvement = 1e-12;      ///< relative margin for "improves the best cost"
  bool symmetric = false;  ///< every A_k, B_k symmetric (zero diagonals): the halved formulas
  int64_t restart_after = 0;  ///< iterations without a new best after which the start restarts (0: never)
  int kick = 0;               ///< random swaps applied to the start's best at a restart
};

/// The scalar state of one start, kept between calls (so chunked runs equal one long run).
struct RotsScalars {
  double cost = 0, best_cost = 0;
  int64_t iteration = 0, tenure = 0, best_iteration = 0, moves = 0;
  uint64_t rng = 0;
  int hit_target = 0;
  int restart = 0;  ///< set by rots_end_iteration: rots_kick is due
  int64_t last_improvement = 0;  ///< the iteration of the start's last new best or restart
  int64_t restarts = 0;
  int64_t oldest_left = 0;  ///< a lower bound of every time a move's placement was left (rots_choose's cache)
};

/// One start's arrays: pi, best (T), delta (T*T, entry r*T+t for r < t), memory (movable_below *
/// (slots + 1): the iteration at which a buyer last left a place), factors (4 * terms * T).
struct RotsStart {
  int* pi;
  int* best;
  double* delta;
  int64_t* memory;
  double* factors;
  RotsScalars* s;
};

/// The arrays of many starts, laid out start after start (host or device memory).
struct RotsArrays {
  int *pi, *best;
  double *delta, *factors;
  int64_t* memory;
  RotsScalars* s;
  int64_t T, memory_size, factor_size;
  IVA_HD RotsStart start(int64_t k) const {
    return RotsStart{pi + k * T, best + k * T, delta + k * T * T, memory + k * memory_size, factors + k * factor_size, s + k};
  }
};

/// How many ints, doubles and int64s one start needs (the workspace layout of the callers).
IVA_HD int64_t rots_memory_size(const RotsProblem& P) {
  return static_cast<int64_t>(P.movable_below > 0 ? P.movable_below : 1) * (P.slots + 1);
}
IVA_HD int64_t rots_factor_size(const RotsProblem& P) { return 4LL * P.terms * P.T; }

IVA_HD bool rots_movable(const RotsProblem& P, int r, int t) { return r < P.movable_below || t < P.movable_below; }

IVA_HD int64_t* rots_left(const RotsProblem& P, const RotsStart& S, int e, int slot) {
  return S.memory + static_cast<int64_t>(e) * (P.slots + 1) + (slot < P.slots ? slot : P.slots);
}

/// A tenure in [ceil(0.9 T), ceil(0.9 T) + T/5] from the start's splitmix64 stream.
IVA_HD int64_t rots_draw_tenure(const RotsProblem& P, uint64_t* rng) {
  const uint64_t word = mix64(*rng);
  *rng += kGolden64;
  const int spread = P.T / 5 + 1;
  return static_cast<int64_t>(ceil(0.9 * P.T)) + static_cast<int64_t>(word % static_cast<uint64_t>(spread));
}

/// The cost of slots pi from scratch: sum_e C[e][pi e] + sum_k sum_{e != f} A_k[e][f] B_k[pi e][pi f].
IVA_HD double rots_cost(const RotsProblem& P, const int* pi) {
  const int T = P.T;
  double c = 0;
  for (int e = 0; e < T; ++e) c += P.C[e * T + pi[e]];
  for (int k = 0; k < P.terms; ++k) {
    const double* a = P.A + static_cast<int64_t>(k) * T * T;
    const double* b = P.B + static_cast<int64_t>(k) * T * T;
    for (int e = 0; e < T; ++e)
      for (int f = 0; f < T; ++f)
        if (e != f) c += a[e * T + f] * b[pi[e] * T + pi[f]];
  }
  return c;
}

/// The delta of swap (r, t) from scratch (the symmetric formula when the problem is symmetric).
IVA_HD double rots_delta(const RotsProblem& P, const int* pi, int r, int t) {
  return P.symmetric ? qap_swap_delta_symmetric(P.C, P.A, P.B, P.terms, P.T, pi, r, t)
                     : qap_swap_delta(P.C, P.A, P.B, P.terms, P.T, pi, r, t);
}

/// The order of moves: class (0 aspired, 1 allowed, 2 not a candidate), then delta, then the pair.
struct RotsKey {
  int cls = 2;
  int r = -1, t = -1;
  double d = INFINITY;
};

IVA_HD bool rots_before(const RotsKey& x, const RotsKey& y) {
  if (x.cls != y.cls) return x.cls < y.cls;
  if (x.cls == 2) return false;
  if (x.d != y.d) return x.d < y.d;
  return x.r != y.r ? x.r < y.r : x.t < y.t;
}

/// The key of the swap (r, t), r < t, at the coming iteration (s.iteration + 1).
IVA_HD RotsKey rots_key(const RotsProblem& P, const RotsStart& S, int r, int t) {
  RotsKey key;
  const int pr = S.pi[r], pt = S.pi[t];
  // two phantoms, or two occupants of "unmatched" places: no real move
  if (!rots_movable(P, r, t) || (pr >= P.slots && pt >= P.slots)) return key;
  const RotsScalars& s = *S.s;
  const int64_t it = s.iteration + 1;
  const double d = S.delta[static_cast<int64_t>(r) * P.T + t];
  bool tabu = true, stale = false;
  if (r < P.movable_below) {
    const int64_t l = *rots_left(P, S, r, pt);
    tabu = tabu && l > 0 && l + s.tenure >= it;
    stale = stale || it - l > P.aspiration;
  }
  if (t < P.movable_below) {
    const int64_t l = *rots_left(P, S, t, pr);
    tabu = tabu && l > 0 && l + s.tenure >= it;
    stale = stale || it - l > P.aspiration;
  }
  const double margin = P.improvement * (1 + fabs(s.best_cost));
  const bool aspired = stale || s.cost + d < s.best_cost - margin;
  if (!aspired && tabu) return key;
  key.cls = aspired ? 0 : 1;
  key.r = r;
  key.t = t;
  key.d = d;
  return key;
}

/// The k-th pair (r, t), r < t, of the full table in row-major order; false for r >= t.
IVA_HD bool rots_pair(const RotsProblem& P, int64_t k, int* r, int* t) {
  *r = static_cast<int>(k / P.T);
  *t = static_cast<int>(k % P.T);
  return *r < *t;
}

/// Starts the iteration: redraws the tenure every 2 T iterations (and before the first).
IVA_HD void rots_begin_iteration(const RotsProblem& P, const RotsStart& S) {
  RotsScalars& s = *S.s;
  if (s.tenure == 0 || (s.iteration + 1) % (2LL * P.T) == 0) s.tenure = rots_draw_tenure(P, &s.rng);
}

/// Takes the move of `key` (class 2: none, the iteration passes): remembers when each buyer left its
/// place, swaps, and moves the cost by the delta. Returns whether a swap was made.
IVA_HD bool rots_apply(const RotsProblem& P, const RotsStart& S, const RotsKey& key) {
  RotsScalars& s = *S.s;
  s.iteration += 1;
  if (key.cls == 2) return false;
  if (key.r < P.movable_below) *rots_left(P, S, key.r, S.pi[key.r]) = s.iteration;
  if (key.t < P.movable_below) *rots_left(P, S, key.t, S.pi[key.t]) = s.iteration;
  const int tmp = S.pi[key.r];
  S.pi[key.r] = S.pi[key.t];
  S.pi[key.t] = tmp;
  s.cost += key.d;
  s.moves += 1;
  return true;
}

/// Entity e's factors of the swap (u, v) just made (pi after it): for each term k, X = a[e][u] -
/// a[e][v], Y = b[pi e][pi u] - b[pi e][pi v], X' = a[u][e] - a[v][e], Y' = b[pi u][pi e] - b[pi v][pi e].
IVA_HD void rots_factors(const RotsProblem& P, const RotsStart& S, int u, int v, int e) {
  const int T = P.T, pe = S.pi[e], pu = S.pi[u], pv = S.pi[v];
  for (int k = 0; k < P.terms; ++k) {
    const double* a = P.A + static_cast<int64_t>(k) * T * T;
    const double* b = P.B + static_cast<int64_t>(k) * T * T;
    double* f = S.factors + 4LL * k * T;
    if (P.symmetric) {  // X' = X, Y' = Y
      f[e] = a[u * T + e] - a[v * T + e];
      f[T + e] = b[pu * T + pe] - b[pv * T + pe];
      continue;
    }
    f[e] = a[e * T + u] - a[e * T + v];
    f[T + e] = b[pe * T + pu] - b[pe * T + pv];
    f[2 * T + e] = a[u * T + e] - a[v * T + e];
    f[3 * T + e] = b[pu * T + pe] - b[pv * T + pe];
  }
}

/// THE per-move update of one delta (both backends call it for every pair after every swap (u, v)):
/// Taillard's O(K) update from the factors for (r, t) disjoint from {u, v} —
///   old + sum_k (X_r - X_t)(Y_t - Y_r) + (X'_r - X'_t)(Y'_t - Y'_r),
/// which is kernels::qap_swap_delta_update regrouped (symmetric: the two products equal, one doubled)
/// — and rots_delta from scratch otherwise.
IVA_HD double rots_update_entry(const RotsProblem& P, const RotsStart& S, int r, int t, int u, int v, double old) {
  if (r == u || r == v || t == u || t == v) return rots_delta(P, S.pi, r, t);
  const int T = P.T;
  double d = old;
  for (int k = 0; k < P.terms; ++k) {
    const double* f = S.factors + 4LL * k * T;
    if (P.symmetric)
      d += 2 * ((f[r] - f[t]) * (f[T + t] - f[T + r]));
    else
      d += (f[r] - f[t]) * (f[T + t] - f[T + r]) + (f[2 * T + r] - f[2 * T + t]) * (f[3 * T + t] - f[3 * T + r]);
  }
  return d;
}

/// Ends the iteration after the update: a cost below the best is re-anchored on the exact cost
/// (no drift from summed deltas) and kept; the target stops the start.
IVA_HD void rots_end_iteration(const RotsProblem& P, const RotsStart& S) {
  RotsScalars& s = *S.s;
  if (!(s.cost < s.best_cost - P.improvement * (1 + fabs(s.best_cost)))) return;
  s.cost = rots_cost(P, S.pi);
  if (s.cost < s.best_cost) {
    s.best_cost = s.cost;
    s.best_iteration = s.last_improvement = s.iteration;
    for (int e = 0; e < P.T; ++e) S.best[e] = S.pi[e];
  }
  if (s.best_cost <= P.target_cost) s.hit_target = 1;
}

/// Whether the start has gone restart_after iterations without a new best (then rots_kick is due).
IVA_HD bool rots_stagnant(const RotsProblem& P, const RotsStart& S) {
  return P.restart_after > 0 && S.s->iteration - S.s->last_improvement >= P.restart_after;
}

/// The restart of an iterated tabu search: pi becomes the start's best with `kick` random swaps, its
/// cost from scratch; the memory and the tenure are kept. The delta table must then be recomputed
/// (rots_fresh_entry for every pair).
IVA_HD void rots_kick(const RotsProblem& P, const RotsStart& S) {
  RotsScalars& s = *S.s;
  for (int e = 0; e < P.T; ++e) S.pi[e] = S.best[e];
  for (int k = 0; k < P.kick; ++k) {
    const uint64_t word = mix64(s.rng);
    s.rng += kGolden64;
    const int r = static_cast<int>(word % static_cast<uint64_t>(P.T));
    const int t = static_cast<int>((word >> 32) % static_cast<uint64_t>(P.T));
    const int tmp = S.pi[r];
    S.pi[r] = S.pi[t];
    S.pi[t] = tmp;
  }
  s.cost = rots_cost(P, S.pi);
  s.last_improvement = s.iteration;
  s.restarts += 1;
  s.oldest_left = 0;  // the kicked places change which entries count: refreshed at the next choice
}

/// Entry k of the delta table from scratch (0 for r >= t and pairs that cannot move).
IVA_HD double rots_fresh_entry(const RotsProblem& P, const RotsStart& S, int64_t k) {
  int r, t;
  return rots_pair(P, k, &r, &t) && rots_movable(P, r, t) ? rots_delta(P, S.pi, r, t) : 0.0;
}

/// Prepares a start whose pi is set: the cost, the best (pi), the memory (never left), the delta
/// table from scratch, the stream from `seed`.
IVA_HD void rots_init(const RotsProblem& P, const RotsStart& S, uint64_t seed) {
  RotsScalars& s = *S.s;
  s = RotsScalars{};
  s.rng = mix64(seed ^ 0x7a6b5c4d3e2f1011ULL);
  s.cost = s.best_cost = rots_cost(P, S.pi);
  for (int e = 0; e < P.T; ++e) S.best[e] = S.pi[e];
  const int64_t m = rots_memory_size(P);
  for (int64_t k = 0; k < m; ++k) S.memory[k] = 0;
  for (int64_t k = 0; k < static_cast<int64_t>(P.T) * P.T; ++k) S.delta[k] = rots_fresh_entry(P, S, k);
  if (s.best_cost <= P.target_cost) s.hit_target = 1;
}

/// The earliest time a move's placement was left: the minimum of the memory over buyer e and every
/// place class but its own (the "unmatched" class only where unmatched slots exist). O(B (s + 1)).
IVA_HD int64_t rots_oldest_left(const RotsProblem& P, const RotsStart& S) {
  const int classes = P.slots < P.T ? P.slots + 1 : P.slots;
  int64_t oldest = INT64_MAX;
  for (int e = 0; e < P.movable_below; ++e) {
    const int64_t* row = S.memory + static_cast<int64_t>(e) * (P.slots + 1);
    const int own = S.pi[e] < P.slots ? S.pi[e] : P.slots;
    for (int c = 0; c < classes; ++c)
      if (c != own && row[c] < oldest) oldest = row[c];
  }
  return oldest;
}

/// The move of the coming iteration, the least RotsKey over every pair, with a shortcut: while no
/// placement can be stale, a move with a delta no better than the best so far and no new best cost
/// cannot come first, so its memory look-ups are skipped (the choice is the same). Whether one can be
/// stale comes from s.oldest_left, a lower bound that only grows while no restart intervenes (a
/// move raises the entry it leaves and drops the place it takes), refreshed when it allows one.
IVA_HD RotsKey rots_choose(const RotsProblem& P, const RotsStart& S) {
  const int T = P.T;
  RotsKey best;
  RotsScalars& s = *S.s;
  bool stale_possible = s.iteration + 1 - s.oldest_left > P.aspiration;
  if (stale_possible && P.movable_below > 0) {
    s.oldest_left = rots_oldest_left(P, S);
    stale_possible = s.iteration + 1 - s.oldest_left > P.aspiration;
  }
  const double improving = s.best_cost - P.improvement * (1 + fabs(s.best_cost)) - s.cost;
  for (int r = 0; r < T; ++r) {
    const double* row = S.delta + static_cast<int64_t>(r) * T;
    // a row whose least delta would be skipped is skipped whole (4 independent minima: no branch per entry)
    double m0 = INFINITY, m1 = INFINITY, m2 = INFINITY, m3 = INFINITY;
    int t = r + 1;
    for (; t + 3 < T; t += 4) {
      m0 = row[t] < m0 ? row[t] : m0;
      m1 = row[t + 1] < m1 ? row[t + 1] : m1;
      m2 = row[t + 2] < m2 ? row[t + 2] : m2;
      m3 = row[t + 3] < m3 ? row[t + 3] : m3;
    }
    for (; t < T; ++t) m0 = row[t] < m0 ? row[t] : m0;
    const double least = fmin(fmin(m0, m1), fmin(m2, m3));
    if (least >= best.d && (best.cls == 0 || (!stale_possible && !(least < improving)))) continue;
    for (t = r + 1; t < T; ++t) {
      const double d = row[t];
      if (d >= best.d && (best.cls == 0 || (!stale_possible && !(d < improving)))) continue;
      const RotsKey key = rots_key(P, S, r, t);
      if (rots_before(key, best)) best = key;
    }
  }
  return best;
}

/// Runs one start serially until it has made `until` iterations or hit the target.
IVA_HD void rots_run(const RotsProblem& P, const RotsStart& S, int64_t until) {
  const int T = P.T;
  if (T < 2) return;
  while (S.s->iteration < until && !S.s->hit_target) {
    rots_begin_iteration(P, S);
    const RotsKey best = rots_choose(P, S);
    if (!rots_apply(P, S, best)) continue;
    for (int e = 0; e < T; ++e) rots_factors(P, S, best.r, best.t, e);
    for (int r = 0; r < T; ++r)
      for (int t = r + 1; t < T; ++t)
        if (rots_movable(P, r, t)) {
          double& d = S.delta[static_cast<int64_t>(r) * T + t];
          d = rots_update_entry(P, S, r, t, best.r, best.t, d);
        }
    rots_end_iteration(P, S);
    if (rots_stagnant(P, S)) {
      rots_kick(P, S);
      for (int64_t k = 0; k < static_cast<int64_t>(T) * T; ++k) S.delta[k] = rots_fresh_entry(P, S, k);
    }
  }
}

// ---- The symmetric start laid out for one core's vector units (the CPU path of symmetric problems).
// The same moves and the same delta table, bit for bit, as rots_run (test_rots.cpp): every entry is
// computed by the same terms in the same order; only the loops are turned so the inner one is
// contiguous and has no dependence (the partner of a pair is the vector lane).

/// The workspace of rots_run_symmetric: BP (K T^2; BP_k[e][f] = B_k[pi e][pi f]), d and sum (T each).
struct RotsSymmetricWork {
  double* BP = nullptr;
  double* d = nullptr;
  double* sum = nullptr;
};

/// The doubles one start's RotsSymmetricWork takes: K T^2 + 2 T.
IVA_HD int64_t rots_symmetric_work_size(const RotsProblem& P) {
  return static_cast<int64_t>(P.terms) * P.T * P.T + 2LL * P.T;
}

/// The workspace laid out on rots_symmetric_work_size(P) doubles at `base`: BP, then d, then sum.
IVA_HD RotsSymmetricWork rots_symmetric_work(const RotsProblem& P, double* base) {
  const int64_t ktt = static_cast<int64_t>(P.terms) * P.T * P.T;
  return RotsSymmetricWork{base, base + ktt, base + ktt + P.T};
}

/// BP_k[e][f] = B_k[pi e][pi f] for every term, from scratch. O(K T^2).
IVA_HD void rots_permuted_fill(const RotsProblem& P, const int* pi, double* BP) {
  const int64_t T = P.T;
  for (int k = 0; k < P.terms; ++k) {
    const double* b = P.B + k * T * T;
    double* bp = BP + k * T * T;
    for (int64_t e = 0; e < T; ++e)
      for (int64_t f = 0; f < T; ++f) bp[e * T + f] = b[pi[e] * T + pi[f]];
  }
}

/// BP after the swap (u, v) of pi: rows u and v, then columns u and v, exchanged. O(K T).
IVA_HD void rots_permuted_swap(const RotsProblem& P, double* BP, int u, int v) {
  const int64_t T = P.T;
  for (int k = 0; k < P.terms; ++k) {
    double* bp = BP + k * T * T;
    for (int64_t f = 0; f < T; ++f) {
      const double x = bp[u * T + f];
      bp[u * T + f] = bp[v * T + f];
      bp[v * T + f] = x;
    }
    for (int64_t e = 0; e < T; ++e) {
      const double x = bp[e * T + u];
      bp[e * T + u] = bp[e * T + v];
      bp[e * T + v] = x;
    }
  }
}

/// rots_delta (qap_swap_delta_symmetric) of every movable pair that contains u, from scratch, with
/// the partner x as the lane: for the pair (r, s) = (min, max)(u, x) the terms
/// (A_k[r][e] - A_k[s][e]) (BP_k[s][e] - BP_k[r][e]) for e = 0..T-1, then the same two corrections
/// and the same doubling, read from rows because A_k and BP_k are symmetric. O(K T^2).
IVA_HD void rots_fresh_pairs_of(const RotsProblem& P, const RotsStart& S, const RotsSymmetricWork& W, int u) {
  const int64_t T = P.T;
  const int* pi = S.pi;
  double* __restrict__ d = W.d;
  double* __restrict__ sum = W.sum;
  for (int64_t x = 0; x < T; ++x) {
    if (x == u) continue;
    const int64_t r = x < u ? x : u, s = x < u ? u : x, pr = pi[r], ps = pi[s];
    d[x] = P.C[r * T + ps] + P.C[s * T + pr] - P.C[r * T + pr] - P.C[s * T + ps];
  }
  for (int k = 0; k < P.terms; ++k) {
    const double* a = P.A + k * T * T;
    const double* bp = W.BP + k * T * T;
    for (int64_t x = 0; x < T; ++x) sum[x] = 0;
    for (int64_t e = 0; e < T; ++e) {
      const double* __restrict__ ae = a + e * T;   // A_k[e][x] = A_k[x][e]
      const double* __restrict__ be = bp + e * T;  // BP_k[e][x] = BP_k[x][e]
      const double aue = a[u * T + e], bue = bp[u * T + e];
      for (int64_t x = 0; x < u; ++x) sum[x] += (ae[x] - aue) * (bue - be[x]);          // pair (x, u)
      for (int64_t x = u + 1; x < T; ++x) sum[x] += (aue - ae[x]) * (be[x] - bue);  // pair (u, x)
    }
    for (int64_t x = 0; x < T; ++x) {
      if (x == u) continue;
      const int64_t r = x < u ? x : u, s = x < u ? u : x;
      sum[x] += a[s * T + r] * bp[s * T + r] + a[r * T + s] * bp[r * T + s];
      d[x] += 2 * sum[x];
    }
  }
  for (int64_t x = 0; x < T; ++x) {
    if (x == u) continue;
    const int r = static_cast<int>(x < u ? x : u), s = static_cast<int>(x < u ? u : x);
    if (rots_movable(P, r, s)) S.delta[static_cast<int64_t>(r) * T + s] = d[x];
  }
}

/// rots_update_entry's factored update (symmetric) over whole rows r < movable_below, the pairs
/// that meet {u, v} included (rots_fresh_pairs_of overwrites them next). O(K T^2).
IVA_HD void rots_update_rows_symmetric(const RotsProblem& P, const RotsStart& S) {
  const int64_t T = P.T;
  for (int k = 0; k < P.terms; ++k) {
    const double* __restrict__ f = S.factors + 4LL * k * T;
    const double* __restrict__ g = f + T;
    for (int64_t r = 0; r < P.movable_below; ++r) {
      double* __restrict__ row = S.delta + r * T;
      const double fr = f[r], gr = g[r];
      for (int64_t t = r + 1; t < T; ++t) row[t] += 2 * ((fr - f[t]) * (g[t] - gr));
    }
  }
}

/// rots_run for a symmetric problem (P.symmetric), in O(K T^2) contiguous work per iteration: the
/// same moves, delta table, memory and stream as rots_run. BP is filled on entry, so chunked calls
/// need nothing kept between them but the start.
IVA_HD void rots_run_symmetric(const RotsProblem& P, const RotsStart& S, const RotsSymmetricWork& W, int64_t until) {
  const int T = P.T;
  if (T < 2) return;
  rots_permuted_fill(P, S.pi, W.BP);
  while (S.s->iteration < until && !S.s->hit_target) {
    rots_begin_iteration(P, S);
    const RotsKey move = rots_choose(P, S);
    if (!rots_apply(P, S, move)) continue;
    rots_permuted_swap(P, W.BP, move.r, move.t);
    for (int e = 0; e < T; ++e) rots_factors(P, S, move.r, move.t, e);
    rots_update_rows_symmetric(P, S);
    rots_fresh_pairs_of(P, S, W, move.r);
    rots_fresh_pairs_of(P, S, W, move.t);
    rots_end_iteration(P, S);
    if (rots_stagnant(P, S)) {
      rots_kick(P, S);
      rots_permuted_fill(P, S.pi, W.BP);
      for (int64_t k = 0; k < static_cast<int64_t>(T) * T; ++k) S.delta[k] = rots_fresh_entry(P, S, k);
    }
  }
}

}  // namespace kernels
}  // namespace ivassign
