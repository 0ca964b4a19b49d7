#include "cli/common.hpp"

#include <unistd.h>

#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string_view>
#include <utility>

#include "distributed/distributed.hpp"
#include "ivassign/error.hpp"
#include "ivassign/instance_io.hpp"

namespace ivassign::cli {

namespace {

/// The one table of library text -> command-line text, replaced wherever it occurs, in this order (advice first:
/// it mentions fields). An advice row is printed only by commands that have the flags it names, and the advice
/// works there as written (tests Cli.*, CheckCli.*, SocialCli.*).
constexpr std::pair<std::string_view, std::string_view> kFlagNames[] = {
    // advice: `mechanism` refuses delta.exact (`check` computes it only when affordable); `check` refuses delta
    // exact; an infinite delta (mechanism, check); no CUDA device (the commands with --backend)
    {"set MechanismOptions::compute_exact_delta = false with MechanismOptions::delta_mode = Theorem1 or Value",
     "use --delta theorem1 --no-exact-delta, or --delta VALUE --no-exact-delta"},
    {"set MechanismOptions::delta_mode = Theorem1 or Value", "check with --delta theorem1 or --delta VALUE"},
    {"set MechanismOptions::delta_mode = Value with a delta_value", "choose --delta VALUE"},
    {"use Backend::Cpu", "use --backend cpu"},
    {"or SolverKind::Tabu", "or --solver heuristic"},
    {"(or Backend::Device)", "(or --backend device)"},
    {"or Backend::Auto", "or --backend auto"},
    {"profiles (max_tensor_profiles)", "profiles (--max-tensor-profiles)"},
    {"SolverOptions::backend ", "--backend "},
    {"MeasureOptions::backend ", "--backend "},
    {"AuditOptions::backend ", "--backend "},
    {"AuditOptions::threads", "--threads"},
    {"EpicOptions::backend ", "--backend "},
    {"EpicOptions::threads", "--threads"},
    // values (parse_solver_kind, parse_backend)
    {"solver '", "--solver: '"},
    {"backend '", "--backend: '"},
    // gvcg
    {"GvcgOptions::profiles:", "--profile:"},
    {"GvcgOptions::stages = 2", "--stages 2"},
    // generate spectrum
    {"SpectrumOptions::buyers", "--buyers"},
    {"SpectrumOptions::licences", "--licences"},
    {"SpectrumOptions::states", "--states"},
    {"SpectrumOptions::signals", "--signals"},
    {"SpectrumOptions::national_share", "--national-share"},
    {"SpectrumOptions::accuracy_min", "--accuracy-min"},
    {"SpectrumOptions::accuracy_max", "--accuracy-max"},
    {"SpectrumOptions::interference", "--interference"},
    {"SpectrumOptions::density", "--density"},
    {"SpectrumOptions::reserve", "--reserve"},
    // generate social auction, and the parameters of the other generators
    {"SocialAuctionOptions::agents", "--agents"},
    {"SocialAuctionOptions::states", "--states"},
    {"SocialAuctionOptions::utility_types", "--utility-types"},
    {"SocialAuctionOptions::rho", "--rho"},
    {"SocialAuctionOptions::max_value", "--max-value"},
    {"SocialAuctionOptions::utilities", "--utilities"},
    {"generate social exchange: r =", "generate social exchange: --r ="},
    {"generate social trade: a =", "generate social trade: --a ="},
    {"generate social trade: grid =", "generate social trade: --grid ="},
    {"generate social public-good: agents =", "generate social public-good: --agents ="},
    {"generate social public-good: a =", "generate social public-good: --a ="},
    {"generate social public-good: grid =", "generate social public-good: --grid ="},
    {"generate social public-good: cost =", "generate social public-good: --cost ="},
};

}  // namespace

std::string with_flag_names(std::string message) {
  for (const auto& [library, flag] : kFlagNames)
    for (std::size_t at = message.find(library); at != std::string::npos; at = message.find(library, at + flag.size()))
      message.replace(at, library.size(), flag);
  return message;
}

void emit(std::string text, const std::string& out_path) {
  if (!distributed::is_root()) return;  // under mpirun rank 0 writes the one report
  if (out_path.empty()) {
    std::cout << text << "\n";
    std::cout.flush();
  } else {
    text += '\n';  // in place: reports can be gigabytes
    save_text(out_path, text);
  }
}

void add_backend_option(CLI::App& cmd, std::string& target) {
  target = "auto";
  cmd.add_option("--backend", target,
                 "Where the heavy parallel work runs: cpu, device (this build's device system: CUDA or the OpenMP "
                 "device system), cuda (the device, which must be CUDA) or auto (the GPU when there is one)")
      ->check(CLI::IsMember({"cpu", "device", "cuda", "auto"}))
      ->capture_default_str();
}

Backend backend_from_option(const std::string& text) {
  try {
    const Backend b = parse_backend(text);
    if (b != Backend::Auto) resolve_backend(b);  // a device this build or machine lacks: exit 2 before any work
    return b;
  } catch (const Error& e) {
    throw InputError(std::string("--") + e.what());  // "backend cuda: ..." names the flag's value
  }
}

std::vector<int> parse_int_list(const std::string& text, const std::string& option_name) {
  std::vector<int> values;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    std::size_t used = 0;
    long v = 0;
    try {
      v = std::stol(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != item.size())
      throw InputError(option_name + ": '" + item + "' is not an integer (expected a comma-separated list)");
    if (v < INT_MIN || v > INT_MAX)  // converted as it is, 4294967296 would read as 0
      throw InputError(option_name + ": " + item + " is out of range (expected a signal index)");
    values.push_back(static_cast<int>(v));
  }
  if (values.empty()) throw InputError(option_name + ": empty list");
  return values;
}

std::vector<double> parse_number_list(const std::string& text, const std::string& option) {
  std::vector<double> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    std::size_t used = 0;
    double v = 0.0;
    try {
      v = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != item.size() || !std::isfinite(v))
      throw InputError(option + ": '" + item + "' (entry " + std::to_string(out.size()) + ") is not a number");
    out.push_back(v);
  }
  return out;
}

bool progress_allowed(bool quiet) { return !quiet && distributed::is_root() && isatty(fileno(stderr)); }

std::function<void(double, const std::string&)> progress_printer(const std::string& command, bool quiet) {
  if (!progress_allowed(quiet)) return {};
  const auto start = std::chrono::steady_clock::now();
  return [command, start](double fraction, const std::string& stage) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (elapsed < 2.0 && fraction < 1.0) return;
    std::cerr << "\r" << command << ": " << static_cast<int>(100 * fraction) << "% " << stage << ", "
              << static_cast<long>(elapsed) << " s";
    if (fraction > 0.02 && fraction < 1.0)  // the rest at the pace so far
      std::cerr << ", about " << static_cast<long>(elapsed * (1.0 - fraction) / fraction) << " s left";
    std::cerr << "\x1b[K";
    if (fraction >= 1.0) std::cerr << "\n";
    std::cerr.flush();
  };
}

void add_mechanism_options(CLI::App& cmd, MechanismArgs& a) {
  cmd.add_option("--delta", a.delta,
                 "Reward scale: auto (exact when within the work limits, else theorem1_certified), exact (the "
                 "smallest that works), theorem1 (an estimate when the measures are sampled), theorem1_certified "
                 "(from bounds that hold with certainty), or a number >= 0")
      ->capture_default_str();
  cmd.add_option("--solver", a.solver, "Matching solver: auto, exact, heuristic (tabu), descent (large problems), lap, enumerate")->capture_default_str();
  add_backend_option(cmd, a.backend);
  cmd.add_option("--threads", a.threads, "Worker threads (0: all cores)")->capture_default_str();
  cmd.add_option("--time-limit", a.time_limit, "Seconds per solve for heuristic solvers");
  cmd.add_option("--bound-iterations", a.bound_iterations,
                 "VCG: iterations of the Lagrangian bound that prices externalities in unproven minus-i values "
                 "(0: the bound without externalities), in [0, 100000]")
      ->capture_default_str();
  cmd.add_option("--bound-work-limit", a.bound_work_limit,
                 "VCG: that bound's work per profile in LAP weights, iterations x buyers x sellers (> 0); counted, "
                 "not timed, so reports stay reproducible")
      ->capture_default_str();
  cmd.add_option("--bound-time-limit", a.bound_time_limit,
                 "VCG: seconds for that bound per profile (> 0; default none: a clock makes the intervals depend on "
                 "the machine's load)");
  cmd.add_option("--seed", a.seed, "Seed of randomized solvers and samplers")->capture_default_str();
  cmd.add_flag("--quiet", a.quiet, "No progress on stderr");
}

MechanismOptions mechanism_options(const MechanismArgs& a) {
  MechanismOptions opt;
  if (a.delta == "auto") {
    opt.delta_mode = DeltaMode::Auto;
  } else if (a.delta == "exact") {
    opt.delta_mode = DeltaMode::Exact;
  } else if (a.delta == "theorem1") {
    opt.delta_mode = DeltaMode::Theorem1;
  } else if (a.delta == "theorem1_certified") {
    opt.delta_mode = DeltaMode::Theorem1Certified;
  } else {
    std::size_t used = 0;
    double v = -1.0;
    try {
      v = std::stod(a.delta, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != a.delta.size() || !(v >= 0.0) || !std::isfinite(v))
      throw InputError("--delta: '" + a.delta + "' is not auto, exact, theorem1, theorem1_certified or a number >= 0");
    opt.delta_mode = DeltaMode::Value;
    opt.delta_value = v;
  }
  if (a.threads < 0) throw InputError("--threads: " + std::to_string(a.threads) + " must be >= 1 (0: all cores)");
  if (a.time_limit < 0.0 || !std::isfinite(a.time_limit)) throw InputError("--time-limit: must be > 0 seconds");
  opt.backend = backend_from_option(a.backend);
  opt.threads = a.threads;
  opt.solver.solver = parse_solver_kind(a.solver);
  opt.solver.seed = a.seed;
  opt.solver.threads = a.threads;
  if (a.time_limit > 0.0) opt.solver.time_limit = a.time_limit;
  opt.solver.bound_iterations = a.bound_iterations;
  opt.solver.bound_time_limit = a.bound_time_limit;
  opt.solver.bound_work_limit = a.bound_work_limit;
  if (a.bound_iterations < 0 || a.bound_iterations > 100000)
    throw InputError("--bound-iterations: " + std::to_string(a.bound_iterations) + " must be in [0, 100000]");
  if (!(a.bound_time_limit > 0.0)) throw InputError("--bound-time-limit: must be > 0 seconds");
  if (!(a.bound_work_limit > 0.0)) throw InputError("--bound-work-limit: must be > 0 LAP weights");
  opt.measures.seed = a.seed;
  return opt;
}

}  // namespace ivassign::cli
