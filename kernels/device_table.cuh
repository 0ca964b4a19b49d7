// kernels/device_table.cuh — the device-resident copy of a profile table (device sources only).
#pragma once
#include "kernels/device.cuh"

#include "ivassign/posterior.hpp"

namespace ivassign {

/// P(b) and rho(b) of every profile, left on the device by the table build so that the measures
/// read them where they are (one trip over the bus for the host's copy, none for the measures).
struct DeviceResidentTable {
  device::DeviceArray<double> marginal;   ///< P(b)
  device::DeviceArray<double> posterior;  ///< rho(b), profiles x m
};

}  // namespace ivassign
