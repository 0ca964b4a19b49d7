// tests/oracle.hpp — the spec's definitions written naively and independently of the library
// (no shared code but the Instance struct): posteriors from the joint tensor, payoffs from the
// five-index externality, all partial matchings enumerated. Slow, small instances only.
#pragma once
#include <cmath>
#include <functional>
#include <vector>

#include "ivassign/instance.hpp"

namespace ivassign::test::oracle {

/// P(theta, b) for every (theta, profile).
inline std::vector<double> joint(const Instance& in) {
  const std::uint64_t P = in.profile_count();
  if (in.prior.form == Prior::Form::Joint) return in.prior.joint;
  std::vector<double> j(in.states * P);
  for (int t = 0; t < in.states; ++t)
    for (std::uint64_t b = 0; b < P; ++b) {
      auto prof = profile_from_index(in.signals, b);
      double p = in.prior.lambda[t];
      for (int i = 0; i < in.buyers; ++i) p *= in.prior.q[i][t * in.signals[i] + prof[i]];
      j[t * P + b] = p;
    }
  return j;
}

inline std::vector<double> posterior(const Instance& in, const std::vector<double>& J, std::uint64_t b) {
  const std::uint64_t P = in.profile_count();
  std::vector<double> r(in.states);
  double z = 0;
  for (int t = 0; t < in.states; ++t) z += (r[t] = J[t * P + b]);
  for (auto& x : r) x /= z;
  return r;
}

inline double c(const Instance& in, int t, int i, int j, int p, int q) {
  const auto& e = in.externalities;
  const int n = in.buyers, s = in.sellers;
  if (p == i || q == j) return 0;
  switch (e.form) {
    case Externalities::Form::None: return 0;
    case Externalities::Form::Dense: return e.dense[(((std::size_t(t) * n + i) * s + j) * n + p) * s + q];
    case Externalities::Form::Sparse:
      for (const auto& x : e.sparse)
        if (x.theta == t && x.i == i && x.j == j && x.p == p && x.q == q) return x.value;
      return 0;
    case Externalities::Form::Factored:
      return e.buyer[(std::size_t(t) * n + i) * n + p] * e.seller[(std::size_t(t) * s + j) * s + q];
  }
  return 0;
}

/// g_i(z) with buyer i's u and c at pi_own[i] and v at pi_cost.
inline double payoff(const Instance& in, const std::vector<int>& z, int i, const std::vector<double>& pi_own,
                     const std::vector<double>& pi_cost) {
  const int j = z[i];
  if (j < 0) return 0;
  double g = 0;
  for (int t = 0; t < in.states; ++t) {
    g += pi_own[t] * in.valuations[in.value_index(t, i, j)] - pi_cost[t] * in.costs[in.value_index(t, i, j)];
    for (int p = 0; p < in.buyers; ++p)
      if (p != i && z[p] >= 0) g -= pi_own[t] * c(in, t, i, j, p, z[p]);
  }
  return g;
}

/// Calls f for every partial matching of the buyers not equal to `excluded`.
inline void for_each_matching(int n, int s, int excluded, const std::function<void(const std::vector<int>&)>& f) {
  std::vector<int> z(n, -1);
  std::vector<char> used(s, 0);
  std::function<void(int)> rec = [&](int i) {
    if (i == n) {
      f(z);
      return;
    }
    rec(i + 1);
    if (i == excluded) return;
    for (int j = 0; j < s; ++j)
      if (!used[j]) {
        used[j] = 1;
        z[i] = j;
        rec(i + 1);
        z[i] = -1;
        used[j] = 0;
      }
  };
  rec(0);
}

/// max over matchings (buyer `excluded` unmatched, -1: none) of sum_k g_k, with `deviator`'s own
/// u and c at pi_dev (deviator -1: nobody deviates).
inline double best_welfare(const Instance& in, const std::vector<double>& pi, int excluded, int deviator = -1,
                           const std::vector<double>& pi_dev = {}) {
  double best = -1e300;
  for_each_matching(in.buyers, in.sellers, excluded, [&](const std::vector<int>& z) {
    double w = 0;
    for (int k = 0; k < in.buyers; ++k) w += payoff(in, z, k, k == deviator ? pi_dev : pi, pi);
    best = std::max(best, w);
  });
  return best;
}

}  // namespace ivassign::test::oracle
