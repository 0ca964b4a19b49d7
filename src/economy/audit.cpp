// The exact audit of the constructed allocation (economy-format.md, Audit), sums over T*:
//   feasibility  max_excess = max_{t, g} sum_i (z_i(t) - w_i)_g
//   IC           margin_i(t_i, r) = sum_{t_-i, theta} [u_i(z_i(t_-i, t_i); theta) - u_i(z_i(t_-i, r); theta)] P(theta, t_-i | t_i)
//   XIR          slack_i(t) = U_i(z_i(t) | t) - U_i(w_i | t), U_i(x | t) = sum_theta u_i(x; theta) P(theta | t)
#include <algorithm>
#include <cmath>
#include <limits>

#include "economy/model.hpp"
#include "kernels/profile_index.cuh"

namespace ivassign::economy {

namespace {

/// A margin or slack at least this counts as nonnegative (economy-format.md: -1e-9).
constexpr double kAuditTolerance = 1e-9;

/// `v` beats the running minimum `least` when below it by more than rounding: ties within 1e-12
/// (relative) go to the lowest index, as in the references (symmetric agents' margins differ by ulps).
bool below(double v, double least) { return v < least - 1e-12 * std::max(1.0, std::abs(least)) || least == std::numeric_limits<double>::infinity(); }

/// sum_theta P(theta | t) v[theta].
double expected(const double* rho, const double* v, int m) {
  double s = 0.0;
  for (int k = 0; k < m; ++k) s += rho[k] * v[k];
  return s;
}

void audit_feasibility(const Model& md, const Construction& q, EconomyAudit& a) {
  const EconomyProblem& e = *md.problem;
  double largest = 0.0;
  for (int g = 0; g < md.l(); ++g) {
    double W = 0.0;
    for (int i = 0; i < md.n(); ++i) W += e.endowment(i)[g];
    largest = std::max(largest, W);
  }
  a.max_excess = -std::numeric_limits<double>::infinity();
  for (std::uint64_t t = 0; t < md.table.profiles; ++t) {
    if (md.table.marginal[t] == 0.0) continue;
    for (int g = 0; g < md.l(); ++g) {
      double x = 0.0;  // sum_i (z_i(t) - w_i)_g
      for (int i = 0; i < md.n(); ++i) x += allocation_of(md, q, i, t)[g] - e.endowment(i)[g];
      a.max_excess = std::max(a.max_excess, x);
    }
  }
  a.feasible = a.max_excess <= 1e-9 * largest;
}

void audit_xir(const Model& md, const Construction& q, EconomyAudit& a) {
  a.min_slack = std::numeric_limits<double>::infinity();
  for (std::uint64_t t = 0; t < md.table.profiles; ++t) {
    if (md.table.marginal[t] == 0.0) continue;
    const double* rho = md.table.rho(t);
    for (int i = 0; i < md.n(); ++i) {
      const double slack = expected(rho, allocation_value(md, q, i, t), md.m()) -
                           expected(rho, q.endowment_value[static_cast<std::size_t>(i)].data(), md.m());
      if (below(slack, a.min_slack)) {
        a.min_slack = slack;
        a.ir_agent = i;
        a.ir_profile.assign(static_cast<std::size_t>(md.n()), 0);
        for (int j = 0; j < md.n(); ++j) a.ir_profile[static_cast<std::size_t>(j)] = md.table.signal_of(t, j);
      }
    }
  }
  a.xir = a.min_slack >= -kAuditTolerance;
}

/// margin_i(t_i, r) of one agent, type and report.
double margin_of(const Model& md, const Construction& q, int i, int ti, int r) {
  const PosteriorTable& tb = md.table;
  const int K = tb.signals[static_cast<std::size_t>(i)];
  const std::uint64_t stride = tb.strides[static_cast<std::size_t>(i)], others = tb.profiles / static_cast<std::uint64_t>(K);
  double margin = 0.0;
  for (std::uint64_t o = 0; o < others; ++o) {
    const std::uint64_t t = kernels::profile_with_signal(o, stride, K, ti);
    if (tb.marginal[t] == 0.0) continue;
    const std::uint64_t lie = kernels::profile_with_signal(o, stride, K, r);
    const double* truth = allocation_value(md, q, i, t);
    const double* told = allocation_value(md, q, i, lie);
    double d = 0.0;  // sum_theta [u_i(z_i(t); theta) - u_i(z_i(t_-i, r); theta)] P(theta | t)
    for (int s = 0; s < md.m(); ++s) d += (truth[s] - told[s]) * tb.rho(t)[s];
    margin += tb.conditional(i, t, ti) * d;
  }
  return margin;
}

}  // namespace

double min_ic_margin(const Model& md, const Construction& q, int* worst) {
  double least = std::numeric_limits<double>::infinity();
  for (int i = 0; i < md.n(); ++i) {
    const int K = md.table.signals[static_cast<std::size_t>(i)];
    for (int ti = 0; ti < K; ++ti)
      for (int r = 0; r < K; ++r) {
        if (r == ti) continue;
        const double margin = margin_of(md, q, i, ti, r);
        if (below(margin, least)) {
          least = margin;
          if (worst != nullptr) {
            worst[0] = i;
            worst[1] = ti;
            worst[2] = r;
          }
        }
      }
  }
  return least;
}

EconomyAudit audit_construction(const Model& md, const Construction& q) {
  EconomyAudit a;
  audit_feasibility(md, q, a);
  int worst[3] = {-1, -1, -1};
  a.min_margin = min_ic_margin(md, q, worst);
  a.worst_agent = worst[0];
  a.worst_type = worst[1];
  a.worst_report = worst[2];
  a.ic = a.min_margin >= -kAuditTolerance;
  audit_xir(md, q, a);
  return a;
}

}  // namespace ivassign::economy
