// src/io/instance_stream.hpp — the streaming reader of large `ivassign/1` files: nlohmann's SAX events
// straight from the file into the Instance's vectors, without the document's text or a DOM in memory
// (peak memory: the instance itself, where a DOM costs several times the file). Like the simdjson
// extraction it only extracts: on any surprise (a repeated key, an unknown key where the format has
// none, a ragged tensor, a shape that disagrees with the sizes, a syntax error) it returns nullopt and
// the checked reader takes over and names the problem. Not validated: call validate().
#pragma once
#include <optional>
#include <string>

#include "ivassign/instance.hpp"

namespace ivassign::io {

std::optional<Instance> read_instance_stream(const std::string& path);

}  // namespace ivassign::io
