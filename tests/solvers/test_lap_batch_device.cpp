// solve_lap_batch on the device (kernels/lap_batch.cuh, kernels/device_lap_batch.cu) against the CPU
// batch: the same objectives, duals that pass solve_lap's certificate (and the LAP engine's warm-start
// check, which VCG relies on), bad input named by problem, chunks under a small device. Runs on the
// OpenMP device system too (no GPU needed); skipped only in builds without a device path.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "ivassign/backend.hpp"
#include "ivassign/error.hpp"
#include "ivassign/solvers.hpp"
#include "ivassign/tolerances.hpp"
#include "kernels/lap_batch.cuh"
#include "solvers/lap.hpp"
#include "lap_families.hpp"
#include "test_support.hpp"

namespace ivassign {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// solve_lap's certificate (tests/solvers/test_lap.cpp): w_ij <= a_i + b_j, equality on matched pairs,
// b >= 0 and 0 on unmatched sellers, a >= 0 and 0 on unmatched buyers when partial matchings matter.
void expect_certificate(const AssignmentProblem& p, const std::vector<int>& z, const std::vector<double>& a,
                        const std::vector<double>& b, double objective, const std::string& what) {
  const double tol = 1e-9;
  std::vector<char> used(p.sellers, 0);
  for (int i = 0; i < p.buyers; ++i)
    if (z[i] >= 0) used[z[i]] = 1;
  for (int i = 0; i < p.buyers; ++i) {
    for (int j = 0; j < p.sellers; ++j) EXPECT_LE(p.w(i, j), a[i] + b[j] + tol) << what << " pair " << i << ", " << j;
    if (z[i] >= 0) {
      EXPECT_GT(p.w(i, z[i]), -kInf) << what << ": a forbidden pair is matched";
      EXPECT_NEAR(p.w(i, z[i]), a[i] + b[z[i]], tol) << what << " buyer " << i;
    }
  }
  for (int j = 0; j < p.sellers; ++j) {
    EXPECT_GE(b[j], -tol) << what;
    if (!used[j]) {
      EXPECT_NEAR(b[j], 0.0, tol) << what << " unmatched seller " << j;
    }
  }
  bool partial = p.buyers > p.sellers;
  for (double x : p.linear) partial = partial || x <= 0;
  if (partial) {
    double dual = 0.0;
    for (int i = 0; i < p.buyers; ++i) {
      EXPECT_GE(a[i], -tol) << what;
      if (z[i] < 0) {
        EXPECT_NEAR(a[i], 0.0, tol) << what << " unmatched buyer " << i;
      }
      dual += a[i];
    }
    for (double x : b) dual += x;
    EXPECT_NEAR(dual, objective, 1e-7) << what << ": strong duality";
  }
}

template <class T>
std::vector<T> slice(const std::vector<T>& v, std::size_t k, std::size_t len) {
  return std::vector<T>(v.begin() + static_cast<std::ptrdiff_t>(k * len), v.begin() + static_cast<std::ptrdiff_t>((k + 1) * len));
}

// The device batch of `batch` problems of family `family` against the CPU batch, problem by problem.
void expect_device_equals_cpu(int family, int n, int s, int batch, std::uint64_t seed) {
  std::vector<double> weights;
  for (int k = 0; k < batch; ++k) {
    const std::vector<double> w = test::lap_family_weights(family, n, s, seed + static_cast<std::uint64_t>(k));
    weights.insert(weights.end(), w.begin(), w.end());
  }
  const LapBatchResult cpu = solve_lap_batch(batch, n, s, weights, LapBatchOptions{2, Backend::Cpu});
  const LapBatchResult dev = solve_lap_batch(batch, n, s, weights, LapBatchOptions{0, Backend::Device});
  EXPECT_EQ(cpu.backend, Backend::Cpu);
  ASSERT_EQ(dev.backend, Backend::Device);
  ASSERT_EQ(dev.objective.size(), static_cast<std::size_t>(batch));
  const std::size_t nn = n, ss = s;
  for (int k = 0; k < batch; ++k) {
    const std::string what = "family " + std::to_string(family) + " " + std::to_string(n) + " x " + std::to_string(s) +
                             " problem " + std::to_string(k);
    const AssignmentProblem p = AssignmentProblem::linear_only(n, s, slice(weights, k, nn * ss));
    const double want = cpu.objective[k];
    ASSERT_NEAR(dev.objective[k], want, tol::kDeviceAgreement * std::max(1.0, std::abs(want)) * std::max(1, n)) << what;
    const std::vector<int> z = slice(dev.assignment, k, nn);
    const std::vector<double> a = slice(dev.row_duals, k, nn), b = slice(dev.col_duals, k, ss);
    EXPECT_EQ(check_assignment(p, z), dev.objective[k]) << what;  // a partial matching worth what it says
    expect_certificate(p, z, a, b, dev.objective[k], what);
    lap::Engine engine(p);  // the check vcg_transfers' warm start makes
    EXPECT_TRUE(engine.warm_start(z, a, b)) << what;
  }
}

TEST(LapBatchDevice, EqualsTheCpuBatchWithCertifiedDualsOnEveryFamilyAndShape) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  for (int family = 0; family < 6; ++family)
    for (const auto& [n, s] : std::vector<std::pair<int, int>>{
             {1, 1}, {6, 6}, {30, 30}, {9, 14}, {14, 9}, {2, 20}, {20, 2}, {0, 4}, {4, 0}})
      expect_device_equals_cpu(family, n, s, 13, 1000 * static_cast<std::uint64_t>(family) + 10 * n + s);
}

// The two device layouts (one problem per thread block where LapBatchOptions::block_min_columns allows, one
// per thread) return the same matchings and duals bit for bit (LapPick's total order; the team tests of
// tests/solvers/test_lap_team.cpp check the same on host threads), ties included, and the CPU batch's
// objectives. On the OpenMP device system both runs take the per-thread layout; on CUDA the first takes blocks.
TEST(LapBatchDevice, BlockAndThreadLayoutsAgreeBitForBit) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  for (int family : {0, 1, 2, 4})
    for (const auto& [n, s] : std::vector<std::pair<int, int>>{{30, 30}, {70, 70}, {20, 90}, {90, 20}}) {
      const int batch = 9;
      std::vector<double> weights;
      for (int k = 0; k < batch; ++k) {
        const std::vector<double> w = test::lap_family_weights(family, n, s, 31 * static_cast<std::uint64_t>(k) + n + s);
        weights.insert(weights.end(), w.begin(), w.end());
      }
      const LapBatchResult blocks = solve_lap_batch(batch, n, s, weights, LapBatchOptions{0, Backend::Device, 0});
      const LapBatchResult threads = solve_lap_batch(batch, n, s, weights, LapBatchOptions{0, Backend::Device, 1 << 30});
      const LapBatchResult cpu = solve_lap_batch(batch, n, s, weights, LapBatchOptions{2, Backend::Cpu});
      const std::string what = "family " + std::to_string(family) + " " + std::to_string(n) + " x " + std::to_string(s);
      EXPECT_EQ(blocks.assignment, threads.assignment) << what;
      EXPECT_EQ(blocks.row_duals, threads.row_duals) << what;
      EXPECT_EQ(blocks.col_duals, threads.col_duals) << what;
      EXPECT_EQ(blocks.objective, threads.objective) << what;
      for (int k = 0; k < batch; ++k) {
        const double want = cpu.objective[k];
        EXPECT_NEAR(blocks.objective[k], want, tol::kDeviceAgreement * std::max(1.0, std::abs(want)) * n) << what;
      }
    }
}

// kernels::lap_solve_one with the workspaces of several problems interleaved entry by entry (the CUDA
// layout of kernels/device_lap_batch.cu), run here on the host: solve_lap's optimum and certificate.
TEST(LapBatchDevice, InterleavedWorkspacesSolveEachProblem) {
  const int batch = 5;
  for (const auto& [n, s] : std::vector<std::pair<int, int>>{{7, 7}, {4, 9}, {9, 4}})
    for (int family = 0; family < 6; ++family) {
      std::vector<double> dbl(batch * kernels::lap_work_doubles(n, s), -7.0);
      std::vector<int> ints(batch * kernels::lap_work_ints(n, s), -7);
      for (int k = 0; k < batch; ++k) {
        const std::vector<double> w = test::lap_family_weights(family, n, s, 50 + 7 * static_cast<std::uint64_t>(k));
        std::vector<int> z(n);
        std::vector<double> a(n), b(s);
        double objective = 0.0;
        const kernels::LapWork ws = kernels::lap_work_at(dbl.data() + k, ints.data() + k, n, s, batch);
        ASSERT_EQ(kernels::lap_solve_one(w.data(), n, s, ws, z.data(), a.data(), b.data(), &objective), kernels::kLapSolved);
        const AssignmentProblem p = AssignmentProblem::linear_only(n, s, w);
        const std::string what = "family " + std::to_string(family) + " problem " + std::to_string(k);
        EXPECT_NEAR(objective, solve_lap(p).objective, 1e-9 * std::max(1.0, std::abs(objective))) << what;
        expect_certificate(p, z, a, b, objective, what);
      }
    }
}

TEST(LapBatchDevice, BadInputNamesTheProblem) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  for (const double bad : {std::numeric_limits<double>::quiet_NaN(), kInf}) {
    std::vector<double> w(4 * 2 * 3, 1.0);
    w[2 * 6 + 1 * 3 + 2] = bad;  // problem 2, pair (1, 2)
    w[3 * 6] = bad;              // problem 3 too: the lowest is named
    try {
      solve_lap_batch(4, 2, 3, w, LapBatchOptions{0, Backend::Device});
      ADD_FAILURE() << "bad weight accepted";
    } catch (const InputError& e) {
      const std::string m = e.what();
      EXPECT_NE(m.find("problem 2 of the batch"), std::string::npos) << m;
      EXPECT_NE(m.find("(1, 2)"), std::string::npos) << m;
      EXPECT_NE(m.find(bad != bad ? "NaN" : "+infinite"), std::string::npos) << m;
    }
  }
  EXPECT_THROW(solve_lap_batch(3, 2, 3, std::vector<double>(12, 1.0), LapBatchOptions{0, Backend::Device}), InputError);
  EXPECT_THROW(solve_lap_batch(-1, 2, 3, {}, LapBatchOptions{0, Backend::Device}), InputError);
}

TEST(LapBatchDevice, ChunksUnderASmallDeviceAndRefusesWhatCannotFit) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  const std::string reserve = std::to_string((std::uint64_t(64) << 20) + 20000);  // a few 20 x 20 problems
  {
    test::ScopedEnv small("IVASSIGN_DEVICE_MEMORY_LIMIT", reserve.c_str());
    expect_device_equals_cpu(2, 20, 20, 17, 77);
  }
  const std::string tiny = std::to_string((std::uint64_t(64) << 20) + 100);
  test::ScopedEnv small("IVASSIGN_DEVICE_MEMORY_LIMIT", tiny.c_str());
  try {
    solve_lap_batch(2, 20, 20, std::vector<double>(800, 1.0), LapBatchOptions{0, Backend::Device});
    ADD_FAILURE() << "no ResourceError";
  } catch (const ResourceError& e) {
    EXPECT_NE(std::string(e.what()).find(" bytes"), std::string::npos) << e.what();
  }
}

TEST(LapBatchDevice, OptionsChooseTheBackendAndTheIntOverloadStaysOnTheCpu) {
  const std::vector<double> w = test::lap_family_weights(0, 5, 7, 3);
  const LapBatchResult old = solve_lap_batch(1, 5, 7, w, 1);
  EXPECT_EQ(old.backend, Backend::Cpu);
  const LapBatchResult cpu = solve_lap_batch(1, 5, 7, w, LapBatchOptions{1, Backend::Cpu});
  EXPECT_EQ(cpu.objective, old.objective);
  EXPECT_EQ(cpu.assignment, old.assignment);
  EXPECT_EQ(solve_lap_batch(1, 5, 7, w, LapBatchOptions{}).backend, resolve_backend(Backend::Auto));
  if (!device_available()) {
    EXPECT_THROW(solve_lap_batch(1, 5, 7, w, LapBatchOptions{0, Backend::Device}), InputError);
  }
  EXPECT_THROW(solve_lap_batch(1, 5, 7, w, LapBatchOptions{-1, Backend::Cpu}), InputError);
}

}  // namespace
}  // namespace ivassign
