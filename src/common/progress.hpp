// src/common/progress.hpp — progress of a parallel loop through a ProgressFn (ivassign/mechanism.hpp):
// any thread counts an item done; whichever thread finds the reporter free reports, so the callback
// never runs twice at once and no thread waits for it.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "ivassign/mechanism.hpp"

namespace ivassign {

class StageProgress {
 public:
  /// Items [0, total) of a stage that spans [from, to] of the whole run; a stage without items says nothing.
  StageProgress(const ProgressFn& fn, double from, double to, std::string stage, std::uint64_t total)
      : fn_(total > 0 ? fn : ProgressFn{}), from_(from), to_(to), stage_(std::move(stage)), total_(total) {
    report(0);
  }
  /// Within the next item: `fraction` of it done, at `what` (thread-safe; skipped when another report runs).
  void within(double fraction, const std::string& what) {
    if (!fn_) return;
    std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
    if (!lock.owns_lock()) return;
    const double f = (static_cast<double>(done_) + std::clamp(fraction, 0.0, 1.0)) / static_cast<double>(total_);
    fn_(from_ + (to_ - from_) * std::min(f, 1.0),
        stage_ + " " + std::to_string(done_ + 1) + " of " + std::to_string(total_) + ": " + what);
  }
  /// One item done (thread-safe).
  void step() {
    const std::uint64_t done = ++done_;
    if (!fn_ || (done != total_ && done % every() != 0)) return;
    std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
    if (lock.owns_lock()) report(done);
  }

 private:
  std::uint64_t every() const { return total_ / 200 + 1; }
  void report(std::uint64_t done) const {
    if (!fn_) return;
    const double f = total_ == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total_);
    fn_(from_ + (to_ - from_) * f, stage_ + " " + std::to_string(done) + " of " + std::to_string(total_));
  }

  const ProgressFn fn_;
  double from_, to_;
  std::string stage_;
  std::uint64_t total_;
  std::atomic<std::uint64_t> done_{0};
  std::mutex mutex_;
};

}  // namespace ivassign
