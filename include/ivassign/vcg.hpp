// ivassign/vcg.hpp — VCG transfers for the efficient matching (assignment paper, Section 4.2).
//
// x_i = sum_{k != i} g_k(z*) - max_{z in Z_-i} sum_{k != i} g_k(z)     (x_i <= 0: buyer i pays -x_i)
// Needs n + 1 optima: the full one (given) and one "minus-i" optimum per buyer (buyer i removed).
// Without externalities all minus-i optima come at once from the full LAP optimum and its duals:
// the smallest competitive-equilibrium prices p (one Dijkstra over sellers, O(s^2 + n s)) are the
// VCG prices (Leonard 1983), so max_{Z_-i} = W* - w_{i,sigma(i)} + p_{sigma(i)}, exact; the given
// full optimum's duals are checked and reused, so VCG costs little more than one solve. With externalities each minus-i search starts from the full matching with
// i removed (tabu) and runs in parallel over buyers.
// Guarantees kept whatever the solver (heuristics included), docs/certification.md:
//  * the full value is at least every minus-i matching extended by i's best free seller, and no buyer's
//    removal raises it: when the solver's full matching loses to one, it replaces it (`full_improved`);
//    the pass repeats until nothing improves;
//  * the minus-i value L_-i is the exact value of a checked matching of Z_-i, never below the full
//    matching with i removed (removing i only removes costs c >= 0), so x_i <= 0 and g_i + x_i >= 0;
//  * certified bounds: `welfare_upper_bound` U >= W* and `minus_i_upper_bound` U_-i >= W*_-i (the smallest
//    of the solver's bound, the problem without externalities and, with externalities, a Lagrangian bound
//    that prices them: src/vcg/minus_i_bound.cpp, budget VcgOptions::bound_iterations, bound_work_limit
//    and bound_time_limit), each raised by the documented rounding slack (tolerances.hpp); a bound below the
//    value it bounds is an Error, never clamped;
//  * `transfer_interval[i]` = [x_i - (U_-i - L_-i), x_i] holds the exact transfer of the charged matching,
//    `utility_interval[i]` = [W - U_-i, U - L_-i] the exact VCG utility W* - W*_-i, `stage2_gain_bound[i]`
//    bounds buyer i's gain from any misreport under this VCG as implemented; `proven[i]`, `welfare_proven`
//    and `transfers_certified` say which gaps are within `certified_tolerance`.
// With the shared descent (large problems) the Lagrangian bound runs before the minus-i searches, and the
// descent from its best LAP maximizer replaces the full matching when it ends higher. Costs c < 0 are
// refused (InputError), as the instance reader refuses them.
//
//   auto full = ivassign::solve_assignment(problem);
//   auto vcg  = ivassign::vcg_transfers(problem, full);
//   for (int i = 0; i < n; ++i) pay(i, -vcg.transfers[i]);
#pragma once
#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "ivassign/assignment.hpp"
#include "ivassign/progress.hpp"
#include "ivassign/tasks.hpp"

namespace ivassign {

/// VCG's settings: the search (the full solve of solve_with_vcg and every minus-i search), the budget of the
/// externality-aware bound on the minus-i optima the searches leave unproven, and progress. Ranges,
/// defaults and help of the scalars: option_table<VcgOptions>() (ivassign/options.hpp), checked with the
/// search's by validate(const VcgOptions&) before any work.
struct VcgOptions {
  VcgOptions() = default;
  /// The search's settings with the bound's defaults (a SolverOptions converts: vcg_transfers(p, full, solver)).
  VcgOptions(SolverOptions search_options) : search(std::move(search_options)) {}  // NOLINT: implicit by design

  SolverOptions search;
  /// Iterations of the externality-aware Lagrangian bound on the minus-i optima that the searches leave
  /// unproven (src/vcg/minus_i_bound.cpp), one LAP of the penalized weights each; 0 keeps the bound without
  /// externalities.
  int bound_iterations = 1000;
  /// A cap on that bound's work in weights priced (pricing rounds x n x s; each step's LAP takes one round, or
  /// a few where pairs price in: lap::PricedLap), checked after each iteration: the default 2e10 gives the 1000
  /// iterations to spectrum 1000 x 4000 (4e6 weights a round, 2 to 3 rounds a step); being counted, not timed,
  /// it keeps reports reproducible. Where it affords fewer than both bound_iterations and 100 one-round
  /// steps, VCG skips the bound: its first tens of steps do not move it, so they would only cost time.
  double bound_work_limit = 2e10;
  /// Seconds for that bound, checked after each iteration (default infinity: none). A clock makes the bound,
  /// hence transfer_interval, depend on the machine and its load; the work limit does not.
  double bound_time_limit = std::numeric_limits<double>::infinity();
  /// A cap on the report-independent minus-i searches, in n x n x s (n searches of the n x s problem): where
  /// the minus-i searches are heuristic, each buyer's minus-i problem is also searched from scratch with that
  /// buyer's report erased, and L_-i is at least its value F_i, whatever the buyer reports; that makes
  /// stage2_gain_bound at most U - F_i - u_i (docs/certification.md). Default 2.5e8 (spectrum 200 x 800:
  /// 3.2e7); above it, or at 0, none run.
  double floor_work_limit = 2.5e8;
  /// With the shared minus-i searches (large problems with externalities): the fraction of the searches done
  /// and "VCG minus-i searches <done> of <total>", as each group of about 64 ends (ivassign/progress.hpp).
  ProgressFn progress;
};

struct VcgResult {
  std::vector<int> assignment;          ///< the matching charged (the given one, or an improvement)
  std::vector<double> payoffs;          ///< g_i(z*)
  std::vector<double> transfers;        ///< x_i <= 0
  /// L_-i: the exact value (re-evaluated, not a search's tracked value) of the best matching of Z_-i found
  std::vector<double> minus_i_welfare;
  /// U_-i >= W*_-i, certified: L_-i where an exact solver proved it (a point); else the smallest of the
  /// search's bound, the LAP without externalities and the Lagrangian bound, raised by the slack
  /// kCertifiedSlack (1 + A) of tolerances.hpp: the bound, never the value found
  std::vector<double> minus_i_upper_bound;
  std::vector<char> proven;             ///< proved by an exact solver, or U_-i - L_-i <= certified_tolerance
  std::vector<double> transfer_error_bound; ///< U_-i - L_-i: how much x_i may be too high (= hi - lo of
                                            ///< transfer_interval; 0 where an exact solver proved it)
  /// [lo, hi] holding the exact VCG transfer of the charged matching, sum_{k != i} g_k(z) - W*_-i:
  /// lo = x_i at U_-i (minus_i_upper_bound), hi = x_i at L_-i (minus_i_welfare) = transfers[i]; a point to
  /// the tolerance when proven.
  std::vector<std::array<double, 2>> transfer_interval;
  /// [W - U_-i, U - L_-i] holding the exact VCG utility W* - W*_-i of buyer i.
  std::vector<std::array<double, 2>> utility_interval;
  /// Certified bound on what buyer i gains, in true utility, by any misreport of its row of w and of its
  /// costs c_i under this VCG as implemented (heuristic searches included), docs/certification.md:
  /// min(max_j w_ij^+ - (W - L_-i), (U - W) + (U_-i - L_-i) where every minus-i value is exact whatever i
  /// reports) + slack; 0 within the tolerance when the mechanism is exact.
  std::vector<double> stage2_gain_bound;
  /// The welfare gap and every minus-i width U_-i - L_-i within certified_tolerance (every interval a point).
  bool transfers_certified = true;
  bool full_improved = false;           ///< a better matching than the given one is charged (a minus-i
                                        ///< extension, the descent from the externality bound's best LAP
                                        ///< maximizer, or without externalities the LAP optimum)
  double welfare = 0.0;                 ///< W = sum_i g_i(z*)
  /// U >= W*, certified: the smallest of the solver's bound, the LAP without externalities and the
  /// Lagrangian bound (when VCG ran it), raised by kCertifiedSlack (1 + A); W where an exact solver proved
  /// the charged matching; an error (Error) when below W.
  double welfare_upper_bound = 0.0;
  double welfare_gap = 0.0;             ///< U - W >= 0
  bool welfare_proven = false;          ///< proved by an exact solver, or the gap within certified_tolerance
  /// kCertifiedGap (1 + A) of tolerances.hpp: a gap or width at most this is proven
  double certified_tolerance = 0.0;
  bool optimal = false;                 ///< welfare and every minus-i optimum proven
};

/// VCG transfers for the matching `full` (normally the result of solve_assignment on `problem`).
/// The minus-i problems are solved with `options.search`, in parallel over buyers.
VcgResult vcg_transfers(const AssignmentProblem& problem, const AssignmentResult& full,
                        const VcgOptions& options = {});

/// The efficient matching and its VCG transfers in one call (`full_out`: the solver's result).
VcgResult solve_with_vcg(const AssignmentProblem& problem, const VcgOptions& options = {},
                         AssignmentResult* full_out = nullptr);

// ---- one VCG in buyer tasks, for a scheduler of the caller's -------------------------------------
// The n minus-i searches are independent given the full matching: a VcgPlan numbers them in buyer
// tasks (a group of about 64 buyers whose searches share one table with the shared descent, one buyer
// otherwise, none when the LAP's prices give every minus-i optimum). A part depends on its tasks
// alone, so any split into ranges, run anywhere (MPI ranks in the CLI), passed to finish in task order,
// gives vcg_transfers's result bit for bit (vcg_transfers is this with one range):
//
//   VcgPlan plan(problem, full, options);               // on every worker (deterministic)
//   parts: for ranges covering [0, plan.buyer_tasks()): plan.minus_i(range)
//   VcgResult vcg = plan.finish(parts);                 // the bounds and the consistency fixed point

/// The minus-i searches of buyers [first, first + minus_i_welfare.size()): per buyer the value found,
/// the solver's bound (+inf when none), whether proven, and the matching found (empty for buyers the
/// problem does not allow: nothing to charge).
struct VcgPart {
  int first = 0;
  std::vector<double> minus_i_welfare;
  std::vector<double> minus_i_upper_bound;
  std::vector<char> proven;
  std::vector<std::vector<int>> minus_i_assignment;
  /// F_i: the value of buyer i's report-independent minus-i search (VcgOptions::floor_work_limit); empty
  /// where none ran.
  std::vector<double> minus_i_floor;
};

/// One VCG split into buyer tasks. Holds references to `problem` (keep it alive) and a copy of `full`.
class VcgPlan {
 public:
  /// Validates like vcg_transfers; builds what every search needs (the shared descent's placement
  /// costs and the minus-i bounds without externalities, which are its searches' bounds).
  VcgPlan(const AssignmentProblem& problem, const AssignmentResult& full, const VcgOptions& options = {});
  ~VcgPlan();
  VcgPlan(VcgPlan&&) noexcept;
  VcgPlan& operator=(VcgPlan&&) noexcept;

  /// False where the LAP's prices give every minus-i optimum (no externalities, and choose_solver picks the
  /// LAP): no buyer tasks, finish computes VCG alone. True where VCG runs minus-i searches.
  bool needs_searches() const;
  /// needs_searches() of a plan for `problem` and `options`, without building one (nor validating): it
  /// reads only whether the problem has externalities and choose_solver(problem, options). The one test
  /// of that policy (the mechanism's LAP batching, the command line's split of one profile over ranks).
  static bool needs_searches(const AssignmentProblem& problem, const SolverOptions& options);
  /// Number of buyer tasks (0 when the minus-i optima come from the LAP's prices in finish).
  std::uint64_t buyer_tasks() const;
  /// The buyers [first, first + count) of tasks `range`.
  TaskRange buyers(TaskRange range) const;
  /// The minus-i searches of the buyers of tasks `range` (in parallel over its tasks, options.search.threads).
  VcgPart minus_i(TaskRange range) const;
  /// The transfers from every task's part, in task order (parts may hold several tasks each): the
  /// bounds of the unproven minus-i values (linear, Lagrangian), then vcg_transfers's guarantees.
  VcgResult finish(const std::vector<VcgPart>& parts) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// max over Z_-i of sum_{k != i} g_k, with its solver result (problem with buyer i excluded).
AssignmentResult solve_without_buyer(const AssignmentProblem& problem, int buyer,
                                     const SolverOptions& options = {});

}  // namespace ivassign
