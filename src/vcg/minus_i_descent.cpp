// VCG's minus-i searches with the local search (large problems with externalities): every buyer
// i's search runs from the full matching without i, on a search state shared per thread and rolled
// back after each search, with the minus-i optimum of the linear part as its bound. With
// SolverOptions::backend = Device each thread's search scores its candidate moves on the device
// (src/solvers/local_search.hpp): without a time limit all searches are scored together (one launch
// per round serves every running search); with one, each thread's search has its own device mirror.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

#include "common/parallel.hpp"
#include "ivassign/backend.hpp"
#include "ivassign/error.hpp"
#include "solvers/local_search.hpp"
#include "vcg/minus_i.hpp"

namespace ivassign {

namespace {

/// The untimed minus-i searches on the device, scored together (descent::descend_together): as many
/// searches at once as 2 GiB of tables allow (at most 64), one launch per round for all of them.
/// Each starts from `full` without buyer i, freshly tabled (descent_search's start), so it makes
/// the moves of descent_search(costs, full without i, i, bound) on either backend.
std::vector<AssignmentResult> minus_i_together(const PlacementCosts& costs, const std::vector<int>& full,
                                               const SolverOptions& options, const std::vector<double>& linear_bound,
                                               double tol) {
  const AssignmentProblem& p = costs.problem();
  const int n = p.buyers;
  std::vector<descent::DescentJob> jobs;
  std::vector<int> buyer_of;
  for (int i = 0; i < n; ++i) {
    if (!p.buyer_allowed(i)) continue;
    descent::DescentJob job;
    job.allowed.resize(static_cast<std::size_t>(n));
    for (int k = 0; k < n; ++k) job.allowed[k] = p.buyer_allowed(k) && k != i ? 1 : 0;
    job.start = full;
    job.start[i] = -1;
    job.upper = linear_bound[i];
    jobs.push_back(std::move(job));
    buyer_of.push_back(i);
  }
  const double per_slot = 17.0 * static_cast<double>(n) * static_cast<double>(p.sellers) + 1.0;  // bytes: H, H^T, marks
  const int slots = static_cast<int>(std::max(1.0, std::min(64.0, 2147483648.0 / per_slot)));
  std::vector<AssignmentResult> minus = descent::descend_together(costs, jobs, options, tol, slots);
  std::vector<AssignmentResult> out(static_cast<std::size_t>(n));
  for (std::size_t k = 0; k < jobs.size(); ++k) {
    AssignmentResult& r = minus[k];
    if (r.objective < 0.0) {  // the empty matching is feasible and worth 0
      r.assignment.assign(static_cast<std::size_t>(n), -1);
      r.objective = 0.0;
    }
    r.backend = Backend::Device;
    out[buyer_of[k]] = std::move(r);
  }
  return out;
}

}  // namespace

std::vector<AssignmentResult> descent_minus_i(const PlacementCosts& costs, const std::vector<int>& full,
                                              const SolverOptions& options, const std::vector<double>& linear_bound) {
  const AssignmentProblem& p = costs.problem();
  const int n = p.buyers;
  if (full.size() != static_cast<std::size_t>(n) || linear_bound.size() != static_cast<std::size_t>(n))
    throw Error("descent_minus_i: the full matching and the bounds need one entry per buyer");
  std::vector<char> base_allowed(n);
  int base_active = 0;
  for (int i = 0; i < n; ++i) base_active += base_allowed[i] = p.buyer_allowed(i) ? 1 : 0;
  const double tol = descent::move_tolerance(p);
  const bool on_device =
      resolve_backend(options.backend == Backend::Auto ? Backend::Cpu : options.backend) == Backend::Device;
  std::vector<AssignmentResult> out(n);
  if (on_device && !std::isfinite(options.time_limit)) return minus_i_together(costs, full, options, linear_bound, tol);
  FirstException errors;
#pragma omp parallel num_threads(thread_count(options.threads))
  {
    // one search state per thread, at the full matching; each minus-i search starts from it with
    // buyer i removed and is rolled back to it afterwards (no table rebuilt, no problem copied)
    std::unique_ptr<descent::LocalSearch> ls;
    errors.run([&] {
      ls = std::make_unique<descent::LocalSearch>(costs, base_allowed, tol);
      if (on_device) ls->use_device();
      ls->reset(full);
    });
    int searches = 0;
#pragma omp for schedule(dynamic)
    for (int i = 0; i < n; ++i) {
      if (!ls || !base_allowed[i]) continue;
      errors.run([&] {
        if (++searches % 64 == 0) ls->reset(full);  // rollbacks are exact up to rounding: rebuild now and then
        const auto start = std::chrono::steady_clock::now();
        std::vector<char> allowed = base_allowed;
        allowed[i] = 0;
        ls->set_allowed(allowed);
        ls->relocate(i, -1);
        AssignmentResult r = descent::iterated_descent(*ls, options, base_active - 1, linear_bound[i], tol, start);
        ls->rollback(0);
        r.backend = on_device ? Backend::Device : Backend::Cpu;
        if (r.objective < 0.0) {  // the empty matching is feasible and worth 0
          r.assignment.assign(static_cast<std::size_t>(n), -1);
          r.objective = 0.0;
        }
        out[i] = std::move(r);
      });
    }
  }
  errors.rethrow();
  return out;
}

}  // namespace ivassign
