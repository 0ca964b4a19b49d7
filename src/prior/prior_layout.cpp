// PriorLayout: the instance's prior in the layout the per-element kernels take (src/prior/prior_layout.hpp).
#include "prior/prior_layout.hpp"

#include <algorithm>
#include <cmath>

#include "kernels/posterior.cuh"
#include "kernels/profile_index.cuh"

namespace ivassign {

namespace {
/// The factored path's inner block (the fastest buyers) holds at most this many profiles.
constexpr std::uint64_t kInnerBlockProfiles = 256;
}  // namespace

PriorLayout::PriorLayout(const Instance& in)
    : states(in.states), buyers(in.buyers), profiles(in.profile_count_saturated()), signals(in.signals) {
  strides.assign(buyers, 1);
  kernels::fill_strides(signals.data(), buyers, strides.data());
  if (in.prior.conditionally_independent()) {
    lambda = in.prior.lambda;
    double log_floor = 0.0;  // log of the smallest possible product
    double smallest = 1.0;
    for (double l : in.prior.lambda) {
      log_lambda.push_back(std::log(l));
      smallest = std::min(smallest, l);
    }
    log_floor += std::log(smallest);
    for (int i = 0; i < buyers; ++i) {
      q_offset.push_back(log_q.size());
      smallest = 1.0;
      for (double x : in.prior.q[i]) {
        log_q.push_back(std::log(x));
        q.push_back(x);
        smallest = std::min(smallest, x);
      }
      log_floor += std::log(smallest);
    }
    linear_safe = log_floor > -600.0 && states <= kernels::kMaxFactoredStates;  // products stay far above the smallest normal double
    split = buyers;
    while (split > 1 && inner_count * static_cast<std::uint64_t>(signals[split - 1]) <= kInnerBlockProfiles) {
      --split;
      inner_count *= static_cast<std::uint64_t>(signals[split]);
    }
  }
}

}  // namespace ivassign
