// python/src/settings.cpp — the keyword settings of the Python functions, read into the library's
// option structs. Each key is the field's name; a key that no field has throws InputError.
#include <cmath>
#include <cstdint>
#include <set>
#include <string>

#include <nanobind/stl/string.h>

#include "convert.hpp"
#include "ivassign/backend.hpp"
#include "ivassign/error.hpp"

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

void read_solver_fields(Reader& r, SolverOptions& o) {
  std::string text;
  if (r.read("solver", text)) o.solver = parse_solver_kind(text);
  r.read("time_limit", o.time_limit);
  r.read("iteration_limit", o.iteration_limit);
  r.read("seed", o.seed);
  r.read("threads", o.threads);
  r.read("exact_size_limit", o.exact_size_limit);
  r.read("tabu_size_limit", o.tabu_size_limit);
  r.read("target", o.target);
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
  read_solver_fields(r, o.solver);
  o.threads = o.solver.threads;
  o.measures.seed = o.solver.seed;
  r.read("max_exact_profiles", o.max_exact_profiles);
  r.read("max_exact_work", o.max_exact_work);
  r.read("max_tensor_profiles", o.measures.max_tensor_profiles);
  r.read("samples", o.measures.samples);
  r.read("confidence", o.measures.confidence);
  r.read("sample_pool_bytes", o.measures.sample_pool_bytes);
  std::string sampler;
  if (r.read("sampler", sampler)) {
    if (sampler == "auto") o.measures.sampler = Sampler::Auto;
    else if (sampler == "plain") o.measures.sampler = Sampler::Plain;
    else if (sampler == "importance") o.measures.sampler = Sampler::Importance;
    else throw InputError("sampler: '" + sampler + "' is not auto, plain or importance");
  }
  if (o.threads < 0) throw InputError("threads: " + std::to_string(o.threads) + " must be >= 1 (0: all cores)");
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
  validate_solver_options(o);
  return o;
}

MechanismOptions mechanism_options(const nb::dict& settings) {
  Reader r(settings);
  MechanismOptions o;
  read_mechanism_fields(r, o);
  r.refuse_unknown();
  return o;
}

CheckOptions check_options(const nb::dict& settings) {
  Reader r(settings);
  CheckOptions o;
  read_mechanism_fields(r, o.mechanism);
  o.seed = o.mechanism.solver.seed;
  r.read("stage2_profiles", o.stage2_profiles);
  r.read("stage2_buyers", o.stage2_buyers);
  r.read("random_misreports", o.random_misreports);
  r.read("local_search_steps", o.local_search_steps);
  r.read("budget_samples", o.budget_samples);
  r.refuse_unknown();
  return o;
}

}  // namespace ivassign::py
