// The efficiency audit (economy-format.md, XeE): per profile t of T*,
//   gap(t) = max over feasible y of min_i [U_i(y_i | t) - U_i(z_i(t) | t)],
// i.e. max s subject to U_i(y_i | t) - s >= U_i(z_i(t) | t), sum_i y_i <= sum_i w_i, y >= 0; then
//   epsilon = min { e >= 0 : P(gap(t) <= e) >= 1 - e }.
// Linear utilities: U_i(y | t) = abar_i(t) . y is linear and the program is an LP, solved by GLPK's
// simplex. Otherwise U_i(. | t) is concave (a P(. | t)-mixture of Cobb-Douglas or linear functions)
// and a log-barrier method (Newton, backtracking) returns a feasible point's value: a lower bound of
// gap(t) within the barrier's duality gap M / tau (M constraints) of the optimum.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <glpk.h>

#include "economy/model.hpp"
#include "ivassign/error.hpp"
#include "posterior/informational_size.hpp"
#include "social/model.hpp"

namespace ivassign::economy {

namespace {

/// One profile's program: rho = P(. | t), base_i = U_i(z_i(t) | t), W the aggregate endowment.
struct GapProgram {
  const EconomyProblem* e;
  const double* rho;
  std::vector<double> base;
  const std::vector<double>* W;
};

struct GlpkDeleter {
  void operator()(glp_prob* p) const { glp_delete_prob(p); }
};

/// max s: abar_i . y_i - s >= base_i, sum_i y_ig <= W_g, y >= 0 (GLPK, 1-based indices).
double lp_gap(const GapProgram& g) {
  const EconomyProblem& e = *g.e;
  const int n = e.agents(), l = e.goods, m = e.states();
  std::unique_ptr<glp_prob, GlpkDeleter> lp(glp_create_prob());
  glp_set_obj_dir(lp.get(), GLP_MAX);
  glp_add_rows(lp.get(), n + l);
  glp_add_cols(lp.get(), n * l + 1);
  const int s_col = n * l + 1;
  glp_set_col_bnds(lp.get(), s_col, GLP_FR, 0.0, 0.0);
  glp_set_obj_coef(lp.get(), s_col, 1.0);
  std::vector<int> ri{0}, ci{0};
  std::vector<double> val{0.0};
  for (int i = 0; i < n; ++i) {
    glp_set_row_bnds(lp.get(), i + 1, GLP_LO, g.base[static_cast<std::size_t>(i)], 0.0);
    for (int k = 0; k < l; ++k) {
      double a = 0.0;  // abar_ig(t) = sum_theta P(theta | t) a_ig(theta)
      for (int s = 0; s < m; ++s) a += g.rho[s] * e.coef(i, s)[k];
      const int col = i * l + k + 1;
      glp_set_col_bnds(lp.get(), col, GLP_LO, 0.0, 0.0);
      ri.push_back(i + 1), ci.push_back(col), val.push_back(a);
      ri.push_back(n + k + 1), ci.push_back(col), val.push_back(1.0);
    }
    ri.push_back(i + 1), ci.push_back(s_col), val.push_back(-1.0);
  }
  for (int k = 0; k < l; ++k) glp_set_row_bnds(lp.get(), n + k + 1, GLP_UP, 0.0, (*g.W)[static_cast<std::size_t>(k)]);
  glp_load_matrix(lp.get(), static_cast<int>(ri.size()) - 1, ri.data(), ci.data(), val.data());
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  const int rc = glp_simplex(lp.get(), &parm);
  if (rc != 0 || glp_get_status(lp.get()) != GLP_OPT)
    throw Error("economy efficiency: GLPK's simplex did not reach an optimum (code " + std::to_string(rc) + ")");
  return glp_get_obj_val(lp.get());
}

/// f_i(y) = U_i(y | t) with its gradient and Hessian over the goods (Cobb-Douglas: du/dy_g = a_g u / y_g,
/// d2u/dy_g dy_h = u a_g (a_h - [g = h]) / (y_g y_h)).
double agent_value(const GapProgram& g, int i, const double* y) {
  double f = 0.0;  // U_i(y | t) = sum_theta P(theta | t) u_i(y; theta)
  for (int s = 0; s < g.e->states(); ++s) f += g.rho[s] * g.e->utility_of(i, s, y);
  return f;
}

double agent_terms(const GapProgram& g, int i, const double* y, Eigen::VectorXd& grad, Eigen::MatrixXd& hess) {
  const EconomyProblem& e = *g.e;
  const int l = e.goods;
  grad.setZero(l);
  hess.setZero(l, l);
  double f = 0.0;
  for (int s = 0; s < e.states(); ++s) {
    const double* a = e.coef(i, s);
    if (e.utility[static_cast<std::size_t>(i)] == EconomyProblem::Utility::Linear) {
      for (int k = 0; k < l; ++k) f += g.rho[s] * a[k] * y[k], grad[k] += g.rho[s] * a[k];
      continue;
    }
    const double u = g.rho[s] * e.utility_of(i, s, y);
    f += u;
    for (int k = 0; k < l; ++k) {
      if (a[k] == 0.0) continue;
      grad[k] += a[k] * u / y[k];
      for (int h = 0; h < l; ++h)
        if (a[h] != 0.0) hess(k, h) += u * a[k] * (a[h] - (k == h ? 1.0 : 0.0)) / (y[k] * y[h]);
    }
  }
  return f;
}

/// The barrier function -tau s - sum log h_i - sum log r_g - sum log y (x = (y, s)); +inf outside.
double barrier(const GapProgram& g, const Eigen::VectorXd& x, double tau, Eigen::VectorXd* grad, Eigen::MatrixXd* hess) {
  const EconomyProblem& e = *g.e;
  const int n = e.agents(), l = e.goods, N = n * l + 1;
  const double s = x[N - 1];
  double phi = -tau * s;
  if (grad != nullptr) grad->setZero(N), (*grad)[N - 1] = -tau, hess->setZero(N, N);
  Eigen::VectorXd gi;
  Eigen::MatrixXd hi;
  for (int k = 0; k < N - 1; ++k) {
    if (!(x[k] > 0.0)) return std::numeric_limits<double>::infinity();
    phi -= std::log(x[k]);
    if (grad != nullptr) (*grad)[k] -= 1.0 / x[k], (*hess)(k, k) += 1.0 / (x[k] * x[k]);
  }
  for (int k = 0; k < l; ++k) {
    double r = (*g.W)[static_cast<std::size_t>(k)];  // r_g = W_g - sum_i y_ig
    for (int i = 0; i < n; ++i) r -= x[i * l + k];
    if (!(r > 0.0)) return std::numeric_limits<double>::infinity();
    phi -= std::log(r);
    if (grad == nullptr) continue;
    for (int i = 0; i < n; ++i) {
      (*grad)[i * l + k] += 1.0 / r;
      for (int j = 0; j < n; ++j) (*hess)(i * l + k, j * l + k) += 1.0 / (r * r);
    }
  }
  for (int i = 0; i < n; ++i) {
    const double f = grad == nullptr ? agent_value(g, i, x.data() + i * l) : agent_terms(g, i, x.data() + i * l, gi, hi);
    const double h = f - g.base[static_cast<std::size_t>(i)] - s;
    if (!(h > 0.0)) return std::numeric_limits<double>::infinity();
    phi -= std::log(h);
    if (grad == nullptr) continue;
    // grad h_i = (grad f_i on y_i, -1): -log h adds -grad h / h and grad h grad h^T / h^2 - hess f_i / h
    grad->segment(i * l, l) -= gi / h;
    (*grad)[N - 1] += 1.0 / h;
    const double h2 = h * h;
    hess->block(i * l, i * l, l, l) += gi * gi.transpose() / h2 - hi / h;
    hess->block(i * l, N - 1, l, 1) -= gi / h2;
    hess->block(N - 1, i * l, 1, l) -= gi.transpose() / h2;
    (*hess)(N - 1, N - 1) += 1.0 / h2;
  }
  return phi;
}

/// The largest step in (0, 1] that keeps y > 0 and sum_i y_i < W (99% of the way to the boundary).
double linear_step(const GapProgram& g, const Eigen::VectorXd& x, const Eigen::VectorXd& dx) {
  const int n = g.e->agents(), l = g.e->goods;
  double t = 1.0;
  for (int k = 0; k < n * l; ++k)
    if (dx[k] < 0.0) t = std::min(t, -0.99 * x[k] / dx[k]);
  for (int k = 0; k < l; ++k) {
    double r = (*g.W)[static_cast<std::size_t>(k)], dr = 0.0;
    for (int i = 0; i < n; ++i) r -= x[i * l + k], dr -= dx[i * l + k];
    if (dr < 0.0) t = std::min(t, -0.99 * r / dr);
  }
  return t;
}

/// Newton's method on the barrier at one tau, from a strictly feasible x; stops at a decrement
/// lambda^2 <= 1e-10, or when rounding leaves no strict decrease.
void center(const GapProgram& g, Eigen::VectorXd& x, double tau) {
  Eigen::VectorXd grad, step;
  Eigen::MatrixXd hess;
  for (int it = 0; it < 60; ++it) {
    const double phi = barrier(g, x, tau, &grad, &hess);
    step = hess.ldlt().solve(-grad);
    const double decrement = -grad.dot(step);  // lambda^2: phi - min phi ~ lambda^2 / 2 near the centre
    if (!(decrement > 1e-10)) return;
    double t = linear_step(g, x, step), next = 0.0;
    int halvings = 0;
    for (; halvings < 40; ++halvings, t *= 0.5) {
      next = barrier(g, x + t * step, tau, nullptr, nullptr);
      if (next <= phi - 0.25 * t * decrement) break;
    }
    if (halvings == 40 || !(next < phi)) return;  // no descent left at this tau (rounding)
    x += t * step;
  }
}

/// The barrier method; returns min_i [U_i(y_i | t) - base_i] at the final y and the certified bound M / tau.
double barrier_gap(const GapProgram& g, double* bound) {
  const EconomyProblem& e = *g.e;
  const int n = e.agents(), l = e.goods, N = n * l + 1;
  const auto constraints = static_cast<double>(n + l + n * l);
  Eigen::VectorXd x(N);
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < l; ++k) x[i * l + k] = (*g.W)[static_cast<std::size_t>(k)] / (2.0 * n);
  auto value = [&](const Eigen::VectorXd& y) {
    double least = std::numeric_limits<double>::infinity();
    for (int i = 0; i < n; ++i)
      least = std::min(least, agent_value(g, i, y.data() + i * l) - g.base[static_cast<std::size_t>(i)]);
    return least;
  };
  double scale = 1.0;
  for (double b : g.base) scale = std::max(scale, std::abs(b));
  x[N - 1] = value(x) - scale;
  double tau = constraints / scale;
  while (constraints / tau > 1e-10 * scale) {
    center(g, x, tau);
    tau *= 50.0;
  }
  center(g, x, tau);
  *bound = constraints / tau;
  return value(x);
}

/// sum_i w_i.
std::vector<double> aggregate(const EconomyProblem& e) {
  std::vector<double> W(static_cast<std::size_t>(e.goods), 0.0);
  for (int i = 0; i < e.agents(); ++i)
    for (int k = 0; k < e.goods; ++k) W[static_cast<std::size_t>(k)] += e.endowment(i)[k];
  return W;
}

}  // namespace

double profile_gap(const EconomyProblem& e, const double* rho, const std::vector<double>& base, bool lp, double* bound) {
  const std::vector<double> W = aggregate(e);
  const GapProgram g{&e, rho, base, &W};
  *bound = 0.0;
  return lp ? lp_gap(g) : barrier_gap(g, bound);
}

EconomyEfficiency efficiency_audit(const Model& md, const Construction& q, int threads) {
  const EconomyProblem& e = *md.problem;
  const std::vector<double> W = aggregate(e);
  const bool linear = std::all_of(e.utility.begin(), e.utility.end(),
                                  [](EconomyProblem::Utility u) { return u == EconomyProblem::Utility::Linear; });
  for (double w : W)
    if (!linear && !(w > 0.0))
      throw InputError("endowments: a good with aggregate endowment 0 leaves the efficiency program no interior (Cobb-Douglas)");
  const PosteriorTable& tb = md.table;
  std::vector<double> gap(tb.profiles, 0.0), bound(tb.profiles, 0.0);
  auto solve = [&](std::uint64_t t) {
    GapProgram g{&e, tb.rho(t), {}, &W};
    for (int i = 0; i < e.agents(); ++i) {
      double b = 0.0;  // U_i(z_i(t) | t)
      for (int s = 0; s < e.states(); ++s) b += g.rho[s] * allocation_value(md, q, i, t)[s];
      g.base.push_back(b);
    }
    gap[t] = linear ? lp_gap(g) : barrier_gap(g, &bound[t]);
  };
  if (linear) {  // GLPK is not thread-safe: its LPs run one at a time
    for (std::uint64_t t = 0; t < tb.profiles; ++t)
      if (tb.marginal[t] != 0.0) solve(t);
  } else {  // the barrier method throws nothing
    social::ThreadScope scope(threads);
#pragma omp parallel for schedule(dynamic)
    for (std::int64_t st = 0; st < static_cast<std::int64_t>(tb.profiles); ++st)
      if (tb.marginal[static_cast<std::uint64_t>(st)] != 0.0) solve(static_cast<std::uint64_t>(st));
  }
  EconomyEfficiency out;
  out.max_gap = -std::numeric_limits<double>::infinity();
  std::vector<DistanceMass> points;
  for (std::uint64_t t = 0; t < tb.profiles; ++t) {
    if (tb.marginal[t] == 0.0) continue;
    out.max_gap = std::max(out.max_gap, gap[t]);
    out.bound = std::max(out.bound, bound[t]);
    if (gap[t] > 1e-12) points.push_back({gap[t], tb.marginal[t]});
  }
  out.epsilon = smallest_exceedance_level(points, 1e-12);
  return out;
}

}  // namespace ivassign::economy
