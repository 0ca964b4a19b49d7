// The spectrum-licence instance generator (see include/ivassign/generate.hpp).
#include <algorithm>
#include <cmath>
#include <numeric>

#include "common/random.hpp"
#include "ivassign/error.hpp"
#include "ivassign/generate.hpp"
#include "ivassign/prior.hpp"

namespace ivassign {

namespace {

/// splitmix64 stream with its own transforms: the same numbers on every platform.
struct Rng {
  SplitMix64 bits;
  double uniform() { return bits.uniform(); }
  double uniform(double a, double b) { return a + (b - a) * uniform(); }
  double normal() {  // Box-Muller
    const double u1 = std::max(uniform(), 1e-300), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  double lognormal(double mu, double sigma) { return std::exp(mu + sigma * normal()); }
  double pareto(double xm, double alpha) { return xm / std::pow(1.0 - uniform(), 1.0 / alpha); }
  int below(int n) { return std::min(n - 1, static_cast<int>(uniform() * n)); }
};

/// Money and proximity values are published to 1e-4: shorter files, the same economics.
double tidy(double v) { return std::round(v * 1e4) / 1e4; }

/// `field` of SpectrumOptions must lie in [lo, hi].
void check_range(const char* field, double v, double lo, double hi) {
  if (!(v >= lo && v <= hi))
    throw InputError(std::string("generate spectrum: SpectrumOptions::") + field + " = " + std::to_string(v) +
                     " is out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
}

void check_spectrum_options(const SpectrumOptions& o, int K) {
  check_range("buyers", o.buyers, 1, 100000);
  check_range("licences", o.licences, 1, 100000);
  check_range("states", o.states, 1, 64);
  check_range("signals", K, 1, 64);
  check_range("national_share", o.national_share, 0, 1);
  check_range("accuracy_min", o.accuracy_min, 0, 1);
  check_range("accuracy_max", o.accuracy_max, o.accuracy_min, 1);
  check_range("interference", o.interference, 0, 10);
  check_range("density", o.density, 0, 1);
  check_range("reserve", o.reserve, 0, 10);
}

/// The map (a near-square grid of regions with Pareto populations, in millions) and the firms on it:
/// national (whole map) or regional (a diamond of radius r around a centre), each with a value scale.
struct Market {
  int cols = 1;
  std::vector<double> pop;
  std::vector<char> national;
  std::vector<int> centre, radius;
  std::vector<double> scale;  // budget as a value scale

  int row_of(int j) const { return j / cols; }
  int col_of(int j) const { return j % cols; }
  int steps(int j, int q) const { return std::abs(row_of(j) - row_of(q)) + std::abs(col_of(j) - col_of(q)); }
  bool covers(int i, int j) const { return national[i] || steps(centre[i], j) <= radius[i]; }
};

Market draw_market(const SpectrumOptions& o, Rng& rng) {
  const int n = o.buyers, s = o.licences;
  const std::size_t N = static_cast<std::size_t>(n), S = static_cast<std::size_t>(s);
  Market mk;
  // the map: a near-square grid of regions, Pareto populations (millions)
  mk.cols = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(s))));
  mk.pop.resize(S);
  for (auto& p : mk.pop) p = std::min(rng.pareto(0.05, 1.3), 40.0);
  // firms: national (whole map) or regional (a diamond of radius r around a centre)
  const int nationals = std::max(n > 1 ? 1 : 0, static_cast<int>(std::lround(o.national_share * n)));
  mk.national.assign(N, 0);
  mk.centre.assign(N, 0);
  mk.radius.assign(N, 0);
  mk.scale.resize(N);
  for (int i = 0; i < n; ++i) {
    mk.national[i] = i < nationals;
    mk.centre[i] = rng.below(s);
    mk.radius[i] = 1 + rng.below(std::max(1, mk.cols / 3));
    mk.scale[i] = rng.lognormal(0.0, 0.35) * (mk.national[i] ? 1.3 : 1.0);
  }
  return mk;
}

/// Demand states: value per head rises with the state; each firm reacts with its own sensitivity.
/// Seller costs are the reserve per head.
void fill_values(const SpectrumOptions& o, const Market& mk, const std::vector<double>& level, Rng& rng, Instance& in) {
  const int n = o.buyers, s = o.licences, m = o.states;
  const std::size_t N = static_cast<std::size_t>(n), S = static_cast<std::size_t>(s), Mst = static_cast<std::size_t>(m);
  in.valuations.resize(Mst * N * S);
  in.costs.resize(Mst * N * S);
  for (int i = 0; i < n; ++i) {
    const double sensitivity = rng.uniform(0.5, 1.5);
    for (int t = 0; t < m; ++t) {
      const double per_head = mk.scale[i] * (1.0 + sensitivity * (level[t] - 1.0));
      for (int j = 0; j < s; ++j)
        in.valuations[in.value_index(t, i, j)] = tidy(std::max(0.0, mk.pop[j] * per_head * (mk.covers(i, j) ? 1.0 : 0.2)));
    }
  }
  for (int t = 0; t < m; ++t)
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < s; ++j) in.costs[in.value_index(t, i, j)] = tidy(o.reserve * mk.pop[j] * level[t]);
}

/// Prior: states uniform-ish, signals = noisy reports of the state.
void fill_prior(const SpectrumOptions& o, int K, Rng& rng, Instance& in) {
  const int n = o.buyers, m = o.states;
  const std::size_t N = static_cast<std::size_t>(n), Mst = static_cast<std::size_t>(m);
  in.prior.lambda.resize(Mst);
  double z = 0;
  for (auto& l : in.prior.lambda) z += (l = rng.uniform(0.5, 1.5));
  for (auto& l : in.prior.lambda) l /= z;
  auto signal_model = [&](double accuracy) {
    std::vector<double> q(Mst * static_cast<std::size_t>(K));
    for (int t = 0; t < m; ++t)
      for (int x = 0; x < K; ++x) {
        // the signal closest to the state's position on the signal scale is the "correct" one
        const int correct = m == 1 ? 0 : static_cast<int>(std::lround(t * (K - 1.0) / (m - 1.0)));
        q[static_cast<std::size_t>(t) * K + x] = K == 1 ? 1.0 : (x == correct ? accuracy : (1.0 - accuracy) / (K - 1));
      }
    return q;
  };
  // accuracies in (1/K, 1): the signal must be informative, and every probability positive
  auto accuracy = [&]() {
    const double lo = std::max(o.accuracy_min, 1.0 / K + 1e-3), hi = std::min(std::max(o.accuracy_max, lo), 0.999);
    return rng.uniform(lo, hi);
  };
  if (o.symmetric_signals) {
    in.prior.form = Prior::Form::Symmetric;
    in.prior.q.assign(N, signal_model(accuracy()));
  } else {
    in.prior.form = Prior::Form::PerBuyer;
    in.prior.q.resize(N);
    for (int i = 0; i < n; ++i) in.prior.q[i] = signal_model(accuracy());
  }
}

/// Interference: rival strength (both national, or overlapping footprints) x licence proximity.
void fill_externalities(const SpectrumOptions& o, const Market& mk, const std::vector<double>& level, Rng& rng,
                        Instance& in) {
  const int n = o.buyers, s = o.licences, m = o.states;
  const std::size_t N = static_cast<std::size_t>(n), S = static_cast<std::size_t>(s), Mst = static_cast<std::size_t>(m);
  const auto& national = mk.national;
  const auto& pop = mk.pop;
  auto& e = in.externalities;
  e.form = Externalities::Form::Factored;
  e.buyer.assign(Mst * N * N, 0.0);
  e.seller.assign(Mst * S * S, 0.0);
  for (int t = 0; t < m; ++t) {
    for (int i = 0; i < n; ++i)
      for (int p = 0; p < n; ++p) {
        if (p == i) continue;
        const bool overlap = national[i] || national[p] || mk.steps(mk.centre[i], mk.centre[p]) <= mk.radius[i] + mk.radius[p];
        e.buyer[(static_cast<std::size_t>(t) * N + i) * N + p] =
            overlap ? tidy(o.interference * mk.scale[i] * level[t] * (national[i] && national[p] ? 1.5 : 1.0)) : 0.0;
      }
  }
  // symmetric proximity, the same in every state: adjacent regions, and (with `density`) some
  // regions two steps apart
  for (int j = 0; j < s; ++j)
    for (int q = j + 1; q < s; ++q) {
      const int d = mk.steps(j, q);
      if (d > 2) continue;
      double prox = 0;
      if (d == 1) prox = std::sqrt(pop[j] * pop[q]);
      else if (o.density > 0 && rng.uniform() < o.density) prox = 0.5 * std::sqrt(pop[j] * pop[q]);
      e.seller[static_cast<std::size_t>(j) * S + q] = e.seller[static_cast<std::size_t>(q) * S + j] = tidy(prox);
    }
  for (int t = 1; t < m; ++t)
    std::copy(e.seller.begin(), e.seller.begin() + static_cast<std::ptrdiff_t>(S * S),
              e.seller.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(t) * S * S));
}

/// The map for drawing (`geometry`): licence j is the region of its grid cell, at (column, row), with
/// the population its values scale with (to 1e-4 like the values). Nothing computed reads it.
Geometry market_geometry(const Market& mk) {
  Geometry g;
  const std::size_t S = mk.pop.size();
  g.region.resize(S);
  g.x.resize(S);
  g.y.resize(S);
  g.population.resize(S);
  for (std::size_t j = 0; j < S; ++j) {
    const int jj = static_cast<int>(j);
    g.region[j] = jj;
    g.x[j] = mk.col_of(jj);
    g.y[j] = mk.row_of(jj);
    g.population[j] = tidy(mk.pop[j]);
  }
  return g;
}

}  // namespace

Instance generate_spectrum(const SpectrumOptions& o) {
  const int K = o.signals == 0 ? o.states : o.signals;
  check_spectrum_options(o, K);
  const int n = o.buyers, s = o.licences, m = o.states;
  const std::size_t N = static_cast<std::size_t>(n), Mst = static_cast<std::size_t>(m);
  Rng rng{{o.seed * 0x2545F4914F6CDD1DULL + 17}};
  const Market mk = draw_market(o, rng);

  Instance in;
  in.name = "spectrum-n" + std::to_string(n) + "-s" + std::to_string(s) + "-m" + std::to_string(m) + "-seed" +
            std::to_string(o.seed);
  in.states = m;
  in.buyers = n;
  in.sellers = s;
  in.signals.assign(N, K);
  // demand states: value per head rises with the state; each firm reacts with its own sensitivity
  std::vector<double> level(Mst);
  for (int t = 0; t < m; ++t) level[t] = m == 1 ? 1.0 : 0.6 + 0.8 * t / (m - 1.0);
  fill_values(o, mk, level, rng, in);
  fill_prior(o, K, rng, in);
  fill_externalities(o, mk, level, rng, in);
  in.geometry = market_geometry(mk);
  validate(in);
  in.observed = sample_profile(in, o.seed + 1000 + static_cast<std::uint64_t>(o.observed_seed_offset));
  return in;
}

}  // namespace ivassign
