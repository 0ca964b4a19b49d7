// The ivassign command-line tool: one subcommand per job (shared spec cli.md).
#include <exception>
#include <iostream>
#include <new>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "distributed/distributed.hpp"
#include "ivassign/error.hpp"

int main(int argc, char** argv) {
  const ivassign::distributed::Session session(argc, argv);  // MPI_Init / MPI_Finalize under IVASSIGN_MPI
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
  ivassign::cli::add_view_command(app);
  namespace dist = ivassign::distributed;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (!dist::prints_errors()) return e.get_exit_code() == 0 ? 0 : 2;  // rank 0 alone prints usage
    const int code = app.exit(e);  // prints help or the usage error
    return code == 0 ? 0 : 2;
  } catch (const dist::QuietExit& quiet) {  // another rank reported the failure
    return quiet.code;
  } catch (const std::exception& e) {  // the library names its option fields; the messages name the flags
    const int code = dist::exit_code_of(std::current_exception());
    if (dist::prints_errors()) {
      const char* kind = code == 3 ? "resource error" : "error";
      const bool no_memory = dynamic_cast<const std::bad_alloc*>(&e) != nullptr;
      std::cerr << "ivassign: " << kind << ": "
                << (no_memory ? std::string("out of memory") : ivassign::cli::with_flag_names(e.what())) << "\n";
    }
    return code;
  }
  return 0;
}
