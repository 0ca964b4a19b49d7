// The full signal-profile tensor on the device: one parallel for-each over the profiles of a chunk,
// each calling the per-element functions of kernels/posterior.cuh that the CPU path calls. One Thrust
// source for the CUDA and the OpenMP device systems.
#include <algorithm>
#include <chrono>
#include <memory>
#include <cmath>
#include <vector>

#include <thrust/fill.h>

#include "kernels/device.cuh"
#include "kernels/device_launch.hpp"
#include "kernels/device_table.cuh"
#include "kernels/posterior.cuh"

namespace ivassign::device {

namespace {

/// The prior in device memory (the vectors the per-element functions read).
struct DevicePrior {
  DeviceArray<double> joint, lambda, q, log_lambda, log_q, inner, outer;
  DeviceArray<std::uint64_t> q_offset, strides;
  DeviceArray<int> signals;
};

/// Joint form: rho(b), P(b) from the m entries P(theta, b).
struct JointRow {
  const double* joint;
  int states;
  std::uint64_t profiles, first;
  double *marginal, *posterior;
  IVA_HD void operator()(std::uint64_t k) const {
    marginal[k] = kernels::posterior_from_joint(joint, states, profiles, first + k, posterior + k * states);
  }
};

/// Conditionally independent forms in log space.
struct CiLogRow {
  const double *log_lambda, *log_q;
  const std::uint64_t *q_offset, *strides;
  const int* signals;
  int states, buyers;
  std::uint64_t first;
  double *marginal, *posterior;
  IVA_HD void operator()(std::uint64_t k) const {
    marginal[k] = kernels::posterior_from_ci(log_lambda, log_q, q_offset, signals, strides, states, buyers, first + k,
                                             posterior + k * states);
  }
};

/// The inner factor prod_{i >= split} q_i(b_i | theta) of the inner profile x.
struct InnerFactor {
  const double *lambda, *q;
  const std::uint64_t *q_offset, *strides;
  const int* signals;
  int states, split, buyers;
  double* inner;
  IVA_HD void operator()(std::uint64_t x) const {
    kernels::ci_factor(lambda, q, q_offset, signals, strides, states, split, buyers, false, x, inner + x * states);
  }
};

/// The outer factor lambda(theta) prod_{i < split} q_i(b_i | theta) of outer block o (profiles
/// o * inner_count .. (o + 1) * inner_count - 1), tabulated once like the inner one.
struct OuterFactor {
  const double *lambda, *q;
  const std::uint64_t *q_offset, *strides;
  const int* signals;
  int states, split;
  std::uint64_t inner_count;
  double* outer;
  IVA_HD void operator()(std::uint64_t o) const {
    kernels::ci_factor(lambda, q, q_offset, signals, strides, states, 0, split, true, o * inner_count,
                       outer + o * states);
  }
};

/// Linear-space factored form: P(theta, b) = outer(prefix of b) * inner(suffix of b), O(m) a profile.
struct CiFactoredRow {
  const double *outer, *inner;
  int states;
  std::uint64_t inner_count, first;
  double *marginal, *posterior;
  IVA_HD void operator()(std::uint64_t k) const {
    const std::uint64_t b = first + k;
    marginal[k] = kernels::posterior_from_factors(outer + (b / inner_count) * states,
                                                  inner + (b % inner_count) * states, states, posterior + k * states);
  }
};

/// Profiles per chunk: the requested size, else what half of the free device memory holds.
std::uint64_t chunk_size(int states, std::uint64_t profiles, std::uint64_t requested) {
  if (requested > 0) return std::min(profiles, requested);
  std::size_t free_b = 0, total_b = 0;
  memory_info(free_b, total_b);
  const std::uint64_t per_profile = sizeof(double) * (static_cast<std::uint64_t>(states) + 1);
  return std::min(profiles, std::max<std::uint64_t>(free_b / 2 / per_profile, 1024));
}

DevicePrior upload_prior(TableForm form, const TablePrior& layout) {
  DevicePrior d;
  const auto n = static_cast<std::size_t>(layout.buyers), m = static_cast<std::size_t>(layout.states);
  if (form == TableForm::Joint) {
    d.joint = upload(layout.joint, m * layout.profiles, "joint prior");
    return d;
  }
  d.q_offset = upload(layout.q_offset, n, "q offsets");
  d.strides = upload(layout.strides, n, "strides");
  d.signals = upload(layout.signals, n, "signals");
  if (form == TableForm::CiLog) {
    d.log_lambda = upload(layout.log_lambda, m, "log lambda");
    d.log_q = upload(layout.log_q, layout.q_size, "log q");
    return d;
  }
  d.lambda = upload(layout.lambda, m, "lambda");
  d.q = upload(layout.q, layout.q_size, "q");
  d.inner = allocate<double>(layout.inner_count * static_cast<std::uint64_t>(layout.states), "inner factor");
  for_each_index(layout.inner_count, InnerFactor{raw(d.lambda), raw(d.q), raw(d.q_offset), raw(d.strides),
                                                  raw(d.signals), layout.states, layout.split, layout.buyers,
                                                  raw(d.inner)});
  const std::uint64_t outer_count = layout.profiles / layout.inner_count;
  d.outer = allocate<double>(outer_count * static_cast<std::uint64_t>(layout.states), "outer factor");
  for_each_index(outer_count, OuterFactor{raw(d.lambda), raw(d.q), raw(d.q_offset), raw(d.strides), raw(d.signals),
                                          layout.states, layout.split, layout.inner_count, raw(d.outer)});
  return d;
}

/// Profiles [first, first + count) into the chunk buffers.
void fill_chunk(TableForm form, const TablePrior& layout, DevicePrior& d, std::uint64_t first, std::uint64_t count,
                double* marginal, double* posterior) {
  const int m = layout.states;
  switch (form) {
    case TableForm::Joint:
      for_each_index(count, JointRow{raw(d.joint), m, layout.profiles, first, marginal, posterior});
      break;
    case TableForm::CiLog:
      for_each_index(count, CiLogRow{raw(d.log_lambda), raw(d.log_q), raw(d.q_offset), raw(d.strides), raw(d.signals),
                                     m, layout.buyers, first, marginal, posterior});
      break;
    case TableForm::CiFactored:
      for_each_index(count, CiFactoredRow{raw(d.outer), raw(d.inner), m, layout.inner_count, first, marginal,
                                          posterior});
      break;
  }
}

}  // namespace

std::shared_ptr<const DeviceResidentTable> posterior_table(const TablePrior& layout, PosteriorTable& table,
                                                           std::uint64_t chunk_profiles, bool host_copy) {
  return guarded("the posterior table", [&]() -> std::shared_ptr<const DeviceResidentTable> {
    const TableForm form = layout.form;
    DevicePrior d = upload_prior(form, layout);
    const int m = layout.states;
    const std::uint64_t profiles = layout.profiles, chunk = chunk_size(m, profiles, chunk_profiles);
    // a table rebuilt at the same size reuses the device memory it holds alone
    std::shared_ptr<DeviceResidentTable> resident;
    if (table.resident && table.resident.use_count() == 1 && table.resident->marginal.size() == chunk &&
        table.resident->posterior.size() == chunk * static_cast<std::uint64_t>(m))
      resident = std::const_pointer_cast<DeviceResidentTable>(table.resident);
    table.resident.reset();
    if (!resident) {
      resident = std::make_shared<DeviceResidentTable>();
      resident->marginal = allocate<double>(chunk, "posterior chunk (marginals)");
      resident->posterior = allocate<double>(chunk * static_cast<std::uint64_t>(m), "posterior chunk (posteriors)");
    }
    const bool copy = host_copy || chunk < profiles;
    table.marginal.resize(copy ? profiles : 0);  // every entry is written below
    table.posterior.resize(copy ? profiles * static_cast<std::uint64_t>(m) : 0);
    for (std::uint64_t first = 0; first < profiles; first += chunk) {
      const std::uint64_t count = std::min(chunk, profiles - first);
      fill_chunk(form, layout, d, first, count, raw(resident->marginal), raw(resident->posterior));
      if (!copy) continue;
      download(resident->marginal, 0, count, table.marginal.data() + first);
      download(resident->posterior, 0, count * m, table.posterior.data() + first * m);
    }
    if (chunk < profiles) return nullptr;  // the device held only a chunk at a time
    return resident;
  });
}

double copy_bandwidth(std::size_t bytes, int repeats) {
  return guarded("the copy bandwidth", [&] {
    const std::size_t count = bytes / sizeof(double);
    const DeviceArray<double> from(count, "copy source"), to(count, "copy target");
    thrust::fill(thrust::device, from.begin(), from.end(), 1.0);  // touched once: the copy is timed alone
    double best = 0.0;
    for (int r = 0; r < repeats; ++r) {
      const auto start = std::chrono::steady_clock::now();
      thrust::copy(thrust::device, from.begin(), from.end(), to.begin());  // synchronizes
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      best = std::max(best, static_cast<double>(count * sizeof(double)) / seconds);
    }
    return best;
  });
}

}  // namespace ivassign::device
