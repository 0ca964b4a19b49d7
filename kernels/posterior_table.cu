// CUDA kernels for the full signal-profile tensor: one thread per profile, calling the same
// per-element functions (kernels/posterior.cuh) as the OpenMP path.
#include <algorithm>
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

template <class T>
struct DeviceBuffer {
  T* ptr = nullptr;
  DeviceBuffer(std::size_t count, const char* what) : ptr(device_alloc<T>(count, what)) {}
  ~DeviceBuffer() { cudaFree(ptr); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
};

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
