// tests/random_instance.hpp — a seeded generator of small valid instances, every prior and
// externality form, for property tests.
#pragma once
#include <cstdint>
#include <algorithm>
#include <random>

#include "ivassign/generate.hpp"
#include "ivassign/instance.hpp"
#include "ivassign/mechanism.hpp"

namespace ivassign::test {

struct RandomSpec {
  int states = 2, buyers = 3, sellers = 3;
  std::vector<int> signals;  // empty: all 2
  Prior::Form prior = Prior::Form::Joint;
  Externalities::Form externalities = Externalities::Form::Dense;
  double density = 0.4;  // share of nonzero externality entries (dense/sparse)
  int value_max = 9;
};

inline Instance random_instance(const RandomSpec& spec, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.05, 1.0);
  std::uniform_int_distribution<int> value(0, spec.value_max);
  std::bernoulli_distribution dense_on(spec.density);
  Instance in;
  in.name = "random-" + std::to_string(seed);
  in.states = spec.states;
  in.buyers = spec.buyers;
  in.sellers = spec.sellers;
  in.signals = spec.signals.empty() ? std::vector<int>(spec.buyers, 2) : spec.signals;
  const std::size_t m = in.states, n = in.buyers, s = in.sellers;
  auto normalize = [](std::vector<double>& v, std::size_t from, std::size_t count) {
    double t = 0;
    for (std::size_t k = 0; k < count; ++k) t += v[from + k];
    for (std::size_t k = 0; k < count; ++k) v[from + k] /= t;
  };
  in.prior.form = spec.prior;
  if (spec.prior == Prior::Form::Joint) {
    in.prior.joint.resize(m * in.profile_count());
    for (auto& p : in.prior.joint) p = unit(rng);
    normalize(in.prior.joint, 0, in.prior.joint.size());
  } else {
    in.prior.lambda.resize(m);
    for (auto& l : in.prior.lambda) l = unit(rng);
    normalize(in.prior.lambda, 0, m);
    in.prior.q.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t k = in.signals[i];
      if (spec.prior == Prior::Form::Symmetric && i > 0) {
        in.prior.q[i] = in.prior.q[0];
        continue;
      }
      in.prior.q[i].resize(m * k);
      for (auto& q : in.prior.q[i]) q = unit(rng);
      for (std::size_t t = 0; t < m; ++t) normalize(in.prior.q[i], t * k, k);
    }
  }
  in.valuations.resize(m * n * s);
  in.costs.resize(m * n * s);
  for (auto& u : in.valuations) u = value(rng);
  for (auto& v : in.costs) v = value(rng) / 3;
  auto& e = in.externalities;
  e.form = spec.externalities;
  switch (spec.externalities) {
    case Externalities::Form::None: break;
    case Externalities::Form::Dense:
      e.dense.assign(m * n * s * n * s, 0.0);
      for (std::size_t t = 0; t < m; ++t)
        for (std::size_t i = 0; i < n; ++i)
          for (std::size_t j = 0; j < s; ++j)
            for (std::size_t p = 0; p < n; ++p)
              for (std::size_t q = 0; q < s; ++q)
                if (p != i && q != j && dense_on(rng)) e.dense[(((t * n + i) * s + j) * n + p) * s + q] = value(rng) / 2.0;
      break;
    case Externalities::Form::Sparse:
      for (std::size_t t = 0; t < m; ++t)
        for (std::size_t i = 0; i < n; ++i)
          for (std::size_t j = 0; j < s; ++j)
            for (std::size_t p = 0; p < n; ++p)
              for (std::size_t q = 0; q < s; ++q)
                if (p != i && q != j && dense_on(rng))
                  e.sparse.push_back({int(t), int(i), int(j), int(p), int(q), value(rng) / 2.0});
      std::shuffle(e.sparse.begin(), e.sparse.end(), rng);
      break;
    case Externalities::Form::Factored:
      e.buyer.resize(m * n * n);
      e.seller.resize(m * s * s);
      for (auto& b : e.buyer) b = value(rng) / 4.0;
      for (auto& x : e.seller) x = value(rng) / 4.0;
      break;
  }
  return in;
}

/// An assignment problem with `form` externalities: a seeded random instance (2 states, per-buyer
/// prior, density 0.6) averaged at the posterior (0.35, 0.65).
/// 18 buyers with 3 signals each, 3 sellers, a symmetric prior, no externalities: 3^18 profiles, too many for
/// delta.exact by default, so `check` samples its budget (the incentives tests' large market).
inline Instance large_symmetric_market() {
  RandomSpec spec;
  spec.prior = Prior::Form::Symmetric;
  spec.buyers = 18;
  spec.sellers = 3;
  spec.signals.assign(18, 3);
  spec.externalities = Externalities::Form::None;
  return random_instance(spec, 4);
}

inline AssignmentProblem random_expected_problem(std::uint64_t seed, Externalities::Form form, int n, int s) {
  RandomSpec spec;
  spec.buyers = n;
  spec.sellers = s;
  spec.states = 2;
  spec.signals.assign(n, 2);
  spec.externalities = form;
  spec.density = 0.6;
  spec.prior = Prior::Form::PerBuyer;
  return expected_problem(random_instance(spec, seed), {0.35, 0.65});
}

/// A random problem of 2 signals per buyer at posterior `pi`, its weights times `linear_scale` (small weights:
/// the costs make optima partial); `density`: the share of nonzero externality costs.
inline AssignmentProblem random_scaled_problem(std::uint64_t seed, Externalities::Form form, int n, int s, double density,
                                               const std::vector<double>& pi, double linear_scale) {
  RandomSpec spec;
  spec.buyers = n;
  spec.sellers = s;
  spec.signals.assign(n, 2);
  spec.externalities = form;
  spec.density = density;
  spec.prior = Prior::Form::PerBuyer;
  AssignmentProblem p = expected_problem(random_instance(spec, seed), pi);
  for (double& w : p.linear) w *= linear_scale;
  return p;
}

/// The spectrum generator's market (ivassign generate spectrum) averaged at the uniform posterior.
inline AssignmentProblem spectrum_problem(int buyers, int licences, std::uint64_t seed) {
  SpectrumOptions g;
  g.buyers = buyers;
  g.licences = licences;
  g.seed = seed;
  const Instance inst = generate_spectrum(g);
  return expected_problem(inst, std::vector<double>(static_cast<std::size_t>(inst.states), 1.0 / inst.states));
}

/// A conditionally independent prior (per-buyer unless `form` says symmetric) of n buyers with K signals
/// and m states, two sellers, no externalities (the measures' tests).
inline Instance random_ci_instance(int n, int K, int m, std::uint64_t seed, Prior::Form form = Prior::Form::PerBuyer) {
  RandomSpec spec;
  spec.prior = form;
  spec.buyers = n;
  spec.sellers = 2;
  spec.states = m;
  spec.signals.assign(n, K);
  spec.externalities = Externalities::Form::None;
  return random_instance(spec, seed);
}

}  // namespace ivassign::test
