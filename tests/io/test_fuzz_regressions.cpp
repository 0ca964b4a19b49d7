// The inputs on which the fuzzers (tests/fuzz/) found a fault, kept under tests/fuzz/regressions/
// (README.md there lists them): each is now rejected with an InputError that says what is wrong.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "io/instance_fast.hpp"
#include "ivassign/error.hpp"
#include "ivassign/instance_io.hpp"
#include "ivassign/solvers.hpp"

namespace ivassign {
namespace {

std::string regression(const std::string& name) {
  return std::string(IVASSIGN_SOURCE_DIR) + "/tests/fuzz/regressions/" + name;
}

/// `call` must throw an InputError whose message contains every fragment.
template <class Call>
void expect_input_error(Call&& call, std::initializer_list<const char*> fragments) {
  try {
    call();
    ADD_FAILURE() << "accepted";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    for (const char* f : fragments) EXPECT_NE(msg.find(f), std::string::npos) << "'" << f << "' not in: " << msg;
  }
}

TEST(FuzzRegressions, QaplibSolutionEntryBeyondIntIsAnInputError) {
  // UBSan: an entry of -21474836496 was converted to int before the range check
  expect_input_error([] { read_qaplib_solution(regression("qaplib-solution-entry-beyond-int.sln")); },
                     {"line 2", "-21474836496", "not a permutation of 1..12"});
}

TEST(FuzzRegressions, QaplibSolutionSizeBeyondIntIsAnInputError) {
  expect_input_error([] { read_qaplib_solution(regression("qaplib-solution-n-beyond-int.sln")); },
                     {"line 1", "is not a positive integer"});
}

TEST(FuzzRegressions, RepeatedKeyIsRejectedByBothInstanceReaders) {
  // the simdjson path read the first `prior`, the nlohmann path the second: two different instances
  const std::string text = load_text(regression("instance-duplicate-key.json"));
  expect_input_error([&] { parse_instance(text, "dup.json"); },
                     {"dup.json", "duplicate key \"prior\"", "top-level object"});
  EXPECT_FALSE(io::read_instance_fast(text).has_value());
  // from 1 MiB parse_instance takes the fast path first: the same message
  const std::string large = text + std::string(std::size_t(1) << 20, ' ');
  expect_input_error([&] { parse_instance(large, "dup.json"); }, {"dup.json", "duplicate key \"prior\""});
  // a repeated key in a nested object is named with its object
  std::string nested = text;
  nested.replace(nested.find("\"joint\": [0.5, 0.5]"), 19, "\"joint\": [0.5, 0.5], \"joint\": [0.5, 0.5]");
  expect_input_error([&] { parse_instance(nested, "dup.json"); }, {"duplicate key \"joint\"", "under \"prior\""});
}

TEST(FuzzRegressions, HugeSizeKeysOverShortArraysAreInputErrorsWithoutHugeAllocations) {
  // states = 2^30 over one-entry arrays: the fast path reserved m * prod K_i doubles (16 GiB) and
  // both paths m doubles for prior.lambda (8 GiB) before comparing the arrays' sizes with the keys;
  // the fuzz targets (malloc limit 2 GiB) run these files as seeds, so a return is caught there
  struct Case {
    const char* file;
    const char* message;
  };
  for (const Case& c : {Case{"instance-huge-states-joint.json", "prior.joint: has 1 entries, expected m * prod K_i = 2147483648"},
                        Case{"instance-huge-states-lambda.json", "prior.lambda: has 1 entries, expected m = 1073741824"}}) {
    SCOPED_TRACE(c.file);
    const std::string text = load_text(regression(c.file));
    EXPECT_FALSE(io::read_instance_fast(text).has_value());
    expect_input_error([&] { parse_instance(text, "huge.json"); }, {"huge.json", c.message});
    const std::string large = text + std::string(std::size_t(1) << 20, ' ');  // the fast path first
    expect_input_error([&] { parse_instance(large, "huge.json"); }, {"huge.json", c.message});
  }
}

TEST(FuzzRegressions, NegativeZeroSurvivesWriteAndRead) {
  // instance_to_json wrote -0.0 as "-0", which both readers take for the integer 0: read -> write ->
  // read turned the cost -0.0 into +0.0
  const Instance first = load_instance(regression("instance-negative-zero.json"));
  ASSERT_TRUE(std::signbit(first.costs[0]));
  const std::string written = instance_to_json(first);
  EXPECT_NE(written.find("-0.0"), std::string::npos) << written;
  const Instance second = parse_instance(written, "written");
  EXPECT_TRUE(std::signbit(second.costs[0]));
  EXPECT_EQ(instance_to_json(second), written);
}

}  // namespace
}  // namespace ivassign
