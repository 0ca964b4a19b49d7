// src/cli/commands.hpp — one function per command; each adds its CLI11 subcommand with a callback.
// main.cpp calls them all and maps exceptions to exit codes (cli.md): 2 bad input or usage,
// 3 resource exhausted, 1 otherwise.
#pragma once
namespace CLI {
class App;
}

namespace ivassign::cli {

void add_mechanism_command(CLI::App& app);
void add_check_command(CLI::App& app);
void add_replica_command(CLI::App& app);
void add_qap_command(CLI::App& app);
void add_generate_command(CLI::App& app);
void add_convert_command(CLI::App& app);
void add_gvcg_command(CLI::App& app);
void add_audit_command(CLI::App& app);
void add_epic_command(CLI::App& app);
/// `economy` (cmd_economy.cpp).
void add_economy_command(CLI::App& app);
/// `view REPORT --out PAGE.html` (cmd_view.cpp).
void add_view_command(CLI::App& app);
/// `generate social ...`: added under the `generate` command (cmd_social.cpp).
void add_generate_social_command(CLI::App& generate);
/// `generate economy ...`: added under the `generate` command (cmd_economy.cpp).
void add_generate_economy_command(CLI::App& generate);

}  // namespace ivassign::cli
