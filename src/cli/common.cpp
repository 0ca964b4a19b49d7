#include "cli/common.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <sstream>

#include "ivassign/error.hpp"
#include "ivassign/io.hpp"

namespace ivassign::cli {

void emit(const std::string& text, const std::string& out_path) {
  if (out_path.empty()) {
    std::cout << text << "\n";
    std::cout.flush();
  } else {
    save_text(out_path, text + "\n");
  }
}

void add_backend_option(CLI::App& cmd, std::string& target) {
  target = "auto";
  cmd.add_option("--backend", target, "Where the heavy parallel work runs: cpu, cuda or auto")
      ->check(CLI::IsMember({"cpu", "cuda", "auto"}))
      ->capture_default_str();
}

Backend backend_from_option(const std::string& text) { return parse_backend(text); }

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
    values.push_back(static_cast<int>(v));
  }
  if (values.empty()) throw InputError(option_name + ": empty list");
  return values;
}

bool progress_allowed(bool quiet) { return !quiet && isatty(fileno(stderr)); }

}  // namespace ivassign::cli
