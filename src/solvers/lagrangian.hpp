// src/solvers/lagrangian.hpp — the pair multipliers of the Lagrangian relaxation of the quadratic
// term over interacting licence pairs e = {j, q}: lambda_ej(a) moves part of the pair's cost into the
// LAP weights, w'_aj = w_aj - sum_{e ni j} lambda_ej(a), and E_e = max over labels (a, b) of
// lambda_ej(a) + lambda_eq(b) - C_e(a, b) pays the rest, so that for ANY multipliers
//   sum_k g_k(z) <= LAP(w') + sum_e E_e.
// Shared by VCG's minus-i bounds (src/vcg/minus_i_bound.cpp, where the relaxation is derived) and
// the exact solver's node bound (src/solvers/branch_and_bound.cpp).
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <unordered_map>
#include <vector>

#include "ivassign/assignment.hpp"
#include "solvers/placement_costs.hpp"

namespace ivassign::lagrangian {

constexpr int kUnmatched = -1;

/// A multiplier lambda_ej(buyer) and its deflected subgradient direction.
struct Multiplier {
  int buyer;
  double value = 0.0, direction = 0.0;
  int id = -1;  ///< its index among its side's multipliers in the order added (the cost cache's; -1: uncached)
};

/// One interacting licence pair e = {j, q}, j < q: the multipliers lambda_ej(a) (side 0, buyer a at j)
/// and lambda_eq(b) (side 1), lambda(unmatched) = 0, kept only where they were ever moved, and
/// E_e = max over the labels (a, b) a matching can give the pair of lambda_ej(a) + lambda_eq(b) - C_e(a, b).
struct LicencePair {
  int licence[2];
  std::vector<Multiplier> lambda[2];
  double best = 0.0;                        ///< E_e
  int label[2] = {kUnmatched, kUnmatched};  ///< a maximizing pair of labels
  /// Each side's multipliers sorted by value, largest first (penalize sorts, step unsorts): pair_maximum_if
  /// then stops its scans early.
  bool sorted = false;
  /// C_e(a, b) by the multipliers' ids (side 0's, side 1's), NaN until needed: the maxima read the same label
  /// pairs step after step, and C_e costs O(T) in the factored form.
  mutable std::vector<std::vector<double>> cost{};
};

struct PairMultipliers {
  std::vector<LicencePair> pairs;
  std::unordered_map<std::uint64_t, std::size_t> index;  ///< j * s + q -> pairs
};

/// C_e(a, b) = c_aj^bq + c_bq^aj: what buyers a at j and b at q cost each other (0 when one is unmatched).
inline double pair_cost(const AssignmentProblem& p, const LicencePair& e, int a, int b) {
  if (a == kUnmatched || b == kUnmatched) return 0.0;
  return p.pair_cost(a, e.licence[0], b, e.licence[1]) + p.pair_cost(b, e.licence[1], a, e.licence[0]);
}

/// C_e of the labels of multipliers x (side 0) and y (side 1), from the pair's cache where both have an id.
inline double pair_cost(const AssignmentProblem& p, const LicencePair& e, const Multiplier& x, const Multiplier& y) {
  if (x.id < 0 || y.id < 0) return pair_cost(p, e, x.buyer, y.buyer);
  if (e.cost.size() <= static_cast<std::size_t>(x.id)) e.cost.resize(static_cast<std::size_t>(x.id) + 1);
  std::vector<double>& row = e.cost[static_cast<std::size_t>(x.id)];
  if (row.size() <= static_cast<std::size_t>(y.id))
    row.resize(static_cast<std::size_t>(y.id) + 1, std::numeric_limits<double>::quiet_NaN());
  double& c = row[static_cast<std::size_t>(y.id)];
  if (std::isnan(c)) c = pair_cost(p, e, x.buyer, y.buyer);
  return c;
}

/// E_e over the labels `keep` accepts (unmatched always accepted); labels a == b (one buyer at both
/// licences) are no matching's. Only labels with a multiplier can beat (unmatched, unmatched) = 0 or
/// pair with one: a label without one adds 0 - C_e <= 0. Since C_e >= 0, a pair's bracket is at most
/// lambda_ej(a) + lambda_eq(b): on sorted multipliers (e.sorted) the scans stop once that cannot beat the
/// best. O(|lambda_j| |lambda_q| T) at worst.
template <class Keep>
double pair_maximum_if(const AssignmentProblem& p, const LicencePair& e, Keep&& keep, int label[2]) {
  double best = 0.0;
  label[0] = label[1] = kUnmatched;
  for (int side = 0; side < 2; ++side)
    for (const Multiplier& x : e.lambda[side]) {
      if (!keep(x.buyer)) continue;
      if (x.value > best) {
        best = x.value;
        label[side] = x.buyer;
        label[1 - side] = kUnmatched;
      }
      if (e.sorted) break;  // the side's largest kept one
    }
  for (const Multiplier& x : e.lambda[0]) {
    if (e.sorted && (e.lambda[1].empty() || x.value + e.lambda[1].front().value <= best)) break;
    if (!keep(x.buyer)) continue;
    for (const Multiplier& y : e.lambda[1]) {
      const int a = x.buyer, b = y.buyer;
      if (x.value + y.value <= best) {
        if (e.sorted) break;
        continue;
      }
      if (a == b || !keep(b)) continue;
      const double value = x.value + y.value - pair_cost(p, e, x, y);
      if (value > best) {
        best = value;
        label[0] = a;
        label[1] = b;
      }
    }
  }
  return best;
}

/// E_e with buyer `excluded` unmatched (kUnmatched: none excluded).
inline double pair_maximum(const AssignmentProblem& p, const LicencePair& e, int excluded, int label[2]) {
  return pair_maximum_if(p, e, [excluded](int a) { return a != excluded; }, label);
}

/// w'_aj = w_aj - sum_{e ni j} lambda_ej(a), every E_e and its labels (the pairs over `threads` threads;
/// the same result for any count); returns sum_e E_e, summed in pair order.
double penalize(const AssignmentProblem& p, PairMultipliers& m, std::vector<double>& w, int threads = 1);

/// Holds every licence pair on which matching z places two buyers that cost each other something.
/// O(n T deg) per placement for the factored form (PlacementCosts::for_each), O(n s) dense.
void add_conflicts(const PlacementCosts& costs, const std::vector<int>& z, std::vector<double>& acc,
                   PairMultipliers& m);

/// One deflected subgradient step (Camerini, Fratta and Maffioli 1975): d <- g + beta d with
/// g_ej(a) = [a maximizes E_e at j] - [z puts a at j], then lambda <- lambda - t d, t = theta * gap / |d|^2
/// (Polyak). `holder`: the buyer z puts at each licence, or kUnmatched. False when d = 0.
bool step(const std::vector<int>& holder, double gap, double theta, PairMultipliers& m);

/// max over matchings of the R x F gain table (row-major), every row matched when `complete` (needs
/// R <= F): one LAP. Gains may be negative; `gain` is consumed.
double optimistic_lap(int rows, int cols, std::vector<double> gain, bool complete);

/// The relaxation restricted to a node of the exact solver's tree, where the buyers outside `rest`
/// are placed and the licences outside `free` are held by them. `base` (|rest| x |free|, row-major)
/// holds w_aj minus the exact costs a at j pays to and causes the placed buyers; `open[a]` is 1 exactly
/// for the buyers of `rest`; m's E_e and labels as penalize left them. Only the held pairs with both
/// licences free take part (pairs touching a held licence are exact in `base`): returns
///   LAP_{rest x free}(base - pen) + sum_{e, both free} E_e^open,
/// pen(a, j) = sum of lambda_ej(a) over those pairs at j, E_e^open the pair maximum over labels in
/// rest or unmatched (e.best where its labels are still open), an upper bound on the value the
/// unplaced buyers add to the placed part (proof in branch_and_bound.cpp). `gain_out`, when given,
/// receives base - pen. O(R F + sum_e |lambda_e|) plus the LAP and the pair maxima recomputed.
double node_bound(const AssignmentProblem& p, const PairMultipliers& m, const std::vector<int>& rest,
                  const std::vector<int>& free, const std::vector<char>& open, std::vector<double> base, bool complete,
                  std::vector<double>* gain_out = nullptr);

/// The step length theta of the Polyak rule: it halves after kStall steps without a better full
/// bound. kStall = 60: on spectrum 200 x 800 (seed 7) 1000 steps of VCG's bound reach 169.06 from the
/// search's welfare as target where 40 stop at 169.16 and 15 at 169.39, whose theta shrinks before the
/// multipliers have converged (bench/RESULTS.md, 2026-12-04 and 2026-12-05). The steps are chaotic:
/// a target 0.5 higher ends 0.07 to 0.15 higher with any of these.
class StepSchedule {
 public:
  void record(double full);
  double theta() const { return theta_; }
  double best_full() const { return best_full_; }

 private:
  static constexpr int kStall = 60;
  double theta_ = 1.0, best_full_ = std::numeric_limits<double>::infinity();
  int stall_ = 0;
};

}  // namespace ivassign::lagrangian
