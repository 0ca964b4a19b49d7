// kernels/device_table.cuh — the device-resident copy of a profile table (device sources only).
#pragma once
#include <thrust/device_vector.h>

#include "ivassign/posterior.hpp"

namespace ivassign {

/// P(b) and rho(b) of every profile, left on the device by the table build so that the measures
/// read them where they are (one trip over the bus for the host's copy, none for the measures).
struct DeviceResidentTable {
  thrust::device_vector<double> marginal;   ///< P(b)
  thrust::device_vector<double> posterior;  ///< rho(b), profiles x m
};

}  // namespace ivassign
