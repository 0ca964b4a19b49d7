// python/src/bind_view.cpp — the web page of a report (ivassign/view.hpp) for the notebook view:
// MechanismReport._repr_html_ and the check and replica documents' (python/ivassign/__init__.py).
#include <optional>
#include <string>

#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>

#include "convert.hpp"
#include "ivassign/view.hpp"

namespace ivassign::py {

void bind_view(nb::module_& m) {
  m.def(
      "_view_html",
      [](const std::string& report_json, const Instance* instance) {
        nb::gil_scoped_release release;
        return report_view_html(report_json, instance, "report");
      },
      nb::arg("report_json"), nb::arg("instance").none() = nb::none(),
      "The self-contained HTML page of a report's JSON text (ivassign view); the instance draws the map.");
}

}  // namespace ivassign::py
