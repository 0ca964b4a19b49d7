// The bundled examples (../shared/data/examples) against their brute-force reference reports,
// as report-format.md says: posterior, welfare, net utility, informational size, deltas, rewards.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "ivassign/io.hpp"
#include "ivassign/mechanism.hpp"
#include "ivassign/tolerances.hpp"
#include "test_support.hpp"

namespace ivassign {
namespace {

using nlohmann::json;

using test::Close;

std::vector<std::string> example_names() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(test::examples_dir())) {
    const std::string file = entry.path().filename().string();
    const std::string suffix = ".expected.json";
    if (file.size() > suffix.size() && file.compare(file.size() - suffix.size(), suffix.size(), suffix) == 0)
      names.push_back(file.substr(0, file.size() - suffix.size()));
  }
  std::sort(names.begin(), names.end());
  return names;
}

void compare_report(const json& got, const json& want) {
  ASSERT_EQ(got["format"], "ivassign-report/1");
  EXPECT_TRUE(Close(got["bound"], want["bound"]));
  for (const char* key : {"theorem1", "exact", "used"})
    EXPECT_TRUE(Close(got["delta"][key], want["delta"][key])) << "delta." << key;
  ASSERT_EQ(got["informational_size"].size(), want["informational_size"].size());
  for (std::size_t i = 0; i < want["informational_size"].size(); ++i)
    EXPECT_TRUE(Close(got["informational_size"][i], want["informational_size"][i])) << "nu_" << i;
  ASSERT_EQ(got["profiles"].size(), want["profiles"].size());
  for (std::size_t k = 0; k < want["profiles"].size(); ++k) {
    const json& g = got["profiles"][k];
    const json& w = want["profiles"][k];
    SCOPED_TRACE("profile " + w["profile"].dump());
    ASSERT_EQ(g["profile"], w["profile"]);
    for (std::size_t t = 0; t < w["posterior"].size(); ++t) EXPECT_TRUE(Close(g["posterior"][t], w["posterior"][t]));
    EXPECT_TRUE(Close(g["welfare"], w["welfare"])) << "welfare";
    for (std::size_t i = 0; i < w["payoffs"].size(); ++i) {
      const double net_g = g["payoffs"][i].get<double>() + g["transfers"][i].get<double>();
      const double net_w = w["payoffs"][i].get<double>() + w["transfers"][i].get<double>();
      EXPECT_TRUE(Close(net_g, net_w)) << "net utility of buyer " << i;
      EXPECT_TRUE(Close(g["rewards"][i], w["rewards"][i])) << "reward of buyer " << i;
    }
    EXPECT_EQ(g["optimal"], true);
  }
}

TEST(MechanismExamples, EveryBundledExampleMatchesItsReference) {
  const auto names = example_names();
  ASSERT_FALSE(names.empty()) << "no *.expected.json under " << test::examples_dir();
  for (const auto& name : names) {
    SCOPED_TRACE(name);
    const Instance inst = load_instance(test::examples_dir() + "/" + name + ".json");
    MechanismOptions opt;
    opt.backend = Backend::Cpu;
    const json got = json::parse(report_to_json(run_mechanism(inst, all_profiles(inst), opt)));
    std::ifstream in(test::examples_dir() + "/" + name + ".expected.json");
    compare_report(got, json::parse(in));
  }
}

TEST(MechanismExamples, CommandLineReportMatchesReference) {
  const auto names = example_names();
  ASSERT_FALSE(names.empty()) << "no *.expected.json under " << test::examples_dir();
  for (const auto& name : names) {
    SCOPED_TRACE(name);
    const auto r = test::run_cli("mechanism '" + test::examples_dir() + "/" + name + ".json' --all-profiles --backend cpu");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::ifstream in(test::examples_dir() + "/" + name + ".expected.json");
    compare_report(json::parse(r.out), json::parse(in));
  }
}

TEST(MechanismExamples, ThreadCountDoesNotChangeTheReport) {
  const Instance inst = load_instance(test::examples_dir() + "/ci-3x3.json");
  std::vector<std::string> reports;
  for (int threads : {1, 2, 8}) {
    MechanismOptions o;
    o.threads = threads;
    auto r = run_mechanism(inst, all_profiles(inst), o);
    r.seconds = 0;  // timings are the only thing allowed to differ
    for (auto& p : r.profiles) p.solve_seconds = 0;
    reports.push_back(report_to_json(r));
  }
  EXPECT_EQ(reports[0], reports[1]);
  EXPECT_EQ(reports[0], reports[2]);
}

TEST(MechanismExamples, ObservedProfileIsTheDefault) {
  const Instance inst = load_instance(test::examples_dir() + "/toy-2x2.json");
  const auto r = test::run_cli("mechanism '" + test::examples_dir() + "/toy-2x2.json' --delta theorem1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json got = json::parse(r.out);
  ASSERT_EQ(got["profiles"].size(), 1u);
  EXPECT_EQ(got["profiles"][0]["profile"], json(inst.observed));
  EXPECT_TRUE(Close(got["delta"]["used"], got["delta"]["theorem1"]));
}

}  // namespace
}  // namespace ivassign
