// src/io/instance_fast.hpp — simdjson extraction of well-formed instances (no messages: on any
// surprise it returns nullopt and the checked reader takes over). Not validated: call validate().
#pragma once
#include <optional>
#include <string>

#include "ivassign/instance.hpp"

namespace ivassign::io {

/// True when the build has simdjson.
bool fast_reader_available();
std::optional<Instance> read_instance_fast(const std::string& json_text);

}  // namespace ivassign::io
