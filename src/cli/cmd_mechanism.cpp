// `ivassign mechanism INSTANCE`: the two-stage mechanism's report (report-format.md).
#include <map>
#include <memory>
#include <string>
#include <utility>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "distributed/distributed.hpp"
#include "ivassign/error.hpp"
#include "ivassign/instance_io.hpp"
#include "ivassign/report_io.hpp"
#include "ivassign/mechanism.hpp"

namespace ivassign::cli {

namespace {

struct Args {
  std::string instance;
  std::string profile;
  bool all_profiles = false;
  MechanismArgs mech;
  std::string out;
  bool no_exact_delta = false;
  Sampler sampler = MeasureOptions{}.sampler;
};

void run(const Args& a) {
  MechanismOptions opt = mechanism_options(a.mech);
  if (a.no_exact_delta) {
    if (opt.delta_mode == DeltaMode::Exact)
      throw InputError("--no-exact-delta needs --delta theorem1, --delta theorem1_certified or --delta VALUE");
    opt.compute_exact_delta = false;
  }
  opt.progress = progress_printer("mechanism", a.mech.quiet);
  opt.measures.sampler = a.sampler;
  opt.threads = distributed::default_threads(opt.threads);

  Instance inst = distributed::load_instance(a.instance);  // rank 0 reads, every rank parses
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
  // tasks over the MPI ranks; the instance is handed over (its bulk goes once the problem is built)
  emit(report_to_json(distributed::run_mechanism(std::move(inst), profiles, opt)), a.out);
}

}  // namespace

void add_mechanism_command(CLI::App& app) {
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "mechanism",
      "Run the two-stage mechanism on an ivassign/1 instance for one reported signal profile (default: the\n"
      "instance's `observed`) or all of them: posterior, efficient matching, VCG transfers, stage-1 rewards,\n"
      "informational sizes and both deltas (report-format.md).");
  cmd->add_option("instance", args->instance, "Instance file (ivassign/1 JSON)")->required();
  auto* prof = cmd->add_option("--profile", args->profile, "Reported signals, comma-separated, 0-based (e.g. 0,1,2)");
  cmd->add_flag("--all-profiles", args->all_profiles, "Report every signal profile")->excludes(prof);
  add_mechanism_options(*cmd, args->mech);
  cmd->add_option("--out", args->out, "Write the report to this file instead of stdout");
  cmd->add_flag("--no-exact-delta", args->no_exact_delta,
                "Skip delta.exact (reported as null; without it, delta.exact is computed only within the work "
                "limits); needs --delta theorem1, theorem1_certified or a value");
  add_table_flags(*cmd, args->mech.options.measures);  // --max-tensor-profiles, --samples, --confidence
  cmd->add_option("--sampler", args->sampler,
                  "Sampled measures' estimator: importance (tilted mixture, normal-approximation bands; tiny D_i "
                  "get relative widths), plain (distribution-free bands) or auto (importance where plain bands "
                  "cannot tell the D_i from 0)")
      ->transform(CLI::CheckedTransformer(std::map<std::string, Sampler>{{"auto", Sampler::Auto},
                                                                         {"plain", Sampler::Plain},
                                                                         {"importance", Sampler::Importance}}))
      ->option_text("auto|plain|importance")
      ->default_str("auto");
  cmd->callback([args] { run(*args); });
}

}  // namespace ivassign::cli
