#include "cli/common.hpp"

#include <unistd.h>

#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string_view>
#include <utility>
#include <vector>

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

/// --time-limit: seconds, 0 (its default) for none, where the library's SolverOptions::time_limit is > 0 with
/// infinity for none.
OptionRange time_limit_flag_range() {
  OptionRange r;
  r.min = 0.0;
  r.max_open = true;
  r.unit = "seconds";
  r.note = "0: none";
  return r;
}

/// "X::name" -> its flag for every row of T's table that the command line has.
template <class T>
void add_table_names(std::vector<std::pair<std::string, std::string>>& names) {
  for (const Option<T>& row : option_table<T>())
    if (row.cli) names.emplace_back(std::string(options_name<T>()) + "::" + row.name, row.flag());
}

/// The option tables' rows of the command line, then the flags whose library fields are set from another flag.
const std::vector<std::pair<std::string, std::string>>& option_flag_names() {
  static const std::vector<std::pair<std::string, std::string>> names = [] {
    std::vector<std::pair<std::string, std::string>> n;
    add_table_names<SolverOptions>(n);
    add_table_names<VcgOptions>(n);
    add_table_names<MeasureOptions>(n);
    add_table_names<MechanismOptions>(n);
    add_table_names<CheckOptions>(n);
    add_table_names<ReplicaOptions>(n);
    n.emplace_back("SolverOptions::threads", "--threads");
    n.emplace_back("SolverOptions::time_limit", "--time-limit");
    n.emplace_back("ReplicaOptions::sizes", "--sizes");
    return n;
  }();
  return names;
}

void replace_all(std::string& message, std::string_view library, std::string_view flag) {
  for (std::size_t at = message.find(library); at != std::string::npos; at = message.find(library, at + flag.size()))
    message.replace(at, library.size(), flag);
}

}  // namespace

std::string with_flag_names(std::string message) {
  for (const auto& [library, flag] : kFlagNames) replace_all(message, library, flag);
  for (const auto& [library, flag] : option_flag_names()) replace_all(message, library, flag);
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

CLI::Validator range_check(const OptionRange& range, bool integral) {
  return CLI::Validator(
      [range, integral](std::string& text) -> std::string {
        char* end = nullptr;
        const double v = integral ? static_cast<double>(std::strtoll(text.c_str(), &end, 10)) : std::strtod(text.c_str(), &end);
        if (text.empty() || *end != '\0' || range.contains(v)) return "";  // not a number: the conversion says so
        return option_range_message("", option_value_text(v, integral), range).substr(2);  // CLI11 prefixes the flag
      },
      range.text());
}

void add_mechanism_options(CLI::App& cmd, MechanismArgs& a) {
  cmd.add_option("--delta", a.delta,
                 "Reward scale: auto (exact when within the work limits, else theorem1_certified), exact (the "
                 "smallest that works), theorem1 (an estimate when the measures are sampled), theorem1_certified "
                 "(from bounds that hold with certainty), or a number >= 0")
      ->capture_default_str();
  cmd.add_option("--solver", a.solver, "Matching solver: auto, exact, heuristic (tabu), descent (large problems), lap, enumerate")->capture_default_str();
  add_backend_option(cmd, a.backend);
  add_table_flags(cmd, a.options);         // --threads
  add_table_flags(cmd, a.options.vcg);     // --bound-iterations, --bound-work-limit, --bound-time-limit
  cmd.add_option("--time-limit", a.time_limit, "Seconds per solve for heuristic solvers (0: none)")
      ->check(range_check(time_limit_flag_range(), false));
  cmd.add_option("--seed", a.seed, "Seed of randomized solvers and samplers")->capture_default_str();
  cmd.add_flag("--quiet", a.quiet, "No progress on stderr");
}

MechanismOptions mechanism_options(const MechanismArgs& a) {
  MechanismOptions opt = a.options;
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
  opt.backend = backend_from_option(a.backend);
  SolverOptions& search = opt.vcg.search;
  search.solver = parse_solver_kind(a.solver);
  search.seed = a.seed;
  search.threads = opt.threads;
  if (a.time_limit > 0.0) search.time_limit = a.time_limit;
  opt.measures.seed = a.seed;
  validate(opt);  // the flags' checks hold these already; the library's messages name the flags (kFlagNames)
  return opt;
}

}  // namespace ivassign::cli
