// src/vcg/minus_i.hpp — VCG's drivers that compute every minus-i optimum at once: from the smallest
// equilibrium prices of one LAP (no externalities, or the linear bound of every minus-i problem),
// and with the local search shared across buyers (large problems with externalities).
#pragma once
#include <cstdint>
#include <vector>

#include "ivassign/assignment.hpp"
#include "solvers/placement_costs.hpp"

namespace ivassign {

/// Without externalities: max over Z_-i of sum_k w for every buyer i from one LAP optimum and the
/// smallest equilibrium prices (Leonard 1983): W* - w_{i,sigma(i)} + p_sigma(i). `full`, when given,
/// is tried as a warm start (its certificate is checked). Also returns the optimum and its value.
std::vector<double> lap_minus_i_optima(const AssignmentProblem& problem, const AssignmentResult* full,
                                       std::vector<int>* sigma_out, double* best_out);

/// The groups of descent_minus_i's searches: one table serves the searches of a group, rebuilt at
/// `full` at the group's start and rolled back after each search (rollbacks are exact up to rounding
/// and keep the don't-look marks, so a search's result depends on the searches before it in its
/// group). Group g holds the allowed buyers whose 1-based rank k among the allowed buyers has
/// k / 64 == g (the first group 63 searches, then 64 each). Returns the first buyer of each group,
/// then n; a problem with no allowed buyer has one empty group.
std::vector<int> descent_minus_i_groups(const AssignmentProblem& problem);

/// The minus-i searches of VCG of the buyers of `groups` (ranges of descent_minus_i_groups's
/// groups, `bounds` its result): buyer i masked, started from `full` without i, with
/// `linear_bound[i]` as its bound; the groups run in parallel, each on one thread, so a buyer's
/// result depends only on its group (whatever the threads, the ranges or the processes). On the
/// device without a time limit every search starts from a fresh table (descend_together) and the
/// groups only choose the buyers. One entry per buyer; empty outside the groups and for buyers
/// the problem does not allow. Objectives are the tracked values (exact up to rounding).
std::vector<AssignmentResult> descent_minus_i(const PlacementCosts& costs, const std::vector<int>& full,
                                              const SolverOptions& options, const std::vector<double>& linear_bound,
                                              const std::vector<int>& bounds, std::uint64_t first_group,
                                              std::uint64_t group_count);

/// Every minus-i search (all groups of descent_minus_i_groups).
std::vector<AssignmentResult> descent_minus_i(const PlacementCosts& costs, const std::vector<int>& full,
                                              const SolverOptions& options, const std::vector<double>& linear_bound);

/// What the Lagrangian bound did (bench and tests).
struct LagrangianStats {
  int iterations = 0;          ///< subgradient steps taken
  std::int64_t pairs = 0;      ///< interacting pairs that got a multiplier
  double full_bound = 0.0;     ///< best bound on the full optimum
  double seconds = 0.0;
};

/// Externality-aware upper bounds on every minus-i optimum W*_-i (+inf for buyers not allowed).
/// For multipliers a_e in [0, 1] per interacting pair e = {a, b} of placements (C_e = c_a^b + c_b^a),
/// x_a x_b >= x_a + x_b - 1 and >= 0 give -C_e x_a x_b <= -a_e C_e (x_a + x_b - 1), so
///   W*_-i <= B_-i(a) = max_{Z_-i} sum_a (w_a - sum_{e ni a} a_e C_e) x_a + sum_e a_e C_e,
/// a LAP; pairs that involve buyer i only loosen B_-i (their terms are a_e C_e (1 - x_b) >= 0), so one
/// multiplier vector serves all n problems and the n LAP values come from one LAP optimum and its
/// smallest prices. a = 0 is the bound without externalities; the multipliers follow projected
/// subgradient steps on the full problem's bound (g_e = C_e (1 - x_a - x_b) at the LAP maximizer,
/// Polyak steps toward `target`, the full value found), and every iterate's B_-i is kept at its
/// minimum. Stops after options.bound_iterations steps or options.bound_time_limit seconds.
/// Per iteration O(LAP) = O(n^2 (s + n)) plus finding the interacting pairs of the maximizer
/// (PlacementCosts::for_each, O(n T deg) per placement for the factored form) and O(pairs).
std::vector<double> lagrangian_minus_i_bounds(const PlacementCosts& costs, double target, const SolverOptions& options,
                                              LagrangianStats* stats = nullptr);

}  // namespace ivassign
