// The local search's device path (src/solvers/local_search.hpp): the problem as the device reads it,
// the device state it keeps, and the descent whose candidate moves are scored and chosen on the
// device in windows of buyers, the host sending back each chosen move.
#include <algorithm>
#include <chrono>
#include <cstddef>
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

namespace {

/// The problem as the device reads it (pointers into `c`, its problem and `lists`).
device::DescentProblem device_problem(const PlacementCosts& c, const PlacementCosts::PlacementLists& lists) {
  const AssignmentProblem& p = c.problem();
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
  d.blocks = lists.blocks;
  d.buyer_start = lists.buyer_start.data();
  d.seller_start = lists.seller_start.data();
  d.buyer_index = lists.buyer_index.data();
  d.seller_index = lists.seller_index.data();
  d.buyer_value = lists.buyer_value.data();
  d.seller_value = lists.seller_value.data();
  return d;
}

}  // namespace

void check_device_form(const AssignmentProblem& p) {
  const auto form = p.externalities.form;
  if (form == ExternalityCosts::Form::Dense || form == ExternalityCosts::Form::Sparse)
    throw InputError("SolverOptions::backend device: the descent scores its moves on the device for problems without "
                     "externalities or with factored ones; this problem's are " +
                     std::string(form == ExternalityCosts::Form::Dense ? "dense" : "sparse") + " (use Backend::Cpu)");
}

void LocalSearch::use_device() {
  check_device_form(p_);
  set_implicit(false);  // the device keeps the tables
  auto mirror = std::make_unique<DeviceMirror>();
  // without a device path this throws InputError (kernels/device_off.cpp)
  const PlacementCosts::PlacementLists lists = c_.placement_lists();
  mirror->state = std::make_unique<device::DescentState>(device_problem(c_, lists));
  device_ = std::move(mirror);
  device_->state->set_allowed(allowed_.data());
  if (!z_.empty()) reset(z_);
}

double LocalSearch::value() const { return device_ ? device_->state->value() : value_; }

void LocalSearch::state(std::vector<double>& h, std::vector<double>& gown) const {
  if (!device_) {
    h.assign(h_.begin(), h_.end());
    gown = gown_;
    return;
  }
  h.resize(static_cast<std::size_t>(n_) * s_);
  gown.resize(static_cast<std::size_t>(n_));
  device_->state->download(h.data(), gown.data());
}

void LocalSearch::set_allowed(std::vector<char> allowed) {
  allowed_ = std::move(allowed);
  if (device_) device_->state->set_allowed(allowed_.data());
}

bool LocalSearch::take_device_choice(const kernels::DescentChoice& choice, int count, std::int64_t& moves,
                                     std::int64_t move_limit) {
  DeviceMirror& d = *device_;
  const std::int64_t candidates = static_cast<std::int64_t>(s_) + 1;
  device_evaluations_ += count * candidates;
  const int visited = std::min(choice.offset + 1, count);  // the CPU loop's count: allowed buyers up to the mover
  for (int r = 0; r < visited; ++r)
    if (allowed_[d.cursor + r]) evaluations_ += candidates;
  if (choice.offset >= count) {
    d.cursor += count;
    d.window = std::min(2 * d.window, std::max(n_, 1));
    return true;
  }
  apply(d.cursor + choice.offset, choice.kind, choice.target);
  ++moves;
  d.improved = true;
  if (move_limit > 0 && moves >= move_limit) return false;
  d.window = choice.offset + 1;
  d.cursor += choice.offset + 1;
  return true;
}

// The buyers in index order, as descend() visits them, a window of them scored per launch: the
// first with an improving move is the one the CPU loop moves next (see the header).
bool LocalSearch::descend_on_device(std::int64_t& moves, std::int64_t move_limit,
                                    const std::chrono::steady_clock::time_point& deadline) {
  DeviceMirror& d = *device_;
  const bool any_allowed = std::find(allowed_.begin(), allowed_.end(), 1) != allowed_.end();
  if (move_limit > 0 && moves >= move_limit && any_allowed) return false;
  d.cursor = 0;
  d.improved = false;
  while (n_ > 0) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    if (d.cursor >= n_) {
      if (!d.improved) break;  // a whole pass without a move: a local optimum
      d.improved = false;
      d.cursor = 0;
    }
    const int count = std::min(d.window, n_ - d.cursor);
    const auto t0 = timing_ ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
    const kernels::DescentChoice choice = d.state->best_move(d.cursor, count, tol_);
    if (timing_) scoring_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!take_device_choice(choice, count, moves, move_limit)) return false;
  }
  return true;
}

}  // namespace ivassign::descent
