// fuzz_social_json: the `ivassign-social/1` reader (src/io/social_json.cpp, rules in
// social_rules.cpp), and its writer's round trip: a problem it accepts is written by
// social_problem_to_json, read back (it must be accepted) and written again to the same text, with
// the same numbers bit for bit.
#include "fuzz_common.hpp"
#include "instance_equal.hpp"
#include "ivassign/social.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ivassign;
  SocialProblem first;
  try {
    first = parse_social_problem(fuzz::text_of(data, size), "fuzz");
  } catch (const Error&) {
    return 0;
  }
  const std::string written = social_problem_to_json(first);
  SocialProblem second;
  try {
    second = parse_social_problem(written, "fuzz-written");
  } catch (const Error& e) {
    fuzz::finding(std::string("the written problem is rejected on reading: ") + e.what() + "\n" + written);
  }
  if (!fuzz::same_bits(first.values, second.values) || !fuzz::same_bits(first.prior_joint, second.prior_joint) ||
      !fuzz::same_bits(first.prior_lambda, second.prior_lambda) ||
      !fuzz::same_bits(first.mechanism_transfers, second.mechanism_transfers) || first.types != second.types ||
      first.outcomes != second.outcomes || first.states != second.states || first.signal != second.signal ||
      first.mechanism_outcome != second.mechanism_outcome || first.outcome_names != second.outcome_names)
    fuzz::finding("read -> write -> read changes the problem\n" + written);
  if (social_problem_to_json(second) != written) fuzz::finding("writing the re-read problem gives another document");
  return 0;
}
