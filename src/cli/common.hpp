// src/cli/common.hpp — what every command shares: output to stdout or --out, backend and thread
// options, progress on stderr.
#pragma once
#include <string>

#include <CLI/CLI.hpp>

#include "ivassign/backend.hpp"

namespace ivassign::cli {

/// Writes `text` (plus a newline) to `out_path`, or to stdout when it is empty.
void emit(const std::string& text, const std::string& out_path);

/// Adds `--backend cpu|cuda|auto` bound to `target` (default auto).
void add_backend_option(CLI::App& cmd, std::string& target);
/// Parses a --backend value (throws InputError).
Backend backend_from_option(const std::string& text);

/// Parses "0,1,2" into integers; throws InputError naming the option.
std::vector<int> parse_int_list(const std::string& text, const std::string& option_name);

/// True when progress may be shown (stderr is a terminal and not --quiet).
bool progress_allowed(bool quiet);

}  // namespace ivassign::cli
