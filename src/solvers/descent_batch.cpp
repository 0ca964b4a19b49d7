// Many untimed descents with their candidate moves scored together on the device (descend_together,
// src/solvers/local_search.hpp): one launch per round serves every running search.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "common/parallel.hpp"
#include "ivassign/error.hpp"
#include "kernels/descent_move.cuh"
#include "solvers/local_search.hpp"
#include "kernels/device_launch.hpp"

namespace ivassign::descent {

namespace {

/// One search's place in the batch: its state (in the scorer's slot of the same number) and job.
struct Running {
  std::unique_ptr<LocalSearch> ls;
  int job = -1;
  std::int64_t moves = 0;
  std::chrono::steady_clock::time_point start;
};

/// The next window of every slot (starting jobs in slots that are free, finishing the searches that
/// have converged), each slot's changes gathered into `patch`. Empty when every job is done.
std::vector<device::DescentWindow> next_windows(std::vector<Running>& slot, const std::vector<DescentJob>& jobs,
                                                int& next_job, DevicePatch& patch,
                                                const std::function<void(Running&, bool)>& finish) {
  std::vector<device::DescentWindow> windows;
  for (std::size_t b = 0; b < slot.size(); ++b) {
    Running& run = slot[b];
    while (true) {
      if (run.job < 0) {
        if (next_job >= static_cast<int>(jobs.size())) break;
        run.job = next_job++;
        run.ls->set_allowed(jobs[run.job].allowed);
        run.ls->reset(jobs[run.job].start);
        run.moves = 0;
        run.start = std::chrono::steady_clock::now();
        run.ls->begin_device_descent();
      }
      int first = 0, count = 0;
      if (run.ls->next_device_window(first, count)) {
        run.ls->sync_device(patch);
        windows.push_back(device::DescentWindow{static_cast<int>(b), first, count});
        break;
      }
      finish(run, true);  // a pass without a move: converged; the slot takes the next job
    }
  }
  return windows;
}

}  // namespace

std::vector<AssignmentResult> descend_together(const PlacementCosts& costs, const std::vector<DescentJob>& jobs,
                                               const SolverOptions& options, double tol, int slots) {
  const int n = costs.problem().buyers;
  const int count = static_cast<int>(jobs.size());
  slots = std::max(1, std::min(slots, count));
  auto scorer = std::make_shared<device::DescentScorer>(device_problem(costs), slots);
  std::vector<Running> slot(static_cast<std::size_t>(slots));
  for (int b = 0; b < slots; ++b) {
    slot[b].ls = std::make_unique<LocalSearch>(costs, std::vector<char>(static_cast<std::size_t>(n), 1), tol);
    slot[b].ls->use_device(scorer, b);
  }
  std::vector<AssignmentResult> out(jobs.size());
  const std::int64_t move_limit = options.iteration_limit > 0 ? options.iteration_limit : -1;
  const std::function<void(Running&, bool)> finish = [&](Running& run, bool converged) {
    out[run.job] = descent_result(run.ls->matching(), run.ls->value(), jobs[run.job].upper, tol, options, converged,
                                  run.moves, run.start);
    run.job = -1;
  };
  int next_job = 0;
  DevicePatch patch;
  std::vector<kernels::DescentMove> best;
  std::vector<std::size_t> offset;
  std::vector<char> stopped;
  while (true) {
    patch.clear();
    const std::vector<device::DescentWindow> windows = next_windows(slot, jobs, next_job, patch, finish);
    if (windows.empty()) break;
    scorer->patch(patch.h_index, patch.ht_index, patch.h_value, patch.buyers, patch.z, patch.gown, patch.sellers,
                  patch.owner);
    offset.assign(windows.size() + 1, 0);
    for (std::size_t w = 0; w < windows.size(); ++w) offset[w + 1] = offset[w] + static_cast<std::size_t>(windows[w].count);
    best.resize(offset.back());
    scorer->best_moves(windows, best.data());  // one launch for every running search
    stopped.assign(windows.size(), 0);
    FirstException errors;
    const int w_count = static_cast<int>(windows.size());
#pragma omp parallel for schedule(dynamic) num_threads(thread_count(options.threads)) if (w_count >= 8)
    for (int w = 0; w < w_count; ++w) {
      errors.run([&] {
        Running& run = slot[windows[w].slot];
        if (!run.ls->take_device_window(best.data() + offset[w], windows[w].count, run.moves, move_limit)) stopped[w] = 1;
      });
    }
    errors.rethrow();
    for (std::size_t w = 0; w < windows.size(); ++w)
      if (stopped[w]) finish(slot[windows[w].slot], false);  // the move limit
  }
  return out;
}

}  // namespace ivassign::descent
