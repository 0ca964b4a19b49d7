// The local search state of solve_descent: a matching with its interaction table H, best-move
// descent, random kicks and a move journal that rolls every move back; and iterated local search
// on top of it (see src/solvers/local_search.hpp).
#include "solvers/local_search.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

#include "ivassign/tolerances.hpp"

namespace ivassign::descent {

LocalSearch::LocalSearch(const PlacementCosts& costs, std::vector<char> allowed, double tolerance)
    : c_(costs), p_(costs.problem()), n_(p_.buyers), s_(p_.sellers), allowed_(std::move(allowed)), tol_(tolerance) {}

void LocalSearch::reset(const std::vector<int>& z) {
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

void LocalSearch::rollback(std::size_t to) {
  while (journal_.size() > to) {
    const auto [i, old] = journal_.back();
    journal_.pop_back();
    relocate(i, old);
    journal_.pop_back();  // the undo itself
  }
}

bool LocalSearch::descend(std::int64_t& moves, std::int64_t move_limit,
                          const std::chrono::steady_clock::time_point& deadline) {
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

void LocalSearch::relocate(int i, int j) {
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

void LocalSearch::kick(SplitMix64& rng, int count) {
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

/// H(i, .) += sign * (what placing p at q adds), with H transposed and G(i, z_i) kept in step.
void LocalSearch::place(int p, int q, double sign) {
  c_.for_each(p, q, [&](int i, int j, double v) {
    h_[static_cast<std::size_t>(i) * s_ + j] += sign * v;
    ht_[static_cast<std::size_t>(j) * n_ + i] += sign * v;
    if (z_[i] == j) gown_[i] -= sign * v;
  });
}

bool LocalSearch::best_move_of(int i) {
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

double move_tolerance(const AssignmentProblem& p) {
  double scale = 0.0;
  for (double w : p.linear) scale = std::max(scale, std::abs(w));
  return tol::kDescentGain * (1.0 + scale);
}

}  // namespace ivassign::descent
