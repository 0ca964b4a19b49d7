// The economy's computational view (economy-format.md, Construction): the social model's type table
// and measures, the state beliefs P_Theta(. | t_i), zeta, the cells A_k of the estimated state and
// the quasi-mechanism of Lemma A for one slack eta. Utilities are homogeneous of degree 1 (linear and
// Cobb-Douglas alike), so u(b x) = b u(x) gives beta and tau in closed form.
#include "economy/model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ivassign/error.hpp"
#include "kernels/profile_index.cuh"
#include "kernels/social_math.cuh"
#include "social/model.hpp"

namespace ivassign::economy {

namespace {

/// P_Theta(theta | t_i) = sum_{t_-i} P(t_-i | t_i) P(theta | t), per agent [K_i][m].
std::vector<std::vector<double>> state_beliefs(const PosteriorTable& tb) {
  std::vector<std::vector<double>> out;
  const auto m = static_cast<std::size_t>(tb.states);
  for (std::size_t i = 0; i < tb.signals.size(); ++i) {
    const int k = tb.signals[i];
    const std::uint64_t stride = tb.strides[i], others = tb.profiles / static_cast<std::uint64_t>(k);
    std::vector<double> b(static_cast<std::size_t>(k) * m, 0.0);
    for (int ti = 0; ti < k; ++ti)
      for (std::uint64_t o = 0; o < others; ++o) {
        const std::uint64_t t = kernels::profile_with_signal(o, stride, k, ti);
        if (tb.marginal[t] == 0.0) continue;
        const double p = tb.conditional(static_cast<int>(i), t, ti);
        for (std::size_t s = 0; s < m; ++s) b[static_cast<std::size_t>(ti) * m + s] += p * tb.rho(t)[s];
      }
    out.push_back(std::move(b));
  }
  return out;
}

/// A_k = {t in T* : ||P(.|t) - chi_theta_k|| <= mu}, the smallest k when cells overlap (mu >= 1).
void fill_partition(Model& md) {
  const PosteriorTable& tb = md.table;
  md.partition.assign(tb.profiles, -1);
  for (std::uint64_t t = 0; t < tb.profiles; ++t) {
    if (tb.marginal[t] == 0.0) continue;
    for (int k = 0; k < md.m(); ++k)
      if (kernels::distance_to_state(tb.rho(t), k) <= md.mu) {
        md.partition[t] = k;
        break;
      }
  }
}

}  // namespace

Model build_model(const EconomyProblem& e) {
  Model md;
  md.problem = &e;
  md.table = social::type_table(e.base);
  social::PairMeasures pairs;
  md.measures = social::measures_of(md.table, pairs, Backend::Cpu);
  md.belief = state_beliefs(md.table);
  if (e.has_cie) {
    md.zeta = e.cie;
  } else {
    for (int s = 0; s < e.states(); ++s) {
      const std::vector<double> x = walrasian_allocation(e, s);
      md.zeta.insert(md.zeta.end(), x.begin(), x.end());
    }
  }
  for (int i = 0; i < md.n(); ++i)
    for (int s = 0; s < md.m(); ++s) md.zeta_utility.push_back(e.utility_of(i, s, md.zeta_of(s, i)));
  for (double mu : md.measures.aggregate_uncertainty) md.mu = std::max(md.mu, mu);  // mu = max_i mu_i
  md.applies = md.mu < 1.0;
  fill_partition(md);
  return md;
}

double eta_max(const Model& md) {
  double best = 0.0;
  std::vector<double> half(static_cast<std::size_t>(md.l()));
  for (int i = 0; i < md.n(); ++i)
    for (int k = 0; k < md.m(); ++k) {
      for (int g = 0; g < md.l(); ++g) half[static_cast<std::size_t>(g)] = 0.5 * md.zeta_of(k, i)[g];
      best = std::max(best, md.zeta_utility[static_cast<std::size_t>(i * md.m() + k)] - md.problem->utility_of(i, k, half.data()));
    }
  return best;
}

double default_eta(const Model& md) {
  const double least = *std::min_element(md.zeta_utility.begin(), md.zeta_utility.end());
  if (!(least > 0.0))
    throw InputError("cie: the smallest u_i(zeta_i(theta); theta) is 0, so the default eta (1e-3 times it) is 0; give --eta");
  return 1e-3 * least;
}

namespace {

/// beta_i(k) = min{beta in [1/2, 1] : u - u(beta zeta) = (1 - beta) u <= eta} and c = min (1 - beta) u.
void fill_beta(const Model& md, Construction& q) {
  const auto n = static_cast<std::size_t>(md.n()), m = static_cast<std::size_t>(md.m());
  q.beta.assign(n * m, 1.0);
  q.c = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < m; ++k) {
      const double u = md.zeta_utility[i * m + k];
      const double b = u > 0.0 ? std::max(0.5, 1.0 - q.eta / u) : 0.5;
      q.beta[i * m + k] = b;
      q.c = std::min(q.c, (1.0 - b) * u);
    }
}

/// z_i(k, t_i) = (1 + tau) beta zeta_i(k) with tau beta u_i(zeta_i(k)) = c alpha_i(k, t_i),
/// alpha_i(k, t_i) = P(theta_k | t_i) / ||P_Theta(. | t_i)||_2; and u_i(z_i(k, t_i); theta) for all theta.
void fill_quasi(const Model& md, Construction& q) {
  const EconomyProblem& e = *md.problem;
  const auto m = static_cast<std::size_t>(md.m()), l = static_cast<std::size_t>(md.l());
  for (int i = 0; i < md.n(); ++i) {
    const auto K = static_cast<std::size_t>(e.base.types[static_cast<std::size_t>(i)]);
    std::vector<double> z(m * K * l), v(m * K * m), w(m);
    for (std::size_t ti = 0; ti < K; ++ti) {
      const double* p = md.belief[static_cast<std::size_t>(i)].data() + ti * m;
      double norm = 0.0;
      for (std::size_t s = 0; s < m; ++s) norm += p[s] * p[s];
      norm = std::sqrt(norm);
      for (std::size_t k = 0; k < m; ++k) {
        const double beta = q.beta[static_cast<std::size_t>(i) * m + k];
        const double bu = beta * md.zeta_utility[static_cast<std::size_t>(i) * m + k];
        const double tau = bu > 0.0 ? q.c * (p[k] / norm) / bu : 0.0;
        double* out = z.data() + (k * K + ti) * l;
        for (std::size_t g = 0; g < l; ++g) out[g] = (1.0 + tau) * beta * md.zeta_of(static_cast<int>(k), i)[g];
        for (std::size_t s = 0; s < m; ++s) v[(k * K + ti) * m + s] = e.utility_of(i, static_cast<int>(s), out);
      }
    }
    for (std::size_t s = 0; s < m; ++s) w[s] = e.utility_of(i, static_cast<int>(s), e.endowment(i));
    q.quasi.push_back(std::move(z));
    q.value.push_back(std::move(v));
    q.endowment_value.push_back(std::move(w));
  }
}

}  // namespace

Construction construct(const Model& md, double eta) {
  if (!(eta > 0.0) || !std::isfinite(eta)) throw InputError("eta: " + std::to_string(eta) + " must be a finite number > 0");
  Construction q;
  q.eta = eta;
  fill_beta(md, q);
  fill_quasi(md, q);
  return q;
}

const double* allocation_of(const Model& md, const Construction& q, int agent, std::uint64_t t) {
  const int k = md.partition[t];
  if (k < 0) return md.problem->endowment(agent);
  const auto K = static_cast<std::size_t>(md.table.signals[static_cast<std::size_t>(agent)]);
  const auto ti = static_cast<std::size_t>(md.table.signal_of(t, agent));
  return q.quasi[static_cast<std::size_t>(agent)].data() + (static_cast<std::size_t>(k) * K + ti) * static_cast<std::size_t>(md.l());
}

const double* allocation_value(const Model& md, const Construction& q, int agent, std::uint64_t t) {
  const int k = md.partition[t];
  if (k < 0) return q.endowment_value[static_cast<std::size_t>(agent)].data();
  const auto K = static_cast<std::size_t>(md.table.signals[static_cast<std::size_t>(agent)]);
  const auto ti = static_cast<std::size_t>(md.table.signal_of(t, agent));
  return q.value[static_cast<std::size_t>(agent)].data() + (static_cast<std::size_t>(k) * K + ti) * static_cast<std::size_t>(md.m());
}

}  // namespace ivassign::economy
