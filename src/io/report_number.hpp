// src/io/report_number.hpp — a number of a JSON report: the double itself when finite, else null
// (report-format.md: non-finite numbers are written as null).
#pragma once
#include <cmath>

#include <nlohmann/json.hpp>

namespace ivassign::io {

/// A finite double as itself, NaN and infinities as null (keys in insertion order).
inline nlohmann::ordered_json number(double v) {
  return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

}  // namespace ivassign::io
