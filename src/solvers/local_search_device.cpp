// The local search's device path (src/solvers/local_search.hpp): the scorer it uses, the problem as the
// device reads it, the patches of the host's changes, and the descent whose candidate moves are scored
// on the device in windows of buyers.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ivassign/error.hpp"
#include "kernels/descent_move.cuh"
#include "kernels/device_launch.hpp"
#include "solvers/local_search_device.hpp"

namespace ivassign::descent {

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

}  // namespace ivassign::descent
