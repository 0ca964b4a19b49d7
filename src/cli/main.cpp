// The ivassign command-line tool: one subcommand per job (shared spec cli.md).
#include <exception>
#include <iostream>
#include <new>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "ivassign/error.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "ivassign: efficient, incentive-compatible assignment mechanisms for markets with interdependent\n"
      "valuations and externalities (two-stage mechanism: spherical-score signal rewards, then VCG).\n"
      "Exit codes: 0 success, 2 bad input or usage, 3 a resource ran out, 1 any other failure.",
      "ivassign"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "ivassign 0.1.0");
  ivassign::cli::add_mechanism_command(app);
  ivassign::cli::add_check_command(app);
  ivassign::cli::add_replica_command(app);
  ivassign::cli::add_qap_command(app);
  ivassign::cli::add_generate_command(app);
  ivassign::cli::add_convert_command(app);
  ivassign::cli::add_gvcg_command(app);
  ivassign::cli::add_audit_command(app);
  ivassign::cli::add_epic_command(app);
  ivassign::cli::add_economy_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help or the usage error
    return code == 0 ? 0 : 2;
  } catch (const ivassign::InputError& e) {  // the library names its option fields; the messages name the flags
    std::cerr << "ivassign: error: " << ivassign::cli::with_flag_names(e.what()) << "\n";
    return 2;
  } catch (const ivassign::ResourceError& e) {
    std::cerr << "ivassign: resource error: " << ivassign::cli::with_flag_names(e.what()) << "\n";
    return 3;
  } catch (const std::bad_alloc&) {
    std::cerr << "ivassign: resource error: out of memory\n";
    return 3;
  } catch (const std::exception& e) {
    std::cerr << "ivassign: error: " << ivassign::cli::with_flag_names(e.what()) << "\n";
    return 1;
  }
  return 0;
}
