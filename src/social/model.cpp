// The prior tables of the social model and the four measures of a prior (social-format.md,
// Definitions). The per-element formulas are those of kernels/posterior.cuh, kernels/measures.cuh
// and kernels/social_math.cuh; the informational-size level is smallest_exceedance_level, shared
// with the assignment engine.
#include "social/model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ivassign/tolerances.hpp"
#include "kernels/measures.cuh"
#include "kernels/posterior.cuh"
#include "kernels/social_math.cuh"
#include "posterior/informational_size.hpp"

namespace ivassign::social {

void set_dims(PriorTable& table, const std::vector<int>& dims) {
  table.dims = dims;
  const std::size_t n = dims.size();
  table.strides.assign(n, 1);
  for (std::size_t i = n; i-- > 1;) table.strides[i - 1] = table.strides[i] * static_cast<std::uint64_t>(dims[i]);
  table.count = n == 0 ? 1 : table.strides[0] * static_cast<std::uint64_t>(dims[0]);
}

void finish_table(PriorTable& tb) {
  const int n = tb.agents();
  std::vector<std::size_t> off(static_cast<std::size_t>(n) + 1, 0);
  for (int i = 0; i < n; ++i) off[static_cast<std::size_t>(i) + 1] = off[static_cast<std::size_t>(i)] + static_cast<std::size_t>(tb.dims[static_cast<std::size_t>(i)]);
  const std::size_t width = off.back();
  const auto m = static_cast<std::size_t>(tb.states);
  // type marginals, then (with states) the unnormalized state beliefs sum_{t_-i} P(theta, t)
  const std::vector<double> sums = blocked_accumulate(tb.count, width * (1 + m), [&](std::uint64_t t, double* acc) {
    const double p = tb.marginal[t];
    if (p == 0.0) return;
    for (int i = 0; i < n; ++i) {
      const std::size_t k = off[static_cast<std::size_t>(i)] + static_cast<std::size_t>(tb.type_of(t, i));
      acc[k] += p;
      if (m > 0) {
        const double* rho = tb.post(t);
        for (std::size_t s = 0; s < m; ++s) acc[width + k * m + s] += p * rho[s];
      }
    }
  });
  tb.type_marginal.assign(static_cast<std::size_t>(n), {});
  tb.state_given_type.assign(static_cast<std::size_t>(n), {});
  for (int i = 0; i < n; ++i) {
    const auto ii = static_cast<std::size_t>(i);
    const auto K = static_cast<std::size_t>(tb.dims[ii]);
    tb.type_marginal[ii].assign(sums.begin() + static_cast<std::ptrdiff_t>(off[ii]),
                                sums.begin() + static_cast<std::ptrdiff_t>(off[ii] + K));
    if (m == 0) continue;
    tb.state_given_type[ii].assign(K * m, 0.0);
    for (std::size_t a = 0; a < K; ++a) {
      const double pa = tb.type_marginal[ii][a];
      for (std::size_t s = 0; s < m; ++s)
        tb.state_given_type[ii][a * m + s] = pa > 0.0 ? sums[width + (off[ii] + a) * m + s] / pa : 0.0;
    }
  }
}

PriorTable type_table(const SocialProblem& p) {
  PriorTable tb;
  set_dims(tb, p.types);
  const std::uint64_t T = tb.count;
  const int n = p.agents;
  tb.marginal.assign(T, 0.0);
  if (p.values_form == SocialProblem::Values::ByState) {
    tb.states = p.states;
    const auto m = static_cast<std::uint64_t>(p.states);
    tb.posterior.assign(T * m, 0.0);
    if (p.prior_form == SocialProblem::Prior::Joint) {
#pragma omp parallel for schedule(static)
      for (std::int64_t st = 0; st < static_cast<std::int64_t>(T); ++st) {
        const auto t = static_cast<std::uint64_t>(st);
        tb.marginal[t] = kernels::posterior_from_joint(p.prior_joint.data(), p.states, T, t, tb.posterior.data() + t * m);
      }
    } else {  // conditionally independent
      std::vector<std::uint64_t> q_offset(static_cast<std::size_t>(n));
      std::vector<double> q_flat, log_q, log_lambda;
      bool positive = true;
      for (double l : p.prior_lambda) positive = positive && l > 0.0;
      for (int i = 0; i < n; ++i) {
        q_offset[static_cast<std::size_t>(i)] = q_flat.size();
        for (double q : p.prior_q[static_cast<std::size_t>(i)]) {
          q_flat.push_back(q);
          positive = positive && q > 0.0;
        }
      }
      for (double q : q_flat) log_q.push_back(std::log(q));
      for (double l : p.prior_lambda) log_lambda.push_back(std::log(l));
#pragma omp parallel for schedule(static)
      for (std::int64_t st = 0; st < static_cast<std::int64_t>(T); ++st) {
        const auto t = static_cast<std::uint64_t>(st);
        double* out = tb.posterior.data() + t * m;
        if (positive) {  // log space: no underflow for products of many small probabilities
          tb.marginal[t] = kernels::posterior_from_ci(log_lambda.data(), log_q.data(), q_offset.data(), p.types.data(),
                                                      tb.strides.data(), p.states, n, t, out);
        } else {  // zeros in q: linear space
          kernels::ci_factor(p.prior_lambda.data(), q_flat.data(), q_offset.data(), p.types.data(), tb.strides.data(),
                             p.states, 0, n, true, t, out);
          double total = 0.0;
          for (std::uint64_t s = 0; s < m; ++s) total += out[s];
          for (std::uint64_t s = 0; s < m; ++s) out[s] = total > 0.0 ? out[s] / total : 0.0;
          tb.marginal[t] = total;
        }
      }
    }
  } else {
    tb.states = 0;
    if (p.prior_form == SocialProblem::Prior::Types)
      std::copy(p.prior_joint.begin(), p.prior_joint.end(), tb.marginal.begin());
    else
      std::fill(tb.marginal.begin(), tb.marginal.end(), 1.0 / static_cast<double>(T));
  }
  finish_table(tb);
  return tb;
}

PriorTable signal_table(const SocialProblem& p, const PriorTable& types) {
  PriorTable tb;
  std::vector<int> dims;
  for (const auto& f : p.signal) dims.push_back(*std::max_element(f.begin(), f.end()) + 1);
  set_dims(tb, dims);
  tb.states = types.states;
  const auto m = static_cast<std::uint64_t>(tb.states);
  std::vector<double> joint(tb.count * m, 0.0);
  for (std::uint64_t t = 0; t < types.count; ++t) {
    const double pt = types.marginal[t];
    if (pt == 0.0) continue;
    std::uint64_t a = 0;
    for (int i = 0; i < p.agents; ++i)
      a += static_cast<std::uint64_t>(p.signal[static_cast<std::size_t>(i)][static_cast<std::size_t>(types.type_of(t, i))]) *
           tb.strides[static_cast<std::size_t>(i)];
    const double* rho = types.post(t);
    for (std::uint64_t s = 0; s < m; ++s) joint[a * m + s] += pt * rho[s];
  }
  tb.marginal.assign(tb.count, 0.0);
  tb.posterior.assign(tb.count * m, 0.0);
  for (std::uint64_t a = 0; a < tb.count; ++a) {
    double total = 0.0;
    for (std::uint64_t s = 0; s < m; ++s) total += joint[a * m + s];
    tb.marginal[a] = total;
    for (std::uint64_t s = 0; s < m; ++s) tb.posterior[a * m + s] = total > 0.0 ? joint[a * m + s] / total : 0.0;
  }
  finish_table(tb);
  return tb;
}

namespace {

struct Group {
  int agent, a, b;  // b == -1: a per-type group (aggregate uncertainty)
};

}  // namespace

SocialMeasures measures_of(const PriorTable& tb, PairMeasures& pairs) {
  const int n = tb.agents();
  const auto un = static_cast<std::size_t>(n);
  const std::uint64_t T = tb.count;
  const auto m = static_cast<std::uint64_t>(tb.states);
  std::vector<std::size_t> off1(un + 1, 0), off2(un + 1, 0);
  for (std::size_t i = 0; i < un; ++i) {
    const auto K = static_cast<std::size_t>(tb.dims[i]);
    off1[i + 1] = off1[i] + K;
    off2[i + 1] = off2[i] + K * K;
  }
  // ||P(. | t_i)||_2
  const std::vector<double> squares = blocked_accumulate(T, off1.back(), [&](std::uint64_t t, double* acc) {
    const double p = tb.marginal[t];
    if (p == 0.0) return;
    for (int i = 0; i < n; ++i) acc[off1[static_cast<std::size_t>(i)] + static_cast<std::size_t>(tb.type_of(t, i))] += p * p;
  });
  pairs.norm.assign(un, {});
  for (std::size_t i = 0; i < un; ++i)
    for (std::size_t a = 0; a < static_cast<std::size_t>(tb.dims[i]); ++a)
      pairs.norm[i].push_back(std::sqrt(squares[off1[i] + a]) / tb.type_marginal[i][a]);

  // S_i(t_i, r) and the variation of beliefs sum (p/||.|| - p_r/||.||)^2, over every t_-i
  const std::size_t W = off2.back();
  const std::vector<double> sums = blocked_accumulate(T, 2 * W, [&](std::uint64_t t, double* acc) {
    const double pt = tb.marginal[t];
    for (int i = 0; i < n; ++i) {
      const auto ii = static_cast<std::size_t>(i);
      const int K = tb.dims[ii];
      const int a = tb.type_of(t, i);
      const double p = pt / tb.type_marginal[ii][static_cast<std::size_t>(a)];
      const double na = pairs.norm[ii][static_cast<std::size_t>(a)];
      double* s_row = acc + off2[ii] + static_cast<std::size_t>(a) * static_cast<std::size_t>(K);
      double* l_row = acc + W + off2[ii] + static_cast<std::size_t>(a) * static_cast<std::size_t>(K);
      for (int r = 0; r < K; ++r) {
        if (r == a) continue;
        const std::uint64_t tr = kernels::replace_type(t, tb.strides[ii], a, r);
        const double pr = tb.marginal[tr] / tb.type_marginal[ii][static_cast<std::size_t>(r)];
        const double nr = pairs.norm[ii][static_cast<std::size_t>(r)];
        if (p > 0.0) s_row[r] += kernels::spherical_gain_term(p, pr, na, nr);
        if (p > 0.0 || pr > 0.0) l_row[r] += kernels::belief_variation_term(p, pr, na, nr);
      }
    }
  });
  pairs.score_gain.assign(un, {});
  SocialMeasures out;
  out.variability.assign(un, std::nullopt);
  out.state_variability.assign(un, std::nullopt);
  out.informational_size.assign(un, 0.0);
  out.aggregate_uncertainty.assign(un, 0.0);
  for (std::size_t i = 0; i < un; ++i) {
    const auto K = static_cast<std::size_t>(tb.dims[i]);
    pairs.score_gain[i].assign(sums.begin() + static_cast<std::ptrdiff_t>(off2[i]),
                               sums.begin() + static_cast<std::ptrdiff_t>(off2[i + 1]));
    for (std::size_t a = 0; a < K; ++a)
      for (std::size_t b = 0; b < K; ++b) {
        if (a == b) continue;
        const double l = sums[W + off2[i] + a * K + b];
        out.variability[i] = out.variability[i] ? std::min(*out.variability[i], l) : l;
        double sv;
        if (m == 0) {  // Theta = T: P_Theta(.|t_i) and P_Theta(.|t'_i) have disjoint supports
          sv = pairs.norm[i][a];
        } else {
          const double* pa = tb.state_given_type[i].data() + a * m;
          const double* pb = tb.state_given_type[i].data() + b * m;
          double na = 0.0, nb = 0.0, inner = 0.0;
          for (std::uint64_t s = 0; s < m; ++s) {
            na += pa[s] * pa[s];
            nb += pb[s] * pb[s];
            inner += pa[s] * pb[s];
          }
          sv = kernels::state_variability_term(std::sqrt(na), std::sqrt(nb), inner);
        }
        out.state_variability[i] = out.state_variability[i] ? std::min(*out.state_variability[i], sv) : sv;
      }
  }

  // informational size (pairs a != b) and aggregate uncertainty (per type): one level per group
  std::vector<Group> groups;
  for (int i = 0; i < n; ++i)
    for (int a = 0; a < tb.dims[static_cast<std::size_t>(i)]; ++a) {
      groups.push_back({i, a, -1});
      for (int b = 0; b < tb.dims[static_cast<std::size_t>(i)]; ++b)
        if (b != a) groups.push_back({i, a, b});
    }
  std::vector<double> level(groups.size(), 0.0);
  FirstException errors;
#pragma omp parallel
  {
    std::vector<DistanceMass> points;
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t sg = 0; sg < static_cast<std::int64_t>(groups.size()); ++sg) {
      errors.run([&] {
        const Group& g = groups[static_cast<std::size_t>(sg)];
        const auto ii = static_cast<std::size_t>(g.agent);
        const int K = tb.dims[ii];
        const std::uint64_t stride = tb.strides[ii];
        const std::uint64_t others = T / static_cast<std::uint64_t>(K);
        const double pa = tb.type_marginal[ii][static_cast<std::size_t>(g.a)];
        points.clear();
        for (std::uint64_t o = 0; o < others; ++o) {
          const std::uint64_t t = kernels::profile_with_signal(o, stride, K, g.a);
          const double pt = tb.marginal[t];
          if (pt == 0.0) continue;
          double d;
          if (g.b < 0) {
            if (m == 0) continue;  // Theta = T: every posterior is certain
            d = kernels::distance_to_certainty(tb.post(t), tb.states);
          } else {
            const std::uint64_t tb2 = kernels::replace_type(t, stride, g.a, g.b);
            if (tb.marginal[tb2] == 0.0) continue;
            d = m == 0 ? 2.0 : kernels::l1_distance(tb.post(t), tb.post(tb2), tb.states);
          }
          if (d <= tol::kDistanceTie) continue;  // never above any level e >= 0
          points.push_back({d, pt / pa});
        }
        level[static_cast<std::size_t>(sg)] = smallest_exceedance_level(points, tol::kDistanceTie);
      });
    }
  }
  errors.rethrow();
  for (std::size_t k = 0; k < groups.size(); ++k) {
    const auto ii = static_cast<std::size_t>(groups[k].agent);
    if (groups[k].b < 0)
      out.aggregate_uncertainty[ii] = std::max(out.aggregate_uncertainty[ii], level[k]);
    else
      out.informational_size[ii] = std::max(out.informational_size[ii], level[k]);
  }
  out.nonexclusive_information = std::all_of(out.informational_size.begin(), out.informational_size.end(),
                                             [](double v) { return v == 0.0; });
  return out;
}

void expected_values_of(const SocialProblem& p, const PriorTable& types, int agent, std::uint64_t t, double* out) {
  const auto C = static_cast<std::uint64_t>(p.outcomes);
  const auto i = static_cast<std::size_t>(agent);
  if (p.values_form == SocialProblem::Values::ByProfile) {
    const double* src = p.values.data() + (t * static_cast<std::uint64_t>(p.agents) + i) * C;
    std::copy(src, src + C, out);
  } else {
    kernels::expected_values(p.values.data() + p.value_offset[i], p.states, p.types[i], p.outcomes,
                             types.type_of(t, agent), types.post(t), out);
  }
}

void all_expected_values(const SocialProblem& p, const PriorTable& types, std::uint64_t t, double* out) {
  for (int i = 0; i < p.agents; ++i) expected_values_of(p, types, i, t, out + static_cast<std::size_t>(i) * static_cast<std::size_t>(p.outcomes));
}

}  // namespace ivassign::social
