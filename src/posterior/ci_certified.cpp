// Certified upper bounds on nu_i and D_i for conditionally independent priors: no tensor, no sampling.
//
// For buyer i, true signal a, lie b and true state t*, write pi = rho(b_-i, a), pi' = rho(b_-i, b).
//   ||pi - pi'||_1 <= 2 max(1 - pi(t*), 1 - pi'(t*)) <= 2 min(1, sum_{t != t*} A_t),
//   A_t = pi(t)/pi(t*) + pi'(t)/pi'(t*) = kappa(t*, t) Lambda_t,   Lambda_t = prod_{k != i} q_k(b_k|t)/q_k(b_k|t*),
//   kappa(t*, t) = lambda(t) [q_i(a|t) + q_i(b|t) q_i(a|t*)/q_i(b|t*)] / (lambda(t*) q_i(a|t*)).
// Chernoff: for every s in (0, 1), E[min(1, A_t) | t*] <= E[A_t^s | t*] = kappa^s prod_{k != i} C_k(t*, t; s),
//   C_k(t*, t; s) = sum_x q_k(x|t*)^(1-s) q_k(x|t)^s  (exact moment generating function of the log-likelihood
//   ratio), and Prob(A_t > e | t*) <= (kappa / e)^s prod_{k != i} C_k(t*, t; s). Hence
//   D_i(a, b) <= sum_{t*} P(t*|a) min(2, 2 sum_{t != t*} min_s kappa^s prod C_k),
//   Prob(||pi - pi'||_1 > e | a) <= sum_{t*} P(t*|a) min(1, sum_{t != t*} min_s (2(m-1) kappa / e)^s prod C_k) =: tail(e),
//   nu_i <= max_{a != b} min{e : tail(e) <= e} (tail decreases in e: bisection in log e).
// The minimum over s is taken on a grid (every grid point gives a valid bound). O(n m^2 G) for the moment
// generating functions plus O(n K^2 m^2 G) per bound (G = grid size), log space throughout.
#include <algorithm>
#include <cmath>
#include <limits>

#include "common/parallel.hpp"
#include "ivassign/posterior.hpp"
#include "ivassign/tolerances.hpp"
#include "posterior/ci_model.hpp"

namespace ivassign {

namespace {

constexpr int kExponents = 63;      // Chernoff exponents s_g = g / 64, g = 1..63
constexpr int kLevelBisections = 64;  // bisection steps on log e for nu_i
constexpr double kNegInf = -std::numeric_limits<double>::infinity();

double exponent(int g) { return (g + 1) / 64.0; }

/// log C_k(t*, t; s_g) for one buyer k, m x m x G; -inf when the supports of q_k(.|t*) and q_k(.|t) are disjoint.
std::vector<double> log_chernoff_coefficients(const CiModel& model, int k) {
  const int m = model.m;
  std::vector<double> out(static_cast<std::size_t>(m) * m * kExponents);
  std::vector<double> terms(model.K[k]);
  for (int ts = 0; ts < m; ++ts)
    for (int t = 0; t < m; ++t)
      for (int g = 0; g < kExponents; ++g) {
        const double s = exponent(g);
        for (int x = 0; x < model.K[k]; ++x) terms[x] = (1.0 - s) * model.lq(k, ts, x) + s * model.lq(k, t, x);
        out[(static_cast<std::size_t>(ts) * m + t) * kExponents + g] = log_sum_exp(terms.data(), model.K[k]);
      }
  return out;
}

/// sum_k log C_k over all buyers, keeping the -inf factors apart so that one buyer can be removed exactly.
struct ChernoffProducts {
  std::vector<double> finite_log_sum;  // sum of the finite log C_k
  std::vector<int> zero_factors;       // how many C_k are 0
  std::vector<std::vector<double>> per_buyer;

  explicit ChernoffProducts(const CiModel& model, int threads) : per_buyer(model.n) {
    const std::size_t size = static_cast<std::size_t>(model.m) * model.m * kExponents;
#pragma omp parallel for schedule(static) num_threads(thread_count(threads))
    for (int k = 0; k < model.n; ++k) per_buyer[k] = log_chernoff_coefficients(model, k);
    finite_log_sum.assign(size, 0.0);
    zero_factors.assign(size, 0);
    for (int k = 0; k < model.n; ++k)
      for (std::size_t e = 0; e < size; ++e) {
        const double v = per_buyer[k][e];
        if (std::isfinite(v)) finite_log_sum[e] += v;
        else ++zero_factors[e];
      }
  }
  /// log prod_{k != i} C_k(t*, t; s_g).
  double without(int i, std::size_t entry) const {
    const double own = per_buyer[i][entry];
    const int zeros = zero_factors[entry] - (std::isfinite(own) ? 0 : 1);
    if (zeros > 0) return kNegInf;
    return finite_log_sum[entry] - (std::isfinite(own) ? own : 0.0);
  }
};

/// The bound terms of one (i, a, b): per true state t*, its weight P(t*|a), whether pi' can lose t*
/// entirely (q_i(b|t*) = 0: only the trivial bound), and per t != t* log kappa and log prod_{k != i} C_k.
struct PairTerms {
  int m = 0;
  std::vector<double> weight;
  std::vector<char> trivial;
  std::vector<double> log_kappa;     // m x m
  std::vector<double> log_products;  // m x m x G

  PairTerms(const CiModel& model, const ChernoffProducts& products, int i, int a, int b) : m(model.m) {
    weight.assign(m, 0.0);
    trivial.assign(m, 0);
    log_kappa.assign(static_cast<std::size_t>(m) * m, kNegInf);
    log_products.assign(static_cast<std::size_t>(m) * m * kExponents, kNegInf);
    for (int ts = 0; ts < m; ++ts) {
      weight[ts] = std::exp(model.log_state_given[i][static_cast<std::size_t>(a) * m + ts]);
      if (weight[ts] == 0.0) continue;
      if (!std::isfinite(model.lq(i, ts, b))) {
        trivial[ts] = 1;
        continue;
      }
      const double log_denominator = model.log_lambda[ts] + model.lq(i, ts, a);
      for (int t = 0; t < m; ++t) {
        if (t == ts) continue;
        const double parts[2] = {model.log_lambda[t] + model.lq(i, t, a),
                                 model.log_lambda[t] + model.lq(i, t, b) + model.lq(i, ts, a) - model.lq(i, ts, b)};
        const std::size_t pair = static_cast<std::size_t>(ts) * m + t;
        log_kappa[pair] = log_sum_exp(parts, 2) - log_denominator;
        for (int g = 0; g < kExponents; ++g) log_products[pair * kExponents + g] = products.without(i, pair * kExponents + g);
      }
    }
  }

  /// min(1, min_s exp(s (log kappa + shift) + log prod C)) for the pair (t*, t): shift = 0 bounds
  /// E[min(1, A_t)], shift = log(2(m-1)/e) bounds Prob(A_t > e/(2(m-1))).
  double chernoff(std::size_t pair, double shift) const {
    if (!std::isfinite(log_kappa[pair])) return 0.0;  // kappa = 0: A_t = 0
    double best = 0.0;  // log 1
    for (int g = 0; g < kExponents; ++g)
      best = std::min(best, exponent(g) * (log_kappa[pair] + shift) + log_products[pair * kExponents + g]);
    return std::exp(best);
  }

  /// sum_{t*} P(t*|a) min(1, sum_{t != t*} chernoff(t*, t, shift)); a t* that pi' can lose counts 1.
  double weighted_sum(double shift) const {
    double total = 0.0;
    for (int ts = 0; ts < m; ++ts) {
      if (weight[ts] == 0.0) continue;
      double sum = 0.0;
      if (trivial[ts]) sum = 1.0;
      else
        for (int t = 0; t < m; ++t)
          if (t != ts) sum += chernoff(static_cast<std::size_t>(ts) * m + t, shift);
      total += weight[ts] * std::min(1.0, sum);
    }
    return total;
  }

  /// Upper bound on D_i(a, b) = E[||pi - pi'||_1 | a].
  double distance_bound() const { return std::min(2.0, 2.0 * weighted_sum(0.0)); }

  /// tail(e) >= Prob(||pi - pi'||_1 > e | a).
  double tail_bound(double log_level) const {
    return std::min(1.0, weighted_sum(std::log(2.0 * std::max(1, m - 1)) - log_level));
  }

  /// A level e with tail(e) <= e (so nu's defining set contains e): bisection on log e in [log 1e-300, 0].
  double level_bound() const {
    double lo = std::log(1e-300), hi = 0.0;  // tail(1) <= 1 always holds
    if (tail_bound(lo) <= std::exp(lo)) return std::exp(lo);
    for (int step = 0; step < kLevelBisections; ++step) {
      const double mid = 0.5 * (lo + hi);
      if (tail_bound(mid) <= std::exp(mid)) hi = mid;
      else lo = mid;
    }
    return std::exp(hi);
  }
};

}  // namespace

CertifiedBounds ci_certified_bounds(const Instance& in, int threads) {
  const CiModel model(in);
  const ChernoffProducts products(model, threads);
  CertifiedBounds out;
  out.informational_size.assign(model.n, 0.0);
  out.theorem1_sum.resize(model.n);
  // floating-point safety: every bound is raised by this relative margin (log-space sums of n terms)
  const double widen = 1.0 + tol::kCertifiedRounding;
#pragma omp parallel for schedule(dynamic) num_threads(thread_count(threads))
  for (int i = 0; i < model.n; ++i) {
    const int K = model.K[i];
    out.theorem1_sum[i].assign(static_cast<std::size_t>(K) * K, 0.0);
    for (int a = 0; a < K; ++a)
      for (int b = 0; b < K; ++b) {
        if (a == b) continue;
        const PairTerms terms(model, products, i, a, b);
        out.theorem1_sum[i][static_cast<std::size_t>(a) * K + b] = std::min(2.0, terms.distance_bound() * widen);
        out.informational_size[i] = std::max(out.informational_size[i], std::min(1.0, terms.level_bound() * widen));
      }
  }
  return out;
}

}  // namespace ivassign
