// The economies of economy-format.md's examples: the 1999 paper's section 4.1 exchange economy and
// random Cobb-Douglas economies without cie (their zeta is Walrasian).
#include <cmath>
#include <iomanip>
#include <sstream>
#include <string>
#include <vector>

#include "common/random.hpp"
#include "ivassign/economy.hpp"
#include "ivassign/error.hpp"

namespace ivassign {

EconomyProblem generate_economy_exchange(double r, double money, std::vector<double> prices) {
  if (!(r > 0.0 && r <= 1.0)) throw InputError("r: " + std::to_string(r) + " must lie in (0, 1]");
  if (!(money > 0.0) || !std::isfinite(money)) throw InputError("money: " + std::to_string(money) + " must be > 0");
  if (prices.size() != 2) throw InputError("prices: needs two prices (states 1 and 2)");
  for (double p : prices)
    if (!(p >= 0.0 && p <= money)) throw InputError("prices: " + std::to_string(p) + " must lie in [0, money]");
  EconomyProblem e;
  SocialProblem& b = e.base;
  std::ostringstream name;
  name << "exchange-r" << std::setprecision(12) << r;
  b.name = name.str();
  b.agents = 6, b.types = {1, 1, 1, 2, 2, 2}, b.outcomes = 1, b.states = 2;
  b.prior_form = SocialProblem::Prior::ConditionallyIndependent;
  b.prior_lambda = {0.5, 0.5};
  const double q = (1.0 + r) / 2.0;  // a B agent's signal is right with probability (1 + r) / 2
  for (int i = 0; i < 6; ++i) b.prior_q.push_back(i < 3 ? std::vector<double>{1.0, 1.0} : std::vector<double>{q, 1.0 - q, 1.0 - q, q});
  for (int i = 0; i < 6; ++i) {
    b.value_offset.push_back(b.values.size());
    b.values.insert(b.values.end(), static_cast<std::size_t>(2 * b.types[static_cast<std::size_t>(i)]), 0.0);
  }
  e.goods = 2;  // money, the good
  for (int i = 0; i < 6; ++i) {
    const bool a = i < 3;  // A agents value the good at 23 / 7, B agents at 20 / 4
    e.endowments.insert(e.endowments.end(), {a ? money : 0.0, a ? 0.0 : 1.0});
    e.utility.push_back(EconomyProblem::Utility::Linear);
    e.coefficients.insert(e.coefficients.end(), {1.0, a ? 23.0 : 20.0, 1.0, a ? 7.0 : 4.0});
  }
  e.has_cie = true;  // each A buys one unit from a B at the state's price
  for (double p : prices)
    for (int i = 0; i < 6; ++i) e.cie.insert(e.cie.end(), {i < 3 ? money - p : p, i < 3 ? 1.0 : 0.0});
  validate_economy_problem(e);
  return e;
}

namespace {

/// count positive numbers summing to 1 (each drawn from [0.05, 1), normalized).
std::vector<double> simplex_point(SplitMix64& rng, int count) {
  std::vector<double> v(static_cast<std::size_t>(count));
  double total = 0.0;
  for (double& x : v) total += (x = 0.05 + 0.95 * rng.uniform());
  for (double& x : v) x /= total;
  return v;
}

}  // namespace

EconomyProblem generate_economy_cobb_douglas(const CobbDouglasOptions& o) {
  if (o.agents < 1 || o.agents > 64) throw InputError("agents: " + std::to_string(o.agents) + " must lie in [1, 64]");
  if (o.types < 1 || o.types > 64) throw InputError("types: " + std::to_string(o.types) + " must lie in [1, 64]");
  if (o.states < 1 || o.states > 64) throw InputError("states: " + std::to_string(o.states) + " must lie in [1, 64]");
  if (o.goods < 1 || o.goods > 64) throw InputError("goods: " + std::to_string(o.goods) + " must lie in [1, 64]");
  SplitMix64 rng{o.seed};
  EconomyProblem e;
  SocialProblem& b = e.base;
  b.name = "cobb-douglas-" + std::to_string(o.agents) + "x" + std::to_string(o.types) + "-seed" + std::to_string(o.seed);
  b.agents = o.agents, b.types.assign(static_cast<std::size_t>(o.agents), o.types), b.outcomes = 1, b.states = o.states;
  b.prior_form = SocialProblem::Prior::ConditionallyIndependent;
  b.prior_lambda = simplex_point(rng, o.states);
  for (int i = 0; i < o.agents; ++i) {
    std::vector<double> q;  // q_i(t_i | theta), [m][K]
    for (int s = 0; s < o.states; ++s)
      for (double x : simplex_point(rng, o.types)) q.push_back(x);
    b.prior_q.push_back(q);
    b.value_offset.push_back(b.values.size());
    b.values.insert(b.values.end(), static_cast<std::size_t>(o.states * o.types), 0.0);
  }
  e.goods = o.goods;
  for (int i = 0; i < o.agents; ++i) {
    for (int g = 0; g < o.goods; ++g) e.endowments.push_back(std::round(500.0 + 1500.0 * rng.uniform()) / 1000.0);
    e.utility.push_back(EconomyProblem::Utility::CobbDouglas);
    for (int s = 0; s < o.states; ++s)
      for (double a : simplex_point(rng, o.goods)) e.coefficients.push_back(a);
  }
  validate_economy_problem(e);
  return e;
}

}  // namespace ivassign
