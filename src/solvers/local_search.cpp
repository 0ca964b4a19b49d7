// The local search state of solve_descent: a matching with its interaction table H, best-move
// descent, random kicks and a move journal that rolls every move back; and iterated local search
// on top of it (see src/solvers/local_search.hpp).
#include "solvers/local_search.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ivassign/error.hpp"
#include "ivassign/tolerances.hpp"
#include "kernels/descent_move.cuh"
#include "kernels/device_launch.hpp"

namespace ivassign::descent {

/// The device scorer and what changed on the host since its last sync: H entries (i * s + j),
/// buyers (z, G(i, z_i)) and sellers (owner); `full` reloads everything instead.
struct LocalSearch::DeviceMirror {
  std::shared_ptr<device::DescentScorer> scorer;
  int slot = 0;  ///< this search's state in the scorer
  bool full = true;
  int cursor = 0;         ///< the next buyer the descent scores
  bool improved = false;  ///< the current pass moved a buyer
  DevicePatch patch;      ///< scratch of descend_on_device
  std::vector<std::int64_t> h_index, ht_index;  ///< (i, j) as i * s + j and as j * n + i
  std::vector<char> h_noted;  ///< n*s: the entry is in h_index already
  std::vector<int> buyers, sellers;
  int window = 1;  ///< buyers scored per launch (see the header)
  std::vector<kernels::DescentMove> best;
  void note(int i, int j, int n, int s) {
    const std::int64_t at = static_cast<std::int64_t>(i) * s + j;
    if (h_noted[static_cast<std::size_t>(at)]) return;
    h_noted[static_cast<std::size_t>(at)] = 1;
    h_index.push_back(at);
    ht_index.push_back(static_cast<std::int64_t>(j) * n + i);
  }
  void clear() {
    for (std::int64_t at : h_index) h_noted[static_cast<std::size_t>(at)] = 0;
    h_index.clear();
    ht_index.clear();
    buyers.clear();
    sellers.clear();
  }
};

LocalSearch::LocalSearch(const PlacementCosts& costs, std::vector<char> allowed, double tolerance)
    : c_(costs), p_(costs.problem()), n_(p_.buyers), s_(p_.sellers), allowed_(std::move(allowed)), tol_(tolerance),
      implicit_(costs.implicit_pays()),
      dirty_(static_cast<std::size_t>(n_), 1), marked_(static_cast<std::size_t>(n_)),
      log_seen_(static_cast<std::size_t>(n_), 0), seen_seller_(static_cast<std::size_t>(s_), 0) {}

LocalSearch::~LocalSearch() = default;

void check_device_form(const AssignmentProblem& p) {
  const auto form = p.externalities.form;
  if (form == ExternalityCosts::Form::Dense || form == ExternalityCosts::Form::Sparse)
    throw InputError("SolverOptions::backend device: the descent scores its moves on the device for problems without "
                     "externalities or with factored ones; this problem's are " +
                     std::string(form == ExternalityCosts::Form::Dense ? "dense" : "sparse") + " (use Backend::Cpu)");
}

void LocalSearch::use_device() {
  check_device_form(p_);
  // without a device path the scorer throws InputError (kernels/device_off.cpp)
  use_device(std::make_shared<device::DescentScorer>(device_problem(c_)), 0);
}

void LocalSearch::use_device(std::shared_ptr<device::DescentScorer> scorer, int slot) {
  set_implicit(false);  // the device scores from the tables
  auto mirror = std::make_unique<DeviceMirror>();
  mirror->h_noted.assign(static_cast<std::size_t>(n_) * s_, 0);
  mirror->scorer = std::move(scorer);
  mirror->slot = slot;
  device_ = std::move(mirror);
}

device::DescentProblem device_problem(const PlacementCosts& c) {
  const AssignmentProblem& p = c.problem();
  check_device_form(p);
  const auto& e = p.externalities;
  device::DescentProblem d;
  d.buyers = p.buyers;
  d.sellers = p.sellers;
  d.w = p.linear.data();
  d.wt = c.linear_transposed().data();
  if (e.form == ExternalityCosts::Form::Factored) {
    d.terms = e.terms;
    d.weight = e.weight.data();
    d.buyer = e.buyer.data();
    d.seller = e.seller.data();
  }
  if (c.has_seller_neighbours()) {
    d.near_start = c.neighbour_start().data();
    d.near_index = c.neighbour_index().data();
  }
  return d;
}

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
  journal_.clear();
  settled_ = false;
  if (device_) {
    device_->full = true;
    device_->clear();
  }
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

bool LocalSearch::settle(std::int64_t& moves) {
  settled_ = false;
  const std::int64_t before = moves;
  descend(moves, 0, std::chrono::steady_clock::time_point::max());
  if (device_ || moves != before) return false;
  compact_seller_log();
  settled_mark_ = journal_.size();
  settled_dirty_ = dirty_;
  settled_ = true;
  return true;
}

void LocalSearch::rollback_settled() {
  if (!settled_) throw Error("LocalSearch::rollback_settled: no settled state (call settle first)");
  quiet_ = true;  // the undo's marks would only be dropped
  rollback(settled_mark_);
  quiet_ = false;
  dirty_ = settled_dirty_;
  for (auto& m : marked_) m.clear();
  seller_log_.clear();
  std::fill(log_seen_.begin(), log_seen_.end(), 0);
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
  if (!device_ && !quiet_) {  // i's own seller and G change, and the owners of both sellers
    dirty_[i] = 1;
    if (z_[i] >= 0) mark_seller(z_[i]);
    if (j >= 0) mark_seller(j);
  }
  if (device_ && !device_->full) {
    device_->buyers.push_back(i);
    if (z_[i] >= 0) device_->sellers.push_back(z_[i]);
    if (j >= 0) device_->sellers.push_back(j);
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

/// H(i, .) += sign * (what placing p at q adds), with H transposed and G(i, z_i) kept in step
/// (and, on the device path, the entries it changes noted for the next sync).
void LocalSearch::place(int p, int q, double sign) {
  DeviceMirror* mirror = device_ && !device_->full ? device_.get() : nullptr;
  const bool marks = !device_ && !quiet_;
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
    if (mirror) {
      mirror->note(i, j, n_, s_);
      if (z_[i] == j) mirror->buyers.push_back(i);
    }
  });
  // past a quarter of the table, one full copy is cheaper than the patch
  if (mirror && mirror->h_index.size() > static_cast<std::size_t>(n_) * s_ / 4) {
    mirror->full = true;
    mirror->clear();
  }
}

void LocalSearch::mark_entry(int i, int j) {
  marked_[static_cast<std::size_t>(i)].push_back(j);  // candidate (i, j) reads H(i, j)
  if (z_[i] == j) {                                    // G(i, z_i): all of i's candidates, and every
    dirty_[static_cast<std::size_t>(i)] = 1;           // replace, swap or eject of i
    mark_seller(j);
  }
  const int o = owner_[j];  // the buyer at j swapping with i reads G(i, j) = w - H(i, j)
  if (o >= 0 && z_[i] >= 0) marked_[static_cast<std::size_t>(o)].push_back(z_[i]);
}

void LocalSearch::compact_seller_log() {
  std::size_t read_by_all = seller_log_.size();
  for (int i = 0; i < n_; ++i) {
    if (!allowed_[i]) {  // not visited: rescanned whole once allowed again
      dirty_[i] = 1;
      marked_[i].clear();
    }
    if (!dirty_[i]) read_by_all = std::min(read_by_all, log_seen_[i]);
  }
  seller_log_.erase(seller_log_.begin(), seller_log_.begin() + static_cast<std::ptrdiff_t>(read_by_all));
  for (auto& seen : log_seen_) seen = seen > read_by_all ? seen - read_by_all : 0;
}

void LocalSearch::marked_candidates(int i, std::vector<int>& out) {
  out.clear();
  auto take = [&](int j) {
    if (seen_seller_[j]) return;
    seen_seller_[j] = 1;
    out.push_back(j);
  };
  for (int j : marked_[i]) take(j);
  for (std::size_t k = log_seen_[i]; k < seller_log_.size(); ++k) take(seller_log_[k]);
  for (int j : out) seen_seller_[j] = 0;
  std::sort(out.begin(), out.end());
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

void LocalSearch::take_patch(DevicePatch& out) {
  DeviceMirror& d = *device_;
  const std::int64_t table = static_cast<std::int64_t>(d.slot) * n_ * s_;
  for (std::size_t k = 0; k < d.h_index.size(); ++k) {
    out.h_index.push_back(table + d.h_index[k]);
    out.ht_index.push_back(table + d.ht_index[k]);
    out.h_value.push_back(h_[static_cast<std::size_t>(d.h_index[k])]);
  }
  for (int b : d.buyers) {
    out.buyers.push_back(d.slot * n_ + b);
    out.z.push_back(z_[b]);
    out.gown.push_back(gown_[b]);
  }
  for (int q : d.sellers) {
    out.sellers.push_back(d.slot * s_ + q);
    out.owner.push_back(owner_[q]);
  }
  d.clear();
}

void LocalSearch::sync_device(DevicePatch& patch) {
  DeviceMirror& d = *device_;
  if (d.full) {
    d.scorer->load(d.slot, h_.data(), ht_.data(), gown_.data(), z_.data(), owner_.data());
    d.full = false;
    d.clear();
    return;
  }
  take_patch(patch);
}

void LocalSearch::begin_device_descent() {
  DeviceMirror& d = *device_;
  d.cursor = 0;
  d.improved = false;
}

bool LocalSearch::next_device_window(int& first, int& count) {
  DeviceMirror& d = *device_;
  if (d.cursor >= n_) {
    if (!d.improved) return false;  // a whole pass without a move: a local optimum
    d.improved = false;
    d.cursor = 0;
  }
  first = d.cursor;
  count = std::min(d.window, n_ - d.cursor);
  return n_ > 0;
}

bool LocalSearch::take_device_window(const kernels::DescentMove* best, int count, std::int64_t& moves,
                                     std::int64_t move_limit) {
  DeviceMirror& d = *device_;
  const std::int64_t candidates = static_cast<std::int64_t>(s_) + 1;
  device_evaluations_ += count * candidates;
  int r = 0;
  for (; r < count; ++r) {
    if (!allowed_[d.cursor + r]) continue;
    evaluations_ += candidates;
    if (best[r].gain > tol_) break;
  }
  if (r == count) {
    d.cursor += count;
    d.window = std::min(2 * d.window, std::max(n_, 1));
    return true;
  }
  apply(d.cursor + r, best[r].kind, best[r].target);
  ++moves;
  d.improved = true;
  if (move_limit > 0 && moves >= move_limit) return false;
  d.window = r + 1;
  d.cursor += r + 1;
  return true;
}

// The buyers in index order, as descend() visits them, a window of them scored per launch: the
// first with an improving move is the one the CPU loop moves next (see the header).
bool LocalSearch::descend_on_device(std::int64_t& moves, std::int64_t move_limit,
                                    const std::chrono::steady_clock::time_point& deadline) {
  DeviceMirror& d = *device_;
  const bool any_allowed = std::find(allowed_.begin(), allowed_.end(), 1) != allowed_.end();
  if (move_limit > 0 && moves >= move_limit && any_allowed) return false;
  begin_device_descent();
  int first = 0, count = 0;
  while (true) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    if (!next_device_window(first, count)) return true;
    const auto t0 = timing_ ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
    d.patch.clear();
    sync_device(d.patch);
    d.scorer->patch(d.patch.h_index, d.patch.ht_index, d.patch.h_value, d.patch.buyers, d.patch.z, d.patch.gown,
                    d.patch.sellers, d.patch.owner);
    d.best.resize(static_cast<std::size_t>(count));
    d.scorer->best_moves({device::DescentWindow{d.slot, first, count}}, d.best.data());
    if (timing_) scoring_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!take_device_window(d.best.data(), count, moves, move_limit)) return false;
  }
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
  return descent_result(std::move(best), best_value, upper, tol, options, converged, moves, start);
}

AssignmentResult descent_result(std::vector<int> best, double best_value, double upper, double tol,
                                const SolverOptions& options, bool converged, std::int64_t moves,
                                const std::chrono::steady_clock::time_point& start) {
  const std::int64_t move_limit = options.iteration_limit > 0 ? options.iteration_limit : -1;
  const bool hit_target = !std::isnan(options.target) && best_value >= options.target;
  const bool proven = best_value >= upper - tol;
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
