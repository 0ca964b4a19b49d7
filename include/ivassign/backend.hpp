// ivassign/backend.hpp — where the heavy parallel work runs, chosen at run time.
//
// Backend::Cpu runs the OpenMP path. Backend::Device runs the device path: one Thrust source
// compiled, when the library was built, for one device system — CUDA (the GPU) or Thrust's OpenMP
// system (CPU threads: the device code executed without a GPU, as CI does). Backend::Cuda asks for
// the device and requires it to be CUDA. Backend::Auto picks the device when it is a usable GPU
// and the CPU otherwise. Asking for a device that is not there throws (never a silent fallback).
// Both paths call the same __host__ __device__ per-element formulas in kernels/, so they agree to
// the last bits that floating-point reductions allow.
//
//   auto b = ivassign::resolve_backend(ivassign::Backend::Auto);   // Cpu on a machine without GPU
//   std::cout << ivassign::to_string(b);                             // "cpu", "cuda" or "omp-device"
#pragma once
#include <cstddef>
#include <string>

namespace ivassign {

enum class Backend {
  Cpu,     ///< OpenMP on the host
  Cuda,    ///< requested only: the device, which must be CUDA
  Auto,    ///< requested only: Device when it is a usable GPU, else Cpu
  Device   ///< the device path of this build (CUDA or the OpenMP device system)
};

/// True when the library was built with a device path (IVASSIGN_DEVICE=CUDA or OMP).
bool device_compiled();
/// "cuda", "omp-device", or "" without a device path.
std::string device_system();
/// True when the device path can run here (a GPU for CUDA; always for the OpenMP device system).
bool device_available();
/// One line on the device ("NVIDIA H200, 143771 MiB, sm_90", "Thrust OpenMP device system ...").
std::string device_description();

/// Bytes per second of a device-to-device copy of `bytes` bytes (best of `repeats`); InputError
/// without a usable device. The bandwidth the device table build is measured against.
double device_copy_bandwidth(std::size_t bytes, int repeats = 3);

/// True when the device path is CUDA and at least one GPU can be used.
bool cuda_available();
/// True when the library was built with its CUDA device system (whether or not a GPU is present).
bool cuda_compiled();
/// device_description() of a CUDA build, else why there is no CUDA.
std::string cuda_device_description();

/// Auto -> Device or Cpu; Cuda -> Device when the device is CUDA. Device or Cuda that cannot run
/// here throws InputError naming the reason (and the CMake option when the build lacks it).
Backend resolve_backend(Backend requested);
/// What ran or was asked: "cpu", "cuda" / "omp-device" for Device, "cuda" for Cuda, "auto".
std::string to_string(Backend b);
/// The word a request is written with: "cpu", "device", "cuda", "auto" (what parse_backend reads).
std::string requested_name(Backend b);
/// Parses "cpu", "device", "cuda", "auto" (throws InputError otherwise).
Backend parse_backend(const std::string& text);

}  // namespace ivassign
