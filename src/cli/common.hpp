// src/cli/common.hpp — what every command shares: output to stdout or --out, backend and thread
// options, progress on stderr.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <variant>

#include <CLI/CLI.hpp>

#include "ivassign/backend.hpp"
#include "ivassign/mechanism.hpp"
#include "ivassign/options.hpp"

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

/// A check of a table row's range (ivassign/options.hpp) on a flag's text: an out-of-range value fails with
/// the library's message under the flag's name ("--bound-iterations: -1 is out of range; it must be in
/// [0, 100000] ..."); text that is not a number is left to the flag's conversion.
CLI::Validator range_check(const OptionRange& range, bool integral);

/// Adds a flag for each row of T's option table marked `cli`, bound to that field of `target`: the row's
/// flag(), help, range (range_check) and default (the field's value now, the struct's default).
template <class T>
void add_table_flags(CLI::App& cmd, T& target) {
  for (const Option<T>& row : option_table<T>()) {
    if (!row.cli) continue;
    std::visit(
        [&](auto member) {
          CLI::Option* flag = cmd.add_option(row.flag(), target.*member, row.help)->default_str(row.value_text(target));
          if (row.range.restricts()) flag->check(range_check(row.range, row.integral()));  // its text: the range
        },
        row.field);
  }
}

/// The options shared by the commands that run the mechanism. The flags of the option tables (--threads,
/// --bound-iterations, --bound-work-limit, --bound-time-limit) write into `options`, whose defaults they show.
struct MechanismArgs {
  std::string delta = "auto";
  std::string solver = "auto";
  std::string backend;
  double time_limit = 0.0;  ///< --time-limit: 0 (the flag's default) is none, the library's infinity
  std::uint64_t seed = SolverOptions{}.seed;
  MechanismOptions options;
  bool quiet = false;
};
/// Adds --delta, --solver, --backend, --threads, --time-limit, --bound-iterations, --bound-work-limit, --bound-time-limit,
/// --seed, --quiet.
void add_mechanism_options(CLI::App& cmd, MechanismArgs& args);
/// Fills the library's options from them (InputError naming the flag).
MechanismOptions mechanism_options(const MechanismArgs& args);

}  // namespace ivassign::cli
