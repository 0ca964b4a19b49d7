// The `ivassign-report/1` document (shared spec report-format.md). Non-finite numbers become null.
#include <nlohmann/json.hpp>

#include <algorithm>

#include "io/report_number.hpp"
#include "ivassign/report_io.hpp"

namespace ivassign {

namespace {
using io::number;
using json = nlohmann::ordered_json;  // keys in the order of report-format.md
json minus_proven(const std::vector<char>& flags) {
  json a = json::array();
  for (char f : flags) a.push_back(f != 0);
  return a;
}
/// report-format.md, "Certified outcomes": the keys in every profile once one profile's matching or a
/// minus-i value is heuristic (unproven), and the `certified` summary; a report whose every value is
/// proven keeps the plain shape.
void certified_block(const MechanismReport& r, json& doc) {
  const bool any = std::any_of(r.profiles.begin(), r.profiles.end(), [](const ProfileOutcome& p) {
    return !p.optimal || std::any_of(p.minus_i_proven.begin(), p.minus_i_proven.end(), [](char c) { return c == 0; });
  });
  if (!any) return;
  double gain_max = 0.0, gain_sum = 0.0, gap_max = 0.0;
  for (std::size_t k = 0; k < r.profiles.size(); ++k) {
    const ProfileOutcome& p = r.profiles[k];
    json& row = doc["profiles"][k];
    row["welfare_upper_bound"] = number(p.welfare_upper_bound);
    row["welfare_gap"] = number(p.welfare_gap);
    row["minus_i_upper_bound"] = p.minus_i_upper_bound;
    row["transfer_interval"] = p.transfer_interval;
    row["utility_interval"] = p.utility_interval;
    row["stage2_gain_bound"] = p.stage2_gain_bound;
    row["transfers_certified"] = p.transfers_certified;
    row["expected_rewards"] = p.expected_rewards;
    row["certified_tolerance"] = p.certified_tolerance;
    gap_max = std::max(gap_max, p.welfare_gap);
    for (double g : p.stage2_gain_bound) {
      gain_max = std::max(gain_max, g);
      gain_sum += g;
    }
  }
  // the numbers a market designer signs: no bidder gains more than this by lying in stage 2
  doc["certified"] = {{"welfare_gap_max", number(gap_max)},
                      {"stage2_gain_bound_max", number(gain_max)},
                      {"stage2_gain_bound_sum", number(gain_sum)},
                      {"profiles_optimal", std::count_if(r.profiles.begin(), r.profiles.end(),
                                                         [](const ProfileOutcome& p) { return p.optimal; })}};
}
}  // namespace

std::string report_to_json(const MechanismReport& r, int indent) {
  json doc;
  doc["format"] = "ivassign-report/1";
  doc["instance"] = r.instance;
  doc["backend"] = to_string(r.backend);
  doc["bound"] = r.bound;
  doc["informational_size"] = r.informational_size;
  const auto& mm = r.measures;
  json variation = json::array();
  for (double v : mm.variation) variation.push_back(number(v));
  doc["variation_of_beliefs"] = variation;
  json measures = {{"method", to_string(mm.method)}, {"estimated", mm.method == MeasureMethod::Sampled}};
  if (mm.method == MeasureMethod::Sampled) {
    measures["samples"] = mm.samples;
    measures["confidence"] = mm.confidence;
    measures["informational_size_half_width"] = mm.informational_size_half_width;
    measures["informational_size_certified"] = mm.informational_size_certified;
    measures["sampler"] = to_string(mm.sampler);
    measures["band"] = mm.sampler == Sampler::Importance ? "normal_approximation" : "hoeffding_dkw";
    measures["note"] = "informational_size and delta.theorem1 are estimates from sampling; the half-widths and "
                       "delta.theorem1_upper hold simultaneously with the stated confidence; "
                       "informational_size_certified and delta.theorem1_certified hold with certainty";
  }
  doc["measures"] = measures;
  doc["delta"] = {{"theorem1", number(r.delta_theorem1)},
                  {"exact", r.delta_exact ? number(*r.delta_exact) : json(nullptr)},
                  {"used", number(r.delta_used)}};
  doc["delta"]["source"] = to_string(r.delta_source);
  if (!r.delta_exact_skipped.empty()) doc["delta"]["exact_skipped"] = r.delta_exact_skipped;
  if (r.measures.method == MeasureMethod::Sampled) {
    doc["delta"]["theorem1_upper"] = number(r.delta_theorem1_upper);
    doc["delta"]["theorem1_certified"] = number(r.delta_theorem1_certified);
  }
  if (r.binding_lie.buyer >= 0)
    doc["delta"]["binding_lie"] = {{"buyer", r.binding_lie.buyer},
                                   {"signal", r.binding_lie.signal},
                                   {"report", r.binding_lie.report},
                                   {"gain", r.binding_lie.gain},
                                   {"score_gain", r.binding_lie.score_gain}};
  json profiles = json::array();
  for (const auto& p : r.profiles) {
    profiles.push_back({{"profile", p.profile},
                        {"posterior", p.posterior},
                        {"assignment", p.assignment},
                        {"welfare", p.welfare},
                        {"payoffs", p.payoffs},
                        {"transfers", p.transfers},
                        {"rewards", p.rewards},
                        {"optimal", p.optimal},
                        {"minus_i_welfare", p.minus_i_welfare},
                        {"minus_i_proven", minus_proven(p.minus_i_proven)},
                        {"transfer_error_bound", p.transfer_error_bound},
                        {"solver", {{"name", p.solver}, {"backend", to_string(p.solver_backend)}, {"seconds", p.solve_seconds}}}});
  }
  doc["profiles"] = profiles;
  certified_block(r, doc);
  doc["ranks"] = r.ranks;
  doc["seconds"] = r.seconds;
  return doc.dump(indent);
}

}  // namespace ivassign
