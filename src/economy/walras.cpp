// The Walrasian equilibrium of a Cobb-Douglas exchange economy e(theta) (economy-format.md, without
// `cie`): demands x_ig = a_ig (p . w_i) / p_g, so the values of the aggregate goods q_g = p_g W_g
// solve q = C q with C_gh = sum_i a_ig w_ih / W_h (column-stochastic); p_g = q_g / W_g, sum p = 1.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "ivassign/economy.hpp"
#include "ivassign/error.hpp"

namespace ivassign {

namespace {

/// The aggregate endowments W_g (InputError when one is 0).
std::vector<double> aggregate_endowment(const EconomyProblem& e) {
  std::vector<double> W(static_cast<std::size_t>(e.goods), 0.0);
  for (int i = 0; i < e.agents(); ++i)
    for (int g = 0; g < e.goods; ++g) W[static_cast<std::size_t>(g)] += e.endowment(i)[g];
  for (int g = 0; g < e.goods; ++g)
    if (!(W[static_cast<std::size_t>(g)] > 0.0))
      throw InputError("endowments: good " + std::to_string(g) + " has aggregate endowment 0; no Walrasian equilibrium");
  return W;
}

/// Excess demand z_g(p) = sum_i x_ig(p) - W_g.
Eigen::VectorXd excess(const EconomyProblem& e, int state, const Eigen::VectorXd& p, const std::vector<double>& W) {
  Eigen::VectorXd z = -Eigen::Map<const Eigen::VectorXd>(W.data(), e.goods);
  for (int i = 0; i < e.agents(); ++i) {
    double income = 0.0;  // p . w_i
    for (int g = 0; g < e.goods; ++g) income += p[g] * e.endowment(i)[g];
    for (int g = 0; g < e.goods; ++g) z[g] += e.coef(i, state)[g] * income / p[g];
  }
  return z;
}

}  // namespace

std::vector<double> walrasian_allocation(const EconomyProblem& e, int state, std::vector<double>* prices) {
  for (int i = 0; i < e.agents(); ++i)
    if (e.utility[static_cast<std::size_t>(i)] != EconomyProblem::Utility::CobbDouglas)
      throw InputError("utilities[" + std::to_string(i) + "]: the Walrasian allocation needs Cobb-Douglas utilities");
  const std::vector<double> W = aggregate_endowment(e);
  const int l = e.goods;
  Eigen::MatrixXd A = Eigen::MatrixXd::Zero(l + 1, l);  // (C - I) q = 0 and sum q = 1
  for (int i = 0; i < e.agents(); ++i)
    for (int g = 0; g < l; ++g)
      for (int h = 0; h < l; ++h) A(g, h) += e.coef(i, state)[g] * e.endowment(i)[h] / W[static_cast<std::size_t>(h)];
  for (int g = 0; g < l; ++g) A(g, g) -= 1.0;
  A.row(l).setOnes();
  Eigen::VectorXd rhs = Eigen::VectorXd::Zero(l + 1);
  rhs[l] = 1.0;
  Eigen::VectorXd q = A.colPivHouseholderQr().solve(rhs);
  for (int refine = 0; refine < 3; ++refine) q += A.colPivHouseholderQr().solve(rhs - A * q);  // iterative refinement
  Eigen::VectorXd p(l);
  for (int g = 0; g < l; ++g) p[g] = std::max(q[g], 0.0) / W[static_cast<std::size_t>(g)];
  const double total = p.sum();
  if (!(total > 0.0) || (p.array() <= 0.0).any())
    throw InputError("utilities: state " + std::to_string(state) +
                     "'s Cobb-Douglas economy has no equilibrium with positive prices (a good nobody values)");
  p /= total;
  const double scale = *std::max_element(W.begin(), W.end());
  const Eigen::VectorXd z = excess(e, state, p, W);
  if (z.cwiseAbs().maxCoeff() > 1e-12 * std::max(1.0, scale))
    throw Error("walrasian_allocation: excess demand " + std::to_string(z.cwiseAbs().maxCoeff()) +
                " above the tolerance 1e-12 in state " + std::to_string(state));
  std::vector<double> x(static_cast<std::size_t>(e.agents()) * static_cast<std::size_t>(l));
  for (int i = 0; i < e.agents(); ++i) {
    double income = 0.0;
    for (int g = 0; g < l; ++g) income += p[g] * e.endowment(i)[g];
    for (int g = 0; g < l; ++g)  // x_ig = a_ig (p . w_i) / p_g
      x[static_cast<std::size_t>(i) * static_cast<std::size_t>(l) + static_cast<std::size_t>(g)] = e.coef(i, state)[g] * income / p[g];
  }
  if (prices != nullptr) prices->assign(p.data(), p.data() + l);
  return x;
}

}  // namespace ivassign
