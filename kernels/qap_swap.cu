// CUDA batch scoring of every pairwise swap of many QAP permutations at once (independent searches):
// one block per permutation, its permutation in shared memory, threads striding over the pairs and
// calling the same kernels::qap_swap_delta as the CPU path.
#include <vector>

#include "kernels/cuda_check.cuh"
#include "kernels/qap_delta.cuh"
#include "kernels/qap_swap_launch.hpp"

namespace ivassign::cuda {

namespace {

constexpr int kThreads = 256;

__global__ void swap_kernel(const double* C, const double* A, const double* B, int terms, int T, const int* perms,
                            std::int64_t pairs, double* deltas) {
  extern __shared__ int pi[];
  const int b = blockIdx.x;
  for (int e = threadIdx.x; e < T; e += blockDim.x) pi[e] = perms[static_cast<std::int64_t>(b) * T + e];
  __syncthreads();
  for (std::int64_t k = threadIdx.x; k < pairs; k += blockDim.x) {
    int r, s;
    kernels::qap_pair_of_index(T, k, &r, &s);
    deltas[static_cast<std::int64_t>(b) * pairs + k] = kernels::qap_swap_delta(C, A, B, terms, T, pi, r, s);
  }
}


}  // namespace

void qap_swap_deltas(const double* C, const double* A, const double* B, int terms, int T, const int* perms, int batch,
                     double* deltas, double* kernel_seconds) {
  const std::size_t tt = static_cast<std::size_t>(T) * T;
  const std::int64_t pairs = static_cast<std::int64_t>(T) * (T - 1) / 2;
  DeviceBuffer<double> dC(tt, "QAP linear term"), dA(tt * terms, "QAP flow matrices"), dB(tt * terms, "QAP distance matrices");
  DeviceBuffer<int> dP(static_cast<std::size_t>(batch) * T, "permutation batch");
  DeviceBuffer<double> dD(static_cast<std::size_t>(batch) * pairs, "swap deltas");
  IVA_CUDA_CHECK(cudaMemcpy(dC.ptr, C, tt * sizeof(double), cudaMemcpyHostToDevice));
  IVA_CUDA_CHECK(cudaMemcpy(dA.ptr, A, tt * terms * sizeof(double), cudaMemcpyHostToDevice));
  IVA_CUDA_CHECK(cudaMemcpy(dB.ptr, B, tt * terms * sizeof(double), cudaMemcpyHostToDevice));
  IVA_CUDA_CHECK(cudaMemcpy(dP.ptr, perms, static_cast<std::size_t>(batch) * T * sizeof(int), cudaMemcpyHostToDevice));
  cudaEvent_t start, stop;
  IVA_CUDA_CHECK(cudaEventCreate(&start));
  IVA_CUDA_CHECK(cudaEventCreate(&stop));
  IVA_CUDA_CHECK(cudaEventRecord(start));
  swap_kernel<<<batch, kThreads, T * sizeof(int)>>>(dC.ptr, dA.ptr, dB.ptr, terms, T, dP.ptr, pairs, dD.ptr);
  IVA_CUDA_CHECK(cudaGetLastError());
  IVA_CUDA_CHECK(cudaEventRecord(stop));
  IVA_CUDA_CHECK(cudaEventSynchronize(stop));
  float ms = 0;
  IVA_CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  if (kernel_seconds) *kernel_seconds = ms / 1e3;
  IVA_CUDA_CHECK(cudaMemcpy(deltas, dD.ptr, static_cast<std::size_t>(batch) * pairs * sizeof(double),
                            cudaMemcpyDeviceToHost));
}

}  // namespace ivassign::cuda
