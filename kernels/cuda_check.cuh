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

/// Device memory for `count` T, freed when the buffer goes out of scope: the one way kernels/
/// owns device memory (failed allocations say how many bytes they needed).
template <class T>
struct DeviceBuffer {
  T* ptr = nullptr;
  std::size_t count = 0;
  DeviceBuffer(std::size_t n, const char* what) : ptr(device_alloc<T>(n, what)), count(n) {}
  ~DeviceBuffer() { cudaFree(ptr); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  void upload(const T* host, std::size_t n) const;
  T read(std::size_t k) const;
};

}  // namespace ivassign::cuda

#define IVA_CUDA_CHECK(call) ::ivassign::cuda::check((call), #call, __FILE__, __LINE__)

namespace ivassign::cuda {

/// Copies n host values to the start of the buffer.
template <class T>
void DeviceBuffer<T>::upload(const T* host, std::size_t n) const {
  IVA_CUDA_CHECK(cudaMemcpy(ptr, host, n * sizeof(T), cudaMemcpyHostToDevice));
}

/// Entry k, copied to the host.
template <class T>
T DeviceBuffer<T>::read(std::size_t k) const {
  T value;
  IVA_CUDA_CHECK(cudaMemcpy(&value, ptr + k, sizeof(T), cudaMemcpyDeviceToHost));
  return value;
}

}  // namespace ivassign::cuda

