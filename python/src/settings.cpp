// python/src/settings.cpp — the keyword settings of the Python functions, read into the library's
// option structs. Each key is the field's name; a key that no field has throws InputError.
#include <cmath>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include <nanobind/stl/vector.h>

#include <nanobind/stl/string.h>

#include "convert.hpp"
#include "ivassign/backend.hpp"
#include "ivassign/error.hpp"
#include "ivassign/options.hpp"

namespace ivassign::py {

namespace {

/// Reads keys of one settings dict and remembers which were read, so that the rest can be refused.
class Reader {
 public:
  explicit Reader(const nb::dict& d) : d_(d) {}
  template <class T>
  bool read(const char* key, T& out) {
    used_.insert(key);
    if (!d_.contains(key)) return false;
    nb::object v = d_[key];
    if (v.is_none()) return false;
    if (!nb::try_cast<T>(v, out))
      throw InputError(std::string("setting ") + key + ": " + nb::cast<std::string>(nb::repr(v)) +
                       " has the wrong type");
    return true;
  }
  nb::object raw(const char* key) {
    used_.insert(key);
    return d_.contains(key) ? nb::object(d_[key]) : nb::none();
  }
  void refuse_unknown() const {
    for (auto item : d_) {
      const std::string key = nb::cast<std::string>(nb::str(item.first));
      if (!used_.count(key)) throw InputError("unknown setting '" + key + "'");
    }
  }

 private:
  const nb::dict& d_;
  std::set<std::string> used_;
};

/// Reads every row of T's option table that Python takes (Option::python), each key the row's name.
template <class T>
void read_table(Reader& r, T& o) {
  for (const Option<T>& row : option_table<T>())
    if (row.python) std::visit([&](auto member) { r.read(row.name, o.*member); }, row.field);
}

void read_solver_fields(Reader& r, SolverOptions& o) {
  std::string text;
  if (r.read("solver", text)) o.solver = parse_solver_kind(text);
  read_table(r, o);
}

/// VCG's settings: the search's and the bound's.
void read_vcg_fields(Reader& r, VcgOptions& o) {
  read_solver_fields(r, o.search);
  read_table(r, o);
}

void read_delta(Reader& r, MechanismOptions& o) {
  nb::object v = r.raw("delta");
  if (v.is_none()) return;
  if (nb::isinstance<nb::str>(v)) {
    const std::string s = nb::cast<std::string>(v);
    if (s == "auto") o.delta_mode = DeltaMode::Auto;
    else if (s == "exact") o.delta_mode = DeltaMode::Exact;
    else if (s == "theorem1") o.delta_mode = DeltaMode::Theorem1;
    else if (s == "theorem1_certified") o.delta_mode = DeltaMode::Theorem1Certified;
    else throw InputError("delta: '" + s + "' is not auto, exact, theorem1, theorem1_certified or a number >= 0");
    return;
  }
  double value = -1.0;
  if (!nb::try_cast<double>(v, value) || !(value >= 0.0) || !std::isfinite(value))
    throw InputError("delta: " + nb::cast<std::string>(nb::repr(v)) + " is not auto, exact, theorem1, theorem1_certified or a number >= 0");
  o.delta_mode = DeltaMode::Value;
  o.delta_value = value;
}

void read_mechanism_fields(Reader& r, MechanismOptions& o) {
  read_delta(r, o);
  r.read("compute_exact_delta", o.compute_exact_delta);
  std::string backend;
  if (r.read("backend", backend)) o.backend = parse_backend(backend);
  read_vcg_fields(r, o.vcg);
  o.threads = o.vcg.search.threads;
  o.measures.seed = o.vcg.search.seed;
  read_table(r, o);
  read_table(r, o.measures);
  std::string sampler;
  if (r.read("sampler", sampler)) {
    if (sampler == "auto") o.measures.sampler = Sampler::Auto;
    else if (sampler == "plain") o.measures.sampler = Sampler::Plain;
    else if (sampler == "importance") o.measures.sampler = Sampler::Importance;
    else throw InputError("sampler: '" + sampler + "' is not auto, plain or importance");
  }
}

}  // namespace

Array<bool> flags_to_numpy(const std::vector<char>& v) {
  auto* heap = new bool[v.size() ? v.size() : 1];
  for (std::size_t i = 0; i < v.size(); ++i) heap[i] = v[i] != 0;
  nb::capsule owner(heap, [](void* p) noexcept { delete[] static_cast<bool*>(p); });
  const std::size_t shape[1] = {v.size()};
  return Array<bool>(heap, 1, shape, owner);
}

SolverOptions solver_options(const nb::dict& settings) {
  Reader r(settings);
  SolverOptions o;
  std::string backend;
  if (r.read("backend", backend)) o.backend = parse_backend(backend);
  read_solver_fields(r, o);
  r.refuse_unknown();
  validate(o);
  return o;
}

VcgOptions vcg_options(const nb::dict& settings) {
  Reader r(settings);
  VcgOptions o;
  std::string backend;
  if (r.read("backend", backend)) o.search.backend = parse_backend(backend);
  read_vcg_fields(r, o);
  r.refuse_unknown();
  validate(o);
  return o;
}

MechanismOptions mechanism_options(const nb::dict& settings) {
  Reader r(settings);
  MechanismOptions o;
  read_mechanism_fields(r, o);
  r.refuse_unknown();
  validate(o);
  return o;
}

CheckOptions check_options(const nb::dict& settings) {
  Reader r(settings);
  CheckOptions o;
  read_mechanism_fields(r, o.mechanism);
  o.seed = o.mechanism.vcg.search.seed;
  read_table(r, o);
  r.refuse_unknown();
  validate(o);
  return o;
}

ReplicaOptions replica_options(const nb::dict& settings) {
  Reader r(settings);
  ReplicaOptions o;
  std::vector<int> sizes;
  if (r.read("sizes", sizes)) o.sizes = std::move(sizes);
  read_table(r, o);  // k, welfare_samples, seed
  std::string solver;  // the welfare solves' solver, time limit and threads (their seed: the solver's default)
  if (r.read("solver", solver)) o.solver.solver = parse_solver_kind(solver);
  r.read("time_limit", o.solver.time_limit);
  r.read("threads", o.solver.threads);
  r.refuse_unknown();
  validate(o);
  return o;
}

namespace {

/// The rows of T's option table as dicts (python/tests/test_options.py).
template <class T>
void add_rows(nb::list& out) {
  for (const Option<T>& row : option_table<T>()) {
    nb::dict d;
    d["struct"] = options_name<T>();
    d["name"] = row.name;
    d["default"] = row.default_value;
    d["integral"] = row.integral();
    d["range"] = row.range.text();
    d["python"] = row.python;
    d["cli"] = row.cli;
    d["flag"] = row.flag();
    const std::optional<double> bad = out_of_range_example(row.range, row.integral(), row.is_unsigned());
    d["out_of_range"] = bad ? nb::cast(*bad) : nb::none();
    d["message"] = bad ? nb::cast(option_range_message(row.name, option_value_text(*bad, row.integral()), row.range))
                       : nb::none();
    out.append(d);
  }
}

}  // namespace

void bind_options(nb::module_& m) {
  m.def("_option_table", [] {
    nb::list rows;
    add_rows<SolverOptions>(rows);
    add_rows<VcgOptions>(rows);
    add_rows<MeasureOptions>(rows);
    add_rows<MechanismOptions>(rows);
    add_rows<CheckOptions>(rows);
    add_rows<ReplicaOptions>(rows);
    return rows;
  }, "Every row of the option tables (ivassign/options.hpp): struct, name, default, range, python, cli, flag, "
     "an out_of_range value and the message's tail for it (`message` names the option by its bare name).");
}

}  // namespace ivassign::py
