// Batch scoring of all pairwise swaps (see score_all_swaps in include/ivassign/solvers.hpp).
#include <chrono>
#include <string>

#include "common/parallel.hpp"
#include "ivassign/error.hpp"
#include "ivassign/solvers.hpp"
#include "kernels/qap_delta.cuh"
#include "kernels/device_launch.hpp"

namespace ivassign {

SwapScores score_all_swaps(const QapInstance& q, const std::vector<int>& perms, Backend requested, int threads) {
  const int T = q.n;
  if (T < 2) throw InputError("score_all_swaps: " + q.name + " has n = " + std::to_string(T) + "; swaps need n >= 2");
  if (perms.size() % static_cast<std::size_t>(T) != 0)
    throw InputError("score_all_swaps: perms has " + std::to_string(perms.size()) + " entries, not a multiple of n = " +
                     std::to_string(T));
  const int batch = static_cast<int>(perms.size() / T);
  for (int b = 0; b < batch; ++b) {
    std::vector<char> seen(T, 0);
    for (int e = 0; e < T; ++e) {
      const int l = perms[static_cast<std::size_t>(b) * T + e];
      if (l < 0 || l >= T || seen[l])
        throw InputError("score_all_swaps: permutation " + std::to_string(b) + " is not a permutation of 0.." +
                         std::to_string(T - 1) + " (entry " + std::to_string(e) + " = " + std::to_string(l) + ")");
      seen[l] = 1;
    }
  }
  if (threads < 0) throw InputError("score_all_swaps: threads must be >= 1 (0: all cores)");
  // F = sum_e C[e][pi e] + sum_{e != f} A[e][f] B[pi e][pi f]: the diagonal goes to C
  const std::size_t tt = static_cast<std::size_t>(T) * T;
  std::vector<double> C(tt), A = q.a, B = q.b;
  for (int e = 0; e < T; ++e)
    for (int l = 0; l < T; ++l) C[static_cast<std::size_t>(e) * T + l] = q.a[static_cast<std::size_t>(e) * T + e] * q.b[static_cast<std::size_t>(l) * T + l];
  for (int e = 0; e < T; ++e) A[static_cast<std::size_t>(e) * T + e] = B[static_cast<std::size_t>(e) * T + e] = 0.0;
  const std::int64_t pairs = static_cast<std::int64_t>(T) * (T - 1) / 2;
  SwapScores out;
  out.backend = resolve_backend(requested);
  out.deltas.resize(static_cast<std::size_t>(batch) * pairs);
  if (out.backend == Backend::Device) {
    device::qap_swap_deltas(C.data(), A.data(), B.data(), 1, T, perms.data(), batch, out.deltas.data(), &out.seconds);
    return out;
  }
  const auto start = std::chrono::steady_clock::now();
  const std::int64_t total = static_cast<std::int64_t>(batch) * pairs;
#pragma omp parallel for schedule(static) num_threads(thread_count(threads))
  for (std::int64_t x = 0; x < total; ++x) {
    const std::int64_t b = x / pairs, k = x % pairs;
    int r, s;
    kernels::qap_pair_of_index(T, k, &r, &s);
    out.deltas[static_cast<std::size_t>(x)] =
        kernels::qap_swap_delta(C.data(), A.data(), B.data(), 1, T, perms.data() + b * T, r, s);
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace ivassign
