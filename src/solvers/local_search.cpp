// The local search state of solve_descent: a matching with its interaction table H, best-move
// descent, random kicks and a move journal that rolls every move back (see src/solvers/local_search.hpp).
// The don't-look marks are in local_search_marks.cpp, the device state in local_search_device.cpp, the
// iterated local search on top in descent.cpp.
#include "solvers/local_search.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

#include "ivassign/error.hpp"
#include "kernels/descent_move.cuh"
#include "solvers/local_search_device.hpp"

namespace ivassign::descent {

LocalSearch::LocalSearch(const PlacementCosts& costs, std::vector<char> allowed, double tolerance)
    : c_(costs), p_(costs.problem()), n_(p_.buyers), s_(p_.sellers), allowed_(std::move(allowed)), tol_(tolerance),
      implicit_(costs.implicit_pays()),
      dirty_(static_cast<std::size_t>(n_), 1), marked_(static_cast<std::size_t>(n_)),
      log_seen_(static_cast<std::size_t>(n_), 0), seen_seller_(static_cast<std::size_t>(s_), 0) {}

LocalSearch::~LocalSearch() = default;

void LocalSearch::set_implicit(bool on) {
  if (on && (device_ || !c_.has_seller_neighbours()))
    throw InputError("LocalSearch: H on demand needs the factored form with seller neighbourhoods, on the CPU");
  if (on == implicit_) return;
  implicit_ = on;
  if (!z_.empty()) reset(z_);
}

void LocalSearch::reset(const std::vector<int>& z) {
  z_ = z;
  owner_.assign(s_, -1);
  for (int i = 0; i < n_; ++i)
    if (z_[i] >= 0) owner_[z_[i]] = i;
  journal_.clear();
  settled_ = false;
  if (device_) {  // the tables, G(i, z_i) and the welfare live on the device
    h_ = {};
    ht_ = {};
    gown_ = {};
    device_->state->reset(z_.data());
    return;
  }
  if (implicit_) {  // H on demand: no tables, two scratch lines for best_candidate
    h_ = {};
    ht_ = {};
    hrow_.assign(static_cast<std::size_t>(s_), 0.0);
    hcol_.assign(static_cast<std::size_t>(n_), 0.0);
  } else {
    h_.resize(static_cast<std::size_t>(n_) * s_);
    c_.fill_table(z_, h_.data());
    ht_.assign(h_.size(), 0.0);
    for (int i = 0; i < n_; ++i)
      for (int j = 0; j < s_; ++j) ht_[static_cast<std::size_t>(j) * n_ + i] = h_[static_cast<std::size_t>(i) * s_ + j];
  }
  gown_.assign(n_, 0.0);
  for (int i = 0; i < n_; ++i)
    if (z_[i] >= 0) gown_[i] = G(i, z_[i]);
  std::fill(dirty_.begin(), dirty_.end(), 1);  // nothing scored at this matching yet
  for (auto& m : marked_) m.clear();
  seller_log_.clear();
  std::fill(log_seen_.begin(), log_seen_.end(), 0);
  // W = sum_i w(i, z_i) - C and sum_i H(i, z_i) = 2 C (each pair is seen from both sides)
  value_ = 0.0;
  for (int i = 0; i < n_; ++i)
    if (z_[i] >= 0) value_ += p_.w(i, z_[i]) - 0.5 * H(i, z_[i]);
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
  if (device_) return descend_on_device(moves, move_limit, deadline);
  bool improved = true;
  while (improved) {
    improved = false;
    compact_seller_log();
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
  if (device_) {  // the same steps on the device's state; the host keeps the indices
    device_->state->relocate(i, z_[i], j, !quiet_);
    if (z_[i] >= 0) owner_[z_[i]] = -1;
    z_[i] = j;
    if (j >= 0) owner_[j] = i;
    return;
  }
  if (!quiet_) {  // i's own seller and G change, and the owners of both sellers
    dirty_[i] = 1;
    if (z_[i] >= 0) mark_seller(z_[i]);
    if (j >= 0) mark_seller(j);
  }
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

/// H(i, .) += sign * (what placing p at q adds), with H transposed and G(i, z_i) kept in step (the
/// CPU path; device::DescentState::relocate does the same on the device).
void LocalSearch::place(int p, int q, double sign) {
  const bool marks = !quiet_;
  if (implicit_ && (!marks || (sign > 0.0 && c_.nonnegative()))) {
    // no table: only G(k, z_k) of the owners next to q changes, and with costs >= 0 a placement
    // marks only them (H(k, j) rises everywhere else)
    c_.for_each_neighbour(q, [&](int j) {
      const int k = owner_[j];
      if (k < 0 || k == p) return;
      const double delta = sign * pair(k, j, p, q);
      gown_[k] -= delta;
      if (marks && delta > 0.0) mark_entry(k, j);
    });
    return;
  }
  c_.for_each(p, q, [&](int i, int j, double v) {
    const double delta = sign * v;
    if (!implicit_) {
      h_[static_cast<std::size_t>(i) * s_ + j] += delta;
      ht_[static_cast<std::size_t>(j) * n_ + i] += delta;
    }
    if (z_[i] == j) gown_[i] -= delta;
    // candidates read G(i, j) = w - H(i, j) with + (i to j, the owner of j swapping into z_i) and
    // G(i, z_i) with - (i's own moves, the others' moves onto z_i): only a fall of H(i, j), j != z_i,
    // or a rise of H(i, z_i) can make one improve (rounding is monotone too)
    if (marks && (z_[i] == j ? delta > 0.0 : delta < 0.0)) mark_entry(i, j);
  });
}

template <class Take>
kernels::DescentMove LocalSearch::best_candidate(int i, const Take& take, bool whole) {
  const int a = z_[i];
  // without the tables: a whole scan fills the lines at once (O(n T deg)), else each candidate its entries
  const bool on_demand = implicit_ && !whole;
  if (implicit_ && whole) {
    c_.row(i, z_, hrow_);
    if (a >= 0) c_.column(a, owner_.data(), hcol_);
  }
  // row i of w and H, and (for swaps) column a as G(k, a) = wT[a][k] - HT[a][k]: all contiguous; without
  // the tables, the scratch lines get each candidate's entries just before it is scored
  const kernels::DescentRow row{i,
                                a,
                                a >= 0 ? gown_[i] : 0.0,
                                p_.linear.data() + static_cast<std::size_t>(i) * s_,
                                implicit_ ? hrow_.data() : h_.data() + static_cast<std::size_t>(i) * s_,
                                a >= 0 ? c_.linear_transposed().data() + static_cast<std::size_t>(a) * n_ : nullptr,
                                a < 0 ? nullptr : implicit_ ? hcol_.data() : ht_.data() + static_cast<std::size_t>(a) * n_,
                                1,
                                owner_.data(),
                                gown_.data()};
  // factored form: i (at a) and k (at j) interact only when j neighbours a; mark those sellers
  const bool sparse_pairs = c_.has_seller_neighbours();
  if (sparse_pairs && a >= 0) {
    near_.resize(s_, 0);
    c_.for_each_neighbour(a, [&](int q) { near_[q] = 1; });
  }
  auto near = [&](int j) { return !sparse_pairs || near_[j] != 0; };
  auto pair_cost = [&](int i1, int j1, int k, int b) { return pair(i1, j1, k, b); };
  // candidates in index order, the first strictly best kept
  kernels::DescentMove best{tol_, 0, -1};
  take([&](int j) {
    if (on_demand && j >= 0 && j != a) {  // what descent_move reads: H(i, j) and, for a swap, H(owner, a)
      hrow_[static_cast<std::size_t>(j)] = c_.entry_row(i, j, owner_.data());
      const int k = owner_[j];
      if (a >= 0 && k >= 0) hcol_[static_cast<std::size_t>(k)] = c_.entry_column(k, a, owner_.data());
    }
    const kernels::DescentMove m = kernels::descent_move(row, j, near, pair_cost);
    if (m.gain > best.gain) best = m;
    ++scored_;
  });
  if (sparse_pairs && a >= 0) c_.for_each_neighbour(a, [&](int q) { near_[q] = 0; });
  return best;
}

bool LocalSearch::best_move_of(int i) {
  const auto t0 = timing_ ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
  kernels::DescentMove best{tol_, 0, -1};
  if (exhaustive_ || dirty_[i]) {  // leave, then sellers 0..s-1
    best = best_candidate(
        i, [&](const auto& score) {
          for (int j = -1; j < s_; ++j) score(j);
        },
        true);
  } else {  // clean: only the marked candidates can have started to improve
    marked_candidates(i, candidates_);
    if (!candidates_.empty())
      best = best_candidate(
          i, [&](const auto& score) {
            for (int j : candidates_) score(j);
          },
          false);
  }
  evaluations_ += s_ + 1;
  if (timing_) scoring_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  dirty_[i] = 0;  // scored at this state: what the move changes marks it again
  marked_[i].clear();
  log_seen_[i] = seller_log_.size();
  if (best.kind == 0) return false;
  apply(i, best.kind, best.target);
  return true;
}

void LocalSearch::apply(int i, int kind, int target) {
  if (kind == 1) {
    relocate(i, target);
    return;
  }
  const int k = owner_[target], a = z_[i];
  relocate(k, -1);
  relocate(i, target);
  if (kind == 2) relocate(k, a);
}

}  // namespace ivassign::descent
