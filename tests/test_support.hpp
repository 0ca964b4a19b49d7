// tests/test_support.hpp — paths to the shared reference data and the CLI, and a runner for it.
#pragma once
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

namespace ivassign::test {

/// ../shared (the folder with data/examples, data/qaplib, data/social); IVASSIGN_SHARED_DIR
/// in the environment overrides the configured path.
std::string shared_dir();
std::string examples_dir();
/// build/ivassign
std::string cli_path();

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
/// Runs `build/ivassign <args>` (args are passed to /bin/sh, quote them) and captures both streams;
/// a sanitizer report on its stderr is a test failure.
CommandResult run_cli(const std::string& args);

/// A fresh empty temporary directory for this test.
std::string temp_dir();

/// Report numbers agree with expected files: relative tol::kReportRelative, or absolute
/// tol::kReportAbsolute near zero (the comparison the data READMEs prescribe).
::testing::AssertionResult Close(double got, double want);

/// Sets an environment variable for the scope of a test, then restores it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old, had_ = true;
    setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (had_) setenv(name_, old_.c_str(), 1);
    else unsetenv(name_);
  }
 private:
  const char* name_;
  std::string old_;
  bool had_ = false;
};

}  // namespace ivassign::test
