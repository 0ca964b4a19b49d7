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

 private:
  double cost(int row, int col) const;  // +inf where no edge
  void augment(int row);

  const AssignmentProblem& p_;
  int n_ = 0, s_ = 0, cols_ = 0;
  bool dummies_ = false;
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
