// src/posterior/ci_model.hpp — a conditionally independent prior P(theta, b) = lambda(theta) prod_i q_i(b_i | theta)
// in log space, shared by the tensor-free measure paths (closed form, count vectors, sampling, certified bounds).
#pragma once
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "ivassign/error.hpp"
#include "ivassign/instance.hpp"
#include "kernels/ci_sample.cuh"

namespace ivassign {

using kernels::log_sum_exp;  // log sum_k exp(v_k), stable (kernels/ci_sample.cuh)

/// The CI prior in log space: log lambda(t), log q_i(x | t), log P_i(x), log P(t | b_i = x).
struct CiModel {
  int m = 0, n = 0;
  std::vector<int> K;
  std::vector<double> log_lambda;
  std::vector<std::vector<double>> log_q;         // [i][t * K_i + x]
  std::vector<std::vector<double>> log_signal;    // [i][x]  log P_i(x)
  std::vector<std::vector<double>> log_state_given;  // [i][x * m + t]  log P(t | b_i = x)

  explicit CiModel(const Instance& in) : m(in.states), n(in.buyers), K(in.signals) {
    if (!in.prior.conditionally_independent())
      throw InputError("prior: this computation needs a conditionally independent prior (lambda with q or q_per_buyer)");
    for (double l : in.prior.lambda) log_lambda.push_back(std::log(l));
    log_q.resize(n);
    log_signal.resize(n);
    log_state_given.resize(n);
    std::vector<double> tmp(m);
    for (int i = 0; i < n; ++i) {
      for (double q : in.prior.q[i]) log_q[i].push_back(std::log(q));
      log_signal[i].resize(K[i]);
      log_state_given[i].resize(static_cast<std::size_t>(K[i]) * m);
      for (int x = 0; x < K[i]; ++x) {
        for (int t = 0; t < m; ++t) tmp[t] = log_lambda[t] + lq(i, t, x);
        log_signal[i][x] = log_sum_exp(tmp.data(), m);
        for (int t = 0; t < m; ++t) log_state_given[i][static_cast<std::size_t>(x) * m + t] = tmp[t] - log_signal[i][x];
      }
    }
  }
  double lq(int i, int t, int x) const { return log_q[i][static_cast<std::size_t>(t) * K[i] + x]; }
};

}  // namespace ivassign
