// solve_lap on many same-shape problems, spread over threads (one problem per thread at a time,
// taken in order from a shared counter); the first failure stops the others and is rethrown with the
// problem's index.
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

}  // namespace

LapBatchResult solve_lap_batch(int batch, int buyers, int sellers, const std::vector<double>& weights, int threads) {
  const auto start = std::chrono::steady_clock::now();
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
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace ivassign
