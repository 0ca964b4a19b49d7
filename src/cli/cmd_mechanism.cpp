// `ivassign mechanism INSTANCE`: the two-stage mechanism's report (report-format.md).
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "ivassign/error.hpp"
#include "ivassign/io.hpp"
#include "ivassign/mechanism.hpp"

namespace ivassign::cli {

namespace {

struct MechanismArgs {
  std::string instance;
  std::string profile;
  bool all_profiles = false;
  std::string delta = "exact";
  std::string solver = "auto";
  std::string backend;
  int threads = 0;
  double time_limit = 0.0;
  std::uint64_t seed = 1;
  std::string out;
  bool quiet = false;
  bool no_exact_delta = false;
  std::uint64_t samples = 200000;
  double confidence = 0.95;
  std::uint64_t max_tensor_profiles = std::uint64_t(1) << 22;
};

void run(const MechanismArgs& a) {
  MechanismOptions opt;
  if (a.delta == "exact") {
    opt.delta_mode = DeltaMode::Exact;
  } else if (a.delta == "theorem1") {
    opt.delta_mode = DeltaMode::Theorem1;
  } else {
    std::size_t used = 0;
    double v = -1.0;
    try {
      v = std::stod(a.delta, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != a.delta.size() || !(v >= 0.0))
      throw InputError("--delta: '" + a.delta + "' is not exact, theorem1 or a number >= 0");
    opt.delta_mode = DeltaMode::Value;
    opt.delta_value = v;
  }
  if (a.no_exact_delta) {
    if (opt.delta_mode == DeltaMode::Exact)
      throw InputError("--no-exact-delta needs --delta theorem1 or --delta VALUE");
    opt.compute_exact_delta = false;
  }
  if (a.threads < 0) throw InputError("--threads: " + std::to_string(a.threads) + " must be >= 1 (0: all cores)");
  if (a.time_limit < 0.0) throw InputError("--time-limit: must be > 0 seconds");
  opt.backend = backend_from_option(a.backend);
  opt.threads = a.threads;
  opt.solver.solver = parse_solver_kind(a.solver);
  opt.solver.seed = a.seed;
  if (a.time_limit > 0.0) opt.solver.time_limit = a.time_limit;
  opt.measures.samples = a.samples;
  opt.measures.confidence = a.confidence;
  opt.measures.seed = a.seed;
  opt.measures.max_tensor_profiles = a.max_tensor_profiles;

  const Instance inst = load_instance(a.instance);
  std::vector<std::vector<int>> profiles;
  if (a.all_profiles) {
    profiles = all_profiles(inst);
  } else if (!a.profile.empty()) {
    profiles.push_back(parse_int_list(a.profile, "--profile"));
  } else if (!inst.observed.empty()) {
    profiles.push_back(inst.observed);
  } else {
    throw InputError("no profile to run: give --profile 0,1,..., --all-profiles, or an instance with `observed`");
  }
  emit(report_to_json(run_mechanism(inst, profiles, opt)), a.out);
}

}  // namespace

void add_mechanism_command(CLI::App& app) {
  auto args = std::make_shared<MechanismArgs>();
  CLI::App* cmd = app.add_subcommand(
      "mechanism",
      "Run the two-stage mechanism on an ivassign/1 instance for one reported signal profile (default: the\n"
      "instance's `observed`) or all of them: posterior, efficient matching, VCG transfers, stage-1 rewards,\n"
      "informational sizes and both deltas (report-format.md).");
  cmd->add_option("instance", args->instance, "Instance file (ivassign/1 JSON)")->required();
  auto* prof = cmd->add_option("--profile", args->profile, "Reported signals, comma-separated, 0-based (e.g. 0,1,2)");
  cmd->add_flag("--all-profiles", args->all_profiles, "Report every signal profile")->excludes(prof);
  cmd->add_option("--delta", args->delta, "Reward scale: exact (smallest that works), theorem1, or a number >= 0")
      ->capture_default_str();
  cmd->add_option("--solver", args->solver, "Matching solver: auto, exact, heuristic, lap, enumerate")
      ->capture_default_str();
  add_backend_option(*cmd, args->backend);
  cmd->add_option("--threads", args->threads, "Worker threads (0: all cores)")->capture_default_str();
  cmd->add_option("--time-limit", args->time_limit, "Seconds per solve for heuristic solvers");
  cmd->add_option("--seed", args->seed, "Seed of randomized solvers")->capture_default_str();
  cmd->add_option("--out", args->out, "Write the report to this file instead of stdout");
  cmd->add_flag("--quiet", args->quiet, "No progress on stderr");
  cmd->add_flag("--no-exact-delta", args->no_exact_delta,
                "Skip delta.exact (reported as null); needs --delta theorem1 or a value");
  cmd->add_option("--samples", args->samples,
                  "Per-buyer CI priors with too many profiles: draws per (buyer, signal) for nu_i and D_i")
      ->capture_default_str();
  cmd->add_option("--confidence", args->confidence, "Simultaneous confidence of the sampled bands, in (0, 1)")
      ->capture_default_str();
  cmd->add_option("--max-tensor-profiles", args->max_tensor_profiles,
                  "CI priors with more profiles skip the full tensor (count vectors or sampling)")
      ->capture_default_str();
  cmd->callback([args] { run(*args); });
}

}  // namespace ivassign::cli
