// src/solvers/local_search.hpp — the search state behind solve_descent, for callers that run many
// searches from one matching (VCG's minus-i searches): a matching with its interaction table H
// (src/solvers/placement_costs.hpp), kept exact under moves or, for large factored problems, computed
// entry by entry on demand (set_implicit), with a journal that rolls moves back, and iterated local
// search over it.
//
// Device path (use_device): the search state lives on the device (device::DescentState,
// kernels/device_descent.cu): H and its transpose, G(i, z_i), the matching and the owners, the
// welfare, the don't-look marks (below), the candidate scores and the move choice. The search visits the buyers in index order and
// applies each one's best move, so with the state unchanged the best moves of the next W buyers can
// be scored together (W*(s+1) candidates); the device picks the first of them with a move, the buyer
// the CPU loop would move next, with the same move (the same kernels/descent_move.cuh gain, the same
// tie-breaking), and the host reads that one choice and sends the move back, whose H updates are
// device for-eaches in the CPU's order. W adapts: it doubles while windows hold no move and shrinks
// to the distance to the last mover, so the late passes (few moves) are a few launches and the early
// ones waste little. The host keeps only the matching's indices (z, the owners, the journal) and
// decides when to stop. The CPU and the device search are the same search: bit for bit on the
// OpenMP device system, whose arithmetic is the host compiler's. The device keeps the marks below
// with the same rules (a flag per candidate, a rescan flag per buyer, the seller log as a stamp per
// seller against each buyer's last scan); a placement's owners are updated on the device before its
// table updates, which can only add marks, so a clean buyer scores a superset of the CPU's candidates
// and finds the same best move. A window still walks every candidate of its buyers, scoring the
// marked ones.
//
// Don't-look marks. A buyer whose candidates were all scored without an improving move
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
// local_search_device.hpp (the device state and the device descent), descent.cpp (iterated_descent,
// descent_result, move_tolerance).
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

namespace ivassign::kernels {
struct DescentMove;  // kernels/descent_move.cuh
struct DescentChoice;
}  // namespace ivassign::kernels

namespace ivassign::descent {

/// Throws InputError for externalities the device cannot score (dense, sparse).
void check_device_form(const AssignmentProblem& p);

/// A matching with its interaction table H; moves keep H exact (up to rounding).
class LocalSearch {
 public:
  /// `allowed[i]`: buyer i may be matched; a move must gain more than `tolerance` to be applied.
  LocalSearch(const PlacementCosts& costs, std::vector<char> allowed, double tolerance);
  ~LocalSearch();
  LocalSearch(const LocalSearch&) = delete;
  LocalSearch& operator=(const LocalSearch&) = delete;

  /// Keeps the search state on the device from now on (see the top of this header; the current
  /// matching, if any, is reloaded there). Throws InputError for dense or sparse externalities (the
  /// device computes factored pair costs only) and when the build has no device path.
  void use_device();
  bool on_device() const { return device_ != nullptr; }
  /// Candidate moves the search has scored since construction, as the CPU loop counts them ((s + 1)
  /// per visited buyer, on either backend); device_evaluations: the candidates of the device's
  /// windows (the speculative ones included; a clean buyer's unmarked ones are skipped there).
  std::int64_t evaluations() const { return evaluations_; }
  std::int64_t device_evaluations() const { return device_evaluations_; }
  /// Candidates actually scored on the CPU (the don't-look marks skip the unchanged ones).
  std::int64_t scored() const { return scored_; }
  /// Exhaustive: every visited buyer's s + 1 candidates scored (no don't-look marks; benchmarks of the
  /// scoring rate).
  void set_exhaustive(bool on) { exhaustive_ = on; }
  /// With timing on, scoring_seconds() sums the time spent scoring candidates: the CPU loop's scan,
  /// or the device's scoring and move choice with the download of the choice (benchmarks only).
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
  /// Welfare of the current matching, kept up to date move by move (exact up to rounding; on the
  /// device, read from there).
  double value() const;
  void set_allowed(std::vector<char> allowed);

  /// H (n*s, row-major) and G(i, z_i) (n) as they stand, from the device on the device path (tests:
  /// the backends' tables compared bit for bit). h is empty with H on demand.
  void state(std::vector<double>& h, std::vector<double>& gown) const;

  /// Every relocation since reset() is journaled; rollback(mark) undoes those after `mark`.
  std::size_t mark() const { return journal_.size(); }
  void rollback(std::size_t to);

  /// Descends from the current state (allowed_ as set) and, when no buyer moved, records it as the
  /// settled state: every allowed buyer's candidates scored without an improving move. False
  /// (nothing recorded) when a buyer moved.
  bool settle(std::int64_t& moves);
  /// rollback() to the settled state, then its don't-look marks instead of the undo's: the table is
  /// the settled one up to rounding, so nothing needs rescoring (the next search from it costs about
  /// its own moves on the CPU). On the device the same undo, move by move on the device's table.
  /// Throws Error without a settled state.
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
  /// The device's next window after `count` buyers from the cursor without a move, or a move at offset r.
  bool take_device_choice(const kernels::DescentChoice& choice, int count, std::int64_t& moves, std::int64_t move_limit);

  struct DeviceMirror;  ///< the device state and the window of the device descent (local_search_device.hpp)

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
  // don't-look marks (CPU path; the device keeps its own): buyers to rescan whole, candidates per buyer, the seller log and
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

/// The gain a move or a kick must exceed: tol::kDescentGain * (1 + max |w_ij|).
double move_tolerance(const AssignmentProblem& p);

}  // namespace ivassign::descent
