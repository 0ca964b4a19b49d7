// src/prior/prior_layout.hpp — the prior in the layout the per-element kernels take:
// strides of the flat profile index and, for conditionally independent priors, log lambda and
// log q blocks with their offsets.
#pragma once
#include <cstdint>
#include <vector>

#include "ivassign/instance.hpp"

namespace ivassign {

struct PriorLayout {
  int states = 0;
  int buyers = 0;
  std::uint64_t profiles = 0;
  std::vector<int> signals;
  std::vector<std::uint64_t> strides;  ///< strides[i] = prod_{k > i} K_k
  std::vector<double> log_lambda;      ///< CI forms
  std::vector<double> log_q;           ///< CI forms, buyer blocks of m*K_i
  std::vector<std::uint64_t> q_offset;
  std::vector<double> lambda;          ///< CI forms, linear space
  std::vector<double> q;               ///< CI forms, linear space, same blocks as log_q
  /// CI forms: true when no product lambda * prod q can underflow, so the linear-space factored
  /// path (kernels::ci_factor) is exact to rounding; else the log-space path is used.
  bool linear_safe = false;
  /// Factored path: buyers [split, n) form the inner block of `inner_count` profiles.
  int split = 0;
  std::uint64_t inner_count = 1;

  explicit PriorLayout(const Instance& instance);
};

}  // namespace ivassign
