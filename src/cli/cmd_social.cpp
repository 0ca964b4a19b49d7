// `ivassign gvcg`, `ivassign audit`, `ivassign epic` on ivassign-social/1 problems, and
// `ivassign generate social ...` (social-format.md, cli.md).
#include <cmath>
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "distributed/distributed.hpp"
#include "ivassign/error.hpp"
#include "ivassign/social.hpp"

namespace ivassign::cli {

namespace {

void check_threads(int threads) {
  if (threads < 0) throw InputError("--threads: " + std::to_string(threads) + " must be >= 0 (0: all cores)");
}

struct GvcgArgs {
  std::string problem, epsilon = "exact", profile, out, backend = "auto";
  int stages = 1, threads = 0;
  bool all_profiles = false;
};

void run_gvcg_command(const GvcgArgs& a) {
  check_threads(a.threads);
  if (a.stages != 1 && a.stages != 2) throw InputError("--stages: " + std::to_string(a.stages) + " is not 1 or 2");
  GvcgOptions o;
  o.stages = a.stages;
  o.threads = a.threads;
  o.backend = backend_from_option(a.backend);
  if (a.epsilon == "exact") {
    o.epsilon = GvcgOptions::Epsilon::Exact;
  } else if (a.epsilon == "theorem") {
    o.epsilon = GvcgOptions::Epsilon::Theorem;
  } else {
    std::size_t used = 0;
    double v = 0.0;
    try {
      v = std::stod(a.epsilon, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != a.epsilon.size() || !std::isfinite(v) || v < 0.0)
      throw InputError("--epsilon: '" + a.epsilon + "' is not exact, theorem or a number >= 0");
    o.epsilon = GvcgOptions::Epsilon::Value;
    o.epsilon_value = v;
  }
  if (!a.profile.empty() && a.all_profiles) throw InputError("--profile and --all-profiles exclude each other");
  if (!a.profile.empty()) {
    o.all_profiles = false;
    o.profiles.push_back(parse_int_list(a.profile, "--profile"));
  }
  o.threads = distributed::default_threads(o.threads);
  const SocialProblem p = distributed::load_social_problem(a.problem);  // rank 0 reads, every rank parses
  emit(gvcg_report_json(distributed::run_gvcg(p, o)), a.out);  // tasks over the MPI ranks  // main() names --profile and --stages in the library's errors
}

struct AuditArgs {
  std::string problem, mechanism, out, backend = "auto";
  int threads = 0;
};

void run_audit_command(const AuditArgs& a) {
  check_threads(a.threads);
  AuditOptions options;
  options.threads = a.threads;
  options.backend = backend_from_option(a.backend);
  options.threads = distributed::default_threads(options.threads);
  SocialProblem p = distributed::load_social_problem(a.problem);  // rank 0 reads, every rank parses
  if (!a.mechanism.empty()) load_social_mechanism(a.mechanism, p);  // small: read by every rank
  if (!p.has_mechanism)
    throw InputError("mechanism: required key is missing (the problem has no mechanism to audit; give --mechanism FILE)");
  emit(audit_report_json(distributed::audit_mechanism(p, problem_mechanism(p), options)), a.out);  // lies over the ranks
}

struct EpicArgs {
  std::string problem, rule = "efficient", out, backend = "auto";
  int threads = 0;
};

void run_epic_command(const EpicArgs& a) {
  check_threads(a.threads);
  EpicOptions options;
  options.threads = a.threads;
  options.backend = backend_from_option(a.backend);
  if (a.rule != "efficient" && a.rule != "mechanism")
    throw InputError("--rule: '" + a.rule + "' is not efficient or mechanism");
  options.threads = distributed::default_threads(options.threads);
  const SocialProblem p = distributed::load_social_problem(a.problem);  // rank 0 reads, every rank parses
  if (a.rule == "mechanism" && !p.has_mechanism)
    throw InputError("mechanism: required key is missing (--rule mechanism needs the problem's own mechanism; use "
                     "--rule efficient)");
  const std::vector<int> rule = a.rule == "efficient" ? efficient_rule(p, a.threads) : problem_mechanism(p).outcome;
  emit(epic_report_json(distributed::check_epic(p, rule, options), p.agents), a.out);  // groups over the ranks
}

void written(bool quiet, const std::string& what, const SocialProblem& p, const std::string& out) {
  if (!quiet)
    std::cerr << "generate social " << what << ": wrote " << out << " (" << p.name << ", " << p.profiles()
              << " profiles)\n";
}

}  // namespace

void add_gvcg_command(CLI::App& app) {
  auto a = std::make_shared<GvcgArgs>();
  CLI::App* cmd = app.add_subcommand(
      "gvcg",
      "The augmented generalized VCG mechanism on an ivassign-social/1 problem (social-format.md): per profile\n"
      "the efficient outcome, GVCG transfers and spherical-score rewards; the informational size, both\n"
      "variabilities, aggregate uncertainty, nonexclusive information, and epsilon (exact: the smallest\n"
      "reward scale that makes the augmented mechanism interim IC; theorem: the papers' bound). One stage\n"
      "(2013) or two stages with stage-2 payoff-vector reports (2017; needs a decomposition).");
  cmd->add_option("problem", a->problem, "Problem file (ivassign-social/1)")->required();
  cmd->add_option("--stages", a->stages, "1 (direct mechanism) or 2 (signals first, then payoff vectors)")
      ->capture_default_str();
  cmd->add_option("--epsilon", a->epsilon, "Reward scale: exact, theorem or a number >= 0")->capture_default_str();
  cmd->add_option("--profile", a->profile, "One profile t_1,..,t_n (0-based types); default: every profile of T*");
  cmd->add_flag("--all-profiles", a->all_profiles, "Every profile of the support T* (the default)");
  cmd->add_option("--threads", a->threads, "CPU threads (0: all cores)")->capture_default_str();
  add_backend_option(*cmd, a->backend);
  cmd->add_option("--out", a->out, "Write the report here instead of stdout");
  cmd->callback([a] { run_gvcg_command(*a); });
}

void add_audit_command(CLI::App& app) {
  auto a = std::make_shared<AuditArgs>();
  CLI::App* cmd = app.add_subcommand(
      "audit",
      "Audit a direct mechanism (q, x) on an ivassign-social/1 problem: Bayesian and ex post IC (worst lie and\n"
      "margin), the weak epsilon-ex post IC level (2013, Definition 4), ex post and interim IR, budget.");
  cmd->add_option("problem", a->problem, "Problem file (ivassign-social/1)")->required();
  cmd->add_option("--mechanism", a->mechanism,
                  "Mechanism file ({\"mechanism\": {\"outcome\", \"transfers\"}} or that object); default: the problem's");
  cmd->add_option("--threads", a->threads, "CPU threads (0: all cores)")->capture_default_str();
  add_backend_option(*cmd, a->backend);
  cmd->add_option("--out", a->out, "Write the report here instead of stdout");
  cmd->callback([a] { run_audit_command(*a); });
}

void add_epic_command(CLI::App& app) {
  auto a = std::make_shared<EpicArgs>();
  CLI::App* cmd = app.add_subcommand(
      "epic",
      "Ex post implementability of a decision rule (2002 ex post paper): transfers that make it ex post IC exist\n"
      "iff no agent has a positive cycle of lies for any t_-i (a witness cycle is printed otherwise); when they\n"
      "exist, the pointwise smallest ex post IC and IR transfers (the most revenue in every profile) and budget.");
  cmd->add_option("problem", a->problem, "Problem file (ivassign-social/1)")->required();
  cmd->add_option("--rule", a->rule, "efficient (the efficient outcome) or mechanism (the problem's outcome function)")
      ->capture_default_str();
  cmd->add_option("--threads", a->threads, "CPU threads (0: all cores)")->capture_default_str();
  add_backend_option(*cmd, a->backend);
  cmd->add_option("--out", a->out, "Write the report here instead of stdout");
  cmd->callback([a] { run_epic_command(*a); });
}

namespace {

/// trade and public-good: agents, interdependence, grid, cost.
struct GridArgs {
  int agents = 3, grid = 5;
  double a = 0.5, cost = std::nan("");
  std::string out;
  bool quiet = false;
};

/// generate social auction (2017 paper, section 2).
void add_social_auction(CLI::App* social) {
  struct AuctionArgs {
    SocialAuctionOptions o;
    std::string utilities, out;
    bool quiet = false;
  };
  auto au = std::make_shared<AuctionArgs>();
  CLI::App* auction = social->add_subcommand(
      "auction",
      "2017 paper, section 2: one object, N bidders, M equally likely states; each bidder's signal is the state\n"
      "with probability RHO (else uniform over the others), U equally likely private utility types; type\n"
      "t_i = U * signal + utility; decomposition by signal; v_i(i wins, theta, t_i) = w_i(theta, utility),\n"
      "drawn uniformly from [0, MAX] (3 decimals, from --seed) or given by --utilities ([N][M][U] flattened).\n"
      "The bundled auction-rho0.9-u2 is --rho 0.9 --utility-types 2 --utilities\n"
      "5.606,2.297,9.554,9.538,3.806,8.449,4.81,4.683,5.946,7.782,1.248,5.843.");
  auction->add_option("--agents", au->o.agents, "Bidders N")->capture_default_str();
  auction->add_option("--states", au->o.states, "States M")->capture_default_str();
  auction->add_option("--rho", au->o.rho, "Signal accuracy RHO")->capture_default_str();
  auction->add_option("--utility-types", au->o.utility_types, "Private utility types U")->capture_default_str();
  auction->add_option("--max-value", au->o.max_value, "Random values are uniform on [0, MAX]")->capture_default_str();
  auction->add_option("--seed", au->o.seed, "Seed of the random values")->capture_default_str();
  auction->add_option("--utilities", au->utilities, "The values w_i(theta, u), N*M*U comma-separated numbers");
  auction->add_option("--out", au->out, "Output file (written atomically)")->required();
  auction->add_flag("--quiet", au->quiet, "Nothing on stderr");
  auction->callback([au] {
    SocialAuctionOptions o = au->o;
    if (!au->utilities.empty()) o.utilities = parse_number_list(au->utilities, "--utilities");
    const SocialProblem p = generate_social_auction(o);
    save_social_problem(p, au->out);
    written(au->quiet, "auction", p, au->out);
  });

}

/// generate social exchange (1999 paper, section 4.1).
void add_social_exchange(CLI::App* social) {
  struct ExchangeArgs {
    double r = 0.95;
    std::string out;
    bool quiet = false;
  };
  auto ex = std::make_shared<ExchangeArgs>();
  CLI::App* exchange = social->add_subcommand(
      "exchange",
      "1999 paper, section 4.1: the three B agents with signals alpha/beta, P(theta_1 | alpha) = (1 + r) / 2,\n"
      "two equally likely states; outcomes no trade / trade at the estimated state's prices (majority), values\n"
      "-20 / -4 for the good given up, and the paper's payment table (22, 21; 5, 6) as the mechanism.\n"
      "Bayesian IC exactly when r >= 2 sqrt(2) / 3.");
  exchange->add_option("--r", ex->r, "Signal accuracy r in [0, 1)")->capture_default_str();
  exchange->add_option("--out", ex->out, "Output file (written atomically)")->required();
  exchange->add_flag("--quiet", ex->quiet, "Nothing on stderr");
  exchange->callback([ex] {
    const SocialProblem p = generate_social_exchange(ex->r);
    save_social_problem(p, ex->out);
    written(ex->quiet, "exchange", p, ex->out);
  });

}

/// generate social trade (2002 ex post paper).
void add_social_trade(CLI::App* social) {
  auto tr = std::make_shared<GridArgs>();
  CLI::App* trade = social->add_subcommand(
      "trade",
      "2002 ex post paper: bilateral trade, buyer v = s_0 + a s_1, seller -(s_1 + a s_0) at trade, signals on\n"
      "the grid {0, 1/(g-1), .., 1}, uniform prior. Efficient trade is ex post implementable for a < 1,\n"
      "not for a > 1.");
  trade->add_option("--a", tr->a, "Interdependence a")->capture_default_str();
  trade->add_option("--grid", tr->grid, "Grid points g >= 2")->capture_default_str();
  trade->add_option("--out", tr->out, "Output file (written atomically)")->required();
  trade->add_flag("--quiet", tr->quiet, "Nothing on stderr");
  trade->callback([tr] {
    const SocialProblem p = generate_social_trade(tr->a, tr->grid);
    save_social_problem(p, tr->out);
    written(tr->quiet, "trade", p, tr->out);
  });

}

/// generate social public-good.
void add_social_public_good(CLI::App* social) {
  auto pg = std::make_shared<GridArgs>();
  CLI::App* good = social->add_subcommand(
      "public-good",
      "A public good: v_i(provide) = s_i + a * mean_{j != i} s_j - cost / N, signals on the grid of g points in\n"
      "[0, 1], uniform prior (default cost: N (1 + a) / 2, the midpoint).");
  good->add_option("--agents", pg->agents, "Agents N")->capture_default_str();
  good->add_option("--a", pg->a, "Interdependence a")->capture_default_str();
  good->add_option("--grid", pg->grid, "Grid points g >= 2")->capture_default_str();
  good->add_option("--cost", pg->cost, "Cost of the good (default N (1 + a) / 2)");
  good->add_option("--out", pg->out, "Output file (written atomically)")->required();
  good->add_flag("--quiet", pg->quiet, "Nothing on stderr");
  good->callback([pg] {
    const double cost = std::isnan(pg->cost) ? pg->agents * (1.0 + pg->a) / 2.0 : pg->cost;
    const SocialProblem p = generate_social_public_good(pg->agents, pg->a, pg->grid, cost);
    save_social_problem(p, pg->out);
    written(pg->quiet, "public-good", p, pg->out);
  });
}

}  // namespace

void add_generate_social_command(CLI::App& generate) {
  CLI::App* social = generate.add_subcommand(
      "social",
      "The foundation papers' examples as ivassign-social/1 problems: auction (2017), exchange (1999),\n"
      "trade (2002), public-good.");
  social->require_subcommand(1);
  add_social_auction(social);
  add_social_exchange(social);
  add_social_trade(social);
  add_social_public_good(social);
}

}  // namespace ivassign::cli
