// src/solvers/lap_priced.hpp — the LAP of a dense weight matrix solved on each row's few best columns and
// made exact by pricing (column generation), with the smallest equilibrium prices that give every
// minus-i optimum at once. It serves the Lagrangian bound's iterates (src/vcg/minus_i_bound.cpp), whose
// weights change little from one step to the next, where a dense Jonker-Volgenant solve of the square
// form would cost O(cols^2) memory traffic per step (1.2 s at 1000 x 4000).
#pragma once
#include <cstdint>
#include <utility>
#include <vector>

namespace ivassign::lap {

/// Max sum_i w_{i x_i} over partial matchings x of the active rows of a dense rows x cols matrix.
/// Algorithm, one round:
///  1. solve the LAP on the candidate pairs (square, lap_priced.cpp: a zero-weight dummy per row and per
///     column; pairs of weight <= 0 never beat leaving the row unmatched and are left out), from the last
///     solve's duals (solve_sparse_square);
///  2. take the candidates' smallest competitive-equilibrium prices p (Demange, Gale and Sotomayor 1986:
///     one Dijkstra over the columns from the optimal duals, as lap::Engine::minimal_prices);
///  3. price every pair: u_i = max(0, max_j w_ij - p_j) over all columns; a pair with
///     w_ij - p_j > u_i^cand + tol joins the candidates, and the round repeats.
/// When no pair joins, (u, p) is feasible for the whole matrix's dual, so the candidates' optimum is the
/// whole matrix's, and p its smallest equilibrium prices (each problem's smallest prices are an
/// equilibrium of the other, so they coincide). Whatever the rounds, for every p >= 0 weak duality gives
///   W* <= sum_k u_k + sum_j p_j = `dual`,   W*_-i <= dual - u_i   (Leonard 1983: equal at the smallest prices),
/// with u taken over every column, so the bounds hold even for pairs whose violation is within tol.
/// Candidates: each active row's `first_candidates` best columns at the first solve, then every pair that
/// priced in; they persist between solves, so nearby weights (subgradient steps) mostly need one round.
/// Cost per round: O(rows x cols) for the pricing scan (streaming, vectorizable) plus the sparse LAP on
/// the candidates, O(rows (nnz_row + log cols)) per shortest-path search; memory O(rows x cols) bytes
/// for the candidates' membership.
class PricedLap {
 public:
  /// `threads`: the pricing scan's rows in parallel (the result is the same for any count).
  PricedLap(int rows, int cols, std::vector<char> active, int first_candidates = 8, int threads = 1);

  struct Solution {
    std::vector<int> assignment;   ///< column of each row, -1 unmatched or inactive
    double value = 0.0;            ///< sum of w on the assignment
    std::vector<double> price;     ///< p_j >= 0: the smallest equilibrium prices when exact
    std::vector<double> payoff;    ///< u_i = max(0, max_j w_ij - p_j) over every column; 0 when inactive
    double dual = 0.0;             ///< sum u + sum p >= W* (= W* up to rounding)
    int rounds = 0;                ///< sparse solves of this call
    std::int64_t candidates = 0;   ///< candidate pairs after it
  };

  /// w: rows x cols, row-major, finite. The result stays valid until the next call.
  const Solution& solve(const std::vector<double>& w);

  /// The upper bound on the optimum without row i (i active): dual - u_i.
  double minus_bound(int i) const { return solution_.dual - solution_.payoff[static_cast<std::size_t>(i)]; }

 private:
  void first_candidates(const std::vector<double>& w);
  void solve_candidates(const std::vector<double>& w, std::vector<double>& row_dual);
  void smallest_prices(const std::vector<double>& w, const std::vector<double>& row_dual);
  bool price_out(const std::vector<double>& w);
  bool price_row(const std::vector<double>& w, int i);

  int rows_ = 0, cols_ = 0, first_ = 0, threads_ = 1;
  std::vector<char> active_;
  std::vector<int> active_rows_;              ///< the active rows in order: the candidates' LAP's real rows
  std::vector<std::vector<int>> candidates_;  ///< per row, the candidate columns
  std::vector<char> member_;                  ///< rows x cols: (i, j) is a candidate
  std::vector<int> row_of_col_;               ///< the row a column is matched to, -1
  std::vector<double> duals_;                 ///< the square candidates' LAP's column duals and
  std::vector<int> matching_;                 ///< matching: the next solve's start
  Solution solution_;
};

}  // namespace ivassign::lap
