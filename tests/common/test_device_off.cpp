// The device interface of a build without a device path (kernels/device_off.cpp): its queries say
// "no device" and name the CMake option, and every launcher throws InputError, so src/ calls the
// device the same way in every build. Compiled only into a build without a device system
// (tests/CMakeLists.txt); the query's agreement with the public one is checked in every build
// (PosteriorBackends.TheDeviceInterfaceSaysWhetherThisBuildHasADevicePath).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "ivassign/backend.hpp"
#include "ivassign/error.hpp"
#include "kernels/device_launch.hpp"
#include "kernels/device_system.hpp"

namespace ivassign {
namespace {

/// The InputError of `run`'s call, "" when it threw none.
template <class F>
std::string input_error(F run) {
  try {
    run();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(DeviceOff, QueriesSayNoDeviceAndLaunchersThrowInputError) {
  ASSERT_FALSE(device_compiled()) << "tests/CMakeLists.txt compiles this file only without a device path";
  EXPECT_EQ(device::count(), 0);
  EXPECT_FALSE(device_available());
  EXPECT_EQ(device_description(),
            "no device path in this build (configure with -DIVASSIGN_DEVICE=CUDA or -DIVASSIGN_DEVICE=OMP)");
  const std::string tail = ": this build has no device path (configure with -DIVASSIGN_DEVICE=CUDA or OMP)";
  // the descent's device state: the message LocalSearch::use_device gives without a device path
  EXPECT_EQ(input_error([] { device::DescentState state(device::DescentProblem{}); }),
            "SolverOptions::backend device" + tail);
  const std::vector<double> w(4, 1.0);
  std::vector<int> z(2);
  std::vector<double> a(2), b(2), objective(1);
  std::vector<std::int64_t> status(1);
  EXPECT_EQ(input_error([&] {
              device::lap_batch(1, 2, 2, w.data(), z.data(), a.data(), b.data(), objective.data(), status.data(), 64);
            }),
            "backend device (device::lap_batch)" + tail);
  EXPECT_EQ(input_error([] { device::rots_multistart(kernels::RotsProblem{}, 1, nullptr, nullptr, 1, 1.0); }),
            "backend device (device::rots_multistart)" + tail);
  PosteriorTable table;
  std::vector<std::vector<double>> norm, gain, sum, variation;
  std::vector<double> size;
  EXPECT_NE(input_error([&] { device::table_measures(table, false, 0.0, norm, gain, sum, variation, size); }).find(tail),
            std::string::npos);
  std::vector<device::AuditLie> lies;
  EXPECT_NE(input_error([&] { device::audit_lies(table, device::SocialInput{}, 0.0, 0.0, lies); }).find(tail),
            std::string::npos);
  EXPECT_THROW(device_copy_bandwidth(1024, 1), InputError);  // resolve_backend refuses the device first
}

}  // namespace
}  // namespace ivassign
