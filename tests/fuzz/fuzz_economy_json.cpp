// fuzz_economy_json: the `ivassign-economy/1` reader (src/io/economy_json.cpp, rules in
// economy_rules.cpp, the prior by the social reader), and its writer's round trip: an economy it
// accepts is written by economy_problem_to_json, read back (it must be accepted) and written again to
// the same text, with the same numbers bit for bit.
#include "fuzz_common.hpp"
#include "instance_equal.hpp"
#include "ivassign/economy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ivassign;
  EconomyProblem first;
  try {
    first = parse_economy_problem(fuzz::text_of(data, size), "fuzz");
  } catch (const Error&) {
    return 0;
  }
  const std::string written = economy_problem_to_json(first);
  EconomyProblem second;
  try {
    second = parse_economy_problem(written, "fuzz-written");
  } catch (const Error& e) {
    fuzz::finding(std::string("the written economy is rejected on reading: ") + e.what() + "\n" + written);
  }
  if (!fuzz::same_bits(first.endowments, second.endowments) || !fuzz::same_bits(first.coefficients, second.coefficients) ||
      !fuzz::same_bits(first.cie, second.cie) || !fuzz::same_bits(first.base.prior_joint, second.base.prior_joint) ||
      !fuzz::same_bits(first.base.prior_lambda, second.base.prior_lambda) || first.base.types != second.base.types ||
      first.goods != second.goods || first.utility != second.utility || first.has_cie != second.has_cie)
    fuzz::finding("read -> write -> read changes the economy\n" + written);
  if (economy_problem_to_json(second) != written) fuzz::finding("writing the re-read economy gives another document");
  return 0;
}
