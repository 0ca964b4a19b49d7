// fuzz_instance_json: the `ivassign/1` reader's checked path (nlohmann JSON, then the format's
// rules): parse_instance on documents under the fast path's 1 MiB threshold, which is all of them
// at libFuzzer's input sizes.
#include "fuzz_common.hpp"
#include "ivassign/instance_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = ivassign::fuzz::text_of(data, size);
  ivassign::fuzz::expect_only_ivassign_errors([&] { (void)ivassign::parse_instance(text, "fuzz"); });
  return 0;
}
