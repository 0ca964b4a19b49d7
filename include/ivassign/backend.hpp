// ivassign/backend.hpp — where the heavy parallel work runs, chosen at run time.
//
// Backend::Cpu runs the OpenMP path; Backend::Cuda runs the CUDA kernels (it throws an Error when
// the build has no CUDA backend or the machine has no usable GPU); Backend::Auto picks Cuda when
// cuda_available() and Cpu otherwise. Both paths call the same __host__ __device__ per-element
// formulas in kernels/, so they agree to the last bits that floating-point reductions allow.
//
//   auto b = ivassign::resolve_backend(ivassign::Backend::Auto);   // Cpu on a machine without GPU
//   std::cout << ivassign::to_string(b);
#pragma once
#include <string>

namespace ivassign {

enum class Backend { Cpu, Cuda, Auto };

/// True when the library was built with CUDA and at least one device can be used.
bool cuda_available();
/// True when the library was built with its CUDA backend (whether or not a GPU is present).
bool cuda_compiled();
/// A one-line description of the CUDA devices ("no CUDA backend in this build", "NVIDIA H100 ...").
std::string cuda_device_description();
/// Auto -> Cuda or Cpu; Cuda without a usable device throws Error naming the reason.
Backend resolve_backend(Backend requested);
/// "cpu", "cuda", "auto".
std::string to_string(Backend b);
/// Parses "cpu", "cuda", "auto" (throws InputError otherwise).
Backend parse_backend(const std::string& text);

}  // namespace ivassign
