// ivassign/options.hpp — one description of every scalar setting of the options structs: its name,
// default, range and help text. From these tables alone come
//  * the library's validation: validate(const X&) for each struct (nested structs included), an
//    InputError "X::name: VALUE is out of range; it must be RANGE";
//  * the command line's flags ("--" + the name with '-' for '_'; its help, its default, and a check
//    that prints the same message with the flag's name: src/cli/common.cpp);
//  * the Python keywords (read by the table's names; python/src/settings.cpp), and
//    ivassign._option_table() for Python's tests.
// tests/common/test_options.cpp and python/tests/test_options.py walk every row through all three.
//
//   for (const auto& o : ivassign::option_table<ivassign::VcgOptions>())
//     std::cout << o.name << " " << o.range.text() << " (default " << o.default_text() << "): " << o.help << "\n";
//   ivassign::validate(options);   // InputError naming the first option out of range
#pragma once
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "ivassign/assignment.hpp"
#include "ivassign/incentives.hpp"
#include "ivassign/mechanism.hpp"
#include "ivassign/posterior.hpp"
#include "ivassign/vcg.hpp"

namespace ivassign {

/// The values an option accepts: the interval from min to max (either end open or closed, either end
/// infinite: [0, inf] admits infinity, [0, inf) does not), NaN never, and optionally one more value
/// outside it that has a meaning of its own (-1: none; 0: all cores; NaN: no target).
struct OptionRange {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_open = false;
  bool max_open = false;
  bool has_special = false;
  double special = 0.0;      ///< NaN matches NaN
  const char* unit = "";     ///< "seconds", "LAP weights" (in text())
  const char* note = "";     ///< the special value's meaning, or what infinity means: "-1: none"

  bool contains(double value) const;
  /// False when every number is accepted (no check to make).
  bool restricts() const;
  /// "in [0, 100000]", "> 0 seconds (infinity: none)", ">= 1 (-1: none)", "finite (NaN: none)".
  std::string text() const;
};

/// How messages print a number: integers without a fraction, others in the shortest form that reads back
/// ("0.95", "1.6e+08", "inf", "nan").
std::string option_value_text(double value, bool integral);
/// "<option>: <value> is out of range; it must be <range.text()>": the library's, the command line's and
/// Python's message for an option out of its range (each naming the option as it is named there).
std::string option_range_message(const std::string& option, const std::string& value, const OptionRange& range);
/// A value outside `range` (and not its special value) that an integral or a floating option can hold, the
/// closest below or above it; none when every such value is accepted. For tests and documentation.
std::optional<double> out_of_range_example(const OptionRange& range, bool integral, bool is_unsigned = false);

/// One scalar setting of the options struct T.
template <class T>
struct Option {
  using Field = std::variant<int T::*, std::int64_t T::*, std::uint64_t T::*, double T::*>;
  const char* name;        ///< the field's name: the library's messages and Python's keyword
  Field field;
  double default_value;    ///< the struct's default member initializer (the tests check they agree)
  OptionRange range;
  const char* help;
  bool cli = false;        ///< the command line has a flag made from this row: flag()
  bool python = false;     ///< the Python functions take this keyword (python/src/settings.cpp)

  bool integral() const { return !std::holds_alternative<double T::*>(field); }
  double value(const T& options) const {
    return std::visit([&](auto member) { return static_cast<double>(options.*member); }, field);
  }
  bool is_unsigned() const { return std::holds_alternative<std::uint64_t T::*>(field); }
  /// The value as messages print it (integers exactly).
  std::string value_text(const T& options) const {
    return std::visit(
        [&](auto member) {
          const auto v = options.*member;
          if constexpr (std::is_floating_point_v<decltype(v)>) return option_value_text(v, false);
          else return std::to_string(v);
        },
        field);
  }
  std::string default_text() const { return option_value_text(default_value, integral()); }
  /// "--" + the name with '-' for '_' ("--bound-iterations").
  std::string flag() const;
};

/// The struct's table (defined in src/common/options.cpp) and its name in messages ("SolverOptions").
template <class T>
const std::vector<Option<T>>& option_table();
template <class T>
const char* options_name();

#define IVASSIGN_OPTION_TABLE(T)                 \
  template <>                                    \
  const std::vector<Option<T>>& option_table<T>(); \
  template <>                                    \
  const char* options_name<T>();
IVASSIGN_OPTION_TABLE(SolverOptions)
IVASSIGN_OPTION_TABLE(VcgOptions)
IVASSIGN_OPTION_TABLE(MeasureOptions)
IVASSIGN_OPTION_TABLE(MechanismOptions)
IVASSIGN_OPTION_TABLE(CheckOptions)
IVASSIGN_OPTION_TABLE(ReplicaOptions)
#undef IVASSIGN_OPTION_TABLE

template <class T>
std::string Option<T>::flag() const {
  std::string f = std::string("--") + name;
  for (char& c : f)
    if (c == '_') c = '-';
  return f;
}

/// Each throws InputError naming the first option out of its range ("VcgOptions::bound_iterations: -1 is out
/// of range; it must be in [0, 100000]"), checking the nested structs first (VcgOptions its search,
/// MechanismOptions its vcg and measures, CheckOptions its mechanism, ReplicaOptions its solver), and the
/// rules between fields (MechanismOptions: delta_mode Exact needs compute_exact_delta; ReplicaOptions: sizes
/// non-empty, each >= 2). Every entry point calls the one of its options before any work.
void validate(const SolverOptions& options);
void validate(const VcgOptions& options);
void validate(const MeasureOptions& options);
void validate(const MechanismOptions& options);
void validate(const CheckOptions& options);
void validate(const ReplicaOptions& options);

}  // namespace ivassign
