// The ivassign-social/1 format (social-format.md): every rule of the problem file is rejected by
// the loader with an ivassign::Error (InputError) whose message names the key, the index and the
// rule, and by `gvcg`, `audit` and `epic` with exit 2, one line on stderr and no report written.
// Each bad document is one mutation of a valid bundled problem (data/social/), so that it breaks
// exactly one rule.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "ivassign/error.hpp"
#include "ivassign/social.hpp"
#include "test_support.hpp"

namespace ivassign {
namespace {

using nlohmann::json;
using Fragments = std::initializer_list<const char*>;

std::string social_dir() { return test::shared_dir() + "/data/social"; }

json bundled(const std::string& name) {
  std::ifstream in(social_dir() + "/" + name + ".json");
  EXPECT_TRUE(in.good()) << name;
  return json::parse(in);
}

/// by_state values, joint prior, a mechanism; 3 agents with 2 types, 2 states, 3 named outcomes.
json exchange() { return bundled("exchange-r0.95"); }
/// by_state values, joint prior, a decomposition; 3 agents with 4 types, 2 states, 4 outcomes.
json auction() { return bundled("auction-rho0.9-u2"); }
/// by_profile values, uniform prior; 2 agents with 5 types, 2 outcomes (|T| = 25).
json trade() { return bundled("trade-a0.5-g5"); }
/// trade with an explicit prior.types (uniform).
json trade_typed() {
  json d = trade();
  d["prior"] = {{"types", std::vector<double>(25, 1.0 / 25.0)}};
  return d;
}
/// exchange with a conditionally independent prior: lambda [2], q_per_agent [3][2][2].
json exchange_ci() {
  json d = exchange();
  const json q = json::array({json::array({0.9, 0.1}), json::array({0.2, 0.8})});
  d["prior"] = {{"lambda", {0.5, 0.5}}, {"q_per_agent", json::array({q, q, q})}};
  return d;
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  ASSERT_TRUE(out.good()) << path;
}

bool has_all(const std::string& msg, Fragments fragments, std::string* missing) {
  for (const char* f : fragments)
    if (msg.find(f) == std::string::npos) {
      *missing = f;
      return false;
    }
  return true;
}

/// `gvcg`, `audit` and `epic` on `path` (with --out) must exit `code` with one line on stderr that
/// holds every fragment, nothing on stdout and no report file.
void expect_cli_rejects(const std::string& path, Fragments fragments, int code = 2,
                        const std::string& extra = "") {
  const std::string dir = test::temp_dir();
  for (const char* cmd : {"gvcg", "audit", "epic"}) {
    const std::string out = dir + "/" + cmd + "-report.json";
    const auto r = test::run_cli(std::string(cmd) + " '" + path + "' " + extra + " --out '" + out + "'");
    EXPECT_EQ(r.exit_code, code) << cmd << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << cmd << ": " << r.out.substr(0, 200);
    EXPECT_FALSE(std::filesystem::exists(out)) << cmd << ": wrote a report for a rejected file";
    ASSERT_FALSE(r.err.empty()) << cmd;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << cmd << ": not one line: " << r.err;
    EXPECT_EQ(r.err.rfind(code == 3 ? "ivassign: resource error: " : "ivassign: error: ", 0), 0u) << cmd << ": " << r.err;
    std::string missing;
    EXPECT_TRUE(has_all(r.err, fragments, &missing)) << cmd << ": '" << missing << "' not in: " << r.err;
  }
}

/// The loader must reject `text` with an InputError holding every fragment, and so must the CLI.
void expect_text_rejected(const std::string& text, Fragments fragments) {
  try {
    parse_social_problem(text, "mutated.json");
    ADD_FAILURE() << "accepted: " << text.substr(0, 300);
  } catch (const Error& e) {
    EXPECT_NE(dynamic_cast<const InputError*>(&e), nullptr) << "not an InputError: " << e.what();
    std::string missing;
    EXPECT_TRUE(has_all(e.what(), fragments, &missing)) << "'" << missing << "' not in: " << e.what();
  }
  const std::string path = test::temp_dir() + "/mutated.json";
  write_text(path, text);
  expect_cli_rejects(path, fragments);
}

void expect_rejected(const json& doc, Fragments fragments) { expect_text_rejected(doc.dump(1), fragments); }

void expect_accepted(const json& doc) {
  EXPECT_NO_THROW(parse_social_problem(doc.dump(), "mutated.json")) << doc.dump().substr(0, 300);
}

/// Scales every entry of a flat probability array so that it sums to 1.
void renormalize(json& a) {
  double total = 0.0;
  for (const auto& v : a) total += v.get<double>();
  for (auto& v : a) v = v.get<double>() / total;
}

// ---- valid documents -----------------------------------------------------------------------------

TEST(SocialFormat, TheBasesOfEveryMutationAreValid) {
  for (const json& d : {exchange(), auction(), trade(), trade_typed(), exchange_ci()}) expect_accepted(d);
  // every prior form and both value forms round-trip
  for (const json& d : {exchange(), auction(), trade(), trade_typed(), exchange_ci()}) {
    const SocialProblem a = parse_social_problem(d.dump(), "base.json");
    const SocialProblem b = parse_social_problem(social_problem_to_json(a), "again.json");
    EXPECT_EQ(social_problem_to_json(a), social_problem_to_json(b));
  }
  // and the commands run on a valid file (exit 0): the report is written to --out
  const std::string dir = test::temp_dir();
  const std::string path = dir + "/trade.json", out = dir + "/report.json";
  write_text(path, trade().dump());
  const auto r = test::run_cli("epic '" + path + "' --out '" + out + "'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(out));
}

TEST(SocialFormat, OptionalKeysAndToleratedValues) {
  json d = exchange();
  d.erase("name");
  d.erase("status_quo");  // default 0
  expect_accepted(d);
  d = exchange();
  d["outcomes"] = 3;  // a count instead of names
  expect_accepted(d);
  d = exchange();
  d["agents"] = 3.0;  // an integral float is an integer
  expect_accepted(d);
  d = exchange();
  d["prior"]["joint"][0] = d["prior"]["joint"][0].get<double>() + 1e-12;  // within relative 1e-9
  expect_accepted(d);
  d = trade_typed();
  d["prior"]["types"][0] = 0.0;  // a profile outside the support: allowed
  renormalize(d["prior"]["types"]);
  expect_accepted(d);
  d = exchange();
  d["bound"] = 25;
  expect_accepted(d);
}

// ---- document, format, name ----------------------------------------------------------------------

TEST(SocialFormat, DocumentAndFormatString) {
  expect_text_rejected("[1, 2]", {"mutated.json", "must be a JSON object"});
  json d = exchange();
  d["format"] = "ivassign-social/2";
  expect_rejected(d, {"format", "\"ivassign-social/2\"", "ivassign-social/1"});
  d["format"] = "ivassign/1";
  expect_rejected(d, {"format", "\"ivassign/1\"", "not the supported format string"});
  d["format"] = 1;
  expect_rejected(d, {"format", "not the supported format string"});
  d.erase("format");
  expect_rejected(d, {"format", "required key is missing"});
  d = exchange();
  d["name"] = 7;
  expect_rejected(d, {"name", "expected a string", "number"});
}

// ---- sizes: agents, types, outcomes, status quo, states -------------------------------------------

TEST(SocialFormat, AgentsMustBeAPositiveInteger) {
  json d = exchange();
  d.erase("agents");
  expect_rejected(d, {"agents", "required key is missing"});
  d["agents"] = 0;
  expect_rejected(d, {"agents", "0 is out of range [1,"});
  d["agents"] = -1;
  expect_rejected(d, {"agents", "-1 is out of range"});
  d["agents"] = 2.5;
  expect_rejected(d, {"agents", "2.5 is not an integer"});
  d["agents"] = "3";
  expect_rejected(d, {"agents", "expected an integer", "string"});
  d["agents"] = true;
  expect_rejected(d, {"agents", "expected an integer", "boolean"});
  d["agents"] = 2;  // types has 3 entries
  expect_rejected(d, {"types", "has 3 entries", "expected n = 2"});
}

TEST(SocialFormat, TypeSetSizesMustBePositiveIntegers) {
  json d = exchange();
  d.erase("types");
  expect_rejected(d, {"types", "required key is missing"});
  d["types"] = 2;
  expect_rejected(d, {"types", "expected an array", "number"});
  d["types"] = {2, 2};
  expect_rejected(d, {"types", "has 2 entries", "expected n = 3"});
  d["types"] = {2, 0, 2};
  expect_rejected(d, {"types[1]", "0 is out of range [1,"});
  d["types"] = {2, 2, -2};
  expect_rejected(d, {"types[2]", "-2 is out of range"});
  d["types"] = {2, 1.5, 2};
  expect_rejected(d, {"types[1]", "1.5 is not an integer"});
  d["types"] = {2, "2", 2};
  expect_rejected(d, {"types[1]", "expected an integer", "string"});
  d["types"] = {2, 3, 2};  // the values then have the wrong shape
  expect_rejected(d, {"values.by_state[1][0]", "has 2 entries", "expected K_1 = 3"});
}

TEST(SocialFormat, TooManyProfilesIsAResourceError) {
  json d = exchange();
  d["types"] = {1 << 20, 1 << 20, 1 << 20};
  try {
    parse_social_problem(d.dump(), "huge.json");
    ADD_FAILURE() << "accepted 2^60 profiles";
  } catch (const Error& e) {
    EXPECT_NE(dynamic_cast<const ResourceError*>(&e), nullptr) << e.what();
    EXPECT_NE(std::string(e.what()).find("types"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("2^32 profiles"), std::string::npos) << e.what();
  }
  const std::string path = test::temp_dir() + "/huge.json";
  write_text(path, d.dump());
  expect_cli_rejects(path, {"types", "2^32 profiles"}, 3);  // cli.md: exit 3 when a resource runs out
}

TEST(SocialFormat, OutcomesAreACountOrNames) {
  json d = exchange();
  d.erase("outcomes");
  expect_rejected(d, {"outcomes", "required key is missing"});
  d["outcomes"] = 0;
  expect_rejected(d, {"outcomes", "0 is out of range [1,"});
  d["outcomes"] = -3;
  expect_rejected(d, {"outcomes", "-3 is out of range"});
  d["outcomes"] = 2.5;
  expect_rejected(d, {"outcomes", "2.5 is not an integer"});
  d["outcomes"] = json::array();
  expect_rejected(d, {"outcomes", "array is empty", "at least one outcome"});
  d["outcomes"] = {"no trade", 1, "trade 2"};
  expect_rejected(d, {"outcomes[1]", "expected a string", "number"});
  d["outcomes"] = 4;  // values have 3 outcomes
  expect_rejected(d, {"values.by_state[0][0][0]", "has 3 entries", "expected |C| = 4"});
  d["outcomes"] = {"no trade", "trade"};
  expect_rejected(d, {"values.by_state[0][0][0]", "has 3 entries", "expected |C| = 2"});
}

TEST(SocialFormat, StatusQuoIsAnOutcomeIndex) {
  json d = exchange();
  d["status_quo"] = 3;
  expect_rejected(d, {"status_quo", "3 is out of range [0, 2]"});
  d["status_quo"] = -1;
  expect_rejected(d, {"status_quo", "-1 is out of range [0, 2]"});
  d["status_quo"] = "0";
  expect_rejected(d, {"status_quo", "expected an integer", "string"});
  d["status_quo"] = 0.5;
  expect_rejected(d, {"status_quo", "0.5 is not an integer"});
  // a legal index whose values are not 0
  d["status_quo"] = 1;
  expect_rejected(d, {"values.by_state[0][0][0][1]", "-20 is not 0", "status quo (outcome 1) must be 0"});
}

TEST(SocialFormat, StatesAreRequiredWithValuesByState) {
  json d = exchange();
  d.erase("states");
  expect_rejected(d, {"states", "required key is missing", "values.by_state"});
  d["states"] = 0;
  expect_rejected(d, {"states", "0 is out of range [1,"});
  d["states"] = 2.5;
  expect_rejected(d, {"states", "2.5 is not an integer"});
  d["states"] = "two";
  expect_rejected(d, {"states", "expected an integer", "string"});
  d["states"] = 3;
  expect_rejected(d, {"values.by_state[0]", "has 2 entries", "expected m = 3"});
  d = trade();
  d["states"] = -1;  // optional with by_profile, but an integer >= 1 when given
  expect_rejected(d, {"states", "-1 is out of range [1,"});
}

// ---- values ----------------------------------------------------------------------------------------

TEST(SocialFormat, ValuesNeedExactlyOneForm) {
  json d = exchange();
  d.erase("values");
  expect_rejected(d, {"values", "required key is missing"});
  d["values"] = json::array();
  expect_rejected(d, {"values", "expected an object", "array"});
  d["values"] = json::object();
  expect_rejected(d, {"values", "exactly one of \"by_state\" and \"by_profile\""});
  d = exchange();
  d["values"]["by_profile"] = trade()["values"]["by_profile"];
  expect_rejected(d, {"values", "exactly one of \"by_state\" and \"by_profile\""});
}

TEST(SocialFormat, ValuesByStateHaveShapeNByMByKiByC) {
  json d = exchange();
  d["values"]["by_state"] = 0;
  expect_rejected(d, {"values.by_state", "expected an array", "number"});
  d = exchange();
  d["values"]["by_state"].erase(2);
  expect_rejected(d, {"values.by_state", "has 2 entries", "expected n = 3"});
  d = exchange();
  d["values"]["by_state"][1].erase(1);
  expect_rejected(d, {"values.by_state[1]", "has 1 entries", "expected m = 2"});
  d = exchange();
  d["values"]["by_state"][1][0].push_back({0, 1, 1});
  expect_rejected(d, {"values.by_state[1][0]", "has 3 entries", "expected K_1 = 2"});
  d = exchange();
  d["values"]["by_state"][1][0][1].erase(2);  // ragged: one row is shorter
  expect_rejected(d, {"values.by_state[1][0][1]", "has 2 entries", "expected |C| = 3"});
  d = exchange();
  d["values"]["by_state"][2][1][0] = 5;
  expect_rejected(d, {"values.by_state[2][1][0]", "expected an array", "number"});
  d = exchange();
  d["values"]["by_state"][2][1][0][2] = "x";
  expect_rejected(d, {"values.by_state[2][1][0][2]", "expected a number", "string"});
  d = exchange();
  d["values"]["by_state"][2][1][0][2] = nullptr;
  expect_rejected(d, {"values.by_state[2][1][0][2]", "expected a number", "null"});
}

TEST(SocialFormat, ValuesByProfileHaveShapeTByNByC) {
  json d = trade();
  d["values"]["by_profile"].erase(24);
  expect_rejected(d, {"values.by_profile", "has 24 entries", "expected |T| = 25"});
  d = trade();
  d["values"]["by_profile"][3].push_back({0, 1});
  expect_rejected(d, {"values.by_profile[3]", "has 3 entries", "expected n = 2"});
  d = trade();
  d["values"]["by_profile"][3][1].push_back(1);  // ragged
  expect_rejected(d, {"values.by_profile[3][1]", "has 3 entries", "expected |C| = 2"});
  d = trade();
  d["values"]["by_profile"][3][1][1] = true;
  expect_rejected(d, {"values.by_profile[3][1][1]", "expected a number", "boolean"});
}

TEST(SocialFormat, ValuesAtTheStatusQuoAreZero) {
  json d = exchange();
  d["values"]["by_state"][2][1][0][0] = 1.5;
  expect_rejected(d, {"values.by_state[2][1][0][0]", "1.5 is not 0", "status quo (outcome 0) must be 0"});
  d = trade();
  d["values"]["by_profile"][7][1][0] = -0.25;
  expect_rejected(d, {"values.by_profile[7][1][0]", "-0.25 is not 0", "status quo (outcome 0) must be 0"});
  // with another status quo, outcome 0 may hold any value and the new one must be 0
  d = trade();
  d["status_quo"] = 1;
  expect_rejected(d, {"values.by_profile[", "is not 0", "status quo (outcome 1) must be 0"});
  // negative values elsewhere are allowed (a seller giving up a good)
  d = trade();
  d["values"]["by_profile"][7][1][1] = -3.0;
  expect_accepted(d);
}

TEST(SocialFormat, NonFiniteNumbersAreRejected) {
  // JSON has no NaN or infinity: such literals are malformed JSON, with line and column
  std::string text = exchange().dump(1);
  const std::string joint0 = "0.46342968749999996";
  ASSERT_NE(text.find(joint0), std::string::npos);
  text.replace(text.find(joint0), joint0.size(), "NaN");
  expect_text_rejected(text, {"mutated.json", "malformed JSON at line", "column"});
  text = trade().dump();
  text.replace(text.rfind("0.0"), 3, "Infinity");
  expect_text_rejected(text, {"mutated.json", "malformed JSON at line", "column"});
  // a literal beyond the double range overflows
  std::string big = exchange().dump();
  big.insert(big.size() - 1, ", \"bound\": 1e999");
  const std::string where = "number 1e999 at line 1, column " + std::to_string(big.find("1e999") + 1);
  expect_text_rejected(big, {"mutated.json", where.c_str(), "out of the range of a double"});
}

// ---- the prior ---------------------------------------------------------------------------------------

TEST(SocialFormat, PriorNeedsExactlyOneFormThatFitsTheValues) {
  json d = exchange();
  d.erase("prior");
  expect_rejected(d, {"prior", "required key is missing", "values.by_state"});
  d["prior"] = json::array();
  expect_rejected(d, {"prior", "expected an object", "array"});
  d["prior"] = json::object();
  expect_rejected(d, {"prior", "exactly one form"});
  d = exchange();
  d["prior"]["types"] = std::vector<double>(8, 1.0 / 8);
  expect_rejected(d, {"prior", "exactly one form"});
  d = exchange();
  d["prior"] = {{"types", std::vector<double>(8, 1.0 / 8)}};
  expect_rejected(d, {"prior.types", "needs values.by_profile"});
  d = trade();
  d["prior"] = {{"joint", std::vector<double>(25, 1.0 / 25)}};
  expect_rejected(d, {"prior.joint", "needs values.by_state"});
  d = trade();
  d["prior"] = exchange_ci()["prior"];
  expect_rejected(d, {"prior.lambda", "needs values.by_state"});
}

TEST(SocialFormat, JointPrior) {
  json d = exchange();  // m * |T| = 2 * 8
  d["prior"]["joint"].erase(15);
  expect_rejected(d, {"prior.joint", "has 15 entries", "expected m * |T| = 16"});
  d = exchange();
  d["prior"]["joint"] = 0.5;
  expect_rejected(d, {"prior.joint", "expected an array", "number"});
  d = exchange();
  d["prior"]["joint"][3] = "x";
  expect_rejected(d, {"prior.joint[3]", "expected a number", "string"});
  d = exchange();
  d["prior"]["joint"][3] = -0.01;
  expect_rejected(d, {"prior.joint[3]", "-0.01 is not a probability", "[0, 1]"});
  d = exchange();
  d["prior"]["joint"][3] = 1.5;
  expect_rejected(d, {"prior.joint[3]", "1.5 is not a probability"});
  d = exchange();
  d["prior"]["joint"][0] = d["prior"]["joint"][0].get<double>() + 1e-7;
  expect_rejected(d, {"prior.joint", "entries sum to 1.00000", "must sum to 1", "1e-9"});
  d = exchange();
  for (auto& v : d["prior"]["joint"]) v = v.get<double>() / 2;
  expect_rejected(d, {"prior.joint", "entries sum to 0.", "must sum to 1"});
  // a state with probability 0: entries 8..15
  d = exchange();
  for (int k = 8; k < 16; ++k) d["prior"]["joint"][k] = 0.0;
  renormalize(d["prior"]["joint"]);
  expect_rejected(d, {"prior.joint", "state 1", "entries 8..15", "probability 0", "every state"});
  // type 1 of agent 0 (profiles 4..7) with probability 0
  d = exchange();
  for (int s = 0; s < 2; ++s)
    for (int t = 4; t < 8; ++t) d["prior"]["joint"][s * 8 + t] = 0.0;
  renormalize(d["prior"]["joint"]);
  expect_rejected(d, {"prior.joint", "type 1 of agent 0", "probability 0", "every type of every agent"});
  // type 0 of agent 2 (even profiles)
  d = exchange();
  for (int k = 0; k < 16; k += 2) d["prior"]["joint"][k] = 0.0;
  renormalize(d["prior"]["joint"]);
  expect_rejected(d, {"prior.joint", "type 0 of agent 2", "probability 0"});
}

TEST(SocialFormat, ConditionallyIndependentPrior) {
  json d = exchange_ci();
  d["prior"].erase("q_per_agent");
  expect_rejected(d, {"prior.q_per_agent", "required key is missing"});
  d = exchange_ci();
  d["prior"].erase("lambda");
  expect_rejected(d, {"prior.lambda", "required key is missing"});
  d = exchange_ci();
  d["prior"]["lambda"] = {0.2, 0.3, 0.5};
  expect_rejected(d, {"prior.lambda", "has 3 entries", "expected m = 2"});
  d["prior"]["lambda"] = {1.0, 0.0};
  expect_rejected(d, {"prior.lambda[1]", "every state must have positive probability"});
  d["prior"]["lambda"] = {1.5, -0.5};
  expect_rejected(d, {"prior.lambda[0]", "1.5 is not a probability"});
  d["prior"]["lambda"] = {0.6, 0.6};
  expect_rejected(d, {"prior.lambda", "entries sum to 1.2", "must sum to 1"});
  d = exchange_ci();
  d["prior"]["q_per_agent"] = 1;
  expect_rejected(d, {"prior.q_per_agent", "expected an array", "number"});
  d = exchange_ci();
  d["prior"]["q_per_agent"].erase(2);
  expect_rejected(d, {"prior.q_per_agent", "has 2 entries", "expected n = 3"});
  d = exchange_ci();
  d["prior"]["q_per_agent"][1].push_back({0.5, 0.5});
  expect_rejected(d, {"prior.q_per_agent[1]", "has 3 entries", "expected m = 2"});
  d = exchange_ci();
  d["prior"]["q_per_agent"][1][0].push_back(0.0);  // ragged
  expect_rejected(d, {"prior.q_per_agent[1][0]", "has 3 entries", "expected K_1 = 2"});
  d = exchange_ci();
  d["prior"]["q_per_agent"][2][1] = {0.5, 0.6};
  expect_rejected(d, {"prior.q_per_agent[2][1]", "entries sum to 1.1", "must sum to 1"});
  d = exchange_ci();
  d["prior"]["q_per_agent"][0][0] = {1.5, -0.5};
  expect_rejected(d, {"prior.q_per_agent[0][0][0]", "1.5 is not a probability"});
  d = exchange_ci();
  d["prior"]["q_per_agent"][0] = {{1.0, 0.0}, {1.0, 0.0}};
  expect_rejected(d, {"prior.q_per_agent[0]", "type 1", "probability 0", "every type of every agent"});
}

TEST(SocialFormat, TypesPrior) {
  json d = trade_typed();
  d["prior"]["types"].erase(24);
  expect_rejected(d, {"prior.types", "has 24 entries", "expected |T| = 25"});
  d = trade_typed();
  d["prior"]["types"][5] = -0.25;
  expect_rejected(d, {"prior.types[5]", "-0.25 is not a probability"});
  d = trade_typed();
  d["prior"]["types"][5] = 0.05;
  expect_rejected(d, {"prior.types", "entries sum to 1.01", "must sum to 1"});
  // type 4 of agent 1: every profile t with t % 5 == 4
  d = trade_typed();
  for (int t = 4; t < 25; t += 5) d["prior"]["types"][t] = 0.0;
  renormalize(d["prior"]["types"]);
  expect_rejected(d, {"prior.types", "type 4 of agent 1", "probability 0", "every type of every agent"});
}

// ---- bound, decomposition, mechanism -------------------------------------------------------------

TEST(SocialFormat, BoundIsAPositiveNumber) {
  json d = auction();
  d["bound"] = 0;
  expect_rejected(d, {"bound", "0 must be > 0"});
  d["bound"] = -2.5;
  expect_rejected(d, {"bound", "-2.5 must be > 0"});
  d["bound"] = "ten";
  expect_rejected(d, {"bound", "expected a number", "string"});
  d["bound"] = json::array({10});
  expect_rejected(d, {"bound", "expected a number", "array"});
}

TEST(SocialFormat, DecompositionMapsEveryTypeToAUsedSignal) {
  json d = auction();  // signal [[0,0,1,1], x3]
  d["decomposition"] = json::array();
  expect_rejected(d, {"decomposition", "expected an object", "array"});
  d["decomposition"] = json::object();
  expect_rejected(d, {"decomposition.signal", "required key is missing"});
  d["decomposition"]["signal"] = 3;
  expect_rejected(d, {"decomposition.signal", "expected an array", "number"});
  d = auction();
  d["decomposition"]["signal"].erase(2);
  expect_rejected(d, {"decomposition.signal", "has 2 entries", "expected n = 3"});
  d = auction();
  d["decomposition"]["signal"][1].erase(3);
  expect_rejected(d, {"decomposition.signal[1]", "has 3 entries", "expected K_1 = 4"});
  d = auction();
  d["decomposition"]["signal"][1] = 0;
  expect_rejected(d, {"decomposition.signal[1]", "expected an array", "number"});
  d = auction();
  d["decomposition"]["signal"][1][2] = 4;
  expect_rejected(d, {"decomposition.signal[1][2]", "4 is out of range [0, 3]"});
  d["decomposition"]["signal"][1][2] = -1;
  expect_rejected(d, {"decomposition.signal[1][2]", "-1 is out of range [0, 3]"});
  d["decomposition"]["signal"][1][2] = 0.5;
  expect_rejected(d, {"decomposition.signal[1][2]", "0.5 is not an integer"});
  d["decomposition"]["signal"][1] = {0, 0, 2, 2};
  expect_rejected(d, {"decomposition.signal[1]", "signal 1 is not used", "every signal used"});
  d["decomposition"]["signal"][1] = {3, 3, 3, 3};
  expect_rejected(d, {"decomposition.signal[1]", "signal 0 is not used"});
  // the identity and a single signal are decompositions
  d["decomposition"]["signal"][1] = {0, 1, 2, 3};
  expect_accepted(d);
  d["decomposition"]["signal"][1] = {0, 0, 0, 0};
  expect_accepted(d);
}

TEST(SocialFormat, MechanismHasAnOutcomeAndTransfersPerProfile) {
  json d = exchange();  // |T| = 8, n = 3, |C| = 3
  d["mechanism"] = json::array();
  expect_rejected(d, {"mechanism", "expected an object", "array"});
  d = exchange();
  d["mechanism"].erase("outcome");
  expect_rejected(d, {"mechanism.outcome", "required key is missing"});
  d = exchange();
  d["mechanism"].erase("transfers");
  expect_rejected(d, {"mechanism.transfers", "required key is missing"});
  d = exchange();
  d["mechanism"]["outcome"].erase(7);
  expect_rejected(d, {"mechanism.outcome", "has 7 entries", "expected |T| = 8"});
  d = exchange();
  d["mechanism"]["outcome"] = 1;
  expect_rejected(d, {"mechanism.outcome", "expected an array", "number"});
  d = exchange();
  d["mechanism"]["outcome"][5] = 3;
  expect_rejected(d, {"mechanism.outcome[5]", "3 is out of range [0, 2]", "outcome index"});
  d["mechanism"]["outcome"][5] = -1;
  expect_rejected(d, {"mechanism.outcome[5]", "-1 is out of range [0, 2]"});
  d["mechanism"]["outcome"][5] = 1.5;
  expect_rejected(d, {"mechanism.outcome[5]", "1.5 is not an integer"});
  d["mechanism"]["outcome"][5] = "trade";
  expect_rejected(d, {"mechanism.outcome[5]", "expected an integer", "string"});
  d = exchange();
  d["mechanism"]["transfers"].push_back({0, 0, 0});
  expect_rejected(d, {"mechanism.transfers", "has 9 entries", "expected |T| = 8"});
  d = exchange();
  d["mechanism"]["transfers"][2].erase(1);  // ragged
  expect_rejected(d, {"mechanism.transfers[2]", "has 2 entries", "expected n = 3"});
  d = exchange();
  d["mechanism"]["transfers"][2][1] = "x";
  expect_rejected(d, {"mechanism.transfers[2][1]", "expected a number", "string"});
}

TEST(SocialFormat, AMechanismFileIsCheckedAgainstTheProblem) {
  const std::string dir = test::temp_dir();
  const std::string problem = dir + "/exchange.json";
  write_text(problem, exchange().dump());
  SocialProblem p = load_social_problem(problem);
  // both spellings of a good file load
  const json mech = exchange()["mechanism"];
  write_text(dir + "/wrapped.json", json{{"mechanism", mech}}.dump());
  write_text(dir + "/bare.json", mech.dump());
  EXPECT_NO_THROW(load_social_mechanism(dir + "/wrapped.json", p));
  EXPECT_NO_THROW(load_social_mechanism(dir + "/bare.json", p));
  auto expect_bad_mechanism = [&](const std::string& name, const std::string& text, Fragments fragments) {
    const std::string path = dir + "/" + name;
    write_text(path, text);
    SocialProblem q = p;
    try {
      load_social_mechanism(path, q);
      ADD_FAILURE() << name << ": accepted";
    } catch (const Error& e) {
      EXPECT_NE(dynamic_cast<const InputError*>(&e), nullptr) << e.what();
      std::string missing;
      EXPECT_TRUE(has_all(e.what(), fragments, &missing)) << "'" << missing << "' not in: " << e.what();
    }
    const std::string out = dir + "/" + name + ".report";
    const auto r = test::run_cli("audit '" + problem + "' --mechanism '" + path + "' --out '" + out + "'");
    EXPECT_EQ(r.exit_code, 2) << name << ": " << r.err;
    EXPECT_FALSE(std::filesystem::exists(out)) << name;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << name << ": " << r.err;
    std::string missing;
    EXPECT_TRUE(has_all(r.err, fragments, &missing)) << name << ": '" << missing << "' not in: " << r.err;
  };
  json bad = mech;
  bad["outcome"][0] = 7;
  expect_bad_mechanism("outcome.json", json{{"mechanism", bad}}.dump(), {"mechanism.outcome[0]", "7 is out of range [0, 2]"});
  bad = mech;
  bad["transfers"].erase(0);
  expect_bad_mechanism("transfers.json", bad.dump(), {"mechanism.transfers", "has 7 entries", "expected |T| = 8"});
  expect_bad_mechanism("array.json", "[]", {"must be a JSON object"});
  expect_bad_mechanism("empty.json", "{}", {"mechanism.outcome", "required key is missing"});
  expect_bad_mechanism("syntax.json", "{\"outcome\": [1, 2,\n}", {"syntax.json", "malformed JSON at line 2, column 1"});
  expect_bad_mechanism("missing.json", "", {"malformed JSON"});
  const auto r = test::run_cli("audit '" + problem + "' --mechanism '" + dir + "/no-such-file.json'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no-such-file.json: cannot open the file"), std::string::npos) << r.err;
}

// ---- files that are not JSON ------------------------------------------------------------------------

TEST(SocialFormat, MalformedJsonNamesTheLineAndColumn) {
  expect_text_rejected("{\n  \"format\": \"ivassign-social/1\",\n  \"agents\": 3,,\n}",
                       {"mutated.json", "malformed JSON at line 3, column 15", "unexpected ','"});
  expect_text_rejected("{\"format\": \"ivassign-social/1\"\n\n   \"agents\": 3}", {"malformed JSON at line 3, column 11", "expected '}'"});
  expect_text_rejected("", {"malformed JSON at line 1, column 1", "unexpected end of input"});
  const std::string text = exchange().dump(1);
  expect_text_rejected(text.substr(0, text.size() / 2), {"malformed JSON at line", "unexpected end of input"});
  expect_text_rejected("{\"format\": 'ivassign-social/1'}", {"malformed JSON at line 1, column 12"});
}

TEST(SocialFormat, MissingFile) {
  const std::string path = test::temp_dir() + "/no-such-problem.json";
  try {
    load_social_problem(path);
    ADD_FAILURE() << "loaded a missing file";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(path + ": cannot open the file"), std::string::npos) << e.what();
  }
  expect_cli_rejects(path, {"no-such-problem.json", "cannot open the file"});
  // a directory is not a readable problem either
  expect_cli_rejects(test::temp_dir(), {"ivassign: error"});
}

// ---- the validator on problems built in code (generators, API users) ------------------------------

TEST(SocialFormat, ValidatorRejectsNonFiniteNumbersAndBrokenShapes) {
  const SocialProblem base = parse_social_problem(exchange().dump(), "exchange.json");
  const SocialProblem by_profile = parse_social_problem(trade_typed().dump(), "trade.json");
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  auto expect_invalid = [](const SocialProblem& p, Fragments fragments) {
    try {
      validate_social_problem(p);
      ADD_FAILURE() << "accepted";
    } catch (const InputError& e) {
      std::string missing;
      EXPECT_TRUE(has_all(e.what(), fragments, &missing)) << "'" << missing << "' not in: " << e.what();
    }
  };
  EXPECT_NO_THROW(validate_social_problem(base));
  EXPECT_NO_THROW(validate_social_problem(by_profile));
  SocialProblem p = base;
  p.values[1] = nan;  // agent 0, state 0, type 0, outcome 1
  expect_invalid(p, {"values.by_state[0][0][0][1]", "is not a finite number"});
  p = base;
  p.values[p.value_offset[2] + 3 * 3 + 2] = -inf;  // agent 2, state 1, type 1, outcome 2
  expect_invalid(p, {"values.by_state[2][1][1][2]", "-inf is not a finite number"});
  p = by_profile;
  p.values[(7 * 2 + 1) * 2 + 1] = inf;
  expect_invalid(p, {"values.by_profile[7][1][1]", "inf is not a finite number"});
  p = base;
  p.prior_joint[4] = nan;
  expect_invalid(p, {"prior.joint[4]", "is not a probability"});
  p = by_profile;
  p.prior_joint[4] = inf;
  expect_invalid(p, {"prior.types[4]", "inf is not a probability"});
  p = base;
  p.bound = inf;
  expect_invalid(p, {"bound", "inf must be a finite number > 0"});
  p = base;
  p.bound = nan;
  expect_invalid(p, {"bound", "must be a finite number > 0"});
  p = base;
  p.mechanism_transfers[4] = nan;  // profile 1, agent 1
  expect_invalid(p, {"mechanism.transfers[1][1]", "is not a finite number"});
  p = base;
  p.mechanism_outcome[6] = 9;
  expect_invalid(p, {"mechanism.outcome[6]", "9 is out of range [0, 2]"});
  p = base;
  p.agents = 0;
  expect_invalid(p, {"agents", "0 must be >= 1"});
  p = base;
  p.types[1] = 0;
  expect_invalid(p, {"types[1]", "0 must be >= 1"});
  p = base;
  p.outcome_names.pop_back();
  expect_invalid(p, {"outcomes", "has 2 names", "expected |C| = 3"});
  p = base;
  p.status_quo = 5;
  expect_invalid(p, {"status_quo", "5 is out of range [0, 2]"});
  p = base;
  p.states = 0;
  expect_invalid(p, {"states", ">= 1 with values.by_state"});
  p = base;
  p.values.pop_back();
  expect_invalid(p, {"values.by_state", "expected sum_i m*K_i*|C| = 36"});
  p = base;
  p.signal = {{0, 1}, {0, 1}, {1, 1}};
  expect_invalid(p, {"decomposition.signal[2]", "signal 0 is not used"});
  p = base;
  p.prior_form = SocialProblem::Prior::Uniform;
  expect_invalid(p, {"prior", "values.by_state needs a prior"});
}

// ---- what gvcg itself requires of the values -------------------------------------------------------

TEST(SocialFormat, GvcgNeedsValuesBetweenZeroAndTheBound) {
  const std::string dir = test::temp_dir();
  // the exchange's values are negative: a valid file (audit and epic run), but not one for gvcg
  const std::string ex = dir + "/exchange.json";
  write_text(ex, exchange().dump());
  EXPECT_EQ(test::run_cli("audit '" + ex + "'").exit_code, 0);
  EXPECT_EQ(test::run_cli("epic '" + ex + "'").exit_code, 0);
  auto r = test::run_cli("gvcg '" + ex + "' --out '" + dir + "/r1.json'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir + "/r1.json"));
  EXPECT_NE(r.err.find("values.by_state[0][0][0][1]: -20 is negative"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("0 <= v <= M"), std::string::npos) << r.err;
  // a bound below the largest value
  json d = auction();
  d["bound"] = 5;
  const std::string au = dir + "/auction.json";
  write_text(au, d.dump());
  r = test::run_cli("gvcg '" + au + "' --out '" + dir + "/r2.json'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir + "/r2.json"));
  EXPECT_NE(r.err.find("exceeds the bound M = 5"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
  // two stages need a decomposition
  const std::string tr = dir + "/trade.json";
  write_text(tr, trade().dump());
  r = test::run_cli("gvcg '" + tr + "' --stages 2");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("decomposition"), std::string::npos) << r.err;
}

// ---- the commands name their flags where the library names its options ----------------------------

TEST(SocialCli, OptionsAreNamedByTheirFlags) {
  const std::string dir = test::temp_dir();
  const std::string au = dir + "/auction.json";
  write_text(au, auction().dump());
  auto r = test::run_cli("gvcg '" + au + "' --profile 0,1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("ivassign: error: --profile: has 2 entries, expected n = 3"), std::string::npos) << r.err;
  const std::string tr = dir + "/trade.json";
  write_text(tr, trade().dump());
  r = test::run_cli("gvcg '" + tr + "' --stages 2");
  EXPECT_NE(r.err.find("(--stages 2 needs a decomposition"), std::string::npos) << r.err;
  const std::pair<const char*, const char*> generated[] = {
      {"auction --rho 1.5", "generate social auction: --rho = 1.5 is out of range [0, 1]"},
      {"auction --states 1", "generate social auction: --rho must be 1 with one state"},
      {"auction --utility-types 0", "generate social auction: --utility-types = 0 is out of range"},
      {"auction --utilities 1,2", "generate social auction: --utilities has 2 numbers"},
      {"exchange --r 1", "generate social exchange: --r = 1 gives types of probability 0"},
      {"trade --grid 1", "generate social trade: --grid = 1 is out of range [2, 4096]"},
      {"public-good --agents 0", "generate social public-good: --agents = 0 is out of range"},
      {"public-good --cost -1", "generate social public-good: --cost = -1 is out of range"}};
  for (const auto& [args, message] : generated) {
    r = test::run_cli(std::string("generate social ") + args + " --out '" + dir + "/x.json'");
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << ": " << r.err;
    EXPECT_EQ(r.err.find("Options::"), std::string::npos) << args << ": " << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir + "/x.json")) << args;
  }
}

TEST(SocialCli, NoMechanismToAuditAdvisesFlagsThatWork) {
  const std::string dir = test::temp_dir();
  const std::string tr = dir + "/trade.json";  // no mechanism in the file
  write_text(tr, trade().dump());
  auto r = test::run_cli("audit '" + tr + "'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("mechanism: required key is missing"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("give --mechanism FILE)"), std::string::npos) << r.err;
  const json none = {{"outcome", std::vector<int>(25, 0)}, {"transfers", std::vector<std::vector<double>>(25, {0.0, 0.0})}};
  write_text(dir + "/none.json", none.dump());
  r = test::run_cli("audit '" + tr + "' --mechanism '" + dir + "/none.json'");  // the advice, as written
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = test::run_cli("epic '" + tr + "' --rule mechanism");  // epic has no --mechanism
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("use --rule efficient)"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("--mechanism"), std::string::npos) << r.err;
  EXPECT_EQ(test::run_cli("epic '" + tr + "' --rule efficient").exit_code, 0);
}

}  // namespace
}  // namespace ivassign
