// `ivassign check INSTANCE`: incentive and budget checks (report-format.md, "Check report"), and
// `ivassign replica --base INSTANCE --sizes ...`: Theorem 2's large-market experiment.
#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "distributed/distributed.hpp"
#include "cli/plots.hpp"
#include "ivassign/error.hpp"
#include "ivassign/incentives.hpp"
#include "ivassign/instance_io.hpp"
#include "ivassign/report_io.hpp"

namespace ivassign::cli {

namespace {

/// Up to 8 buyers: the profile itself ("0,2,1"); beyond, the number of buyers reporting each signal
/// ("#0=5 #1=12 #2=33"), which fits under a bar.
constexpr std::size_t kLongProfile = 8;
std::string profile_label(const std::vector<int>& p) {
  std::string s;
  if (p.size() <= kLongProfile) {
    for (std::size_t i = 0; i < p.size(); ++i) s += (i ? "," : "") + std::to_string(p[i]);
    return s;
  }
  std::vector<int> count;
  for (int x : p) {
    if (x >= static_cast<int>(count.size())) count.resize(static_cast<std::size_t>(x) + 1, 0);
    ++count[static_cast<std::size_t>(x)];
  }
  for (std::size_t x = 0; x < count.size(); ++x)
    if (count[x] > 0) s += (s.empty() ? "#" : " #") + std::to_string(x) + "=" + std::to_string(count[x]);
  return s;
}

void check_plots(const CheckReport& r, const std::string& dir) {
  plot::Chart margins;
  margins.kind = plot::Chart::Kind::Bar;
  std::ostringstream delta;
  delta << std::setprecision(6) << r.delta;
  margins.title = "Stage 1: reward loss minus gain of each lie (delta = " + delta.str() + ")";
  margins.x_label = "buyer: true signal -> reported signal";
  margins.y_label = r.stage1.method == "exact" ? "margin delta*S - G" : "margin delta*S - (2+n)(2n+1)M D";
  plot::Series margin{"margin >= 0: truthful", {}, {}};
  margins.color_by_sign = true;
  margins.negative_label = "margin < 0: profitable lie";
  for (std::size_t i = 0; i < r.stage1.margins.size(); ++i) {
    const std::size_t k = static_cast<std::size_t>(std::lround(std::sqrt(static_cast<double>(r.stage1.margins[i].size()))));
    for (std::size_t ab = 0; ab < r.stage1.margins[i].size(); ++ab) {
      if (ab / k == ab % k) continue;
      const double v = r.stage1.margins[i][ab];
      margins.categories.push_back("b" + std::to_string(i) + ": " + std::to_string(ab / k) + "->" + std::to_string(ab % k));
      margin.y.push_back(v);
    }
  }
  margins.series = {margin};
  margins.show_reference = true;
  plot::write_svg(margins, dir, "stage1-margins");

  // budget per profile: the most likely profiles first (at most 40 bars)
  std::vector<std::size_t> order(r.rows.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return r.rows[a].probability > r.rows[b].probability; });
  order.resize(std::min<std::size_t>(order.size(), 40));
  plot::Chart budget;
  budget.kind = plot::Chart::Kind::Bar;
  budget.title = "Rewards paid and VCG revenue per signal profile" +
                 std::string(r.rows.size() > 40 ? " (40 most likely)" : "");
  budget.x_label = !r.rows.empty() && r.rows.front().profile.size() > kLongProfile
                       ? "reported signal profile (#x=k: k buyers report signal x)"
                       : "reported signal profile";
  budget.y_label = "money";
  plot::Series rewards{"rewards sum xi_i", {}, {}}, revenue{"VCG revenue -sum x_i", {}, {}};
  for (std::size_t k : order) {
    budget.categories.push_back(profile_label(r.rows[k].profile));
    rewards.y.push_back(r.rows[k].rewards);
    revenue.y.push_back(r.rows[k].revenue);
  }
  budget.series = {rewards, revenue};
  plot::write_svg(budget, dir, "budget-per-profile");
}

struct CheckArgs {
  std::string instance;
  MechanismArgs mech;
  std::string out, plot_dir;
  int stage2_profiles = 16, stage2_buyers = 16, random_misreports = 12, local_steps = 40, budget_samples = 256;
  double work_limit = CheckOptions{}.work_limit;
};

void run_check(const CheckArgs& a) {
  CheckOptions opt;
  opt.mechanism = mechanism_options(a.mech);
  opt.stage2_profiles = a.stage2_profiles;
  opt.stage2_buyers = a.stage2_buyers;
  opt.random_misreports = a.random_misreports;
  opt.local_search_steps = a.local_steps;
  opt.budget_samples = a.budget_samples;
  if (!(a.work_limit >= 0) || std::isinf(a.work_limit)) throw InputError("--work-limit: must be >= 0 LAP weights (0: no limit)");
  opt.work_limit = a.work_limit;
  opt.seed = a.mech.seed;
  opt.progress = progress_printer("check", a.mech.quiet);
  opt.mechanism.threads = distributed::default_threads(opt.mechanism.threads);
  const Instance inst = distributed::load_instance(a.instance);  // rank 0 reads, every rank parses
  const CheckReport rep = distributed::check_incentives(inst, opt);  // the mechanism's tasks over the MPI ranks
  if (!a.plot_dir.empty() && distributed::is_root()) check_plots(rep, a.plot_dir);
  emit(check_report_to_json(rep), a.out);
}

void replica_plots(const ReplicaReport& r, const std::string& dir) {
  plot::Series sizes_rewards{"E[sum_i xi_i]", {}, {}}, bound{"bound n^-(k+1) max term", {}, {}};
  plot::Series nu{"informational size max_i nu_i", {}, {}};
  for (const auto& row : r.rows) {
    sizes_rewards.x.push_back(row.buyers);
    sizes_rewards.y.push_back(row.expected_total_rewards);
    bound.x.push_back(row.buyers);
    bound.y.push_back(row.max_total_rewards);
    nu.x.push_back(row.buyers);
    nu.y.push_back(row.informational_size);
  }
  plot::Chart rewards;
  rewards.title = "Theorem 2: total stage-1 rewards vanish as the market grows (k = " + std::to_string(r.k) + ")";
  rewards.x_label = "buyers n";
  rewards.y_label = "total rewards";
  rewards.log_x = rewards.log_y = true;
  rewards.series = {sizes_rewards, bound};
  plot::write_svg(rewards, dir, "replica-rewards");
  plot::Chart info;
  info.title = "Informational size of the replicas";
  info.x_label = "buyers n";
  info.y_label = "max_i nu_i";
  info.log_x = info.log_y = true;
  info.series = {nu};
  plot::write_svg(info, dir, "replica-informational-size");
}

struct ReplicaArgs {
  std::string base, sizes = "4,8,16,32,64,128,256", out, plot_dir;
  int k = 2, welfare_samples = 4;
  MechanismArgs mech;
};

void run_replica(const ReplicaArgs& a) {
  ReplicaOptions opt;
  const auto sizes = parse_int_list(a.sizes, "--sizes");
  for (int n : sizes)
    if (n < 2) throw InputError("--sizes: " + std::to_string(n) + " is below 2 buyers");
  opt.sizes = sizes;
  opt.k = a.k;
  opt.welfare_samples = a.welfare_samples;
  const MechanismOptions mopt = mechanism_options(a.mech);
  opt.solver = mopt.solver;
  opt.backend = mopt.backend;
  opt.seed = a.mech.seed;
  opt.progress = progress_printer("replica", a.mech.quiet);
  const ReplicaReport rep = distributed::replica_experiment(distributed::load_instance(a.base), opt);  // sizes over the ranks
  if (!a.plot_dir.empty() && distributed::is_root()) replica_plots(rep, a.plot_dir);
  emit(replica_report_to_json(rep), a.out);
}

}  // namespace

void add_check_command(CLI::App& app) {
  auto a = std::make_shared<CheckArgs>();
  CLI::App* cmd = app.add_subcommand(
      "check",
      "Check the mechanism's incentives and budget on an instance: stage-1 margins of every lie at the chosen\n"
      "delta (exact over all profiles, or the Theorem 1 condition when there are too many), stage-2 misreport\n"
      "probing, expected rewards, revenue, deficit probability and participation (ivassign-check/1).");
  cmd->add_option("instance", a->instance, "Instance file (ivassign/1 JSON)")->required();
  add_mechanism_options(*cmd, a->mech);
  cmd->add_option("--out", a->out, "Write the report to this file instead of stdout");
  cmd->add_option("--plot", a->plot_dir, "Write SVG figures (stage-1 margins, budget per profile) into this directory");
  cmd->add_option("--stage2-profiles", a->stage2_profiles, "Profiles probed with stage-2 misreports")->capture_default_str();
  cmd->add_option("--stage2-buyers", a->stage2_buyers,
                  "Buyers probed per profile (a seeded sample when the market is larger; 0: all). Each misreport is a solve")
      ->capture_default_str();
  cmd->add_option("--random-misreports", a->random_misreports, "Random reports per buyer and profile")->capture_default_str();
  cmd->add_option("--local-search-steps", a->local_steps, "Best-response search steps per buyer and profile")
      ->capture_default_str();
  cmd->add_option("--budget-samples", a->budget_samples,
                  "Profiles sampled from the prior for the budget when there are too many to solve all")
      ->capture_default_str();
  cmd->add_option("--work-limit", a->work_limit,
                  "Counted work of the sampled budget profiles and the stage-2 probes, in LAP weights (a solve counts "
                  "buyers x sellers, a budget profile 1 + buyers solves): counts left at "
                  "their defaults are cut to fit, the report's `work` says what was skipped; counted, not timed, so "
                  "reports stay reproducible (0: no limit)")
      ->capture_default_str();
  cmd->callback([a] { run_check(*a); });
}

void add_replica_command(CLI::App& app) {
  auto a = std::make_shared<ReplicaArgs>();
  CLI::App* cmd = app.add_subcommand(
      "replica",
      "Theorem 2's large-market experiment: replicate a symmetric conditionally independent market to each size and\n"
      "report informational size, the total of the cyclic-neighbour rewards n^-(k+2) P(b_{i+1}|b_i)/||P(.|b_i)||,\n"
      "whether they satisfy the incentive condition, and expected welfare (ivassign-replica/1).");
  cmd->add_option("--base", a->base, "Base instance (ivassign/1 with prior lambda + q)")->required();
  cmd->add_option("--sizes", a->sizes, "Comma-separated numbers of buyers")->capture_default_str();
  cmd->add_option("--k", a->k, "Reward order: each reward is O(n^-(k+2)), the total O(n^-(k+1))")->capture_default_str();
  cmd->add_option("--welfare-samples", a->welfare_samples, "Profiles sampled per size for expected welfare")
      ->capture_default_str();
  add_mechanism_options(*cmd, a->mech);
  cmd->add_option("--out", a->out, "Write the report to this file instead of stdout");
  cmd->add_option("--plot", a->plot_dir, "Write SVG figures (rewards and informational size against n, log scale)");
  cmd->callback([a] { run_replica(*a); });
}

}  // namespace ivassign::cli
