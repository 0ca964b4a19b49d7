// `ivassign economy PROBLEM` on ivassign-economy/1 problems (economy-format.md), and
// `ivassign generate economy exchange|cobb-douglas`.
#include <cmath>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "ivassign/economy.hpp"
#include "ivassign/error.hpp"

namespace ivassign::cli {

namespace {

struct EconomyArgs {
  std::string problem, out;
  double eta = 0.0;
  bool eta_given = false, all_profiles = false, no_eta_ic = false, no_efficiency = false;
  int threads = 0;
};

void run_economy_command(const EconomyArgs& a) {
  if (a.threads < 0) throw InputError("--threads: " + std::to_string(a.threads) + " must be >= 0 (0: all cores)");
  EconomyOptions o;
  if (a.eta_given) {
    if (!(a.eta > 0.0) || !std::isfinite(a.eta)) throw InputError("--eta: " + std::to_string(a.eta) + " must be a number > 0");
    o.eta = a.eta;
  }
  o.all_profiles = a.all_profiles;
  o.eta_ic = !a.no_eta_ic;
  o.efficiency = !a.no_efficiency;
  o.threads = a.threads;
  const EconomyProblem p = load_economy_problem(a.problem);
  emit(economy_report_json(run_economy(p, o)), a.out);
}

/// "P1,P2" as numbers.
std::vector<double> parse_prices(const std::string& text) {
  std::vector<double> out = parse_number_list(text, "--prices");
  if (out.size() != 2) throw InputError("--prices: '" + text + "' must be two prices P1,P2 (states 1 and 2)");
  return out;
}

void written(bool quiet, const std::string& what, const EconomyProblem& e, const std::string& out) {
  if (!quiet)
    std::cerr << "generate economy " << what << ": wrote " << out << " (" << e.agents() << " agents, " << e.states()
              << " states, " << e.goods << " goods)\n";
}

void add_economy_exchange(CLI::App* economy) {
  struct Args {
    double r = 0.99, money = 30.0;
    std::string prices = "21.5,5.5", out;
    bool quiet = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = economy->add_subcommand(
      "exchange",
      "1999 paper, section 4.1, as an exchange economy: three A agents with money M and no signal (values\n"
      "23 / 7 for the good), three B agents with one unit each and a signal of accuracy (1 + r) / 2 on two\n"
      "equally likely states (values 20 / 4); linear utilities; cie: each A buys a unit at P1 (state 1), P2 (state 2).");
  cmd->add_option("--r", a->r, "Signal accuracy r in (0, 1]")->capture_default_str();
  cmd->add_option("--money", a->money, "Endowment of money M of an A agent")->capture_default_str();
  cmd->add_option("--prices", a->prices, "Prices P1,P2 of the complete-information trades")->capture_default_str();
  cmd->add_option("--out", a->out, "Output file (written atomically)")->required();
  cmd->add_flag("--quiet", a->quiet, "Nothing on stderr");
  cmd->callback([a] {
    const EconomyProblem e = generate_economy_exchange(a->r, a->money, parse_prices(a->prices));
    save_economy_problem(e, a->out);
    written(a->quiet, "exchange", e, a->out);
  });
}

void add_economy_cobb_douglas(CLI::App* economy) {
  struct Args {
    CobbDouglasOptions options;
    std::string out;
    bool quiet = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = economy->add_subcommand(
      "cobb-douglas",
      "A random Cobb-Douglas exchange economy without cie (zeta is the Walrasian allocation): conditionally\n"
      "independent prior, endowments in [0.5, 2] with 3 decimals, exponents on the simplex; splitmix64 from --seed.");
  cmd->add_option("--agents", a->options.agents, "Agents n (1..64)")->required();
  cmd->add_option("--types", a->options.types, "Types per agent K (1..64)")->required();
  cmd->add_option("--states", a->options.states, "States m (1..64)")->capture_default_str();
  cmd->add_option("--goods", a->options.goods, "Goods l (1..64)")->capture_default_str();
  cmd->add_option("--seed", a->options.seed, "Seed")->capture_default_str();
  cmd->add_option("--out", a->out, "Output file (written atomically)")->required();
  cmd->add_flag("--quiet", a->quiet, "Nothing on stderr");
  cmd->callback([a] {
    const EconomyProblem e = generate_economy_cobb_douglas(a->options);
    save_economy_problem(e, a->out);
    written(a->quiet, "cobb-douglas", e, a->out);
  });
}

}  // namespace

void add_economy_command(CLI::App& app) {
  auto a = std::make_shared<EconomyArgs>();
  CLI::App* cmd = app.add_subcommand(
      "economy",
      "The 2002 construction on an exchange economy without money (economy-format.md): zeta (given, or\n"
      "Walrasian), the quasi-mechanism (beta, c, tau), the cells of the estimated state, the exact audit\n"
      "(feasibility, IC margin, XIR slack, efficiency gap epsilon) and eta_ic, the smallest slack that is IC.");
  cmd->add_option("problem", a->problem, "Economy file (ivassign-economy/1)")->required();
  cmd->add_option("--eta", a->eta, "Slack eta > 0 (default: 1e-3 times the smallest u_i(zeta_i(theta); theta))")
      ->each([a](const std::string&) { a->eta_given = true; });
  cmd->add_flag("--all-profiles", a->all_profiles, "The allocation of every profile in the report");
  cmd->add_flag("--no-eta-ic", a->no_eta_ic, "Skip the search for eta_ic (eta_ic: null)");
  cmd->add_flag("--no-efficiency", a->no_efficiency, "Skip the efficiency gap (efficiency: null)");
  cmd->add_option("--threads", a->threads, "Threads (0: all cores)")->capture_default_str();
  cmd->add_option("--out", a->out, "Write the report here (atomically) instead of stdout");
  cmd->callback([a] { run_economy_command(*a); });
}

void add_generate_economy_command(CLI::App& generate) {
  CLI::App* economy = generate.add_subcommand(
      "economy", "Exchange economies in the ivassign-economy/1 format: exchange (1999, section 4.1), cobb-douglas.");
  economy->require_subcommand(1);
  add_economy_exchange(economy);
  add_economy_cobb_douglas(economy);
}

}  // namespace ivassign::cli
