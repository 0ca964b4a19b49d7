// kernels/cuda_check.cuh — a CUDA runtime status becomes an ivassign::CudaError (after clearing the
// sticky error). Device memory is Thrust's (kernels/device.cuh), whose failures guarded() maps.
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

}  // namespace ivassign::cuda

#define IVA_CUDA_CHECK(call) ::ivassign::cuda::check((call), #call, __FILE__, __LINE__)
