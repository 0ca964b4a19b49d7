// Multistart robust tabu search on the device (kernels/qap_rots.cuh; the CPU path is
// src/solvers/tabu.cpp). The starts run in chunks of iterations, the host checking the clock between
// chunks; every start's state lives in device arrays between them, so chunking changes nothing.
//   * OpenMP device system: one Thrust index per start, each calling kernels::rots_run — the CPU
//     path's per-start function, hence the same moves and results bit for bit.
//   * CUDA: one thread block per start (Czapinski's parallel multistart tabu search): the block's
//     threads score the pairs and reduce to the least kernels::RotsKey (the serial loop's choice),
//     thread 0 applies the move, the threads update the delta table with kernels::rots_update_entry;
//     the table sits in shared memory when T * T doubles fit (the block's opt-in limit).
#include <algorithm>
#include <chrono>
#include <vector>

#include "kernels/device.cuh"
#include "kernels/device_launch.hpp"
#include "kernels/qap_rots.cuh"

#if THRUST_DEVICE_SYSTEM == THRUST_DEVICE_SYSTEM_CUDA
#include <cuda_runtime.h>

#include "kernels/cuda_check.cuh"
#endif

namespace ivassign::device {

namespace {

using kernels::RotsArrays;
using kernels::RotsProblem;

struct RotsInit {
  RotsProblem P;
  RotsArrays W;
  const std::uint64_t* seeds;
  IVA_HD void operator()(std::uint64_t k) const { kernels::rots_init(P, W.start(static_cast<std::int64_t>(k)), seeds[k]); }
};

/// The device copies of the problem and the starts' arrays.
struct RotsDeviceState {
  DeviceArray<double> C, A, B, delta, factors;
  DeviceArray<int> pi, best;
  DeviceArray<std::int64_t> memory;
  DeviceArray<kernels::RotsScalars> scalars;
  DeviceArray<std::uint64_t> seeds;
  RotsProblem P;
  RotsArrays W;
};

void prepare(RotsDeviceState& d, const RotsProblem& host, int starts, const int* initial, const std::uint64_t* seeds) {
  const std::size_t T = static_cast<std::size_t>(host.T), tt = T * T, n = static_cast<std::size_t>(starts);
  d.C = upload(host.C, tt, "QAP linear term");
  d.A = upload(host.A, tt * host.terms, "QAP flow matrices");
  d.B = upload(host.B, tt * host.terms, "QAP distance matrices");
  d.P = host;
  d.P.C = raw(d.C);
  d.P.A = raw(d.A);
  d.P.B = raw(d.B);
  const auto msize = static_cast<std::size_t>(kernels::rots_memory_size(host));
  const auto fsize = static_cast<std::size_t>(kernels::rots_factor_size(host));
  d.pi = upload(initial, n * T, "tabu starts' slots");
  d.best = allocate<int>(n * T, "tabu starts' best slots");
  d.delta = allocate<double>(n * tt, "tabu starts' delta tables");
  d.factors = allocate<double>(std::max<std::size_t>(n * fsize, 1), "tabu starts' update factors");
  d.memory = allocate<std::int64_t>(n * msize, "tabu starts' memories");
  d.scalars = allocate<kernels::RotsScalars>(n, "tabu starts' states");
  d.seeds = upload(seeds, n, "tabu starts' seeds");
  d.W = RotsArrays{raw(d.pi),     raw(d.best),    raw(d.delta),
                   raw(d.factors), raw(d.memory), raw(d.scalars),
                   static_cast<std::int64_t>(T), static_cast<std::int64_t>(msize), static_cast<std::int64_t>(fsize)};
}

#if THRUST_DEVICE_SYSTEM == THRUST_DEVICE_SYSTEM_CUDA
constexpr int kRotsThreads = 256;

/// The least key of the block (every thread passes its own; all get the result).
__device__ kernels::RotsKey block_least(kernels::RotsKey mine, kernels::RotsKey* keys) {
  keys[threadIdx.x] = mine;
  __syncthreads();
  for (int stride = blockDim.x / 2; stride > 0; stride /= 2) {
    if (threadIdx.x < stride && kernels::rots_before(keys[threadIdx.x + stride], keys[threadIdx.x]))
      keys[threadIdx.x] = keys[threadIdx.x + stride];
    __syncthreads();
  }
  const kernels::RotsKey least = keys[0];
  __syncthreads();
  return least;
}

/// One iteration of start S by the whole block; false when the start is finished.
__device__ bool block_iteration(const RotsProblem& P, const kernels::RotsStart& S, std::int64_t until,
                                kernels::RotsKey* keys) {
  if (S.s->iteration >= until || S.s->hit_target) return false;
  if (threadIdx.x == 0) kernels::rots_begin_iteration(P, S);
  __syncthreads();
  const std::int64_t tt = static_cast<std::int64_t>(P.T) * P.T;
  kernels::RotsKey mine;
  for (std::int64_t k = threadIdx.x; k < tt; k += blockDim.x) {
    int r, t;
    if (!kernels::rots_pair(P, k, &r, &t)) continue;
    const kernels::RotsKey key = kernels::rots_key(P, S, r, t);
    if (kernels::rots_before(key, mine)) mine = key;
  }
  const kernels::RotsKey move = block_least(mine, keys);
  if (threadIdx.x == 0) kernels::rots_apply(P, S, move);
  __syncthreads();
  if (move.cls == 2) return true;
  for (int e = threadIdx.x; e < P.T; e += blockDim.x) kernels::rots_factors(P, S, move.r, move.t, e);
  __syncthreads();
  for (std::int64_t k = threadIdx.x; k < tt; k += blockDim.x) {
    int r, t;
    if (kernels::rots_pair(P, k, &r, &t) && kernels::rots_movable(P, r, t))
      S.delta[k] = kernels::rots_update_entry(P, S, r, t, move.r, move.t, S.delta[k]);
  }
  __syncthreads();
  if (threadIdx.x == 0) kernels::rots_end_iteration(P, S);
  __syncthreads();
  if (kernels::rots_stagnant(P, S)) {  // the iterated search's restart: the block recomputes the table
    if (threadIdx.x == 0) kernels::rots_kick(P, S);
    __syncthreads();
    for (std::int64_t k = threadIdx.x; k < tt; k += blockDim.x) S.delta[k] = kernels::rots_fresh_entry(P, S, k);
    __syncthreads();
  }
  return true;
}

/// Block k runs start k for up to `until` iterations (its delta table copied into shared memory
/// and back when `in_shared`).
__global__ void rots_blocks(RotsProblem P, RotsArrays W, std::int64_t until, bool in_shared) {
  extern __shared__ double shared_delta[];
  // raw storage: a __shared__ array may not have a constructor to run
  __shared__ alignas(8) unsigned char key_storage[sizeof(kernels::RotsKey) * kRotsThreads];
  auto* keys = reinterpret_cast<kernels::RotsKey*>(key_storage);
  const kernels::RotsStart global = W.start(blockIdx.x);
  kernels::RotsStart S = global;
  const std::int64_t tt = static_cast<std::int64_t>(P.T) * P.T;
  if (in_shared) {
    for (std::int64_t k = threadIdx.x; k < tt; k += blockDim.x) shared_delta[k] = global.delta[k];
    S.delta = shared_delta;
  }
  __syncthreads();
  while (block_iteration(P, S, until, keys)) {
  }
  if (in_shared)
    for (std::int64_t k = threadIdx.x; k < tt; k += blockDim.x) global.delta[k] = shared_delta[k];
}

/// Launches one chunk on CUDA; returns whether the tables were in shared memory.
bool launch_chunk(const RotsDeviceState& d, int starts, std::int64_t until) {
  int device = 0, optin = 0;
  IVA_CUDA_CHECK(cudaGetDevice(&device));
  IVA_CUDA_CHECK(cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, device));
  const std::size_t bytes = static_cast<std::size_t>(d.P.T) * d.P.T * sizeof(double);
  const std::size_t fixed = sizeof(kernels::RotsKey) * kRotsThreads;
  const bool in_shared = bytes + fixed <= static_cast<std::size_t>(optin);
  const std::size_t dynamic = in_shared ? bytes : 0;
  if (in_shared)
    IVA_CUDA_CHECK(cudaFuncSetAttribute(rots_blocks, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(dynamic)));
  rots_blocks<<<starts, kRotsThreads, dynamic>>>(d.P, d.W, until, in_shared);
  IVA_CUDA_CHECK(cudaGetLastError());
  IVA_CUDA_CHECK(cudaDeviceSynchronize());
  return in_shared;
}
#else
/// One chunk of start k on the OpenMP device system: the CPU path's per-start function.
struct RotsChunk {
  RotsProblem P;
  RotsArrays W;
  std::int64_t until;
  void operator()(std::uint64_t k) const { kernels::rots_run(P, W.start(static_cast<std::int64_t>(k)), until); }
};

bool launch_chunk(const RotsDeviceState& d, int starts, std::int64_t until) {
  for_each_index(static_cast<std::uint64_t>(starts), RotsChunk{d.P, d.W, until});
  return false;
}
#endif

/// Whether some start reached the target (the others stop then).
bool any_hit(const RotsDeviceState& d, int starts) {
  std::vector<kernels::RotsScalars> s(static_cast<std::size_t>(starts));
  download(d.scalars, 0, s.size(), s.data());
  return std::any_of(s.begin(), s.end(), [](const kernels::RotsScalars& x) { return x.hit_target != 0; });
}

RotsOutcome collect(const RotsDeviceState& d, int starts) {
  RotsOutcome out;
  const std::size_t n = static_cast<std::size_t>(starts), T = static_cast<std::size_t>(d.P.T);
  out.best.resize(n * T);
  download(d.best, 0, n * T, out.best.data());
  std::vector<kernels::RotsScalars> s(n);
  download(d.scalars, 0, n, s.data());
  for (const auto& x : s) {
    out.best_cost.push_back(x.best_cost);
    out.iterations.push_back(x.iteration);
    out.hit_target.push_back(x.hit_target);
  }
  return out;
}

}  // namespace

RotsOutcome rots_multistart(const RotsProblem& problem, int starts, const int* initial, const std::uint64_t* seeds,
                            std::int64_t max_iter, double seconds) {
  return guarded("the multistart tabu search", [&] {
    const auto t0 = std::chrono::steady_clock::now();
    RotsDeviceState d;
    prepare(d, problem, starts, initial, seeds);
    for_each_index(static_cast<std::uint64_t>(starts), RotsInit{d.P, d.W, raw(d.seeds)});
    // chunks of about 2^22 delta updates per start, so the clock is read a few times a second
    const std::int64_t tt = static_cast<std::int64_t>(problem.T) * problem.T;
    const std::int64_t chunk = std::max<std::int64_t>(64, (std::int64_t(1) << 22) / std::max<std::int64_t>(tt, 1));
    bool shared = false;
    for (std::int64_t until = 0; until < max_iter;) {
      until = max_iter - until > chunk ? until + chunk : max_iter;
      shared = launch_chunk(d, starts, until);
      if (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() > seconds || any_hit(d, starts))
        break;
    }
    RotsOutcome out = collect(d, starts);
    out.shared_memory = shared;
    return out;
  });
}

}  // namespace ivassign::device
