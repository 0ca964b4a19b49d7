// Many same-shape linear assignment problems on the device (solve_lap_batch with Backend::Device):
// one problem per device thread, a for-each over the problems calling kernels::lap_solve_one (the
// shortest augmenting paths of kernels/lap_batch.cuh, not the CPU batch's solve_lap: ties between
// optimal matchings may break differently) in its own slice of one workspace, the slices
// interleaved entry by entry on CUDA (thread k's entry e at e * chunk + k: threads scanning the same
// column touch neighbouring addresses) and contiguous on the OpenMP system (CPU caches); the
// interleaved layout is tested on the host (tests/solvers/test_lap_batch_device.cpp). One Thrust
// source for CUDA and OpenMP. The batch goes through in
// chunks of as many problems as device memory holds beside kDeviceReserveBytes.
#include <algorithm>
#include <cstdint>
#include <string>

#include "kernels/device.cuh"
#include "kernels/device_launch.hpp"
#include "kernels/lap_batch.cuh"

namespace ivassign::device {

namespace {

// On a GPU neighbouring threads should touch neighbouring addresses (interleaved workspaces); on CPU
// threads (the OpenMP device system) each problem's workspace is best kept contiguous in its cache.
#if THRUST_DEVICE_SYSTEM == THRUST_DEVICE_SYSTEM_OMP
constexpr bool kInterleave = false;
#else
constexpr bool kInterleave = true;
#endif

struct LapOne {
  const double* w;
  int n, s;
  std::uint64_t stride;  // the chunk (workspaces interleaved), or 1 (each problem's workspace contiguous)
  double* dbl;
  int* ints;
  int* assignment;
  double *row_duals, *col_duals, *objective;
  std::int64_t* status;

  IVA_HD void operator()(std::uint64_t k) const {
    const std::uint64_t n64 = static_cast<std::uint64_t>(n), s64 = static_cast<std::uint64_t>(s);
    const kernels::LapWork ws =
        stride > 1 ? kernels::lap_work_at(dbl + k, ints + k, n, s, stride)
                   : kernels::lap_work_at(dbl + k * kernels::lap_work_doubles(n, s), ints + k * kernels::lap_work_ints(n, s), n, s);
    status[k] = kernels::lap_solve_one(w + k * n64 * s64, n, s, ws, assignment + k * n64, row_duals + k * n64,
                                       col_duals + k * s64, objective + k);
  }
};

}  // namespace

std::uint64_t lap_batch_bytes_per_problem(int n, int s) {
  const std::uint64_t n64 = static_cast<std::uint64_t>(n), s64 = static_cast<std::uint64_t>(s);
  return sizeof(double) * (n64 * s64 + kernels::lap_work_doubles(n, s) + n64 + s64 + 1) +
         sizeof(int) * (kernels::lap_work_ints(n, s) + n64) + sizeof(std::int64_t);
}

void lap_batch(int batch, int n, int s, const double* weights, int* assignment, double* row_duals, double* col_duals,
               double* objective, std::int64_t* status) {
  if (batch <= 0) return;
  const std::uint64_t per = lap_batch_bytes_per_problem(n, s);
  std::size_t free_b = 0, total_b = 0;
  memory_info(free_b, total_b);
  const std::uint64_t room = free_b > kDeviceReserveBytes ? free_b - kDeviceReserveBytes : 0;
  const std::uint64_t chunk = std::min<std::uint64_t>(static_cast<std::uint64_t>(batch), room / per);
  if (chunk == 0)
    throw ResourceError("solve_lap_batch on the device: one problem of " + std::to_string(n) + " x " +
                        std::to_string(s) + " needs " + std::to_string(per) + " bytes (weights, workspace, results) "
                        "beside the " + std::to_string(kDeviceReserveBytes) + " reserved; the device (" +
                        system_name() + ") has " + std::to_string(free_b) + " free of " + std::to_string(total_b));
  const std::uint64_t n64 = static_cast<std::uint64_t>(n), s64 = static_cast<std::uint64_t>(s);
  guarded("the LAP batch", [&] {
    DeviceArray<double> w(chunk * n64 * s64, "LAP batch weights");
    DeviceArray<double> dbl(chunk * kernels::lap_work_doubles(n, s), "LAP batch workspace (doubles)");
    DeviceArray<int> ints(chunk * kernels::lap_work_ints(n, s), "LAP batch workspace (ints)");
    DeviceArray<int> z(chunk * n64, "LAP batch assignments");
    DeviceArray<double> a(chunk * n64, "LAP batch row duals"), b(chunk * s64, "LAP batch column duals");
    DeviceArray<double> obj(chunk, "LAP batch objectives");
    DeviceArray<std::int64_t> st(chunk, "LAP batch status");
    for (std::uint64_t first = 0; first < static_cast<std::uint64_t>(batch); first += chunk) {
      const std::uint64_t count = std::min<std::uint64_t>(chunk, static_cast<std::uint64_t>(batch) - first);
      copy_in(weights + first * n64 * s64, count * n64 * s64, w);
      const LapOne one{raw(w), n, s, kInterleave ? chunk : 1, raw(dbl), raw(ints), raw(z), raw(a), raw(b), raw(obj), raw(st)};
      for_each_index(count, one, 2);
      download(z, 0, count * n64, assignment + first * n64);
      download(a, 0, count * n64, row_duals + first * n64);
      download(b, 0, count * s64, col_duals + first * s64);
      download(obj, 0, count, objective + first);
      download(st, 0, count, status + first);
    }
  });
}

}  // namespace ivassign::device
