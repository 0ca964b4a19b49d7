// kernels/cuda_device.hpp — host-only interface to the CUDA runtime (implemented in
// kernels/cuda_device.cu, compiled only when the build has its CUDA backend). No CUDA types here.
#pragma once
#include <cstddef>
#include <string>

namespace ivassign::cuda {

/// Number of usable devices (0 when the driver or device is missing; never throws).
int device_count();
/// Name and memory of device 0.
std::string device_description();
/// Free and total device memory in bytes.
void memory_info(std::size_t& free_bytes, std::size_t& total_bytes);

}  // namespace ivassign::cuda
