// src/common/progress.hpp — the library's one progress writer: progress of a parallel loop through a
// ProgressFn (ivassign/progress.hpp). Any thread counts items done; whichever thread finds the reporter
// free reports (a try-lock), so the callback never runs twice at once and no thread waits for it.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "ivassign/progress.hpp"

namespace ivassign {

class StageProgress {
 public:
  /// Items [0, total) of a stage that spans [from, to] of the whole run; a stage without items says nothing.
  StageProgress(const ProgressFn& fn, double from, double to, std::string stage, std::uint64_t total)
      : fn_(total > 0 ? fn : ProgressFn{}), from_(from), to_(to), stage_(std::move(stage)), total_(total) {
    report(0.0, 0, "");
  }
  /// Within the next item: `fraction` of it done, at `what` (thread-safe; skipped when another report runs).
  void within(double fraction, const std::string& what) {
    if (!fn_) return;
    std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
    const std::uint64_t done = done_;
    if (lock.owns_lock()) report(static_cast<double>(done) + std::clamp(fraction, 0.0, 1.0), done + 1, ": " + what);
  }
  /// `items` more items done (thread-safe): always reported, unless another report runs.
  void advance(std::uint64_t items) {
    const std::uint64_t done = done_ += items;
    if (!fn_) return;
    std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
    if (lock.owns_lock()) report(static_cast<double>(done), done, "");
  }
  /// One item done (thread-safe).
  void step() {
    const std::uint64_t done = ++done_;
    if (!fn_ || (done != total_ && done % every() != 0)) return;
    std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
    if (lock.owns_lock()) report(static_cast<double>(done), done, "");
  }

 private:
  std::uint64_t every() const { return total_ / 200 + 1; }
  /// `items` of the stage done (fractional within one), labelled "stage k of total" and `suffix`; the
  /// callback is empty for a stage without items.
  void report(double items, std::uint64_t k, const std::string& suffix) const {
    if (!fn_) return;
    const double f = std::min(items / static_cast<double>(total_), 1.0);
    fn_(from_ + (to_ - from_) * f, stage_ + " " + std::to_string(k) + " of " + std::to_string(total_) + suffix);
  }

  const ProgressFn fn_;
  double from_, to_;
  std::string stage_;
  std::uint64_t total_;
  std::atomic<std::uint64_t> done_{0};
  std::mutex mutex_;
};

}  // namespace ivassign
