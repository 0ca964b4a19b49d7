// Profile probabilities and draws from the prior, without the tensor for CI priors.
#include <cmath>
#include <limits>

#include "common/random.hpp"
#include "ivassign/error.hpp"
#include "ivassign/prior.hpp"
#include "kernels/posterior.cuh"
#include "prior/prior_layout.hpp"

namespace ivassign {

namespace {
int draw(const double* p, int count, double u) {
  double acc = 0.0;
  for (int k = 0; k < count - 1; ++k)
    if (u < (acc += p[k])) return k;
  return count - 1;
}
}  // namespace

double profile_probability(const Instance& in, const std::vector<int>& profile) {
  check_profile(in.signals, profile);
  if (in.prior.conditionally_independent()) {
    PriorLayout layout(in);
    std::vector<double> rho(in.states);
    return kernels::posterior_from_ci_profile(layout.log_lambda.data(), layout.log_q.data(), layout.q_offset.data(),
                                              layout.signals.data(), profile.data(), in.states, in.buyers, rho.data());
  }
  const std::uint64_t P = in.profile_count(), b = profile_index(in.signals, profile);
  double p = 0.0;
  for (int t = 0; t < in.states; ++t) p += in.prior.joint[static_cast<std::uint64_t>(t) * P + b];
  return p;
}

std::vector<int> sample_profile(const Instance& in, std::uint64_t seed) {
  CounterStream rng{mix64(seed)};
  std::vector<int> profile(in.buyers);
  if (in.prior.conditionally_independent()) {
    const int theta = draw(in.prior.lambda.data(), in.states, rng.uniform());
    for (int i = 0; i < in.buyers; ++i)
      profile[i] = draw(in.prior.q[i].data() + static_cast<std::size_t>(theta) * in.signals[i], in.signals[i],
                        rng.uniform());
    return profile;
  }
  // joint: draw (theta, b) by inverse CDF over the flat tensor, keep b
  const std::uint64_t P = in.profile_count();
  const double u = rng.uniform();
  double acc = 0.0;
  for (std::uint64_t k = 0; k < in.prior.joint.size(); ++k)
    if (u < (acc += in.prior.joint[k])) return profile_from_index(in.signals, k % P);
  return profile_from_index(in.signals, (in.prior.joint.size() - 1) % P);
}

}  // namespace ivassign
