// The command line's runs over MPI ranks (IVASSIGN_MPI): rank 0 reads the input and broadcasts it,
// every rank builds the plan (deterministic), the tasks go out in chunks (scheduler.hpp) and the results
// come back in task order (wire_fields.hpp: what each result holds), so the report equals the single
// process's. One profile of a large market (fewer profiles than ranks) is split further: its minus-i
// searches in the buyer tasks of a VcgPlan; check's stage-2 probes are tasks too. Run directly (no
// mpirun), each command is the library's own call.
#include <chrono>
#include <filesystem>
#include <optional>
#include <utility>

#include "distributed/distributed.hpp"
#include "distributed/runtime.hpp"
#include "distributed/scheduler.hpp"
#include "distributed/wire.hpp"
#include "distributed/wire_fields.hpp"
#include "ivassign/error.hpp"
#include "ivassign/instance_io.hpp"
#include "ivassign/solvers.hpp"
#include "ivassign/vcg.hpp"

namespace ivassign::distributed {

namespace {

using runtime::agree;

/// The file's text, read by rank 0 and broadcast (failures to read: rank 0 reports them).
std::string shared_text(const std::string& path) {
  std::string text;
  agree([&] {
    if (rank() == 0) text = load_text(path);
  });
  runtime::broadcast(text);
  return text;
}

/// make()'s value, made on rank 0 (its failure reported as agree's) and sent to every rank.
template <class T, class Make>
T from_root(Make make) {
  T value;
  std::string bytes;
  agree([&] {
    if (rank() != 0) return;
    value = make();
    bytes = wire::encode(value);
  });
  runtime::broadcast(bytes);
  agree([&] {
    if (rank() != 0) value = wire::decode<T>(bytes);
  });
  return value;
}

/// Truthful task `task` with its minus-i searches split over the ranks (one profile of a large market):
/// rank 0 solves the full problem and broadcasts the result, every rank builds the VcgPlan and takes
/// buyer tasks in chunks, rank 0 finishes the VCG. The outcome at rank 0 (empty on the others).
ProfileOutcome split_truthful(const Instance& in, const MechanismPlan& plan, std::uint64_t task) {
  TruthfulProblem tp;
  agree([&] { tp = truthful_problem(in, plan, task); });
  const auto start = std::chrono::steady_clock::now();
  const auto full = from_root<AssignmentResult>([&] { return solve_assignment(tp.problem, tp.options.search); });
  VcgOptions vcg_options = tp.options;  // the parts do not depend on the threads
  vcg_options.search.threads = plan.options.threads;
  std::optional<VcgPlan> vcg;
  agree([&] { vcg.emplace(tp.problem, full, vcg_options); });
  std::vector<VcgPart> parts = distribute(vcg->buyer_tasks(), false, [&](TaskRange r) { return vcg->minus_i(r); });
  ProfileOutcome out;
  agree([&] {
    if (rank() != 0) return;
    const VcgResult result = vcg->finish(parts);
    out = truthful_outcome(full, result, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  });
  return out;
}

/// Every truthful outcome: tasks over the ranks, or, with fewer tasks than ranks and no lie tasks (the
/// requested profiles of a large market), each task's minus-i searches over the ranks. At rank 0, and
/// at every rank when the lie tasks read them.
std::vector<ProfileOutcome> truthful_everywhere(const Instance& in, const MechanismPlan& plan) {
  std::vector<ProfileOutcome> truthful;
  // without externalities and with the LAP, VCG has no minus-i searches (and the truthful LAPs are batched)
  if (truthful_needs_searches(in, plan) && plan.lie_tasks == 0 &&
      plan.truthful_tasks < static_cast<std::uint64_t>(ranks())) {
    for (std::uint64_t task = 0; task < plan.truthful_tasks; ++task) truthful.push_back(split_truthful(in, plan, task));
    return truthful;
  }
  // every rank needs every truthful outcome when the lie tasks read them
  return concatenate(distribute(plan.truthful_tasks, plan.lie_tasks > 0,
                                [&](TaskRange r) { return truthful_outcomes(in, plan, r); }));
}

}  // namespace

Instance load_instance(const std::string& path) {
  if (!runtime::active()) return ivassign::load_instance(path);
  const std::string text = shared_text(path);
  Instance in;
  agree([&] {
    in = parse_instance(text, path);
    if (in.name.empty()) in.name = std::filesystem::path(path).stem().string();
  });
  return in;
}

SocialProblem load_social_problem(const std::string& path) {
  if (!runtime::active()) return ivassign::load_social_problem(path);
  std::string text;
  try {
    text = shared_text(path);
  } catch (const InputError&) {  // the message of load_social_problem
    throw InputError(path + ": cannot open the file (missing or unreadable)");
  }
  SocialProblem p;
  agree([&] { p = parse_social_problem(text, path); });
  return p;
}

MechanismReport run_mechanism(const Instance& in, const std::vector<std::vector<int>>& profiles,
                              const MechanismOptions& options) {
  if (!runtime::active()) return ivassign::run_mechanism(in, profiles, options);
  MechanismPlan plan;
  agree([&] { plan = plan_mechanism(in, profiles, options); });
  std::vector<ProfileOutcome> truthful = truthful_everywhere(in, plan);
  const auto contributions = concatenate(distribute(
      plan.lie_tasks, false, [&](TaskRange r) { return stage_one_contributions(in, plan, truthful, r); }));
  MechanismReport report;
  agree([&] {
    if (rank() == 0) report = finish_mechanism(in, std::move(plan), std::move(truthful), contributions);
  });
  report.ranks = ranks();
  return report;
}

MechanismReport run_mechanism(Instance&& in, const std::vector<std::vector<int>>& profiles,
                              const MechanismOptions& options) {
  if (!runtime::active()) return ivassign::run_mechanism(std::move(in), profiles, options);
  return distributed::run_mechanism(std::as_const(in), profiles, options);
}

CheckReport check_incentives(const Instance& in, const CheckOptions& options) {
  if (!runtime::active()) return ivassign::check_incentives(in, options);
  CheckRun run;
  agree([&] { run = check_mechanism_run(in, options); });
  const MechanismReport mechanism = distributed::run_mechanism(in, run.profiles, run.options);
  // the stage-2 probes over the ranks: rank 0 (which holds the mechanism report) picks the profiles
  const auto stage2 = from_root<StageTwoPlan>([&] { return plan_stage_two(in, options, mechanism); });
  const auto probes = concatenate(distribute(stage2.profiles.size(), false,
                                             [&](TaskRange r) { return stage_two_probes(in, options, stage2, r); }));
  CheckReport report;
  agree([&] {
    if (rank() == 0) report = check_from_mechanism(in, options, mechanism, probes);
  });
  report.ranks = ranks();
  return report;
}

ReplicaReport replica_experiment(const Instance& base, const ReplicaOptions& options) {
  if (!runtime::active()) return ivassign::replica_experiment(base, options);
  agree([&] { replica_rows(base, options, {0, 0}); });  // the options' errors, once, before any work
  auto rows = concatenate(
      distribute(options.sizes.size(), false, [&](TaskRange r) { return replica_rows(base, options, r); }));
  ReplicaReport report;
  agree([&] {
    if (rank() == 0) report = replica_report(base, options, std::move(rows));
  });
  report.ranks = ranks();
  return report;
}

GvcgResult run_gvcg(const SocialProblem& problem, const GvcgOptions& options) {
  if (!runtime::active()) return ivassign::run_gvcg(problem, options);
  std::optional<GvcgPlan> plan;
  agree([&] { plan.emplace(problem, options); });
  GvcgOutcomes all;
  for (GvcgOutcomes& part : distribute(plan->outcome_tasks(), true, [&](TaskRange r) { return plan->outcomes(r); })) {
    all.outcome.insert(all.outcome.end(), part.outcome.begin(), part.outcome.end());
    all.transfers.insert(all.transfers.end(), part.transfers.begin(), part.transfers.end());
  }
  plan->set_outcomes(std::move(all));
  const auto blocks =
      concatenate(distribute(plan->gain_tasks(), false, [&](TaskRange r) { return plan->gain_blocks(r); }));
  GvcgResult result;
  agree([&] {
    if (rank() == 0) result = plan->finish(blocks);
  });
  result.ranks = ranks();
  return result;
}

AuditResult audit_mechanism(const SocialProblem& problem, const SocialMechanism& mechanism,
                            const AuditOptions& options) {
  if (!runtime::active()) return ivassign::audit_mechanism(problem, mechanism, options);
  std::optional<AuditPlan> plan;
  agree([&] { plan.emplace(problem, mechanism, options); });
  const auto lies = concatenate(distribute(plan->lie_tasks(), false, [&](TaskRange r) { return plan->lies(r); }));
  AuditResult result;
  agree([&] {
    if (rank() == 0) result = plan->finish(lies);
  });
  result.ranks = ranks();
  return result;
}

EpicResult check_epic(const SocialProblem& problem, const std::vector<int>& rule, const EpicOptions& options) {
  if (!runtime::active()) return ivassign::check_epic(problem, rule, options);
  std::optional<EpicPlan> plan;
  agree([&] { plan.emplace(problem, rule, options); });
  const auto groups =
      concatenate(distribute(plan->group_tasks(), false, [&](TaskRange r) { return plan->groups(r); }));
  EpicResult result;
  agree([&] {
    if (rank() == 0) result = plan->finish(groups);
  });
  result.ranks = ranks();
  return result;
}

}  // namespace ivassign::distributed
