// ivassign/economy.hpp — exchange economies without money (shared spec economy-format.md): the 2002
// construction of McLean and Postlewaite (1999 foundation paper, Lemma A and the proof of Theorem 1)
// of an IC, ex post IR, ex post epsilon-efficient allocation rule, audited exactly:
//
//   run_economy()       complete-information allocations zeta(theta) (given, or Walrasian for
//                       Cobb-Douglas economies), the quasi-mechanism (beta, c, tau), the estimated
//                       state's cells A_k (aggregate uncertainty mu), the allocation of every profile,
//                       the audit (feasibility, IC margin, XIR slack, efficiency gap epsilon) and
//                       eta_ic, the smallest slack that makes the construction IC
//   walrasian_allocation() the Walrasian equilibrium of a Cobb-Douglas exchange economy
//   generate_economy_*() the 1999 paper's section 4.1 economy; random Cobb-Douglas economies
//
// Types, states and the prior are those of social-format.md (the economy holds them as a
// SocialProblem and measures them with the social model's one table and one measures engine).
//
//   auto e = ivassign::load_economy_problem("exchange.json");
//   std::cout << ivassign::economy_report_json(ivassign::run_economy(e, {}));
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ivassign/social.hpp"

namespace ivassign {

/// An exchange economy, `ivassign-economy/1`.
struct EconomyProblem {
  enum class Utility { Linear, CobbDouglas };

  /// agents, types, states, prior and name (one outcome, zero values: only the prior is used).
  SocialProblem base;
  int goods = 0;                       ///< l
  std::vector<double> endowments;      ///< w_i, [n][l]
  std::vector<Utility> utility;        ///< [n]
  std::vector<double> coefficients;    ///< a_i(theta), [n][m][l]: linear coefficients or exponents
  bool has_cie = false;
  std::vector<double> cie;             ///< zeta_i(theta), [m][n][l] (when has_cie)

  int agents() const { return base.agents; }
  int states() const { return base.states; }
  const double* coef(int agent, int state) const {
    return coefficients.data() + (static_cast<std::size_t>(agent) * static_cast<std::size_t>(base.states) +
                                  static_cast<std::size_t>(state)) * static_cast<std::size_t>(goods);
  }
  const double* endowment(int agent) const {
    return endowments.data() + static_cast<std::size_t>(agent) * static_cast<std::size_t>(goods);
  }
  /// u_i(x; theta): a . x (linear) or prod_g x_g^(a_g) (Cobb-Douglas, 0^0 = 1).
  double utility_of(int agent, int state, const double* x) const;
};

/// Reads and validates an economy file (InputError naming key, index and rule).
EconomyProblem load_economy_problem(const std::string& path);
EconomyProblem parse_economy_problem(const std::string& text, const std::string& origin);
/// The rules of the format beyond JSON syntax (shapes, signs, exponents, cie feasible and IR, a
/// linear economy without cie); the prior's rules are social-format.md's.
void validate_economy_problem(const EconomyProblem& problem);
std::string economy_problem_to_json(const EconomyProblem& problem);
void save_economy_problem(const EconomyProblem& problem, const std::string& path);

/// The Walrasian equilibrium of state theta's Cobb-Douglas economy e(theta): allocation [n][l] and
/// prices (summing to 1). InputError when an agent is not Cobb-Douglas or a good has no endowment.
std::vector<double> walrasian_allocation(const EconomyProblem& problem, int state, std::vector<double>* prices = nullptr);

struct EconomyOptions {
  std::optional<double> eta;   ///< the slack; absent: 1e-3 times the smallest u_i(zeta_i(theta); theta)
  bool all_profiles = false;   ///< the allocation of every profile in the result
  bool eta_ic = true;          ///< search eta_ic (a bisection of audits)
  bool efficiency = true;      ///< the efficiency gap (one optimization per profile of T*)
  int threads = 0;             ///< 0: all cores
};

/// epsilon of XeE: gap(t) = max over feasible y of min_i [U_i(y_i|t) - U_i(z_i(t)|t)] and
/// epsilon = min{e >= 0 : P(gap(t) <= e) >= 1 - e}. Linear utilities: GLPK's simplex, exact up to
/// its tolerances; otherwise a log-barrier method whose gap is a lower bound within `bound` of the
/// optimum (the barrier's duality gap).
struct EconomyEfficiency {
  double epsilon = 0.0;
  double max_gap = 0.0;
  double bound = 0.0;          ///< the largest certified distance of a gap from its optimum (0: LP)
};

struct EconomyAudit {
  bool feasible = true;
  double max_excess = 0.0;
  bool ic = true;
  double min_margin = 0.0;                     ///< +inf written as null: no agent with two types
  int worst_agent = -1, worst_type = -1, worst_report = -1;
  bool xir = true;
  double min_slack = 0.0;
  int ir_agent = -1;
  std::vector<int> ir_profile;
  std::optional<EconomyEfficiency> efficiency;
};

/// eta_ic: the smallest eta in (0, eta_max] whose construction is IC (a log grid of 97 points over 12
/// decades below eta_max, then a bisection to relative 1e-12 below the smallest IC grid point).
struct EconomyEtaIc {
  std::optional<double> eta;   ///< null when no grid point (eta_max included) is IC
  double eta_max = 0.0;
  double min_margin = 0.0;     ///< at eta (at eta_max when eta is null)
  std::optional<bool> xir;     ///< at eta
  std::optional<double> min_slack;
  std::optional<EconomyEfficiency> efficiency;
};

struct EconomyResult {
  std::string name;
  double eta = 0.0, c = 0.0;
  std::optional<double> lambda;               ///< c * min_i Lambda^Theta_i over agents with two types or more
  SocialMeasures measures;
  int agents = 0, goods = 0, states = 0;
  std::vector<int> types;
  std::vector<double> cie;                    ///< [m][n][l]
  std::vector<double> beta;                   ///< [n][m]
  std::vector<std::vector<double>> quasi;     ///< per agent [m][K_i][l]
  double mu = 0.0;
  bool applies = true;
  std::vector<int> partition;                 ///< [|T|]: k of A_k, -1 for A_0 or outside T*
  std::vector<double> allocations;            ///< [|T|][n][l] (with all_profiles)
  EconomyAudit audit;
  std::optional<EconomyEtaIc> eta_ic;
};

/// InputError when eta is not > 0.
EconomyResult run_economy(const EconomyProblem& problem, const EconomyOptions& options);
std::string economy_report_json(const EconomyResult& result);

/// The 1999 paper's section 4.1 economy: three A agents (money `money`, no good, no signal; values
/// 23 / 7 for the good), three B agents (one unit, signal accuracy (1 + r)/2 on two equally likely
/// states; values 20 / 4), linear utilities, cie: each A buys one unit at prices[theta].
EconomyProblem generate_economy_exchange(double r, double money = 30.0, std::vector<double> prices = {21.5, 5.5});

/// A random Cobb-Douglas economy without cie (Walrasian zeta): conditionally independent prior,
/// endowments and exponents with 3 decimals, splitmix64 from `seed`.
struct CobbDouglasOptions {
  int agents = 3, types = 2, states = 2, goods = 2;
  std::uint64_t seed = 1;
};
EconomyProblem generate_economy_cobb_douglas(const CobbDouglasOptions& options);

}  // namespace ivassign
