// kernels/cuda_check.cuh — CUDA status becomes an ivassign::CudaError (after clearing the sticky
// error); allocations that cannot fit become a ResourceError that says how much was needed.
#pragma once
#include <cuda_runtime.h>

#include <string>

#include "ivassign/error.hpp"

namespace ivassign::cuda {

inline void check(cudaError_t status, const char* call, const char* file, int line) {
  if (status == cudaSuccess) return;
  cudaGetLastError();  // clear a non-sticky error so later calls start clean
  throw CudaError(std::string(call) + " failed at " + file + ":" + std::to_string(line) + ": " +
                  cudaGetErrorName(status) + " (" + cudaGetErrorString(status) + ")");
}

/// cudaMalloc that reports bytes needed and free on failure.
template <class T>
T* device_alloc(std::size_t count, const char* what) {
  void* ptr = nullptr;
  const std::size_t bytes = count * sizeof(T);
  cudaError_t status = cudaMalloc(&ptr, bytes);
  if (status != cudaSuccess) {
    cudaGetLastError();
    std::size_t free_b = 0, total_b = 0;
    cudaMemGetInfo(&free_b, &total_b);
    throw ResourceError(std::string("GPU allocation for ") + what + " needs " + std::to_string(bytes) +
                        " bytes; the device has " + std::to_string(free_b) + " free of " + std::to_string(total_b));
  }
  return static_cast<T*>(ptr);
}

}  // namespace ivassign::cuda

#define IVA_CUDA_CHECK(call) ::ivassign::cuda::check((call), #call, __FILE__, __LINE__)
