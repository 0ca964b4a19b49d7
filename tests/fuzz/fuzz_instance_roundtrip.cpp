// fuzz_instance_roundtrip: read -> write -> read. Every instance parse_instance accepts is written
// by instance_to_json (and streamed by write_instance, which must give the same text); reading that
// document back must give the same instance, numbers bit for bit, and writing it again the same text.
#include <sstream>

#include "fuzz_common.hpp"
#include "instance_equal.hpp"
#include "ivassign/instance_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ivassign;
  Instance first;
  try {
    first = parse_instance(fuzz::text_of(data, size), "fuzz");
  } catch (const Error&) {
    return 0;
  }
  const std::string written = instance_to_json(first);
  std::ostringstream streamed;
  write_instance(first, streamed);
  if (streamed.str() != written && streamed.str() != written + "\n")
    fuzz::finding("write_instance and instance_to_json write different documents");
  Instance second;
  try {
    second = parse_instance(written, "fuzz-written");
  } catch (const Error& e) {
    fuzz::finding(std::string("the written instance is rejected on reading: ") + e.what() + "\n" + written);
  }
  const std::string diff = fuzz::first_difference(first, second);
  if (!diff.empty()) fuzz::finding("read -> write -> read changes " + diff + "\n" + written);
  if (instance_to_json(second) != written) fuzz::finding("writing the re-read instance gives another document");
  return 0;
}
