// src/solvers/local_search_device.hpp — the device side of a LocalSearch (src/solvers/local_search.hpp):
// the device state and the window of the device descent. Internal to local_search*.cpp.
#pragma once
#include <memory>

#include "kernels/device_launch.hpp"
#include "solvers/local_search.hpp"

namespace ivassign::descent {

/// The search state on the device and where the device descent stands: the next buyer it scores,
/// whether the current pass moved a buyer, and the window (buyers scored per launch, see the header).
struct LocalSearch::DeviceMirror {
  std::unique_ptr<device::DescentState> state;
  int cursor = 0;
  bool improved = false;
  int window = 1;
};

}  // namespace ivassign::descent
