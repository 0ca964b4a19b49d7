// solve_assignment: validation (the options' by their table, ivassign/options.hpp) and the choice of algorithm.
#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>

#include "ivassign/assignment.hpp"
#include "ivassign/error.hpp"
#include "ivassign/options.hpp"
#include "ivassign/solvers.hpp"
#include "solvers/structure.hpp"

namespace ivassign {

namespace {

/// Throws InputError naming the first entry of `values` that is negative or not finite.
void require_nonnegative(const std::vector<double>& values, const char* what, const char* rule) {
  for (std::size_t k = 0; k < values.size(); ++k)
    if (!std::isfinite(values[k]))
      throw InputError(std::string("assignment problem: ") + what + " entry " + std::to_string(k) + " is not finite");
    else if (values[k] < 0.0)
      throw InputError(std::string("assignment problem: ") + what + " entry " + std::to_string(k) + ": " +
                       std::to_string(values[k]) + " is negative; " + rule);
}

}  // namespace

void validate_problem(const AssignmentProblem& p) {
  const std::size_t n = static_cast<std::size_t>(p.buyers), s = static_cast<std::size_t>(p.sellers);
  if (p.buyers < 0 || p.sellers < 0) throw InputError("assignment problem: sizes must be non-negative");
  if (p.linear.size() != n * s)
    throw InputError("assignment problem: linear has " + std::to_string(p.linear.size()) +
                     " entries, expected buyers*sellers = " + std::to_string(n * s));
  for (std::size_t k = 0; k < p.linear.size(); ++k)
    if (!std::isfinite(p.linear[k]))
      throw InputError("assignment problem: linear entry " + std::to_string(k) + " is not finite");
  if (!p.allowed.empty() && p.allowed.size() != n)
    throw InputError("assignment problem: allowed has " + std::to_string(p.allowed.size()) + " entries, expected " +
                     std::to_string(n));
  const auto& e = p.externalities;
  using F = ExternalityCosts::Form;
  if (e.form == F::Dense && e.dense.size() != n * s * n * s)
    throw InputError("assignment problem: dense externalities need n*s*n*s entries");
  if (e.form == F::Dense) require_nonnegative(e.dense, "externalities.dense", "externality costs must be >= 0");
  if (e.form == F::Factored) {
    const std::size_t t = static_cast<std::size_t>(e.terms);
    if (e.terms < 0 || e.weight.size() != n * t || e.buyer.size() != t * n * n || e.seller.size() != t * s * s)
      throw InputError("assignment problem: factored externalities need weight n*T, buyer T*n*n, seller T*s*s");
    require_nonnegative(e.weight, "externalities.factored.weight", "externality factors must be >= 0");
    require_nonnegative(e.buyer, "externalities.factored.buyer", "externality factors must be >= 0");
    require_nonnegative(e.seller, "externalities.factored.seller", "externality factors must be >= 0");
  }
  if (e.form == F::Sparse) {
    for (std::size_t k = 0; k < e.sparse.size(); ++k) {
      const auto& x = e.sparse[k];
      if (x.i < 0 || x.i >= p.buyers || x.p < 0 || x.p >= p.buyers || x.j < 0 || x.j >= p.sellers || x.q < 0 ||
          x.q >= p.sellers)
        throw InputError("assignment problem: sparse externality " + std::to_string(k) + " has an index out of range");
      if (!std::isfinite(x.value))
        throw InputError("assignment problem: sparse externality " + std::to_string(k) + ": value is not finite");
      if (x.value < 0.0)
        throw InputError("assignment problem: sparse externality " + std::to_string(k) + ": value " +
                         std::to_string(x.value) + " is negative; externality costs must be >= 0");
      if (k > 0) {
        const auto& y = e.sparse[k - 1];
        const bool ordered = std::tie(y.i, y.j, y.p, y.q) < std::tie(x.i, x.j, x.p, x.q);
        if (!ordered)
          throw InputError("assignment problem: sparse externalities must be sorted by (i,j,p,q) with unique keys (entry " +
                           std::to_string(k) + ")");
      }
    }
  }
}


SolverKind choose_solver(const AssignmentProblem& problem, const SolverOptions& options) {
  if (options.solver != SolverKind::Auto) return options.solver;
  int active = 0;
  for (int i = 0; i < problem.buyers; ++i) active += problem.buyer_allowed(i) ? 1 : 0;
  if (!problem.has_externalities()) return SolverKind::Lap;
  if (active <= options.exact_size_limit) return SolverKind::BranchAndBound;
  // without a time or iteration limit the tabu search runs its default budget (about 200 T
  // iterations of O(T^2) swap scores): only for moderate slot counts T; beyond, the descent
  const bool bounded = std::isfinite(options.time_limit) || options.iteration_limit > 0;
  const int tabu_limit = bounded ? options.tabu_size_limit : std::min(options.tabu_size_limit, kUntimedTabuSlots);
  if (problem.sellers + active <= tabu_limit) return SolverKind::Tabu;
  return SolverKind::Descent;
}

bool device_search_supported(const AssignmentProblem& problem, const SolverOptions& options) {
  const SolverKind kind = choose_solver(problem, options);
  const auto form = problem.externalities.form;
  return (kind == SolverKind::Tabu || kind == SolverKind::Descent) &&
         (form == ExternalityCosts::Form::None || form == ExternalityCosts::Form::Factored);
}

SolverOptions routed_options(const AssignmentProblem& problem, const SolverOptions& options) {
  SolverOptions out = options;
  if (options.backend == Backend::Device && !device_search_supported(problem, options)) out.backend = Backend::Cpu;
  return out;
}

AssignmentResult solve_assignment(const AssignmentProblem& problem, const SolverOptions& options) {
  validate(options);
  validate_problem(problem);
  const bool device_asked = options.backend == Backend::Device || options.backend == Backend::Cuda;
  if (device_asked) resolve_backend(options.backend);  // a device this build or machine lacks is named first
  const SolverKind kind = choose_solver(problem, options);
  if (device_asked && kind != SolverKind::Tabu && kind != SolverKind::Descent)
    throw InputError("SolverOptions::backend " + requested_name(options.backend) + ": only the tabu search and the "
                     "descent score their moves on the device; this problem's solver is " + to_string(kind) +
                     " (use Backend::Cpu, or SolverKind::Tabu or SolverKind::Descent)");
  switch (choose_solver(problem, options)) {
    case SolverKind::Enumerate: return solve_by_enumeration(problem, options);
    case SolverKind::Lap: return solve_lap(problem, options);
    case SolverKind::BranchAndBound: return solve_branch_and_bound(problem, options);
    case SolverKind::Tabu: return solve_tabu(problem, options);
    case SolverKind::Descent: return solve_descent(problem, options);
    case SolverKind::Auto: break;
  }
  throw Error("solve_assignment: no solver selected");
}

// the algorithm's name, as its solver writes it into AssignmentResult::solver (parses back)
std::string to_string(SolverKind kind) {
  switch (kind) {
    case SolverKind::Auto: return "auto";
    case SolverKind::Enumerate: return "enumerate";
    case SolverKind::Lap: return "lap";
    case SolverKind::BranchAndBound: return "branch-and-bound";
    case SolverKind::Tabu: return "tabu";
    case SolverKind::Descent: return "descent";
  }
  return "?";
}

SolverKind parse_solver_kind(const std::string& text) {
  if (text == "auto") return SolverKind::Auto;
  if (text == "enumerate") return SolverKind::Enumerate;
  if (text == "lap") return SolverKind::Lap;
  if (text == "exact" || text == "branch-and-bound") return SolverKind::BranchAndBound;
  if (text == "heuristic" || text == "tabu") return SolverKind::Tabu;
  if (text == "descent" || text == "local-search") return SolverKind::Descent;
  throw InputError("solver '" + text + "' is not one of auto, exact, heuristic, descent, lap, enumerate");
}

std::string to_string(SolveStatus s) {
  switch (s) {
    case SolveStatus::Optimal: return "optimal";
    case SolveStatus::Feasible: return "feasible";
    case SolveStatus::TimeLimit: return "time_limit";
    case SolveStatus::IterationLimit: return "iteration_limit";
  }
  return "?";
}

}  // namespace ivassign
