// kernels/device_system.hpp — host-only interface to the device path (no Thrust or CUDA types).
//
// The device code (kernels/device_*.cu) is one Thrust source compiled for one of two device
// systems: CUDA (nvcc, the GPU) or Thrust's OpenMP system (the host compiler, CPU threads, no GPU),
// chosen by CMake's IVASSIGN_DEVICE. A build without a device path (IVASSIGN_DEVICE=OFF) compiles
// kernels/device_off.cpp instead: built() false, count() 0, a description naming the CMake option,
// and every launcher (kernels/device_launch.hpp) throwing InputError. src/ calls these the same way in
// every build and never tests the build configuration itself.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace ivassign::device {

/// True when this build has a device path (CUDA or the OpenMP device system), false for kernels/device_off.cpp.
bool built();
/// "cuda" or "omp-device": the device system this build compiled ("" without a device path).
const char* system_name();
/// Usable devices: the GPUs for CUDA (0 when the driver or device is missing; never throws), 1 for
/// OpenMP, 0 without a device path.
int count();
/// What the device is ("NVIDIA H100 ..., 81559 MiB, sm_90" or "Thrust OpenMP device system, 16 threads").
std::string description();
/// The device memory an algorithm leaves free for Thrust's temporaries and the runtime.
constexpr std::uint64_t kDeviceReserveBytes = std::uint64_t(64) << 20;

/// Free and total device memory in bytes (host memory for the OpenMP system), both capped by the
/// environment's IVASSIGN_DEVICE_MEMORY_LIMIT (bytes) when set: a forced small device for tests.
void memory_info(std::size_t& free_bytes, std::size_t& total_bytes);

}  // namespace ivassign::device
