// fuzz_instance_stream: the `ivassign/1` reader's streaming path (src/io/instance_stream.cpp), which
// load_instance takes for files from 1 MiB: the input is written to a file and read back directly
// here, at any size. It may decline (nullopt: the checked path then names the problem); what it
// returns goes through validate() as in load_instance. Both paths must accept the same documents with
// the same result: when the stream returns a valid instance, the checked path must read the same one.
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>

#include "fuzz_common.hpp"
#include "instance_equal.hpp"
#include "io/instance_stream.hpp"
#include "ivassign/instance_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ivassign;
  static const std::string path = "/tmp/fuzz_instance_stream." + std::to_string(::getpid()) + ".json";
  const std::string text = fuzz::text_of(data, size);
  if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  } else {
    return 0;
  }
  std::optional<Instance> streamed;
  fuzz::expect_only_ivassign_errors([&] { streamed = io::read_instance_stream(path); });
  if (!streamed) return 0;
  try {
    validate(*streamed);
  } catch (const Error&) {
    return 0;  // load_instance reports this one as an InputError too
  }
  Instance checked;
  try {
    checked = parse_instance(text, "fuzz");  // under 1 MiB: the nlohmann path
  } catch (const Error& e) {
    fuzz::finding(std::string("the stream accepts a document the checked path rejects: ") + e.what());
  }
  const std::string diff = fuzz::first_difference(*streamed, checked);
  if (!diff.empty()) fuzz::finding("the stream and checked paths read different instances: " + diff);
  return 0;
}
