// ivassign/mechanism.hpp — the two-stage mechanism of the assignment paper (Sections 3-4).
//
// Stage 1: buyers report signals r; the mechanism posts rho(r) and pays the spherical-score
// rewards xi_i(r) = delta P_-i(r_-i|r_i) / ||P_-i(.|r_i)||_2. Stage 2: buyers report valuations and
// externalities; the mechanism picks the efficient matching at rho(r) and charges VCG transfers.
// run_mechanism computes, per reported profile, the report of report-format.md, and for the
// prior the informational sizes nu_i, delta.theorem1 and delta.exact (the smallest delta making
// truthful stage-1 reports a Bayes-Nash equilibrium; needs the solver on every profile and every
// unilateral stage-1 lie: (1 + n + sum_i (K_i - 1)) solves per profile, batched over all cores).
//
//   ivassign::MechanismOptions opt;                      // delta: exact
//   auto report = ivassign::run_mechanism(inst, {inst.observed}, opt);
//   std::cout << ivassign::report_to_json(report);
#pragma once
#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ivassign/assignment.hpp"
#include "ivassign/backend.hpp"
#include "ivassign/instance.hpp"
#include "ivassign/posterior.hpp"
#include "ivassign/progress.hpp"
#include "ivassign/tasks.hpp"
#include "ivassign/vcg.hpp"

namespace ivassign {

/// The reward scale delta: Exact (the smallest that works; an error when out of reach), Theorem1 (the
/// paper's sufficient condition; an estimate when the measures are sampled), Theorem1Certified (the
/// same condition from bounds that hold with certainty: delta_theorem1_certified; equal to Theorem1
/// with exact measures), Value (given), Auto (Exact when within max_exact_profiles and max_exact_work,
/// else Theorem1Certified).
enum class DeltaMode { Exact, Theorem1, Value, Auto, Theorem1Certified };

/// The mechanism's settings. Ranges, defaults and help of the scalars: option_table<MechanismOptions>() (and
/// VcgOptions', SolverOptions', MeasureOptions' for the nested ones; ivassign/options.hpp), all checked by
/// validate(const MechanismOptions&) before plan_mechanism builds anything.
struct MechanismOptions {
  DeltaMode delta_mode = DeltaMode::Auto;
  double delta_value = 0.0;       ///< used when delta_mode == Value; >= 0
  bool compute_exact_delta = true;  ///< false: delta.exact is reported as null (cannot be used)
  ProgressFn progress;              ///< optional: stages and counts of the run, the minus-i searches included
  Backend backend = Backend::Auto;
  /// The efficient matching's search (vcg.search) and VCG's: the minus-i searches and the bound. vcg.progress
  /// is not read: `progress` reports the whole run, VCG's minus-i searches included.
  VcgOptions vcg;
  MeasureOptions measures;        ///< how nu_i, S_i, D_i are computed (tensor, count vectors, sampling)
  int threads = 0;                ///< 0: all cores
  /// delta.exact solves every profile; refused above this many profiles (use theorem1 or a value).
  std::uint64_t max_exact_profiles = 1u << 20;
  /// ... and above this many assignment solves (exact_delta_work: a solve with externalities, a QAP,
  /// counts 256), so that a run that would take hours is refused at once with a clear message.
  std::uint64_t max_exact_work = 1u << 22;
};

/// The work delta.exact needs: P profiles x (1 + sum_i (K_i - 1)) solves (the truthful one and
/// every stage-1 lie), x 256 with externalities; saturates at UINT64_MAX.
std::uint64_t exact_delta_work(const Instance& instance);
/// True when delta.exact is within both limits of `options`.
bool exact_delta_affordable(const Instance& instance, const MechanismOptions& options);

struct ProfileOutcome {
  std::vector<int> profile;          ///< reported signals r
  std::vector<double> posterior;     ///< rho(r)
  std::vector<int> assignment;       ///< seller of buyer i or -1
  double welfare = 0.0;              ///< sum_i g_i at rho(r)
  std::vector<double> payoffs;       ///< g_i
  std::vector<double> transfers;     ///< VCG x_i <= 0
  std::vector<double> rewards;       ///< xi_i(r) with delta.used
  std::vector<double> minus_i_welfare;
  std::vector<char> minus_i_proven;          ///< per buyer: minus-i optimum proven
  std::vector<double> transfer_error_bound;  ///< per buyer: how much x_i may be too high (0 when proven)
  std::vector<std::array<double, 2>> transfer_interval;  ///< per buyer: [lo, hi] holding the exact x_i
  /// The certified outcome (VcgResult; report-format.md, "Certified outcomes"): U >= W*, U - W, U_-i >= W*_-i,
  /// [W - U_-i, U - L_-i] holding W* - W*_-i, and the bound on each buyer's gain from a stage-2 misreport.
  double welfare_upper_bound = 0.0;
  double welfare_gap = 0.0;
  std::vector<double> minus_i_upper_bound;
  std::vector<std::array<double, 2>> utility_interval;
  std::vector<double> stage2_gain_bound;
  double certified_tolerance = 0.0;  ///< a gap at most this counts as proven (tolerances.hpp)
  /// delta.used ||P(.|r_i)||_2: buyer i's expected stage-1 reward under truthful reports, given its signal r_i
  std::vector<double> expected_rewards;
  bool transfers_certified = true;   ///< welfare gap and every U_-i - L_-i within certified_tolerance
  std::string solver;                ///< algorithm of the full solve
  Backend solver_backend = Backend::Cpu;  ///< where it ran
  double solve_seconds = 0.0;        ///< full solve and the n minus-i solves
  bool optimal = false;              ///< matching and every minus-i optimum proven
};

struct StageOneLie {
  int buyer = -1, signal = -1, report = -1;
  double gain = 0.0;         ///< expected gain of the lie before rewards
  double score_gain = 0.0;   ///< S_i(signal, report)
};

struct MechanismReport {
  std::string instance;
  Backend backend = Backend::Cpu;
  double bound = 0.0;
  std::vector<double> informational_size;
  InformationMeasures measures;        ///< all measures of the prior (method, Lambda_i, bands when sampled)
  double delta_theorem1 = 0.0;
  double delta_theorem1_upper = 0.0;   ///< sampled measures: the bound at the upper confidence limits
  double delta_theorem1_certified = 0.0;  ///< Theorem 1's delta from certified bounds (= delta_theorem1 when exact)
  std::optional<double> delta_exact;   ///< absent when not computed
  std::string delta_exact_skipped;     ///< DeltaMode::Auto: why delta.exact was not computed ("" when it was)
  DeltaMode delta_source = DeltaMode::Exact;  ///< which scale delta_used is (never Auto)
  double delta_used = 0.0;
  StageOneLie binding_lie;             ///< the (i, b_i, r_i) that sets delta.exact (buyer -1: none)
  /// G_i(b_i, r_i) = sum_{b_-i} P(b_-i|b_i) [U_i(r_i) - U_i(b_i)], K_i x K_i per buyer (with delta.exact)
  std::vector<std::vector<double>> stage1_gain;
  std::vector<ProfileOutcome> profiles;
  int ranks = 1;                       ///< processes whose tasks made it (MPI ranks of the command line)
  double seconds = 0.0;
};

/// Runs the mechanism for the given reported profiles (each of size n, in range).
MechanismReport run_mechanism(const Instance& instance, const std::vector<std::vector<int>>& profiles,
                              const MechanismOptions& options = {});
/// The same report for a caller that hands the instance over. When the run solves one profile with
/// searches (externalities, or a solver other than the LAP) and no stage-1 lies (a large market's observed
/// profile), nothing after that profile's expected problem reads u, v or c: the instance's valuations,
/// costs and externalities (its bulk; 600 MB at 1000 x 4000 x 3) are released once the problem is built,
/// not held through its solve. `instance` is left valid only for its signals and prior.
MechanismReport run_mechanism(Instance&& instance, const std::vector<std::vector<int>>& profiles,
                              const MechanismOptions& options = {});

// ---- run_mechanism in independent tasks, for a scheduler of the caller's --------------------------
// The solves are tasks numbered 0..count-1; a task's result depends on its number alone, so any split
// into ranges, run anywhere (MPI ranks in the CLI, Dask, Ray), concatenated in task order, gives
// run_mechanism's report (sums are reduced in task order by finish_mechanism):
//
//   MechanismPlan plan = plan_mechanism(inst, profiles, opt);   // on every worker (deterministic)
//   truthful: for ranges covering [0, plan.truthful_tasks): truthful_outcomes(inst, plan, range)
//   lies:     for ranges covering [0, plan.lie_tasks): stage_one_contributions(inst, plan, truthful, range)
//   (one truthful task may itself be split over buyers: truthful_problem, VcgPlan, truthful_outcome)
//   MechanismReport report = finish_mechanism(inst, std::move(plan), std::move(truthful), contributions);

/// What every task needs: the options as run, the table and measures (the report's head).
struct MechanismPlan {
  std::vector<std::vector<int>> profiles;  ///< the requested profiles (checked)
  MechanismOptions options;                ///< as run: delta.exact dropped when beyond the work limits
  MechanismReport report;                  ///< measures, delta.theorem1, delta_exact_skipped; no profiles yet
  PosteriorTable table;                    ///< every profile's posterior, when with_table
  bool with_table = false;
  /// Truthful solves: every profile of the table (C order) when delta.exact is computed, else the requested ones.
  std::uint64_t truthful_tasks = 0;
  /// Stage-1 lie tasks (all lies of one true profile each): every profile with delta.exact, else 0.
  std::uint64_t lie_tasks = 0;
  std::chrono::steady_clock::time_point start;  ///< report.seconds counts from here
};

/// Validates, builds the table and the measures (what run_mechanism does before its solves).
MechanismPlan plan_mechanism(const Instance& instance, const std::vector<std::vector<int>>& profiles,
                             const MechanismOptions& options = {});
/// The truthful outcome (matching, VCG, solver; no profile, posterior or rewards) of each task in `range`.
std::vector<ProfileOutcome> truthful_outcomes(const Instance& instance, const MechanismPlan& plan, TaskRange range);
/// Per lie task (true profile b) in `range`: P(b_-i|b_i) times the gain of each lie r_i of each buyer i,
/// at offset sum_{j<i} K_j + r_i. Reads welfare and minus_i_welfare of `truthful` (all truthful tasks).
std::vector<std::vector<double>> stage_one_contributions(const Instance& instance, const MechanismPlan& plan,
                                                         const std::vector<ProfileOutcome>& truthful,
                                                         TaskRange range);
/// One truthful task split further, for a task too large for one worker (one profile of a large market):
/// its problem and VCG options; solve_assignment(problem, options.search) is the full matching, a
/// VcgPlan(problem, full, options) splits its minus-i searches over buyers (its options' threads may be
/// raised: the parts do not depend on them), and truthful_outcome(full, plan.finish(parts), seconds)
/// equals truthful_outcomes's outcome of the task when truthful_outcomes solves it on its own (with
/// externalities, or a solver other than the LAP: truthful_needs_searches; without, a chunk's LAPs are one
/// solve_many batch, whose duals may differ in the last bits, and VCG needs no minus-i searches anyway).
struct TruthfulProblem {
  AssignmentProblem problem;
  VcgOptions options;  ///< options.search: the full solve's
};
TruthfulProblem truthful_problem(const Instance& instance, const MechanismPlan& plan, std::uint64_t task);
/// Whether the VCG of every truthful task runs minus-i searches: VcgPlan::needs_searches of the tasks'
/// problems with the plan's solver options (false without externalities and with the LAP, where the LAP's
/// prices give every minus-i optimum and truthful_outcomes batches the tasks' LAPs). O(1).
bool truthful_needs_searches(const Instance& instance, const MechanismPlan& plan);
ProfileOutcome truthful_outcome(const AssignmentResult& full, const VcgResult& vcg, double solve_seconds);

/// The report from every task's result, in task order.
MechanismReport finish_mechanism(const Instance& instance, MechanismPlan plan, std::vector<ProfileOutcome> truthful,
                                 const std::vector<std::vector<double>>& contributions);

/// The problem the mechanism solves at posterior `pi` (m entries): w_ij = u_ij(pi) - v_ij(pi),
/// c_ij^pq(pi). With `deviator` >= 0, that buyer's valuations and externality costs are taken at
/// `deviator_pi` instead (his true posterior after a stage-1 lie; report-format.md, delta.exact).
/// Factored externalities whose seller factor is the same in every state (the spectrum markets')
/// become one term, buyer'[i][p] = sum_theta pi_i(theta) buyer[theta][i][p], with the s x s factor
/// held once: the same costs up to rounding, a third of the memory and of the work per pair at m = 3.
AssignmentProblem expected_problem(const Instance& instance, const std::vector<double>& pi, int deviator = -1,
                                   const std::vector<double>& deviator_pi = {});

/// Every profile of the instance, in C order.
std::vector<std::vector<int>> all_profiles(const Instance& instance);

std::string to_string(DeltaMode mode);

}  // namespace ivassign
