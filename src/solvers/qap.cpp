// The QAP as an assignment problem and its solution (see include/ivassign/solvers.hpp); reading
// QAPLIB files is io's (src/io/qaplib.cpp).
#include <algorithm>
#include <cmath>

#include "ivassign/error.hpp"
#include "ivassign/solvers.hpp"

namespace ivassign {

double qap_objective(const QapInstance& q, const std::vector<int>& p) {
  const std::size_t n = static_cast<std::size_t>(q.n);
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < n; ++k) total += q.a[i * n + k] * q.b[static_cast<std::size_t>(p[i]) * n + p[k]];
  return total;
}

AssignmentProblem qap_as_assignment(const QapInstance& q, double* bonus_out) {
  const std::size_t n = static_cast<std::size_t>(q.n);
  double max_a = 0, max_b = 0, max_diag = 0;
  for (double x : q.a) max_a = std::max(max_a, x);
  for (double x : q.b) max_b = std::max(max_b, x);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) max_diag = std::max(max_diag, q.a[i * n + i] * q.b[j * n + j]);
  // larger than anything a buyer can add or cause, so every optimum matches everybody
  const double bonus = 2.0 * static_cast<double>(n) * max_a * max_b + max_diag + 1.0;
  AssignmentProblem p;
  p.buyers = p.sellers = q.n;
  p.linear.resize(n * n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) p.linear[i * n + j] = bonus - q.a[i * n + i] * q.b[j * n + j];
  auto& e = p.externalities;
  e.form = ExternalityCosts::Form::Factored;
  e.terms = 1;
  e.weight.assign(n, 1.0);
  e.buyer = q.a;
  e.seller = q.b;
  for (std::size_t i = 0; i < n; ++i) e.buyer[i * n + i] = e.seller[i * n + i] = 0.0;  // the diagonal is linear
  if (bonus_out) *bonus_out = bonus;
  return p;
}

QapResult solve_qaplib(const QapInstance& q, const SolverOptions& options) {
  double bonus = 0;
  const AssignmentProblem p = qap_as_assignment(q, &bonus);
  SolverOptions o = options;
  if (!std::isnan(options.target)) o.target = q.n * bonus - options.target;  // QAP target -> max form
  const AssignmentResult r = solve_assignment(p, o);
  QapResult out;
  out.permutation = r.assignment;
  for (int v : out.permutation)
    if (v < 0) throw Error("qap: the solver returned an incomplete assignment (a bug: the bonus makes every optimum complete)");
  out.objective = qap_objective(q, out.permutation);
  out.optimal = r.optimal;
  out.seconds = r.seconds;
  out.iterations = r.iterations;
  out.solver = r.solver;
  out.backend = r.backend;
  return out;
}

}  // namespace ivassign
