// src/solvers/descent.hpp — the entry point of the local search (solve_descent) for callers that
// share the interaction table between solves, mask a buyer, or already hold the linear bound.
#pragma once
#include <limits>

#include "ivassign/assignment.hpp"
#include "solvers/placement_costs.hpp"

namespace ivassign {

/// Local search with the interaction table (see include/ivassign/solvers.hpp, solve_descent).
/// `costs` is shared between solves of the same problem; `excluded`, when >= 0, is a buyer that may
/// not be matched (in addition to problem.allowed), so no copy is needed. `linear_bound`, when not
/// NaN, is the optimum of the problem without externalities (with the same mask): given it and
/// options.initial_assignment, the search skips its own LAP (bound and start).
AssignmentResult descent_search(const PlacementCosts& costs, const SolverOptions& options, int excluded = -1,
                                double linear_bound = std::numeric_limits<double>::quiet_NaN());

}  // namespace ivassign
