// The two-stage mechanism: posteriors and information measures, the efficient matching and VCG at
// every needed profile, delta.theorem1, delta.exact and the stage-1 rewards.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>

#include "common/parallel.hpp"
#include "common/progress.hpp"
#include "ivassign/error.hpp"
#include "ivassign/mechanism.hpp"
#include "ivassign/options.hpp"
#include "ivassign/posterior.hpp"
#include "ivassign/solvers.hpp"
#include "ivassign/tolerances.hpp"
#include "ivassign/vcg.hpp"

namespace ivassign {

std::string to_string(DeltaMode mode) {
  switch (mode) {
    case DeltaMode::Exact: return "exact";
    case DeltaMode::Theorem1: return "theorem1";
    case DeltaMode::Value: return "value";
    case DeltaMode::Auto: return "auto";
    case DeltaMode::Theorem1Certified: return "theorem1_certified";
  }
  return "?";
}

std::vector<std::vector<int>> all_profiles(const Instance& in) {
  const std::uint64_t count = in.profile_count();
  std::vector<std::vector<int>> out;
  out.reserve(count);
  for (std::uint64_t b = 0; b < count; ++b) out.push_back(profile_from_index(in.signals, b));
  return out;
}

namespace {

// Copies the truthful outcome (matching, VCG, solver) into a report row.
void fill_outcome(const AssignmentResult& full, const VcgResult& vcg, double seconds, ProfileOutcome& out) {
  out.assignment = vcg.assignment;
  out.welfare = vcg.welfare;
  out.payoffs = vcg.payoffs;
  out.transfers = vcg.transfers;
  out.minus_i_welfare = vcg.minus_i_welfare;
  out.minus_i_proven = vcg.proven;
  out.transfer_error_bound = vcg.transfer_error_bound;
  out.transfer_interval = vcg.transfer_interval;
  out.welfare_upper_bound = vcg.welfare_upper_bound;
  out.welfare_gap = vcg.welfare_gap;
  out.minus_i_upper_bound = vcg.minus_i_upper_bound;
  out.utility_interval = vcg.utility_interval;
  out.stage2_gain_bound = vcg.stage2_gain_bound;
  out.certified_tolerance = vcg.certified_tolerance;
  out.transfers_certified = vcg.transfers_certified;
  out.solver = full.solver;
  out.solver_backend = full.backend;
  out.solve_seconds = seconds;
  out.optimal = vcg.optimal;
}

// The efficient matching and VCG of one expected problem: the truthful part of a report row. With `optimum`
// (the problem's LAP optimum from a batch, with its duals) only VCG is computed, warm-started from it. The
// minus-i searches run on `vcg_threads` threads (their results do not depend on the threads: VcgPlan).
ProfileOutcome solve_truthful(const AssignmentProblem& problem, const VcgOptions& inner,
                              const AssignmentResult* optimum = nullptr, int vcg_threads = 1) {
  const auto start = std::chrono::steady_clock::now();
  VcgOptions vcg_options = inner;
  vcg_options.search = routed_options(problem, inner.search);
  AssignmentResult full;
  if (!optimum) full = solve_assignment(problem, vcg_options.search);
  vcg_options.search.threads = vcg_threads;
  const VcgResult vcg = vcg_transfers(problem, optimum ? *optimum : full, vcg_options);
  const double batch_seconds = optimum ? optimum->seconds : 0.0;
  ProfileOutcome out;
  fill_outcome(optimum ? *optimum : full, vcg,
               batch_seconds + std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), out);
  return out;
}

std::vector<double> rho_of(const PosteriorTable& table, std::uint64_t b) {
  return std::vector<double>(table.rho(b), table.rho(b) + table.states);
}

}  // namespace

std::uint64_t exact_delta_work(const Instance& in) {
  const std::uint64_t profiles = in.profile_count_saturated();
  std::uint64_t per_profile = 1;
  for (int k : in.signals) per_profile += static_cast<std::uint64_t>(k - 1);
  const std::uint64_t weight = in.externalities.form == Externalities::Form::None ? 1 : 256;
  if (profiles == UINT64_MAX || profiles > UINT64_MAX / per_profile / weight) return UINT64_MAX;
  return profiles * per_profile * weight;
}

bool exact_delta_affordable(const Instance& in, const MechanismOptions& options) {
  return in.profile_count_saturated() <= options.max_exact_profiles && exact_delta_work(in) <= options.max_exact_work;
}

namespace {

// Throws when delta.exact would solve more assignments than the options allow.
/// What delta.exact costs on this instance, for the messages that refuse or skip it:
/// "delta.exact solves the assignment on every one of the N signal profiles and ... (work W".
std::string exact_delta_cost(const Instance& in) {
  return "delta.exact solves the assignment on every one of the " +
         (in.profile_count_saturated() == UINT64_MAX ? std::string("more than 2^64")
                                                     : std::to_string(in.profile_count())) +
         " signal profiles and for every stage-1 lie (work " +
         (exact_delta_work(in) == UINT64_MAX ? std::string("beyond 2^64") : std::to_string(exact_delta_work(in)));
}

void check_exact_delta_affordable(const Instance& in, const MechanismOptions& options) {
  if (options.delta_mode == DeltaMode::Exact && options.compute_exact_delta && !exact_delta_affordable(in, options))
    throw InputError(exact_delta_cost(in) + ", limits " + std::to_string(options.max_exact_profiles) + " profiles and " +
                     std::to_string(options.max_exact_work) +
                     " solves, a QAP counting 256); set MechanismOptions::compute_exact_delta = false with "
                     "MechanismOptions::delta_mode = Theorem1 or Value");
}

// The measure options of the mechanism: its backend, and its threads unless the measures set their own.
MeasureOptions measure_options_of(const MechanismOptions& options) {
  MeasureOptions mopt = options.measures;
  mopt.backend = options.backend;
  if (mopt.threads == 0) mopt.threads = options.threads;
  return mopt;
}

// Information measures (from the full posterior table when it is built, else from the prior) and
// delta.theorem1 into the report.
void compute_measures(const Instance& in, const MechanismOptions& options, const MeasureOptions& mopt,
                      bool with_table, PosteriorTable& table, MechanismReport& report) {
  if (with_table) {
    table = build_posterior_table(in, options.backend);
    report.measures = information_measures(table, table.backend);
  } else {
    report.measures = prior_measures(in, mopt);
  }
  report.backend = report.measures.backend;
  const InformationMeasures& info = report.measures;
  report.informational_size = info.informational_size;
  report.delta_theorem1 = delta_theorem1(info, in.buyers, report.bound);
  report.delta_theorem1_upper = delta_theorem1(info, in.buyers, report.bound, true);
  report.delta_theorem1_certified = delta_theorem1_certified(info, in.buyers, report.bound);
}

// The per-profile solver options: one thread (parallelism is over profiles); unless the solver's backend is
// set, the mechanism's: with the device, the searches that have a device path (solve_truthful) run there.
SolverOptions inner_solver_options(const MechanismOptions& options) {
  SolverOptions inner = options.vcg.search;
  inner.threads = 1;  // parallelism is over profiles
  if (inner.backend == Backend::Auto)
    inner.backend = options.backend == Backend::Cpu ? Backend::Cpu : resolve_backend(options.backend);
  return inner;
}

// VCG's options per profile: the bound's as given, the search's inner_solver_options; progress comes from the
// mechanism's (solve_truthful_range).
VcgOptions inner_vcg_options(const MechanismOptions& options) {
  VcgOptions inner = options.vcg;
  inner.search = inner_solver_options(options);
  inner.progress = {};
  return inner;
}

// Throws unless `range` lies within [0, count).
void check_range(TaskRange range, std::uint64_t count, const char* what) {
  if (range.first > count || range.count > count - range.first)
    throw InputError(std::string("TaskRange: [") + std::to_string(range.first) + ", " +
                     std::to_string(range.first + range.count) + ") is outside the " + std::to_string(count) + " " +
                     what + " of this MechanismPlan");
}

// The requested profile k's posterior: from the table when it is built, else from the prior.
std::vector<double> posterior_of(const Instance& in, const MechanismPlan& plan, std::size_t k) {
  const std::vector<int>& profile = plan.profiles[k];
  return plan.with_table ? rho_of(plan.table, profile_index(in.signals, profile)) : posterior_of_profile(in, profile);
}

// The expected problem of truthful task `task`: at rho(b) of the table with delta.exact, else at the requested
// profile's posterior.
AssignmentProblem task_problem(const Instance& in, const MechanismPlan& plan, std::uint64_t task) {
  return expected_problem(in, plan.options.compute_exact_delta ? rho_of(plan.table, task)
                                                               : posterior_of(in, plan, static_cast<std::size_t>(task)));
}

// What choose_solver and VcgPlan::needs_searches read of every truthful task's problem (expected_problem):
// its sizes, its externality form, every buyer allowed; no weights, no costs.
AssignmentProblem problem_shape(const Instance& in) {
  AssignmentProblem shape;
  shape.buyers = in.buyers;
  shape.sellers = in.sellers;
  switch (in.externalities.form) {
    case Externalities::Form::None: break;
    case Externalities::Form::Dense: shape.externalities.form = ExternalityCosts::Form::Dense; break;
    case Externalities::Form::Sparse: shape.externalities.form = ExternalityCosts::Form::Sparse; break;
    case Externalities::Form::Factored: shape.externalities.form = ExternalityCosts::Form::Factored; break;
  }
  return shape;
}

// The truthful outcome of tasks [first, first + count): every profile b of the table with delta.exact, else
// the requested profiles. Where VCG needs no minus-i searches (VcgPlan::needs_searches: no externalities, the
// LAP), in chunks of profiles: each chunk's full LAPs are one solve_many batch (one solve_lap_batch on the
// mechanism's backend and threads), then VCG from each optimum (warm-started from the batch's duals);
// otherwise each task builds and solves its own problem. `problem_built`, when given, is
// called on the path of one searched profile between building its problem and solving it (and not otherwise).
std::vector<ProfileOutcome> solve_truthful_range(const Instance& in, const MechanismPlan& plan, TaskRange range,
                                                 const VcgOptions& inner, int threads,
                                                 const std::function<void()>& problem_built = {}) {
  std::vector<ProfileOutcome> truthful(range.count);
  // the run's spans: measures to 0.1, truthful outcomes to 0.4 (0.9 without the stage-1 lies), lies to 0.9
  StageProgress steps(plan.options.progress, 0.1, plan.options.compute_exact_delta ? 0.4 : 0.9, "truthful outcomes",
                      range.count);
  const bool searches = VcgPlan::needs_searches(problem_shape(in), inner.search);
  if (searches && range.count == 1) {  // one profile (a large market's observed one): its minus-i searches take the threads
    const AssignmentProblem problem = task_problem(in, plan, range.first);
    if (problem_built) problem_built();
    VcgOptions searched = inner;  // its minus-i searches are most of the time: show them
    searched.progress = [&](double fraction, const std::string& stage) { steps.within(fraction, stage); };
    truthful[0] = solve_truthful(problem, searched, nullptr, threads);
    steps.step();
    return truthful;
  }
  if (searches) {
    parallel_tasks(range.count, threads, [&](std::uint64_t k) {
      truthful[k] = solve_truthful(task_problem(in, plan, range.first + k), inner);
      steps.step();
    });
    return truthful;
  }
  constexpr std::size_t kBatchBytes = std::size_t{64} << 20;  // the weights of one chunk's problems
  const std::uint64_t chunk =
      std::max<std::size_t>(1, kBatchBytes / (sizeof(double) * std::max(1, in.buyers) * std::max(1, in.sellers)));
  for (std::uint64_t first = 0; first < range.count; first += chunk) {
    const std::uint64_t count = std::min(chunk, range.count - first);
    std::vector<AssignmentProblem> problems(count);
    parallel_tasks(count, threads, [&](std::uint64_t k) { problems[k] = task_problem(in, plan, range.first + first + k); });
    SolverOptions batch = inner.search;  // the chunk's LAPs on the mechanism's threads
    batch.threads = threads;
    const std::vector<AssignmentResult> optima = solve_many(problems, batch);
    parallel_tasks(count, threads, [&](std::uint64_t k) {
      truthful[first + k] = solve_truthful(problems[k], inner, &optima[k]);
      steps.step();
    });
  }
  return truthful;
}

// Start of buyer i's lies in a per-profile contribution row: offset[i] = sum of the signal counts before i.
std::vector<std::size_t> lie_offsets(const Instance& in) {
  const int n = in.buyers;
  std::vector<std::size_t> offset(n + 1, 0);
  for (int i = 0; i < n; ++i) offset[i + 1] = offset[i] + static_cast<std::size_t>(in.signals[i]);
  return offset;
}

// The optimum of each deviation problem (all of one shape): solve_many on this thread (inner.threads is 1),
// one solve_lap_batch on the mechanism's backend when they are linear assignment problems the inner solver
// would hand to solve_lap, else one by one.
std::vector<double> best_values(const std::vector<AssignmentProblem>& problems, const SolverOptions& inner) {
  const std::vector<AssignmentResult> optima = solve_many(problems, inner);
  std::vector<double> best(problems.size());
  for (std::size_t k = 0; k < problems.size(); ++k) best[k] = optima[k].objective;
  return best;
}

// G_i(b_i, r_i) = sum_{b_-i} P(b_-i|b_i) [U_i(r_i) - U_i(b_i)], U_i(r_i) = max_z [g_i at rho(b) (own
// u, c), v and the others at rho(r)] - h_i(rho(r)); accumulated per true profile (reduced in order by
// the caller): contribution[b][offset[i] + r_i]. Profiles run in parallel; each profile's lies are
// solved as one batch (best_values).
std::vector<std::vector<double>> lie_contributions(const Instance& in, const PosteriorTable& table,
                                                   const std::vector<ProfileOutcome>& truthful,
                                                   const std::vector<std::size_t>& offset, TaskRange range,
                                                   const SolverOptions& inner, int threads, const ProgressFn& progress) {
  const int n = in.buyers;
  std::vector<std::vector<double>> contribution(range.count);
  StageProgress steps(progress, 0.4, 0.9, "stage-1 lies of profile", range.count);
  constexpr std::size_t kBatchBytes = std::size_t{64} << 20;  // deviation weights held at once per thread
  const std::size_t chunk =
      std::max<std::size_t>(1, kBatchBytes / (sizeof(double) * std::max(1, in.buyers) * std::max(1, in.sellers)));
  parallel_tasks(range.count, threads, [&](std::uint64_t sk) {
    const auto b = range.first + sk;
    const std::vector<int> profile = profile_from_index(in.signals, b);
    const std::vector<double> rho_b = rho_of(table, b);
    struct Lie {
      int i, ri;
      std::uint64_t r;
    };
    std::vector<Lie> lies;
    for (int i = 0; i < n; ++i)
      for (int ri = 0; ri < in.signals[i]; ++ri) {
        if (ri == profile[i]) continue;
        std::vector<int> lie = profile;
        lie[i] = ri;
        lies.push_back({i, ri, profile_index(in.signals, lie)});
      }
    auto& c = contribution[static_cast<std::size_t>(sk)];
    c.assign(offset[n], 0.0);
    for (std::size_t first = 0; first < lies.size(); first += chunk) {  // batches of at most kBatchBytes
      const std::size_t last = std::min(lies.size(), first + chunk);
      std::vector<AssignmentProblem> deviations;
      for (std::size_t k = first; k < last; ++k)
        deviations.push_back(expected_problem(in, rho_of(table, lies[k].r), lies[k].i, rho_b));
      const std::vector<double> best = best_values(deviations, inner);
      for (std::size_t k = first; k < last; ++k) {
        const auto [i, ri, r] = lies[k];
        const double p = table.conditional(i, b, profile[i]);
        const double truthful_utility = truthful[b].welfare - truthful[b].minus_i_welfare[i];
        const double lie_utility = best[k - first] - truthful[r].minus_i_welfare[i];
        c[offset[i] + ri] = p * (lie_utility - truthful_utility);
      }
    }
    steps.step();
  });
  return contribution;
}

// Stage-1 gains G_i(b_i, r_i) (contributions summed over profiles in order) into the report, and
// delta.exact = max gain / score gain with its binding lie (absent when a gaining lie has no score gain).
void stage_one_gains(const Instance& in, const PosteriorTable& table,
                     const std::vector<std::vector<double>>& contribution, const std::vector<std::size_t>& offset,
                     MechanismReport& report) {
  const int n = in.buyers;
  const std::uint64_t count = table.profiles;
  const InformationMeasures& info = report.measures;
  double delta = 0.0;
  bool impossible = false;
  StageOneLie binding;
  report.stage1_gain.assign(n, {});
  for (int i = 0; i < n; ++i) {
    const int k = in.signals[i];
    report.stage1_gain[i].assign(static_cast<std::size_t>(k) * k, 0.0);
    for (int bi = 0; bi < k; ++bi)
      for (int ri = 0; ri < k; ++ri) {
        if (ri == bi) continue;
        double gain = 0.0;
        for (std::uint64_t b = 0; b < count; ++b)
          if (table.signal_of(b, i) == bi)
            gain += contribution[b][offset[i] + ri];
        report.stage1_gain[i][static_cast<std::size_t>(bi) * k + ri] = gain;
        if (gain <= tol::kGainRelative * report.bound) continue;
        const double s = info.score_gain[i][static_cast<std::size_t>(bi) * k + ri];
        if (!(s > 0.0)) {
          impossible = true;
          continue;
        }
        if (gain / s > delta) {
          delta = gain / s;
          binding = {i, bi, ri, gain, s};
        }
      }
  }
  if (!impossible) report.delta_exact = delta;
  report.binding_lie = binding;
}

// report.delta_used from the requested mode; throws when that delta does not exist or is infinite.
void choose_delta(const MechanismOptions& options, MechanismReport& report) {
  DeltaMode mode = options.delta_mode;
  if (mode == DeltaMode::Auto)
    mode = report.delta_exact                                       ? DeltaMode::Exact
           : report.measures.method == MeasureMethod::Sampled ? DeltaMode::Theorem1Certified
                                                                     : DeltaMode::Theorem1;
  report.delta_source = mode;
  switch (mode) {
    case DeltaMode::Exact:
      if (!report.delta_exact)
        throw InputError("delta.exact does not exist for this prior: a stage-1 lie gains where the spherical score "
                         "gain is 0 (two signals of a buyer carry the same beliefs); no reward scale can work");
      report.delta_used = *report.delta_exact;
      break;
    case DeltaMode::Theorem1: report.delta_used = report.delta_theorem1; break;
    case DeltaMode::Theorem1Certified: report.delta_used = report.delta_theorem1_certified; break;
    case DeltaMode::Value: report.delta_used = options.delta_value; break;
    case DeltaMode::Auto: break;
  }
  if (!std::isfinite(report.delta_used))
    throw InputError("delta." + to_string(mode) + " is infinite for this prior (a lie with zero score gain "
                     "moves the posterior); set MechanismOptions::delta_mode = Value with a delta_value");
}

// One report row per requested profile: posterior, stage-1 rewards and the truthful outcome (of the
// profile's table index when every profile was solved, else of the requested profile's task).
void profile_rows(const Instance& in, const MechanismPlan& plan, std::vector<ProfileOutcome>& truthful, int threads,
                  MechanismReport& report) {
  const MechanismOptions& options = plan.options;
  const InformationMeasures& info = report.measures;
  StageProgress steps(options.progress, 0.9, 1.0, "profiles", plan.profiles.size());
  report.profiles.resize(plan.profiles.size());
  // without delta.exact each truthful task is one requested row: moved, not copied
  const bool move = !options.compute_exact_delta;
  parallel_tasks(plan.profiles.size(), threads, [&](std::uint64_t sk) {
    const auto k = static_cast<std::size_t>(sk);
    const std::vector<int>& profile = plan.profiles[k];
    ProfileOutcome& out = report.profiles[k];
    out = move ? std::move(truthful[k]) : truthful[profile_index(in.signals, profile)];
    out.profile = profile;
    if (plan.with_table) {
      const std::uint64_t b = profile_index(in.signals, profile);
      out.posterior = rho_of(plan.table, b);
      out.rewards = stage1_rewards(plan.table, info, b, report.delta_used);
    } else {
      out.posterior = posterior_of_profile(in, profile);
      out.rewards = stage1_rewards(in, info, profile, report.delta_used);
    }
    out.expected_rewards.assign(profile.size(), 0.0);  // E[xi_i | r_i] = delta sum P(.|r_i)^2 / ||P(.|r_i)||_2
    for (std::size_t i = 0; i < profile.size() && i < info.conditional_norm.size(); ++i)
      if (static_cast<std::size_t>(profile[i]) < info.conditional_norm[i].size())
        out.expected_rewards[i] = report.delta_used * info.conditional_norm[i][static_cast<std::size_t>(profile[i])];
    steps.step();
  });
}

}  // namespace

/// The options as run: unless delta.exact itself is asked for (DeltaMode::Exact), it is computed only
/// when within the work limits (the reason it is not goes to the report).
MechanismOptions effective_options(const Instance& in, const MechanismOptions& requested, MechanismReport& report) {
  MechanismOptions options = requested;
  if (options.delta_mode != DeltaMode::Exact && options.compute_exact_delta && !exact_delta_affordable(in, options)) {
    options.compute_exact_delta = false;
    const std::string used = options.delta_mode == DeltaMode::Value ? "the given value"
                             : options.delta_mode == DeltaMode::Theorem1 ? "the Theorem 1 scale"
                                                                         : "the Theorem 1 scale (from certified bounds "
                                                                           "when the measures are sampled)";
    report.delta_exact_skipped = exact_delta_cost(in) + "), beyond the limits of " +
                                 std::to_string(options.max_exact_profiles) + " profiles and " +
                                 std::to_string(options.max_exact_work) + " solves; delta.used is " + used;
  }
  return options;
}

MechanismPlan plan_mechanism(const Instance& in, const std::vector<std::vector<int>>& profiles,
                             const MechanismOptions& requested) {
  validate(requested);  // every nested option, before the table and the measures
  MechanismPlan plan;
  plan.start = std::chrono::steady_clock::now();
  MechanismReport& report = plan.report;
  plan.options = effective_options(in, requested, report);
  const MechanismOptions& options = plan.options;
  for (const auto& p : profiles) check_profile(in.signals, p);
  plan.profiles = profiles;

  report.instance = in.name;
  report.bound = in.effective_bound();
  const MeasureOptions mopt = measure_options_of(options);
  // delta.exact needs the truthful outcome on every profile, hence the full table
  plan.with_table = options.compute_exact_delta || !in.prior.conditionally_independent() ||
                    in.profile_count_saturated() <= mopt.max_tensor_profiles;
  check_exact_delta_affordable(in, options);
  if (options.progress) options.progress(0.0, plan.with_table ? "posterior table and measures" : "measures");
  compute_measures(in, options, mopt, plan.with_table, plan.table, report);
  plan.truthful_tasks = options.compute_exact_delta ? plan.table.profiles : profiles.size();
  plan.lie_tasks = options.compute_exact_delta ? plan.table.profiles : 0;
  return plan;
}

std::vector<ProfileOutcome> truthful_outcomes(const Instance& in, const MechanismPlan& plan, TaskRange range) {
  check_range(range, plan.truthful_tasks, "truthful tasks");
  return solve_truthful_range(in, plan, range, inner_vcg_options(plan.options), thread_count(plan.options.threads));
}

TruthfulProblem truthful_problem(const Instance& in, const MechanismPlan& plan, std::uint64_t task) {
  check_range({task, 1}, plan.truthful_tasks, "truthful tasks");
  TruthfulProblem out;
  out.problem = task_problem(in, plan, task);
  out.options = inner_vcg_options(plan.options);
  out.options.search = routed_options(out.problem, out.options.search);
  return out;
}

bool truthful_needs_searches(const Instance& in, const MechanismPlan& plan) {
  return VcgPlan::needs_searches(problem_shape(in), inner_solver_options(plan.options));
}

ProfileOutcome truthful_outcome(const AssignmentResult& full, const VcgResult& vcg, double solve_seconds) {
  ProfileOutcome out;
  fill_outcome(full, vcg, solve_seconds, out);
  return out;
}

std::vector<std::vector<double>> stage_one_contributions(const Instance& in, const MechanismPlan& plan,
                                                         const std::vector<ProfileOutcome>& truthful,
                                                         TaskRange range) {
  check_range(range, plan.lie_tasks, "lie tasks");
  if (truthful.size() != plan.truthful_tasks)
    throw InputError("stage_one_contributions: " + std::to_string(truthful.size()) + " truthful outcomes, expected " +
                     std::to_string(plan.truthful_tasks) + " (every truthful task of the MechanismPlan)");
  return lie_contributions(in, plan.table, truthful, lie_offsets(in), range, inner_solver_options(plan.options),
                           thread_count(plan.options.threads), plan.options.progress);
}

MechanismReport finish_mechanism(const Instance& in, MechanismPlan plan, std::vector<ProfileOutcome> truthful,
                                 const std::vector<std::vector<double>>& contributions) {
  if (truthful.size() != plan.truthful_tasks || contributions.size() != plan.lie_tasks)
    throw InputError("finish_mechanism: " + std::to_string(truthful.size()) + " truthful outcomes and " +
                     std::to_string(contributions.size()) + " lie contributions, expected " +
                     std::to_string(plan.truthful_tasks) + " and " + std::to_string(plan.lie_tasks));
  MechanismReport report = std::move(plan.report);
  if (plan.options.compute_exact_delta) stage_one_gains(in, plan.table, contributions, lie_offsets(in), report);
  choose_delta(plan.options, report);
  profile_rows(in, plan, truthful, thread_count(plan.options.threads), report);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - plan.start).count();
  return report;
}

namespace {

// Every task of `plan` in this process, then the report; `problem_built` as solve_truthful_range's.
MechanismReport run_planned(const Instance& in, MechanismPlan plan, const std::function<void()>& problem_built) {
  std::vector<ProfileOutcome> truthful = solve_truthful_range(
      in, plan, {0, plan.truthful_tasks}, inner_vcg_options(plan.options), thread_count(plan.options.threads),
      problem_built);
  const auto contributions = stage_one_contributions(in, plan, truthful, {0, plan.lie_tasks});
  return finish_mechanism(in, std::move(plan), std::move(truthful), contributions);
}

// Frees the per-state values u, v and c (the memory, not only the sizes).
void release_per_state_values(Instance& in) {
  std::vector<double>().swap(in.valuations);
  std::vector<double>().swap(in.costs);
  in.externalities = Externalities();
}

}  // namespace

MechanismReport run_mechanism(const Instance& in, const std::vector<std::vector<int>>& profiles,
                              const MechanismOptions& requested) {
  return run_planned(in, plan_mechanism(in, profiles, requested), {});
}

MechanismReport run_mechanism(Instance&& in, const std::vector<std::vector<int>>& profiles,
                              const MechanismOptions& requested) {
  MechanismPlan plan = plan_mechanism(in, profiles, requested);
  // without lie tasks, the stages after the truthful problems read the signals and the prior only
  const bool releasable = plan.lie_tasks == 0;
  return run_planned(in, std::move(plan), [&] {
    if (releasable) release_per_state_values(in);
  });
}

}  // namespace ivassign
