// python/src/bind_mechanism.cpp — instances, the mechanism's report, posteriors and measures, and
// the incentive check. Reports keep the C++ object; their numbers come out as numpy arrays, and
// to_json() gives the JSON document of report-format.md (what the CLI prints).
#include <cmath>
#include <cstdint>
#include <optional>
#include <array>
#include <string>
#include <type_traits>
#include <vector>

#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "convert.hpp"
#include "ivassign/error.hpp"
#include "ivassign/instance_io.hpp"
#include "ivassign/posterior.hpp"
#include "ivassign/report_io.hpp"

namespace ivassign::py {

namespace {

/// One per-profile vector field of every profile, stacked into a (profiles, width) array.
template <class T, class Field>
Array<T> stack(const MechanismReport& r, Field field, std::size_t width) {
  std::vector<T> out;
  out.reserve(r.profiles.size() * width);
  for (const ProfileOutcome& p : r.profiles) {
    const auto& v = p.*field;
    if (v.size() != width) throw Error("report: a profile's field has " + std::to_string(v.size()) + " entries, not " + std::to_string(width));
    out.insert(out.end(), v.begin(), v.end());
  }
  return to_numpy(std::move(out), {r.profiles.size(), width});
}

/// A per-profile per-buyer field that some reports leave empty (expected_rewards, the certified
/// intervals), stacked into a (profiles, n) array, or (profiles, n, 2) for intervals; None when every
/// profile has it empty.
template <class Field>
nb::object stack_optional(const MechanismReport& r, Field field) {
  std::size_t filled = 0;
  for (const ProfileOutcome& p : r.profiles) filled += (p.*field).empty() ? 0 : 1;
  if (filled == 0) return nb::none();
  const std::size_t n = r.profiles[0].profile.size();
  using Elem = typename std::decay_t<decltype(r.profiles[0].*field)>::value_type;
  constexpr std::size_t k = std::is_same_v<Elem, std::array<double, 2>> ? 2 : 1;
  std::vector<double> out;
  out.reserve(r.profiles.size() * n * k);
  for (const ProfileOutcome& p : r.profiles) {
    const auto& v = p.*field;
    if (v.size() != n)
      throw Error("report: a profile's field has " + std::to_string(v.size()) + " entries, not " + std::to_string(n));
    for (const auto& x : v) {
      if constexpr (k == 2) {
        out.push_back(x[0]);
        out.push_back(x[1]);
      } else {
        out.push_back(x);
      }
    }
  }
  if constexpr (k == 2) return nb::cast(to_numpy(std::move(out), {r.profiles.size(), n, 2}), nb::rv_policy::move);
  return nb::cast(to_numpy(std::move(out), {r.profiles.size(), n}), nb::rv_policy::move);
}

std::size_t width_of(const MechanismReport& r, bool states) {
  if (r.profiles.empty()) return 0;
  return states ? r.profiles[0].posterior.size() : r.profiles[0].profile.size();
}

void bind_instance(nb::module_& m) {
  nb::class_<Instance>(m, "Instance", "An ivassign/1 instance: prior, valuations, costs, externalities.")
      .def_ro("name", &Instance::name)
      .def_ro("states", &Instance::states, "m, the number of states")
      .def_ro("buyers", &Instance::buyers, "n")
      .def_ro("sellers", &Instance::sellers, "s")
      .def_ro("signals", &Instance::signals, "K_i per buyer")
      .def_ro("observed", &Instance::observed, "the realized profile (empty when absent)")
      .def_prop_ro("bound", &Instance::effective_bound, "M: the bound given, else the largest u, v or c")
      .def_prop_ro("profile_count", &Instance::profile_count, "prod_i K_i")
      .def_prop_ro("valuations", [](const Instance& x) {
        return to_numpy(std::vector<double>(x.valuations), {std::size_t(x.states), std::size_t(x.buyers), std::size_t(x.sellers)});
      }, "u[theta, i, j], shape (m, n, s)", nb::rv_policy::move)
      .def_prop_ro("costs", [](const Instance& x) {
        return to_numpy(std::vector<double>(x.costs), {std::size_t(x.states), std::size_t(x.buyers), std::size_t(x.sellers)});
      }, "v[theta, i, j], shape (m, n, s)", nb::rv_policy::move)
      .def("to_json", &instance_to_json, "The instance as an ivassign/1 JSON document.")
      .def("__repr__", [](const Instance& x) {
        return "<ivassign.Instance '" + x.name + "': " + std::to_string(x.buyers) + " buyers, " +
               std::to_string(x.sellers) + " sellers, " + std::to_string(x.states) + " states>";
      });
  m.def("load_instance", &load_instance, nb::arg("path"), nb::call_guard<nb::gil_scoped_release>(),
        "Reads and validates an ivassign/1 instance file; raises InputError naming the key and rule.");
  m.def("parse_instance", &parse_instance, nb::arg("json_text"), nb::arg("origin") = "<input>",
        nb::call_guard<nb::gil_scoped_release>(), "Parses and validates an ivassign/1 instance from JSON text.");
}

void bind_report(nb::module_& m) {
  using R = MechanismReport;
  nb::class_<R>(m, "MechanismReport", "The mechanism's report; arrays have one row per reported profile.")
      .def_ro("instance", &R::instance)
      .def_prop_ro("backend", [](const R& r) { return to_string(r.backend); })
      .def_ro("bound", &R::bound)
      .def_prop_ro("informational_size", [](const R& r) { return to_numpy(std::vector<double>(r.informational_size)); }, "nu_i, shape (n,)", nb::rv_policy::move)
      .def_ro("delta_theorem1", &R::delta_theorem1)
      .def_ro("delta_theorem1_upper", &R::delta_theorem1_upper, "sampled measures: at the upper confidence limits")
      .def_ro("delta_theorem1_certified", &R::delta_theorem1_certified, "from bounds that hold with certainty")
      .def_ro("delta_exact", &R::delta_exact, "None when not computed")
      .def_ro("delta_exact_skipped", &R::delta_exact_skipped)
      .def_prop_ro("delta_source", [](const R& r) { return to_string(r.delta_source); })
      .def_ro("delta_used", &R::delta_used)
      .def_ro("seconds", &R::seconds)
      .def_prop_ro("profiles", [](const R& r) { return stack<int>(r, &ProfileOutcome::profile, width_of(r, false)); }, "reported signals, (P, n)", nb::rv_policy::move)
      .def_prop_ro("posteriors", [](const R& r) { return stack<double>(r, &ProfileOutcome::posterior, width_of(r, true)); }, "rho(r), (P, m)", nb::rv_policy::move)
      .def_prop_ro("assignments", [](const R& r) { return stack<int>(r, &ProfileOutcome::assignment, width_of(r, false)); }, "seller of buyer i or -1, (P, n)", nb::rv_policy::move)
      .def_prop_ro("payoffs", [](const R& r) { return stack<double>(r, &ProfileOutcome::payoffs, width_of(r, false)); }, "g_i, (P, n)", nb::rv_policy::move)
      .def_prop_ro("transfers", [](const R& r) { return stack<double>(r, &ProfileOutcome::transfers, width_of(r, false)); }, "VCG x_i <= 0, (P, n)", nb::rv_policy::move)
      .def_prop_ro("rewards", [](const R& r) { return stack<double>(r, &ProfileOutcome::rewards, width_of(r, false)); }, "stage-1 xi_i, (P, n)", nb::rv_policy::move)
      .def_prop_ro("transfer_interval", [](const R& r) { return stack_optional(r, &ProfileOutcome::transfer_interval); }, "[lo, hi] holding the exact x_i, (P, n, 2); None when not reported")
      .def_prop_ro("utility_interval", [](const R& r) { return stack_optional(r, &ProfileOutcome::utility_interval); }, "[lo, hi] holding W* - W*_-i, (P, n, 2); None when not reported")
      .def_prop_ro("stage2_gain_bound", [](const R& r) { return stack_optional(r, &ProfileOutcome::stage2_gain_bound); }, "bound on a stage-2 misreport's gain, (P, n); None when not reported")
      .def_prop_ro("expected_rewards", [](const R& r) { return stack_optional(r, &ProfileOutcome::expected_rewards); }, "E[xi_i | r_i] under truthful reports, (P, n); None when not reported")
      .def_prop_ro("minus_i_proven", [](const R& r) -> nb::object {
        std::vector<char> all;
        for (const auto& p : r.profiles) {
          if (p.minus_i_proven.size() != p.profile.size()) return nb::none();
          all.insert(all.end(), p.minus_i_proven.begin(), p.minus_i_proven.end());
        }
        return nb::cast(flags_to_numpy(all)).attr("reshape")(r.profiles.size(), width_of(r, false));
      }, "True where buyer i's minus-i optimum is proven, (P, n); None when not reported")
      .def_prop_ro("minus_i_welfare", [](const R& r) { return stack<double>(r, &ProfileOutcome::minus_i_welfare, width_of(r, false)); }, "(P, n)", nb::rv_policy::move)
      .def_prop_ro("welfare", [](const R& r) {
        std::vector<double> w;
        for (const auto& p : r.profiles) w.push_back(p.welfare);
        return to_numpy(std::move(w));
      }, "sum_i g_i per profile, (P,)", nb::rv_policy::move)
      .def_prop_ro("optimal", [](const R& r) {
        std::vector<char> o;
        for (const auto& p : r.profiles) o.push_back(p.optimal ? 1 : 0);
        return flags_to_numpy(o);
      }, "matching and every minus-i optimum proven, (P,)", nb::rv_policy::move)
      .def("to_json", [](const R& r, int indent) { return report_to_json(r, indent); }, nb::arg("indent") = 1,
           "The ivassign-report/1 JSON document (what `ivassign mechanism` prints).")
      .def("to_dict", [](const R& r) -> nb::dict {
        return nb::cast<nb::dict>(nb::module_::import_("json").attr("loads")(report_to_json(r, -1)));
      },
           "The ivassign-report/1 document as a dict (json.loads of to_json()).");
  m.def("_run_mechanism", [](const Instance& inst, std::optional<std::vector<std::vector<int>>> profiles, const nb::dict& settings) {
    const MechanismOptions o = mechanism_options(settings);
    nb::gil_scoped_release release;
    return run_mechanism(inst, profiles ? *profiles : all_profiles(inst), o);
  });
  m.def("_check_incentives", [](const Instance& inst, const nb::dict& settings) {
    const CheckOptions o = check_options(settings);
    nb::gil_scoped_release release;
    return check_report_to_json(check_incentives(inst, o));
  });
}

nb::dict measures_fields(InformationMeasures&& x) {
  nb::dict d;
  d["method"] = to_string(x.method);
  d["backend"] = to_string(x.backend);
  d["informational_size"] = to_numpy(std::move(x.informational_size));
  d["variation"] = to_numpy(std::move(x.variation));
  nb::list norm, score, sum;
  for (auto& v : x.conditional_norm) norm.append(to_numpy(std::move(v)));
  for (auto& v : x.score_gain) {
    const auto k = static_cast<std::size_t>(std::llround(std::sqrt(double(v.size()))));
    score.append(to_numpy(std::move(v), {k, k}));
  }
  for (auto& v : x.theorem1_sum) {
    const auto k = static_cast<std::size_t>(std::llround(std::sqrt(double(v.size()))));
    sum.append(to_numpy(std::move(v), {k, k}));
  }
  d["conditional_norm"] = norm;
  d["score_gain"] = score;
  d["theorem1_sum"] = sum;
  d["samples"] = x.samples;
  d["confidence"] = x.confidence;
  return d;
}

void bind_posterior(nb::module_& m) {
  m.def("posterior", [](const Instance& inst, const std::vector<int>& profile) {
    check_profile(inst.signals, profile);
    return to_numpy(posterior_of_profile(inst, profile));
  }, nb::arg("instance"), nb::arg("profile"), "rho(b) = P(theta | b) for one profile, shape (m,).");
  m.def("posterior_table", [](const Instance& inst, const std::string& backend) {
    TableOptions o;
    o.backend = parse_backend(backend);
    PosteriorTable t;
    {
      nb::gil_scoped_release release;
      t = build_posterior_table(inst, o);
    }
    const std::size_t p = t.profiles, s = static_cast<std::size_t>(t.states);
    std::vector<double> marginal(t.marginal.begin(), t.marginal.end()), post(t.posterior.begin(), t.posterior.end());
    return nb::make_tuple(to_numpy(std::move(marginal)), to_numpy(std::move(post), {p, s}));
  }, nb::arg("instance"), nb::arg("backend") = "auto",
     "(P(b) of shape (P,), rho(b) of shape (P, m)) for every profile b in C order (b_1 slowest).");
  m.def("_prior_measures", [](const Instance& inst, const nb::dict& settings) {
    MechanismOptions mo = mechanism_options(settings);
    mo.measures.backend = mo.backend;
    InformationMeasures x;
    {
      nb::gil_scoped_release release;
      x = prior_measures(inst, mo.measures);
    }
    nb::dict d = measures_fields(std::move(x));
    return d;
  });
  m.def("delta_theorem1", [](const Instance& inst) {
    nb::gil_scoped_release release;
    return delta_theorem1(prior_measures(inst), inst.buyers, inst.effective_bound());
  }, nb::arg("instance"), "The smallest delta meeting Theorem 1's sufficient condition.");
  m.def("expected_problem", &expected_problem, nb::arg("instance"), nb::arg("posterior"),
        nb::arg("deviator") = -1, nb::arg("deviator_posterior") = std::vector<double>{},
        "The assignment problem the mechanism solves at posterior pi (m entries).");
}

}  // namespace

void bind_mechanism(nb::module_& m) {
  bind_instance(m);
  bind_report(m);
  bind_posterior(m);
}

}  // namespace ivassign::py
