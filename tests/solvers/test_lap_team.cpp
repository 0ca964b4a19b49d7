// kernels/lap_batch.cuh's per-problem LAP run by teams of host threads (a barrier and a pick
// reduction through shared slots: the contract of the CUDA thread-block team in
// kernels/device_lap_batch.cu) against one thread (LapSolo, the OpenMP device system's layout): the
// same status, matching, duals and objective bit for bit, on every weight family (ties included)
// and shape. This is the block layout's logic (the splitting of each scan, the barriers, the
// deterministic pick) checked without a GPU; the CUDA build compiles the same functions for blocks.
#include <gtest/gtest.h>

#include <condition_variable>
#include <limits>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "kernels/lap_batch.cuh"
#include "lap_families.hpp"

namespace ivassign {
namespace {

// A reusable barrier for `count` threads (generation counted).
class Barrier {
 public:
  explicit Barrier(int count) : count_(count) {}
  void wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    const long generation = generation_;
    if (++waiting_ == count_) {
      waiting_ = 0;
      ++generation_;
      cv_.notify_all();
      return;
    }
    cv_.wait(lock, [&] { return generation != generation_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int count_, waiting_ = 0;
  long generation_ = 0;
};

struct TeamShared {
  explicit TeamShared(int count) : barrier(count), slots(static_cast<std::size_t>(count)) {}
  Barrier barrier;
  std::vector<kernels::LapPick> slots;
};

// Member `me` of a team of `count` host threads.
struct HostTeam {
  TeamShared* shared;
  int me, count;
  int rank() const { return me; }
  int size() const { return count; }
  void sync() const { shared->barrier.wait(); }
  kernels::LapPick pick(const kernels::LapPick& mine) const {
    shared->slots[static_cast<std::size_t>(me)] = mine;
    sync();
    kernels::LapPick best = shared->slots[0];
    for (const kernels::LapPick& p : shared->slots)
      if (kernels::lap_before(p, best)) best = p;
    sync();  // the slots are free again
    return best;
  }
};

struct Solved {
  std::int64_t status = 0;
  std::vector<int> assignment;
  std::vector<double> row_duals, col_duals;
  double objective = 0.0;
};

// One problem solved by a team of `count` threads (count 0: LapSolo) in one workspace.
Solved solve(const std::vector<double>& w, int n, int s, int count) {
  std::vector<double> dbl(kernels::lap_work_doubles(n, s), -7.0);
  std::vector<int> ints(kernels::lap_work_ints(n, s), -7);
  const kernels::LapWork ws = kernels::lap_work_at(dbl.data(), ints.data(), n, s);
  Solved out;
  out.assignment.assign(n, -9);
  out.row_duals.assign(n, -9.0);
  out.col_duals.assign(s, -9.0);
  if (count == 0) {
    out.status = kernels::lap_solve_one(w.data(), n, s, ws, out.assignment.data(), out.row_duals.data(),
                                        out.col_duals.data(), &out.objective);
    return out;
  }
  TeamShared shared(count);
  std::vector<std::int64_t> status(static_cast<std::size_t>(count), 0);
  std::vector<std::thread> members;
  for (int t = 0; t < count; ++t)
    members.emplace_back([&, t] {
      status[static_cast<std::size_t>(t)] =
          kernels::lap_solve_one(HostTeam{&shared, t, count}, w.data(), n, s, ws, out.assignment.data(),
                                 out.row_duals.data(), out.col_duals.data(), &out.objective);
    });
  for (auto& m : members) m.join();
  for (std::int64_t st : status) EXPECT_EQ(st, status[0]) << "the members disagree on the outcome";
  out.status = status[0];
  return out;
}

TEST(LapTeam, ATeamOfThreadsReturnsWhatOneThreadReturnsBitForBit) {
  int cases = 0;
  for (int family = 0; family < 6; ++family)
    for (const auto& [n, s] : std::vector<std::pair<int, int>>{{1, 1}, {6, 6}, {17, 17}, {9, 14}, {14, 9}, {2, 11}})
      for (int count : {2, 3, 8}) {
        const std::vector<double> w = test::lap_family_weights(family, n, s, 100 * family + 7 * n + s + count);
        const Solved one = solve(w, n, s, 0), team = solve(w, n, s, count);
        const std::string what = "family " + std::to_string(family) + " " + std::to_string(n) + " x " +
                                 std::to_string(s) + " team of " + std::to_string(count);
        ASSERT_EQ(one.status, kernels::kLapSolved) << what;
        EXPECT_EQ(team.status, one.status) << what;
        EXPECT_EQ(team.assignment, one.assignment) << what;  // ties (family 1) broken alike
        EXPECT_EQ(team.row_duals, one.row_duals) << what;
        EXPECT_EQ(team.col_duals, one.col_duals) << what;
        EXPECT_EQ(team.objective, one.objective) << what;
        ++cases;
      }
  EXPECT_EQ(cases, 6 * 6 * 3);
}

TEST(LapTeam, ATeamNamesTheFirstBadWeightAsOneThreadDoes) {
  std::vector<double> w = test::lap_family_weights(0, 5, 6, 3);
  w[2 * 6 + 4] = std::numeric_limits<double>::quiet_NaN();
  w[4 * 6 + 1] = std::numeric_limits<double>::infinity();
  for (int count : {2, 5}) {
    EXPECT_EQ(solve(w, 5, 6, count).status, 2 * 6 + 4);
  }
  EXPECT_EQ(solve(w, 5, 6, 0).status, 2 * 6 + 4);
}

}  // namespace
}  // namespace ivassign
