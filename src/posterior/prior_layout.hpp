// src/posterior/prior_layout.hpp — the prior in the layout the per-element kernels take:
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

  explicit PriorLayout(const Instance& instance);
};

}  // namespace ivassign
