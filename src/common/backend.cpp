// The run-time backend choice (include/ivassign/backend.hpp) over the device system of this build.
#include "ivassign/backend.hpp"

#include "ivassign/error.hpp"
#include "kernels/device_launch.hpp"
#include "kernels/device_system.hpp"

namespace ivassign {

// The device interface answers for every build: kernels/device_*.cu with a device path,
// kernels/device_off.cpp without one (no device, the CMake option named).
bool device_compiled() { return device::built(); }

std::string device_system() { return device::system_name(); }

bool device_available() {
  static const bool available = device::count() > 0;
  return available;
}

std::string device_description() { return device::description(); }

double device_copy_bandwidth(std::size_t bytes, int repeats) {
  resolve_backend(Backend::Device);
  return device::copy_bandwidth(bytes, repeats);
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
