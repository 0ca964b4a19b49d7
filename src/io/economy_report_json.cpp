// The report of `ivassign economy` (economy-format.md): ivassign-economy-report/1, keys in the order
// of the spec; numbers finite (else null) and never -0.0.
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ivassign/economy.hpp"

namespace ivassign {

namespace {

using ordered = nlohmann::ordered_json;

/// A report number: null when not finite, 0 for -0.0.
ordered number(double v) { return std::isfinite(v) ? ordered(v == 0.0 ? 0.0 : v) : ordered(nullptr); }
ordered number(const std::optional<double>& v) { return v ? number(*v) : ordered(nullptr); }

ordered numbers(const double* v, std::size_t count) {
  ordered a = ordered::array();
  for (std::size_t k = 0; k < count; ++k) a.push_back(number(v[k]));
  return a;
}

/// rows x cols numbers as nested arrays.
ordered matrix(const double* v, std::size_t rows, std::size_t cols) {
  ordered a = ordered::array();
  for (std::size_t r = 0; r < rows; ++r) a.push_back(numbers(v + r * cols, cols));
  return a;
}

ordered efficiency_json(const std::optional<EconomyEfficiency>& e) {
  if (!e) return ordered(nullptr);
  ordered o;
  o["epsilon"] = number(e->epsilon);
  o["max_gap"] = number(e->max_gap);
  o["certified_within"] = number(e->bound);
  return o;
}

ordered measures_json(const SocialMeasures& m) {
  ordered o;
  o["aggregate_uncertainty"] = numbers(m.aggregate_uncertainty.data(), m.aggregate_uncertainty.size());
  o["informational_size"] = numbers(m.informational_size.data(), m.informational_size.size());
  ordered sv = ordered::array();
  for (const auto& v : m.state_variability) sv.push_back(number(v));
  o["state_variability"] = sv;
  return o;
}

ordered audit_json(const EconomyAudit& a) {
  ordered o;
  o["feasible"] = a.feasible;
  o["max_excess"] = number(a.max_excess);
  o["ic"] = a.ic;
  o["min_margin"] = number(a.min_margin);
  if (a.worst_agent >= 0)
    o["worst"] = {{"agent", a.worst_agent}, {"type", a.worst_type}, {"report", a.worst_report}, {"margin", number(a.min_margin)}};
  else
    o["worst"] = nullptr;
  o["xir"] = a.xir;
  o["min_slack"] = number(a.min_slack);
  o["worst_ir"] = {{"agent", a.ir_agent}, {"profile", a.ir_profile}, {"slack", number(a.min_slack)}};
  o["efficiency"] = efficiency_json(a.efficiency);
  return o;
}

ordered eta_ic_json(const std::optional<EconomyEtaIc>& r) {
  if (!r) return ordered(nullptr);
  ordered o;
  o["eta"] = number(r->eta);
  o["eta_max"] = number(r->eta_max);
  o["min_margin"] = number(r->min_margin);
  o["xir"] = r->xir ? ordered(*r->xir) : ordered(nullptr);
  o["min_slack"] = number(r->min_slack);
  o["efficiency"] = efficiency_json(r->efficiency);
  return o;
}

/// quasi: [n][m][K_i][l].
ordered quasi_json(const EconomyResult& r) {
  ordered a = ordered::array();
  const auto m = static_cast<std::size_t>(r.states), l = static_cast<std::size_t>(r.goods);
  for (std::size_t i = 0; i < r.quasi.size(); ++i) {
    const auto K = static_cast<std::size_t>(r.types[i]);
    ordered per_state = ordered::array();
    for (std::size_t k = 0; k < m; ++k) per_state.push_back(matrix(r.quasi[i].data() + k * K * l, K, l));
    a.push_back(per_state);
  }
  return a;
}

}  // namespace

std::string economy_report_json(const EconomyResult& r) {
  const auto n = static_cast<std::size_t>(r.agents), m = static_cast<std::size_t>(r.states),
             l = static_cast<std::size_t>(r.goods);
  ordered doc;
  doc["format"] = "ivassign-economy-report/1";
  doc["name"] = r.name;
  doc["eta"] = number(r.eta);
  doc["c"] = number(r.c);
  doc["lambda"] = number(r.lambda);
  doc["measures"] = measures_json(r.measures);
  ordered cie = ordered::array();
  for (std::size_t s = 0; s < m; ++s) cie.push_back(matrix(r.cie.data() + s * n * l, n, l));
  doc["cie"] = cie;
  doc["beta"] = matrix(r.beta.data(), n, m);
  doc["quasi"] = quasi_json(r);
  doc["mu"] = number(r.mu);
  doc["applies"] = r.applies;
  doc["partition"] = r.partition;
  if (!r.allocations.empty()) {
    ordered all = ordered::array();
    for (std::size_t t = 0; t < r.partition.size(); ++t) all.push_back(matrix(r.allocations.data() + t * n * l, n, l));
    doc["allocations"] = all;
  }
  doc["audit"] = audit_json(r.audit);
  doc["eta_ic"] = eta_ic_json(r.eta_ic);
  return doc.dump(1) + "\n";
}

}  // namespace ivassign
