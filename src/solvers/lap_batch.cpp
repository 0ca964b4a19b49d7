// solve_lap on many same-shape problems, spread over threads (one problem per thread at a time,
// taken in order from a shared counter); the first failure stops the others and is rethrown with the
// problem's index. With the device backend: one problem per device thread or per CUDA thread block
// (kernels/device_lap_batch.cu) by another algorithm, kernels/lap_batch.cuh's shortest augmenting
// paths (no augmenting row reduction, one column settled per step; the same result for every team
// size): the same optimum value, but ties between optimal matchings may break differently from
// solve_lap's.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ivassign/error.hpp"
#include "ivassign/solvers.hpp"
#include "kernels/device_launch.hpp"
#include "kernels/lap_batch.cuh"

namespace ivassign {

namespace {

// Solves problem k of the batch into its slots of `out`.
void solve_one(const std::vector<double>& weights, std::size_t k, LapBatchResult& out) {
  const std::size_t n = out.buyers, s = out.sellers;
  const auto first = weights.begin() + static_cast<std::ptrdiff_t>(k * n * s);
  AssignmentProblem p = AssignmentProblem::linear_only(out.buyers, out.sellers, std::vector<double>(first, first + n * s));
  AssignmentResult r;
  try {
    r = solve_lap(p);
  } catch (const InputError& e) {
    throw InputError("problem " + std::to_string(k) + " of the batch: " + e.what());
  }
  std::copy(r.assignment.begin(), r.assignment.end(), out.assignment.begin() + k * n);
  std::copy(r.row_duals.begin(), r.row_duals.end(), out.row_duals.begin() + k * n);
  std::copy(r.col_duals.begin(), r.col_duals.end(), out.col_duals.begin() + k * s);
  out.objective[k] = r.objective;
  out.problem_seconds[k] = r.seconds;
}

// Checks the shapes and sizes the result's arrays.
LapBatchResult empty_result(int batch, int buyers, int sellers, const std::vector<double>& weights, int threads) {
  if (batch < 0 || buyers < 0 || sellers < 0)
    throw InputError("solve_lap_batch: negative batch, buyers or sellers");
  if (threads < 0) throw InputError("solve_lap_batch: threads " + std::to_string(threads) + " must be >= 0 (0: all cores)");
  const std::size_t b = batch, n = buyers, s = sellers;
  if (weights.size() != b * n * s)
    throw InputError("solve_lap_batch: " + std::to_string(weights.size()) + " weights for " + std::to_string(batch) +
                     " problems of " + std::to_string(buyers) + " x " + std::to_string(sellers));
  LapBatchResult out;
  out.batch = batch;
  out.buyers = buyers;
  out.sellers = sellers;
  out.assignment.assign(b * n, -1);
  out.row_duals.assign(b * n, 0.0);
  out.col_duals.assign(b * s, 0.0);
  out.objective.assign(b, 0.0);
  out.problem_seconds.assign(b, 0.0);
  return out;
}

void solve_on_threads(const std::vector<double>& weights, int threads, LapBatchResult& out) {
  const std::size_t b = out.batch;
  std::size_t workers = threads > 0 ? static_cast<std::size_t>(threads) : std::thread::hardware_concurrency();
  workers = std::max<std::size_t>(1, std::min(workers, b));
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto work = [&] {
    for (std::size_t k = next++; k < b; k = next++) {
      try {
        solve_one(weights, k, out);
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        next = b;
      }
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < workers; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
}

// The whole batch on the device; the lowest problem with a NaN or +inf weight is named as solve_lap names it.
void solve_on_device(const std::vector<double>& weights, int block_min_columns, LapBatchResult& out) {
  std::vector<std::int64_t> status(static_cast<std::size_t>(out.batch), kernels::kLapSolved);
  device::lap_batch(out.batch, out.buyers, out.sellers, weights.data(), out.assignment.data(), out.row_duals.data(),
                    out.col_duals.data(), out.objective.data(), status.data(), block_min_columns);
  for (std::size_t k = 0; k < status.size(); ++k) {
    if (status[k] == kernels::kLapSolved) continue;
    if (status[k] == kernels::kLapNoPath)
      throw Error("problem " + std::to_string(k) + " of the batch: LAP solver: no augmenting path on the device; this is "
                  "a bug for partial matchings, please report it");
    const std::size_t bad = static_cast<std::size_t>(status[k]), s = static_cast<std::size_t>(out.sellers);
    const double x = weights[k * static_cast<std::size_t>(out.buyers) * s + bad];
    throw InputError("problem " + std::to_string(k) + " of the batch: LAP solver: weight (" + std::to_string(bad / s) +
                     ", " + std::to_string(bad % s) + ") is " + (x != x ? "NaN" : "+infinite") +
                     " (-infinity marks a forbidden pair)");
  }
}

}  // namespace

LapBatchResult solve_lap_batch(int batch, int buyers, int sellers, const std::vector<double>& weights,
                               const LapBatchOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  LapBatchResult out = empty_result(batch, buyers, sellers, weights, options.threads);
  out.backend = resolve_backend(options.backend);
  if (out.backend == Backend::Device)
    solve_on_device(weights, options.block_min_columns, out);
  else
    solve_on_threads(weights, options.threads, out);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

LapBatchResult solve_lap_batch(int batch, int buyers, int sellers, const std::vector<double>& weights, int threads) {
  return solve_lap_batch(batch, buyers, sellers, weights, LapBatchOptions{threads, Backend::Cpu});
}

}  // namespace ivassign
