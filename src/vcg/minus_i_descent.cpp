// VCG's minus-i searches with the local search (large problems with externalities): every buyer
// i's search runs from the full matching without i, on a search state shared by a group of about 64
// searches (descent_minus_i_groups: rebuilt at the group's start, rolled back after each search), with
// the minus-i optimum of the linear part as its bound; the groups are the unit of parallel work (threads,
// and the VcgPlan's buyer tasks), so results do not depend on the threads or on the split. With
// SolverOptions::backend = Device each thread's search scores its candidate moves on the device
// (src/solvers/local_search.hpp): without a time limit all searches are scored together (one launch
// per round serves every running search); with one, each thread's search has its own device mirror.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "common/parallel.hpp"
#include "common/progress.hpp"
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
                                               double tol, int lo, int hi) {
  const AssignmentProblem& p = costs.problem();
  const int n = p.buyers;
  std::vector<descent::DescentJob> jobs;
  std::vector<int> buyer_of;
  for (int i = lo; i < hi; ++i) {
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
  if (jobs.empty()) return std::vector<AssignmentResult>(static_cast<std::size_t>(n));
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

/// One group's searches on `ls` (descent_minus_i_groups): the table rebuilt at `full`, then buyer i's
/// search for each allowed i in [lo, hi), each rolled back to `full` afterwards.
void search_group(descent::LocalSearch& ls, const std::vector<int>& full, const std::vector<char>& base_allowed,
                  int base_active, int lo, int hi, const SolverOptions& options,
                  const std::vector<double>& linear_bound, double tol, std::vector<AssignmentResult>& out) {
  ls.reset(full);  // rollbacks are exact up to rounding: the table is rebuilt once per group
  // every candidate scored at `full` once (a local optimum: no move), so that after each search the
  // state returns there with nothing to rescore
  std::int64_t moves = 0;
  ls.set_allowed(base_allowed);
  const bool settled = ls.settle(moves);
  if (!settled) ls.rollback(0);
  for (int i = lo; i < hi; ++i) {
    if (!base_allowed[i]) continue;
    const auto start = std::chrono::steady_clock::now();
    std::vector<char> allowed = base_allowed;
    allowed[i] = 0;
    ls.set_allowed(allowed);
    ls.relocate(i, -1);
    AssignmentResult r = descent::iterated_descent(ls, options, base_active - 1, linear_bound[i], tol, start);
    if (settled)
      ls.rollback_settled();
    else
      ls.rollback(0);
    r.backend = ls.on_device() ? Backend::Device : Backend::Cpu;
    if (r.objective < 0.0) {  // the empty matching is feasible and worth 0
      r.assignment.assign(full.size(), -1);
      r.objective = 0.0;
    }
    out[i] = std::move(r);
  }
}

}  // namespace

std::vector<int> descent_minus_i_groups(const AssignmentProblem& problem) {
  std::vector<int> bounds{0};
  int searches = 0;
  for (int i = 0; i < problem.buyers; ++i)
    if (problem.buyer_allowed(i) && ++searches % 64 == 0) bounds.push_back(i);
  bounds.push_back(problem.buyers);
  return bounds;
}

std::vector<AssignmentResult> descent_minus_i(const PlacementCosts& costs, const std::vector<int>& full,
                                              const VcgOptions& options, const std::vector<double>& linear_bound) {
  const std::vector<int> bounds = descent_minus_i_groups(costs.problem());
  return descent_minus_i(costs, full, options, linear_bound, bounds, 0, bounds.size() - 1);
}

std::vector<AssignmentResult> descent_minus_i(const PlacementCosts& costs, const std::vector<int>& full,
                                              const VcgOptions& vcg, const std::vector<double>& linear_bound,
                                              const std::vector<int>& bounds, std::uint64_t first_group,
                                              std::uint64_t group_count) {
  const SolverOptions& options = vcg.search;
  const AssignmentProblem& p = costs.problem();
  const int n = p.buyers;
  if (full.size() != static_cast<std::size_t>(n) || linear_bound.size() != static_cast<std::size_t>(n))
    throw Error("descent_minus_i: the full matching and the bounds need one entry per buyer");
  if (bounds.size() < 2 || first_group > bounds.size() - 1 || group_count > bounds.size() - 1 - first_group)
    throw Error("descent_minus_i: the groups are outside descent_minus_i_groups's");
  std::vector<char> base_allowed(n);
  int base_active = 0;
  for (int i = 0; i < n; ++i) base_active += base_allowed[i] = p.buyer_allowed(i) ? 1 : 0;
  const double tol = descent::move_tolerance(p);
  const bool on_device =
      resolve_backend(options.backend == Backend::Auto ? Backend::Cpu : options.backend) == Backend::Device;
  std::vector<AssignmentResult> out(n);
  const auto lo = static_cast<std::size_t>(first_group), hi = lo + static_cast<std::size_t>(group_count);
  if (group_count == 0) return out;
  if (on_device && !std::isfinite(options.time_limit))
    return minus_i_together(costs, full, options, linear_bound, tol, bounds[lo], bounds[hi]);
  FirstException errors;
  const int threads = static_cast<int>(std::min<std::uint64_t>(thread_count(options.threads), group_count));
  StageProgress searched(vcg.progress, 0.0, 1.0, "VCG minus-i searches", static_cast<std::uint64_t>(bounds[hi] - bounds[lo]));
#pragma omp parallel num_threads(threads)
  {
    // one search state per thread, serving whole groups
    std::unique_ptr<descent::LocalSearch> ls;
    errors.run([&] {
      ls = std::make_unique<descent::LocalSearch>(costs, base_allowed, tol);
      if (on_device) ls->use_device();
    });
#pragma omp for schedule(dynamic)
    for (std::int64_t g = static_cast<std::int64_t>(lo); g < static_cast<std::int64_t>(hi); ++g) {
      if (!ls) continue;
      errors.run([&] {
        search_group(*ls, full, base_allowed, base_active, bounds[g], bounds[g + 1], options, linear_bound, tol, out);
      });
      searched.advance(static_cast<std::uint64_t>(bounds[g + 1] - bounds[g]));
    }
  }
  errors.rethrow();
  return out;
}

}  // namespace ivassign
