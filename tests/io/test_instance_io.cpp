// Instance I/O: every rule of instance-format.md is rejected with a message naming the key, the
// index and the rule; valid documents round-trip.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "ivassign/error.hpp"
#include "ivassign/instance_io.hpp"
#include "random_instance.hpp"
#include "test_support.hpp"

namespace ivassign {
namespace {

using nlohmann::json;

json base(Prior::Form prior = Prior::Form::Joint, Externalities::Form ext = Externalities::Form::Dense) {
  test::RandomSpec spec;
  spec.prior = prior;
  spec.externalities = ext;
  spec.sellers = 2;
  Instance in = test::random_instance(spec, 11);
  in.observed = {0, 1, 0};
  return json::parse(instance_to_json(in));
}

/// Parsing `doc` must fail with an InputError whose message contains every fragment.
void expect_rejected(const json& doc, std::initializer_list<const char*> fragments) {
  try {
    parse_instance(doc.dump(), "test.json");
    ADD_FAILURE() << "accepted: " << doc.dump().substr(0, 200);
  } catch (const InputError& e) {
    const std::string msg = e.what();
    for (const char* f : fragments) EXPECT_NE(msg.find(f), std::string::npos) << "'" << f << "' not in: " << msg;
  }
}

TEST(InstanceIo, ValidDocumentsRoundTripInEveryForm) {
  for (auto prior : {Prior::Form::Joint, Prior::Form::Symmetric, Prior::Form::PerBuyer})
    for (auto ext : {Externalities::Form::None, Externalities::Form::Dense, Externalities::Form::Sparse,
                     Externalities::Form::Factored}) {
      const std::string text = base(prior, ext).dump();
      const Instance a = parse_instance(text);
      const Instance b = parse_instance(instance_to_json(a));
      EXPECT_EQ(instance_to_json(a), instance_to_json(b));
      EXPECT_EQ(a.prior.form, prior);
      EXPECT_EQ(a.externalities.form, ext);
    }
}

TEST(InstanceIo, BundledExamplesLoad) {
  for (const char* name : {"toy-2x2", "ci-3x3", "joint-3x4", "rect-3x2"}) {
    const Instance in = load_instance(test::examples_dir() + "/" + name + ".json");
    EXPECT_EQ(in.name, name);
  }
}

TEST(InstanceIo, WrongFormat) {
  json d = base();
  d["format"] = "ivassign/2";
  expect_rejected(d, {"format", "ivassign/1"});
  d.erase("format");
  expect_rejected(d, {"format", "missing"});
}

TEST(InstanceIo, SizesMustBePositiveIntegers) {
  json d = base();
  d["buyers"] = -1;
  expect_rejected(d, {"buyers", "out of range"});
  d = base();
  d["states"] = 2.5;
  expect_rejected(d, {"states", "not an integer"});
  d = base();
  d["sellers"] = "two";
  expect_rejected(d, {"sellers", "expected an integer"});
  d = base();
  d["signals"][1] = 0;
  expect_rejected(d, {"signals[1]", "out of range"});
  d = base();
  d["states"] = 2.0;  // an integral float is an integer
  EXPECT_NO_THROW(parse_instance(d.dump()));
}

TEST(InstanceIo, RaggedArraysAndWrongLengths) {
  json d = base();
  d["valuations"][1][0].erase(1);
  expect_rejected(d, {"valuations[1][0]", "has 1 entries, expected s = 2"});
  d = base();
  d["costs"][0].push_back(json::array({1, 2}));
  expect_rejected(d, {"costs[0]", "expected n = 3"});
  d = base();
  d["signals"].push_back(2);
  expect_rejected(d, {"signals", "expected n = 3"});
  d = base();
  d["prior"]["joint"].erase(0);
  expect_rejected(d, {"prior.joint", "m * prod K_i"});
  d = base();
  d["valuations"][0][0][0] = json::array({1});
  expect_rejected(d, {"valuations[0][0][0]", "expected a number"});
}

TEST(InstanceIo, PriorMustSumToOneWithFullSupport) {
  json d = base();
  d["prior"]["joint"][3] = d["prior"]["joint"][3].get<double>() + 0.01;
  expect_rejected(d, {"prior.joint", "sum to", "must sum to 1"});
  d = base();
  const double moved = d["prior"]["joint"][5].get<double>();
  d["prior"]["joint"][5] = 0.0;
  d["prior"]["joint"][6] = d["prior"]["joint"][6].get<double>() + moved;
  expect_rejected(d, {"prior.joint: entry 5 is 0", "full support"});
  d = base(Prior::Form::Symmetric);
  d["prior"]["lambda"][0] = 0.9;
  expect_rejected(d, {"prior.lambda", "sum to 1"});
  d = base(Prior::Form::PerBuyer);
  d["prior"]["q_per_buyer"][2][1][0] = 2.0;
  expect_rejected(d, {"prior.q_per_buyer[2][1]", "sum to 1"});
  d = base(Prior::Form::Symmetric);
  d["prior"]["q_per_buyer"] = json::array();
  expect_rejected(d, {"prior", "exactly one of q and q_per_buyer"});
}

TEST(InstanceIo, NegativeValuationsAndCosts) {
  json d = base();
  d["valuations"][1][2][0] = -3;
  expect_rejected(d, {"valuations[1][2][0]", "negative"});
  d = base();
  d["costs"][0][1][1] = -0.5;
  expect_rejected(d, {"costs[0][1][1]", "negative"});
  d = base(Prior::Form::Joint, Externalities::Form::Factored);
  d["externalities"]["factored"]["seller"][1][0][1] = -1;
  expect_rejected(d, {"externalities.factored.seller[1][0][1]", "negative"});
}

TEST(InstanceIo, SelfExternalityInDenseFormMustBeZero) {
  json d = base();
  d["externalities"]["dense"][0][1][0][1][1] = 2.0;  // p == i
  expect_rejected(d, {"externalities.dense[0][1][0][1][1]", "p == i", "must be 0"});
  d = base();
  d["externalities"]["dense"][1][0][1][2][1] = 2.0;  // q == j
  expect_rejected(d, {"externalities.dense[1][0][1][2][1]", "q == j"});
}

TEST(InstanceIo, SparseKeysUniqueAndInRange) {
  json d = base(Prior::Form::Joint, Externalities::Form::Sparse);
  ASSERT_FALSE(d["externalities"]["sparse"].empty());
  d["externalities"]["sparse"].push_back(d["externalities"]["sparse"][0]);
  expect_rejected(d, {"externalities.sparse[", "repeated", "unique"});
  d = base(Prior::Form::Joint, Externalities::Form::Sparse);
  d["externalities"]["sparse"].push_back(json::array({0, 5, 0, 1, 1, 1.0}));
  expect_rejected(d, {"externalities.sparse[", "i = 5", "out of range"});
  d = base(Prior::Form::Joint, Externalities::Form::Sparse);
  d["externalities"]["sparse"].push_back(json::array({0, 1, 0, 1, 1, 1.0}));
  expect_rejected(d, {"p == i"});
  d = base(Prior::Form::Joint, Externalities::Form::Sparse);
  d["externalities"]["sparse"].push_back(json::array({0, 1, 0, 1}));
  expect_rejected(d, {"6 entries"});
}

TEST(InstanceIo, ObservedAndBound) {
  json d = base();
  d["observed"][2] = 2;
  expect_rejected(d, {"observed[2]", "out of range"});
  d = base();
  d["bound"] = 0;
  expect_rejected(d, {"bound", "> 0"});
  d = base();
  d["bound"] = 1;
  expect_rejected(d, {"bound", "below the largest"});
}

TEST(InstanceIo, NonFiniteNumbers) {
  // JSON has no NaN or Infinity; a literal that overflows a double is rejected too
  std::string text = base().dump();
  const std::string key = "\"valuations\":[[[";
  const auto pos = text.find(key) + key.size();
  const auto comma = text.find(',', pos);
  text.replace(pos, comma - pos, "1e999");
  try {
    parse_instance(text, "big.json");
    FAIL() << "accepted 1e999";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("big.json"), std::string::npos) << msg;
    EXPECT_NE(msg.find("number 1e999 at line 1, column " + std::to_string(pos + 1)), std::string::npos) << msg;
  }
  EXPECT_THROW(parse_instance(R"({"format": "ivassign/1", "states": NaN})"), InputError);
  EXPECT_THROW(parse_instance(R"({"format": "ivassign/1", "states": Infinity})"), InputError);
}

TEST(InstanceIo, MalformedJsonGivesLineAndColumn) {
  try {
    parse_instance("{\n  \"format\": \"ivassign/1\",\n  \"states\": ,\n}", "bad.json");
    FAIL();
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("bad.json"), std::string::npos) << msg;
    EXPECT_NE(msg.find("line 3, column 13"), std::string::npos) << msg;
  }
}

TEST(InstanceIo, MissingFile) {
  try {
    load_instance("/nonexistent/market.json");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/market.json: no such file"), std::string::npos) << e.what();
  }
}

TEST(InstanceIo, CommandLineRejectsBadInputWithExitCode2) {
  const std::string dir = test::temp_dir();
  json d = base();
  d["valuations"][1][2][0] = -3;
  {
    std::ofstream(dir + "/bad.json") << d.dump();
  }
  auto r = test::run_cli("mechanism " + dir + "/bad.json");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("valuations[1][2][0]"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("terminate"), std::string::npos) << r.err;
  r = test::run_cli("mechanism " + dir + "/missing.json");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no such file"), std::string::npos) << r.err;
  // a failed run leaves an existing --out file untouched
  {
    std::ofstream(dir + "/report.json") << "previous";
  }
  r = test::run_cli("mechanism " + dir + "/bad.json --out " + dir + "/report.json");
  EXPECT_EQ(r.exit_code, 2);
  std::ifstream kept(dir + "/report.json");
  std::string content((std::istreambuf_iterator<char>(kept)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "previous");
}

}  // namespace
}  // namespace ivassign

#include "io/instance_fast.hpp"
#include "ivassign/generate.hpp"

namespace ivassign {
namespace {

/// Every prior and externality form, the bundled examples and a spectrum market: what each reader
/// path must read exactly as the checked path does.
std::vector<std::string> reader_documents() {
  std::vector<std::string> texts;
  for (auto prior : {Prior::Form::Joint, Prior::Form::Symmetric, Prior::Form::PerBuyer})
    for (auto ext : {Externalities::Form::None, Externalities::Form::Dense, Externalities::Form::Sparse,
                     Externalities::Form::Factored})
      texts.push_back(base(prior, ext).dump());
  for (const char* n : {"toy-2x2", "ci-3x3", "joint-3x4", "rect-3x2"})
    texts.push_back(load_text(test::examples_dir() + "/" + n + ".json"));
  SpectrumOptions o;
  o.buyers = 30;
  o.licences = 120;
  texts.push_back(instance_to_json(generate_spectrum(o)));
  return texts;
}

TEST(InstanceIoFast, SimdjsonPathReadsExactlyWhatTheCheckedPathReads) {
  if (!io::fast_reader_available()) GTEST_SKIP() << "built without simdjson";
  for (const auto& text : reader_documents()) {
    const auto fast = io::read_instance_fast(text);
    ASSERT_TRUE(fast.has_value());
    const Instance checked = parse_instance(text);
    Instance named = *fast;
    EXPECT_EQ(instance_to_json(named), instance_to_json(checked));
  }
}

TEST(InstanceIoFast, SurprisesFallBackToTheCheckedPathAndItsMessages) {
  if (!io::fast_reader_available()) GTEST_SKIP() << "built without simdjson";
  json d = base();
  d["valuations"][1][0].erase(1);
  EXPECT_FALSE(io::read_instance_fast(d.dump()).has_value());
  EXPECT_FALSE(io::read_instance_fast("{ not json").has_value());
  // a large document with a ragged array still gets the precise message
  SpectrumOptions o;
  o.buyers = 60;
  o.licences = 300;
  json big = json::parse(instance_to_json(generate_spectrum(o)));
  big["costs"][0][3].erase(7);
  const std::string text = big.dump();
  ASSERT_GT(text.size(), 1u << 20);
  try {
    parse_instance(text, "big.json");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("costs[0][3]: has 299 entries, expected s = 300"), std::string::npos) << e.what();
  }
  // and a value rule broken in a large document is named too
  big = json::parse(instance_to_json(generate_spectrum(o)));
  big["valuations"][0][1][2] = -1.0;
  try {
    parse_instance(big.dump(), "big.json");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("big.json: valuations[0][1][2]"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ivassign

#include "io/instance_stream.hpp"

namespace ivassign {
namespace {

std::string write_temp(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string path = dir + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(InstanceIoStream, StreamedFilesReadExactlyWhatTheCheckedPathReads) {
  const std::string dir = test::temp_dir();
  std::vector<std::string> texts = reader_documents();
  json extra = base();  // keys the format does not define are ignored, as the checked reader ignores them
  extra["comment"] = {{"by", "a pipeline"}, {"tags", {1, "two", nullptr, {{"x", true}}}}};
  extra["externalities"] = nullptr;
  texts.push_back(extra.dump(2));
  for (std::size_t k = 0; k < texts.size(); ++k) {
    SCOPED_TRACE("document " + std::to_string(k));
    const auto streamed = io::read_instance_stream(write_temp(dir, "doc.json", texts[k]));
    ASSERT_TRUE(streamed.has_value());
    EXPECT_EQ(instance_to_json(*streamed), instance_to_json(parse_instance(texts[k])));
  }
}

TEST(InstanceIoStream, SurprisesFallBackToTheCheckedPathAndItsMessages) {
  const std::string dir = test::temp_dir();
  std::vector<std::string> surprises;
  json d = base();
  d["valuations"][1][0].erase(1);  // ragged
  surprises.push_back(d.dump());
  d = base();
  d["costs"] = {1, {2}};  // numbers beside arrays
  surprises.push_back(d.dump());
  d = base();
  d["prior"]["extra"] = 1;  // an unknown prior key
  surprises.push_back(d.dump());
  d = base();
  d["externalities"] = json::object();  // no form
  surprises.push_back(d.dump());
  d = base();
  d["states"] = 2.5;
  surprises.push_back(d.dump());
  d = base();
  d["comment"] = {{"a", 1}};
  std::string dup = d.dump();
  dup.replace(dup.find("{\"a\":1}"), 7, "{\"a\":1,\"a\":2}");  // a repeated key in an ignored object
  surprises.push_back(dup);
  surprises.push_back(base().dump() + " {}");  // trailing content
  surprises.push_back("[1, 2]");
  surprises.push_back("{ not json");
  for (std::size_t k = 0; k < surprises.size(); ++k) {
    SCOPED_TRACE("surprise " + std::to_string(k) + ": " + surprises[k].substr(0, 80));
    EXPECT_FALSE(io::read_instance_stream(write_temp(dir, "bad.json", surprises[k])).has_value());
  }
  EXPECT_FALSE(io::read_instance_stream(dir + "/missing.json").has_value());
  // a large file with a ragged array: load_instance streams, falls back, and names the entry
  SpectrumOptions o;
  o.buyers = 60;
  o.licences = 300;
  json big = json::parse(instance_to_json(generate_spectrum(o)));
  big["costs"][0][3].erase(7);
  const std::string path = write_temp(dir, "big.json", big.dump());
  try {
    load_instance(path);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("costs[0][3]: has 299 entries, expected s = 300"), std::string::npos) << e.what();
  }
  // a value rule broken in a large streamed file is named with the file
  big = json::parse(instance_to_json(generate_spectrum(o)));
  big["valuations"][0][1][2] = -1.0;
  const std::string text = big.dump();
  ASSERT_GT(text.size(), 1u << 20);
  try {
    load_instance(write_temp(dir, "neg.json", text));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("neg.json: valuations[0][1][2]"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ivassign
