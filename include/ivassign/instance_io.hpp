// ivassign/instance_io.hpp — reading and writing instances (JSON) and whole text files.
//
// load_instance / parse_instance read the `ivassign/1` format (shared spec instance-format.md) and
// validate it completely before returning: malformed JSON is reported with line and column, every
// broken rule with the key, the index and the rule; nothing is returned from a rejected document.
// write_instance writes a document that load_instance reads back to the same Instance.
//
//   auto inst = ivassign::load_instance("market.json");
//   ivassign::save_text("copy.json", ivassign::instance_to_json(inst));
#pragma once
#include <iosfwd>
#include <string>

#include "ivassign/instance.hpp"

namespace ivassign {

/// Reads and validates an instance file. Throws InputError (missing file, bad JSON, broken rule).
Instance load_instance(const std::string& path);
/// Parses and validates an instance from JSON text; `origin` names the source in messages.
Instance parse_instance(const std::string& json_text, const std::string& origin = "<input>");
/// The instance as an `ivassign/1` JSON document (one top-level key per line, arrays compact,
/// numbers in shortest round-trip form): load_instance reads it back to the same Instance.
std::string instance_to_json(const Instance& instance);
/// Streams the same document (no in-memory copy: for instances of hundreds of megabytes).
void write_instance(const Instance& instance, std::ostream& out);
/// Writes the instance to a file atomically (temporary file, then rename).
void save_instance(const Instance& instance, const std::string& path);

/// Reads a whole text file; throws InputError naming the path when it cannot be read.
std::string load_text(const std::string& path);
/// Writes a text file atomically (temporary file, then rename); throws Error on failure.
void save_text(const std::string& path, const std::string& text);

}  // namespace ivassign
