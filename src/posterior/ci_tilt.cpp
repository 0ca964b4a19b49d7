#include "posterior/ci_tilt.hpp"

#include <cmath>

#include "common/parallel.hpp"

namespace ivassign {

namespace {

constexpr int kGrid = 63;           // s = g / 64, g = 1..63, then
constexpr int kGoldenSteps = 40;    // golden-section steps within the best grid cell

/// phi(s) = sum_k log sum_x q_k(x|t)^(1-s) q_k(x|t')^s.
double chernoff_exponent(const CiModel& model, int t, int u, double s, std::vector<double>& terms) {
  double phi = 0.0;
  for (int k = 0; k < model.n; ++k) {
    terms.resize(model.K[k]);
    for (int x = 0; x < model.K[k]; ++x) terms[x] = (1.0 - s) * model.lq(k, t, x) + s * model.lq(k, u, x);
    phi += log_sum_exp(terms.data(), model.K[k]);
  }
  return phi;
}

/// The s in (0, 1) minimizing the convex phi: the best grid point, refined in its neighbouring cells.
double best_tilt(const CiModel& model, int t, int u, double* phi_out) {
  std::vector<double> terms;
  int best = 1;
  double best_phi = chernoff_exponent(model, t, u, 1.0 / 64.0, terms);
  for (int g = 2; g <= kGrid; ++g) {
    const double phi = chernoff_exponent(model, t, u, g / 64.0, terms);
    if (phi < best_phi) best_phi = phi, best = g;
  }
  double lo = (best - 1) / 64.0, hi = (best + 1) / 64.0;
  if (std::isfinite(best_phi)) {
    const double r = 0.5 * (std::sqrt(5.0) - 1.0);
    for (int step = 0; step < kGoldenSteps; ++step) {
      const double x1 = hi - r * (hi - lo), x2 = lo + r * (hi - lo);
      if (chernoff_exponent(model, t, u, x1, terms) <= chernoff_exponent(model, t, u, x2, terms)) hi = x2;
      else lo = x1;
    }
  }
  const double s = std::isfinite(best_phi) ? 0.5 * (lo + hi) : best / 64.0;
  const double phi = chernoff_exponent(model, t, u, s, terms);
  *phi_out = phi <= best_phi ? phi : best_phi;
  return phi <= best_phi ? s : best / 64.0;
}

/// Component c's block: log qt_k(x) normalized per buyer, and the cumulative sums.
void fill_component(const CiModel& model, TiltedProposal& p, int c) {
  const int t = p.first[c], u = p.second[c];
  const double s = p.tilt[c];
  std::vector<double> terms;
  for (int k = 0; k < model.n; ++k) {
    terms.resize(model.K[k]);
    for (int x = 0; x < model.K[k]; ++x) terms[x] = (1.0 - s) * model.lq(k, t, x) + s * model.lq(k, u, x);
    const double norm = log_sum_exp(terms.data(), model.K[k]);
    double acc = 0.0;
    for (int x = 0; x < model.K[k]; ++x) {
      const std::uint64_t at = static_cast<std::uint64_t>(c) * p.stride + p.offset[k] + x;
      p.log_q[at] = terms[x] - norm;
      p.cdf[at] = (acc += std::exp(terms[x] - norm));
    }
  }
}

}  // namespace

TiltedProposal tilted_proposal(const CiModel& model, int threads) {
  const int m = model.m;
  std::vector<int> first, second;
  for (int t = 0; t < m; ++t)
    for (int u = t + 1; u < m; ++u) first.push_back(t), second.push_back(u);
  const int pairs = static_cast<int>(first.size());
  std::vector<double> tilt(pairs), phi(pairs);
#pragma omp parallel for schedule(dynamic) num_threads(thread_count(threads))
  for (int c = 0; c < pairs; ++c) tilt[c] = best_tilt(model, first[c], second[c], &phi[c]);
  TiltedProposal p;
  for (int c = 0; c < pairs; ++c) {
    if (!std::isfinite(phi[c])) continue;  // some buyer separates t and t'
    const double s = tilt[c];
    const double ladder[kernels::kTiltLadder] = {s, s / 3.0, 2.0 * s / 3.0, s + (1.0 - s) / 3.0, s + 2.0 * (1.0 - s) / 3.0};
    for (double rung : ladder) {
      p.first.push_back(first[c]);
      p.second.push_back(second[c]);
      p.tilt.push_back(rung);
      p.exponent.push_back(phi[c]);
    }
  }
  p.components = static_cast<int>(p.first.size());
  p.offset.resize(model.n);
  for (int k = 0; k < model.n; ++k) {
    p.offset[k] = p.stride;
    p.stride += static_cast<std::uint64_t>(model.K[k]);
  }
  p.log_q.assign(static_cast<std::size_t>(p.components) * p.stride, 0.0);
  p.cdf.assign(p.log_q.size(), 0.0);
  for (int c = 0; c < p.components; ++c) fill_component(model, p, c);
  return p;
}

}  // namespace ivassign
