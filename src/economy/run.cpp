// run_economy: the 2002 construction on an exchange economy and its exact audit (economy-format.md),
// and eta_ic, the smallest slack that makes it IC (bisection on the audited minimum IC margin).
#include <algorithm>
#include <cmath>
#include <limits>

#include "economy/model.hpp"
#include "ivassign/error.hpp"

namespace ivassign {

namespace {

using economy::Construction;
using economy::Model;

/// A margin at least this counts as IC (economy-format.md: -1e-9).
constexpr double kIcTolerance = 1e-9;

/// lambda = c * min_i Lambda^Theta_i over agents with more than one type (null when there are none).
std::optional<double> lambda_of(const SocialMeasures& m, double c) {
  std::optional<double> least;
  for (const auto& v : m.state_variability)
    if (v) least = least ? std::min(*least, *v) : *v;
  if (!least) return std::nullopt;
  return c * *least;
}

/// The minimum IC margin of the construction at eta.
double margin_at(const Model& md, double eta) { return economy::min_ic_margin(md, economy::construct(md, eta)); }

/// The smallest eta in (0, eta_max] whose construction is IC. The margin need not grow with eta (a
/// large slack halves the bundles, and a lie to a profile outside the cells returns the endowment), so
/// a log grid eta_max * 10^(-k/8), k = 96..0, finds the smallest IC grid point first; a bisection on
/// the margin between it and the grid point below (not IC) then narrows it to relative 1e-12. With a
/// margin that grows with eta this is the spec's bisection; null when no grid point is IC.
std::optional<double> smallest_ic_eta(const Model& md, double eta_max, double* margin) {
  constexpr int kGrid = 96;
  const auto grid = [&](int k) { return k == 0 ? eta_max : eta_max * std::pow(10.0, -k / 8.0); };
  int k = kGrid;
  while (k >= 0 && !(margin_at(md, grid(k)) >= -kIcTolerance)) --k;
  if (k < 0) {
    *margin = margin_at(md, eta_max);
    return std::nullopt;
  }
  double hi = grid(k), lo = k == kGrid ? hi : grid(k + 1);
  for (int it = 0; it < 200 && hi - lo > 1e-12 * hi; ++it) {
    const double mid = 0.5 * (lo + hi);
    (margin_at(md, mid) >= -kIcTolerance ? hi : lo) = mid;
  }
  *margin = margin_at(md, hi);
  return hi;
}

/// eta_ic with XIR and the efficiency gap at it.
EconomyEtaIc search_eta_ic(const Model& md, const EconomyOptions& o) {
  EconomyEtaIc r;
  r.eta_max = economy::eta_max(md);
  r.eta = smallest_ic_eta(md, r.eta_max, &r.min_margin);
  if (!r.eta) return r;
  const Construction q = economy::construct(md, *r.eta);
  const EconomyAudit a = economy::audit_construction(md, q);
  r.min_margin = a.min_margin;
  r.xir = a.xir;
  r.min_slack = a.min_slack;
  if (o.efficiency) r.efficiency = economy::efficiency_audit(md, q, o.threads);
  return r;
}

/// [|T|][n][l]: z_i(t) of every profile (w_i outside T*).
std::vector<double> all_allocations(const Model& md, const Construction& q) {
  std::vector<double> out;
  out.reserve(md.table.profiles * static_cast<std::uint64_t>(md.n() * md.l()));
  for (std::uint64_t t = 0; t < md.table.profiles; ++t)
    for (int i = 0; i < md.n(); ++i) {
      const double* z = economy::allocation_of(md, q, i, t);
      out.insert(out.end(), z, z + md.l());
    }
  return out;
}

}  // namespace

EconomyResult run_economy(const EconomyProblem& problem, const EconomyOptions& o) {
  if (o.eta && !(*o.eta > 0.0 && std::isfinite(*o.eta)))
    throw InputError("eta: " + std::to_string(*o.eta) + " must be a finite number > 0");
  if (o.threads < 0) throw InputError("threads: " + std::to_string(o.threads) + " must be >= 0 (0: all cores)");
  const Model md = economy::build_model(problem);
  EconomyResult r;
  r.name = problem.base.name;
  r.agents = md.n(), r.goods = md.l(), r.states = md.m();
  r.types = problem.base.types;
  r.eta = o.eta ? *o.eta : economy::default_eta(md);
  const Construction q = economy::construct(md, r.eta);
  r.c = q.c;
  r.measures = md.measures;
  r.lambda = lambda_of(md.measures, q.c);
  r.cie = md.zeta;
  r.beta = q.beta;
  r.quasi = q.quasi;
  r.mu = md.mu;
  r.applies = md.applies;
  r.partition = md.partition;
  if (o.all_profiles) r.allocations = all_allocations(md, q);
  r.audit = economy::audit_construction(md, q);
  if (o.efficiency) r.audit.efficiency = economy::efficiency_audit(md, q, o.threads);
  if (o.eta_ic) r.eta_ic = search_eta_ic(md, o);
  return r;
}

}  // namespace ivassign
