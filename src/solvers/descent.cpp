// Local search for large assignment problems with externalities (include/ivassign/solvers.hpp,
// solve_descent): the start (the given matching or the LAP optimum of the linear part, or empty)
// and the linear bound, then the descent and iterated local search of src/solvers/local_search.hpp,
// its candidate moves scored on the device when SolverOptions::backend asks for it.
#include "solvers/descent.hpp"

#include <chrono>
#include <cmath>
#include <cstddef>
#include <vector>

#include "ivassign/backend.hpp"
#include "ivassign/solvers.hpp"
#include "solvers/lap.hpp"
#include "solvers/local_search.hpp"

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
