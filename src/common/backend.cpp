// The run-time backend choice (include/ivassign/backend.hpp) over the device system of this build.
#include "ivassign/backend.hpp"

#include "ivassign/error.hpp"
#ifdef IVASSIGN_HAVE_DEVICE
#include "kernels/device_launch.hpp"
#include "kernels/device_system.hpp"
#endif

namespace ivassign {

bool device_compiled() {
#ifdef IVASSIGN_HAVE_DEVICE
  return true;
#else
  return false;
#endif
}

std::string device_system() {
#ifdef IVASSIGN_HAVE_DEVICE
  return device::system_name();
#else
  return "";
#endif
}

bool device_available() {
#ifdef IVASSIGN_HAVE_DEVICE
  static const bool available = device::count() > 0;
  return available;
#else
  return false;
#endif
}

std::string device_description() {
#ifdef IVASSIGN_HAVE_DEVICE
  return device::description();
#else
  return "no device path in this build (configure with -DIVASSIGN_DEVICE=CUDA or -DIVASSIGN_DEVICE=OMP)";
#endif
}

double device_copy_bandwidth(std::size_t bytes, int repeats) {
  resolve_backend(Backend::Device);
#ifdef IVASSIGN_HAVE_DEVICE
  return device::copy_bandwidth(bytes, repeats);
#else
  (void)bytes;
  (void)repeats;
  return 0.0;
#endif
}

bool cuda_compiled() { return device_system() == "cuda"; }

bool cuda_available() { return cuda_compiled() && device_available(); }

std::string cuda_device_description() {
  if (cuda_compiled()) return device_description();
  return device_compiled() ? "this build's device system is " + device_system() + ", not CUDA (configure with "
                             "-DIVASSIGN_DEVICE=CUDA)"
                           : device_description();
}

Backend resolve_backend(Backend requested) {
  switch (requested) {
    case Backend::Cpu: return Backend::Cpu;
    case Backend::Auto: return cuda_available() ? Backend::Device : Backend::Cpu;
    case Backend::Cuda:
      if (!cuda_compiled())
        throw InputError("backend cuda: " + cuda_device_description() + "; use Backend::Cpu (or Backend::Device)");
      break;
    case Backend::Device:
      if (!device_compiled()) throw InputError("backend device: " + device_description() + "; use Backend::Cpu");
      break;
  }
  if (!device_available())
    throw InputError("backend " + requested_name(requested) + ": no usable device on this machine (" + device_description() +
                     "); use Backend::Cpu");
  return Backend::Device;
}

std::string to_string(Backend b) {
  switch (b) {
    case Backend::Cpu: return "cpu";
    case Backend::Cuda: return "cuda";
    case Backend::Auto: return "auto";
    case Backend::Device: return device_compiled() ? device_system() : "device";
  }
  return "?";
}

std::string requested_name(Backend b) { return b == Backend::Device ? "device" : to_string(b); }

Backend parse_backend(const std::string& text) {
  if (text == "cpu") return Backend::Cpu;
  if (text == "device") return Backend::Device;
  if (text == "cuda") return Backend::Cuda;
  if (text == "auto") return Backend::Auto;
  throw InputError("backend '" + text + "' is not one of cpu, device, cuda, auto");
}

}  // namespace ivassign
