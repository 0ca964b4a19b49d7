// Local search for large assignment problems with externalities (include/ivassign/solvers.hpp,
// solve_descent): the start (the given matching or the LAP optimum of the linear part, or empty)
// and the linear bound, then the descent of src/solvers/local_search.hpp and the iterated local search
// over it (iterated_descent, here), its candidate moves scored on the device when SolverOptions::backend
// asks for it.
#include "solvers/descent.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "common/random.hpp"
#include "ivassign/backend.hpp"
#include "ivassign/solvers.hpp"
#include "ivassign/tolerances.hpp"
#include "solvers/lap.hpp"
#include "solvers/local_search.hpp"

namespace ivassign::descent {

AssignmentResult iterated_descent(LocalSearch& ls, const SolverOptions& options,
                                  int active, double upper, double tol,
                                  const std::chrono::steady_clock::time_point& start) {
  const bool timed = std::isfinite(options.time_limit);
  const auto deadline = timed ? start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                            std::chrono::duration<double>(options.time_limit))
                              : std::chrono::steady_clock::time_point::max();
  const std::int64_t move_limit = options.iteration_limit > 0 ? options.iteration_limit : -1;
  std::int64_t moves = 0;
  bool converged = ls.descend(moves, move_limit, deadline);
  std::vector<int> best = ls.matching();
  double best_value = ls.value();
  const bool has_target = !std::isnan(options.target);
  bool hit_target = has_target && best_value >= options.target;
  bool proven = best_value >= upper - tol;
  SplitMix64 rng{options.seed * 0x2545F4914F6CDD1DULL + 17};
  const int kick_size = std::max(2, active / 50);
  while (timed && converged && !hit_target && !proven && std::chrono::steady_clock::now() < deadline &&
         (move_limit < 0 || moves < move_limit)) {
    const std::size_t mark = ls.mark();
    ls.kick(rng, kick_size);
    converged = ls.descend(moves, move_limit, deadline);
    if (ls.value() > best_value + tol) {
      best_value = ls.value();
      best = ls.matching();
      hit_target = has_target && best_value >= options.target;
      proven = best_value >= upper - tol;
    } else {
      ls.rollback(mark);
    }
    if (!converged) break;
  }
  return descent_result(std::move(best), best_value, upper, tol, options, converged, moves, start);
}

AssignmentResult descent_result(std::vector<int> best, double best_value, double upper, double tol,
                                const SolverOptions& options, bool converged, std::int64_t moves,
                                const std::chrono::steady_clock::time_point& start) {
  const std::int64_t move_limit = options.iteration_limit > 0 ? options.iteration_limit : -1;
  const bool hit_target = !std::isnan(options.target) && best_value >= options.target;
  const bool proven = best_value >= upper - tol;
  AssignmentResult r;
  r.assignment = std::move(best);
  r.objective = best_value;
  r.upper_bound = upper;
  r.optimal = proven;  // the linear bound is reached: no externality cost is paid by any optimum
  r.status = proven ? SolveStatus::Optimal
             : hit_target ? SolveStatus::Feasible
             : !converged && move_limit > 0 && moves >= move_limit ? SolveStatus::IterationLimit
             : !converged ? SolveStatus::TimeLimit
                          : SolveStatus::Feasible;
  r.iterations = moves;
  r.solver = "descent";
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

double move_tolerance(const AssignmentProblem& p) {
  double scale = 0.0;
  for (double w : p.linear) scale = std::max(scale, std::abs(w));
  return tol::kDescentGain * (1.0 + scale);
}

}  // namespace ivassign::descent

namespace ivassign {

AssignmentResult descent_search(const PlacementCosts& costs, const SolverOptions& options, int excluded,
                                double linear_bound) {
  const auto start = std::chrono::steady_clock::now();
  const AssignmentProblem& p = costs.problem();
  const int n = p.buyers, s = p.sellers;
  std::vector<char> allowed(n, 1);
  for (int i = 0; i < n; ++i) allowed[i] = p.buyer_allowed(i) && i != excluded ? 1 : 0;
  const double tol = descent::move_tolerance(p);

  std::vector<int> z0 = options.initial_assignment;
  const bool has_start = z0.size() == static_cast<std::size_t>(n);
  if (has_start) {
    std::vector<char> used(s, 0);  // drop what the mask forbids or repeats
    for (int i = 0; i < n; ++i) {
      const int j = z0[i];
      if (j < 0 || j >= s || !allowed[i] || used[j]) z0[i] = -1;
      else used[j] = 1;
    }
  }
  double upper = linear_bound;
  if (!has_start || std::isnan(linear_bound)) {
    // c >= 0: the linear part alone bounds the optimum from above, and its optimum is the default start
    AssignmentProblem linear = AssignmentProblem::linear_only(n, s, p.linear);
    linear.allowed = allowed;
    lap::Engine engine(linear);
    engine.solve();
    const std::vector<int> lap_start = engine.assignment();
    upper = linear.objective(lap_start);
    if (!has_start || p.objective(lap_start) > p.objective(z0)) z0 = lap_start;
  }
  // the empty matching is always feasible and worth 0: with heavy externalities it beats the LAP start
  if (p.objective(z0) < 0.0) z0.assign(n, -1);

  descent::LocalSearch ls(costs, allowed, tol);
  // the device scores the candidates, the host accepts: the same search (src/solvers/local_search.hpp)
  const bool on_device =
      resolve_backend(options.backend == Backend::Auto ? Backend::Cpu : options.backend) == Backend::Device;
  if (on_device) ls.use_device();
  ls.reset(z0);
  int active = 0;
  for (char c : allowed) active += c;
  AssignmentResult r = descent::iterated_descent(ls, options, active, upper, tol, start);
  r.backend = on_device ? Backend::Device : Backend::Cpu;
  r.objective = p.objective(r.assignment);  // once, exactly (the tracked value is up to rounding)
  if (r.objective < 0.0) {  // cut short by the clock below the empty matching's 0
    r.assignment.assign(n, -1);
    r.objective = 0.0;
  }
  return r;
}

AssignmentResult solve_descent(const AssignmentProblem& problem, const SolverOptions& options) {
  const PlacementCosts costs(problem);
  return descent_search(costs, options);
}

}  // namespace ivassign
