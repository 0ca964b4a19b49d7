// The reports of `gvcg`, `audit` and `epic` (social-format.md) as JSON text: ivassign-gvcg/1,
// ivassign-audit/1 and ivassign-epic/1, keys in the order of the spec.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ivassign/social.hpp"

namespace ivassign {

namespace {

/// Keys in the order of the spec (ordered_json keeps insertion order).
using ordered = nlohmann::ordered_json;

ordered opts(const std::vector<std::optional<double>>& v) {
  ordered a = ordered::array();
  for (const auto& x : v) a.push_back(x ? ordered(*x) : ordered(nullptr));
  return a;
}

ordered budget_json(const SocialBudget& b) {
  ordered o;
  o["max_deficit"] = b.max_deficit;
  o["expected_deficit"] = b.expected_deficit;
  return o;
}

}  // namespace

std::string gvcg_report_json(const GvcgResult& r) {
  ordered doc;
  doc["format"] = "ivassign-gvcg/1";
  doc["stages"] = r.stages;
  doc["backend"] = to_string(r.backend);
  doc["informational_size"] = r.measures.informational_size;
  doc["variability"] = opts(r.measures.variability);
  doc["aggregate_uncertainty"] = r.measures.aggregate_uncertainty;
  doc["state_variability"] = opts(r.measures.state_variability);
  doc["nonexclusive_information"] = r.measures.nonexclusive_information;
  ordered eps;
  eps["exact"] = r.epsilon_exact ? ordered(*r.epsilon_exact) : ordered(nullptr);
  eps["theorem"] = r.epsilon_theorem ? ordered(*r.epsilon_theorem) : ordered(nullptr);
  eps["used"] = r.epsilon_used ? ordered(*r.epsilon_used) : ordered(nullptr);
  doc["epsilon"] = eps;
  doc["ranks"] = r.ranks;
  // The profile rows can run to gigabytes (every profile of T*): no DOM for them. Each row is dumped
  // on its own, indented two levels as doc.dump(1) would, in parallel blocks appended in order.
  std::string text = doc.dump(1);  // "{\n ...\n}"
  text.resize(text.size() - 2);     // drop "\n}"
  if (r.profiles.empty()) return text + ",\n \"profiles\": []\n}";
  text += ",\n \"profiles\": [\n";
  auto row = [&](const GvcgProfile& p) {
    ordered o;
    o["profile"] = p.profile;
    o["outcome"] = p.outcome;
    o["welfare"] = p.welfare;
    o["values"] = p.values;
    o["transfers"] = p.transfers;
    o["rewards"] = p.rewards.empty() ? ordered(nullptr) : ordered(p.rewards);
    o["net"] = p.net;
    const std::string body = o.dump(1);
    std::string out = "  ";
    out.reserve(body.size() + body.size() / 4);
    for (char c : body) {
      out += c;
      if (c == '\n') out += "  ";
    }
    return out;
  };
  const std::int64_t count = static_cast<std::int64_t>(r.profiles.size()), block = 8192;
  std::vector<std::string> parts(static_cast<std::size_t>(block));
  for (std::int64_t first = 0; first < count; first += block) {
    const std::int64_t last = std::min(count, first + block);
#pragma omp parallel for schedule(static)
    for (std::int64_t k = first; k < last; ++k)
      parts[static_cast<std::size_t>(k - first)] = row(r.profiles[static_cast<std::size_t>(k)]);
    if (first == 0 && last < count) {  // size the text once from the first block: no regrowth copies
      std::size_t sample = 0;
      for (std::int64_t k = 0; k < last; ++k) sample += parts[static_cast<std::size_t>(k)].size() + 2;
      text.reserve(text.size() + static_cast<std::size_t>(static_cast<double>(sample) / static_cast<double>(last) *
                                                          static_cast<double>(count) * 1.02) + 64);
    }
    for (std::int64_t k = first; k < last; ++k) {
      if (k > 0) text += ",\n";
      text += parts[static_cast<std::size_t>(k - first)];
      std::string().swap(parts[static_cast<std::size_t>(k - first)]);
    }
  }
  text += "\n ]\n}";
  return text;
}

std::string audit_report_json(const AuditResult& r) {
  ordered doc;
  doc["format"] = "ivassign-audit/1";
  doc["backend"] = to_string(r.backend);
  ordered b;
  b["min_margin"] = r.bayesian_min_margin;
  b["ic"] = r.bayesian_ic;
  if (r.bayesian_agent >= 0) {
    ordered w;
    w["agent"] = r.bayesian_agent;
    w["type"] = r.bayesian_type;
    w["report"] = r.bayesian_report;
    w["margin"] = r.bayesian_min_margin;
    b["worst"] = w;
  } else {
    b["worst"] = nullptr;
  }
  doc["bayesian"] = b;
  ordered e;
  e["max_gain"] = r.ex_post_max_gain;
  e["ic"] = r.ex_post_ic;
  if (r.ex_post_agent >= 0) {
    ordered w;
    w["agent"] = r.ex_post_agent;
    w["profile"] = r.ex_post_profile;
    w["report"] = r.ex_post_report;
    w["gain"] = r.ex_post_max_gain;
    e["worst"] = w;
  } else {
    e["worst"] = nullptr;
  }
  doc["ex_post"] = e;
  doc["weak_ex_post_epsilon"] = r.weak_ex_post_epsilon;
  ordered ir;
  ir["ex_post_min"] = r.ir_ex_post_min;
  ir["interim_min"] = r.ir_interim_min;
  doc["individual_rationality"] = ir;
  doc["budget"] = budget_json(r.budget);
  doc["ranks"] = r.ranks;
  return doc.dump(1);
}

std::string epic_report_json(const EpicResult& r, int agents) {
  ordered doc;
  doc["format"] = "ivassign-epic/1";
  doc["backend"] = to_string(r.backend);
  doc["implementable"] = r.implementable;
  if (!r.implementable) {
    ordered v;
    v["agent"] = r.agent;
    v["others"] = r.others;
    v["cycle"] = r.cycle;
    v["gain"] = r.gain;
    doc["violation"] = v;
  } else {
    ordered x = ordered::array();
    const auto n = static_cast<std::size_t>(agents);
    for (std::size_t k = 0; k + n <= r.transfers.size(); k += n) {
      std::vector<double> row(n);
      for (std::size_t i = 0; i < n; ++i) row[i] = r.transfers[k + i] + 0.0;  // + 0.0: no "-0.0" in the report
      x.push_back(std::move(row));
    }
    doc["transfers"] = std::move(x);
    doc["budget"] = budget_json(r.budget);
  }
  doc["ranks"] = r.ranks;
  return doc.dump(1);
}

}  // namespace ivassign
