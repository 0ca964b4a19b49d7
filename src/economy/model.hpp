// src/economy/model.hpp — the computational view of an exchange economy (economy-format.md): its
// prior as the social model's type table with the four measures of the one engine, the state beliefs
// P_Theta(. | t_i), the complete-information allocations zeta, the cells A_k of the estimated state,
// and the 2002 construction (beta, c, tau: the quasi-mechanism) for one slack eta.
#pragma once
#include <cstdint>
#include <vector>

#include "ivassign/economy.hpp"
#include "ivassign/posterior.hpp"
#include "ivassign/social.hpp"

namespace ivassign::economy {

/// Everything of the economy that does not depend on eta.
struct Model {
  const EconomyProblem* problem = nullptr;
  PosteriorTable table;                          ///< P(t), rho(t) = P(. | t) over the type profiles
  SocialMeasures measures;
  std::vector<std::vector<double>> belief;       ///< per agent [K_i][m]: P_Theta(theta | t_i)
  std::vector<double> zeta;                      ///< [m][n][l]
  std::vector<double> zeta_utility;              ///< [n][m]: u_i(zeta_i(theta); theta)
  double mu = 0.0;
  bool applies = true;
  std::vector<int> partition;                    ///< [|T|]: k of A_k, -1 for A_0 and outside T*

  int n() const { return problem->agents(); }
  int m() const { return problem->states(); }
  int l() const { return problem->goods; }
  const double* zeta_of(int state, int agent) const {
    return zeta.data() + (static_cast<std::size_t>(state) * static_cast<std::size_t>(n()) + static_cast<std::size_t>(agent)) *
                             static_cast<std::size_t>(l());
  }
};

/// The table, measures, beliefs, zeta (given or Walrasian), mu and the partition.
Model build_model(const EconomyProblem& problem);

/// The quasi-mechanism for one slack eta (Lemma A).
struct Construction {
  double eta = 0.0, c = 0.0;
  std::vector<double> beta;                      ///< [n][m]
  std::vector<std::vector<double>> quasi;        ///< per agent [m][K_i][l]: z_i(k, t_i)
  std::vector<std::vector<double>> value;        ///< per agent [m][K_i][m]: u_i(z_i(k, t_i); theta)
  std::vector<std::vector<double>> endowment_value;  ///< per agent [m]: u_i(w_i; theta)
};

Construction construct(const Model& model, double eta);
/// eta_max = max_i max_k [u_i(zeta_i(k); theta_k) - u_i(zeta_i(k)/2; theta_k)].
double eta_max(const Model& model);
/// The default slack: 1e-3 times the smallest u_i(zeta_i(theta); theta).
double default_eta(const Model& model);

/// z_i(t): the quasi-mechanism's bundle of the estimated state, w_i in A_0 and outside T*.
const double* allocation_of(const Model& model, const Construction& q, int agent, std::uint64_t t);
/// u_i(z_i(t); theta) for every theta (m entries).
const double* allocation_value(const Model& model, const Construction& q, int agent, std::uint64_t t);

/// The audit without the efficiency gap: feasibility, IC margin and the worst lie, XIR slack.
EconomyAudit audit_construction(const Model& model, const Construction& q);
/// The minimum IC margin alone (eta_ic's bisection); `worst` gets agent, type, report.
double min_ic_margin(const Model& model, const Construction& q, int* worst = nullptr);
/// gap(t) of one profile: max s with U_i(y_i | t) - s >= base_i, sum_i y_i <= W, y >= 0, where
/// U_i(y | t) = sum_theta rho[theta] u_i(y; theta). `lp`: GLPK's simplex (linear utilities only); else the
/// log-barrier method, whose feasible value is within *bound of the optimum.
double profile_gap(const EconomyProblem& problem, const double* rho, const std::vector<double>& base, bool lp,
                   double* bound);
/// epsilon of XeE and the largest gap (efficiency.cpp).
EconomyEfficiency efficiency_audit(const Model& model, const Construction& q, int threads);

}  // namespace ivassign::economy
