// The device system this build compiled (kernels/device_system.hpp): CUDA devices through the
// runtime, or the OpenMP system's threads and host memory.
#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <fstream>
#include <string>

#include <thrust/version.h>

#include "ivassign/error.hpp"
#include "kernels/device_system.hpp"
#if THRUST_DEVICE_SYSTEM == THRUST_DEVICE_SYSTEM_CUDA
#include <cuda_runtime.h>

#include "kernels/cuda_check.cuh"
#else
#include <omp.h>
#endif

namespace ivassign::device {

bool built() { return true; }

#if THRUST_DEVICE_SYSTEM == THRUST_DEVICE_SYSTEM_CUDA

const char* system_name() { return "cuda"; }

int count() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();
    return 0;
  }
  return n;
}

std::string description() {
  if (count() == 0) return "no usable CUDA device";
  int current = 0;
  IVA_CUDA_CHECK(cudaGetDevice(&current));
  cudaDeviceProp prop{};
  IVA_CUDA_CHECK(cudaGetDeviceProperties(&prop, current));
  return std::string(prop.name) + ", " + std::to_string(prop.totalGlobalMem >> 20) + " MiB, sm_" +
         std::to_string(prop.major) + std::to_string(prop.minor);
}

namespace {
void system_memory_info(std::size_t& free_bytes, std::size_t& total_bytes) {
  IVA_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
}
}  // namespace

#else

const char* system_name() { return "omp-device"; }

int count() { return 1; }

std::string description() {
  return "Thrust OpenMP device system (Thrust " + std::to_string(THRUST_MAJOR_VERSION) + "." +
         std::to_string(THRUST_MINOR_VERSION) + ", " + std::to_string(omp_get_max_threads()) + " threads, no GPU)";
}

namespace {
void system_memory_info(std::size_t& free_bytes, std::size_t& total_bytes) {
  free_bytes = total_bytes = 0;
  std::ifstream meminfo("/proc/meminfo");
  std::string key, unit;
  std::size_t value = 0;
  while (meminfo >> key >> value >> unit) {
    if (key == "MemTotal:") total_bytes = value * 1024;
    if (key == "MemAvailable:") free_bytes = value * 1024;
  }
}
}  // namespace

#endif

void memory_info(std::size_t& free_bytes, std::size_t& total_bytes) {
  system_memory_info(free_bytes, total_bytes);
  // IVASSIGN_DEVICE_MEMORY_LIMIT=BYTES caps what the device offers: the forced small limit that tests
  // the chunked and refused paths without a full device (any build, either device system)
  const char* limit = std::getenv("IVASSIGN_DEVICE_MEMORY_LIMIT");
  if (limit == nullptr || *limit == '\0') return;
  char* end = nullptr;
  const unsigned long long cap = std::strtoull(limit, &end, 10);
  if (end == limit || *end != '\0')
    throw InputError(std::string("IVASSIGN_DEVICE_MEMORY_LIMIT: '") + limit + "' is not a number of bytes");
  total_bytes = std::min<std::size_t>(total_bytes, cap);
  free_bytes = std::min<std::size_t>(free_bytes, cap);
}

}  // namespace ivassign::device
