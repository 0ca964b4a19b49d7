#include "ivassign/backend.hpp"

#include "ivassign/error.hpp"
#ifdef IVASSIGN_HAVE_CUDA
#include "kernels/cuda_device.hpp"
#endif

namespace ivassign {

bool cuda_compiled() {
#ifdef IVASSIGN_HAVE_CUDA
  return true;
#else
  return false;
#endif
}

bool cuda_available() {
#ifdef IVASSIGN_HAVE_CUDA
  static const bool available = cuda::device_count() > 0;
  return available;
#else
  return false;
#endif
}

std::string cuda_device_description() {
#ifdef IVASSIGN_HAVE_CUDA
  return cuda::device_description();
#else
  return "no CUDA backend in this build (configure with -DIVASSIGN_CUDA=ON)";
#endif
}

Backend resolve_backend(Backend requested) {
  if (requested == Backend::Cpu) return Backend::Cpu;
  if (requested == Backend::Auto) return cuda_available() ? Backend::Cuda : Backend::Cpu;
  if (!cuda_compiled())
    throw Error("backend cuda: this build has no CUDA backend (configure with -DIVASSIGN_CUDA=ON), use Backend::Cpu");
  if (!cuda_available())
    throw Error("backend cuda: no usable CUDA device on this machine (" + cuda_device_description() +
                "), use Backend::Cpu");
  return Backend::Cuda;
}

std::string to_string(Backend b) {
  switch (b) {
    case Backend::Cpu: return "cpu";
    case Backend::Cuda: return "cuda";
    case Backend::Auto: return "auto";
  }
  return "?";
}

Backend parse_backend(const std::string& text) {
  if (text == "cpu") return Backend::Cpu;
  if (text == "cuda") return Backend::Cuda;
  if (text == "auto") return Backend::Auto;
  throw InputError("backend '" + text + "' is not one of cpu, cuda, auto");
}

}  // namespace ivassign
