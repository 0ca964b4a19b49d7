// Ex post implementability on the device (social-format.md `epic`), one Thrust source for CUDA and
// OpenMP: one group (agent i, the others' types t_-i) per device thread builds its K x K system of
// difference constraints with the CPU's per-element functions (kernels/social_math.cuh expected
// values, kernels/epic.cuh longest paths and unrealized transfers) and writes agent i's transfers on
// its K profiles, plus a flag when Bellman-Ford still relaxes in its last round (a positive cycle, or
// rounding: the host re-solves the flagged groups, in order, to confirm and report the witness).
#include <cstdint>

#include "kernels/device.cuh"
#include "kernels/device_launch.hpp"
#include "kernels/device_social.cuh"
#include "kernels/epic.cuh"
#include "kernels/profile_index.cuh"
#include "kernels/social_math.cuh"

namespace ivassign::device {

namespace {

struct EpicGroup {
  const double* marginal;
  const double* posterior;  // m per profile (values by state), null with values by profile
  const double* values;
  const std::uint64_t* value_offset;
  const std::uint64_t* strides;
  const int* types;
  const std::uint64_t* first_group;  // groups of agent i: [first_group[i], first_group[i + 1])
  const int* rule;
  int agents, outcomes, states;
  double cycle_tol;
  double* transfers;
  char* flagged;

  IVA_HD double value(int agent, int K, std::uint64_t t, int type, int c) const {
    if (posterior == nullptr)
      return values[(t * static_cast<std::uint64_t>(agents) + static_cast<std::uint64_t>(agent)) *
                        static_cast<std::uint64_t>(outcomes) +
                    static_cast<std::uint64_t>(c)];
    return kernels::expected_value(values + value_offset[agent], states, K, outcomes, type,
                                   posterior + t * static_cast<std::uint64_t>(states), c);
  }

  IVA_HD void operator()(std::uint64_t g) const {
    int agent = 0;
    while (g >= first_group[agent + 1]) ++agent;
    const int K = types[agent];
    const std::uint64_t others = g - first_group[agent], n = static_cast<std::uint64_t>(agents);
    std::uint64_t prof[kMaxEpicTypes];
    char present[kMaxEpicTypes];
    double gain[kMaxEpicTypes * kMaxEpicTypes], dist[kMaxEpicTypes], truth[kMaxEpicTypes], lie[kMaxEpicTypes];
    int pred[kMaxEpicTypes];
    for (int a = 0; a < K; ++a) {
      prof[a] = kernels::profile_with_signal(others, strides[agent], K, a);
      present[a] = marginal[prof[a]] > 0.0 ? 1 : 0;
    }
    for (int a = 0; a < K; ++a) {
      pred[a] = -1;
      dist[a] = 0.0;
      truth[a] = present[a] ? value(agent, K, prof[a], a, rule[prof[a]]) : 0.0;
      for (int b = 0; b < K; ++b)
        gain[a * K + b] = present[a] && present[b] ? value(agent, K, prof[a], a, rule[prof[b]]) - truth[a] : 0.0;
      if (present[a]) dist[a] = -truth[a];
    }
    const double relax_tol = cycle_tol / (2.0 * static_cast<double>(K));  // as the CPU's longest_paths
    flagged[g] = kernels::epic_longest_paths(K, gain, present, relax_tol, dist, pred) >= 0 ? 1 : 0;
    for (int b = 0; b < K; ++b) {
      double x = dist[b];
      if (!present[b]) {
        for (int a = 0; a < K; ++a) lie[a] = present[a] ? value(agent, K, prof[a], a, rule[prof[b]]) : 0.0;
        x = kernels::epic_unrealized_transfer(K, present, truth, dist, lie);
      }
      transfers[prof[b] * n + static_cast<std::uint64_t>(agent)] = x;
    }
  }
};

}  // namespace

bool epic_groups(const PosteriorTable& types, const SocialInput& in, double cycle_tol, std::vector<double>& transfers,
                 std::vector<char>& flagged) {
  const std::uint64_t T = types.profiles;
  const int n = in.agents;
  std::vector<std::uint64_t> first_group(static_cast<std::size_t>(n) + 1, 0);
  for (int i = 0; i < n; ++i) {
    if (types.signals[static_cast<std::size_t>(i)] > kMaxEpicTypes) return false;
    first_group[static_cast<std::size_t>(i) + 1] =
        first_group[static_cast<std::size_t>(i)] + T / static_cast<std::uint64_t>(types.signals[static_cast<std::size_t>(i)]);
  }
  const std::uint64_t groups = first_group.back();
  if (!fits_on_device(DeviceSocial::bytes(types, in) + sizeof(double) * T * static_cast<std::uint64_t>(n) + groups))
    return false;
  return guarded("the ex post implementability groups", [&] {
    const DeviceSocial social(types, in);
    const auto strides = upload(types.strides.data(), types.strides.size(), "profile strides");
    const auto type_counts = upload(types.signals.data(), types.signals.size(), "type counts");
    const auto firsts = upload(first_group.data(), first_group.size(), "group offsets");
    const DeviceArray<double> x(T * static_cast<std::uint64_t>(n), "transfers");
    const DeviceArray<char> flags(groups, "cycle flags");
    const EpicGroup f{raw(social.marginal), social.posterior_or_null(), raw(social.values),
                      social.by_state ? raw(social.value_offset) : nullptr, raw(strides), raw(type_counts), raw(firsts),
                      raw(social.outcome), n, in.outcomes, types.states, cycle_tol,
                      raw(x), raw(flags)};
    for_each_index(groups, f);
    transfers.resize(T * static_cast<std::uint64_t>(n));
    flagged.resize(groups);
    download(x, 0, transfers.size(), transfers.data());
    download(flags, 0, flagged.size(), flagged.data());
    return true;
  });
}

}  // namespace ivassign::device
