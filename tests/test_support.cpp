#include "test_support.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>

#include "ivassign/tolerances.hpp"

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

namespace {
/// Removes every directory temp_dir() made when the test program ends.
class TempDirs : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ec;
    for (const auto& d : dirs) std::filesystem::remove_all(d, ec);
  }
  std::vector<std::string> dirs;
};
TempDirs* temp_dirs() {
  static TempDirs* env = static_cast<TempDirs*>(::testing::AddGlobalTestEnvironment(new TempDirs));
  return env;
}
}  // namespace

std::string temp_dir() {
  static int counter = 0;
  auto dir = std::filesystem::temp_directory_path() /
             ("ivassign-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  temp_dirs()->dirs.push_back(dir.string());
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
  // A sanitized CLI (IVASSIGN_SANITIZE) reports on stderr, which callers may not print: fail here
  // with the report, whatever exit code the caller expects.
  for (const char* mark : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", ": runtime error: ",
                           "WARNING: ThreadSanitizer"})
    if (r.err.find(mark) != std::string::npos)
      ADD_FAILURE() << "sanitizer report from `ivassign " << args << "`:\n" << r.err;
  return r;
}

::testing::AssertionResult Close(double got, double want) {
  const double scale = std::max(std::abs(got), std::abs(want));
  if (std::abs(got - want) <= std::max(tol::kReportRelative * scale, tol::kReportAbsolute))
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "got " << got << ", expected " << want;
}

}  // namespace ivassign::test
