// The page of an `ivassign-report/1` document: its keys checked, its profiles turned into the
// per-buyer columns the page's script draws (src/view/pages.hpp).
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "ivassign/error.hpp"
#include "view/pages.hpp"

namespace ivassign::view {

using nlohmann::json;

namespace {

/// A number or null (the report writes non-finite numbers as null), else an InputError naming `key`.
double number_or_nan(const json& v, const std::string& key) {
  if (v.is_null()) return NAN;
  if (!v.is_number()) throw InputError(key + ": expected a number, found " + v.type_name());
  return v.get<double>();
}

json finite_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

/// The optional key `name` of `p`, copied when present (a number or null).
void copy_number(const json& p, const char* name, const std::string& at, json& out) {
  if (auto it = p.find(name); it != p.end()) out[name] = finite_or_null(number_or_nan(*it, at + "." + name));
}

/// Buyer i's licences; `sellers` (when known, else -1) bounds them.
std::vector<int> licences(const json& assignment, const std::string& key, long long sellers) {
  std::vector<int> out;
  for (std::size_t i = 0; i < assignment.size(); ++i) {
    const json& a = assignment[i];
    const std::string at = key + "[" + std::to_string(i) + "]";
    if (!a.is_number_integer()) throw InputError(at + ": expected an integer licence index or -1, found " + a.type_name());
    const long long j = a.get<long long>();
    if (j < -1 || (sellers >= 0 && j >= sellers))
      throw InputError(at + ": licence " + std::to_string(j) + " is out of range [-1, " +
                       (sellers >= 0 ? std::to_string(sellers) : std::string("s")) + ")");
    out.push_back(static_cast<int>(j));
  }
  return out;
}

/// The payment interval [-hi, -lo] of each transfer interval [lo, hi] (pairs of numbers or nulls).
void payment_interval(const json& p, const std::string& at, std::size_t n, json& out) {
  auto it = p.find("transfer_interval");
  if (it == p.end()) return;
  const std::string key = at + ".transfer_interval";
  if (!it->is_array() || it->size() != n)
    throw InputError(key + ": expected " + std::to_string(n) + " intervals (one per buyer of " + at + ".assignment)");
  json lo = json::array(), hi = json::array();
  for (std::size_t i = 0; i < n; ++i) {
    const json& pair = (*it)[i];
    const std::string k = key + "[" + std::to_string(i) + "]";
    if (!pair.is_array() || pair.size() != 2) throw InputError(k + ": expected [lo, hi]");
    lo.push_back(finite_or_null(-number_or_nan(pair[1], k + "[1]")));
    hi.push_back(finite_or_null(-number_or_nan(pair[0], k + "[0]")));
  }
  out["payment_lo"] = lo;
  out["payment_hi"] = hi;
}

/// One profile as page columns: licence, value (payoff less transfer), payment (-transfer), the
/// payment interval and gain bound when reported, reward; and the map's interfering pairs.
json profile_data(const json& p, const std::string& at, std::size_t n, long long sellers, const Instance* instance) {
  const std::string what = "one per buyer, as " + at + ".assignment";
  const std::vector<int> licence = licences(need_array(p, "assignment", at, n, "one per buyer"), at + ".assignment", sellers);
  const json& payoffs = numbers(need(p, "payoffs", at), at + ".payoffs", n, what);
  const json& transfers = numbers(need(p, "transfers", at), at + ".transfers", n, what);
  const json& rewards = numbers(need(p, "rewards", at), at + ".rewards", n, what);
  json out = {{"profile", need_array(p, "profile", at)}, {"licence", licence}, {"reward", rewards}};
  out["posterior"] = numbers(need(p, "posterior", at), at + ".posterior", static_cast<std::size_t>(-1), "");
  out["welfare"] = finite_or_null(number_or_nan(need(p, "welfare", at), at + ".welfare"));
  json value = json::array(), payment = json::array();
  for (std::size_t i = 0; i < n; ++i) {
    const double u = number_or_nan(payoffs[i], at + ".payoffs"), x = number_or_nan(transfers[i], at + ".transfers");
    value.push_back(finite_or_null(u - x));
    payment.push_back(finite_or_null(x == 0.0 ? 0.0 : -x));
  }
  out["value"] = value;
  out["payment"] = payment;
  payment_interval(p, at, n, out);
  if (auto it = p.find("stage2_gain_bound"); it != p.end()) out["gain_bound"] = numbers(*it, at + ".stage2_gain_bound", n, what);
  copy_number(p, "welfare_upper_bound", at, out);
  copy_number(p, "welfare_gap", at, out);
  if (auto it = p.find("optimal"); it != p.end() && it->is_boolean()) out["optimal"] = *it;
  if (auto it = p.find("transfers_certified"); it != p.end() && it->is_boolean()) out["transfers_certified"] = *it;
  out["pairs"] = instance && instance->geometry ? interfering_pairs(*instance, licence) : json::array();
  return out;
}

/// The report's top-level facts the summary shows (delta, certified block, timings).
json summary_data(const json& report, std::size_t n, const Instance* instance) {
  const json& name = need(report, "instance", "");
  if (!name.is_string()) throw InputError(std::string("instance: expected a string, found ") + name.type_name());
  json data = {{"kind", "mechanism"}, {"instance", name}, {"buyers", n}};
  data["sellers"] = instance ? json(instance->sellers) : json(nullptr);
  data["backend"] = report.value("backend", json("?"));
  data["seconds"] = report.contains("seconds") ? finite_or_null(number_or_nan(report["seconds"], "seconds")) : json(nullptr);
  const json& delta = need(report, "delta", "");
  if (!delta.is_object()) throw InputError(std::string("delta: expected an object, found ") + delta.type_name());
  json d = json::object();
  for (const char* k : {"used", "exact", "theorem1", "theorem1_certified"})
    if (delta.contains(k)) d[k] = finite_or_null(number_or_nan(delta[k], std::string("delta.") + k));
  if (delta.contains("source") && delta["source"].is_string()) d["source"] = delta["source"];
  data["delta"] = d;
  data["certified"] = report.contains("certified") && report["certified"].is_object() ? report["certified"] : json(nullptr);
  return data;
}

std::string chart(const std::string& cls, const std::string& title, const std::string& id, const std::string& note) {
  return "<section class=\"" + cls + "\"><h2" + (id == "c-width" ? " id=\"w-title\"" : "") + ">" + title + "</h2><div class=\"chart\"><canvas id=\"" + id +
         "\"></canvas></div><p class=\"note\"" + (id == "c-width" ? " id=\"w-note\"" : "") + ">" + note + "</p></section>\n";
}

/// The sections: summary; the map (when drawn) beside the posterior and the interval widths; payment
/// against value; the buyers' table. Without a map the three charts share one row.
std::string layout(bool map, const std::string& svg) {
  std::string b = "<section class=\"w12\"><h2>Summary</h2><dl class=\"summary\" id=\"summary\"></dl></section>\n";
  const std::string posterior = chart("", "Posterior rho(theta | r)", "c-post", "");
  const std::string widths = chart("", "Payment interval widths", "c-width", "");
  const std::string pay = chart(map ? "w12" : "w4", "Payment against value", "c-pay",
                                "Below the dashed line a buyer pays less than the outcome is worth to it.");
  if (map) {
    b += "<section class=\"w8\"><h2>Map of licences</h2><div class=\"map-wrap\">" + svg +
         "<div class=\"tip\" id=\"tip\"></div></div><p class=\"legend\">Colour: the winning buyer (as in the table); grey: "
         "unsold; red lines: interfering pairs, wider where the cost is larger. Click a licence to find its buyer.</p>"
         "<p class=\"note\" id=\"map-note\"></p></section>\n";
    b += "<div class=\"w4 stack\">" + posterior + widths + "</div>\n" + pay;
  } else {
    b += "<div class=\"w4 stack\">" + posterior + "</div>\n" + pay + "<div class=\"w4 stack\">" + widths + "</div>\n";
  }
  b += "<section class=\"w12\"><h2>Buyers</h2><div id=\"table\"></div><p class=\"note\">value: the buyer's value of its "
       "licence net of externality costs at the posterior (payoff + payment); payment: minus its VCG transfer; interval: "
       "the payments every unproven minus-i value allows. Click a column to sort.</p></section>\n";
  return b;
}

}  // namespace

Page mechanism_page(const json& report, const Instance* instance) {
  const json& profiles = need_array(report, "profiles", "");
  if (profiles.empty()) throw InputError("profiles: the report has no profile to show");
  const json& first = need_array(profiles[0], "assignment", "profiles[0]");
  const std::size_t n = first.size();
  if (instance && static_cast<std::size_t>(instance->buyers) != n)
    throw InputError("--instance: the instance has " + std::to_string(instance->buyers) + " buyers, the report " +
                     std::to_string(n) + " (profiles[0].assignment); give the instance the report was made from");
  Page page;
  page.data = summary_data(report, n, instance);
  const long long sellers = instance ? instance->sellers : -1;
  json rows = json::array();
  for (std::size_t k = 0; k < profiles.size(); ++k)
    rows.push_back(profile_data(profiles[k], "profiles[" + std::to_string(k) + "]", n, sellers, instance));
  page.data["profiles"] = std::move(rows);
  const bool map = instance && instance->geometry;
  std::string svg;
  if (map) {
    const Geometry& g = *instance->geometry;
    const double cell = map_cell(g);
    page.data["map"] = {{"x", g.x}, {"y", g.y}, {"region", g.region}, {"population", g.population}};
    page.data["map_cell"] = cell;
    svg = map_svg(g, cell);
  }
  page.title = "ivassign \u00b7 " + page.data["instance"].get<std::string>();
  page.kind = "mechanism report (ivassign-report/1)";
  page.body = layout(map, svg);
  return page;
}

}  // namespace ivassign::view
