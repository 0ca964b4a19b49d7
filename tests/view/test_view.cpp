// ivassign view (src/view/): the page's data has one row per buyer, the map one cell per licence, the
// summary the report's welfare; bad reports are InputErrors naming the key; the CLI writes nothing then.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include <nlohmann/json.hpp>

#include "ivassign/error.hpp"
#include "ivassign/generate.hpp"
#include "ivassign/incentives.hpp"
#include "ivassign/io.hpp"
#include "ivassign/mechanism.hpp"
#include "ivassign/view.hpp"
#include "test_support.hpp"

namespace ivassign {
namespace {

using nlohmann::json;

Instance market(int buyers, int licences) {
  SpectrumOptions o;
  o.buyers = buyers;
  o.licences = licences;
  o.states = 2;
  o.seed = 11;
  return generate_spectrum(o);
}

std::string report_of(const Instance& in, bool all_profiles = false) {
  MechanismOptions o;
  o.threads = 1;
  o.delta_mode = DeltaMode::Value;  // no stage-1 lie is solved: the page draws the same either way
  o.delta_value = 1.0;
  std::vector<std::vector<int>> profiles{in.observed};
  if (all_profiles) {
    profiles.clear();
    for (std::uint64_t k = 0; k < in.profile_count(); ++k) profiles.push_back(profile_from_index(in.signals, k));
  }
  return report_to_json(run_mechanism(in, profiles, o));
}

/// The page's embedded data (the JSON inside <script id="ivassign-data">).
json page_data(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"ivassign-data\">";
  const auto from = html.find(open);
  EXPECT_NE(from, std::string::npos);
  const auto to = html.find("</script>", from);
  return json::parse(html.substr(from + open.size(), to - from - open.size()));
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::string view_error(const std::string& report, const Instance* instance = nullptr) {
  try {
    report_view_html(report, instance, "r.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(View, MechanismPageHasOneRowPerBuyerAndTheReportsNumbers) {
  const Instance in = market(6, 9);
  const std::string text = report_of(in);
  const json report = json::parse(text);
  const std::string html = report_view_html(text, &in);
  const json data = page_data(html);
  EXPECT_EQ(data["kind"], "mechanism");
  ASSERT_EQ(data["profiles"].size(), 1u);
  const json& p = data["profiles"][0];
  const json& r = report["profiles"][0];
  for (const char* column : {"licence", "value", "payment", "reward"}) EXPECT_EQ(p[column].size(), 6u) << column;
  EXPECT_EQ(p["welfare"].get<double>(), r["welfare"].get<double>());
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(p["licence"][i].get<int>(), r["assignment"][i].get<int>());
    EXPECT_DOUBLE_EQ(p["payment"][i].get<double>(), -r["transfers"][i].get<double>());
    EXPECT_DOUBLE_EQ(p["value"][i].get<double>(), r["payoffs"][i].get<double>() - r["transfers"][i].get<double>());
  }
  // the map: one cell per licence, the geometry as the data
  EXPECT_EQ(count(html, "<rect class=\"lic\""), 9u);
  EXPECT_EQ(data["map"]["x"].size(), 9u);
  // self-contained: a policy that forbids fetching, and no attribute that would load anything
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
  EXPECT_FALSE(std::regex_search(html, std::regex(R"((src|href)\s*=\s*["']?(https?:|//))")));
  EXPECT_NE(html.find("Chart.js v"), std::string::npos);  // the library is inlined
}

TEST(View, InterferingPairsAreTheSoldLicencesWhoseWinnersCostEachOther) {
  const Instance in = market(6, 9);
  const json report = json::parse(report_of(in));
  const json data = page_data(report_view_html(report.dump(), &in));
  const auto& assignment = report["profiles"][0]["assignment"];
  std::vector<int> owner(9, -1);
  for (std::size_t i = 0; i < assignment.size(); ++i)
    if (assignment[i].get<int>() >= 0) owner[assignment[i].get<int>()] = static_cast<int>(i);
  const auto& e = in.externalities;
  std::size_t expected = 0;
  for (int j = 0; j < 9; ++j)
    for (int q = j + 1; q < 9; ++q) {
      if (owner[j] < 0 || owner[q] < 0) continue;
      double w = 0;
      for (int t = 0; t < in.states; ++t)
        w = std::max(w, e.buyer[(t * 6 + owner[j]) * 6 + owner[q]] * e.seller[(t * 9 + j) * 9 + q] +
                            e.buyer[(t * 6 + owner[q]) * 6 + owner[j]] * e.seller[(t * 9 + q) * 9 + j]);
      expected += w > 0;
    }
  EXPECT_EQ(data["profiles"][0]["pairs"].size(), expected);
  EXPECT_GT(expected, 0u);
}

TEST(View, EveryProfileOfAnAllProfilesReportAndNoMapWithoutGeometry) {
  const Instance in = load_instance(std::string(IVASSIGN_SOURCE_DIR) + "/examples/spectrum-small.json");
  const std::string html = report_view_html(report_of(in, true), &in);
  const json data = page_data(html);
  EXPECT_EQ(data["profiles"].size(), in.profile_count());
  EXPECT_EQ(html.find("<svg id=\"map\""), std::string::npos);
  EXPECT_TRUE(data["map"].is_null() || !data.contains("map"));
}

TEST(View, CheckAndReplicaReportsGetTheirPages) {
  const Instance in = load_instance(std::string(IVASSIGN_SOURCE_DIR) + "/examples/spectrum-small.json");
  CheckOptions o;
  o.mechanism.threads = 1;
  const json check = page_data(report_view_html(check_report_to_json(check_incentives(in, o))));
  EXPECT_EQ(check["kind"], "check");
  EXPECT_EQ(check["stage1"]["margins"].size(), 4u);
  ReplicaOptions r;
  r.sizes = {4, 8};
  r.solver.threads = 1;
  const Instance base = load_instance(std::string(IVASSIGN_SOURCE_DIR) + "/examples/replica-base.json");
  const json replica = page_data(report_view_html(replica_report_to_json(replica_experiment(base, r))));
  EXPECT_EQ(replica["kind"], "replica");
  EXPECT_EQ(replica["rows"].size(), 2u);
}

TEST(View, BadReportsNameTheKey) {
  const Instance in = market(4, 5);
  const json good = json::parse(report_of(in));
  EXPECT_NE(view_error("{\"format\": ").find("r.json: malformed JSON"), std::string::npos);
  EXPECT_NE(view_error("[1, 2]").find("expected a JSON object"), std::string::npos);
  EXPECT_NE(view_error(instance_to_json(in)).find("format: \"ivassign/1\" is not a report this view draws"), std::string::npos);
  EXPECT_NE(view_error("{\"instance\": \"x\"}").find("format: required key is missing"), std::string::npos);
  json bad = good;
  bad["profiles"][0]["transfers"].erase(1);
  EXPECT_NE(view_error(bad.dump()).find("profiles[0].transfers: has 3 entries, expected 4"), std::string::npos);
  bad = good;
  bad["profiles"][0].erase("rewards");
  EXPECT_NE(view_error(bad.dump()).find("profiles[0].rewards: required key is missing"), std::string::npos);
  bad = good;
  bad["profiles"][0]["payoffs"][2] = "a lot";
  EXPECT_NE(view_error(bad.dump()).find("profiles[0].payoffs[2]: expected a number"), std::string::npos);
  bad = good;
  bad["profiles"][0]["assignment"][0] = 99;
  EXPECT_NE(view_error(bad.dump(), &in).find("profiles[0].assignment[0]: licence 99 is out of range"), std::string::npos);
  bad = good;
  bad["profiles"][0]["transfer_interval"] = json::array({json::array({0, 1})});
  EXPECT_NE(view_error(bad.dump()).find("profiles[0].transfer_interval"), std::string::npos);
  bad = good;
  bad["profiles"] = json::array();
  EXPECT_NE(view_error(bad.dump()).find("profiles: the report has no profile"), std::string::npos);
  const Instance other = market(5, 5);
  EXPECT_NE(view_error(good.dump(), &other).find("--instance: the instance has 5 buyers, the report 4"), std::string::npos);
}

TEST(View, TextFromTheReportCannotCloseTheScriptOrTheMarkup) {
  Instance in = market(3, 4);
  in.name = "</script><script>alert(1)</script>";
  const std::string html = report_view_html(report_of(in), &in);
  EXPECT_EQ(html.find("<script>alert(1)"), std::string::npos);
  EXPECT_EQ(page_data(html)["instance"], in.name);
}

TEST(ViewCli, WritesThePageOrNothing) {
  const std::string dir = test::temp_dir();
  const Instance in = market(5, 8);
  save_text(dir + "/s.json", instance_to_json(in));
  save_text(dir + "/r.json", report_of(in));
  auto ok = test::run_cli("view '" + dir + "/r.json' --instance '" + dir + "/s.json' --out '" + dir + "/r.html'");
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  const std::string html = load_text(dir + "/r.html");
  EXPECT_EQ(page_data(html)["profiles"][0]["licence"].size(), 5u);
  EXPECT_EQ(count(html, "<rect class=\"lic\""), 8u);

  json truncated = json::parse(load_text(dir + "/r.json"));
  truncated["profiles"][0]["rewards"].erase(0);
  save_text(dir + "/bad.json", truncated.dump());
  save_text(dir + "/notjson.json", "{\"format\": \"ivassign-report/1\", ");
  save_text(dir + "/instance-as-report.json", instance_to_json(in));
  for (const std::string name : {"bad", "notjson", "instance-as-report"}) {
    const auto r = test::run_cli("view '" + dir + "/" + name + ".json' --out '" + dir + "/" + name + ".html'");
    EXPECT_EQ(r.exit_code, 2) << name << ": " << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir + "/" + name + ".html")) << name;
    EXPECT_NE(r.err.find(name + ".json"), std::string::npos) << r.err;
  }
  EXPECT_NE(test::run_cli("view '" + dir + "/bad.json' --out '" + dir + "/x.html'").err.find("profiles[0].rewards"),
            std::string::npos);
  const auto no_out = test::run_cli("view '" + dir + "/r.json'");
  EXPECT_EQ(no_out.exit_code, 2);
}

}  // namespace
}  // namespace ivassign
