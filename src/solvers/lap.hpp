// src/solvers/lap.hpp — the shortest-augmenting-path LAP engine behind solve_lap and the warm-started
// minus-i re-solves of VCG. Min-cost form on rows (buyers) and columns (sellers, plus one private
// "unmatched" column per row when partial matchings can matter).
#pragma once
#include <cstdint>
#include <limits>
#include <vector>

#include "ivassign/assignment.hpp"

namespace ivassign::lap {

class Engine {
 public:
  /// Sets up the problem (max w over partial matchings, rows = allowed buyers). No solving yet.
  /// With `complete`, every row must be matched (needs rows <= sellers; no private columns).
  explicit Engine(const AssignmentProblem& problem, bool complete = false);
  /// Augments every unassigned row (Jonker-Volgenant style shortest augmenting paths, Dijkstra on
  /// reduced costs with dual updates). O(rows^2 * columns) worst case.
  void solve();
  /// Starts from a given optimum and its duals (solve_lap's result) instead of solving: checks dual
  /// feasibility and complementary slackness to the engine's tolerance and returns false (state
  /// untouched: call solve()) when they do not hold, so a wrong certificate is never trusted.
  bool warm_start(const std::vector<int>& assignment, const std::vector<double>& row_duals,
                  const std::vector<double>& col_duals);
  /// Takes row `buyer` out of an optimal state and restores optimality (assignment and duals) with one
  /// alternating path from the column it freed: a Dijkstra over reduced costs that stops as soon as
  /// no longer path can do better, O(rows) per row it reaches. With `keep_duals` false the search
  /// stops sooner (it also uses the smallest price of a column a path can end at) and the duals are
  /// left invalid: the assignment and objective are optimal, but no further removal or dual query.
  void remove_row(int buyer, bool keep_duals = true);
  /// Optional: the weights column by column (s x n, w_ij at [j * n + i]), shared by every copy of
  /// the engine; remove_row then scans a column contiguously instead of with stride s.
  void set_columns(const std::vector<double>* weights_by_column) { by_column_ = weights_by_column; }

  std::vector<int> assignment() const;  ///< seller of every buyer, or -1
  double objective() const;             ///< sum of w over matched pairs
  std::vector<double> row_duals() const;
  std::vector<double> col_duals() const;
  std::int64_t augmentations() const { return augmentations_; }

 private:
  double cost(int row, int col) const;  // +inf where no edge
  void augment(int row);

  const AssignmentProblem& p_;
  int n_ = 0, s_ = 0, cols_ = 0;
  bool dummies_ = false;
  double tight_ = 0.0;  // reduced costs below this are tight (rounding of the dual updates)
  const std::vector<double>* by_column_ = nullptr;
  bool duals_valid_ = true;
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
