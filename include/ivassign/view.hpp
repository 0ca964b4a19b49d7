// ivassign/view.hpp — a report as one self-contained web page (`ivassign view`, and the notebook
// view of the Python package's reports).
//
//   const std::string html = ivassign::report_view_html(ivassign::load_text("r.json"), &instance);
//   ivassign::save_text("r.html", html);
//
// The page holds its data, Chart.js (Debian's libjs-chart.js, compiled into the library) and its
// script: it opens offline in any browser and fetches nothing (its Content-Security-Policy forbids it).
#pragma once
#include <string>

#include "ivassign/instance.hpp"

namespace ivassign {

/// The page of a report's JSON text. `ivassign-report/1`: a summary (instance, sizes, backend,
/// seconds, welfare and its certified gap, revenue, rewards, delta and its source), the buyers'
/// table (licence, value, payment, payment interval, stage-2 gain bound, reward; sortable and
/// filterable), payment against value, the interval widths, the posterior and, when `instance` has a
/// `geometry`, the map of licences (coloured by winner, unsold grey, the interfering pairs drawn).
/// `ivassign-check/1`: stage-1 margins, stage-2 probes, the budget. `ivassign-replica/1`: rewards,
/// margins and informational size against n. `instance` may be null; when given, its buyers and
/// sellers must match the report. Throws InputError naming the key (after `origin`, e.g. the file
/// name) when the text is not JSON, not one of these formats, or its arrays disagree.
std::string report_view_html(const std::string& report_json, const Instance* instance = nullptr,
                             const std::string& origin = "report");

}  // namespace ivassign
