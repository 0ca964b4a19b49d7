// fuzz_cli_args: the command line's option parsing, in process. The input is an argv (arguments
// separated by NUL bytes). It is parsed twice:
//  1. by the tool's own CLI11 tree (every command and option of src/cli, as main() builds it) with
//     each command's callback replaced by a no-op, so that parsing runs and no command does (the
//     commands read files and compute; their inputs have their own targets);
//  2. by the shared option validators that the commands call first (mechanism_options for --delta,
//     --solver, --threads, --time-limit, --seed; parse_int_list for --profile; backend_from_option),
//     bound through add_mechanism_options / add_backend_option as the commands bind them.
// CLI11's ParseError (what main() turns into exit 2 with the usage) and ivassign::Error are expected.
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "fuzz_common.hpp"

namespace {

std::vector<std::string> split_args(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args{"ivassign"};
  std::string cur;
  for (std::size_t k = 0; k < size; ++k) {
    if (data[k] == 0) {
      args.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(static_cast<char>(data[k]));
    }
  }
  if (!cur.empty() || (size && data[size - 1] == 0)) args.push_back(cur);
  return args;
}

void parse(CLI::App& app, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError&) {
  }
}

/// Thrown by the top-level parse_complete_callback, which CLI11 runs once every option is parsed,
/// converted and checked and before any command's callback: parsing runs, no command does.
/// (Replacing the callbacks instead would free the commands' option storage, which they own.)
struct Parsed {};

void parse_as_the_tool(const std::vector<std::string>& args) {
  CLI::App app{"ivassign", "ivassign"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "ivassign 0.1.0");
  using namespace ivassign::cli;
  add_mechanism_command(app);
  add_check_command(app);
  add_replica_command(app);
  add_qap_command(app);
  add_generate_command(app);
  add_convert_command(app);
  add_gvcg_command(app);
  add_audit_command(app);
  add_epic_command(app);
  add_economy_command(app);
  add_view_command(app);
  app.parse_complete_callback([] { throw Parsed{}; });
  try {
    parse(app, args);
  } catch (const Parsed&) {
  }
}

void parse_shared_options(const std::vector<std::string>& args) {
  using namespace ivassign::cli;
  CLI::App app{"ivassign options", "ivassign"};
  app.allow_extras();
  MechanismArgs mech;
  std::string profile, backend;
  add_mechanism_options(app, mech);
  app.add_option("--profile", profile);
  CLI::App* sub = app.add_subcommand("backend", "");
  add_backend_option(*sub, backend);
  sub->allow_extras();
  parse(app, args);
  ivassign::fuzz::expect_only_ivassign_errors([&] { (void)mechanism_options(mech); });
  if (!profile.empty())
    ivassign::fuzz::expect_only_ivassign_errors([&] { (void)parse_int_list(profile, "--profile"); });
  if (!backend.empty()) ivassign::fuzz::expect_only_ivassign_errors([&] { (void)backend_from_option(backend); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::string> args = split_args(data, size);
  parse_as_the_tool(args);
  parse_shared_options(args);
  (void)ivassign::cli::with_flag_names(std::string(reinterpret_cast<const char*>(data), size));  // main()'s messages
  return 0;
}
