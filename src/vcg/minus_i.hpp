// src/vcg/minus_i.hpp — VCG's drivers that compute every minus-i optimum at once: from the smallest
// equilibrium prices of one LAP (no externalities, or the linear bound of every minus-i problem),
// and with the local search shared across buyers (large problems with externalities).
#pragma once
#include <cstdint>
#include <vector>

#include "ivassign/assignment.hpp"
#include "ivassign/vcg.hpp"
#include "solvers/placement_costs.hpp"

namespace ivassign {

/// Without externalities: max over Z_-i of sum_k w for every buyer i from one LAP optimum and the
/// smallest equilibrium prices (Leonard 1983): W* - w_{i,sigma(i)} + p_sigma(i). `full`, when given,
/// is tried as a warm start (its certificate is checked). Also returns the optimum and its value.
std::vector<double> lap_minus_i_optima(const AssignmentProblem& problem, const AssignmentResult* full,
                                       std::vector<int>* sigma_out, double* best_out);

/// The groups of descent_minus_i's searches: one table serves the searches of a group, rebuilt at
/// `full` at the group's start, scored there once (LocalSearch::settle) and rolled back after each
/// search to that settled state (rollbacks are exact up to rounding, so a search's result depends on
/// the searches before it in its group only through the table's last bits; where `full` is not a
/// local optimum, nothing settles and each search rescans what the ones before it marked). Group g
/// holds the allowed buyers whose 1-based rank k among the allowed buyers has k / 64 == g (the first
/// group 63 searches, then 64 each). Returns the first buyer of each group, then n; a problem with no
/// allowed buyer has one empty group.
std::vector<int> descent_minus_i_groups(const AssignmentProblem& problem);

/// The minus-i searches of VCG of the buyers of `groups` (ranges of descent_minus_i_groups's
/// groups, `bounds` its result): buyer i masked, started from `full` without i, with
/// `linear_bound[i]` as its bound; the groups run in parallel, each on one thread, so a buyer's
/// result depends only on its group (whatever the threads, the ranges or the processes). On the
/// device the same groups, settles and rollbacks run on each thread's device state, so both
/// backends give the same results. One entry per buyer; empty outside the groups and for buyers
/// the problem does not allow. Objectives are the tracked values (exact up to rounding). The searches run
/// with options.search; options.progress hears of each group's end (common/progress.hpp).
std::vector<AssignmentResult> descent_minus_i(const PlacementCosts& costs, const std::vector<int>& full,
                                              const VcgOptions& options, const std::vector<double>& linear_bound,
                                              const std::vector<int>& bounds, std::uint64_t first_group,
                                              std::uint64_t group_count);

/// Every minus-i search (all groups of descent_minus_i_groups).
std::vector<AssignmentResult> descent_minus_i(const PlacementCosts& costs, const std::vector<int>& full,
                                              const VcgOptions& options, const std::vector<double>& linear_bound);

/// Buyer i's minus-i problem with i's report erased: i masked, and its row of w and the costs it bears
/// (dense c_i.^.., sparse entries of i, factored weight[i][t] and buyer[t][i][.]) zeroed, so that nothing
/// a search reads depends on what i reports. The same minus-i problem: a masked buyer holds nothing.
AssignmentProblem without_report(const AssignmentProblem& problem, int i);

/// Whether VCG runs the report-independent minus-i searches (src/vcg/minus_i_floor.cpp): externalities,
/// and n * n * s within options.floor_work_limit. Reads sizes, form and options, never a value, so that
/// a buyer's report cannot switch them off. VCG runs them only where its minus-i values are heuristic.
bool runs_floor_searches(const AssignmentProblem& problem, const VcgOptions& options);

/// Buyer i's report-independent minus-i search: solve_assignment on without_report(problem, i), from
/// scratch (no warm start from the full matching, which reads i's report), on one thread. Its value F_i,
/// taken on `problem` (i is unmatched: the others' reports only), floors L_-i whatever i reports.
AssignmentResult floor_search(const AssignmentProblem& problem, int i, const SolverOptions& options);

/// What the Lagrangian bound did (bench and tests).
struct LagrangianStats {
  int iterations = 0;          ///< subgradient steps taken
  std::int64_t pairs = 0;      ///< interacting pairs that got a multiplier
  double full_bound = 0.0;     ///< best bound on the full optimum
  double seconds = 0.0;
  /// The iterates' LAP maximizer of highest welfare (their objective, externalities included): the
  /// penalized weights steer it off conflicting placements, a start for a search (Lagrangian heuristic).
  std::vector<int> best_maximizer;
  double best_maximizer_value = 0.0;
};

/// Externality-aware upper bounds on every minus-i optimum W*_-i (+inf for buyers not allowed).
/// Over the held licence pairs e = {j, q} (those on which some LAP maximizer put two buyers that cost
/// each other something), with C_e(a, b) = c_aj^bq + c_bq^aj and free multipliers lambda_ej(a),
/// lambda_eq(b) (lambda(unmatched) = 0), every matching z with buyer h_j at j satisfies
///   sum_k g_k(z) <= sum_j (w - sum_{e ni j} lambda_ej)(h_j) + sum_e [lambda_ej(h_j) + lambda_eq(h_q) - C_e(h_j, h_q)]
/// (the costs of pairs not held only lower welfare), so
///   W*_-i <= LAP_-i(w') + sum_e E_e^{-i},  E_e^{-i} = max over labels a != b, both != i, of the bracket,
/// a LAP plus one maximum per pair: the Lagrangian dual of the RLT-1 marginalization
/// sum_b y_{aj,bq} = x_aj over the matching polytope, which is exact for one licence's rivals (a
/// multiplier per pair of placements, the linearization x_a x_b >= x_a + x_b - 1, pays a sum over them).
/// One multiplier vector serves all n problems; the n LAP values come from one LAP optimum and its
/// smallest prices, the E_e^{-i} from recomputing only the pairs whose maximizing labels name i. The
/// multipliers follow deflected subgradient steps on the full bound (Polyak steps toward the best
/// welfare known: `target`, the full value found, or an iterate's maximizer's); every iterate's B_-i is kept at its minimum, and its maximizer's welfare in stats. Stops after options.bound_iterations
/// steps, options.bound_work_limit weights priced or options.bound_time_limit seconds. Each iterate's LAP is
/// lap::PricedLap's (solvers/lap_priced.hpp): on each buyer's candidate licences, warm-started from the last
/// iterate's duals and matching, exact by pricing every pair, and its bounds hold for any prices it stops at.
/// Per iteration O(n s) per pricing round plus the sparse LAP on the candidates, plus finding the interacting pairs of the maximizer
/// (PlacementCosts::for_each, O(n T deg) per placement for the factored form) and O(sum_e |lambda_ej| |lambda_eq| T).
std::vector<double> lagrangian_minus_i_bounds(const PlacementCosts& costs, double target, const VcgOptions& options,
                                              LagrangianStats* stats = nullptr);

}  // namespace ivassign
