// Local search for large assignment problems with externalities (include/ivassign/solvers.hpp,
// solve_descent): best-move descent over relocations, swaps and replacements scored from the
// interaction table H of src/solvers/placement_costs.hpp, then (with a finite time limit) iterated
// local search: perturb a few buyers, descend, keep the better matching.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>

#include "common/parallel.hpp"
#include "common/random.hpp"
#include "ivassign/error.hpp"
#include "ivassign/solvers.hpp"
#include "solvers/lap.hpp"
#include "solvers/placement_costs.hpp"

namespace ivassign {

namespace {

/// A matching with its interaction table H; moves keep H exact (up to rounding).
class LocalSearch {
 public:
  LocalSearch(const PlacementCosts& costs, std::vector<char> allowed, double tolerance)
      : c_(costs), p_(costs.problem()), n_(p_.buyers), s_(p_.sellers), allowed_(std::move(allowed)), tol_(tolerance) {}

  void reset(const std::vector<int>& z) {
    z_ = z;
    owner_.assign(s_, -1);
    for (int i = 0; i < n_; ++i)
      if (z_[i] >= 0) owner_[z_[i]] = i;
    h_ = c_.table(z_);
    ht_.assign(h_.size(), 0.0);
    for (int i = 0; i < n_; ++i)
      for (int j = 0; j < s_; ++j) ht_[static_cast<std::size_t>(j) * n_ + i] = h_[static_cast<std::size_t>(i) * s_ + j];
    gown_.assign(n_, 0.0);
    for (int i = 0; i < n_; ++i)
      if (z_[i] >= 0) gown_[i] = G(i, z_[i]);
    journal_.clear();
    // W = sum_i w(i, z_i) - C and sum_i H(i, z_i) = 2 C (each pair is seen from both sides)
    value_ = 0.0;
    for (int i = 0; i < n_; ++i)
      if (z_[i] >= 0) value_ += p_.w(i, z_[i]) - 0.5 * h_[static_cast<std::size_t>(i) * s_ + z_[i]];
  }
  const std::vector<int>& matching() const { return z_; }
  /// Welfare of the current matching, kept up to date move by move (exact up to rounding).
  double value() const { return value_; }
  void set_allowed(std::vector<char> allowed) { allowed_ = std::move(allowed); }

  /// Every relocation since reset() is journaled; rollback(mark) undoes those after `mark`.
  std::size_t mark() const { return journal_.size(); }
  void rollback(std::size_t to) {
    while (journal_.size() > to) {
      const auto [i, old] = journal_.back();
      journal_.pop_back();
      relocate(i, old);
      journal_.pop_back();  // the undo itself
    }
  }

  /// Best-move descent until no move gains more than the tolerance, or the clock/iteration budget
  /// runs out. Returns false when it stopped early.
  bool descend(std::int64_t& moves, std::int64_t move_limit, const std::chrono::steady_clock::time_point& deadline) {
    bool improved = true;
    while (improved) {
      improved = false;
      for (int i = 0; i < n_; ++i) {
        if (!allowed_[i]) continue;
        if ((moves & 15) == 0 && std::chrono::steady_clock::now() > deadline) return false;
        if (move_limit > 0 && moves >= move_limit) return false;
        if (best_move_of(i)) {
          ++moves;
          improved = true;
        }
      }
    }
    return true;
  }

  /// Moves buyer i to seller j (free) or out (j = -1). H(i, .) never holds i's own placement, so
  /// leaving changes W by -G(i, z_i) and entering by +G(i, j).
  void relocate(int i, int j) {
    journal_.emplace_back(i, z_[i]);
    if (z_[i] >= 0) {
      value_ -= G(i, z_[i]);
      place(i, z_[i], -1.0);
      owner_[z_[i]] = -1;
    }
    z_[i] = j;
    if (j >= 0) {
      owner_[j] = i;
      gown_[i] = G(i, j);
      value_ += gown_[i];
      place(i, j, 1.0);
    }
  }

  /// Random perturbation of `count` allowed buyers: each goes to a random free seller or out.
  void kick(SplitMix64& rng, int count) {
    std::vector<int> pool;
    for (int i = 0; i < n_; ++i)
      if (allowed_[i]) pool.push_back(i);
    if (pool.empty() || s_ == 0) return;
    for (int r = 0; r < count; ++r) {
      const int i = pool[rng.below(static_cast<int>(pool.size()))];
      const int j = rng.below(s_ + 1) - 1;
      if (j >= 0 && owner_[j] >= 0) {
        const int k = owner_[j];
        if (k == i) continue;
        const int a = z_[i];
        relocate(k, -1);
        relocate(i, j);
        if (a >= 0) relocate(k, a);
      } else {
        relocate(i, j);
      }
    }
  }

 private:
  double G(int i, int j) const { return p_.w(i, j) - h_[static_cast<std::size_t>(i) * s_ + j]; }
  double pair(int i, int j, int k, int b) const { return p_.pair_cost(i, j, k, b) + p_.pair_cost(k, b, i, j); }

  void place(int p, int q, double sign) {
    c_.for_each(p, q, [&](int i, int j, double v) {
      h_[static_cast<std::size_t>(i) * s_ + j] += sign * v;
      ht_[static_cast<std::size_t>(j) * n_ + i] += sign * v;
      if (z_[i] == j) gown_[i] -= sign * v;
    });
  }

  /// Applies buyer i's best improving move, if any.
  bool best_move_of(int i) {
    const int a = z_[i];
    const double ga = a >= 0 ? gown_[i] : 0.0;
    // row i of w and H, and (for swaps) column a as G(k, a) = wT[a][k] - HT[a][k]: all contiguous
    const double* w_row = p_.linear.data() + static_cast<std::size_t>(i) * s_;
    const double* h_row = h_.data() + static_cast<std::size_t>(i) * s_;
    const double* w_col = a >= 0 ? c_.linear_transposed().data() + static_cast<std::size_t>(a) * n_ : nullptr;
    const double* h_col = a >= 0 ? ht_.data() + static_cast<std::size_t>(a) * n_ : nullptr;
    // factored form: i (at a) and k (at j) interact only when j neighbours a; mark those sellers
    const bool sparse_pairs = c_.has_seller_neighbours();
    if (sparse_pairs && a >= 0) {
      near_.resize(s_, 0);
      c_.for_each_neighbour(a, [&](int q) { near_[q] = 1; });
    }
    auto interacts = [&](int j) { return !sparse_pairs || near_[j]; };
    double best = tol_;
    int kind = 0, target = -1;  // 1 relocate (target seller or -1), 2 swap/replace with owner of target
    if (a >= 0 && -ga > best) {
      best = -ga;
      kind = 1;
      target = -1;
    }
    for (int j = 0; j < s_; ++j) {
      if (j == a) continue;
      const int k = owner_[j];
      const double gij = w_row[j] - h_row[j];
      double gain;
      if (k < 0) {
        gain = gij - ga;
      } else if (a < 0) {
        gain = gij - gown_[k];  // i replaces k, k leaves
      } else {
        // swap i (at a) and k (at j): the i-k interaction is counted in both old G's and in neither new one
        const bool near = interacts(j);
        const double old_pair = near ? pair(i, a, k, j) : 0.0;
        const double swap = gij + (w_col[k] - h_col[k]) - ga - gown_[k] - (near ? pair(i, j, k, a) : 0.0) - old_pair;
        // i takes j, k leaves: removing both loses G(i,a) + G(k,j) + their pair (counted in both G's)
        const double eject = gij - ga - gown_[k] - old_pair;
        gain = std::max(swap, eject);
        if (gain > best) {
          best = gain;
          kind = swap >= eject ? 2 : 3;
          target = j;
        }
        continue;
      }
      if (gain > best) {
        best = gain;
        kind = k < 0 ? 1 : 3;
        target = j;
      }
    }
    if (sparse_pairs && a >= 0) c_.for_each_neighbour(a, [&](int q) { near_[q] = 0; });
    if (kind == 0) return false;
    if (kind == 1) {
      relocate(i, target);
    } else {
      const int k = owner_[target];
      relocate(k, -1);
      relocate(i, target);
      if (kind == 2) relocate(k, a);
    }
    return true;
  }

  const PlacementCosts& c_;
  const AssignmentProblem& p_;
  int n_, s_;
  std::vector<char> allowed_;
  double tol_;
  std::vector<int> z_, owner_;
  std::vector<double> h_;   // H[i][j]
  std::vector<double> ht_;  // H transposed, [j][i]
  std::vector<double> gown_;  // G(i, z_i) of matched buyers, kept with H
  double value_ = 0.0;
  std::vector<char> near_;  // scratch: sellers neighbouring the moving buyer's seller
  std::vector<std::pair<int, int>> journal_;  // (buyer, seller before the move)
};

/// Descent, then (with a finite time limit) iterated local search, from the current state of `ls`.
/// Kicks that do not pay are rolled back through the journal; `ls` ends wherever the last round left
/// it, so callers that reuse it roll back to their own mark.
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

double tolerance_of(const AssignmentProblem& p) {
  double scale = 0.0;
  for (double w : p.linear) scale = std::max(scale, std::abs(w));
  return 1e-10 * (1.0 + scale);
}

}  // namespace

AssignmentResult descent_search(const PlacementCosts& costs, const SolverOptions& options, int excluded,
                                double linear_bound) {
  const auto start = std::chrono::steady_clock::now();
  const AssignmentProblem& p = costs.problem();
  const int n = p.buyers, s = p.sellers;
  std::vector<char> allowed(n, 1);
  for (int i = 0; i < n; ++i) allowed[i] = p.buyer_allowed(i) && i != excluded ? 1 : 0;
  const double tol = tolerance_of(p);

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

  LocalSearch ls(costs, allowed, tol);
  ls.reset(z0);
  int active = 0;
  for (char c : allowed) active += c;
  AssignmentResult r = iterated_descent(ls, options, active, upper, tol, start);
  r.objective = p.objective(r.assignment);  // once, exactly (the tracked value is up to rounding)
  if (r.objective < 0.0) {  // cut short by the clock below the empty matching's 0
    r.assignment.assign(n, -1);
    r.objective = 0.0;
  }
  return r;
}

std::vector<AssignmentResult> descent_minus_i(const PlacementCosts& costs, const std::vector<int>& full,
                                              const SolverOptions& options, const std::vector<double>& linear_bound) {
  const AssignmentProblem& p = costs.problem();
  const int n = p.buyers;
  if (full.size() != static_cast<std::size_t>(n) || linear_bound.size() != static_cast<std::size_t>(n))
    throw Error("descent_minus_i: the full matching and the bounds need one entry per buyer");
  std::vector<char> base_allowed(n);
  int base_active = 0;
  for (int i = 0; i < n; ++i) base_active += base_allowed[i] = p.buyer_allowed(i) ? 1 : 0;
  const double tol = tolerance_of(p);
  std::vector<AssignmentResult> out(n);
  FirstException errors;
#pragma omp parallel num_threads(thread_count(options.threads))
  {
    // one search state per thread, at the full matching; each minus-i search starts from it with
    // buyer i removed and is rolled back to it afterwards (no table rebuilt, no problem copied)
    std::unique_ptr<LocalSearch> ls;
    errors.run([&] {
      ls = std::make_unique<LocalSearch>(costs, base_allowed, tol);
      ls->reset(full);
    });
    int searches = 0;
#pragma omp for schedule(dynamic)
    for (int i = 0; i < n; ++i) {
      if (!ls || !base_allowed[i]) continue;
      errors.run([&] {
        if (++searches % 64 == 0) ls->reset(full);  // rollbacks are exact up to rounding: rebuild now and then
        const auto start = std::chrono::steady_clock::now();
        std::vector<char> allowed = base_allowed;
        allowed[i] = 0;
        ls->set_allowed(allowed);
        ls->relocate(i, -1);
        AssignmentResult r = iterated_descent(*ls, options, base_active - 1, linear_bound[i], tol, start);
        ls->rollback(0);
        if (r.objective < 0.0) {  // the empty matching is feasible and worth 0
          r.assignment.assign(static_cast<std::size_t>(n), -1);
          r.objective = 0.0;
        }
        out[i] = std::move(r);
      });
    }
  }
  errors.rethrow();
  return out;
}

AssignmentResult solve_descent(const AssignmentProblem& problem, const SolverOptions& options) {
  const PlacementCosts costs(problem);
  return descent_search(costs, options);
}

}  // namespace ivassign
