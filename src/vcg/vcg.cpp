// VCG transfers: x_i = sum_{k != i} g_k(z*) - max_{z in Z_-i} sum_{k != i} g_k(z). The minus-i
// optima from the LAP's prices or from one search per buyer (drivers in src/vcg/minus_i.hpp), then
// the guarantees of include/ivassign/vcg.hpp (full value >= every extension, x_i <= 0) and error bounds.
#include "ivassign/vcg.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "common/parallel.hpp"
#include "ivassign/error.hpp"
#include "ivassign/options.hpp"
#include "ivassign/tolerances.hpp"
#include "solvers/placement_costs.hpp"
#include "solvers/structure.hpp"
#include "vcg/minus_i.hpp"

namespace ivassign {

AssignmentResult solve_without_buyer(const AssignmentProblem& problem, int buyer, const SolverOptions& options) {
  if (buyer < 0 || buyer >= problem.buyers)
    throw InputError("solve_without_buyer: buyer " + std::to_string(buyer) + " is out of range [0, " +
                     std::to_string(problem.buyers) + ")");
  AssignmentProblem reduced = problem;  // a mask, not a new model: buyer i may not be matched
  if (reduced.allowed.empty()) reduced.allowed.assign(problem.buyers, 1);
  reduced.allowed[buyer] = 0;
  return solve_assignment(reduced, options);
}

namespace {

/// The best single insertion of buyer i into matching z (i unmatched in z): i takes the free seller
/// with the largest change of the total objective, or stays out. Returns the extended matching;
/// `gained`, when given, receives the change of the objective (>= 0).
std::vector<int> extend_by_buyer(const AssignmentProblem& p, std::vector<int> z, int i,
                                 const PlacementCosts* costs, double* gained = nullptr) {
  std::vector<char> used(p.sellers, 0);
  for (int k = 0; k < p.buyers; ++k)
    if (z[k] >= 0) used[z[k]] = 1;
  // cost[j]: what i at j would bear and cause against z (one row of the interaction table)
  std::vector<double> cost;
  if (costs && p.has_externalities()) costs->row(i, z, cost);
  double best = 0.0;
  int best_j = -1;
  for (int j = 0; j < p.sellers; ++j) {
    if (used[j]) continue;
    double gain = p.w(i, j);
    if (!cost.empty())
      gain -= cost[j];
    else if (p.has_externalities())
      for (int k = 0; k < p.buyers; ++k)
        if (k != i && z[k] >= 0) gain -= p.pair_cost(i, j, k, z[k]) + p.pair_cost(k, z[k], i, j);
    if (gain > best) {
      best = gain;
      best_j = j;
    }
  }
  z[i] = best_j;
  if (gained) *gained = best;
  return z;
}

/// sum_{k != i} g_k(z with i removed) = sum_{k != i} g_k(z) + sum_{k != i} c_{k z_k}^{i z_i}: removing i
/// removes only the costs i caused. O(n T) instead of a full evaluation.
double value_without(const AssignmentProblem& p, const std::vector<int>& z, const std::vector<double>& g, int i) {
  double total = 0.0;
  for (int k = 0; k < p.buyers; ++k)
    if (k != i) total += g[k];
  if (z[i] >= 0 && p.has_externalities())
    for (int k = 0; k < p.buyers; ++k)
      if (k != i && z[k] >= 0) total += p.pair_cost(k, z[k], i, z[i]);
  return total;
}

/// What VCG knows besides the searches: a bound on the full optimum W* (+inf: none) beyond the solver's,
/// the minus-i bounds beyond the searches' own (empty: none), and whether every minus-i value is exact
/// whatever buyer i reports (an exact minus-i solver without limits: stage2_gain_bound's second term).
struct ExtraBounds {
  double full = std::numeric_limits<double>::infinity();
  std::vector<double> minus_i;
  bool minus_i_exact = false;
  /// F_i of the report-independent minus-i searches, -inf where none ran (empty: a VCG without parts)
  std::vector<double> floor;
};

/// VCG around a given full matching, with the minus-i optima already computed.
VcgResult finish(const AssignmentProblem& problem, const AssignmentResult& full, VcgResult r,
                 const std::vector<std::vector<int>>& minus_assignment, const ExtraBounds& extra,
                 const PlacementCosts* costs = nullptr);

/// Whether `r` is an exact solver's proof of optimality: the LAP, enumeration, branch and bound not cut
/// short. A descent's `optimal` (its linear bound reached within its move tolerance, which grows with
/// max |w|) is not: its value is then certified through the bound and the slack instead.
bool exact_proof(const AssignmentResult& r) { return r.optimal && r.solver != "descent"; }

/// No minus-i value yet: 0, unbounded, unproven, for each of n buyers.
VcgResult unsolved(int n) {
  VcgResult r;
  r.minus_i_welfare.assign(n, 0.0);
  r.minus_i_upper_bound.assign(n, std::numeric_limits<double>::infinity());
  r.proven.assign(n, 0);
  return r;
}

/// LAP: every minus-i optimum at once from the smallest equilibrium prices (Leonard 1983):
/// W(Z_-i) = W* - w_{i,sigma(i)} + p_sigma(i), one Dijkstra after the optimum, exact.
VcgResult vcg_by_prices(const AssignmentProblem& problem, const AssignmentResult& full) {
  const int n = problem.buyers;
  VcgResult r = unsolved(n);
  std::vector<std::vector<int>> minus_assignment(n);
  std::vector<int> sigma;
  double best = 0;
  const std::vector<double> minus = lap_minus_i_optima(problem, &full, &sigma, &best);
  for (int i = 0; i < n; ++i) {
    if (!problem.buyer_allowed(i)) continue;
    r.minus_i_welfare[i] = r.minus_i_upper_bound[i] = minus[i];
    r.proven[i] = 1;
  }
  AssignmentResult optimum = full;
  const bool improved = best > problem.objective(full.assignment) + tol::kValueImprovement * (1.0 + std::abs(best));
  if (improved) {  // `full` was not optimal: charge the optimum the engine found
    optimum.assignment = sigma;
    optimum.objective = best;
  }
  optimum.optimal = true;
  optimum.upper_bound = best;  // the LAP optimum, proven by its duals
  ExtraBounds exact;
  exact.minus_i_exact = true;  // the prices give W*_-i whatever buyer i reports
  VcgResult out = finish(problem, optimum, std::move(r), minus_assignment, exact);
  out.full_improved = improved;  // the charged matching is the proven optimum either way
  return out;
}

/// Costs c >= 0, so the problem without externalities bounds every minus-i value from above; its
/// minus-i optima all come from one LAP (smallest prices), whose value (`full_out`) bounds W*.
std::vector<double> linear_minus_i_bounds(const AssignmentProblem& problem, double* full_out = nullptr) {
  AssignmentProblem relaxed = AssignmentProblem::linear_only(problem.buyers, problem.sellers, problem.linear);
  relaxed.allowed = problem.allowed;
  double best = 0.0;
  std::vector<double> bounds = lap_minus_i_optima(relaxed, nullptr, nullptr, &best);
  if (full_out) *full_out = best;
  return bounds;
}

/// Whether every minus-i value VCG computes is the exact W*_-i whatever buyer i reports: the minus-i
/// problem holds none of i's report, and the solver choose_solver picks for it (one allowed buyer fewer)
/// is exact and has no limit to stop it.
bool minus_i_exact(const AssignmentProblem& problem, const SolverOptions& options, bool shared_descent) {
  if (shared_descent || std::isfinite(options.time_limit) || options.iteration_limit > 0) return false;
  AssignmentProblem shape;  // what choose_solver reads of a minus-i problem: sizes, form, the allowed buyers
  shape.buyers = problem.buyers;
  shape.sellers = problem.sellers;
  shape.externalities.form = problem.externalities.form;
  shape.allowed.assign(static_cast<std::size_t>(problem.buyers), 0);
  bool masked = false;
  for (int i = 0; i < problem.buyers; ++i) {
    shape.allowed[static_cast<std::size_t>(i)] = problem.buyer_allowed(i) && masked ? 1 : 0;
    masked = masked || problem.buyer_allowed(i);
  }
  const SolverKind kind = choose_solver(shape, options);
  return kind == SolverKind::Lap || kind == SolverKind::BranchAndBound || kind == SolverKind::Enumerate;
}

/// Whether VCG runs the externality-aware bound: with externalities and iterations asked for, unless the
/// work limit affords fewer one-round steps than both those iterations and kMinimumBoundSteps, where it
/// would only cost time: its first tens of steps do not move it (spectrum 200 x 800: none of the first 20;
/// 1000 x 4000: none of 40), while 100 close a fifth of the gap at 500 x 2000 and 160 a third.
bool runs_externality_bound(const AssignmentProblem& problem, const VcgOptions& options) {
  constexpr int kMinimumBoundSteps = 100;
  if (!problem.has_externalities() || options.bound_iterations == 0) return false;
  const double affordable = std::floor(options.bound_work_limit / (static_cast<double>(problem.buyers) * problem.sellers));
  return affordable >= std::min(options.bound_iterations, kMinimumBoundSteps);
}

/// The Lagrangian heuristic: the descent (one thread, so the result does not depend on the threads)
/// from the bound's best LAP maximizer, whose penalized weights steer it off conflicting placements.
/// Replaces `full` when it ends higher (on spectrum 200 x 800: 0.4 above the descent from scratch).
bool improve_from_bound(const AssignmentProblem& problem, const SolverOptions& options, LagrangianStats& stats,
                        AssignmentResult& full) {
  if (stats.best_maximizer.empty()) return false;
  SolverOptions polish = options;
  polish.solver = SolverKind::Descent;
  polish.threads = 1;
  polish.initial_assignment = std::move(stats.best_maximizer);
  AssignmentResult found = solve_assignment(problem, polish);
  const double current = problem.objective(full.assignment);
  if (!(found.objective > current + tol::kValueImprovement * (1.0 + std::abs(current)))) return false;
  full.assignment = std::move(found.assignment);
  full.objective = problem.objective(full.assignment);
  full.optimal = false;
  return true;
}

/// A part with no minus-i value yet for buyers [first, first + count): 0, unbounded, unproven.
VcgPart unsolved_part(int first, int count) {
  VcgPart part;
  part.first = first;
  part.minus_i_welfare.assign(count, 0.0);
  part.minus_i_upper_bound.assign(count, std::numeric_limits<double>::infinity());
  part.proven.assign(count, 0);
  part.minus_i_assignment.resize(count);
  return part;
}

/// Copies part's buyers into r and minus_assignment; `next` is the first buyer it must start at.
void take_part(const AssignmentProblem& problem, const VcgPart& part, int& next, VcgResult& r,
               std::vector<std::vector<int>>& minus_assignment, std::vector<double>& floor) {
  const int n = problem.buyers;
  const std::size_t count = part.minus_i_welfare.size();
  if (part.first != next || part.minus_i_upper_bound.size() != count || part.proven.size() != count ||
      part.minus_i_assignment.size() != count || count > static_cast<std::size_t>(n - next) ||
      (!part.minus_i_floor.empty() && part.minus_i_floor.size() != count))
    throw InputError("VcgPlan::finish: a part of buyers [" + std::to_string(part.first) + ", " +
                     std::to_string(part.first + static_cast<int>(count)) + ") where buyer " + std::to_string(next) +
                     " comes next (the parts must cover every buyer task, in task order)");
  for (std::size_t k = 0; k < count; ++k) {
    const auto i = static_cast<std::size_t>(next) + k;
    if (part.minus_i_assignment[k].empty() && problem.buyer_allowed(static_cast<int>(i)))
      throw InputError("VcgPlan::finish: the part holds no matching for buyer " + std::to_string(i) +
                       " (a minus-i value is taken from its matching, re-evaluated)");
    r.minus_i_welfare[i] = part.minus_i_welfare[k];
    r.minus_i_upper_bound[i] = part.minus_i_upper_bound[k];
    r.proven[i] = part.proven[k];
    minus_assignment[i] = part.minus_i_assignment[k];
    if (!part.minus_i_floor.empty()) floor[i] = part.minus_i_floor[k];
  }
  next += static_cast<int>(count);
}

/// The report-independent minus-i searches of the part's buyers (src/vcg/minus_i_floor.cpp): F_i, and the
/// search's matching, bound and proof where they beat the part's own.
void add_floor_searches(const AssignmentProblem& problem, const SolverOptions& options, VcgPart& part) {
  const std::size_t count = part.minus_i_welfare.size();
  part.minus_i_floor.assign(count, -std::numeric_limits<double>::infinity());
  parallel_tasks(count, thread_count(options.threads), [&](std::uint64_t k) {
    const int i = part.first + static_cast<int>(k);
    if (!problem.buyer_allowed(i)) return;
    AssignmentResult found = floor_search(problem, i, options);
    const double value = problem.objective(found.assignment);  // i unmatched: the others' reports only
    part.minus_i_floor[k] = value;
    const double bound = found.optimal && !std::isfinite(found.upper_bound) ? value : found.upper_bound;
    part.minus_i_upper_bound[k] = std::min(part.minus_i_upper_bound[k], bound);
    if (exact_proof(found)) part.proven[k] = 1;
    if (value > part.minus_i_welfare[k]) {
      part.minus_i_welfare[k] = value;
      part.minus_i_assignment[k] = std::move(found.assignment);
    }
  });
}

}  // namespace

/// What every buyer task needs. With the shared descent (large problems), the local search's placement
/// costs are built once and shared by every minus-i search, which masks buyer i instead of copying the
/// problem, and the searches' bounds come from the linear LAP; else each search is the chosen solver on
/// the problem with buyer i masked, warm-started from the full matching without i.
struct VcgPlan::Impl {
  Impl(const AssignmentProblem& p, const AssignmentResult& f, const VcgOptions& o)
      : problem(p), full(f), options(o) {}
  const AssignmentProblem& problem;
  AssignmentResult full;
  VcgOptions options;
  bool lap = false;                        ///< every minus-i optimum from the LAP's prices, in finish
  bool shared_descent = false;
  std::unique_ptr<PlacementCosts> costs;   ///< the shared descent's
  std::vector<double> linear_bound;        ///< the shared descent's search bounds
  /// The shared descent's externality-aware bounds, computed before the searches (every rank alike)
  /// so that the searches start from the Lagrangian heuristic's matching when it is better.
  std::vector<double> lagrangian_bound;
  double linear_full = std::numeric_limits<double>::infinity();      ///< the LAP without externalities: >= W*
  double lagrangian_full = std::numeric_limits<double>::infinity();  ///< the Lagrangian bound on W*
  bool full_improved = false;              ///< `full` is that matching, not the one given
  std::vector<int> bounds;                 ///< first buyer of each task, then n
};

VcgPlan::VcgPlan(const AssignmentProblem& problem, const AssignmentResult& full, const VcgOptions& options)
    : impl_(std::make_unique<Impl>(problem, full, options)) {
  validate(options);
  validate_problem(problem);
  check_assignment(problem, full.assignment);
  Impl& m = *impl_;
  m.lap = !needs_searches(problem, options.search);
  m.bounds = {0};
  if (m.lap) return;
  m.shared_descent = choose_solver(problem, options.search) == SolverKind::Descent;
  if (m.shared_descent) {
    m.costs = std::make_unique<PlacementCosts>(problem);
    m.linear_bound = linear_minus_i_bounds(problem, &m.linear_full);
    m.bounds = descent_minus_i_groups(problem);
    if (runs_externality_bound(problem, options)) {  // the Lagrangian bound (src/vcg/minus_i_bound.cpp)
      LagrangianStats stats;
      m.lagrangian_bound = lagrangian_minus_i_bounds(*m.costs, problem.objective(m.full.assignment), options, &stats);
      m.lagrangian_full = stats.full_bound;
      m.full_improved = improve_from_bound(problem, options.search, stats, m.full);
    }
  } else {
    for (int i = 1; i <= problem.buyers; ++i) m.bounds.push_back(i);
  }
}

bool VcgPlan::needs_searches(const AssignmentProblem& problem, const SolverOptions& options) {
  return problem.has_externalities() || choose_solver(problem, options) != SolverKind::Lap;
}

bool VcgPlan::needs_searches() const { return !impl_->lap; }

VcgPlan::~VcgPlan() = default;
VcgPlan::VcgPlan(VcgPlan&&) noexcept = default;
VcgPlan& VcgPlan::operator=(VcgPlan&&) noexcept = default;

std::uint64_t VcgPlan::buyer_tasks() const { return impl_->bounds.size() - 1; }

TaskRange VcgPlan::buyers(TaskRange range) const {
  if (range.first > buyer_tasks() || range.count > buyer_tasks() - range.first)
    throw InputError("VcgPlan: tasks [" + std::to_string(range.first) + ", " +
                     std::to_string(range.first + range.count) + ") are outside its " +
                     std::to_string(buyer_tasks()) + " buyer tasks");
  const auto first = static_cast<std::uint64_t>(impl_->bounds[range.first]);
  return {first, static_cast<std::uint64_t>(impl_->bounds[range.first + range.count]) - first};
}

VcgPart VcgPlan::minus_i(TaskRange range) const {
  const Impl& m = *impl_;
  const TaskRange who = buyers(range);
  const int first = static_cast<int>(who.first), count = static_cast<int>(who.count);
  VcgPart part = unsolved_part(first, count);
  auto record = [&](int i, AssignmentResult minus) {
    const auto k = static_cast<std::size_t>(i - first);
    part.minus_i_welfare[k] = minus.objective;
    // the solver's bound, never its objective: finish decides what is proven (a descent reaching the
    // linear bound within its move tolerance is not a proof to the certified tolerance)
    part.minus_i_upper_bound[k] = minus.optimal && !std::isfinite(minus.upper_bound) ? minus.objective : minus.upper_bound;
    part.proven[k] = exact_proof(minus) ? 1 : 0;
    part.minus_i_assignment[k] = std::move(minus.assignment);
  };
  if (m.shared_descent) {
    std::vector<AssignmentResult> minus =
        descent_minus_i(*m.costs, m.full.assignment, m.options, m.linear_bound, m.bounds, range.first, range.count);
    for (int i = first; i < first + count; ++i)
      if (m.problem.buyer_allowed(i)) record(i, std::move(minus[i]));
  } else {
    SolverOptions inner = m.options.search;
    inner.threads = 1;
    parallel_tasks(static_cast<std::uint64_t>(count), thread_count(m.options.search.threads), [&](std::uint64_t k) {
      const int i = first + static_cast<int>(k);
      if (!m.problem.buyer_allowed(i)) return;  // buyer already absent: nothing to charge
      // warm start for heuristics: the full matching with buyer i removed
      SolverOptions warm = inner;
      warm.initial_assignment = m.full.assignment;
      warm.initial_assignment[i] = -1;
      record(i, solve_without_buyer(m.problem, i, warm));
    });
  }
  if (runs_floor_searches(m.problem, m.options) && !minus_i_exact(m.problem, m.options.search, m.shared_descent))
    add_floor_searches(m.problem, m.options.search, part);
  return part;
}

VcgResult VcgPlan::finish(const std::vector<VcgPart>& parts) const {
  const Impl& m = *impl_;
  const AssignmentProblem& problem = m.problem;
  if (m.lap) return vcg_by_prices(problem, m.full);
  const int n = problem.buyers;
  VcgResult r = unsolved(n);
  std::vector<std::vector<int>> minus_assignment(n);
  std::vector<double> floors(static_cast<std::size_t>(n), -std::numeric_limits<double>::infinity());
  int next = 0;
  for (const VcgPart& part : parts) take_part(problem, part, next, r, minus_assignment, floors);
  if (next != n)
    throw InputError("VcgPlan::finish: the parts cover buyers [0, " + std::to_string(next) + ") of " +
                     std::to_string(n) + " (they must cover every buyer task, in task order)");
  const PlacementCosts* costs = m.costs.get();
  std::unique_ptr<PlacementCosts> own;
  if (!costs && problem.has_externalities() && problem.externalities.form == ExternalityCosts::Form::Factored &&
      n > 64) {
    own = std::make_unique<PlacementCosts>(problem);
    costs = own.get();
  }
  // bounds beyond the searches': the LAP without externalities (W* and every W*_-i, c >= 0), then the
  // Lagrangian one, where a minus-i value or the full one is not proven by its solver
  ExtraBounds extra;
  extra.minus_i_exact = minus_i_exact(problem, m.options.search, m.shared_descent);
  extra.floor = std::move(floors);
  extra.full = std::min(m.linear_full, m.lagrangian_full);
  const bool all_proven = std::all_of(r.proven.begin(), r.proven.end(), [](char p) { return p != 0; });
  if (!all_proven || !m.full.optimal) {
    double linear_full = m.linear_full;
    extra.minus_i = m.linear_bound.empty() ? linear_minus_i_bounds(problem, &linear_full) : m.linear_bound;
    extra.full = std::min(extra.full, linear_full);
    std::vector<double> lagrangian_bound = m.lagrangian_bound;
    if (lagrangian_bound.empty() && runs_externality_bound(problem, m.options)) {
      if (!costs) {
        own = std::make_unique<PlacementCosts>(problem);
        costs = own.get();
      }
      LagrangianStats stats;
      lagrangian_bound = lagrangian_minus_i_bounds(*costs, problem.objective(m.full.assignment), m.options, &stats);
      extra.full = std::min(extra.full, stats.full_bound);
    }
    for (std::size_t i = 0; i < lagrangian_bound.size(); ++i)
      extra.minus_i[i] = std::min(extra.minus_i[i], lagrangian_bound[i]);
  }
  VcgResult out = ivassign::finish(problem, m.full, std::move(r), minus_assignment, extra, costs);
  out.full_improved = out.full_improved || m.full_improved;
  return out;
}

VcgResult vcg_transfers(const AssignmentProblem& problem, const AssignmentResult& full, const VcgOptions& options) {
  const VcgPlan plan(problem, full, options);
  return plan.finish({plan.minus_i({0, plan.buyer_tasks()})});
}

VcgResult solve_with_vcg(const AssignmentProblem& problem, const VcgOptions& options, AssignmentResult* full_out) {
  validate(options);  // before the full solve: VCG's settings too
  AssignmentResult full = solve_assignment(problem, options.search);
  VcgResult r = vcg_transfers(problem, full, options);
  if (full_out) *full_out = std::move(full);
  return r;
}

namespace {

/// z with buyer i unmatched.
std::vector<int> without(std::vector<int> z, int i) {
  z[i] = -1;
  return z;
}

/// Guarantee 1, one round: every minus-i matching extended by i, and the full matching with any buyer
/// whose removal raises the welfare (value_without(z, i) > W: i costs the others more than g_i)
/// removed, is a candidate for the full problem. Returns true when one won.
bool improve_full(const AssignmentProblem& problem, const std::vector<std::vector<int>>& minus_assignment,
                  const PlacementCosts* costs, VcgResult& r, double& welfare) {
  const int n = problem.buyers;
  bool improved = false;
  auto consider = [&](std::vector<int> z) {
    const double v = costs ? costs->objective(z) : problem.objective(z);
    if (v <= welfare + tol::kValueImprovement * (1.0 + std::abs(welfare))) return;
    welfare = v;
    r.assignment = std::move(z);
    improved = r.full_improved = true;
  };
  for (int i = 0; i < n; ++i) {
    if (minus_assignment[i].empty()) continue;
    double gained = 0.0;
    std::vector<int> z = extend_by_buyer(problem, minus_assignment[i], i, costs, &gained);
    // the extension is worth the minus-i value plus what i gains; only a candidate that seems to win
    // is evaluated in full (O(n^2) for dense externalities)
    if (r.minus_i_welfare[i] + gained < welfare - tol::kExtensionScreen * (1.0 + std::abs(welfare))) continue;
    consider(std::move(z));
  }
  const std::vector<int> z = r.assignment;
  const std::vector<double> g = problem.payoffs(z);
  const double current = welfare;
  for (int i = 0; i < n; ++i)
    if (z[i] >= 0 && value_without(problem, z, g, i) > current) consider(without(z, i));
  return improved;
}

/// What certify reads of each buyer's row of w, from one pass: sum_i max_j |w_ij| (the scale A of
/// tolerances.hpp, less the externality costs) and max_j w_ij^+ (stage2_gain_bound's stand-alone value).
struct RowMaxima {
  double abs_sum = 0.0;
  std::vector<double> best;
};
RowMaxima row_maxima(const AssignmentProblem& p) {
  RowMaxima m;
  m.best.assign(static_cast<std::size_t>(p.buyers), 0.0);
  for (int i = 0; i < p.buyers; ++i) {
    double row = 0.0;
    for (int j = 0; j < p.sellers; ++j) {
      row = std::max(row, std::abs(p.w(i, j)));
      m.best[static_cast<std::size_t>(i)] = std::max(m.best[static_cast<std::size_t>(i)], p.w(i, j));
    }
    m.abs_sum += row;
  }
  return m;
}

/// sum_i w_{i z_i}: with the value of z, its externality cost total is this minus the value.
double linear_part(const AssignmentProblem& p, const std::vector<int>& z) {
  double total = 0.0;
  for (int i = 0; i < p.buyers; ++i)
    if (z[i] >= 0) total += p.w(i, z[i]);
  return total;
}

/// L_-i re-evaluated: each searched minus-i matching is checked (a partial matching without buyer i)
/// and valued exactly, never taken at a search's tracked value. Returns the largest cost total seen.
double evaluate_minus_i(const AssignmentProblem& problem, const std::vector<std::vector<int>>& searched,
                        const PlacementCosts* costs, VcgResult& r) {
  double cost_total = 0.0;
  for (int i = 0; i < problem.buyers; ++i) {
    const std::vector<int>& z = searched[i];
    if (z.empty()) continue;
    if (z.size() != static_cast<std::size_t>(problem.buyers) || z[i] != -1)
      throw Error("VCG: the minus-i search of buyer " + std::to_string(i) + " returned a matching that holds buyer " +
                  std::to_string(i) + " or has the wrong size");
    check_assignment(problem, z);
    const double v = costs ? costs->objective(z) : problem.objective(z);
    r.minus_i_welfare[i] = v;
    cost_total = std::max(cost_total, linear_part(problem, z) - v);
  }
  return cost_total;
}

/// The certified full bound: welfare_upper_bound, welfare_gap, welfare_proven (throws Error when the
/// bound, slack included, is below the welfare found: a bound is wrong). A full matching an exact solver
/// proved (exact_proof) is its own bound: U = W, a point.
void certify_welfare(const AssignmentResult& full, const ExtraBounds& extra, double slack, VcgResult& r) {
  const double solver_bound = std::isfinite(full.upper_bound) ? full.upper_bound
                              : full.optimal                  ? full.objective
                                                              : std::numeric_limits<double>::infinity();
  const double bound = std::min(solver_bound, extra.full) + slack;
  if (bound < r.welfare)
    throw Error("VCG: the certified bound on the full optimum, " + std::to_string(bound) +
                ", is below the welfare found, " + std::to_string(r.welfare) + " (a bound or a value is wrong)");
  const bool exact = exact_proof(full);
  r.welfare_upper_bound = exact ? r.welfare : bound;
  r.welfare_gap = r.welfare_upper_bound - r.welfare;
  r.welfare_proven = exact || r.welfare_gap <= r.certified_tolerance;
}

/// Buyer i's certified minus-i bound, transfer, intervals and stage-2 gain bound (W, U certified first);
/// `best` = max_j w_ij^+.
void certify_buyer(const AssignmentProblem& problem, const ExtraBounds& extra, double slack, double best, int i,
                   VcgResult& r) {
  const double W = r.welfare, U = r.welfare_upper_bound;
  double& L = r.minus_i_welfare[i];
  // Guarantee 2: the full matching with i removed is a matching of Z_-i (removing i removes only
  // costs c >= 0), so it is a floor for the minus-i value and x_i <= 0 holds by construction.
  L = std::max(L, value_without(problem, r.assignment, r.payoffs, i));
  const double F = extra.floor.empty() ? -std::numeric_limits<double>::infinity() : extra.floor[i];
  L = std::max(L, F);  // F_i: a matching's exact value, whatever i reports (minus_i_floor.cpp)
  double bound = r.minus_i_upper_bound[i];
  if (!extra.minus_i.empty()) bound = std::min(bound, extra.minus_i[i]);
  bound += slack;
  if (bound < L)
    throw Error("VCG: the certified bound on buyer " + std::to_string(i) + "'s minus-i optimum, " +
                std::to_string(bound) + ", is below the value found, " + std::to_string(L) + " (a bound is wrong)");
  // proven by an exact solver (the parts' flags): a point; else the bound, never the value, so that
  // W*_-i in [L_-i, U_-i] holds whether or not the gap is within the tolerance
  const bool exact = r.proven[i] != 0;
  r.proven[i] = exact || bound - L <= r.certified_tolerance ? 1 : 0;
  const double Ui = exact ? L : bound;
  r.minus_i_upper_bound[i] = Ui;
  r.transfers[i] = std::min(0.0, (W - r.payoffs[i]) - L);
  // x_i is too high (too little charged) by at most the gap of the minus-i value
  r.transfer_error_bound[i] = Ui - L;
  // exact x_i = (W - g_i) - W*_-i with L_-i <= W*_-i <= U_-i: in [x_i - (U_-i - L_-i), x_i]
  r.transfer_interval[i] = {r.transfers[i] - r.transfer_error_bound[i], r.transfers[i]};
  r.utility_interval[i] = {W - Ui, U - L};
  // stage 2 (docs/certification.md): a misreport's true utility is at most max_j w_ij^+ (x_i <= 0, costs
  // >= 0), and, where every minus-i value is exact whatever i reports, at most U - W*_-i <= U - L_-i
  const double utility = r.payoffs[i] + r.transfers[i];
  double gain = best - utility;
  if (extra.minus_i_exact) gain = std::min(gain, (U - L) - utility);
  // and, where L_-i >= F_i whatever i reports, at most U - F_i
  if (std::isfinite(F)) gain = std::min(gain, (U - F) - utility);
  r.stage2_gain_bound[i] = std::max(0.0, gain) + slack;
}

VcgResult finish(const AssignmentProblem& problem, const AssignmentResult& full, VcgResult r,
                 const std::vector<std::vector<int>>& searched, const ExtraBounds& extra, const PlacementCosts* costs) {
  const int n = problem.buyers;
  r.assignment = full.assignment;
  double cost_total = evaluate_minus_i(problem, searched, costs, r);
  // The fixed point of the two guarantees: every matching found (full or minus-i) is a candidate for
  // the full problem and, without buyer i, for the minus-i problem; repeat until neither improves (the
  // welfare rises strictly over finitely many matchings, so it ends; after it W >= every L_-i extended).
  std::vector<std::vector<int>> minus_assignment = searched;
  double welfare = problem.objective(r.assignment);
  while (improve_full(problem, minus_assignment, costs, r, welfare)) {
    // the new full matching without i is a matching of Z_-i: a candidate minus-i optimum
    const std::vector<double> g = problem.payoffs(r.assignment);
    for (int i = 0; i < n; ++i) {
      if (!problem.buyer_allowed(i)) continue;
      const double v = value_without(problem, r.assignment, g, i);
      if (v > r.minus_i_welfare[i] + tol::kValueImprovement * (1.0 + std::abs(v))) {
        r.minus_i_welfare[i] = v;
        minus_assignment[i] = without(r.assignment, i);
      }
    }
  }
  r.payoffs = problem.payoffs(r.assignment);
  r.welfare = 0.0;
  for (double g : r.payoffs) r.welfare += g;
  cost_total = std::max(cost_total, linear_part(problem, r.assignment) - r.welfare);
  const RowMaxima rows = row_maxima(problem);
  const double scale = rows.abs_sum + std::max(0.0, cost_total);  // A of tolerances.hpp
  const double slack = tol::kCertifiedSlack * (1.0 + scale);
  r.certified_tolerance = tol::kCertifiedGap * (1.0 + scale);
  certify_welfare(full, extra, slack, r);
  r.transfers.assign(n, 0.0);
  r.transfer_error_bound.assign(n, 0.0);
  r.transfer_interval.assign(n, {0.0, 0.0});
  r.utility_interval.assign(n, {0.0, 0.0});
  r.stage2_gain_bound.assign(n, 0.0);
  for (int i = 0; i < n; ++i) {
    if (problem.buyer_allowed(i)) {
      certify_buyer(problem, extra, slack, rows.best[static_cast<std::size_t>(i)], i, r);
      continue;
    }
    r.minus_i_welfare[i] = r.welfare;  // an excluded buyer: W*_-i = W*, nothing to charge, nothing to gain
    r.minus_i_upper_bound[i] = r.welfare_upper_bound;
    r.proven[i] = r.welfare_proven ? 1 : 0;
    r.utility_interval[i] = {r.welfare - r.welfare_upper_bound, r.welfare_upper_bound - r.welfare};
    r.transfer_error_bound[i] = r.welfare_gap;  // x_i = 0 charged; the exact one is W - W* in [W - U, 0]
    r.transfer_interval[i] = {-r.welfare_gap, 0.0};
  }
  r.optimal = r.welfare_proven && std::all_of(r.proven.begin(), r.proven.end(), [](char p) { return p != 0; });
  r.transfers_certified = r.optimal;
  return r;
}

}  // namespace

}  // namespace ivassign
