// fuzz_qaplib: the QAPLIB readers (src/io/qaplib.cpp), which take a path: each input is written to
// a scratch file of this process and read both as an instance (.dat: n, A, B) and as a solution
// (.sln: n, value, permutation).
#include "fuzz_common.hpp"
#include "ivassign/solvers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = ivassign::fuzz::scratch_path(".dat");
  ivassign::fuzz::write_file(path, data, size);
  ivassign::fuzz::expect_only_ivassign_errors([&] { (void)ivassign::read_qaplib(path); });
  double value = 0;
  ivassign::fuzz::expect_only_ivassign_errors([&] { (void)ivassign::read_qaplib_solution(path, &value); });
  return 0;
}
