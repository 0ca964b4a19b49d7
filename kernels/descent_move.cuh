// kernels/descent_move.cuh — the gain of one candidate move of the descent (src/solvers/local_search.hpp),
// one source for the CPU loop (LocalSearch::best_move_of) and the device's batched scoring
// (kernels/device_descent.cu): relocation to a free seller, leaving, replacement of a seller's
// owner, swap with it, or ejection of it, all read from the interaction table H.
//
// G(i, j) = w_ij - H(i, j) is what buyer i at seller j adds against the matching; G(i, z_i) of the
// matched buyers is kept (gown). pair(i, j, k, b) = c_ij^kb + c_kb^ij.
#pragma once
#include <math.h>
#include <stdint.h>

#include "kernels/hd.h"

namespace ivassign {
namespace kernels {

/// A scored move of buyer i: kind 0 none, 1 relocate to `target` (a free seller, or -1: leave),
/// 2 swap with the owner of `target`, 3 take `target`, its owner leaves (replace or eject).
struct DescentMove {
  double gain;
  int kind;
  int target;
};

/// What the device's move choice (device::DescentState::best_move) found in a window of buyers:
/// the offset of the first allowed buyer whose best move gains more than the tolerance (the buyer
/// the CPU loop moves next) with that move, or offset = the window's length and kind 0 when none.
struct DescentChoice {
  int offset;
  int kind;
  int target;
};

/// What buyer i's candidates read: its seller a (-1 when unmatched), G(i, a) (0 when unmatched),
/// row i of w and H, column a of w and H (entry k at w_col[k * col_stride]: the CPU reads rows of
/// the transposes, stride 1; the device reads the columns in place, stride s; null when a < 0),
/// the owner of each seller (-1 when free) and G(k, z_k) of every matched buyer.
struct DescentRow {
  int i, a;
  double ga;
  const double *w_row, *h_row, *w_col, *h_col;
  int64_t col_stride;
  const int* owner;
  const double* gown;
};

/// The move of buyer i to seller j (j = -1: leave). `near(j)` says whether i at a and the owner of
/// j can interact (false only when their pair costs are 0 for every buyer pair); `pair` as above.
/// Candidates that are not moves (j == a, leaving while unmatched) score -inf, kind 0.
template <class Near, class Pair>
IVA_HD DescentMove descent_move(const DescentRow& r, int j, const Near& near, const Pair& pair) {
  DescentMove m{-HUGE_VAL, 0, j};
  if (j < 0) {
    if (r.a >= 0) {
      m.gain = -r.ga;
      m.kind = 1;
    }
    return m;
  }
  if (j == r.a) return m;
  const int k = r.owner[j];
  const double gij = r.w_row[j] - r.h_row[j];
  if (k < 0) {
    m.gain = gij - r.ga;
    m.kind = 1;
    return m;
  }
  if (r.a < 0) {
    m.gain = gij - r.gown[k];  // i replaces k, k leaves
    m.kind = 3;
    return m;
  }
  // swap i (at a) and k (at j): the i-k interaction is counted in both old G's and in neither new one
  const bool close = near(j);
  const double old_pair = close ? pair(r.i, r.a, k, j) : 0.0;
  const double gka = r.w_col[k * r.col_stride] - r.h_col[k * r.col_stride];  // G(k, a)
  const double swap = gij + gka - r.ga - r.gown[k] - (close ? pair(r.i, j, k, r.a) : 0.0) - old_pair;
  // i takes j, k leaves: removing both loses G(i,a) + G(k,j) + their pair (counted in both G's)
  const double eject = gij - r.ga - r.gown[k] - old_pair;
  m.gain = swap < eject ? eject : swap;
  m.kind = swap >= eject ? 2 : 3;
  return m;
}

/// Candidate order of a buyer's moves: index 0 leaves, index j + 1 goes to seller j. The best move
/// is the highest gain, ties to the lowest index: what the CPU's scan in index order with a strict
/// ">" keeps, and a total order, so a parallel reduction in any grouping picks the same move.
IVA_HD bool descent_better(double gain_a, int index_a, double gain_b, int index_b) {
  return gain_a > gain_b || (gain_a == gain_b && index_a < index_b);
}

/// c_ij^pq of the factored form (include/ivassign/assignment.hpp, ExternalityCosts): the sum over
/// the terms t with weight[i][t] != 0 of weight[i][t] * buyer[t][i][p] * seller[t][j][q], in t order;
/// 0 when p == i or q == j. AssignmentProblem::pair_cost calls this, so host and device agree.
IVA_HD double factored_pair_cost(const double* weight, const double* buyer, const double* seller, int terms,
                                 int64_t n, int64_t s, int i, int j, int p, int q) {
  if (p == i || q == j) return 0.0;
  double c = 0.0;
  for (int t = 0; t < terms; ++t) {
    const double w = weight[i * static_cast<int64_t>(terms) + t];
    if (w == 0.0) continue;
    c += w * buyer[(t * n + i) * n + p] * seller[(t * s + j) * s + q];
  }
  return c;
}

}  // namespace kernels
}  // namespace ivassign
