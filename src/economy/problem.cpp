// The EconomyProblem's own quantity: the utility u_i(x; theta) of a bundle (economy-format.md,
// `utilities`). Reading, validating and writing the file is io's (src/io/economy_json.cpp,
// src/io/economy_rules.cpp).
#include <cmath>

#include "ivassign/economy.hpp"

namespace ivassign {

double EconomyProblem::utility_of(int agent, int state, const double* x) const {
  const double* a = coef(agent, state);
  if (utility[static_cast<std::size_t>(agent)] == Utility::Linear) {
    double v = 0.0;  // u_i(x; theta) = a . x
    for (int g = 0; g < goods; ++g) v += a[g] * x[g];
    return v;
  }
  double v = 1.0;  // u_i(x; theta) = prod_g x_g^(a_g), 0^0 = 1
  for (int g = 0; g < goods; ++g)
    if (a[g] > 0.0) v *= std::pow(x[g], a[g]);
  return v;
}

}  // namespace ivassign
