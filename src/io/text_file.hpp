// src/io/text_file.hpp — the one atomic file write of the library. The public ends are load_text
// and save_text (ivassign/instance_io.hpp), defined next to it in text_file.cpp; writers that
// stream (an instance of hundreds of megabytes) call save_atomically directly.
#pragma once
#include <functional>
#include <iosfwd>
#include <string>

namespace ivassign::io {

/// Writes `path` atomically: `write` fills a temporary file next to it, then rename replaces the
/// file. Throws Error naming the path when the file cannot be opened, written or replaced.
void save_atomically(const std::string& path, const std::function<void(std::ostream&)>& write);

}  // namespace ivassign::io
