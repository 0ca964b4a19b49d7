// ivassign/incentives.hpp — numerical incentive, budget and large-market checks of the two-stage
// mechanism (assignment paper, Theorems 1 and 2; report-format.md, "Check report").
//
// check_incentives():
//  * stage 1: for every buyer i and lie b_i -> r_i, the expected gain G_i(b_i, r_i) of the lie (with
//    the best stage-2 report afterwards) against the reward loss delta * S_i(b_i, r_i); the minimum
//    margin, the pair attaining it, and whether truth-telling is a Bayes-Nash equilibrium. Exact over
//    every profile when there are at most `max_exact_profiles`; above that the Theorem 1 sufficient
//    condition delta * S_i >= (2+n)(2n+1) M D_i is checked instead (a certificate when it holds).
//  * stage 2: on sampled profiles each buyer tries scaled, zeroed, permuted, targeted and random
//    valuation reports, inflated and deflated externalities, and a local-search best response; with
//    VCG the gain of a misreport is W(z') - W(z*) at the true reports, so with an exact solver it is
//    never positive; with a heuristic solver the gains found measure the solver's suboptimality.
//  * budget: E[sum xi_i], E[-sum x_i], Prob(sum x_i + sum xi_i > 0) and the expected and worst
//    deficit, interim/ex post individual rationality including rewards (exact over all profiles, or
//    by sampling profiles from the prior, stated in the report).
// replica_experiment(): Theorem 2's rewards xi_i = n^-(k+2) P^(b_{i+1}|b_i)/||P^(.|b_i)||_2 on
// replicas of a symmetric conditionally independent market of growing size.
//
//   ivassign::CheckOptions opt;                    // delta: exact
//   auto rep = ivassign::check_incentives(inst, opt);
//   if (!rep.stage1.truthful) report(rep.stage1.worst);
#pragma once
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "ivassign/mechanism.hpp"
#include "ivassign/tasks.hpp"
#include "ivassign/prior.hpp"

namespace ivassign {

/// The check's settings. Ranges, defaults and help of the scalars: option_table<CheckOptions>()
/// (ivassign/options.hpp), checked with the mechanism's by validate(const CheckOptions&).
struct CheckOptions {
  MechanismOptions mechanism;        ///< delta mode, solver, backend, threads
  int stage2_profiles = 16;          ///< profiles probed in stage 2 (all when there are fewer)
  int stage2_buyers = 16;            ///< buyers probed per profile (all when there are fewer; 0: all);
                                     ///< larger markets get a seeded sample, since each misreport is a solve
  int random_misreports = 12;        ///< random reports per buyer and profile
  int local_search_steps = 40;       ///< best-response hill-climbing steps per buyer and profile
  int budget_samples = 256;          ///< profiles sampled for the budget when they cannot all be solved
  /// Counted (not timed, so reports are reproducible) work of the sampled budget profiles and the stage-2
  /// probes, in LAP weights: a stage-2 solve counts n x s, a budget profile (1 + n) n s (its full solve and n
  /// minus-i searches). Counts left at their defaults (budget_samples; stage2_profiles with stage2_buyers) are
  /// cut to fit, the budget to at most half; counts set otherwise are kept. The default runs check with defaults
  /// on spectrum 200 x 800 in about a minute and 1000 x 4000 in minutes on 2 cores (bench/RESULTS.md) and
  /// cuts nothing on the bundled examples. The report's `work` says what was done and skipped. 0: no limit.
  double work_limit = 4e8;
  std::uint64_t seed = 1;
  ProgressFn progress;               ///< optional (ivassign/progress.hpp)
};

struct StageOneCheck {
  std::string method;                ///< "exact" or "theorem1_condition"
  bool truthful = false;
  double min_margin = 0.0;
  struct Worst {
    int buyer = -1, signal = -1, report = -1;
    double gain = 0.0, reward_loss = 0.0;
  } worst;
  /// margin_i(b_i, r_i) = delta S_i - G_i (exact) or delta S_i - (2+n)(2n+1) M D_i (condition)
  std::vector<std::vector<double>> margins;
  std::vector<std::vector<double>> gains;  ///< G_i (exact) or the Theorem 1 bound (condition)
};

struct StageTwoCheck {
  double max_gain = 0.0;
  std::int64_t misreports_tried = 0;
  int profiles_probed = 0;
  int buyers_per_profile = 0;        ///< buyers probed in each profile (a seeded sample when < n)
  bool solver_exact = true;          ///< every solve behind the probe was proven optimal
  struct Worst {
    int buyer = -1;
    std::vector<int> profile;
    std::string misreport;
    double gain = 0.0;
  } worst;
  /// The certified bound beside the probed gains: per probed profile and buyer, the largest probed gain and
  /// the mechanism's stage2_gain_bound + transfer_error_bound (the probe holds the minus-i value fixed, so
  /// its gain may exceed the stage-2 bound by that buyer's minus-i width) + certified_tolerance. A probe's
  /// gain is against its own truthful solve; under the mechanism the truthful outcome is the mechanism's
  /// matching, so the gain compared with the bound is W_true(z') - W (the outcome's welfare).
  struct Pair {
    int profile = -1;                ///< index into the probed profiles (task order)
    int buyer = -1;
    double max_gain = 0.0;           ///< W_true(z') - W_true(z*), z* the probe's own truthful solve
    double mechanism_gain = 0.0;     ///< W_true(z') - W, W the mechanism's welfare at the profile
    double bound = 0.0;
  };
  std::vector<std::vector<int>> probed_profiles;
  std::vector<Pair> pairs;
  std::vector<Pair> violations;      ///< the pairs with mechanism_gain > bound: a bug in the bound or the mechanism
  double certified_gain_bound_max = 0.0;  ///< the largest bound over the pairs
  bool bounds_hold = true;           ///< no violation
};

/// The counted work of the check (CheckOptions::work_limit) and what it cut.
struct CheckWork {
  double limit = 0.0;                ///< LAP weights (0: none)
  double used = 0.0;                 ///< sampled budget profiles and stage-2 solves, counted
  std::uint64_t budget_profiles_skipped = 0;     ///< of budget_samples
  /// of stage2_profiles (of every profile, or of budget_samples draws) x stage2_buyers x the misreports per buyer
  std::int64_t stage2_misreports_skipped = 0;
};

struct BudgetCheck {
  std::string method;                ///< "exact" (all profiles) or "sampled"
  std::uint64_t profiles = 0;        ///< profiles evaluated
  double expected_rewards = 0.0;     ///< E[sum_i xi_i]
  double expected_revenue = 0.0;     ///< E[-sum_i x_i]
  double deficit_probability = 0.0;  ///< Prob(sum_i x_i + sum_i xi_i > 0)
  double expected_deficit = 0.0;     ///< E[max(0, sum_i x_i + sum_i xi_i)]
  double max_deficit = 0.0;          ///< largest sum_i x_i + sum_i xi_i seen (negative: a surplus everywhere)
  double min_net_utility = 0.0;      ///< min over profiles and buyers of g_i + x_i + xi_i (ex post IR >= 0)
  bool ex_post_ir = true;
  std::vector<double> interim_utility_min;  ///< per buyer: min over b_i of E[g_i + x_i + xi_i | b_i]
  double standard_error_rewards = 0.0, standard_error_revenue = 0.0;  ///< sampled only
};

/// One row per evaluated profile, for plots.
struct ProfileBudget {
  std::vector<int> profile;
  double probability = 0.0;          ///< P(b) (exact) or 1/samples (sampled)
  double rewards = 0.0, revenue = 0.0, welfare = 0.0;
};

struct CheckReport {
  std::string instance;
  double delta = 0.0;
  std::string delta_source;          ///< "exact", "theorem1", "value"
  std::optional<double> delta_exact;
  double delta_theorem1 = 0.0;
  double bound = 0.0;
  StageOneCheck stage1;
  StageTwoCheck stage2;
  BudgetCheck budget;
  CheckWork work;
  std::vector<ProfileBudget> rows;
  std::vector<double> informational_size;
  Backend backend = Backend::Cpu;    ///< where the mechanism's table and measures ran
  int ranks = 1;                     ///< processes whose tasks made the mechanism run (MPI ranks of the command line)
  double seconds = 0.0;
};

CheckReport check_incentives(const Instance& instance, const CheckOptions& options = {});

/// check_incentives in two parts, so that the mechanism's solves (most of the work) can run on a
/// scheduler of the caller's (MechanismPlan, tasks.hpp): the mechanism run the check needs, then the
/// check (stage 1, budget, stage-2 probes) from that run's report.
struct CheckRun {
  std::vector<std::vector<int>> profiles;  ///< every profile when delta.exact is affordable, else budget_samples draws
  MechanismOptions options;                ///< as the check runs the mechanism
};
CheckRun check_mechanism_run(const Instance& instance, const CheckOptions& options);
/// The check from run_mechanism(instance, run.profiles, run.options) of check_mechanism_run's `run`.
CheckReport check_from_mechanism(const Instance& instance, const CheckOptions& options,
                                 const MechanismReport& mechanism);

/// Stage 2 of check_from_mechanism in tasks, one per probed profile (the most likely ones with
/// delta.exact, else the first sampled; at most stage2_profiles). A task's probe depends on its number
/// alone, so any split into ranges (MPI ranks in the CLI), concatenated in task order, gives
/// check_from_mechanism's report:
///   StageTwoPlan s2 = plan_stage_two(inst, opt, mechanism);     // where the mechanism report is
///   probes: ranges covering [0, s2.profiles.size()) -> stage_two_probes(inst, opt, s2, range)
///   CheckReport rep = check_from_mechanism(inst, opt, mechanism, probes);
struct StageTwoPlan {
  std::vector<std::vector<int>> profiles;       ///< the probed profiles, in task order
  std::vector<std::vector<double>> posteriors;  ///< their posteriors rho(r), from the mechanism report
};
/// One probed profile: the largest true-welfare gain of a misreport found, by which buyer and kind.
struct StageTwoProbe {
  double max_gain = -std::numeric_limits<double>::infinity();
  std::int64_t tried = 0;
  bool exact = true;  ///< every solve behind the probe proven optimal
  int worst_buyer = -1;
  std::string worst_kind;
  double truthful_welfare = 0.0;       ///< W_true(z*) of the probe's truthful solve
  std::vector<int> buyers;             ///< the probed buyers, sorted
  std::vector<double> buyer_max_gain;  ///< per probed buyer: the largest gain of its misreports
};
StageTwoPlan plan_stage_two(const Instance& instance, const CheckOptions& options, const MechanismReport& mechanism);
std::vector<StageTwoProbe> stage_two_probes(const Instance& instance, const CheckOptions& options,
                                            const StageTwoPlan& plan, TaskRange range);
/// check_from_mechanism with the stage-2 probes given (every task of plan_stage_two's plan, in order).
CheckReport check_from_mechanism(const Instance& instance, const CheckOptions& options,
                                 const MechanismReport& mechanism, const std::vector<StageTwoProbe>& probes);

/// Theorem 2's experiment's settings. Ranges, defaults and help of the scalars: option_table<ReplicaOptions>()
/// (ivassign/options.hpp); validate(const ReplicaOptions&) also checks the sizes (non-empty, each >= 2).
struct ReplicaOptions {
  std::vector<int> sizes{4, 8, 16, 32, 64, 128, 256};
  int k = 2;                          ///< rewards of order n^-(k+2) each, total O(n^-(k+1))
  int welfare_samples = 4;            ///< profiles sampled per size for the expected welfare
  SolverOptions solver;               ///< for the welfare solves (heuristic above the exact limit)
  Backend backend = Backend::Auto;    ///< the replicas' measures (count vectors or tensor): cpu, device or auto
  std::uint64_t seed = 1;
  ProgressFn progress;
};

struct ReplicaRow {
  int buyers = 0, sellers = 0;
  double informational_size = 0.0;    ///< max_i nu_i (exact, count vectors)
  double expected_total_rewards = 0.0;///< E[sum_i xi_i] with Theorem 2's rewards
  double max_total_rewards = 0.0;     ///< max over b of sum_i xi_i (<= n^-(k+1))
  bool incentive_condition = false;   ///< n^-(k+2) S^_i >= (2+n)(2n+1) M D_i for every lie
  double min_margin = 0.0;            ///< min of the left minus the right side
  double expected_welfare = 0.0;      ///< mean efficient welfare over sampled profiles
  double welfare_per_buyer = 0.0;
  bool welfare_proven = false;        ///< every welfare solve proven optimal
  Backend backend = Backend::Cpu;     ///< where the measures ran
  double seconds = 0.0;
};

struct ReplicaReport {
  std::string base;
  int k = 2;
  double bound = 0.0;
  std::vector<ReplicaRow> rows;
  int ranks = 1;  ///< processes that computed it (the MPI command line; 1 in the library)
};

/// The n-buyer replica of a symmetric CI base market: buyer i copies base buyer i mod n0, seller j
/// copies base seller j mod s0 (s = ceil(n s0 / n0)); valuations, costs and externalities are copied
/// by type (externalities between copies of one base buyer or seller are 0).
Instance replicate_market(const Instance& base, int buyers);

ReplicaReport replica_experiment(const Instance& base, const ReplicaOptions& options = {});

/// replica_experiment in tasks, one per size of options.sizes, for a scheduler of the caller's
/// (tasks.hpp; MPI ranks in the CLI): replica_rows gives the rows of sizes [first, first + count)
/// (validating the options first; an empty range only validates), replica_report the report of the
/// rows of every task in order, which is replica_experiment's.
std::vector<ReplicaRow> replica_rows(const Instance& base, const ReplicaOptions& options, TaskRange range);
ReplicaReport replica_report(const Instance& base, const ReplicaOptions& options, std::vector<ReplicaRow> rows);


}  // namespace ivassign
