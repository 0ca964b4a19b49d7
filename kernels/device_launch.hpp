// kernels/device_launch.hpp — host-only interface to the device algorithms (kernels/device_*.cu):
// plain host data in, results out; the only device object that crosses it is the opaque resident
// copy of a profile table. No Thrust or CUDA types here.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "ivassign/posterior.hpp"
#include "kernels/ci_sample.cuh"
#include "kernels/descent_move.cuh"
#include "kernels/qap_rots.cuh"

namespace ivassign::device {

/// Which formula fills the table (src/prior/prior_layout.hpp decides).
enum class TableForm { Joint, CiLog, CiFactored };

/// The prior as the per-element functions of kernels/posterior.cuh read it (host arrays; the CI
/// blocks of q at q_offset[i], m*K_i each; the factored split of src/prior/prior_layout.hpp).
struct TablePrior {
  TableForm form = TableForm::Joint;
  int states = 0, buyers = 0, split = 0;
  std::uint64_t profiles = 0, inner_count = 1;
  const int* signals = nullptr;
  const std::uint64_t* strides = nullptr;
  const std::uint64_t* q_offset = nullptr;
  const double* joint = nullptr;  ///< Joint: m * profiles
  const double* lambda = nullptr;  ///< CiFactored
  const double* q = nullptr;
  std::uint64_t q_size = 0;
  const double* log_lambda = nullptr;  ///< CiLog
  const double* log_q = nullptr;
};

/// Fills table.marginal and table.posterior (host, sized by this function) on the device, in chunks
/// of at most `chunk_profiles` profiles (0: as device memory allows). Returns the device-resident
/// copy of the whole table when it was built in one chunk (else null); with `host_copy` false and
/// one chunk, the host arrays are left empty.
std::shared_ptr<const DeviceResidentTable> posterior_table(const TablePrior& prior, PosteriorTable& table,
                                                           std::uint64_t chunk_profiles, bool host_copy);

/// What the device's multistart robust tabu search returns (kernels/device_rots.cu): per start its
/// best slots (starts * T), best cost, iterations run and whether it reached the target.
struct RotsOutcome {
  std::vector<int> best;
  std::vector<double> best_cost;
  std::vector<std::int64_t> iterations;
  std::vector<int> hit_target;
  bool shared_memory = false;  ///< CUDA: the delta tables sat in shared memory (one block per start)
};

/// `starts` independent robust tabu searches (kernels/qap_rots.cuh) on the device, start k from
/// slots initial[k * T ...] with seed seeds[k], each until max_iter iterations, its target or
/// `seconds` of wall time (checked between launches of a chunk of iterations), or until some start
/// reached the target (checked there too). The OpenMP device system
/// runs each start as one Thrust index calling kernels::rots_run, CUDA one start per thread block
/// (its delta table in shared memory when it fits); the same moves either way. problem's matrices
/// are host arrays here.
RotsOutcome rots_multistart(const kernels::RotsProblem& problem, int starts, const int* initial,
                            const std::uint64_t* seeds, std::int64_t max_iter, double seconds);

/// The descent's search state on the device (src/solvers/local_search.hpp, kernels/descent_move.cuh).
/// The problem: w (n*s) and its transpose, the factored externalities (weight n*T, buyer T*n*n,
/// seller T*s*s; terms 0 without externalities), for the factored form the sellers near each seller
/// (CSR over sellers, sorted within a row; near_start null: every seller is near), and the placement
/// lists of PlacementCosts::placement_lists (`blocks` pairs of a buyer list and a seller list, CSR
/// with absolute starts: blocks * (n + 1) and blocks * (s + 1) of them; 0 blocks without
/// externalities).
struct DescentProblem {
  int buyers = 0, sellers = 0, terms = 0;
  const double *w = nullptr, *wt = nullptr;
  const double *weight = nullptr, *buyer = nullptr, *seller = nullptr;
  const std::size_t* near_start = nullptr;
  const int* near_index = nullptr;
  int blocks = 0;
  const std::size_t *buyer_start = nullptr, *seller_start = nullptr;
  const int *buyer_index = nullptr, *seller_index = nullptr;
  const double *buyer_value = nullptr, *seller_value = nullptr;
};

/// One descent's whole search state on the device: the interaction table H and its transpose,
/// G(i, z_i), the matching and the owners, the welfare, the allowed buyers, the don't-look marks
/// (src/solvers/local_search.hpp: a flag per candidate, a flag per buyer to rescan whole, and the
/// sellers' log as a stamp per seller against each buyer's last scan), the candidate scores and
/// the move choice. A placement's H updates are device for-eaches over the placement lists, one
/// per block in PlacementCosts::for_each's order (each block touches an (i, j) once: conflict-free),
/// so every entry gets the CPU's additions in the CPU's order; best_move scores every candidate of a
/// window of buyers (a for-each over (buyer, chunk of candidates) calling kernels::descent_move, one
/// over the buyers reducing their chunks in kernels::descent_better's order) and picks the first
/// allowed buyer with an improving move on the device; a clean buyer scores only its marked
/// candidates, as the CPU loop does. The host sends moves and reads one choice per window; nothing
/// else crosses the bus during a search.
class DescentState {
 public:
  explicit DescentState(const DescentProblem& problem);
  ~DescentState();
  DescentState(const DescentState&) = delete;
  DescentState& operator=(const DescentState&) = delete;
  /// Starts over at matching z (n entries): H built placement by placement in buyer order (the
  /// order of PlacementCosts::fill_table), the owners, G(i, z_i) and the welfare (LocalSearch::reset's sums).
  void reset(const int* z);
  /// allowed[i] != 0: buyer i is visited by best_move (n entries); the others are marked to be
  /// rescanned whole once allowed again.
  void set_allowed(const char* allowed);
  /// Buyer i from seller `from` to seller `to` (either -1: unmatched), as LocalSearch::relocate does
  /// it; with `marks`, marking what the move may have improved (LocalSearch::place's rules).
  void relocate(int i, int from, int to, bool marks);
  /// Scores buyers first .. first + count - 1 (a clean buyer: its marked candidates only), chooses
  /// the first allowed one whose best move gains more than `tol` (kernels::DescentChoice), and clears
  /// the marks of the allowed buyers up to it (the ones the CPU loop visits).
  kernels::DescentChoice best_move(int first, int count, double tol);
  /// Keeps the buyers' rescan flags as they are now (LocalSearch::settle) ...
  void settle();
  /// ... and restores them, every other mark cleared (LocalSearch::rollback_settled).
  void restore_settled();
  /// The welfare, kept move by move (one value over the bus).
  double value() const;
  /// H and G(i, z_i) copied to the host (n*s and n entries; tests).
  void download(double* h, double* gown) const;
  struct State;  ///< the device arrays (kernels/device_descent.cu)

 private:
  std::unique_ptr<State> state_;
};

/// The sampled measures' draws on the device (kernels/ci_sample.cuh, src/posterior/ci_measures.cpp):
/// the prior (host arrays of `view`, log_q and cdf of q_size entries each) uploaded once and, when
/// `pooled`, the pool of profiles built there by the CPU's per-entry function. distances() fills
/// dist (host, samples * K_i, sample-major) for buyer i and signal a from the same draws as the CPU.
/// Importance sampling (view.components > 0): the tilted components' tables (view.tilt_*, components *
/// tilt_stride entries each) are uploaded too, and importance() fills the draws' weights beside the distances.
class CiSampler {
 public:
  CiSampler(const kernels::CiSampleView& view, std::uint64_t q_size, bool pooled);
  ~CiSampler();
  CiSampler(const CiSampler&) = delete;
  CiSampler& operator=(const CiSampler&) = delete;
  /// The device memory a sampler of this prior allocates; it is built when these fit beside kDeviceReserveBytes.
  static std::uint64_t bytes(const kernels::CiSampleView& view, std::uint64_t q_size, bool pooled);
  static bool fits(const kernels::CiSampleView& view, std::uint64_t q_size, bool pooled);
  /// state_cdf: cumulative P(. | b_i = a), m entries.
  void distances(int i, int a, const double* state_cdf, double* dist) const;
  /// kernels::ci_importance_draw for every s: dist as distances(), weight (host, samples entries).
  void importance(int i, int a, const double* state_cdf, double log_signal_a, double* dist, double* weight) const;
  struct State;  ///< the device arrays (kernels/device_ci_sample.cu)

 private:
  std::unique_ptr<State> state_;
};

/// The device memory count_vector_pairs allocates for `count` count vectors of K signals.
std::uint64_t count_vector_bytes(std::uint64_t count, int K);

/// A symmetric CI prior over `count` signal-count vectors (host, K entries each) on the device: for
/// every a != b, sums[a*K + b] = D(a, b) = sum_c mass d and levels[a*K + b] = min{e : Prob(d > e | a)
/// <= e} (kernels::count_vector_point; log_signal: log P_i(x), K entries). Returns false, computing
/// nothing, when they do not fit beside kDeviceReserveBytes.
bool count_vector_pairs(const kernels::CountVectorView& view, const std::uint32_t* vectors, std::uint64_t count,
                        const double* log_signal, double tie, std::vector<double>& sums, std::vector<double>& levels);

/// Bytes per second of a device-to-device copy of `bytes` bytes (best of `repeats`): the bandwidth
/// the table build is measured against.
double copy_bandwidth(std::size_t bytes, int repeats);

/// For every buyer and pair b_i != r_i of a table: conditional norms, S_i, D_i, variation terms and
/// nu_i, on the device (the resident copy when the table has one, else an upload). With
/// support_only, b_-i outside the support of either profile are left out of nu_i. Returns false,
/// computing nothing, when the table does not fit in device memory.
/// The device memory table_measures allocates for `table` (its upload unless resident, and three work
/// arrays of the largest b_-i count); it runs when these fit beside kDeviceReserveBytes.
std::uint64_t table_measures_bytes(const PosteriorTable& table);

bool table_measures(const PosteriorTable& table, bool support_only, double tie,
                    std::vector<std::vector<double>>& norm, std::vector<std::vector<double>>& score_gain,
                    std::vector<std::vector<double>>& theorem1_sum, std::vector<std::vector<double>>& variation,
                    std::vector<double>& informational_size);

/// deltas[b * P + k] = F(perm_b with pair k swapped) - F(perm_b), P = T(T-1)/2 pairs in the order of
/// kernels::qap_pair_of_index, for `batch` permutations (perms: batch * T); C: T*T, A and B:
/// terms * T*T (kernels/qap_delta.cuh). kernel_seconds: the device time of the scoring alone.
void qap_swap_deltas(const double* C, const double* A, const double* B, int terms, int T, const int* perms, int batch,
                     double* deltas, double* kernel_seconds);

/// The device memory one problem of n x s takes in device::lap_batch (weights, workspace, results).
std::uint64_t lap_batch_bytes_per_problem(int n, int s);

/// `batch` linear assignment problems of n x s (weights: host, problem-major) on the device
/// (kernels::lap_solve_one), in chunks of as many as device memory holds: one problem per thread
/// block on CUDA when s >= block_min_columns, else (and always on the OpenMP system) one per thread.
/// Host outputs, sized by the caller: assignment and row_duals batch * n, col_duals batch * s,
/// objective and status batch (kernels::kLapSolved, kernels::kLapNoPath, or the flat index in the
/// problem of its first NaN or +inf weight). ResourceError with the bytes when one problem does not fit.
void lap_batch(int batch, int n, int s, const double* weights, int* assignment, double* row_duals, double* col_duals,
               double* objective, std::int64_t* status, int block_min_columns);

/// The values and the outcome rule (with the transfers, for the audit) that the audit and epic read
/// (host arrays; social-format.md): with types.states > 0 agent i's values are the block [m][K_i][C]
/// at value_offset[i], else values are [|T|][n][C].
struct SocialInput {
  int agents = 0, outcomes = 0;
  const double* values = nullptr;
  std::uint64_t values_size = 0;
  const std::uint64_t* value_offset = nullptr;
  const int* outcome = nullptr;       ///< q, |T|
  const double* transfers = nullptr;  ///< x, |T| * n (the audit; unused by epic)
};

/// One lie (agent, type, report) and what its scan found.
struct AuditLie {
  int agent = 0, type = 0, report = 0;
  double margin = 0.0;                  ///< -sum_{t_-i} P(t_-i|t_i) gain
  double best_gain = 0.0;               ///< largest gain (-inf: no profile of positive probability)
  std::uint64_t best_profile = 0;       ///< its profile, the lowest on ties
  double level = 0.0;                   ///< min{e : Prob(gain > e | t_i) <= e} over the gains above gain_tol
};

/// Every lie's scan on the device (types: the type table, host arrays). Returns false, computing
/// nothing, when the inputs do not fit in device memory.
bool audit_lies(const PosteriorTable& types, const SocialInput& input, double gain_tol, double tie,
                std::vector<AuditLie>& lies);

/// The largest type count the device's ex post implementability groups hold (per-thread arrays).
constexpr int kMaxEpicTypes = 32;


/// Every group (agent i, others' types t_-i; agent-major, t_-i in index order) on the device: agent
/// i's transfers on the group's profiles (|T| * n, the longest paths and the unrealized bounds) and a
/// flag per group still relaxing after its last Bellman-Ford round (relaxations by more than
/// cycle_tol / (2 K_i), the CPU's). Returns false, computing nothing,
/// when a type count exceeds kMaxEpicTypes or the inputs do not fit in device memory.
bool epic_groups(const PosteriorTable& types, const SocialInput& input, double cycle_tol, std::vector<double>& transfers,
                 std::vector<char>& flagged);

}  // namespace ivassign::device
