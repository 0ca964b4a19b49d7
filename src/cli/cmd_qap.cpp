// `ivassign qap FILE.dat`: solve a QAPLIB instance (minimization) with the exact or heuristic solver.
#include <cmath>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "ivassign/error.hpp"
#include "ivassign/solvers.hpp"

namespace ivassign::cli {

namespace {

struct QapArgs {
  std::string file, out, solver = "auto", backend;
  double time_limit = 10.0;
  std::uint64_t seed = 1;
  int threads = 0;
  int starts = 0;
  std::int64_t iterations = -1;
  double target = std::nan("");
  bool quiet = false;
};

void run(const QapArgs& a) {
  if (!(a.time_limit > 0) || !std::isfinite(a.time_limit))
    throw InputError("--time-limit: " + std::to_string(a.time_limit) + " must be a positive number of seconds");
  if (a.threads < 0) throw InputError("--threads: must be >= 1 (0: all cores)");
  if (a.starts < 0) throw InputError("--starts: " + std::to_string(a.starts) + " must be >= 1 (0: one per thread)");
  SolverOptions o;
  o.solver = parse_solver_kind(a.solver);
  if (o.solver == SolverKind::Lap || o.solver == SolverKind::Enumerate)
    throw InputError("--solver: a QAP needs exact, heuristic or auto");
  o.backend = backend_from_option(a.backend);
  o.time_limit = a.time_limit;
  o.seed = a.seed;
  o.threads = a.threads;
  o.starts = a.starts;
  o.iteration_limit = a.iterations;
  o.target = a.target;
  const auto progress = progress_printer("qap", a.quiet);
  const QapInstance q = read_qaplib(a.file);
  if (progress) progress(0.0, "solving " + q.name + " (n = " + std::to_string(q.n) + ")");
  const QapResult r = solve_qaplib(q, o);
  if (progress) progress(1.0, "solved by " + r.solver);
  nlohmann::ordered_json doc;
  doc["format"] = "ivassign-qap/1";
  doc["instance"] = q.name;
  doc["n"] = q.n;
  doc["objective"] = r.objective;
  doc["permutation"] = r.permutation;
  doc["optimal"] = r.optimal;
  if (!std::isnan(a.target)) doc["gap_to"] = {{"target", a.target}, {"gap", a.target != 0 ? (r.objective - a.target) / std::abs(a.target) : r.objective - a.target}};
  doc["solver"] = r.solver;
  doc["backend"] = to_string(r.backend);  // what ran: "cpu", "cuda" or "omp-device"
  doc["seconds"] = r.seconds;
  doc["iterations"] = r.iterations;
  emit(doc.dump(1), a.out);
}

}  // namespace

void add_qap_command(CLI::App& app) {
  auto a = std::make_shared<QapArgs>();
  CLI::App* cmd = app.add_subcommand(
      "qap",
      "Solve a QAPLIB instance (minimize sum_ij a_ij b_p(i)p(j)): exact branch and bound up to 12 facilities\n"
      "(certified), robust tabu search above; prints objective, 0-based permutation, optimal, gap_to a target.");
  cmd->add_option("file", a->file, "QAPLIB .dat file")->required();
  cmd->add_option("--solver", a->solver, "auto, exact or heuristic")->capture_default_str();
  add_backend_option(*cmd, a->backend);
  cmd->add_option("--time-limit", a->time_limit, "Seconds (heuristic; the exact solver reports optimal=false if cut)")
      ->capture_default_str();
  cmd->add_option("--iterations", a->iterations, "Tabu iterations per start (-1: until the time limit)")->capture_default_str();
  cmd->add_option("--seed", a->seed, "Seed of the tabu search")->capture_default_str();
  cmd->add_option("--threads", a->threads, "Threads running the tabu starts (0: all cores)")->capture_default_str();
  cmd->add_option("--starts", a->starts,
                  "Independent tabu starts, seeds seed, seed + 1, ... (0: one per thread); the best is kept")
      ->capture_default_str();
  cmd->add_option("--target", a->target, "Stop when this objective is reached; report the relative gap to it");
  cmd->add_option("--out", a->out, "Write the JSON to this file instead of stdout");
  cmd->add_flag("--quiet", a->quiet, "No progress on stderr");
  cmd->callback([a] { run(*a); });
}

}  // namespace ivassign::cli
