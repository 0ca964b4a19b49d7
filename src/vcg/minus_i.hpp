// src/vcg/minus_i.hpp — VCG's drivers that compute every minus-i optimum at once: from the smallest
// equilibrium prices of one LAP (no externalities, or the linear bound of every minus-i problem),
// and with the local search shared across buyers (large problems with externalities).
#pragma once
#include <vector>

#include "ivassign/assignment.hpp"
#include "solvers/placement_costs.hpp"

namespace ivassign {

/// Without externalities: max over Z_-i of sum_k w for every buyer i from one LAP optimum and the
/// smallest equilibrium prices (Leonard 1983): W* - w_{i,sigma(i)} + p_sigma(i). `full`, when given,
/// is tried as a warm start (its certificate is checked). Also returns the optimum and its value.
std::vector<double> lap_minus_i_optima(const AssignmentProblem& problem, const AssignmentResult* full,
                                       std::vector<int>* sigma_out, double* best_out);

/// Every minus-i search of VCG at once: buyer i masked, started from `full` without i, with
/// `linear_bound[i]` as its bound. Each thread keeps one table at `full` and rolls each search back
/// to it through a move journal. Results for buyers the problem does not allow are left empty.
/// Objectives are the tracked values (exact up to rounding).
std::vector<AssignmentResult> descent_minus_i(const PlacementCosts& costs, const std::vector<int>& full,
                                              const SolverOptions& options, const std::vector<double>& linear_bound);

}  // namespace ivassign
