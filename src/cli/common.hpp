// src/cli/common.hpp — what every command shares: output to stdout or --out, backend and thread
// options, progress on stderr.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "ivassign/backend.hpp"
#include "ivassign/mechanism.hpp"

namespace ivassign::cli {

/// A library error message as the command line prints it: the library names the option fields and parameters it
/// was given (SpectrumOptions::buyers) and advises library settings; the command line names the flags that set
/// them (--buyers) and advises flags. main() passes every error message it prints through this.
std::string with_flag_names(std::string message);

/// Writes `text` (plus a newline) to `out_path`, or to stdout when it is empty.
void emit(std::string text, const std::string& out_path);

/// Adds `--backend cpu|cuda|auto` bound to `target` (default auto).
void add_backend_option(CLI::App& cmd, std::string& target);
/// Parses a --backend value (throws InputError naming the value; main() names the flag).
Backend backend_from_option(const std::string& text);

/// Parses "0,1,2" into integers; throws InputError naming the option.
std::vector<int> parse_int_list(const std::string& text, const std::string& option_name);
/// Parses "0.5,1,2e3" into finite numbers; throws InputError naming the option and the entry.
std::vector<double> parse_number_list(const std::string& text, const std::string& option);

/// True when progress may be shown (stderr is a terminal and not --quiet).
bool progress_allowed(bool quiet);

/// A progress callback for the library: prints "command: NN% stage" on stderr once a run has lasted
/// two seconds, when progress_allowed(quiet); otherwise a no-op.
std::function<void(double, const std::string&)> progress_printer(const std::string& command, bool quiet);

/// The options shared by the commands that run the mechanism.
struct MechanismArgs {
  std::string delta = "auto";
  std::string solver = "auto";
  std::string backend;
  int threads = 0;
  double time_limit = 0.0;
  int bound_iterations = SolverOptions{}.bound_iterations;
  double bound_time_limit = SolverOptions{}.bound_time_limit;
  double bound_work_limit = SolverOptions{}.bound_work_limit;
  std::uint64_t seed = 1;
  bool quiet = false;
};
/// Adds --delta, --solver, --backend, --threads, --time-limit, --bound-iterations, --bound-work-limit, --bound-time-limit,
/// --seed, --quiet.
void add_mechanism_options(CLI::App& cmd, MechanismArgs& args);
/// Validates them (InputError naming the option) and fills the library's options.
MechanismOptions mechanism_options(const MechanismArgs& args);

}  // namespace ivassign::cli
