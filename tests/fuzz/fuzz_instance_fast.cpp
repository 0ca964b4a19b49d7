// fuzz_instance_fast: the `ivassign/1` reader's simdjson fast path (src/io/instance_fast.cpp),
// which parse_instance takes for documents from 1 MiB: called directly here, at any size. It may
// decline (nullopt: the checked path then names the problem); what it returns goes through
// validate() as in parse_instance. Both paths must accept the same documents with the same result:
// when the fast path returns a valid instance, the checked path must read the same one.
#include <optional>

#include "fuzz_common.hpp"
#include "instance_equal.hpp"
#include "io/instance_fast.hpp"
#include "ivassign/instance_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ivassign;
  const std::string text = fuzz::text_of(data, size);
  std::optional<Instance> fast;
  fuzz::expect_only_ivassign_errors([&] { fast = io::read_instance_fast(text); });
  if (!fast) return 0;
  try {
    validate(*fast);
  } catch (const Error&) {
    return 0;  // parse_instance reports this one as an InputError too
  }
  Instance checked;
  try {
    checked = parse_instance(text, "fuzz");  // under 1 MiB: the nlohmann path
  } catch (const Error& e) {
    fuzz::finding(std::string("the fast path accepts a document the checked path rejects: ") + e.what());
  }
  const std::string diff = fuzz::first_difference(*fast, checked);
  if (!diff.empty()) fuzz::finding("the fast and checked paths read different instances: " + diff);
  return 0;
}
