// validate_economy_problem: the rules of economy-format.md beyond JSON syntax, one function per group
// (prior, endowments, utilities, cie), checked in that order. Messages name the key, the index and
// the rule; the first broken rule throws.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "common/format.hpp"
#include "ivassign/economy.hpp"
#include "ivassign/error.hpp"
#include "ivassign/tolerances.hpp"

namespace ivassign {

namespace {

std::string idx2(const std::string& key, std::size_t a, std::size_t b) {
  return key + "[" + std::to_string(a) + "][" + std::to_string(b) + "]";
}

std::string idx3(const std::string& key, std::size_t a, std::size_t b, std::size_t c) {
  return idx2(key, a, b) + "[" + std::to_string(c) + "]";
}

/// endowments: [n][l] finite numbers >= 0, each agent's nonzero.
void check_endowments(const EconomyProblem& e) {
  const auto n = static_cast<std::size_t>(e.agents()), l = static_cast<std::size_t>(e.goods);
  if (e.endowments.size() != n * l) throw InputError("endowments: has the wrong shape, expected [n][l]");
  for (std::size_t i = 0; i < n; ++i) {
    double total = 0.0;
    for (std::size_t g = 0; g < l; ++g) {
      const double w = e.endowments[i * l + g];
      if (!std::isfinite(w) || w < 0.0)
        throw InputError(idx2("endowments", i, g) + ": " + num(w) + " must be a finite number >= 0");
      total += w;
    }
    if (!(total > 0.0)) throw InputError(idx("endowments", i) + ": is all 0; every agent's endowment must be nonzero");
  }
}

/// utilities: linear coefficients >= 0, not all 0 in a state; Cobb-Douglas exponents >= 0 summing to
/// 1 (relative 1e-9) in each state.
void check_utilities(const EconomyProblem& e) {
  const auto n = static_cast<std::size_t>(e.agents()), m = static_cast<std::size_t>(e.states()),
             l = static_cast<std::size_t>(e.goods);
  if (e.utility.size() != n || e.coefficients.size() != n * m * l)
    throw InputError("utilities: has the wrong shape, expected [n] objects of [m][l]");
  for (std::size_t i = 0; i < n; ++i) {
    const bool linear = e.utility[i] == EconomyProblem::Utility::Linear;
    const std::string key = idx("utilities", i) + (linear ? ".linear" : ".cobb_douglas");
    for (std::size_t s = 0; s < m; ++s) {
      double total = 0.0;
      for (std::size_t g = 0; g < l; ++g) {
        const double a = e.coefficients[(i * m + s) * l + g];
        if (!std::isfinite(a) || a < 0.0)
          throw InputError(idx2(key, s, g) + ": " + num(a) + (linear ? " must be a coefficient >= 0" : " must be an exponent >= 0"));
        total += a;
      }
      if (linear && !(total > 0.0))
        throw InputError(idx(key, s) + ": coefficients are all 0; a linear utility needs one positive coefficient in each state");
      if (!linear && std::abs(total - 1.0) > tol::kProbabilitySum)
        throw InputError(idx(key, s) + ": exponents sum to " + num(total) + "; Cobb-Douglas exponents must sum to 1 (relative 1e-9)");
    }
  }
}

/// cie[theta][i]: finite, >= 0, nonzero, individually rational: u_i(zeta_i(theta)) >= u_i(w_i) (1e-9 relative).
void check_cie_entries(const EconomyProblem& e) {
  const auto n = static_cast<std::size_t>(e.agents()), m = static_cast<std::size_t>(e.states()),
             l = static_cast<std::size_t>(e.goods);
  for (std::size_t s = 0; s < m; ++s)
    for (std::size_t i = 0; i < n; ++i) {
      const double* z = e.cie.data() + (s * n + i) * l;
      double total = 0.0;
      for (std::size_t g = 0; g < l; ++g) {
        if (!std::isfinite(z[g]) || z[g] < 0.0)
          throw InputError(idx3("cie", s, i, g) + ": " + num(z[g]) + " must be a finite number >= 0");
        total += z[g];
      }
      if (!(total > 0.0)) throw InputError(idx2("cie", s, i) + ": is all 0; every agent's allocation must be nonzero");
      const double uz = e.utility_of(static_cast<int>(i), static_cast<int>(s), z);
      const double uw = e.utility_of(static_cast<int>(i), static_cast<int>(s), e.endowment(static_cast<int>(i)));
      if (uz < uw - 1e-9 * std::max(1.0, std::abs(uw)))
        throw InputError(idx2("cie", s, i) + ": utility " + num(uz) + " is below the endowment's " + num(uw) +
                         "; the complete-information allocation must be individually rational");
    }
}

/// cie[theta]: sum_i zeta_i(theta) <= sum_i w_i (1e-9 relative to the aggregate endowment of the good).
void check_cie_feasible(const EconomyProblem& e) {
  const auto n = static_cast<std::size_t>(e.agents()), m = static_cast<std::size_t>(e.states()),
             l = static_cast<std::size_t>(e.goods);
  for (std::size_t g = 0; g < l; ++g) {
    double w = 0.0;
    for (std::size_t i = 0; i < n; ++i) w += e.endowments[i * l + g];
    for (std::size_t s = 0; s < m; ++s) {
      double z = 0.0;
      for (std::size_t i = 0; i < n; ++i) z += e.cie[(s * n + i) * l + g];
      if (z > w + 1e-9 * std::max(1.0, w))
        throw InputError(idx("cie", s) + ": good " + std::to_string(g) + " is allocated " + num(z) + " > " + num(w) +
                         " in total; the allocation must be feasible (sum_i zeta_i <= sum_i w_i)");
    }
  }
}

/// Without cie, every utility must be Cobb-Douglas (zeta is then the Walrasian allocation) and every
/// good must have a positive aggregate endowment.
void check_walrasian(const EconomyProblem& e) {
  const auto n = static_cast<std::size_t>(e.agents()), l = static_cast<std::size_t>(e.goods);
  for (std::size_t i = 0; i < n; ++i)
    if (e.utility[i] != EconomyProblem::Utility::CobbDouglas)
      throw InputError("cie: required key is missing; utilities[" + std::to_string(i) +
                       "] is linear, and without cie every utility must be Cobb-Douglas (Walrasian allocations)");
  for (std::size_t g = 0; g < l; ++g) {
    double w = 0.0;
    for (std::size_t i = 0; i < n; ++i) w += e.endowments[i * l + g];
    if (!(w > 0.0))
      throw InputError("endowments: good " + std::to_string(g) +
                       " has aggregate endowment 0; the Walrasian allocation (no cie) needs positive aggregate endowments");
  }
}

}  // namespace

void validate_economy_problem(const EconomyProblem& e) {
  validate_social_problem(e.base);
  if (e.states() < 1) throw InputError("states: required and >= 1");
  if (e.goods < 1) throw InputError("goods: " + std::to_string(e.goods) + " must be >= 1");
  check_endowments(e);
  check_utilities(e);
  if (!e.has_cie) {
    check_walrasian(e);
    return;
  }
  const auto cie_size = static_cast<std::size_t>(e.states()) * static_cast<std::size_t>(e.agents()) *
                        static_cast<std::size_t>(e.goods);
  if (e.cie.size() != cie_size) throw InputError("cie: has the wrong shape, expected [m][n][l]");
  check_cie_entries(e);
  check_cie_feasible(e);
}

}  // namespace ivassign
