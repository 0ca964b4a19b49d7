// JSON of the check report (`ivassign-check/1`) and of the replica experiment (`ivassign-replica/1`).
#include <nlohmann/json.hpp>

#include "io/report_number.hpp"
#include "ivassign/report_io.hpp"

namespace ivassign {

namespace {
using io::number;
using json = nlohmann::ordered_json;
json numbers(const std::vector<double>& v) {
  json a = json::array();
  for (double x : v) a.push_back(number(x));
  return a;
}
json pair_json(const StageTwoCheck::Pair& p) {
  return {{"profile", p.profile},
          {"buyer", p.buyer},
          {"max_gain", number(p.max_gain)},
          {"gain_over_mechanism", number(p.mechanism_gain)},
          {"certified_bound", number(p.bound)}};
}

/// Stage 2's certified bounds beside the probed gains (keys added to ivassign-check/1's stage2).
void stage_two_bounds(const StageTwoCheck& s2, json& out) {
  out["certified_gain_bound_max"] = number(s2.certified_gain_bound_max);
  out["bound_violations"] = s2.violations.size();
  out["bounds_hold"] = s2.bounds_hold;
  json violations = json::array(), pairs = json::array();
  for (const auto& v : s2.violations) violations.push_back(pair_json(v));
  for (const auto& p : s2.pairs) pairs.push_back(pair_json(p));
  out["violations"] = violations;
  out["probed"] = pairs;  // "profile": an index into probed_profiles
  out["probed_profiles"] = s2.probed_profiles;
}
}  // namespace

std::string check_report_to_json(const CheckReport& r, int indent) {
  json doc;
  doc["format"] = "ivassign-check/1";
  doc["instance"] = r.instance;
  doc["delta"] = number(r.delta);
  doc["delta_source"] = r.delta_source;
  doc["delta_exact"] = r.delta_exact ? number(*r.delta_exact) : json(nullptr);
  doc["delta_theorem1"] = number(r.delta_theorem1);
  doc["bound"] = r.bound;
  const auto& s1 = r.stage1;
  json margins = json::array();
  for (std::size_t i = 0; i < s1.margins.size(); ++i) margins.push_back(numbers(s1.margins[i]));
  doc["stage1"] = {{"method", s1.method},
                   {"truthful", s1.truthful},
                   {"min_margin", number(s1.min_margin)},
                   {"worst",
                    {{"buyer", s1.worst.buyer},
                     {"signal", s1.worst.signal},
                     {"report", s1.worst.report},
                     {"gain", number(s1.worst.gain)},
                     {"reward_loss", number(s1.worst.reward_loss)}}},
                   {"margins", margins}};
  if (!s1.truthful)
    doc["stage1"]["profitable_lie"] = "buyer " + std::to_string(s1.worst.buyer) + " observing signal " +
                                      std::to_string(s1.worst.signal) + " gains by reporting " +
                                      std::to_string(s1.worst.report);
  const auto& s2 = r.stage2;
  doc["stage2"] = {{"max_gain", number(s2.max_gain)},
                   {"misreports_tried", s2.misreports_tried},
                   {"profiles_probed", s2.profiles_probed},
                   {"buyers_per_profile", s2.buyers_per_profile},
                   {"solver_exact", s2.solver_exact},
                   {"worst",
                    {{"buyer", s2.worst.buyer},
                     {"profile", s2.worst.profile},
                     {"misreport", s2.worst.misreport},
                     {"gain", number(s2.worst.gain)}}}};
  stage_two_bounds(s2, doc["stage2"]);
  if (!s2.solver_exact)
    doc["stage2"]["note"] = "the solver did not prove every matching optimal: positive gains measure its suboptimality";
  const auto& b = r.budget;
  doc["budget"] = {{"method", b.method},
                   {"profiles", b.profiles},
                   {"expected_rewards", number(b.expected_rewards)},
                   {"expected_revenue", number(b.expected_revenue)},
                   {"deficit_probability", number(b.deficit_probability)},
                   {"expected_deficit", number(b.expected_deficit)},
                   {"max_deficit", number(b.max_deficit)},
                   {"min_net_utility", number(b.min_net_utility)},
                   {"ex_post_ir", b.ex_post_ir},
                   {"interim_utility_min", numbers(b.interim_utility_min)}};
  if (b.method == "sampled") {
    doc["budget"]["standard_error_rewards"] = number(b.standard_error_rewards);
    doc["budget"]["standard_error_revenue"] = number(b.standard_error_revenue);
  }
  doc["work"] = {{"limit", r.work.limit},
                 {"used", r.work.used},
                 {"budget_profiles_skipped", r.work.budget_profiles_skipped},
                 {"stage2_misreports_skipped", r.work.stage2_misreports_skipped}};
  doc["informational_size"] = numbers(r.informational_size);
  doc["backend"] = to_string(r.backend);  // what ran: "cpu", "cuda" or "omp-device"
  doc["ranks"] = r.ranks;
  doc["seconds"] = r.seconds;
  return doc.dump(indent);
}

std::string replica_report_to_json(const ReplicaReport& r, int indent) {
  json doc;
  doc["format"] = "ivassign-replica/1";
  doc["base"] = r.base;
  doc["k"] = r.k;
  doc["bound"] = r.bound;
  json rows = json::array();
  for (const auto& row : r.rows)
    rows.push_back({{"buyers", row.buyers},
                    {"sellers", row.sellers},
                    {"informational_size", number(row.informational_size)},
                    {"expected_total_rewards", number(row.expected_total_rewards)},
                    {"max_total_rewards_bound", number(row.max_total_rewards)},
                    {"incentive_condition", row.incentive_condition},
                    {"min_margin", number(row.min_margin)},
                    {"expected_welfare", number(row.expected_welfare)},
                    {"welfare_per_buyer", number(row.welfare_per_buyer)},
                    {"welfare_proven_optimal", row.welfare_proven},
                    {"backend", to_string(row.backend)},
                    {"seconds", row.seconds}});
  doc["rows"] = rows;
  doc["ranks"] = r.ranks;
  return doc.dump(indent);
}

}  // namespace ivassign
