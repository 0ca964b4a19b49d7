// The option tables of ivassign/options.hpp: one row per scalar setting of each options struct (name,
// default, range, help, whether the command line and Python take it), and the validation made from them.
// The only place where these ranges and defaults are written besides the structs' initializers (which
// tests/common/test_options.cpp checks against the rows).
#include "ivassign/options.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>

#include "ivassign/error.hpp"

namespace ivassign {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// [min, max] with no special value.
constexpr OptionRange closed(double min, double max = kInf, const char* unit = "", const char* note = "") {
  OptionRange r;
  r.min = min;
  r.max = max;
  r.unit = unit;
  r.note = note;
  return r;
}
/// (min, inf]: positive, infinity allowed (a limit: infinity is none).
constexpr OptionRange positive(const char* unit, const char* note = "infinity: none") {
  OptionRange r = closed(0.0, kInf, unit, note);
  r.min_open = true;
  return r;
}
/// [min, inf] (integers: infinity is out of reach), plus `special` with its meaning.
constexpr OptionRange at_least_or(double min, double special, const char* note) {
  OptionRange r = closed(min, kInf, "", note);
  r.has_special = true;
  r.special = special;
  return r;
}
/// [min, inf): a finite number at least min.
constexpr OptionRange finite_at_least(double min, const char* unit, const char* note) {
  OptionRange r = closed(min, kInf, unit, note);
  r.max_open = true;
  return r;
}
/// Every value (no check).
constexpr OptionRange any() { return OptionRange{}; }

std::string number(double v) { return option_value_text(v, std::floor(v) == v && std::abs(v) < 1e15); }

/// Throws InputError for the first row of T's table whose value `options` holds out of range.
template <class T>
void check_table(const T& options) {
  for (const Option<T>& row : option_table<T>())
    if (!row.range.contains(row.value(options)))
      throw InputError(option_range_message(std::string(options_name<T>()) + "::" + row.name, row.value_text(options),
                                            row.range));
}

}  // namespace

bool OptionRange::contains(double v) const {
  if (has_special && (v == special || (std::isnan(v) && std::isnan(special)))) return true;
  if (std::isnan(v)) return false;
  const bool above = min_open ? v > min : v >= min;
  const bool below = max_open ? v < max : v <= max;
  return above && below;
}

bool OptionRange::restricts() const { return min > -kInf || max < kInf || min_open || max_open; }

std::string OptionRange::text() const {
  std::string t;
  const bool low = min > -kInf, high = max < kInf;
  const std::string in_unit = *unit ? std::string(" ") + unit : "";
  if (low && high) {
    t = std::string("in ") + (min_open ? "(" : "[") + number(min) + ", " + number(max) + (max_open ? ")" : "]") + in_unit;
  } else if (low) {
    t = std::string(max_open ? "finite and " : "") + (min_open ? "> " : ">= ") + number(min) + in_unit;
  } else if (high) {
    t = std::string(min_open ? "finite and " : "") + (max_open ? "< " : "<= ") + number(max) + in_unit;
  } else {
    t = (min_open || max_open ? "finite" : "any number") + in_unit;
  }
  if (*note) t += std::string(" (") + note + ")";
  return t;
}

std::string option_value_text(double v, bool integral) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[40];
  if (integral && std::abs(v) < 9.2e18) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
    return buf;
  }
  for (int precision = 1; precision <= 17; ++precision) {  // the shortest form that reads back
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

std::string option_range_message(const std::string& option, const std::string& value, const OptionRange& range) {
  return option + ": " + value + " is out of range; it must be " + range.text();
}

std::optional<double> out_of_range_example(const OptionRange& range, bool integral, bool is_unsigned) {
  const double step = integral ? 1.0 : 0.5;
  const double candidates[] = {range.min_open ? range.min : range.min - step, range.min - 2 * step,
                               range.max_open ? range.max : range.max + step, range.max + 2 * step};
  for (double v : candidates) {
    if (std::isnan(v) || (integral && std::isinf(v)) || (is_unsigned && v < 0.0)) continue;
    if (!std::isinf(v) && std::abs(v) > 1e15) continue;
    if (!range.contains(v)) return v;
  }
  return std::nullopt;
}

// ---- the tables ------------------------------------------------------------------------------------------

template <>
const char* options_name<SolverOptions>() { return "SolverOptions"; }
template <>
const std::vector<Option<SolverOptions>>& option_table<SolverOptions>() {
  using O = SolverOptions;
  static const std::vector<Option<O>> table{
      {"time_limit", &O::time_limit, kInf, positive("seconds"), "Seconds per solve for heuristic solvers", false, true},
      {"iteration_limit", &O::iteration_limit, -1, at_least_or(1, -1, "-1: none"),
       "Iterations per solve for heuristic solvers", false, true},
      {"seed", &O::seed, 1, any(), "Seed of randomized solvers", false, true},
      {"threads", &O::threads, 0, at_least_or(1, 0, "0: all cores"), "Worker threads", false, true},
      {"starts", &O::starts, 0, at_least_or(1, 0, "0: one per thread"),
       "Tabu search: independent starts (seeds seed, seed + 1, ...), the best kept", false, true},
      {"exact_size_limit", &O::exact_size_limit, 12, closed(0),
       "Auto: with externalities, the exact branch and bound while at most this many buyers take part", false, true},
      {"tabu_size_limit", &O::tabu_size_limit, 400, closed(0),
       "Auto: above exact_size_limit, the tabu search while sellers + buyers are at most this, the descent beyond",
       false, true},
      {"target", &O::target, kNaN, [] {
         OptionRange r = any();
         r.min_open = r.max_open = r.has_special = true;
         r.special = kNaN;
         r.note = "NaN: none";
         return r;
       }(),
       "Heuristics stop as soon as the objective reaches this value", false, true},
  };
  return table;
}

template <>
const char* options_name<VcgOptions>() { return "VcgOptions"; }
template <>
const std::vector<Option<VcgOptions>>& option_table<VcgOptions>() {
  using O = VcgOptions;
  static const std::vector<Option<O>> table{
      {"bound_iterations", &O::bound_iterations, 1000, closed(0, 100000, "", "0: the bound without externalities"),
       "VCG: iterations of the Lagrangian bound that prices externalities in unproven minus-i values", true, true},
      {"bound_work_limit", &O::bound_work_limit, 2e10, positive("priced weights"),
       "VCG: that bound's work per profile in weights priced, pricing rounds x buyers x sellers (a step takes one "
       "or a few rounds); counted, not timed, so reports stay reproducible",
       true, true},
      {"bound_time_limit", &O::bound_time_limit, kInf, positive("seconds"),
       "VCG: seconds for that bound per profile (a clock makes the intervals depend on the machine's load)", true,
       true},
      {"floor_work_limit", &O::floor_work_limit, 2.5e8, closed(0, kInf, "", "0: none"),
       "VCG: work of the report-independent minus-i searches that tighten stage2_gain_bound, in buyers x buyers x "
       "sellers; above it none run",
       true, true},
  };
  return table;
}

template <>
const char* options_name<MeasureOptions>() { return "MeasureOptions"; }
template <>
const std::vector<Option<MeasureOptions>>& option_table<MeasureOptions>() {
  using O = MeasureOptions;
  static const std::vector<Option<O>> table{
      {"max_tensor_profiles", &O::max_tensor_profiles, double(std::uint64_t(1) << 22), any(),
       "CI priors with more profiles skip the full tensor (count vectors or sampling)", true, true},
      {"samples", &O::samples, 0, at_least_or(100, 0, "0: 20000 within 1.2e7 draws in all, at least 2000"),
       "Per-buyer CI priors with too many profiles: draws per (buyer, signal) for the estimates of nu_i and D_i "
       "(the certified bounds need none)",
       true, true},
      {"confidence", &O::confidence, 0.95, [] {
         OptionRange r = closed(0, 1);
         r.min_open = r.max_open = true;
         return r;
       }(),
       "Simultaneous confidence of the sampled bands", true, true},
      {"seed", &O::seed, 1, any(), "Seed of the samplers", false, false},
      {"threads", &O::threads, 0, at_least_or(1, 0, "0: all cores"), "Worker threads", false, false},
      {"sample_pool_bytes", &O::sample_pool_bytes, double(std::uint64_t(1) << 30), any(),
       "Sampled path: memory for the shared pool of profiles (0 or too small: draw each b_-i)", false, true},
  };
  return table;
}

template <>
const char* options_name<MechanismOptions>() { return "MechanismOptions"; }
template <>
const std::vector<Option<MechanismOptions>>& option_table<MechanismOptions>() {
  using O = MechanismOptions;
  static const std::vector<Option<O>> table{
      {"delta_value", &O::delta_value, 0, [] {
         OptionRange r = closed(0);
         r.max_open = true;
         return r;
       }(),
       "The reward scale when delta_mode is Value", false, false},
      {"threads", &O::threads, 0, at_least_or(1, 0, "0: all cores"), "Worker threads", true, false},
      {"max_exact_profiles", &O::max_exact_profiles, double(std::uint64_t(1) << 20), any(),
       "delta.exact solves every profile; refused above this many profiles", false, true},
      {"max_exact_work", &O::max_exact_work, double(std::uint64_t(1) << 22), any(),
       "... and above this many assignment solves (a solve with externalities counts 256)", false, true},
  };
  return table;
}

template <>
const char* options_name<CheckOptions>() { return "CheckOptions"; }
template <>
const std::vector<Option<CheckOptions>>& option_table<CheckOptions>() {
  using O = CheckOptions;
  static const std::vector<Option<O>> table{
      {"stage2_profiles", &O::stage2_profiles, 16, closed(0), "Profiles probed with stage-2 misreports", true, true},
      {"stage2_buyers", &O::stage2_buyers, 16, closed(0, kInf, "", "0: all"),
       "Buyers probed per profile (a seeded sample when the market is larger). Each misreport is a solve", true,
       true},
      {"random_misreports", &O::random_misreports, 12, closed(0), "Random reports per buyer and profile", true, true},
      {"local_search_steps", &O::local_search_steps, 40, closed(0), "Best-response search steps per buyer and profile",
       true, true},
      {"budget_samples", &O::budget_samples, 256, closed(1),
       "Profiles sampled from the prior for the budget when there are too many to solve all", true, true},
      {"work_limit", &O::work_limit, 4e8, finite_at_least(0.0, "LAP weights", "0: no limit"),
       "Counted work of the sampled budget profiles and the stage-2 probes, in LAP weights (a solve counts buyers x "
       "sellers, a budget profile 1 + buyers solves): counts left at their defaults are cut to fit, the report's "
       "`work` says what was skipped; counted, not timed, so reports stay reproducible",
       true, true},
      {"seed", &O::seed, 1, any(), "Seed of the sampled profiles and misreports", false, false},
  };
  return table;
}

template <>
const char* options_name<ReplicaOptions>() { return "ReplicaOptions"; }
template <>
const std::vector<Option<ReplicaOptions>>& option_table<ReplicaOptions>() {
  using O = ReplicaOptions;
  static const std::vector<Option<O>> table{
      {"k", &O::k, 2, closed(1), "Reward order: each reward is O(n^-(k+2)), the total O(n^-(k+1))", true, true},
      {"welfare_samples", &O::welfare_samples, 4, closed(0), "Profiles sampled per size for expected welfare", true,
       true},
      {"seed", &O::seed, 1, any(), "Seed of the sampled profiles", false, true},
  };
  return table;
}

// ---- validation ------------------------------------------------------------------------------------------

void validate(const SolverOptions& o) { check_table(o); }

void validate(const VcgOptions& o) {
  validate(o.search);
  check_table(o);
}

void validate(const MeasureOptions& o) { check_table(o); }

void validate(const MechanismOptions& o) {
  validate(o.vcg);
  validate(o.measures);
  check_table(o);
  if (o.delta_mode == DeltaMode::Exact && !o.compute_exact_delta)
    throw InputError("delta: exact was requested but compute_exact_delta is false");
}

void validate(const CheckOptions& o) {
  validate(o.mechanism);
  check_table(o);
}

void validate(const ReplicaOptions& o) {
  validate(o.solver);
  check_table(o);
  if (o.sizes.empty()) throw InputError("ReplicaOptions::sizes: empty (give at least one number of buyers)");
  for (int n : o.sizes)
    if (n < 2) throw InputError("ReplicaOptions::sizes: " + std::to_string(n) + " is below 2 buyers");
}

}  // namespace ivassign
