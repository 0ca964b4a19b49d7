// src/common/format.hpp — the text of error messages: numbers as the format rules quote them and
// the key of an array entry ("types[2]"). Shared by the rooms that validate input (io, social).
#pragma once
#include <cstdint>
#include <string>

namespace ivassign {

/// A double as message text: 17 significant digits (round-trips), "inf" and "nan" as such.
std::string num(double v);

/// "key[k]": the key of entry k of an array.
std::string idx(const std::string& key, std::uint64_t k);

}  // namespace ivassign
