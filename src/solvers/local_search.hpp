// src/solvers/local_search.hpp — the search state behind solve_descent, for callers that run many
// searches from one matching (VCG's minus-i searches): a matching with its interaction table H
// (src/solvers/placement_costs.hpp), kept exact under moves or, for large factored problems, computed
// entry by entry on demand (set_implicit), with a journal that rolls moves back, and iterated local
// search over it.
//
// Device path (use_device): the candidate moves are scored on the device in batches, the
// acceptance stays on the host. The search visits the buyers in index order and applies each one's
// best move, so with the state unchanged the best moves of the next W buyers can be scored together
// (one launch, W*(s+1) candidates, kernels/device_descent.cu); the first of them with a move is the
// buyer the CPU loop would move next, with the same move (the same kernels/descent_move.cuh gain,
// the same tie-breaking). The host applies it, patches the device mirror with the entries it
// changed, and scores again from the next buyer. W adapts: it doubles while windows hold no move
// and shrinks to twice the distance to the last mover, so the late passes (few moves) are a few
// launches and the early ones waste little. The CPU and the device search are the same search.
//
// CPU path: don't-look marks. A buyer whose candidates were all scored without an improving move
// is clean; a move marks what it may have improved: the candidates (i, j) whose H(i, j) fell, the
// candidates toward seller z_k of the buyer at seller a when H(k, a) fell (its swaps read G(k, a)),
// every buyer's candidate toward a seller whose owner changed or whose owner's G fell (a log), and
// buyers whose own seller changed or whose G(i, z_i) fell (all their candidates). Gains rise with
// G(i, j) and fall with G(i, z_i) (kernels/descent_move.cuh), so a rise of H(i, j) or a fall of
// H(i, z_i) only lowers gains already found not to improve. A clean buyer rescores only its marked
// candidates, so the best move, when there is one, is the one a full scan picks. A search that
// starts from a local optimum less one buyer (VCG's minus-i searches) then costs about the moves it
// makes, not a scan of every buyer's s + 1 candidates; rollback_settled returns to that optimum
// without the undo's marks.
//
// Files: local_search.cpp (the CPU search state: table, moves, journal, best-move scan),
// local_search_marks.cpp (the don't-look marks and the settled state), local_search_device.cpp with
// local_search_device.hpp (the device mirror and the device descent), descent.cpp (iterated_descent,
// descent_result, move_tolerance), descent_batch.cpp (descend_together).
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "common/huge_pages.hpp"
#include "common/random.hpp"
#include "ivassign/assignment.hpp"
#include "solvers/placement_costs.hpp"

namespace ivassign::device {
class DescentScorer;     // kernels/device_launch.hpp
struct DescentProblem;
}  // namespace ivassign::device
namespace ivassign::kernels {
struct DescentMove;  // kernels/descent_move.cuh
}  // namespace ivassign::kernels

namespace ivassign::descent {

/// The changes of one or more searches not yet on the device (absolute indices, see
/// device::DescentScorer), gathered for one patch.
struct DevicePatch {
  std::vector<std::int64_t> h_index, ht_index;
  std::vector<double> h_value, gown;
  std::vector<int> buyers, z, sellers, owner;
  void clear() {
    h_index.clear();
    ht_index.clear();
    h_value.clear();
    gown.clear();
    buyers.clear();
    z.clear();
    sellers.clear();
    owner.clear();
  }
};

/// Throws InputError for externalities the device cannot score (dense, sparse).
void check_device_form(const AssignmentProblem& p);
/// The problem as the device scorer reads it (pointers into `costs` and its problem).
device::DescentProblem device_problem(const PlacementCosts& costs);

/// A matching with its interaction table H; moves keep H exact (up to rounding).
class LocalSearch {
 public:
  /// `allowed[i]`: buyer i may be matched; a move must gain more than `tolerance` to be applied.
  LocalSearch(const PlacementCosts& costs, std::vector<char> allowed, double tolerance);
  ~LocalSearch();
  LocalSearch(const LocalSearch&) = delete;
  LocalSearch& operator=(const LocalSearch&) = delete;

  /// Scores the candidate moves on the device from now on (see the top of this header). Throws
  /// InputError for dense or sparse externalities (the device computes factored pair costs only)
  /// and when the build has no device path.
  void use_device();
  /// The same with a scorer shared by several searches, this one in `slot`.
  void use_device(std::shared_ptr<device::DescentScorer> scorer, int slot);
  bool on_device() const { return device_ != nullptr; }

  /// The device descent in steps, for drivers that score many searches in one launch
  /// (descend_together): begin, then while next_device_window gives a window: sync_device into a
  /// patch, score the window, take_device_window (false: the move limit stopped it). descend() on
  /// the device is exactly this loop with one search.
  void begin_device_descent();
  bool next_device_window(int& first, int& count);
  /// Reloads this search's whole state when it must, else appends its changes to `patch`.
  void sync_device(DevicePatch& patch);
  bool take_device_window(const kernels::DescentMove* best, int count, std::int64_t& moves, std::int64_t move_limit);
  /// Candidate moves the search has scored since construction, as the CPU loop counts them ((s + 1)
  /// per visited buyer, on either backend); device_evaluations: what the device scored in its
  /// windows (the speculative ones included).
  std::int64_t evaluations() const { return evaluations_; }
  std::int64_t device_evaluations() const { return device_evaluations_; }
  /// Candidates actually scored on the CPU (the don't-look marks skip the unchanged ones).
  std::int64_t scored() const { return scored_; }
  /// Exhaustive: every visited buyer's s + 1 candidates scored (no don't-look marks; benchmarks of the
  /// scoring rate).
  void set_exhaustive(bool on) { exhaustive_ = on; }
  /// With timing on, scoring_seconds() sums the time spent scoring candidates: the CPU loop's scan,
  /// or the device's patch and launches with the download of the best moves (benchmarks only).
  void set_timing(bool on) { timing_ = on; }
  double scoring_seconds() const { return scoring_seconds_; }

  /// H on demand (PlacementCosts::entry_row) instead of the tables H and H^T: placements then touch only
  /// the owners next to the seller and the marks, and each scored candidate computes its entries in
  /// O(T deg). The default where PlacementCosts::implicit_pays; the same moves up to the tables'
  /// rounding. On needs the factored form with seller neighbourhoods and the CPU (else InputError);
  /// switching restarts at the current matching (reset). use_device switches it off.
  void set_implicit(bool on);
  bool implicit() const { return implicit_; }

  /// Starts over at matching z: H, G(i, z_i) and the welfare rebuilt, the journal emptied.
  void reset(const std::vector<int>& z);
  const std::vector<int>& matching() const { return z_; }
  /// Welfare of the current matching, kept up to date move by move (exact up to rounding).
  double value() const { return value_; }
  void set_allowed(std::vector<char> allowed) { allowed_ = std::move(allowed); }

  /// Every relocation since reset() is journaled; rollback(mark) undoes those after `mark`.
  std::size_t mark() const { return journal_.size(); }
  void rollback(std::size_t to);

  /// Descends from the current state (allowed_ as set) and, when no buyer moved on the CPU path,
  /// records it as the settled state: every allowed buyer's candidates scored without an improving
  /// move. False (nothing recorded) when a buyer moved or the search scores on the device.
  bool settle(std::int64_t& moves);
  /// rollback() to the settled state, then its don't-look marks instead of the undo's: the table is
  /// the settled one up to rounding, so nothing needs rescoring (the next search from it costs about
  /// its own moves). Throws Error without a settled state.
  void rollback_settled();

  /// Best-move descent until no move gains more than the tolerance, or the clock/iteration budget
  /// runs out. Returns false when it stopped early.
  bool descend(std::int64_t& moves, std::int64_t move_limit, const std::chrono::steady_clock::time_point& deadline);

  /// Moves buyer i to seller j (free) or out (j = -1). H(i, .) never holds i's own placement, so
  /// leaving changes W by -G(i, z_i) and entering by +G(i, j).
  void relocate(int i, int j);

  /// Random perturbation of `count` allowed buyers: each goes to a random free seller or out.
  void kick(SplitMix64& rng, int count);

 private:
  /// G(i, j) = w_ij - H(i, j): what buyer i at seller j adds to the welfare against the matching.
  double G(int i, int j) const { return p_.w(i, j) - H(i, j); }
  double H(int i, int j) const {
    return implicit_ ? c_.entry_row(i, j, owner_.data()) : h_[static_cast<std::size_t>(i) * s_ + j];
  }
  /// c_ij^kb + c_kb^ij: the cost between buyer i at j and buyer k at b, both ways.
  double pair(int i, int j, int k, int b) const { return p_.pair_cost(i, j, k, b) + p_.pair_cost(k, b, i, j); }

  void place(int p, int q, double sign);

  /// Applies buyer i's best improving move, if any.
  bool best_move_of(int i);
  /// The best improving move of buyer i (kind 0 when none) among the candidates j that
  /// `take(score)` passes to score(j), in ascending order; `whole`: take passes every candidate.
  template <class Take>
  kernels::DescentMove best_candidate(int i, const Take& take, bool whole);
  /// Buyer i's marked candidates (its own marks and the seller log since its last scan), unique, ascending.
  void marked_candidates(int i, std::vector<int>& out);
  /// Marks after a change of H(i, j) (and G(i, z_i) when j = z_i), and after seller j's owner or its G changed.
  void mark_entry(int i, int j);
  void mark_seller(int j) { seller_log_.push_back(j); }
  /// Drops the seller log's prefix that every allowed buyer has seen (at the start of a pass).
  void compact_seller_log();
  /// Applies move `kind` of buyer i (kernels::DescentMove) to seller `target`.
  void apply(int i, int kind, int target);
  /// descend() with the candidates scored on the device.
  bool descend_on_device(std::int64_t& moves, std::int64_t move_limit,
                         const std::chrono::steady_clock::time_point& deadline);
  /// Appends the changes since the last sync to `patch` (absolute indices of this search's slot).
  void take_patch(DevicePatch& patch);

  struct DeviceMirror;  ///< the device scorer and the changes not yet sent to it (local_search_device.hpp)

  const PlacementCosts& c_;
  const AssignmentProblem& p_;
  int n_, s_;
  std::vector<char> allowed_;
  double tol_;
  bool implicit_;  // H on demand (set_implicit): h_ and ht_ empty, hrow_ and hcol_ scratch
  std::vector<int> z_, owner_;
  std::vector<double, HugePageAllocator<double>> h_;   // H[i][j]
  std::vector<double, HugePageAllocator<double>> ht_;  // H transposed, [j][i]
  std::vector<double> gown_;  // G(i, z_i) of matched buyers, kept with H
  std::vector<double> hrow_, hcol_;
  double value_ = 0.0;
  std::vector<char> near_;  // scratch: sellers neighbouring the moving buyer's seller
  std::vector<std::pair<int, int>> journal_;  // (buyer, seller before the move)
  std::unique_ptr<DeviceMirror> device_;
  std::int64_t evaluations_ = 0, device_evaluations_ = 0, scored_ = 0;
  // don't-look marks (CPU path): buyers to rescan whole, candidates per buyer, the seller log and
  // how far each buyer has read it
  bool exhaustive_ = false;
  std::vector<char> dirty_;
  std::vector<std::vector<int>> marked_;
  std::vector<int> seller_log_;
  std::vector<std::size_t> log_seen_;
  std::vector<char> seen_seller_;  // scratch for marked_candidates
  std::vector<int> candidates_;    // scratch of best_move_of
  bool quiet_ = false;             // moves make no marks (rollback_settled)
  bool settled_ = false;           // settle(): the journal position and marks to return to
  std::size_t settled_mark_ = 0;
  std::vector<char> settled_dirty_;
  bool timing_ = false;
  double scoring_seconds_ = 0.0;
};

/// Descent, then (with a finite time limit) iterated local search, from the current state of `ls`.
/// Kicks that do not pay are rolled back through the journal; `ls` ends wherever the last round left
/// it, so callers that reuse it roll back to their own mark. `active`: buyers allowed (sets the kick
/// size); `upper`: a bound on the optimum (the search stops, proven, when it reaches it); `tol`:
/// move_tolerance of the problem.
AssignmentResult iterated_descent(LocalSearch& ls, const SolverOptions& options, int active, double upper, double tol,
                                  const std::chrono::steady_clock::time_point& start);

/// The result of a descent that ended at `best` (value `best_value`): optimal when it reaches
/// `upper` - tol, the status from the target, `converged` and the move limit (iterated_descent's).
AssignmentResult descent_result(std::vector<int> best, double best_value, double upper, double tol,
                                const SolverOptions& options, bool converged, std::int64_t moves,
                                const std::chrono::steady_clock::time_point& start);

/// One search of descend_together: the buyers it may match, its start, its bound.
struct DescentJob {
  std::vector<char> allowed;
  std::vector<int> start;
  double upper = 0.0;
};

/// The untimed descents of many searches (VCG's minus-i searches) on the device, their candidate
/// moves scored together: up to `slots` searches run at once, each in its slot of one shared
/// device::DescentScorer, and every round one launch scores the next window of every running
/// search; the host applies the moves (in parallel over the searches, `options.threads`). Each
/// search is the device descent of one LocalSearch reset to its start, so it makes the moves of
/// descent_search from that start on either backend. out[k] is job k's result, as iterated_descent
/// gives it without a time limit (objective: the tracked value). Throws InputError without a device
/// path (the scorer of kernels/device_off.cpp).
std::vector<AssignmentResult> descend_together(const PlacementCosts& costs, const std::vector<DescentJob>& jobs,
                                               const SolverOptions& options, double tol, int slots);

/// The gain a move or a kick must exceed: tol::kDescentGain * (1 + max |w_ij|).
double move_tolerance(const AssignmentProblem& p);

}  // namespace ivassign::descent
