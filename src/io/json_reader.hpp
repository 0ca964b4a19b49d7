// src/io/json_reader.hpp — typed access to a parsed JSON document with messages that name the
// key path and the index ("valuations[1][0]: has 2 entries, expected s = 3").
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ivassign::io {

/// Parses JSON text; malformed text throws InputError "<origin>: line L, column C: <reason>".
nlohmann::json parse_json(const std::string& text, const std::string& origin);

/// Reads an integer (a JSON integer, or a float with an integral value) within [lo, hi].
std::int64_t read_int(const nlohmann::json& v, const std::string& key, std::int64_t lo, std::int64_t hi);
/// Reads a finite number.
double read_number(const nlohmann::json& v, const std::string& key);
/// The member `name` of object `obj` (InputError when missing).
const nlohmann::json& member(const nlohmann::json& obj, const std::string& name, const std::string& prefix = "");
/// Reads a nested array of numbers with the given shape into a flat C-order vector. `dims_names`
/// describes each dimension for messages ("m", "n", ...).
std::vector<double> read_tensor(const nlohmann::json& v, const std::string& key, const std::vector<std::size_t>& shape,
                                const std::vector<std::string>& dim_names);

}  // namespace ivassign::io
