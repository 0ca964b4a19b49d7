// The 2002 construction against the shared references (data/economy: the 1999 paper's section 4.1
// economy at r = 0.99 and a Cobb-Douglas economy without cie), computed independently by brute
// force; through the library and through the CLI, relative 1e-6.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "ivassign/economy.hpp"
#include "test_support.hpp"

namespace ivassign {
namespace {

using nlohmann::json;
using test::Close;

std::string economy_dir() { return test::shared_dir() + "/data/economy"; }

json read_json(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  return json::parse(in);
}

/// Numbers (nested arrays of them, or null) agree within the reference tolerance.
void expect_close(const json& got, const json& want, const std::string& what) {
  if (want.is_null()) {
    EXPECT_TRUE(got.is_null()) << what << ": got " << got;
  } else if (want.is_array()) {
    ASSERT_TRUE(got.is_array()) << what << ": got " << got;
    ASSERT_EQ(got.size(), want.size()) << what;
    for (std::size_t k = 0; k < want.size(); ++k) expect_close(got[k], want[k], what + "[" + std::to_string(k) + "]");
  } else if (want.is_boolean()) {
    EXPECT_EQ(got, want) << what;
  } else {
    ASSERT_TRUE(got.is_number()) << what << ": got " << got;
    EXPECT_TRUE(Close(got.get<double>(), want.get<double>())) << what;
  }
}

/// Every quantity the reference holds, in the report of the spec.
void expect_report_matches(const json& got, const json& want) {
  for (const char* key : {"eta", "c", "lambda", "mu", "applies", "beta", "allocations"}) expect_close(got[key], want[key], key);
  EXPECT_EQ(got["partition"], want["partition"]);
  for (const char* key : {"aggregate_uncertainty", "informational_size", "state_variability"})
    expect_close(got["measures"][key], want["measures"][key], std::string("measures.") + key);
  const json& a = got["audit"];
  const json& w = want["audit"];
  for (const char* key : {"max_excess", "min_margin", "min_slack"}) expect_close(a[key], w[key], std::string("audit.") + key);
  for (const char* key : {"agent", "type", "report"}) EXPECT_EQ(a["worst"][key], w["worst"][key]) << "audit.worst." << key;
  EXPECT_EQ(a["ic"].get<bool>(), w["min_margin"].get<double>() >= -1e-9);
  EXPECT_EQ(a["xir"].get<bool>(), w["min_slack"].get<double>() >= -1e-9);
  if (want["eta_ic"].is_null()) {
    EXPECT_TRUE(got["eta_ic"]["eta"].is_null()) << got["eta_ic"];
  } else {
    for (const char* key : {"eta", "min_margin", "min_slack"})
      expect_close(got["eta_ic"][key], want["eta_ic"][key], std::string("eta_ic.") + key);
  }
}

class EconomyReference : public ::testing::TestWithParam<std::string> {};

TEST_P(EconomyReference, Library) {
  const std::string base = economy_dir() + "/" + GetParam();
  const EconomyProblem e = load_economy_problem(base + ".json");
  EconomyOptions o;
  o.all_profiles = true;
  const json got = json::parse(economy_report_json(run_economy(e, o)));
  EXPECT_EQ(got["format"], "ivassign-economy-report/1");
  expect_report_matches(got, read_json(base + ".expected.json"));
}

TEST_P(EconomyReference, Cli) {
  const std::string base = economy_dir() + "/" + GetParam();
  const auto r = test::run_cli("economy '" + base + ".json' --all-profiles");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_report_matches(json::parse(r.out), read_json(base + ".expected.json"));
}

INSTANTIATE_TEST_SUITE_P(Data, EconomyReference, ::testing::Values("exchange-r0.99", "cd-5"));

TEST(EconomyReference, ExchangeGeneratorWritesTheSharedEconomy) {
  const std::string dir = test::temp_dir();
  const auto r = test::run_cli("generate economy exchange --r 0.99 --quiet --out '" + dir + "/ex.json'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json got = read_json(dir + "/ex.json"), want = read_json(economy_dir() + "/exchange-r0.99.json");
  for (const char* key : {"format", "name", "agents", "types", "states", "goods"}) EXPECT_EQ(got[key], want[key]) << key;
  expect_close(got["prior"]["lambda"], want["prior"]["lambda"], "prior.lambda");
  expect_close(got["prior"]["q_per_agent"], want["prior"]["q_per_agent"], "prior.q_per_agent");
  expect_close(got["endowments"], want["endowments"], "endowments");
  expect_close(got["cie"], want["cie"], "cie");
  for (std::size_t i = 0; i < 6; ++i) expect_close(got["utilities"][i]["linear"], want["utilities"][i]["linear"], "utilities");
}

}  // namespace
}  // namespace ivassign
