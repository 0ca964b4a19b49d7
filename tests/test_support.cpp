#include "test_support.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ivassign::test {

std::string shared_dir() {
  if (const char* env = std::getenv("IVASSIGN_SHARED_DIR")) return env;
  return IVASSIGN_SHARED_DIR;
}
std::string examples_dir() { return shared_dir() + "/data/examples"; }
std::string cli_path() { return IVASSIGN_CLI_PATH; }

static std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string temp_dir() {
  static int counter = 0;
  auto dir = std::filesystem::temp_directory_path() /
             ("ivassign-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

CommandResult run_cli(const std::string& args) {
  const std::string dir = temp_dir();
  const std::string out = dir + "/stdout", err = dir + "/stderr";
  const std::string cmd = "'" + cli_path() + "' " + args + " >'" + out + "' 2>'" + err + "' </dev/null";
  const int status = std::system(cmd.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  std::filesystem::remove_all(dir);
  return r;
}

}  // namespace ivassign::test
