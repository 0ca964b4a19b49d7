// The pages of `ivassign-check/1` and `ivassign-replica/1` documents: the margins and rewards of
// `check --plot` and `replica --plot`, in the style of the mechanism page (src/view/pages.hpp).
#include <string>

#include "ivassign/error.hpp"
#include "view/pages.hpp"

namespace ivassign::view {

using nlohmann::json;

namespace {

/// A string value of `key` (the instance's or base's name).
std::string name_of(const json& report, const char* key) {
  const json& v = need(report, key, "");
  if (!v.is_string()) throw InputError(std::string(key) + ": expected a string, found " + v.type_name());
  return v.get<std::string>();
}

std::string chart_section(const char* width, const char* title, const char* id, const char* note) {
  return std::string("<section class=\"") + width + "\"><h2>" + title + "</h2><div class=\"chart\"><canvas id=\"" + id +
         "\"></canvas></div>" + (note[0] ? std::string("<p class=\"note\">") + note + "</p>" : std::string()) + "</section>\n";
}

/// stage1.margins: one row per buyer, K_i * K_i margins (true signal slowest).
const json& margins(const json& stage1) {
  const json& m = need_array(stage1, "margins", "stage1");
  for (std::size_t i = 0; i < m.size(); ++i) {
    const std::string key = "stage1.margins[" + std::to_string(i) + "]";
    numbers(m[i], key, static_cast<std::size_t>(-1), "");
    std::size_t k = 0;
    while (k * k < m[i].size()) ++k;
    if (k * k != m[i].size())
      throw InputError(key + ": has " + std::to_string(m[i].size()) + " entries, expected K * K (true signal x report)");
  }
  return m;
}

}  // namespace

Page check_page(const json& report) {
  Page page;
  const std::string instance = name_of(report, "instance");
  const json& stage1 = need(report, "stage1", "");
  const json& stage2 = need(report, "stage2", "");
  if (!stage2.is_object()) throw InputError(std::string("stage2: expected an object, found ") + stage2.type_name());
  json s1 = {{"margins", margins(stage1)}};
  for (const char* k : {"method", "truthful", "min_margin", "worst"})
    if (stage1.contains(k)) s1[k] = stage1[k];
  json s2 = json::object();
  for (const char* k : {"max_gain", "certified_gain_bound_max", "bounds_hold", "misreports_tried"})
    if (stage2.contains(k)) s2[k] = stage2[k];
  if (stage2.contains("probed")) {
    const json& probed = need_array(stage2, "probed", "stage2");
    json rows = json::array();
    for (std::size_t k = 0; k < probed.size(); ++k) {
      const std::string at = "stage2.probed[" + std::to_string(k) + "]";
      const json& g = need(probed[k], "max_gain", at);
      const json& b = need(probed[k], "certified_bound", at);
      if ((!g.is_number() && !g.is_null()) || (!b.is_number() && !b.is_null()))
        throw InputError(at + ": max_gain and certified_bound must be numbers");
      rows.push_back({{"max_gain", g}, {"certified_bound", b}});
    }
    s2["probed"] = rows;
  }
  page.data = {{"kind", "check"}, {"instance", instance}, {"stage1", s1}, {"stage2", s2}};
  for (const char* k : {"delta", "delta_source", "backend", "seconds", "budget"})
    if (report.contains(k)) page.data[k] = report[k];
  if (page.data.contains("budget") && !page.data["budget"].is_object())
    throw InputError(std::string("budget: expected an object, found ") + page.data["budget"].type_name());
  page.title = "ivassign \u00b7 check \u00b7 " + instance;
  page.kind = "incentive and budget check (ivassign-check/1)";
  page.body = "<section class=\"w12\"><h2>Summary</h2><dl class=\"summary\" id=\"summary\"></dl></section>\n" +
              chart_section("w12", "Stage 1: reward loss minus gain of each lie", "c-margin",
                            "Blue: the lie costs the buyer (truthful); red: a profitable lie.") +
              chart_section("w6", "Stage 2: misreport probes", "c-stage2", "Each probe's largest gain against its certified bound.") +
              chart_section("w6", "Smallest interim utility per buyer", "c-rewards", "") +
              "<section class=\"w12\"><h2>Stage-1 lies</h2><div id=\"table\"></div></section>\n";
  return page;
}

Page replica_page(const json& report) {
  Page page;
  const std::string base = name_of(report, "base");
  const json& rows = need_array(report, "rows", "");
  if (rows.empty()) throw InputError("rows: the report has no replica size to show");
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const std::string at = "rows[" + std::to_string(k) + "]";
    for (const char* key : {"buyers", "informational_size", "expected_total_rewards", "max_total_rewards_bound", "min_margin"}) {
      const json& v = need(rows[k], key, at);
      if (!v.is_number() && !v.is_null())
        throw InputError(at + "." + key + ": expected a number, found " + v.type_name());
    }
  }
  page.data = {{"kind", "replica"}, {"base", base}, {"k", report.value("k", json(nullptr))}, {"rows", rows}};
  page.title = "ivassign \u00b7 replica \u00b7 " + base;
  page.kind = "Theorem 2 on replicated markets (ivassign-replica/1)";
  page.body = "<section class=\"w12\"><h2>Summary</h2><dl class=\"summary\" id=\"summary\"></dl></section>\n" +
              chart_section("w4", "Total stage-1 rewards against n", "c-rewards", "Theorem 2: they vanish as the market grows.") +
              chart_section("w4", "Smallest stage-1 margin against n", "c-margin", "") +
              chart_section("w4", "Informational size against n", "c-info", "") +
              "<section class=\"w12\"><h2>Sizes</h2><div id=\"table\"></div></section>\n";
  return page;
}

}  // namespace ivassign::view
