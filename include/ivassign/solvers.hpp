// ivassign/solvers.hpp — the expert tier of the assignment solvers (solve_assignment picks one).
//
// solve_lap — linear assignment (no externalities), exact. Jonker & Volgenant (1987) LAPJV on a
//   square matrix: column reduction with reduction transfer, two rounds of augmenting row reduction
//   (capped at 16 steps per free row), then shortest augmenting paths (Dijkstra on reduced costs)
//   that settle every column at the current minimum distance at once (ties) and scan one cost row
//   per step in a single contiguous pass (AVX2 where the CPU has it, checked at run time; plain
//   loops elsewhere). Rectangular problems (fewer rows than columns; more rows are transposed) run
//   the shortest paths from v = 0 on the matrix itself (Crouse 2016). Partial matchings: max sum w
//   over partial matchings is the complete problem on max(w, 0) with pairs of value <= 0 read back
//   as unmatched; a square one gets one zero row and column (not stored) by one more augmentation,
//   so that the duals below hold. O(n^2 s) worst case, near O(n^2) on random costs; memory O(n + s)
//   beyond the weights (a copy only when a weight is negative, buyers are excluded or n > s). The
//   certificate is checked (dual feasibility and complementary slackness to 1e-12 * max|w| * n)
//   before it is returned; when the check fails the engine re-solves by shortest paths over private
//   columns. -inf weights are forbidden pairs; NaN or +inf: InputError naming (buyer, seller). Duals:
//   w_ij <= row_duals[i] + col_duals[j] for every pair, with equality on matched pairs; col_duals >= 0
//   and 0 on unmatched sellers; for partial problems (a w_ij <= 0, or n > s) row_duals >= 0 and 0 on
//   unmatched buyers. Ties: the column reduction gives the columns, in increasing order, each to the
//   lowest-index free row among its cheapest, and a search ends at the lowest-index free column among
//   the closest, so a constant matrix is matched by the identity (as scipy's linear_sum_assignment).
//
// solve_lap_complete — max sum w over the matchings of min(n, s) pairs: every buyer matched when
//   n <= s, every seller when n > s (scipy.optimize.linear_sum_assignment with costs -w, maximize =
//   false). -inf weights are forbidden pairs and never matched; NaN or +inf: InputError naming
//   (buyer, seller). When no such matching avoids the forbidden pairs, lap::Infeasible (an
//   InputError) names the witness of Hall's condition failing: k buyers (sellers when n > s) whose
//   finite weights lie in k - 1 sellers. It is found by the solve itself, no separate check: a
//   shortest augmenting path search from an unmatched row that reaches no free column through finite
//   pairs has scanned k rows whose finite pairs all end in the k - 1 matched columns it reached (the
//   Hungarian tree), so no matching covers every row. The same engine as solve_lap (LAPJV, dense,
//   n > s transposed); the duals hold on the finite pairs (w_ij <= row_duals[i] + col_duals[j],
//   equality on matched pairs); `allowed` and externalities are refused.
//
// solve_lap_sparse — linear assignment on the allowed pairs only (CSR by row), exact: maximize
//   sum w over matchings that match every row (rows <= cols; scipy's min_weight_full_bipartite_matching
//   and lap.lapmod with costs -w). Shortest augmenting paths with potentials, Dijkstra with a binary
//   heap over the columns a search reaches, after a column reduction when square: O(rows * nnz *
//   log cols) worst case, O(rows + cols) memory beyond the input. Duals: w_ij <= row_duals[i] +
//   col_duals[j] on every stored pair, equality on matched ones, col_duals >= 0 and 0 on unmatched
//   columns. InputError (naming the row or entry) for a row without pairs, a column out of range or
//   listed twice in a row, a weight that is not finite, more rows than columns, or when no matching
//   covers every row.
//
// solve_lap_batch — max sum w over partial matchings for each of `batch` problems of the same shape
//   (weights: batch * n * s, problem-major), exact, with solve_lap's duals. The two backends run two
//   different algorithms. On the CPU (Backend::Cpu, and the int `threads` overload): solve_lap (on
//   dense problems Jonker-Volgenant LAPJV with augmenting row reduction and AVX2 row scans) on
//   `threads` threads (0: all cores), one problem per thread at a time; the same results as one-by-one
//   calls. On the device (LapBatchOptions::backend Device, or Auto with a usable GPU): one problem per
//   device thread, or on CUDA per thread block from LapBatchOptions::block_min_columns sellers
//   (kernels/lap_batch.cuh, the CUDA GPU or Thrust's OpenMP device system; the same result from
//   either layout), a separate implementation: shortest augmenting paths with potentials (Jonker & Volgenant 1987: column
//   reduction first on square problems without private columns, else from u = v = 0 as in Crouse
//   2016's rectangular form; no augmenting row reduction) with solve_lap's private "unmatched"
//   columns, O(n^2 (s + n)) per problem, O(n + s) workspace per problem on the device beside its
//   weights, in chunks of as many problems as device memory holds. Both return an optimum: the
//   objectives equal solve_lap's to rounding, but where several matchings are optimal the backends
//   may break the tie differently (another assignment and other duals); the duals pass the same
//   certificate (so vcg_transfers warm-starts from them). result.backend says where it ran. An
//   InputError names the problem's index (and the weight); one problem that does not fit on the
//   device: ResourceError.
//
// solve_many — a batch of problems: one solve_lap_batch when they are linear assignment problems of
//   one shape that solve_assignment would hand to the LAP, else one solve_assignment each (below).
//
// solve_branch_and_bound — exact QAP over partial matchings with the linear term, any externality
//   form. Depth-first over buyers; the bound at a node is the current value plus one LAP over the
//   free buyers and sellers: first (a 1000-node probe) of Gilmore-Lawler-style optimistic gains (each
//   pair's linear weight minus the costs it must pay to buyers already placed), then, for larger
//   trees, of those gains minus Lagrangian multipliers on the interacting licence pairs among free
//   sellers, plus each such pair's maximum (multipliers from subgradient steps at the root;
//   docs/solvers.md has the bound and its proof). Certifies optimality; QAPs n <= 12 and spectrum
//   markets of 50 x 200 in seconds. Stopped by options.time_limit or iteration_limit (nodes), it
//   returns upper_bound = the largest bound of the nodes left open (at least the objective).
//
// solve_tabu — robust tabu search (Taillard 1991) over slot permutations: buyer i occupies slot
//   pi(i) in [0, max(n, s) + n), slots >= s mean "unmatched". Moves swap two buyers' slots; every
//   move's change of the objective is kept in a delta table updated in O(1) per move for the
//   factored (Koopmans-Beckmann) form after each swap and recomputed in O(n) per move otherwise.
//   Aspiration, random tabu tenures in [0.9 n, 1.1 n], multi-start over threads with seeds
//   seed, seed+1, ...; stops at the time limit, the iteration limit or the target value.
//   Deterministic for a seed and thread count. Never claims optimality.
//
// solve_descent — local search for large problems with externalities (spectrum instances with
//   thousands of licences, where the tabu search's O((n+s)^2) tables do not fit): an interaction
//   table H(i, j) (the externality cost buyer i at seller j would bear and cause against the current
//   matching, n*s doubles) is kept exact under moves, so relocations, swaps and replacements of a
//   buyer are scored in O(s) per buyer (rows of w and H and one column, contiguous; pair costs only
//   between neighbouring licences) and applied in O(T nnz) for the factored form with sparse seller
//   interference. Moves: relocate, unmatch, swap, replace (i takes an owned seller from unmatched),
//   eject (i takes k's seller, k leaves). Starts from the better of the LAP optimum of the linear
//   part and the given matching, or empty when that is worth less than 0; descends to a local
//   optimum; with a finite time limit it then iterates (perturb n/50 buyers, descend, keep the
//   better, roll back otherwise). Never returns less than 0 (the empty matching). upper_bound is the
//   linear optimum (valid because c >= 0); optimal only when that bound is reached. Memory: two
//   n*s tables. Deterministic for a seed. SolverOptions::backend = Device (factored externalities or
//   none): every candidate move of a window of buyers is scored in one batched device launch, the
//   host accepts; the same search, so the same matching as the CPU (bit-identical on the OpenMP
//   device system; docs/architecture.md). result.backend says where it ran.
//
// QAPLIB: read_qaplib reads `n`, A, B (minimize sum_ij a_ij b_p(i)p(j)); qap_objective evaluates a
//   permutation; solve_qaplib runs the exact solver (n <= exact limit) or the heuristic. The two
//   readers are implemented with the other file readers (src/io/qaplib.cpp).
//
//   ivassign::AssignmentProblem p = ivassign::AssignmentProblem::linear_only(n, s, w);
//   ivassign::AssignmentResult r = ivassign::solve_lap(p);
//   double price_of_seller_0 = r.col_duals[0];
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ivassign/assignment.hpp"
#include "ivassign/backend.hpp"
#include "ivassign/error.hpp"

namespace ivassign {

AssignmentResult solve_lap(const AssignmentProblem& problem, const SolverOptions& options = {});
AssignmentResult solve_lap_complete(const AssignmentProblem& problem, const SolverOptions& options = {});
/// solve_lap_complete's InputError when no complete matching avoids the forbidden pairs: the rows
/// (buyers; sellers when `transposed`, n > s) whose finite weights lie only in the columns `cols`,
/// fewer than the rows (Hall's condition fails). The message names both sets (at most 8 of each).
class InfeasibleMatching : public InputError {
 public:
  InfeasibleMatching(std::vector<int> rows, std::vector<int> cols, bool transposed = false);
  std::vector<int> rows, cols;
  bool transposed = false;
};
/// A LAP on the allowed pairs (CSR by row): row i's pairs are col_index[k], weight[k] for k in
/// [row_start[i], row_start[i + 1]).
struct SparseLapProblem {
  int rows = 0, cols = 0;
  std::vector<std::int64_t> row_start{0};
  std::vector<int> col_index;
  std::vector<double> weight;  ///< to maximize
};
AssignmentResult solve_lap_sparse(const SparseLapProblem& problem, const SolverOptions& options = {});

/// solve_lap_batch's results, problem-major: assignment and row_duals batch * buyers, col_duals
/// batch * sellers, objective batch.
struct LapBatchResult {
  int batch = 0, buyers = 0, sellers = 0;
  std::vector<int> assignment;
  std::vector<double> objective, row_duals, col_duals;
  std::vector<double> problem_seconds;  ///< each problem's solve_lap time (CPU; 0 on the device)
  double seconds = 0.0;                 ///< the whole batch, wall clock
  Backend backend = Backend::Cpu;       ///< where it ran: Cpu, or Device (the device system of this build)
};
/// Where solve_lap_batch runs: Cpu (`threads` threads, 0: all cores), Device (one problem per device
/// thread, or per thread block: below), Cuda (Device, which must be CUDA) or Auto (the device when it
/// is a usable GPU, else the CPU; resolve_backend). block_min_columns: on CUDA, problems with at least
/// this many sellers are solved one per thread block (128 threads splitting each row scan, CUB block
/// reductions), smaller ones one per thread; the OpenMP device system always runs one per thread.
/// The same results either way. The default 64 is a guess no GPU has checked yet (docs/gpu.md).
struct LapBatchOptions {
  int threads = 0;
  Backend backend = Backend::Auto;
  int block_min_columns = 64;
};
LapBatchResult solve_lap_batch(int batch, int buyers, int sellers, const std::vector<double>& weights,
                               const LapBatchOptions& options);
/// The CPU batch on `threads` threads (LapBatchOptions{threads, Backend::Cpu}).
LapBatchResult solve_lap_batch(int batch, int buyers, int sellers, const std::vector<double>& weights, int threads = 0);

/// Solves a batch of problems, out[k] being problem k's result. When they are LAP-batchable (at least one
/// problem, all of one shape, none with externalities or an `allowed` mask, and choose_solver picks the LAP)
/// they are one solve_lap_batch on options.backend with options.threads threads, each result as solve_lap
/// gives it: the matching, its objective (problems[k].objective, which is the batch's sum of the matched
/// weights in row order, bit for bit), the batch's duals (vcg_transfers warm-starts from them), optimal,
/// solver "lap", backend where the batch ran and seconds its share (the problem's own solve on the CPU, the
/// batch's time over its size on the device). Else one solve_assignment each, in order on this thread, with
/// routed_options(problem, options) (options' threads per solve). Errors as those calls throw them (the
/// batch's as solve_lap_batch's, which reads a -inf weight as a forbidden pair where solve_assignment refuses it).
std::vector<AssignmentResult> solve_many(const std::vector<AssignmentProblem>& problems, const SolverOptions& options);

AssignmentResult solve_branch_and_bound(const AssignmentProblem& problem, const SolverOptions& options = {});
AssignmentResult solve_tabu(const AssignmentProblem& problem, const SolverOptions& options = {});
AssignmentResult solve_descent(const AssignmentProblem& problem, const SolverOptions& options = {});

/// A QAPLIB instance: minimize sum_ij a_ij b_{p(i) p(j)} over permutations p.
struct QapInstance {
  std::string name;
  int n = 0;
  std::vector<double> a, b;  ///< n*n each
};

/// Reads a QAPLIB .dat file (InputError naming the file and what is wrong).
QapInstance read_qaplib(const std::string& path);
/// Reads the permutation of a QAPLIB .sln file (1-based in the file, 0-based here) and its value.
std::vector<int> read_qaplib_solution(const std::string& path, double* value = nullptr);
/// sum_ij a_ij b_{p(i) p(j)}
double qap_objective(const QapInstance& qap, const std::vector<int>& permutation);
/// The QAP as an assignment problem (maximization over complete matchings): one factored term
/// with c_ij^pq = a_ip b_jq and a constant linear weight `bonus` that makes every complete
/// matching better than every partial one; objective = n * bonus - QAP objective.
AssignmentProblem qap_as_assignment(const QapInstance& qap, double* bonus = nullptr);

struct QapResult {
  double objective = 0.0;          ///< the QAP objective (minimized)
  std::vector<int> permutation;    ///< 0-based
  bool optimal = false;
  double seconds = 0.0;
  std::int64_t iterations = 0;
  std::string solver;
  Backend backend = Backend::Cpu;  ///< where the search ran
};
QapResult solve_qaplib(const QapInstance& qap, const SolverOptions& options = {});

/// Every pairwise-swap move of many candidate permutations scored at once (the parallel work of
/// batched independent searches): deltas[b * P + k] = F(perm_b with pair k swapped) - F(perm_b),
/// P = n(n-1)/2 pairs (0,1), (0,2), ..., (n-2,n-1), F the QAPLIB objective. O(n) per swap
/// (kernels/qap_delta.cuh, the tabu search's formula); Backend::Cuda runs one block per permutation,
/// Cpu all cores; both give the same deltas up to rounding. `perms` holds batch * n entries.
struct SwapScores {
  std::vector<double> deltas;
  Backend backend = Backend::Cpu;
  double seconds = 0.0;  ///< the scoring alone (device kernel time on CUDA, no transfers)
};
SwapScores score_all_swaps(const QapInstance& qap, const std::vector<int>& perms, Backend backend = Backend::Auto,
                           int threads = 0);

}  // namespace ivassign
