// Every row of every option table (ivassign/options.hpp) through the library and the command line: the
// default is the struct's default member initializer, an out-of-range value is an InputError naming the
// option and its range, from validate(), from the entry point before any work, and from the command line's
// flag (exit 2, the same message under the flag's name). python/tests/test_options.py walks the same rows
// through the Python keywords.
#include <cmath>
#include <string>
#include <type_traits>
#include <variant>

#include <gtest/gtest.h>

#include "ivassign/error.hpp"
#include "ivassign/incentives.hpp"
#include "ivassign/instance_io.hpp"
#include "ivassign/options.hpp"
#include "ivassign/vcg.hpp"
#include "test_support.hpp"

namespace ivassign {
namespace {

template <class T>
void set_value(const Option<T>& row, T& options, double v) {
  std::visit([&](auto member) { options.*member = static_cast<std::decay_t<decltype(options.*member)>>(v); },
             row.field);
}

template <class T>
std::string qualified(const Option<T>& row) {
  return std::string(options_name<T>()) + "::" + row.name;
}

/// The message of `run` (an InputError), or "" when it does not throw one.
template <class F>
std::string input_error(F&& run) {
  try {
    run();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

template <class T>
void expect_defaults_match() {
  const T defaults{};
  for (const Option<T>& row : option_table<T>()) {
    const double v = row.value(defaults);
    if (std::isnan(row.default_value)) {
      EXPECT_TRUE(std::isnan(v)) << qualified(row);
    } else {
      EXPECT_EQ(v, row.default_value) << qualified(row) << ": the table's default is not the struct's";
    }
    EXPECT_TRUE(row.range.contains(row.default_value)) << qualified(row) << ": default out of its own range";
    EXPECT_NE(std::string(row.help), "") << qualified(row);
  }
  EXPECT_EQ(input_error([&] { validate(defaults); }), "") << options_name<T>() << "{} is refused";
}

TEST(OptionTables, DefaultsAreTheStructsInitializers) {
  expect_defaults_match<SolverOptions>();
  expect_defaults_match<VcgOptions>();
  expect_defaults_match<MeasureOptions>();
  expect_defaults_match<MechanismOptions>();
  expect_defaults_match<CheckOptions>();
  expect_defaults_match<ReplicaOptions>();
}

/// For every row with an out-of-range value: validate(T) and `entry(T)` (an entry point of the library) throw
/// the table's message naming it. `rows` counts the rows so checked.
template <class T, class Entry>
void expect_ranges_enforced(Entry&& entry, int& rows) {
  for (const Option<T>& row : option_table<T>()) {
    const std::optional<double> bad = out_of_range_example(row.range, row.integral(), row.is_unsigned());
    if (!bad) {
      EXPECT_FALSE(row.range.restricts() && !row.is_unsigned()) << qualified(row) << ": a range without a bad value";
      continue;
    }
    ++rows;
    T options{};
    set_value(row, options, *bad);
    const std::string want = option_range_message(qualified(row), row.value_text(options), row.range);
    EXPECT_EQ(input_error([&] { validate(options); }), want);
    EXPECT_EQ(input_error([&] { entry(options); }), want) << "through the entry point";
  }
}

Instance toy() { return load_instance(test::examples_dir() + "/toy-2x2.json"); }

TEST(OptionTables, EveryRangeIsEnforcedByValidateAndTheEntryPoints) {
  const AssignmentProblem p = AssignmentProblem::linear_only(2, 2, {1, 2, 3, 4});
  const Instance inst = toy();
  int rows = 0;
  expect_ranges_enforced<SolverOptions>([&](const SolverOptions& o) { solve_assignment(p, o); }, rows);
  expect_ranges_enforced<VcgOptions>([&](const VcgOptions& o) { solve_with_vcg(p, o); }, rows);
  expect_ranges_enforced<MeasureOptions>([&](const MeasureOptions& o) { prior_measures(inst, o); }, rows);
  expect_ranges_enforced<MechanismOptions>([&](const MechanismOptions& o) { run_mechanism(inst, {{0, 0}}, o); }, rows);
  expect_ranges_enforced<CheckOptions>([&](const CheckOptions& o) { check_incentives(inst, o); }, rows);
  expect_ranges_enforced<ReplicaOptions>([&](const ReplicaOptions& o) { replica_experiment(inst, o); }, rows);
  EXPECT_GE(rows, 20);
}

TEST(OptionTables, NestedOptionsAreCheckedBeforeAnyWork) {
  const Instance inst = toy();
  int calls = 0;
  MechanismOptions m;
  m.progress = [&](double, const std::string&) { ++calls; };
  m.vcg.search.time_limit = 0.0;  // the search's, two levels down
  EXPECT_EQ(input_error([&] { plan_mechanism(inst, {{0, 0}}, m); }),
            "SolverOptions::time_limit: 0 is out of range; it must be > 0 seconds (infinity: none)");
  m = MechanismOptions{};
  m.progress = [&](double, const std::string&) { ++calls; };
  m.vcg.bound_iterations = 100001;
  EXPECT_NE(input_error([&] { plan_mechanism(inst, {{0, 0}}, m); }).find("VcgOptions::bound_iterations: 100001"),
            std::string::npos);
  m.vcg.bound_iterations = 10;
  m.measures.confidence = 1.0;
  EXPECT_NE(input_error([&] { plan_mechanism(inst, {{0, 0}}, m); }).find("MeasureOptions::confidence: 1 "),
            std::string::npos);
  EXPECT_EQ(calls, 0) << "the run started before its options were checked";
  CheckOptions c;
  c.mechanism.vcg.search.threads = -1;
  EXPECT_NE(input_error([&] { check_mechanism_run(inst, c); }).find("SolverOptions::threads: -1"), std::string::npos);
  ReplicaOptions r;
  r.sizes = {4, 1};
  EXPECT_EQ(input_error([&] { replica_rows(inst, r, {0, 0}); }), "ReplicaOptions::sizes: 1 is below 2 buyers");
}

TEST(OptionTables, RangeTextAndValues) {
  OptionRange r;
  r.min = 0;
  r.max = 100000;
  EXPECT_EQ(r.text(), "in [0, 100000]");
  EXPECT_TRUE(r.contains(0) && r.contains(100000) && !r.contains(-1) && !r.contains(std::nan("")));
  EXPECT_EQ(option_value_text(1.6e8, false), "1.6e+08");
  EXPECT_EQ(option_value_text(0.95, false), "0.95");
  EXPECT_EQ(option_value_text(-1, true), "-1");
  EXPECT_EQ(option_value_text(std::numeric_limits<double>::infinity(), false), "inf");
}

// ---- the command line --------------------------------------------------------------------------------------

/// The command that takes T's table flags, before the flag (every one fails while parsing: no run).
template <class T>
std::string command_of() {
  const std::string toy = "'" + test::examples_dir() + "/toy-2x2.json'";
  if constexpr (std::is_same_v<T, CheckOptions>) return "check " + toy;
  else if constexpr (std::is_same_v<T, ReplicaOptions>) return "replica --base " + toy;
  else return "mechanism " + toy;
}

/// Every `cli` row: `--flag=BAD` exits 2 with the library's message under the flag's name, and the help
/// shows the flag with the table's default.
template <class T>
void expect_cli_agrees(int& rows) {
  const std::string help = test::run_cli(command_of<T>().substr(0, command_of<T>().find(' ')) + " --help").out;
  for (const Option<T>& row : option_table<T>()) {
    if (!row.cli) continue;
    const std::size_t at = help.find("  " + row.flag() + " ");
    ASSERT_NE(at, std::string::npos) << row.flag() << " missing from the help";
    const std::string line = help.substr(at, help.find('\n', at) - at);  // "--flag TYPE:RANGE=DEFAULT"
    const T defaults{};
    EXPECT_NE(line.find("=" + row.value_text(defaults)), std::string::npos) << row.flag() << "'s default: " << line;
    if (row.range.restricts()) {
      EXPECT_NE(line.find(row.range.text()), std::string::npos) << line;
    }
    const std::optional<double> bad = out_of_range_example(row.range, row.integral(), row.is_unsigned());
    if (!bad) continue;
    ++rows;
    T options{};
    set_value(row, options, *bad);
    const std::string value = row.value_text(options);
    const test::CommandResult r = test::run_cli(command_of<T>() + " " + row.flag() + "=" + value);
    EXPECT_EQ(r.exit_code, 2) << row.flag() << "=" << value << ": " << r.err;
    const std::string message = option_range_message(row.flag(), value, row.range);
    EXPECT_NE(r.err.find(message), std::string::npos) << "want: " << message << "\ngot: " << r.err;
    // the library's message for the same value, but for the name
    const std::string library = option_range_message(qualified(row), value, row.range);
    EXPECT_EQ(library.substr(qualified(row).size()), message.substr(row.flag().size()));
  }
}

TEST(OptionTables, CommandLineFlagsAreTheTablesRows) {
  int rows = 0;
  expect_cli_agrees<SolverOptions>(rows);
  expect_cli_agrees<VcgOptions>(rows);
  expect_cli_agrees<MeasureOptions>(rows);
  expect_cli_agrees<MechanismOptions>(rows);
  expect_cli_agrees<CheckOptions>(rows);
  expect_cli_agrees<ReplicaOptions>(rows);
  EXPECT_GE(rows, 12);
}

TEST(OptionTables, CommandLineNamesTheFlagsOfNestedOptions) {
  // --time-limit has the command line's own range (0: none) and --sizes its list: both checked, named as flags
  const std::string toy = "'" + test::examples_dir() + "/toy-2x2.json'";
  test::CommandResult r = test::run_cli("mechanism " + toy + " --time-limit=-1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--time-limit: -1 is out of range"), std::string::npos) << r.err;
  r = test::run_cli("replica --base " + toy + " --sizes 4,1 --quiet");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--sizes: 1 is below 2 buyers"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ivassign
