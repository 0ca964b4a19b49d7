// CUDA kernels for the full signal-profile tensor: one thread per profile, calling the same
// per-element functions (kernels/posterior.cuh) as the OpenMP path.
#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/cuda_check.cuh"
#include "kernels/posterior.cuh"
#include "kernels/posterior_launch.hpp"

namespace ivassign::cuda {

namespace {

constexpr int kThreads = 256;

__global__ void joint_kernel(const double* joint, int states, std::uint64_t profiles, std::uint64_t first,
                             std::uint64_t count, double* marginal, double* posterior) {
  const std::uint64_t k = blockIdx.x * static_cast<std::uint64_t>(blockDim.x) + threadIdx.x;
  if (k >= count) return;
  const std::uint64_t b = first + k;
  marginal[k] = kernels::posterior_from_joint(joint, states, profiles, b, posterior + k * states);
}

__global__ void ci_kernel(const double* log_lambda, const double* log_q, const std::uint64_t* q_offset,
                          const int* signals, const std::uint64_t* strides, int states, int buyers,
                          std::uint64_t first, std::uint64_t count, double* marginal, double* posterior) {
  const std::uint64_t k = blockIdx.x * static_cast<std::uint64_t>(blockDim.x) + threadIdx.x;
  if (k >= count) return;
  marginal[k] = kernels::posterior_from_ci(log_lambda, log_q, q_offset, signals, strides, states, buyers, first + k,
                                           posterior + k * states);
}

__global__ void inner_factor_kernel(const double* lambda, const double* q, const std::uint64_t* q_offset,
                                    const int* signals, const std::uint64_t* strides, int states, int split,
                                    int buyers, std::uint64_t inner_count, double* inner) {
  const std::uint64_t x = blockIdx.x * static_cast<std::uint64_t>(blockDim.x) + threadIdx.x;
  if (x >= inner_count) return;
  kernels::ci_factor(lambda, q, q_offset, signals, strides, states, split, buyers, false, x, inner + x * states);
}


__global__ void ci_factored_kernel(const double* lambda, const double* q, const std::uint64_t* q_offset,
                                   const int* signals, const std::uint64_t* strides, int states, int split,
                                   std::uint64_t inner_count, const double* inner, std::uint64_t first,
                                   std::uint64_t count, double* marginal, double* posterior) {
  const std::uint64_t k = blockIdx.x * static_cast<std::uint64_t>(blockDim.x) + threadIdx.x;
  if (k >= count) return;
  const std::uint64_t b = first + k;
  double outer[kernels::kMaxFactoredStates];
  kernels::ci_factor(lambda, q, q_offset, signals, strides, states, 0, split, true, b - b % inner_count, outer);
  marginal[k] = kernels::posterior_from_factors(outer, inner + (b % inner_count) * states, states,
                                                posterior + k * states);
}


/// Profiles per chunk so that the chunk's outputs use at most half of the free memory.
std::uint64_t chunk_profiles(int states, std::uint64_t profiles, std::size_t reserved) {
  std::size_t free_b = 0, total_b = 0;
  IVA_CUDA_CHECK(cudaMemGetInfo(&free_b, &total_b));
  const std::size_t usable = free_b > reserved ? (free_b - reserved) / 2 : 0;
  const std::uint64_t per_profile = sizeof(double) * (static_cast<std::uint64_t>(states) + 1);
  const std::uint64_t fit = std::max<std::uint64_t>(usable / per_profile, 1024);
  return std::min(profiles, fit);
}

template <class Launch>
void run_chunks(int states, std::uint64_t profiles, std::size_t reserved, double* marginal, double* posterior,
                Launch launch) {
  const std::uint64_t chunk = chunk_profiles(states, profiles, reserved);
  DeviceBuffer<double> d_marg(chunk, "posterior chunk (marginals)");
  DeviceBuffer<double> d_post(chunk * states, "posterior chunk (posteriors)");
  for (std::uint64_t first = 0; first < profiles; first += chunk) {
    const std::uint64_t count = std::min(chunk, profiles - first);
    const unsigned blocks = static_cast<unsigned>((count + kThreads - 1) / kThreads);
    launch(blocks, first, count, d_marg.ptr, d_post.ptr);
    IVA_CUDA_CHECK(cudaGetLastError());
    IVA_CUDA_CHECK(cudaMemcpy(marginal + first, d_marg.ptr, count * sizeof(double), cudaMemcpyDeviceToHost));
    IVA_CUDA_CHECK(cudaMemcpy(posterior + first * states, d_post.ptr, count * states * sizeof(double),
                              cudaMemcpyDeviceToHost));
  }
}

}  // namespace

void posterior_table_joint(const double* joint, int states, std::uint64_t profiles, double* marginal,
                           double* posterior) {
  const std::size_t joint_bytes = sizeof(double) * states * profiles;
  DeviceBuffer<double> d_joint(static_cast<std::size_t>(states) * profiles, "joint prior");
  IVA_CUDA_CHECK(cudaMemcpy(d_joint.ptr, joint, joint_bytes, cudaMemcpyHostToDevice));
  run_chunks(states, profiles, 0, marginal, posterior,
             [&](unsigned blocks, std::uint64_t first, std::uint64_t count, double* dm, double* dp) {
               joint_kernel<<<blocks, kThreads>>>(d_joint.ptr, states, profiles, first, count, dm, dp);
             });
}

void posterior_table_ci_factored(const double* lambda, const double* q, std::uint64_t q_size,
                                 const std::uint64_t* q_offset, const int* signals, const std::uint64_t* strides,
                                 int states, int buyers, int split, std::uint64_t inner_count, std::uint64_t profiles,
                                 double* marginal, double* posterior) {
  if (states > kernels::kMaxFactoredStates) {
    // fall back to log space for very many states (no register scratch that large)
    std::vector<double> log_lambda(states), log_q(q_size);
    for (int t = 0; t < states; ++t) log_lambda[t] = std::log(lambda[t]);
    for (std::uint64_t k = 0; k < q_size; ++k) log_q[k] = std::log(q[k]);
    posterior_table_ci(log_lambda.data(), log_q.data(), q_size, q_offset, signals, strides, states, buyers, profiles,
                       marginal, posterior);
    return;
  }
  DeviceBuffer<double> d_l(states, "lambda");
  DeviceBuffer<double> d_q(q_size, "q");
  DeviceBuffer<std::uint64_t> d_off(buyers, "q offsets");
  DeviceBuffer<int> d_sig(buyers, "signals");
  DeviceBuffer<std::uint64_t> d_str(buyers, "strides");
  DeviceBuffer<double> d_inner(inner_count * states, "inner factor");
  IVA_CUDA_CHECK(cudaMemcpy(d_l.ptr, lambda, sizeof(double) * states, cudaMemcpyHostToDevice));
  IVA_CUDA_CHECK(cudaMemcpy(d_q.ptr, q, sizeof(double) * q_size, cudaMemcpyHostToDevice));
  IVA_CUDA_CHECK(cudaMemcpy(d_off.ptr, q_offset, sizeof(std::uint64_t) * buyers, cudaMemcpyHostToDevice));
  IVA_CUDA_CHECK(cudaMemcpy(d_sig.ptr, signals, sizeof(int) * buyers, cudaMemcpyHostToDevice));
  IVA_CUDA_CHECK(cudaMemcpy(d_str.ptr, strides, sizeof(std::uint64_t) * buyers, cudaMemcpyHostToDevice));
  inner_factor_kernel<<<static_cast<unsigned>((inner_count + kThreads - 1) / kThreads), kThreads>>>(
      d_l.ptr, d_q.ptr, d_off.ptr, d_sig.ptr, d_str.ptr, states, split, buyers, inner_count, d_inner.ptr);
  IVA_CUDA_CHECK(cudaGetLastError());
  run_chunks(states, profiles, 0, marginal, posterior,
             [&](unsigned blocks, std::uint64_t first, std::uint64_t count, double* dm, double* dp) {
               ci_factored_kernel<<<blocks, kThreads>>>(d_l.ptr, d_q.ptr, d_off.ptr, d_sig.ptr, d_str.ptr, states, split,
                                                        inner_count, d_inner.ptr, first, count, dm, dp);
             });
}

void posterior_table_ci(const double* log_lambda, const double* log_q, std::uint64_t log_q_size,
                        const std::uint64_t* q_offset, const int* signals, const std::uint64_t* strides, int states,
                        int buyers, std::uint64_t profiles, double* marginal, double* posterior) {
  DeviceBuffer<double> d_ll(states, "log lambda");
  DeviceBuffer<double> d_lq(log_q_size, "log q");
  DeviceBuffer<std::uint64_t> d_off(buyers, "q offsets");
  DeviceBuffer<int> d_sig(buyers, "signals");
  DeviceBuffer<std::uint64_t> d_str(buyers, "strides");
  IVA_CUDA_CHECK(cudaMemcpy(d_ll.ptr, log_lambda, sizeof(double) * states, cudaMemcpyHostToDevice));
  IVA_CUDA_CHECK(cudaMemcpy(d_lq.ptr, log_q, sizeof(double) * log_q_size, cudaMemcpyHostToDevice));
  IVA_CUDA_CHECK(cudaMemcpy(d_off.ptr, q_offset, sizeof(std::uint64_t) * buyers, cudaMemcpyHostToDevice));
  IVA_CUDA_CHECK(cudaMemcpy(d_sig.ptr, signals, sizeof(int) * buyers, cudaMemcpyHostToDevice));
  IVA_CUDA_CHECK(cudaMemcpy(d_str.ptr, strides, sizeof(std::uint64_t) * buyers, cudaMemcpyHostToDevice));
  run_chunks(states, profiles, 0, marginal, posterior,
             [&](unsigned blocks, std::uint64_t first, std::uint64_t count, double* dm, double* dp) {
               ci_kernel<<<blocks, kThreads>>>(d_ll.ptr, d_lq.ptr, d_off.ptr, d_sig.ptr, d_str.ptr, states, buyers,
                                               first, count, dm, dp);
             });
}

}  // namespace ivassign::cuda
