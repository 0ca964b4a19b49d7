#include <cuda_runtime.h>

#include <string>

#include "kernels/cuda_check.cuh"
#include "kernels/cuda_device.hpp"

namespace ivassign::cuda {

int device_count() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();
    return 0;
  }
  return count;
}

std::string device_description() {
  if (device_count() == 0) return "no usable CUDA device";
  cudaDeviceProp prop{};
  IVA_CUDA_CHECK(cudaGetDeviceProperties(&prop, 0));
  return std::string(prop.name) + ", " + std::to_string(prop.totalGlobalMem >> 20) + " MiB, sm_" +
         std::to_string(prop.major) + std::to_string(prop.minor);
}

void memory_info(std::size_t& free_bytes, std::size_t& total_bytes) {
  IVA_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
}

}  // namespace ivassign::cuda
