// kernels/lap_batch.cuh — one exact linear assignment problem per device thread or per thread block
// (the device batch, kernels/device_lap_batch.cu): maximize sum w_ij over partial matchings of an
// n x s weight matrix, with solve_lap's semantics and duals. Written once for a "team" of threads
// (LapSolo: one thread; a CUDA block; host threads in the tests): the team splits each row scan of
// the shortest-path step among its members and picks the step's column by a reduction whose order
// is total (LapPick), so every team size gives the same matching and the same duals bit for bit.
// Only the device batch runs it (and the host tests of its interleaved workspaces and of teams,
// tests/solvers/test_lap_batch_device.cpp, test_lap_team.cpp): the CPU batch
// (src/solvers/lap_batch.cpp) calls solve_lap, a different implementation: the dense kernel of
// src/solvers/lap_dense.cpp (LAPJV with augmenting row reduction on square forms, AVX2 row scans,
// float32 scans certified in double on large ones, the columns at the minimum distance settled
// together), src/solvers/lap.cpp's engine where that kernel does not apply. Both return an optimum
// with a dual certificate, but where several matchings are optimal the two may break the tie
// differently (another assignment, other duals, the same objective up to rounding).
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

/// The choice of one shortest-path step: the unsettled column with the smallest d_j, then a free one
/// (matched 0), then the lowest index j. A total order, so the team's choice does not depend on how
/// the columns were split among its threads.
struct LapPick {
  double d;
  int matched, j;
};
IVA_HD bool lap_before(const LapPick& a, const LapPick& b) {
  if (a.d != b.d) return a.d < b.d;
  if (a.matched != b.matched) return a.matched < b.matched;
  return a.j < b.j;
}

/// A team of threads that solves one problem together. Members: rank() in [0, size()); sync(), a
/// barrier after which every member sees what any member wrote before it; pick(mine), the smallest
/// LapPick of all members' (lap_before), returned to every member (a reduction with its own
/// barriers). LapSolo is one thread (the OpenMP device system, and small problems on CUDA); the CUDA
/// block team is in kernels/device_lap_batch.cu, a host-thread team in tests/solvers/test_lap_team.cpp.
/// Columns and rows are dealt round-robin: member t owns every entry e with e % size() == t.
struct LapSolo {
  IVA_HD int rank() const { return 0; }
  IVA_HD int size() const { return 1; }
  IVA_HD void sync() const {}
  IVA_HD LapPick pick(const LapPick& mine) const { return mine; }
};

#if defined(__CUDACC__)
#define IVA_LAP_TEAM_TEMPLATE _Pragma("nv_exec_check_disable")
#else
#define IVA_LAP_TEAM_TEMPLATE
#endif

/// One shortest augmenting path from the free row `cur` (Crouse 2016, Algorithm 1's inner loop) and
/// the dual update, by a team: each member relaxes its own columns from the row just reached and
/// offers its best; the team's pick settles one column per step. false (for every member) when no
/// free column is reachable (cannot happen with private columns).
IVA_LAP_TEAM_TEMPLATE
template <class Team>
IVA_HD bool lap_augment(const Team& team, const double* w, int n, int s, int cols, int cur, LapWork ws) {
  const double inf = HUGE_VAL;
  const int me = team.rank(), step = team.size();
  for (int j = me; j < cols; j += step) {
    ws.d[j] = inf;  // d_j: the shortest reduced path length from row cur to column j
    ws.sc[j] = 0;
  }
  for (int r = me; r < n; r += step) ws.sr[r] = 0;
  team.sync();
  double delta = 0.0;  // delta: the length of the last settled column's path
  int i = cur, sink = -1;
  while (sink < 0) {
    if (me == 0) ws.sr[i] = 1;
    const double* wi = w + static_cast<std::uint64_t>(i) * static_cast<std::uint64_t>(s);
    const double ui = ws.u[i];
    LapPick mine{inf, 1, -1};
    for (int j = me; j < cols; j += step) {
      if (ws.sc[j]) continue;
      // d_j = min(d_j, delta + cbar_ij), cbar_ij = c_ij - u_i - v_j (c_ij = -w_ij; +inf for w_ij = -inf)
      const double r = j < s ? delta - wi[j] - ui - ws.v[j] : (j - s == i ? delta - ui - ws.v[j] : inf);
      if (r < ws.d[j]) {
        ws.path[j] = i;
        ws.d[j] = r;
      }
      const LapPick c{ws.d[j], ws.row4col[j] >= 0 ? 1 : 0, j};
      if (lap_before(c, mine)) mine = c;
    }
    const LapPick best = team.pick(mine);
    if (best.j < 0 || !(best.d < inf)) return false;
    delta = best.d;  // delta = min over unsettled j of d_j
    if (best.j % step == me) ws.sc[best.j] = 1;
    if (ws.row4col[best.j] < 0)
      sink = best.j;
    else
      i = ws.row4col[best.j];
  }
  team.sync();
  if (me == 0) ws.u[cur] += delta;  // u_cur += delta
  for (int r = me; r < n; r += step)
    if (ws.sr[r] && r != cur) ws.u[r] += delta - ws.d[ws.col4row[r]];  // u_r += delta - d_{x_r}
  for (int j = me; j < cols; j += step)
    if (ws.sc[j]) ws.v[j] -= delta - ws.d[j];  // v_j -= delta - d_j
  team.sync();
  if (me == 0) {
    int j = sink;  // flip the path: each row on it takes the column it reached
    while (true) {
      const int r = ws.path[j];
      ws.row4col[j] = r;
      const int previous = ws.col4row[r];
      ws.col4row[r] = j;
      j = previous;
      if (r == cur) break;
    }
  }
  team.sync();
  return true;
}

/// Jonker & Volgenant's column reduction, for a square problem without private columns (every row and
/// column ends up matched, so no column needs v_j = 0): v_j = min_i c_ij, each column's cheapest row
/// matched when still free (columns from the last), then u_i = c_{i x_i} - v_{x_i} = 0 on matched rows
/// and u_i = min_j (c_ij - v_j) on free ones, so every cbar_ij >= 0 before the augmentations. The team
/// splits the columns, then the rows; one member matches.
IVA_LAP_TEAM_TEMPLATE
template <class Team>
IVA_HD void lap_column_reduction(const Team& team, const double* w, int n, LapWork ws) {
  const std::uint64_t n64 = static_cast<std::uint64_t>(n);
  const int me = team.rank(), step = team.size();
  for (int j = me; j < n; j += step) {
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
  team.sync();
  if (me == 0)
    for (int j = n - 1; j >= 0; --j) {
      const int i = ws.path[j];
      if (ws.col4row[i] < 0) {
        ws.col4row[i] = j;
        ws.row4col[j] = i;
      }
    }
  team.sync();
  for (int i = me; i < n; i += step) {
    const double* wi = w + static_cast<std::uint64_t>(i) * n64;
    if (ws.col4row[i] >= 0) {
      ws.u[i] = -wi[ws.col4row[i]] - ws.v[ws.col4row[i]];  // u_i = c_{i x_i} - v_{x_i}
      continue;
    }
    double low = HUGE_VAL;
    for (int j = 0; j < n; ++j) low = -wi[j] - ws.v[j] < low ? -wi[j] - ws.v[j] : low;
    ws.u[i] = low;  // u_i = min_j (c_ij - v_j)
  }
  team.sync();
}

/// The flat index of the problem's first NaN or +inf weight (-1: none) and its smallest weight, by a team.
IVA_LAP_TEAM_TEMPLATE
template <class Team>
IVA_HD std::int64_t lap_check_weights(const Team& team, const double* w, std::uint64_t size, double& min_w) {
  const double inf = HUGE_VAL;
  double bad = inf, low = inf;  // indices as doubles: exact below 2^53 weights
  for (std::uint64_t k = static_cast<std::uint64_t>(team.rank()); k < size; k += static_cast<std::uint64_t>(team.size())) {
    const double x = w[k];
    if ((x != x || x == inf) && bad == inf) bad = static_cast<double>(k);
    low = x < low ? x : low;
  }
  bad = team.pick(LapPick{bad, 0, 0}).d;
  min_w = team.pick(LapPick{low, 0, 0}).d;
  return bad < inf ? static_cast<std::int64_t>(bad) : -1;
}

/// Solves max sum w_ij (w: n x s, row-major) over partial matchings into assignment (n, -1 =
/// unmatched), row_duals (n), col_duals (s) and *objective (sum of the matched w_ij, row order), by a
/// team (LapSolo: one thread). Returns kLapSolved, kLapNoPath, or the flat index of the first NaN or
/// +inf weight (nothing solved), the same value to every member. Every step's choice is the same for
/// any team size (LapPick), and so is the arithmetic on each entry: a team returns bit for bit what
/// one thread returns.
IVA_LAP_TEAM_TEMPLATE
template <class Team>
IVA_HD std::int64_t lap_solve_one(const Team& team, const double* w, int n, int s, LapWork ws, int* assignment,
                                  double* row_duals, double* col_duals, double* objective) {
  const std::uint64_t size = static_cast<std::uint64_t>(n) * static_cast<std::uint64_t>(s);
  double min_w = HUGE_VAL;
  const std::int64_t bad = lap_check_weights(team, w, size, min_w);
  if (bad >= 0) return bad;
  const bool private_cols = n > s || !(min_w > 0.0);  // some buyer may prefer to stay unmatched
  const int cols = s + (private_cols ? n : 0), me = team.rank(), step = team.size();
  for (int i = me; i < n; i += step) {
    ws.u[i] = 0.0;
    ws.col4row[i] = -1;
  }
  for (int j = me; j < cols; j += step) {
    ws.v[j] = 0.0;
    ws.row4col[j] = -1;
  }
  team.sync();
  if (!private_cols && n == s) lap_column_reduction(team, w, n, ws);
  for (int cur = 0; cur < n; ++cur)
    if (ws.col4row[cur] < 0 && !lap_augment(team, w, n, s, cols, cur, ws)) return kLapNoPath;
  for (int i = me; i < n; i += step) {
    const int j = ws.col4row[i];
    assignment[i] = j < s ? j : -1;
    row_duals[i] = -ws.u[i] - (private_cols ? ws.v[s + i] : 0.0);  // a_i = -u_i - v_{s+i}
  }
  for (int j = me; j < s; j += step) col_duals[j] = -ws.v[j];  // b_j = -v_j
  if (me == 0) {
    double total = 0.0;  // in row order, by one member: the same sum for every team size
    for (int i = 0; i < n; ++i) {
      const int j = ws.col4row[i];
      if (j < s) total += w[static_cast<std::uint64_t>(i) * static_cast<std::uint64_t>(s) + static_cast<std::uint64_t>(j)];
    }
    *objective = total;
  }
  return kLapSolved;
}

/// lap_solve_one by one thread.
IVA_HD std::int64_t lap_solve_one(const double* w, int n, int s, LapWork ws, int* assignment, double* row_duals,
                                  double* col_duals, double* objective) {
  return lap_solve_one(LapSolo{}, w, n, s, ws, assignment, row_duals, col_duals, objective);
}

}  // namespace ivassign::kernels
