// The command-line contract (cli.md): help on every command, exit codes, output to --out.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace ivassign {
namespace {

TEST(Cli, HelpOnTheToolAndOnEachCommand) {
  auto r = test::run_cli("--help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("mechanism"), std::string::npos);
  EXPECT_NE(r.out.find("Exit codes"), std::string::npos);
  r = test::run_cli("mechanism --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--all-profiles"), std::string::npos);
  EXPECT_NE(r.out.find("--delta"), std::string::npos);
}

TEST(Cli, UsageErrorsExitWith2) {
  EXPECT_EQ(test::run_cli("").exit_code, 2);
  EXPECT_EQ(test::run_cli("no-such-command").exit_code, 2);
  const std::string toy = "'" + test::examples_dir() + "/toy-2x2.json'";
  auto r = test::run_cli("mechanism " + toy + " --delta minus-one");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--delta"), std::string::npos) << r.err;
  r = test::run_cli("mechanism " + toy + " --profile 0,7");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("out of range"), std::string::npos) << r.err;
  r = test::run_cli("mechanism " + toy + " --profile 0,x");
  EXPECT_EQ(r.exit_code, 2);
  r = test::run_cli("mechanism " + toy + " --threads -1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--threads"), std::string::npos) << r.err;
  r = test::run_cli("mechanism " + toy + " --time-limit -3");
  EXPECT_EQ(r.exit_code, 2);
  r = test::run_cli("mechanism " + toy + " --profile 0,1 --all-profiles");
  EXPECT_EQ(r.exit_code, 2);
  r = test::run_cli("mechanism " + toy + " --backend gpu");
  EXPECT_EQ(r.exit_code, 2);
}

TEST(Cli, OutWritesTheReportToAFile) {
  const std::string dir = test::temp_dir();
  const auto r = test::run_cli("mechanism '" + test::examples_dir() + "/toy-2x2.json' --profile 1,1 --out " + dir +
                               "/report.json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  std::ifstream in(dir + "/report.json");
  const auto doc = nlohmann::json::parse(in);
  EXPECT_EQ(doc["format"], "ivassign-report/1");
  EXPECT_EQ(doc["profiles"][0]["profile"], nlohmann::json({1, 1}));
}

TEST(Cli, BundledExampleRuns) {
  const auto r = test::run_cli(std::string("mechanism '") + IVASSIGN_SOURCE_DIR + "/examples/spectrum-small.json'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["instance"], "spectrum-small");
  EXPECT_EQ(doc["profiles"].size(), 1u);
  EXPECT_TRUE(doc["profiles"][0]["optimal"].get<bool>());
}

}  // namespace
}  // namespace ivassign
