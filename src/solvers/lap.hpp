// src/solvers/lap.hpp — the shortest-augmenting-path LAP engine behind solve_lap and the warm-started
// minus-i re-solves of VCG. Min-cost form on rows (buyers) and columns (sellers, plus one private
// "unmatched" column per row when partial matchings can matter).
#pragma once
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "ivassign/assignment.hpp"
#include "ivassign/error.hpp"
#include "ivassign/solvers.hpp"

namespace ivassign::lap {

/// A complete matching (every row matched) was asked for and none avoids the forbidden pairs
/// (solvers.hpp); the engines throw it with the rows of their own problem.
using Infeasible = InfeasibleMatching;
/// Its message: "... the k buyers {..} have finite weights only with the k - 1 sellers {..} ...".
std::string infeasible_message(const std::vector<int>& rows, const std::vector<int>& cols, bool transposed);

/// Square dense LAP, maximizing sum profit[i * n + x_i] over permutations x (lap_dense.cpp):
/// Jonker-Volgenant (column reduction, augmenting row reduction, shortest augmenting paths that
/// settle tied columns together). O(n^3) worst case, O(n^2) typical on random costs; O(n) memory
/// beyond the matrix. v: the min-cost column duals (cost -profit; reduced costs -p_ij - u_i - v_j
/// >= 0 up to rounding, 0 on x). Returns the number of shortest-path searches.
std::int64_t solve_square(const double* profit, int n, std::vector<int>& col_of_row, std::vector<double>& v);

/// The index of the first NaN or +inf weight, w.size() when there is none.
std::size_t first_invalid_weight(const std::vector<double>& w);

/// min and max of the active rows' weights (NaN ignored), whether any is NaN, the largest finite |w|.
struct WeightRange {
  double min = std::numeric_limits<double>::infinity(), max = -std::numeric_limits<double>::infinity();
  double magnitude = 0.0;
  bool nan = false;
};
WeightRange weight_range(const AssignmentProblem& p, const std::vector<char>& active);

/// The precision of solve_dense's square JV scans. Auto: float32 on square forms of 256 rows or more
/// whose weights stay far from float's range, double otherwise; Float32: float32 wherever the range
/// allows (tests); Float64: double only. A float32 run is always certified and finished in double.
enum class Scan { Auto, Float64, Float32 };

/// An optimum of the max-weight matching of the active rows and its duals in solve_lap's form.
struct DenseSolution {
  std::vector<int> assignment;
  std::vector<double> row_duals, col_duals;
  std::int64_t searches = 0;  ///< shortest-path searches, float32 and double
  Scan scan = Scan::Float64;  ///< Float32 when a float32 run was made (then repaired / abandoned say how it ended)
  int passes = 0;             ///< passes over the double matrix certifying (and raising) the float32 duals
  int repaired = 0;           ///< rows still off their minimum after those passes, re-augmented in double
  bool abandoned = false;     ///< too many failed: the float32 result dropped, double finished from the hand-over
};
/// The problem as one square JV solve: partial matchings become complete ones on max(w, 0) (pairs
/// of value <= 0 read back as unmatched), more rows than columns are transposed, missing rows are
/// zero rows; the square, all-positive case runs on the weights in place. -inf weights are
/// forbidden pairs, never matched. false (nothing solved) for NaN or +inf weights, and for more rows
/// than columns when `complete`; Infeasible when `complete` and no matching of every row avoids
/// the forbidden pairs. Ties: the column reduction hands the columns in increasing order each to the
/// lowest-index free row among its cheapest (a constant matrix gives the identity), and a search
/// ends at the lowest-index free column among the closest. Square forms without forbidden pairs may
/// scan in float32 first (`scan`; lap_dense.cpp): the float32 matching and duals are checked in
/// double (reduced costs >= 0, 0 on the matching, to 8 ulps of the magnitudes) and the rows that fail
/// are finished by double shortest paths, so the result is the double optimum either way (with ties,
/// not necessarily the one the double run's tie rule picks); with a -inf weight the run is double.
bool solve_dense(const AssignmentProblem& p, const std::vector<char>& active, const WeightRange& range, bool complete,
                 DenseSolution& out, Scan scan = Scan::Auto);

/// solve_lap_sparse's algorithm on a square problem (c = -weight, every row matched), started from the
/// column duals v (min-cost form) and the matching x (column per row) when v has one entry per column:
/// rows whose pair of x is still tight keep it, the others are augmented (lap_sparse.cpp, run_from);
/// else from the column reduction. v returns the final duals (reduced costs c_ij - u_i - v_j >= 0 up to
/// rounding, 0 on the matching), so that a nearby problem can start from them with the result.
std::vector<int> solve_sparse_square(const SparseLapProblem& problem, std::vector<double>& v, const std::vector<int>& x);

class Engine {
 public:
  /// Sets up the problem (max w over partial matchings, rows = allowed buyers). No solving yet.
  /// With `complete`, every row must be matched (needs rows <= sellers; no private columns).
  explicit Engine(const AssignmentProblem& problem, bool complete = false);
  /// Solves from scratch with the dense Jonker-Volgenant kernel (solve_dense) when the state is
  /// fresh and `dense` is set, its certificate checked by warm_start; otherwise (or when the check
  /// fails) augments every unassigned row by shortest augmenting paths (Dijkstra on reduced costs
  /// with dual updates over the private columns). O(rows^2 * columns) worst case.
  void solve(bool dense = true);
  /// Starts from a given optimum and its duals (solve_lap's result) instead of solving: checks dual
  /// feasibility and complementary slackness to the engine's tolerance and returns false (state
  /// untouched: call solve()) when they do not hold, so a wrong certificate is never trusted.
  bool warm_start(const std::vector<int>& assignment, const std::vector<double>& row_duals,
                  const std::vector<double>& col_duals);
  /// Takes row `buyer` out of an optimal state and restores optimality (assignment and duals) with one
  /// alternating path from the column it freed: a Dijkstra over reduced costs that stops as soon as
  /// no longer path can do better, O(rows) per row it reaches.
  void remove_row(int buyer);
  /// The smallest competitive-equilibrium prices p_j of the partial-matching problem at the current
  /// optimum (Demange, Gale & Sotomayor 1986): one Dijkstra over sellers with the current duals as
  /// potentials, O(s^2 + n s). By Leonard (1983) they are the VCG prices:
  /// W(Z_-i) = W* - w_{i,sigma(i)} + p_{sigma(i)} for every matched buyer i (W* for unmatched ones).
  std::vector<double> minimal_prices() const;

  std::vector<int> assignment() const;  ///< seller of every buyer, or -1
  double objective() const;             ///< sum of w over matched pairs
  std::vector<double> row_duals() const;
  std::vector<double> col_duals() const;
  std::int64_t augmentations() const { return augmentations_; }
  const WeightRange& range() const { return range_; }  ///< of the allowed buyers' weights

 private:
  double cost(int row, int col) const;  // +inf where no edge
  void augment(int row);

  const AssignmentProblem& p_;
  int n_ = 0, s_ = 0, cols_ = 0;
  bool dummies_ = false, complete_ = false;
  WeightRange range_;
  double tight_ = 0.0;  // reduced costs below this are tight (rounding of the dual updates)
  std::vector<char> active_;
  std::vector<double> u_, v_;
  std::vector<int> col4row_, row4col_;
  std::int64_t augmentations_ = 0;
  // Dijkstra scratch
  std::vector<double> shortest_;
  std::vector<int> path_, remaining_;
  std::vector<char> sr_, sc_;
};

}  // namespace ivassign::lap
