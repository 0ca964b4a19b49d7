// src/solvers/branch_and_bound.hpp — the exact solver's tuning, for tests and benches
// (solve_branch_and_bound runs with the defaults).
#pragma once
#include <cstdint>

#include "ivassign/assignment.hpp"

namespace ivassign {

struct BranchAndBoundSettings {
  /// The search first runs with the Gilmore-Lawler bound alone for at most this many nodes (about the
  /// root steps' work): small trees finish before any multiplier is computed. 0: the Lagrangian
  /// bound from the root.
  std::int64_t probe_nodes = 1000;
  /// Subgradient steps on the root relaxation (at most; fewer when the root bound meets the
  /// incumbent), within root_time_share of a finite time limit. 0: all multipliers 0.
  int root_steps = 400;
  double root_time_share = 0.25;
};

AssignmentResult solve_branch_and_bound(const AssignmentProblem& problem, const SolverOptions& options,
                                        const BranchAndBoundSettings& settings);

}  // namespace ivassign
