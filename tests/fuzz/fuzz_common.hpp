// tests/fuzz/fuzz_common.hpp — what the libFuzzer targets share.
//
// The contract every target checks: a reader either returns a value or throws an exception derived
// from ivassign::Error (the documented InputError with its message). Anything else is a finding:
// a crash or a sanitizer report (ASan, UBSan: the build halts at the first), another exception
// escaping (libFuzzer reports the abort of the uncaught exception), a hang (-timeout) or a
// runaway allocation (-rss_limit_mb / -malloc_limit_mb).
#pragma once
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "ivassign/error.hpp"

namespace ivassign::fuzz {

inline std::string text_of(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

/// Runs `body`; an ivassign::Error is the expected rejection, any other exception escapes.
template <class Body>
void expect_only_ivassign_errors(Body&& body) {
  try {
    body();
  } catch (const ivassign::Error&) {
  }
}

/// Aborts with a message: a property the target checks does not hold.
[[noreturn]] inline void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz finding: %s\n", what.c_str());
  std::abort();
}

/// A scratch file of this process for readers that take a path (QAPLIB); rewritten per input.
inline std::string scratch_path(const char* suffix) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir && *dir ? dir : "/tmp") + "/ivassign-fuzz-" + std::to_string(::getpid()) + suffix;
}

inline void write_file(const std::string& path, const std::uint8_t* data, std::size_t size) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) finding("cannot write the scratch file " + path);
  if (size && std::fwrite(data, 1, size, f) != size) finding("cannot write the scratch file " + path);
  std::fclose(f);
}

}  // namespace ivassign::fuzz
