// The command-line contract (cli.md): help on every command, exit codes, output to --out.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "ivassign/backend.hpp"
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
  r = test::run_cli("mechanism " + toy + " --profile 4294967296,0");  // was read as 0,0 (wrapped to int)
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--profile: 4294967296 is out of range"), std::string::npos) << r.err;
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

TEST(Cli, LibraryErrorsNameTheFlags) {
  const std::string toy = "'" + test::examples_dir() + "/toy-2x2.json'";
  auto r = test::run_cli("mechanism " + toy + " --solver simplex");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("ivassign: error: --solver: 'simplex' is not one of auto,"), std::string::npos) << r.err;
  r = test::run_cli("qap '" + test::shared_dir() + "/data/qaplib/nug12.dat' --solver simplex");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--solver: 'simplex'"), std::string::npos) << r.err;
  if (!cuda_available()) {
    r = test::run_cli("mechanism " + toy + " --backend cuda");
    EXPECT_EQ(r.exit_code, 2);  // a backend this build or machine lacks is a usage error
    EXPECT_NE(r.err.find("--backend cuda: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("; use --backend cpu"), std::string::npos) << r.err;
    EXPECT_EQ(test::run_cli("mechanism " + toy + " --backend cpu").exit_code, 0);  // the advice, as written
  }
}

TEST(Cli, InfiniteDeltaTheorem1AdvisesAFlagThatWorks) {
  // one buyer: no one else's report to score, but the own signal moves the posterior
  const std::string path = test::temp_dir() + "/one.json";
  std::ofstream(path) << R"({"format": "ivassign/1", "states": 2, "buyers": 1, "sellers": 1, "signals": [2],
    "prior": {"joint": [0.4, 0.1, 0.1, 0.4]}, "valuations": [[[6]], [[2]]], "costs": [[[1]], [[1]]],
    "observed": [0]})";
  for (const char* cmd : {"mechanism", "check"}) {
    auto r = test::run_cli(std::string(cmd) + " " + path + " --quiet --delta theorem1");
    EXPECT_EQ(r.exit_code, 2) << cmd;
    EXPECT_NE(r.err.find("delta.theorem1 is infinite for this prior"), std::string::npos) << cmd << ": " << r.err;
    EXPECT_NE(r.err.find("; choose --delta VALUE\n"), std::string::npos) << cmd << ": " << r.err;
    r = test::run_cli(std::string(cmd) + " " + path + " --quiet --delta 0.5");  // the advice, as written
    EXPECT_EQ(r.exit_code, 0) << cmd << ": " << r.err;
  }
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

namespace ivassign {
namespace {

TEST(Cli, LargeConditionallyIndependentMarketRunsWithoutTheTensor) {
  // 40 buyers, 3 signals each (3^40 profiles), symmetric prior: exact measures by count vectors
  nlohmann::json doc;
  const int n = 40, s = 3, m = 2;
  doc["format"] = "ivassign/1";
  doc["name"] = "large-ci";
  doc["states"] = m;
  doc["buyers"] = n;
  doc["sellers"] = s;
  doc["signals"] = std::vector<int>(n, 3);
  doc["prior"]["lambda"] = {0.4, 0.6};
  doc["prior"]["q"] = {{0.6, 0.3, 0.1}, {0.2, 0.3, 0.5}};
  std::vector<std::vector<std::vector<double>>> u(m, std::vector<std::vector<double>>(n, std::vector<double>(s)));
  for (int t = 0; t < m; ++t)
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < s; ++j) u[t][i][j] = 1 + (3 * i + 5 * j + 7 * t) % 9;
  doc["valuations"] = u;
  for (auto& a : u)
    for (auto& b : a)
      for (auto& c : b) c = 1;
  doc["costs"] = u;
  doc["observed"] = std::vector<int>(n, 1);
  const std::string dir = test::temp_dir();
  std::ofstream(dir + "/large.json") << doc.dump();
  auto r = test::run_cli("mechanism " + dir + "/large.json");  // the default (auto) runs: theorem1, exact skipped
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc0 = nlohmann::json::parse(r.out);
  EXPECT_TRUE(doc0["delta"]["exact"].is_null());
  EXPECT_EQ(doc0["delta"]["source"], "theorem1");
  EXPECT_TRUE(doc0["delta"].contains("exact_skipped"));
  r = test::run_cli("mechanism " + dir + "/large.json --delta exact");
  EXPECT_EQ(r.exit_code, 2) << "delta.exact over 3^40 profiles, asked for, is refused";
  EXPECT_NE(r.err.find("; use --delta theorem1 --no-exact-delta, or --delta VALUE --no-exact-delta\n"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(test::run_cli("mechanism " + dir + "/large.json --delta 0.5 --no-exact-delta").exit_code, 0);
  r = test::run_cli("mechanism " + dir + "/large.json --delta theorem1 --no-exact-delta");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rep = nlohmann::json::parse(r.out);
  EXPECT_EQ(rep["measures"]["method"], "count_vectors");
  EXPECT_EQ(rep["measures"]["estimated"], false);
  EXPECT_TRUE(rep["delta"]["exact"].is_null());
  EXPECT_EQ(rep["informational_size"].size(), 40u);
  EXPECT_GT(rep["delta"]["theorem1"].get<double>(), 0.0);
  EXPECT_EQ(rep["profiles"][0]["rewards"].size(), 40u);
  EXPECT_TRUE(rep["profiles"][0]["optimal"].get<bool>());
}

}  // namespace
}  // namespace ivassign

namespace ivassign {
namespace {

/// check and replica say where their measures ran, and run where --backend asks (never elsewhere silently).
TEST(Cli, CheckAndReplicaReportTheirBackend) {
  const std::string ci = "'" + test::examples_dir() + "/ci-3x3.json'";
  const std::string check = "check " + ci + " --stage2-profiles 2 --quiet";
  const std::string replica = "replica --base " + ci + " --sizes 3,4 --welfare-samples 1 --quiet";
  for (const std::string& command : {check, replica}) {
    SCOPED_TRACE(command);
    const bool is_replica = command == replica;
    auto r = test::run_cli(command + " --backend cpu");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    nlohmann::json cpu = nlohmann::json::parse(r.out);
    r = test::run_cli(command + " --backend device");
    if (!device_available()) {
      EXPECT_EQ(r.exit_code, 2);
      EXPECT_NE(r.err.find("--backend device"), std::string::npos) << r.err;
      continue;
    }
    ASSERT_EQ(r.exit_code, 0) << r.err;
    nlohmann::json dev = nlohmann::json::parse(r.out);
    if (is_replica) {
      for (std::size_t k = 0; k < cpu["rows"].size(); ++k) {  // replica: per row
        EXPECT_EQ(cpu["rows"][k]["backend"], "cpu");
        EXPECT_EQ(dev["rows"][k]["backend"], device_system());
        EXPECT_TRUE(test::Close(dev["rows"][k]["informational_size"], cpu["rows"][k]["informational_size"]));
      }
    } else {
      EXPECT_EQ(cpu["backend"], "cpu");
      EXPECT_EQ(dev["backend"], device_system());
      EXPECT_TRUE(test::Close(dev["delta"], cpu["delta"]));
    }
  }
}

}  // namespace
}  // namespace ivassign

namespace ivassign {
namespace {

/// mechanism --solver descent on the bundled spectrum market: the device keeps the search state and
/// rolls the minus-i searches back as the CPU does, so --backend device gives the CPU's matching,
/// transfers and minus-i values, bit for bit on the OpenMP device system. (The measures run on the
/// device too and agree to rounding: docs/gpu.md; they are not compared here.)
TEST(Cli, DescentOnTheDeviceGivesTheCpuTransfers) {
  const std::string command =
      std::string("mechanism '") + IVASSIGN_SOURCE_DIR + "/examples/spectrum-small.json' --solver descent";
  auto r = test::run_cli(command + " --backend cpu");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json cpu = nlohmann::json::parse(r.out)["profiles"][0];
  r = test::run_cli(command + " --backend device");
  if (!device_available()) {
    EXPECT_EQ(r.exit_code, 2);
    return;
  }
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json dev = nlohmann::json::parse(r.out)["profiles"][0];
  EXPECT_EQ(dev["solver"]["name"], "descent");
  EXPECT_EQ(dev["solver"]["backend"], device_system());
  EXPECT_EQ(cpu["assignment"], dev["assignment"]);
  for (const char* key : {"welfare", "payoffs", "transfers", "minus_i_welfare", "minus_i_proven", "minus_i_upper_bound",
                          "transfer_error_bound", "transfer_interval", "welfare_upper_bound"}) {
    if (device_system() == "omp-device") {
      EXPECT_EQ(cpu[key], dev[key]) << key;
    } else if (cpu[key].is_array() && cpu[key].size() > 0 && cpu[key][0].is_number()) {
      for (std::size_t i = 0; i < cpu[key].size(); ++i)  // CUDA: a fused multiply-add may flip a tie (docs/gpu.md)
        EXPECT_TRUE(test::Close(dev[key][i].get<double>(), cpu[key][i].get<double>())) << key << " " << i;
    }
  }
}

}  // namespace
}  // namespace ivassign
