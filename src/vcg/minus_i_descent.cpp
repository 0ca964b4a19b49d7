// VCG's minus-i searches with the local search (large problems with externalities): every buyer
// i's search runs from the full matching without i, on a search state shared by a group of about 64
// searches (descent_minus_i_groups: rebuilt at the group's start, rolled back after each search), with
// the minus-i optimum of the linear part as its bound; the groups are the unit of parallel work (threads,
// and the VcgPlan's buyer tasks), so results do not depend on the threads or on the split. With
// SolverOptions::backend = Device each thread's search state lives on the device
// (src/solvers/local_search.hpp): the same groups, the same settle and the same rollbacks to the
// settled full matching, move by move on the device's table, so the minus-i results are the CPU's
// (bit for bit on the OpenMP device system).
#include <algorithm>
#include <chrono>
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
