// python/src/bind_social.cpp — the general social choice model (social.hpp): problems from a file
// or JSON text, and gvcg / audit / epic with the CLI's settings; the reports are the CLI's JSON
// documents (gvcg_report_json, ...), which the Python package turns into dicts. Also the spectrum
// generator (generate.hpp) and the replica experiment (incentives.hpp).
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "convert.hpp"
#include "ivassign/backend.hpp"
#include "ivassign/error.hpp"
#include "ivassign/generate.hpp"
#include "ivassign/report_io.hpp"
#include "ivassign/social.hpp"

namespace ivassign::py {

namespace {

void check_threads(int threads) {
  if (threads < 0) throw InputError("threads: " + std::to_string(threads) + " must be >= 0 (0: all cores)");
}

std::string gvcg(const SocialProblem& p, int stages, const std::string& epsilon, std::optional<double> epsilon_value,
                 std::optional<std::vector<std::vector<int>>> profiles, int threads, const std::string& backend,
                 bool list_profiles) {
  check_threads(threads);
  GvcgOptions o;
  if (stages != 1 && stages != 2) throw InputError("stages: " + std::to_string(stages) + " is not 1 or 2");
  o.stages = stages;
  o.threads = threads;
  o.backend = parse_backend(backend);
  o.list_profiles = list_profiles;
  if (epsilon_value) {
    if (!std::isfinite(*epsilon_value) || *epsilon_value < 0.0)
      throw InputError("epsilon: " + std::to_string(*epsilon_value) + " is not exact, theorem or a number >= 0");
    o.epsilon = GvcgOptions::Epsilon::Value;
    o.epsilon_value = *epsilon_value;
  } else if (epsilon == "exact") {
    o.epsilon = GvcgOptions::Epsilon::Exact;
  } else if (epsilon == "theorem") {
    o.epsilon = GvcgOptions::Epsilon::Theorem;
  } else {
    throw InputError("epsilon: '" + epsilon + "' is not exact, theorem or a number >= 0");
  }
  if (profiles) {
    o.all_profiles = false;
    o.profiles = std::move(*profiles);
  }
  nb::gil_scoped_release release;
  return gvcg_report_json(run_gvcg(p, o));
}

std::string audit(const SocialProblem& problem, std::optional<std::string> mechanism, int threads,
                  const std::string& backend) {
  check_threads(threads);
  AuditOptions o;
  o.threads = threads;
  o.backend = parse_backend(backend);
  nb::gil_scoped_release release;
  SocialProblem p = problem;
  if (mechanism) load_social_mechanism(*mechanism, p);
  if (!p.has_mechanism)
    throw InputError("mechanism: required key is missing (the problem has no mechanism to audit; give mechanism=PATH)");
  return audit_report_json(audit_mechanism(p, problem_mechanism(p), o));
}

std::string epic(const SocialProblem& p, const std::string& rule, int threads, const std::string& backend) {
  check_threads(threads);
  EpicOptions o;
  o.threads = threads;
  o.backend = parse_backend(backend);
  if (rule != "efficient" && rule != "mechanism") throw InputError("rule: '" + rule + "' is not efficient or mechanism");
  if (rule == "mechanism" && !p.has_mechanism)
    throw InputError("mechanism: required key is missing (rule='mechanism' needs the problem's own mechanism; use "
                     "rule='efficient')");
  nb::gil_scoped_release release;
  const std::vector<int> q = rule == "efficient" ? efficient_rule(p, threads) : problem_mechanism(p).outcome;
  return epic_report_json(check_epic(p, q, o), p.agents);
}

Instance spectrum(int buyers, int licences, int states, int signals, double national_share, double accuracy_min,
                  double accuracy_max, bool symmetric_signals, double interference, double density, double reserve,
                  std::uint64_t seed, int observed_seed_offset) {
  SpectrumOptions o;
  o.buyers = buyers;
  o.licences = licences;
  o.states = states;
  o.signals = signals;
  o.national_share = national_share;
  o.accuracy_min = accuracy_min;
  o.accuracy_max = accuracy_max;
  o.symmetric_signals = symmetric_signals;
  o.interference = interference;
  o.density = density;
  o.reserve = reserve;
  o.seed = seed;
  o.observed_seed_offset = observed_seed_offset;
  nb::gil_scoped_release release;
  return generate_spectrum(o);
}

std::string replica(const Instance& base, const nb::dict& settings) {
  const ReplicaOptions o = replica_options(settings);
  nb::gil_scoped_release release;
  return replica_report_to_json(replica_experiment(base, o));
}

}  // namespace

void bind_social(nb::module_& m) {
  nb::class_<SocialProblem>(m, "SocialProblem", "An ivassign-social/1 problem: agents, types, outcomes, prior, values.")
      .def_ro("name", &SocialProblem::name)
      .def_ro("agents", &SocialProblem::agents, "n")
      .def_ro("types", &SocialProblem::types, "K_i per agent")
      .def_ro("outcomes", &SocialProblem::outcomes, "|C|")
      .def_ro("states", &SocialProblem::states, "m (0 when values are given by profile)")
      .def_ro("has_mechanism", &SocialProblem::has_mechanism)
      .def_prop_ro("profile_count", &SocialProblem::profiles, "|T| = prod K_i")
      .def("to_json", &social_problem_to_json, "The problem as an ivassign-social/1 JSON document.")
      .def("__repr__", [](const SocialProblem& p) {
        return "<ivassign.SocialProblem '" + p.name + "': " + std::to_string(p.agents) + " agents, " +
               std::to_string(p.outcomes) + " outcomes>";
      });
  m.def("load_social_problem", &load_social_problem, nb::arg("path"), nb::call_guard<nb::gil_scoped_release>(),
        "Reads and validates an ivassign-social/1 problem file; raises InputError naming the key and rule.");
  m.def("parse_social_problem", &parse_social_problem, nb::arg("json_text"), nb::arg("origin") = "<input>",
        nb::call_guard<nb::gil_scoped_release>(), "Parses and validates an ivassign-social/1 problem from JSON text.");
  m.def("_gvcg", &gvcg, nb::arg("problem"), nb::arg("stages"), nb::arg("epsilon"), nb::arg("epsilon_value").none(),
        nb::arg("profiles").none(), nb::arg("threads"), nb::arg("backend"), nb::arg("list_profiles"));
  m.def("_audit", &audit, nb::arg("problem"), nb::arg("mechanism").none(), nb::arg("threads"), nb::arg("backend"));
  m.def("_epic", &epic, nb::arg("problem"), nb::arg("rule"), nb::arg("threads"), nb::arg("backend"));

  const SpectrumOptions d;
  m.def("generate_spectrum", &spectrum, nb::kw_only(), nb::arg("buyers") = d.buyers, nb::arg("licences") = d.licences,
        nb::arg("states") = d.states, nb::arg("signals") = d.signals, nb::arg("national_share") = d.national_share,
        nb::arg("accuracy_min") = d.accuracy_min, nb::arg("accuracy_max") = d.accuracy_max,
        nb::arg("symmetric_signals") = d.symmetric_signals, nb::arg("interference") = d.interference,
        nb::arg("density") = d.density, nb::arg("reserve") = d.reserve, nb::arg("seed") = d.seed,
        nb::arg("observed_seed_offset") = d.observed_seed_offset,
        "A spectrum-auction Instance (generate.hpp SpectrumOptions; what `ivassign generate spectrum` writes): "
        "buyers firms, licences sellers, states demand states, signals K per firm (0: = states); "
        "InputError naming an option out of range.");
  m.def("replicate_market", &replicate_market, nb::arg("base"), nb::arg("buyers"),
        nb::call_guard<nb::gil_scoped_release>(),
        "The n-buyer replica of a symmetric conditionally independent base market (incentives.hpp).");
  m.def("_replica", &replica, nb::arg("base"), nb::arg("settings"));
}

}  // namespace ivassign::py
