// The mechanism, GVCG and the audit split into task ranges (MechanismPlan, GvcgPlan, AuditPlan): the results of any split,
// concatenated in task order, equal the undivided run's, bit for bit (timings aside).
#include <utility>

#include <gtest/gtest.h>

#include "ivassign/error.hpp"
#include "ivassign/generate.hpp"
#include "ivassign/incentives.hpp"
#include "ivassign/io.hpp"
#include "ivassign/mechanism.hpp"
#include "ivassign/report_io.hpp"
#include "ivassign/social.hpp"
#include "ivassign/solvers.hpp"
#include "ivassign/vcg.hpp"
#include "test_support.hpp"

namespace ivassign {
namespace {

// The report's JSON without its timings (report.seconds, each row's solve seconds).
std::string untimed_json(MechanismReport r) {
  r.seconds = 0.0;
  for (auto& p : r.profiles) p.solve_seconds = 0.0;
  return report_to_json(r);
}

// Task ranges of uneven sizes covering [0, count): [0, 1), [1, 1 + step), ...
std::vector<TaskRange> uneven_split(std::uint64_t count) {
  std::vector<TaskRange> out;
  std::uint64_t first = 0, size = 1;
  while (first < count) {
    const std::uint64_t take = std::min(size, count - first);
    out.push_back({first, take});
    first += take;
    size += 2;
  }
  return out;
}

MechanismReport split_mechanism(const Instance& inst, const std::vector<std::vector<int>>& profiles,
                                const MechanismOptions& opt) {
  MechanismPlan plan = plan_mechanism(inst, profiles, opt);
  std::vector<ProfileOutcome> truthful;
  for (TaskRange r : uneven_split(plan.truthful_tasks)) {
    auto part = truthful_outcomes(inst, plan, r);
    for (auto& o : part) truthful.push_back(std::move(o));
  }
  std::vector<std::vector<double>> contributions;
  for (TaskRange r : uneven_split(plan.lie_tasks)) {
    auto part = stage_one_contributions(inst, plan, truthful, r);
    for (auto& c : part) contributions.push_back(std::move(c));
  }
  return finish_mechanism(inst, std::move(plan), std::move(truthful), contributions);
}

TEST(TaskSplit, MechanismAllProfilesEqualsWhole) {
  for (const char* name : {"toy-2x2", "ci-3x3", "joint-3x4", "rect-3x2"}) {
    const Instance inst = load_instance(test::examples_dir() + "/" + name + ".json");
    MechanismOptions opt;
    opt.delta_mode = DeltaMode::Exact;
    const auto profiles = all_profiles(inst);
    const MechanismReport whole = run_mechanism(inst, profiles, opt);
    ASSERT_TRUE(whole.delta_exact.has_value()) << name;
    EXPECT_EQ(untimed_json(split_mechanism(inst, profiles, opt)), untimed_json(whole)) << name;
  }
}

TEST(TaskSplit, MechanismRequestedProfilesWithoutExactDelta) {
  const Instance inst = load_instance(test::examples_dir() + "/joint-3x4.json");
  MechanismOptions opt;
  opt.delta_mode = DeltaMode::Theorem1;
  opt.compute_exact_delta = false;
  const std::vector<std::vector<int>> profiles = {{0, 1, 0}, {1, 1, 1}, {0, 0, 1}};
  const MechanismPlan plan = plan_mechanism(inst, profiles, opt);
  EXPECT_EQ(plan.truthful_tasks, profiles.size());
  EXPECT_EQ(plan.lie_tasks, 0u);
  EXPECT_EQ(untimed_json(split_mechanism(inst, profiles, opt)), untimed_json(run_mechanism(inst, profiles, opt)));
}

TEST(TaskSplit, MechanismRangeOutsideThePlanIsRefused) {
  const Instance inst = load_instance(test::examples_dir() + "/toy-2x2.json");
  const MechanismPlan plan = plan_mechanism(inst, all_profiles(inst), {});
  EXPECT_THROW(truthful_outcomes(inst, plan, {plan.truthful_tasks, 1}), InputError);
  EXPECT_THROW(stage_one_contributions(inst, plan, {}, {0, 1}), InputError);  // not every truthful outcome
  EXPECT_THROW(finish_mechanism(inst, plan, {}, {}), InputError);
}

/// A 70-buyer spectrum market: large enough for the shared descent and two buyer tasks.
Instance spectrum_70x140() {
  SpectrumOptions so;
  so.buyers = 70;
  so.licences = 140;
  so.seed = 7;
  return generate_spectrum(so);
}

/// Its observed profile's run: Theorem 1's delta (no exact delta), a few steps of the externality bound.
MechanismOptions observed_profile_options() {
  MechanismOptions opt;
  opt.delta_mode = DeltaMode::Theorem1;
  opt.compute_exact_delta = false;
  opt.vcg.bound_iterations = 5;
  return opt;
}

TEST(TaskSplit, TruthfulTaskSplitOverBuyersEqualsWhole) {
  // one profile of a 70-buyer spectrum market: the shared descent's minus-i searches in two buyer
  // tasks (VcgPlan), each run on its own plan as another process would, give truthful_outcomes's row
  const Instance inst = spectrum_70x140();
  const MechanismOptions opt = observed_profile_options();
  const MechanismPlan plan = plan_mechanism(inst, {inst.observed}, opt);
  ASSERT_EQ(plan.truthful_tasks, 1u);
  const ProfileOutcome whole = truthful_outcomes(inst, plan, {0, 1})[0];
  const TruthfulProblem tp = truthful_problem(inst, plan, 0);
  const AssignmentResult full = solve_assignment(tp.problem, tp.options.search);
  const VcgPlan vcg(tp.problem, full, tp.options);
  ASSERT_EQ(vcg.buyer_tasks(), 2u);
  std::vector<VcgPart> parts;
  for (std::uint64_t t = 0; t < vcg.buyer_tasks(); ++t) parts.push_back(VcgPlan(tp.problem, full, tp.options).minus_i({t, 1}));
  ProfileOutcome split = truthful_outcome(full, vcg.finish(parts), 0.0);
  MechanismReport a = plan.report, b = plan.report;
  split.profile = whole.profile;
  a.profiles = {whole};
  b.profiles = {split};
  EXPECT_EQ(untimed_json(b), untimed_json(a));
  EXPECT_THROW(truthful_problem(inst, plan, 1), InputError);
}

TEST(TaskSplit, HandedOverInstanceEqualsWhole) {
  // run_mechanism(Instance&&) releases u, v and c after the one searched profile's problem is built
  // (a large market's observed profile); the report is the const& run's, and with lie tasks nothing goes
  const Instance inst = spectrum_70x140();
  const MechanismOptions opt = observed_profile_options();
  Instance handed = inst;
  const MechanismReport released = run_mechanism(std::move(handed), {inst.observed}, opt);
  EXPECT_TRUE(handed.valuations.empty() && handed.costs.empty() && handed.externalities.seller.empty());
  EXPECT_EQ(untimed_json(released), untimed_json(run_mechanism(inst, {inst.observed}, opt)));
  const Instance toy = load_instance(test::examples_dir() + "/toy-2x2.json");
  MechanismOptions exact;
  exact.delta_mode = DeltaMode::Exact;
  Instance kept = toy;
  EXPECT_EQ(untimed_json(run_mechanism(std::move(kept), all_profiles(toy), exact)),
            untimed_json(run_mechanism(toy, all_profiles(toy), exact)));
}

TEST(TaskSplit, CheckStageTwoProbesEqualWhole) {
  for (const char* name : {"joint-3x4", "ci-3x3"}) {
    const Instance inst = load_instance(test::examples_dir() + "/" + name + ".json");
    CheckOptions opt;
    opt.stage2_profiles = 5;
    CheckReport whole = check_incentives(inst, opt);
    const CheckRun run = check_mechanism_run(inst, opt);
    const MechanismReport mech = run_mechanism(inst, run.profiles, run.options);
    const StageTwoPlan s2 = plan_stage_two(inst, opt, mech);
    ASSERT_EQ(s2.profiles.size(), 5u) << name;
    std::vector<StageTwoProbe> probes;
    for (TaskRange r : uneven_split(s2.profiles.size())) {
      auto part = stage_two_probes(inst, opt, s2, r);
      probes.insert(probes.end(), part.begin(), part.end());
    }
    CheckReport split = check_from_mechanism(inst, opt, mech, probes);
    whole.seconds = split.seconds = 0.0;
    EXPECT_EQ(check_report_to_json(split), check_report_to_json(whole)) << name;
    probes.pop_back();
    EXPECT_THROW(check_from_mechanism(inst, opt, mech, probes), InputError);
    EXPECT_THROW(stage_two_probes(inst, opt, s2, {4, 2}), InputError);
  }
}

GvcgResult split_gvcg(const SocialProblem& p, const GvcgOptions& o) {
  GvcgPlan plan(p, o);
  GvcgOutcomes all;
  for (TaskRange r : uneven_split(plan.outcome_tasks())) {
    GvcgOutcomes part = plan.outcomes(r);
    all.outcome.insert(all.outcome.end(), part.outcome.begin(), part.outcome.end());
    all.transfers.insert(all.transfers.end(), part.transfers.begin(), part.transfers.end());
  }
  plan.set_outcomes(std::move(all));
  std::vector<double> blocks;
  for (TaskRange r : uneven_split(plan.gain_tasks())) {
    const auto part = plan.gain_blocks(r);
    EXPECT_EQ(part.size(), r.count * plan.gain_width());
    blocks.insert(blocks.end(), part.begin(), part.end());
  }
  return plan.finish(blocks);
}

TEST(TaskSplit, ReplicaSizesEqualWhole) {
  const Instance base = load_instance(std::string(IVASSIGN_SOURCE_DIR) + "/examples/replica-base.json");
  ReplicaOptions opt;
  opt.sizes = {4, 6, 8, 16};
  opt.welfare_samples = 1;
  opt.backend = Backend::Cpu;
  auto untimed = [](ReplicaReport r) {
    for (ReplicaRow& row : r.rows) row.seconds = 0.0;
    return replica_report_to_json(r);
  };
  const std::string whole = untimed(replica_experiment(base, opt));
  for (const std::vector<std::uint64_t>& cuts : std::vector<std::vector<std::uint64_t>>{{0, 1, 4}, {0, 3, 4}, {0, 1, 2, 3, 4}}) {
    std::vector<ReplicaRow> rows;
    for (std::size_t c = 0; c + 1 < cuts.size(); ++c)
      for (ReplicaRow& row : replica_rows(base, opt, {cuts[c], cuts[c + 1] - cuts[c]})) rows.push_back(row);
    EXPECT_EQ(untimed(replica_report(base, opt, rows)), whole);
  }
  EXPECT_TRUE(replica_rows(base, opt, {2, 0}).empty());
  EXPECT_THROW(replica_rows(base, opt, {3, 2}), InputError);
  EXPECT_THROW(replica_report(base, opt, {}), InputError);
}

TEST(TaskSplit, GvcgOneAndTwoStagesEqualWhole) {
  SocialAuctionOptions a;
  a.agents = 4;
  a.states = 3;
  a.utility_types = 2;  // 6 types each: 1296 type profiles, two gain blocks
  const SocialProblem p = generate_social_auction(a);
  for (int stages : {1, 2}) {
    GvcgOptions o;
    o.stages = stages;
    o.backend = Backend::Cpu;
    GvcgPlan plan(p, o);
    EXPECT_EQ(plan.outcome_tasks(), 1296u);
    EXPECT_EQ(plan.gain_tasks(), 2u);
    EXPECT_EQ(gvcg_report_json(split_gvcg(p, o)), gvcg_report_json(run_gvcg(p, o))) << stages;
  }
}

TEST(TaskSplit, GvcgOutcomesOfEveryProfileAreRequired) {
  const SocialProblem p = generate_social_auction({});
  GvcgPlan plan(p, {});
  EXPECT_THROW(plan.outcomes({plan.outcome_tasks(), 1}), InputError);
  EXPECT_THROW(plan.set_outcomes(plan.outcomes({0, 1})), InputError);
  EXPECT_THROW(plan.finish({}), InputError);
}

TEST(TaskSplit, AuditEqualsWhole) {
  for (double r : {0.5, 0.95}) {
    const SocialProblem p = generate_social_exchange(r);
    const SocialMechanism mech = problem_mechanism(p);
    AuditOptions o;
    o.backend = Backend::Cpu;
    const AuditPlan plan(p, mech, o);
    ASSERT_GT(plan.lie_tasks(), 2u);
    std::vector<AuditLie> lies;
    for (TaskRange range : uneven_split(plan.lie_tasks())) {
      const auto part = plan.lies(range);
      lies.insert(lies.end(), part.begin(), part.end());
    }
    EXPECT_EQ(audit_report_json(plan.finish(lies)), audit_report_json(audit_mechanism(p, mech, o))) << r;
    EXPECT_THROW(plan.lies({plan.lie_tasks(), 1}), InputError);
    EXPECT_THROW(plan.finish({}), InputError);
  }
}

TEST(TaskSplit, EpicEqualsWhole) {
  for (double a : {0.5, 1.5}) {  // implementable, and a positive cycle
    const SocialProblem p = generate_social_trade(a, 5);
    const std::vector<int> rule = efficient_rule(p);
    EpicOptions o;
    o.backend = Backend::Cpu;
    const EpicPlan plan(p, rule, o);
    ASSERT_GT(plan.group_tasks(), 2u);
    std::vector<EpicGroup> groups;
    for (TaskRange range : uneven_split(plan.group_tasks())) {
      auto part = plan.groups(range);
      for (auto& g : part) groups.push_back(std::move(g));
    }
    const EpicResult split = plan.finish(groups), whole = check_epic(p, rule, o);
    EXPECT_EQ(split.implementable, a < 1.0);
    EXPECT_EQ(epic_report_json(split, p.agents), epic_report_json(whole, p.agents)) << a;
    EXPECT_THROW(plan.groups({plan.group_tasks(), 1}), InputError);
    EXPECT_THROW(plan.finish({}), InputError);
  }
}

}  // namespace
}  // namespace ivassign
