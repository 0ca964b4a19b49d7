// `ivassign generate spectrum ...` and `ivassign convert qaplib FILE.dat`: instances in the
// ivassign/1 format (instance-format.md), written atomically to --out.
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "ivassign/error.hpp"
#include "ivassign/generate.hpp"
#include "ivassign/instance_io.hpp"
#include "ivassign/solvers.hpp"

namespace ivassign::cli {

namespace {

struct GenerateArgs {
  SpectrumOptions options;
  std::string out;
  bool quiet = false;
};

void run_generate(const GenerateArgs& a) {
  const Instance in = generate_spectrum(a.options);  // validates the options
  save_instance(in, a.out);
  if (!a.quiet)
    std::cerr << "generate spectrum: wrote " << a.out << " (" << in.buyers << " firms, " << in.sellers << " licences, "
              << in.states << " states)\n";
}

struct ConvertArgs {
  std::string file, out;
  bool quiet = false;
};

void run_convert(const ConvertArgs& a) {
  const QapInstance q = read_qaplib(a.file);
  double constant = 0;
  const Instance in = qap_as_instance(q, &constant);
  save_instance(in, a.out);
  if (!a.quiet)
    std::cerr << "convert qaplib: wrote " << a.out << "; welfare(permutation) = " << q.n << " * " << constant
              << " - QAP objective(permutation)\n";
}

}  // namespace

void add_generate_command(CLI::App& app) {
  CLI::App* gen = app.add_subcommand("generate", "Generate instances in the ivassign/1 format");
  gen->require_subcommand(1);
  auto a = std::make_shared<GenerateArgs>();
  SpectrumOptions& o = a->options;
  CLI::App* cmd = gen->add_subcommand(
      "spectrum",
      "A spectrum-licence market: S licences on a square map of regions (Pareto populations, 4-neighbour\n"
      "adjacency), N firms (national ones covering the map, regional ones with a connected footprint,\n"
      "lognormal value scales), M demand states observed through each firm's noisy market research\n"
      "(conditionally independent prior). Valuations: population covered x value per head (firm and state);\n"
      "costs: reserve prices; externalities (factored): a rival's strength x the proximity of two licences.\n"
      "Deterministic for a seed. n = 1000, s = 4000 takes seconds and about 270 MB.");
  cmd->add_option("--buyers", o.buyers, "Firms N (1..100000)")->required();
  cmd->add_option("--licences,--licenses", o.licences, "Licences S (1..100000)")->required();
  cmd->add_option("--states", o.states, "Demand states M (1..64)")->capture_default_str();
  cmd->add_option("--signals", o.signals, "Signal alphabet K per firm (0: = M)")->capture_default_str();
  cmd->add_option("--seed", o.seed, "Seed")->capture_default_str();
  cmd->add_option("--national-share", o.national_share, "Share of national firms [0, 1]")->capture_default_str();
  cmd->add_option("--accuracy-min", o.accuracy_min, "Lowest signal accuracy of a firm")->capture_default_str();
  cmd->add_option("--accuracy-max", o.accuracy_max, "Highest signal accuracy of a firm")->capture_default_str();
  cmd->add_flag("--symmetric-signals", o.symmetric_signals,
                "One signal technology for all firms (prior lambda + q; exact measures by count vectors)");
  cmd->add_option("--interference", o.interference, "Externality scale relative to a licence's value")
      ->capture_default_str();
  cmd->add_option("--density", o.density, "Probability that licences two steps apart also interfere [0, 1]")
      ->capture_default_str();
  cmd->add_option("--reserve", o.reserve, "Reserve price as a share of the average value per head")
      ->capture_default_str();
  cmd->add_option("--out", a->out, "Output file (written atomically)")->required();
  cmd->add_flag("--quiet", a->quiet, "Nothing on stderr");
  cmd->callback([a] { run_generate(*a); });
  add_generate_social_command(*gen);
  add_generate_economy_command(*gen);
}

void add_convert_command(CLI::App& app) {
  CLI::App* conv = app.add_subcommand("convert", "Convert other formats to ivassign/1");
  conv->require_subcommand(1);
  auto a = std::make_shared<ConvertArgs>();
  CLI::App* cmd = conv->add_subcommand(
      "qaplib",
      "A QAPLIB instance (minimize sum_ij a_ij b_p(i)p(j)) as an ivassign/1 instance: one state, facilities\n"
      "as buyers, locations as sellers, u = C, v_ij = a_ii b_jj, factored externalities a_ip b_jq, with a\n"
      "constant C large enough that every complete matching beats every partial one:\n"
      "welfare(permutation) = n * C - QAP objective(permutation); C is printed on stderr and in `name`.");
  cmd->add_option("file", a->file, "QAPLIB .dat file")->required();
  cmd->add_option("--out", a->out, "Output file (written atomically)")->required();
  cmd->add_flag("--quiet", a->quiet, "Nothing on stderr");
  cmd->callback([a] { run_convert(*a); });
}

}  // namespace ivassign::cli
