// The full signal-profile tensor on the CPU (OpenMP) or the GPU, and posteriors on demand.
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>

#include "ivassign/error.hpp"
#include "ivassign/posterior.hpp"
#include "kernels/posterior.cuh"
#include "kernels/profile_index.cuh"
#include "posterior/table.hpp"
#include "prior/prior_layout.hpp"
#include "kernels/device_launch.hpp"

namespace ivassign {

int PosteriorTable::signal_of(std::uint64_t profile, int buyer) const {
  return kernels::signal_at(profile, strides[static_cast<std::size_t>(buyer)], signals[static_cast<std::size_t>(buyer)]);
}

double PosteriorTable::conditional(int buyer, std::uint64_t profile, int signal_of_buyer) const {
  return marginal[profile] / signal_marginal[buyer][signal_of_buyer];
}

std::uint64_t posterior_table_bytes(const Instance& in) {
  const std::uint64_t profiles = in.profile_count_saturated();
  const std::uint64_t per_profile = (static_cast<std::uint64_t>(in.states) + 1) * sizeof(double);
  if (profiles > UINT64_MAX / per_profile) return UINT64_MAX;  // saturate: certainly too large
  return profiles * per_profile;
}

namespace {

/// The value of `key` (in kB) in a /proc file of "Key: value kB" lines, in bytes; UINT64_MAX if absent.
std::uint64_t proc_bytes(const char* path, const std::string& key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (line.compare(0, key.size(), key) == 0) return std::stoull(line.substr(key.size())) * 1024;
  return UINT64_MAX;
}

/// Host memory this process can still take: the machine's available memory, and no more than its
/// address-space limit (ulimit -v) leaves beside what it already maps.
std::uint64_t available_host_bytes() {
  std::uint64_t available = proc_bytes("/proc/meminfo", "MemAvailable:");
  rlimit limit{};
  if (getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    const std::uint64_t mapped = proc_bytes("/proc/self/status", "VmSize:");
    const std::uint64_t cap = static_cast<std::uint64_t>(limit.rlim_cur);
    available = std::min(available, mapped != UINT64_MAX && mapped < cap ? cap - mapped : 0);
  }
  return available;
}

}  // namespace

PosteriorTable build_posterior_table(const Instance& in, Backend requested) {
  TableOptions options;
  options.backend = requested;
  return build_posterior_table(in, options);
}

PosteriorTable build_posterior_table(const Instance& in, const TableOptions& options) {
  PosteriorTable t;
  fill_posterior_table(in, t, options);
  return t;
}

void fill_posterior_table(const Instance& in, PosteriorTable& t, Backend requested) {
  TableOptions options;
  options.backend = requested;
  fill_posterior_table(in, t, options);
}

namespace {

/// Throws ResourceError unless the host can hold the table (a reused table frees its memory).
void check_host_memory(const Instance& in, const PosteriorTable& t) {
  const std::uint64_t bytes = posterior_table_bytes(in);
  const std::uint64_t held = (t.posterior.capacity() + t.marginal.capacity()) * sizeof(double);
  const std::uint64_t available = available_host_bytes() + held;
  if (bytes > available)
    throw ResourceError("the full signal-profile tensor needs " +
                        (bytes == UINT64_MAX ? std::string("more than 2^64") : std::to_string(bytes)) + " bytes (" +
                        (in.profile_count_saturated() == UINT64_MAX ? std::string("more than 2^64")
                                                                     : std::to_string(in.profile_count())) +
                        " profiles x " + std::to_string(in.states + 1) + " doubles) but only " + std::to_string(available) +
                        " bytes of host memory are available; use a conditionally independent prior "
                        "(lambda + q), whose posteriors are computed on demand");
}

/// The table on the device (kernels/device_posterior.cu), the same formula the CPU would pick.
void fill_on_device(const Instance& in, const PriorLayout& layout, PosteriorTable& t, const TableOptions& options) {
  device::TablePrior p;
  const bool ci = in.prior.conditionally_independent();
  p.form = !ci ? device::TableForm::Joint : layout.linear_safe ? device::TableForm::CiFactored : device::TableForm::CiLog;
  p.states = layout.states;
  p.buyers = layout.buyers;
  p.split = layout.split;
  p.profiles = layout.profiles;
  p.inner_count = layout.inner_count;
  p.signals = layout.signals.data();
  p.strides = layout.strides.data();
  p.q_offset = layout.q_offset.data();
  p.joint = in.prior.joint.data();
  p.lambda = layout.lambda.data();
  p.q = layout.q.data();
  p.q_size = layout.q.size();
  p.log_lambda = layout.log_lambda.data();
  p.log_q = layout.log_q.data();
  t.resident = device::posterior_table(p, t, options.device_chunk_profiles, !(options.device_only && ci));
}

/// The table on the CPU: P(theta, b) factored, in log space, or from the joint tensor.
void fill_on_cpu(const Instance& in, const PriorLayout& layout, PosteriorTable& t) {
  const bool ci = in.prior.conditionally_independent();
  if (ci && layout.linear_safe) {
    // factored: P(theta, b) = [lambda prod_{i < split} q_i](outer prefix) * [prod_{i >= split} q_i](inner)
    const int m = t.states;
    const std::uint64_t inner = layout.inner_count, outer_count = t.profiles / inner;
    std::vector<double> inner_w(inner * static_cast<std::uint64_t>(m));
    for (std::uint64_t x = 0; x < inner; ++x)
      kernels::ci_factor(layout.lambda.data(), layout.q.data(), layout.q_offset.data(), layout.signals.data(),
                         layout.strides.data(), m, layout.split, in.buyers, false, x, inner_w.data() + x * m);
#pragma omp parallel for schedule(static)
    for (std::int64_t so = 0; so < static_cast<std::int64_t>(outer_count); ++so) {
      const std::uint64_t first = static_cast<std::uint64_t>(so) * inner;
      double outer_w[kernels::kMaxFactoredStates];
      kernels::ci_factor(layout.lambda.data(), layout.q.data(), layout.q_offset.data(), layout.signals.data(),
                         layout.strides.data(), m, 0, layout.split, true, first, outer_w);
      for (std::uint64_t x = 0; x < inner; ++x)
        t.marginal[first + x] = kernels::posterior_from_factors(outer_w, inner_w.data() + x * m, m,
                                                                t.posterior.data() + (first + x) * m);
    }
  } else {
    const auto profiles = static_cast<std::int64_t>(t.profiles);
#pragma omp parallel for schedule(static)
    for (std::int64_t b = 0; b < profiles; ++b) {
      const auto ub = static_cast<std::uint64_t>(b);
      double* out = t.posterior.data() + ub * static_cast<std::uint64_t>(t.states);
      t.marginal[ub] = ci ? kernels::posterior_from_ci(layout.log_lambda.data(), layout.log_q.data(),
                                                       layout.q_offset.data(), layout.signals.data(),
                                                       layout.strides.data(), t.states, in.buyers, ub, out)
                          : kernels::posterior_from_joint(in.prior.joint.data(), t.states, t.profiles, ub, out);
    }
  }
}

}  // namespace

void fill_posterior_table(const Instance& in, PosteriorTable& t, const TableOptions& options) {
  const Backend backend = resolve_backend(options.backend);
  check_host_memory(in, t);
  PriorLayout layout(in);
  t.states = in.states;
  t.signals = in.signals;
  t.strides = layout.strides;
  t.profiles = layout.profiles;
  t.backend = backend;
  if (backend != Backend::Device) t.resident.reset();  // the device path may reuse its memory
  const bool ci = in.prior.conditionally_independent();
  if (backend == Backend::Device) fill_on_device(in, layout, t, options);
  if (backend == Backend::Cpu) {
    t.marginal.resize(t.profiles);  // every entry is written below
    t.posterior.resize(t.profiles * static_cast<std::uint64_t>(t.states));
    fill_on_cpu(in, layout, t);
  }
  // signal marginals P_i(b_i): for CI priors sum_t lambda_t q_i(b_i|t); else from the table
  t.signal_marginal.assign(in.buyers, {});
  for (int i = 0; i < in.buyers && ci; ++i) {
    auto& mi = t.signal_marginal[i];
    mi.assign(in.signals[i], 0.0);
    for (int x = 0; x < in.signals[i]; ++x)
      for (int s = 0; s < t.states; ++s)
        mi[x] += in.prior.lambda[s] * in.prior.q[i][static_cast<std::size_t>(s) * in.signals[i] + x];
  }
  if (!ci) fill_signal_marginals(t);
}

void set_profile_axes(PosteriorTable& t, const std::vector<int>& signals) {
  t.signals = signals;
  t.strides.assign(signals.size(), 1);
  t.profiles = kernels::fill_strides(signals.data(), static_cast<int>(signals.size()), t.strides.data());
}

void fill_signal_marginals(PosteriorTable& t) {
  // P_i(b_i) = sum of P(b) along every axis but i (sequential strides, no division)
  const int n = t.buyers();
  t.signal_marginal.assign(n, {});
  for (int i = 0; i < n; ++i) {
    auto& mi = t.signal_marginal[i];
    mi.assign(t.signals[i], 0.0);
    const std::uint64_t stride = t.strides[i], k = static_cast<std::uint64_t>(t.signals[i]);
    for (std::uint64_t hi = 0; hi < t.profiles; hi += stride * k)
      for (std::uint64_t x = 0; x < k; ++x) {
        const double* p = t.marginal.data() + hi + x * stride;
        double acc = 0.0;
        for (std::uint64_t lo = 0; lo < stride; ++lo) acc += p[lo];
        mi[x] += acc;
      }
  }
}

std::vector<double> posterior_of_profile(const Instance& in, const std::vector<int>& profile) {
  check_profile(in.signals, profile);
  std::vector<double> rho(in.states);
  if (in.prior.conditionally_independent()) {
    PriorLayout layout(in);
    kernels::posterior_from_ci_profile(layout.log_lambda.data(), layout.log_q.data(), layout.q_offset.data(),
                                       layout.signals.data(), profile.data(), in.states, in.buyers, rho.data());
  } else {
    kernels::posterior_from_joint(in.prior.joint.data(), in.states, in.profile_count(),
                                  profile_index(in.signals, profile), rho.data());
  }
  return rho;
}

}  // namespace ivassign
