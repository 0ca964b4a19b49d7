// Many same-shape linear assignment problems on the device (solve_lap_batch with Backend::Device):
// kernels::lap_solve_one (the shortest augmenting paths of kernels/lap_batch.cuh, not the CPU
// batch's solve_lap: ties between optimal matchings may break differently) on each problem, in
// one of two layouts.
//  - One problem per device thread (LapSolo): a for-each over the problems, each in its own slice of
//    one workspace, the slices interleaved entry by entry on CUDA (thread k's entry e at
//    e * chunk + k: threads scanning the same column touch neighbouring addresses) and contiguous on
//    the OpenMP system (CPU caches); the interleaved layout is tested on the host
//    (tests/solvers/test_lap_batch_device.cpp). The only layout on the OpenMP device system.
//  - One problem per thread block (CUDA, problems of at least LapBatchOptions::block_min_columns
//    sellers): a block of kBlockThreads threads deals each row scan's columns round-robin and
//    settles each shortest-path step by a CUB BlockReduce of LapPick; the workspace of each problem
//    is contiguous (the block's threads read neighbouring columns: coalesced). Same algorithm and,
//    LapPick being a total order, the same result bit for bit as one thread (test_lap_team.cpp runs
//    the same code on teams of host threads). No GPU has measured the crossover; the threshold is
//    an option for that measurement (scripts/gpu-check.sh).
// One Thrust source for CUDA and OpenMP. The batch goes through in chunks of as many problems as
// device memory holds beside kDeviceReserveBytes.
#include <algorithm>
#include <cstdint>
#include <string>

#include "kernels/device.cuh"
#include "kernels/device_launch.hpp"
#include "kernels/lap_batch.cuh"

#if THRUST_DEVICE_SYSTEM == THRUST_DEVICE_SYSTEM_CUDA
#include <cub/block/block_reduce.cuh>

#include "kernels/cuda_check.cuh"
#endif

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

  // Problem k by a team in workspace ws; its first member writes the status.
  IVA_LAP_TEAM_TEMPLATE
  template <class Team>
  IVA_HD void solve(const Team& team, std::uint64_t k, const kernels::LapWork& ws) const {
    const std::uint64_t n64 = static_cast<std::uint64_t>(n), s64 = static_cast<std::uint64_t>(s);
    const std::int64_t st = kernels::lap_solve_one(team, w + k * n64 * s64, n, s, ws, assignment + k * n64,
                                                   row_duals + k * n64, col_duals + k * s64, objective + k);
    if (team.rank() == 0) status[k] = st;
  }
  // Problem k's workspace: interleaved (stride > 1) or contiguous.
  IVA_HD kernels::LapWork work(std::uint64_t k) const {
    return stride > 1 ? kernels::lap_work_at(dbl + k, ints + k, n, s, stride)
                      : kernels::lap_work_at(dbl + k * kernels::lap_work_doubles(n, s),
                                             ints + k * kernels::lap_work_ints(n, s), n, s);
  }
  IVA_HD void operator()(std::uint64_t k) const { solve(kernels::LapSolo{}, k, work(k)); }
};

#if THRUST_DEVICE_SYSTEM == THRUST_DEVICE_SYSTEM_CUDA
constexpr int kBlockThreads = 128;

struct PickMin {
  __device__ kernels::LapPick operator()(const kernels::LapPick& a, const kernels::LapPick& b) const {
    return kernels::lap_before(b, a) ? b : a;
  }
};

// A CUDA thread block as a kernels/lap_batch.cuh team: pick is a CUB BlockReduce, broadcast through
// shared memory.
struct LapBlock {
  using Reduce = cub::BlockReduce<kernels::LapPick, kBlockThreads>;
  typename Reduce::TempStorage* temp;
  kernels::LapPick* slot;
  __device__ int rank() const { return static_cast<int>(threadIdx.x); }
  __device__ int size() const { return kBlockThreads; }
  __device__ void sync() const { __syncthreads(); }
  __device__ kernels::LapPick pick(const kernels::LapPick& mine) const {
    const kernels::LapPick best = Reduce(*temp).Reduce(mine, PickMin());
    if (threadIdx.x == 0) *slot = best;
    __syncthreads();
    const kernels::LapPick out = *slot;
    __syncthreads();  // temp and slot free for the next pick
    return out;
  }
};

// Block b solves problems b, b + gridDim.x, ... (contiguous workspaces: one.stride is 1).
__global__ void __launch_bounds__(kBlockThreads) lap_block_kernel(LapOne one, std::uint64_t count) {
  __shared__ typename LapBlock::Reduce::TempStorage temp;
  __shared__ kernels::LapPick slot;
  const LapBlock team{&temp, &slot};
  for (std::uint64_t k = blockIdx.x; k < count; k += gridDim.x) {
    one.solve(team, k, one.work(k));
    __syncthreads();
  }
}

void solve_chunk(const LapOne& one, std::uint64_t count, bool blocks) {
  if (!blocks) {
    for_each_index(count, one, 2);
    return;
  }
  const unsigned grid = static_cast<unsigned>(std::min<std::uint64_t>(count, std::uint64_t{1} << 20));
  lap_block_kernel<<<grid, kBlockThreads>>>(one, count);
  IVA_CUDA_CHECK(cudaGetLastError());
  IVA_CUDA_CHECK(cudaDeviceSynchronize());
}
constexpr bool kBlocksBuilt = true;
#else
void solve_chunk(const LapOne& one, std::uint64_t count, bool) { for_each_index(count, one, 2); }
constexpr bool kBlocksBuilt = false;  // the OpenMP device system: one problem per thread
#endif

}  // namespace

std::uint64_t lap_batch_bytes_per_problem(int n, int s) {
  const std::uint64_t n64 = static_cast<std::uint64_t>(n), s64 = static_cast<std::uint64_t>(s);
  return sizeof(double) * (n64 * s64 + kernels::lap_work_doubles(n, s) + n64 + s64 + 1) +
         sizeof(int) * (kernels::lap_work_ints(n, s) + n64) + sizeof(std::int64_t);
}

void lap_batch(int batch, int n, int s, const double* weights, int* assignment, double* row_duals, double* col_duals,
               double* objective, std::int64_t* status, int block_min_columns) {
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
  const bool blocks = kBlocksBuilt && s >= block_min_columns;
  const std::uint64_t stride = kInterleave && !blocks ? chunk : 1;
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
      const LapOne one{raw(w), n, s, stride, raw(dbl), raw(ints), raw(z), raw(a), raw(b), raw(obj), raw(st)};
      solve_chunk(one, count, blocks);
      download(z, 0, count * n64, assignment + first * n64);
      download(a, 0, count * n64, row_duals + first * n64);
      download(b, 0, count * s64, col_duals + first * s64);
      download(obj, 0, count, objective + first);
      download(st, 0, count, status + first);
    }
  });
}

}  // namespace ivassign::device
