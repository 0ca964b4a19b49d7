// The don't-look marks of the local search's CPU path (src/solvers/local_search.hpp): what a move marks
// for rescoring, the seller log, each buyer's marked candidates, and the settled state that
// rollback_settled returns to without the undo's marks.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <vector>

#include "ivassign/error.hpp"
#include "solvers/local_search.hpp"
#include "solvers/local_search_device.hpp"

namespace ivassign::descent {

bool LocalSearch::settle(std::int64_t& moves) {
  settled_ = false;
  const std::int64_t before = moves;
  descend(moves, 0, std::chrono::steady_clock::time_point::max());
  if (moves != before) return false;
  compact_seller_log();
  settled_mark_ = journal_.size();
  settled_dirty_ = dirty_;
  if (device_) device_->state->settle();
  settled_ = true;
  return true;
}

void LocalSearch::rollback_settled() {
  if (!settled_) throw Error("LocalSearch::rollback_settled: no settled state (call settle first)");
  quiet_ = true;  // the undo's marks would only be dropped
  rollback(settled_mark_);
  quiet_ = false;
  dirty_ = settled_dirty_;
  if (device_) device_->state->restore_settled();
  for (auto& m : marked_) m.clear();
  seller_log_.clear();
  std::fill(log_seen_.begin(), log_seen_.end(), 0);
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

}  // namespace ivassign::descent
