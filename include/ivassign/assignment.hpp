// ivassign/assignment.hpp — the efficient matching: a quadratic assignment problem with a linear
// term over partial matchings (assignment paper, Section 2; instance-format.md, "The objective").
//
// Maximize  sum_i g_i(z),  g_i(z) = sum_j z_ij ( w_ij - sum_{p != i} sum_{q != j} c_ij^pq z_pq )
// over partial matchings z (each buyer and each seller matched at most once; unmatched always
// allowed). w_ij = u_ij - v_ij may be negative; c_ij^pq >= 0. Without externalities this is a
// linear assignment problem (LAP).
//
// Solvers (SolverKind): Enumerate (exhaustive depth-first search with a linear upper bound;
// exact, practical for n, s <= 8..10), plus the solvers registered by src/solvers/ (LAP, exact
// branch and bound, tabu search, local search for large problems). solve_assignment picks one from the options and the problem.
// AssignmentResult::optimal is true only when the solver proved optimality.
//
//   ivassign::AssignmentProblem p = ivassign::AssignmentProblem::linear_only(n, s, weights);
//   auto r = ivassign::solve_assignment(p);           // settings = {}
//   if (r.optimal) use(r.assignment, r.objective);
#pragma once
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "ivassign/backend.hpp"

namespace ivassign {

/// Externality costs of one problem (already averaged over states).
struct ExternalityCosts {
  enum class Form { None, Dense, Sparse, Factored };
  struct Entry {
    int i, j, p, q;
    double value;
  };
  Form form = Form::None;
  std::vector<double> dense;    ///< n*s*n*s, c[i][j][p][q]
  std::vector<Entry> sparse;    ///< sorted by (i,j,p,q), unique keys, value >= 0
  /// Factored sum of T terms: c_ij^pq = sum_t weight[i][t] * buyer[t][i][p] * seller[t][j][q]
  /// (p != i, q != j). Per-row weights let a buyer's own row use another posterior.
  int terms = 0;
  std::vector<double> weight;   ///< n*T
  std::vector<double> buyer;    ///< T*n*n
  std::vector<double> seller;   ///< T*s*s
};

struct AssignmentProblem {
  int buyers = 0;
  int sellers = 0;
  std::vector<double> linear;      ///< w_ij, n*s
  ExternalityCosts externalities;
  /// Buyers that may be matched; empty means all. VCG's minus-i problems exclude one buyer.
  std::vector<char> allowed;

  bool has_externalities() const { return externalities.form != ExternalityCosts::Form::None; }
  bool buyer_allowed(int i) const { return allowed.empty() || allowed[i] != 0; }
  double w(int i, int j) const { return linear[static_cast<std::size_t>(i) * sellers + j]; }
  /// c_ij^pq (0 when p == i or q == j). O(1) dense, O(T) factored, O(log nnz) sparse.
  double pair_cost(int i, int j, int p, int q) const;
  /// g_i(z) for every buyer; assignment[i] = seller or -1.
  std::vector<double> payoffs(const std::vector<int>& assignment) const;
  /// sum_i g_i(z).
  double objective(const std::vector<int>& assignment) const;

  static AssignmentProblem linear_only(int buyers, int sellers, std::vector<double> weights);
};

enum class SolverKind { Auto, Enumerate, Lap, BranchAndBound, Tabu, Descent };

/// The search's settings. Ranges, defaults and help of the scalars: option_table<SolverOptions>()
/// (ivassign/options.hpp), checked by validate(const SolverOptions&). VCG's bound: VcgOptions (vcg.hpp).
struct SolverOptions {
  SolverKind solver = SolverKind::Auto;
  Backend backend = Backend::Auto;
  double time_limit = std::numeric_limits<double>::infinity();  ///< seconds, > 0
  std::int64_t iteration_limit = -1;                            ///< -1: none
  std::uint64_t seed = 1;
  int threads = 0;                                              ///< 0: all cores
  /// The tabu search's independent starts (0: one per thread): start k from seed + k, the first from
  /// initial_assignment or the LAP of the linear part, the others from random slots; the best kept.
  int starts = 0;
  /// Auto: without externalities the LAP; with them the exact branch and bound while at most this
  /// many buyers take part, above it the tabu search while its slot count (sellers + buyers) is at
  /// most tabu_size_limit, and the interaction-table local search (solve_descent) beyond. Without a
  /// time or iteration limit, the tabu search only up to 140 slots (its default iteration budget
  /// grows as T^3 or more), the descent beyond.
  int exact_size_limit = 12;
  int tabu_size_limit = 400;
  /// Heuristics stop as soon as the objective reaches this value (NaN: no target).
  double target = std::numeric_limits<double>::quiet_NaN();
  /// Heuristics start their first search from this matching (empty: none); VCG passes the full
  /// optimum with buyer i removed to the minus-i searches.
  std::vector<int> initial_assignment;
};

enum class SolveStatus { Optimal, Feasible, TimeLimit, IterationLimit };

struct AssignmentResult {
  std::vector<int> assignment;   ///< seller of buyer i, or -1
  double objective = 0.0;        ///< sum_i g_i(z)
  bool optimal = false;          ///< proven optimal
  SolveStatus status = SolveStatus::Feasible;
  double upper_bound = std::numeric_limits<double>::infinity();  ///< proven bound on the optimum
  std::int64_t iterations = 0;
  double seconds = 0.0;
  std::string solver;            ///< name of the algorithm that produced it
  Backend backend = Backend::Cpu;  ///< where the search ran (Device: the tabu search or the descent on the device)
  std::vector<double> row_duals; ///< LAP only: buyer potentials (empty otherwise)
  std::vector<double> col_duals; ///< LAP only: seller potentials
};

/// True when the solver `options` choose for `problem` can score its moves on the device: the tabu search
/// or the descent, on a problem without externalities or with factored ones (the forms the device
/// tables hold). What SolverOptions::backend = Device accepts without an InputError.
bool device_search_supported(const AssignmentProblem& problem, const SolverOptions& options);

/// The solver solve_assignment runs for `options` on `problem`: options.solver unless it is Auto; Auto picks
/// the LAP without externalities, with them the branch and bound while at most exact_size_limit buyers are
/// allowed, the tabu search while sellers + allowed buyers is at most tabu_size_limit (140 without a time or
/// iteration limit), the descent beyond. The one place that policy lives (VcgPlan::needs_searches and
/// solve_many ask it too). O(buyers).
SolverKind choose_solver(const AssignmentProblem& problem, const SolverOptions& options);

/// `options` for one problem of a run that asked for the device: Backend::Device becomes Cpu where this
/// problem's solver has no device path (device_search_supported), so that solve_assignment accepts it;
/// anything else is returned unchanged. result.backend then says where each problem ran.
SolverOptions routed_options(const AssignmentProblem& problem, const SolverOptions& options);

/// Validates options (validate(const SolverOptions&), options.hpp: an InputError naming the option and its
/// range) and the problem (shapes, finite weights, externality costs and factors >= 0: every bound assumes
/// c >= 0), then solves.
AssignmentResult solve_assignment(const AssignmentProblem& problem, const SolverOptions& options = {});

/// Exhaustive depth-first search over all partial matchings (pruned by the linear bound, which is
/// valid because c >= 0). Exact; the oracle of the tests. O((s+1)^n) in the worst case.
AssignmentResult solve_by_enumeration(const AssignmentProblem& problem, const SolverOptions& options = {});

/// Independent checker: throws Error when `assignment` is not a partial matching of `problem`
/// (a seller used twice, an index out of range, an excluded buyer matched); returns its objective.
double check_assignment(const AssignmentProblem& problem, const std::vector<int>& assignment);

/// The algorithm's name, as in AssignmentResult::solver ("branch-and-bound", "tabu", ...).
std::string to_string(SolverKind kind);
/// Accepts to_string's names and the CLI's spellings ("exact", "heuristic", "local-search").
SolverKind parse_solver_kind(const std::string& text);
std::string to_string(SolveStatus status);

}  // namespace ivassign
