// kernels/lap_batch.cuh — one exact linear assignment problem per device thread (the device batch,
// kernels/device_lap_batch.cu): maximize sum w_ij over partial matchings of an n x s weight matrix,
// with solve_lap's semantics and duals. Only the device batch runs it (and the host test of its
// interleaved workspaces, tests/solvers/test_lap_batch_device.cpp): the CPU batch
// (src/solvers/lap_batch.cpp) calls solve_lap, a different implementation: the dense kernel of
// src/solvers/lap_dense.cpp (LAPJV with augmenting row reduction on square forms, AVX2 row scans,
// the columns at the minimum distance settled together), src/solvers/lap.cpp's engine where that
// kernel does not apply. Both return an optimum with a dual certificate, but where several matchings
// are optimal the two may break the tie differently (another assignment, other duals, the same
// objective up to rounding).
//
// Min-cost form (Jonker & Volgenant 1987; the rectangular shortest augmenting paths of Crouse 2016,
// "On implementing 2D rectangular assignment algorithms", Algorithm 1 and Section 4):
//   c_ij = -w_ij on the real columns j < s, +inf where w_ij = -inf (a forbidden pair);
//   when some w_ij <= 0 or n > s, row i also has a private column s + i with c_i,s+i = 0 ("unmatched")
//   and cost +inf from every other row (solve_lap's Engine: src/solvers/lap.cpp);
//   potentials u_i (rows), v_j (columns), all 0 at the start (after JV's column reduction instead when the
//   problem is square without private columns); reduced cost cbar_ij = c_ij - u_i - v_j >= 0.
// Each row is augmented in turn by a Dijkstra search over the reduced costs from that row (one
// settled column per step, ties to a free column, then the lowest index), and the potentials are
// updated so every reduced cost stays >= 0 and every matched pair stays tight. O(n^2 (s + n)) worst
// case; memory: the workspace below, nothing allocated here.
//
// Duals in solve_lap's form (the certificate lap::Engine::warm_start checks):
//   a_i = -u_i - v_{s+i} (private columns), a_i = -u_i (none);  b_j = -v_j;
//   w_ij <= a_i + b_j on every pair, equality on matched pairs; b_j >= 0, b_j = 0 on unmatched
//   sellers (their v_j is never changed); with private columns a_i >= 0 and a_i = 0 on unmatched buyers.
#pragma once
#include <cmath>
#include <cstdint>

#include "kernels/hd.h"

namespace ivassign::kernels {

/// lap_solve_one's answers besides the index of a bad weight (>= 0).
constexpr std::int64_t kLapSolved = -1;
constexpr std::int64_t kLapNoPath = -2;  ///< no augmenting path: cannot happen for partial matchings (a bug)

/// Workspace of one problem of n rows and s columns (at most s + n columns with the private ones).
IVA_HD std::uint64_t lap_work_doubles(int n, int s) {
  return static_cast<std::uint64_t>(n) + 2 * (static_cast<std::uint64_t>(s) + static_cast<std::uint64_t>(n));
}
IVA_HD std::uint64_t lap_work_ints(int n, int s) {
  return 2 * static_cast<std::uint64_t>(n) + 3 * (static_cast<std::uint64_t>(s) + static_cast<std::uint64_t>(n));
}

/// Entry k of one problem's array at p[k * stride]: stride 1 for a problem's own contiguous slice, the
/// number of problems for slices interleaved entry by entry (neighbouring device threads then read
/// neighbouring addresses when they touch the same entry: coalesced on a GPU).
template <class T>
struct Strided {
  T* p;
  std::uint64_t stride;
  IVA_HD T& operator[](std::uint64_t k) const { return p[k * stride]; }
};

/// One problem's workspace: u (n), v and d (columns), col4row and sr (n), row4col, path and sc (columns).
struct LapWork {
  Strided<double> u, v, d;
  Strided<int> col4row, row4col, path, sr, sc;
};

/// The workspace carved from lap_work_doubles(n, s) doubles at `dbl` and lap_work_ints(n, s) ints at
/// `ints`, entry e at e * stride (stride 1: contiguous; see Strided).
IVA_HD LapWork lap_work_at(double* dbl, int* ints, int n, int s, std::uint64_t stride = 1) {
  const std::uint64_t rows = static_cast<std::uint64_t>(n), cols = static_cast<std::uint64_t>(s) + rows;
  LapWork w;
  w.u = {dbl, stride};
  w.v = {dbl + rows * stride, stride};
  w.d = {dbl + (rows + cols) * stride, stride};
  w.col4row = {ints, stride};
  w.sr = {ints + rows * stride, stride};
  w.row4col = {ints + 2 * rows * stride, stride};
  w.path = {ints + (2 * rows + cols) * stride, stride};
  w.sc = {ints + (2 * rows + 2 * cols) * stride, stride};
  return w;
}

/// One shortest augmenting path from the free row `cur` (Crouse 2016, Algorithm 1's inner loop) and
/// the dual update. false when no free column is reachable (cannot happen with private columns).
IVA_HD bool lap_augment(const double* w, int n, int s, int cols, int cur, LapWork ws) {
  const double inf = HUGE_VAL;
  for (int j = 0; j < cols; ++j) {
    ws.d[j] = inf;  // d_j: the shortest reduced path length from row cur to column j
    ws.sc[j] = 0;
  }
  for (int r = 0; r < n; ++r) ws.sr[r] = 0;
  double delta = 0.0;  // delta: the length of the last settled column's path
  int i = cur, sink = -1;
  while (sink < 0) {
    ws.sr[i] = 1;
    int next = -1;
    double lowest = inf;
    const double* wi = w + static_cast<std::uint64_t>(i) * static_cast<std::uint64_t>(s);
    const double ui = ws.u[i];
    for (int j = 0; j < cols; ++j) {
      if (ws.sc[j]) continue;
      // d_j = min(d_j, delta + cbar_ij), cbar_ij = c_ij - u_i - v_j (c_ij = -w_ij; +inf for w_ij = -inf)
      const double r = j < s ? delta - wi[j] - ui - ws.v[j] : (j - s == i ? delta - ui - ws.v[j] : inf);
      if (r < ws.d[j]) {
        ws.path[j] = i;
        ws.d[j] = r;
      }
      if (ws.d[j] < lowest || (ws.d[j] == lowest && next >= 0 && ws.row4col[j] < 0 && ws.row4col[next] >= 0)) {
        lowest = ws.d[j];
        next = j;
      }
    }
    if (next < 0 || !(lowest < inf)) return false;
    delta = lowest;  // delta = min over unsettled j of d_j
    ws.sc[next] = 1;
    if (ws.row4col[next] < 0)
      sink = next;
    else
      i = ws.row4col[next];
  }
  ws.u[cur] += delta;  // u_cur += delta
  for (int r = 0; r < n; ++r)
    if (ws.sr[r] && r != cur) ws.u[r] += delta - ws.d[ws.col4row[r]];  // u_r += delta - d_{x_r}
  for (int j = 0; j < cols; ++j)
    if (ws.sc[j]) ws.v[j] -= delta - ws.d[j];  // v_j -= delta - d_j
  int j = sink;  // flip the path: each row on it takes the column it reached
  while (true) {
    const int r = ws.path[j];
    ws.row4col[j] = r;
    const int previous = ws.col4row[r];
    ws.col4row[r] = j;
    j = previous;
    if (r == cur) break;
  }
  return true;
}

/// Jonker & Volgenant's column reduction, for a square problem without private columns (every row and
/// column ends up matched, so no column needs v_j = 0): v_j = min_i c_ij, each column's cheapest row
/// matched when still free (columns from the last), then u_i = c_{i x_i} - v_{x_i} = 0 on matched rows
/// and u_i = min_j (c_ij - v_j) on free ones, so every cbar_ij >= 0 before the augmentations.
IVA_HD void lap_column_reduction(const double* w, int n, LapWork ws) {
  const std::uint64_t n64 = static_cast<std::uint64_t>(n);
  for (int j = 0; j < n; ++j) {
    double low = HUGE_VAL;
    int arg = 0;
    for (int i = 0; i < n; ++i) {
      const double c = -w[static_cast<std::uint64_t>(i) * n64 + static_cast<std::uint64_t>(j)];
      if (c < low) {
        low = c;
        arg = i;
      }
    }
    ws.v[j] = low;  // v_j = min_i c_ij
    ws.path[j] = arg;
  }
  for (int j = n - 1; j >= 0; --j) {
    const int i = ws.path[j];
    if (ws.col4row[i] < 0) {
      ws.col4row[i] = j;
      ws.row4col[j] = i;
    }
  }
  for (int i = 0; i < n; ++i) {
    const double* wi = w + static_cast<std::uint64_t>(i) * n64;
    if (ws.col4row[i] >= 0) {
      ws.u[i] = -wi[ws.col4row[i]] - ws.v[ws.col4row[i]];  // u_i = c_{i x_i} - v_{x_i}
      continue;
    }
    double low = HUGE_VAL;
    for (int j = 0; j < n; ++j) low = -wi[j] - ws.v[j] < low ? -wi[j] - ws.v[j] : low;
    ws.u[i] = low;  // u_i = min_j (c_ij - v_j)
  }
}

/// Solves max sum w_ij (w: n x s, row-major) over partial matchings into assignment (n, -1 =
/// unmatched), row_duals (n), col_duals (s) and *objective (sum of the matched w_ij, row order).
/// Returns kLapSolved, kLapNoPath, or the flat index of the first NaN or +inf weight (nothing solved).
IVA_HD std::int64_t lap_solve_one(const double* w, int n, int s, LapWork ws, int* assignment, double* row_duals,
                                  double* col_duals, double* objective) {
  const double inf = HUGE_VAL;
  const std::uint64_t size = static_cast<std::uint64_t>(n) * static_cast<std::uint64_t>(s);
  double min_w = inf;
  for (std::uint64_t k = 0; k < size; ++k) {
    const double x = w[k];
    if (x != x || x == inf) return static_cast<std::int64_t>(k);
    min_w = x < min_w ? x : min_w;
  }
  const bool private_cols = n > s || !(min_w > 0.0);  // some buyer may prefer to stay unmatched
  const int cols = s + (private_cols ? n : 0);
  for (int i = 0; i < n; ++i) {
    ws.u[i] = 0.0;
    ws.col4row[i] = -1;
  }
  for (int j = 0; j < cols; ++j) {
    ws.v[j] = 0.0;
    ws.row4col[j] = -1;
  }
  if (!private_cols && n == s) lap_column_reduction(w, n, ws);
  for (int cur = 0; cur < n; ++cur)
    if (ws.col4row[cur] < 0 && !lap_augment(w, n, s, cols, cur, ws)) return kLapNoPath;
  double total = 0.0;
  for (int i = 0; i < n; ++i) {
    const int j = ws.col4row[i];
    assignment[i] = j < s ? j : -1;
    if (j < s) total += w[static_cast<std::uint64_t>(i) * static_cast<std::uint64_t>(s) + static_cast<std::uint64_t>(j)];
    row_duals[i] = -ws.u[i] - (private_cols ? ws.v[s + i] : 0.0);  // a_i = -u_i - v_{s+i}
  }
  for (int j = 0; j < s; ++j) col_duals[j] = -ws.v[j];  // b_j = -v_j
  *objective = total;
  return kLapSolved;
}

}  // namespace ivassign::kernels
