// Batch swap scoring: every delta equals the objective difference from scratch (CPU), the pair
// order is the documented one, and the CUDA backend gives the CPU's deltas (skipped without a GPU).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include <algorithm>
#include <numeric>
#include <random>

#include "ivassign/backend.hpp"
#include "ivassign/error.hpp"
#include "ivassign/solvers.hpp"
#include "ivassign/tolerances.hpp"
#include "random_instance.hpp"
#include "kernels/qap_delta.cuh"
#include "test_support.hpp"

namespace ivassign {
namespace {

QapInstance random_qap(int n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> u(0, 50);
  QapInstance q;
  q.name = "random" + std::to_string(n);
  q.n = n;
  q.a.resize(static_cast<std::size_t>(n) * n);
  q.b.resize(q.a.size());
  for (auto& x : q.a) x = u(rng);  // diagonals included: they are the linear term
  for (auto& x : q.b) x = u(rng);
  return q;
}

/// A symmetric QAP with real entries (every rounding counts): the CPU runs it through
/// kernels::rots_run_symmetric (AVX2 where the CPU has it), the device through kernels::rots_run.
QapInstance random_symmetric_qap(int n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 50.0);
  QapInstance q = random_qap(n, seed);
  for (auto* m : {&q.a, &q.b})
    for (int i = 0; i < n; ++i)
      for (int j = i; j < n; ++j) (*m)[static_cast<std::size_t>(i) * n + j] = (*m)[static_cast<std::size_t>(j) * n + i] = u(rng);
  return q;
}

std::vector<int> random_perms(int n, int batch, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<int> perms;
  for (int b = 0; b < batch; ++b) {
    std::vector<int> p(n);
    std::iota(p.begin(), p.end(), 0);
    std::shuffle(p.begin(), p.end(), rng);
    perms.insert(perms.end(), p.begin(), p.end());
  }
  return perms;
}

TEST(SwapScoring, PairOrderIsRowMajorUpperTriangle) {
  for (int T : {2, 3, 7, 100, 1001}) {
    std::int64_t k = 0;
    for (int r = 0; r < T; ++r)
      for (int s = r + 1; s < T; ++s, ++k) {
        int rr, ss;
        kernels::qap_pair_of_index(T, k, &rr, &ss);
        ASSERT_EQ(rr, r) << "T " << T << " k " << k;
        ASSERT_EQ(ss, s) << "T " << T << " k " << k;
      }
  }
}

TEST(SwapScoring, CpuDeltasEqualObjectiveDifferences) {
  for (int n : {2, 5, 13}) {
    const QapInstance q = random_qap(n, n);
    const std::vector<int> perms = random_perms(n, 4, 7 * n);
    const SwapScores s = score_all_swaps(q, perms, Backend::Cpu);
    ASSERT_EQ(s.deltas.size(), 4u * n * (n - 1) / 2);
    for (int b = 0; b < 4; ++b) {
      const std::vector<int> p(perms.begin() + b * n, perms.begin() + (b + 1) * n);
      const double base = qap_objective(q, p);
      std::size_t k = static_cast<std::size_t>(b) * n * (n - 1) / 2;
      for (int r = 0; r < n; ++r)
        for (int t = r + 1; t < n; ++t, ++k) {
          std::vector<int> swapped = p;
          std::swap(swapped[r], swapped[t]);
          EXPECT_NEAR(s.deltas[k], qap_objective(q, swapped) - base, 1e-9) << "n " << n << " b " << b;
        }
    }
  }
}

TEST(SwapScoring, DeviceGivesTheCpuDeltas) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  const QapInstance q = random_qap(60, 3);
  const std::vector<int> perms = random_perms(60, 33, 5);
  const SwapScores cpu = score_all_swaps(q, perms, Backend::Cpu);
  const SwapScores dev = score_all_swaps(q, perms, Backend::Device);
  EXPECT_EQ(dev.backend, Backend::Device);
  ASSERT_EQ(cpu.deltas.size(), dev.deltas.size());
  // the same formula per entry: bit-identical under OpenMP; CUDA may contract to FMA
  for (std::size_t k = 0; k < cpu.deltas.size(); ++k)
    ASSERT_NEAR(cpu.deltas[k], dev.deltas[k], tol::kDeviceAgreement * std::max(1.0, std::abs(cpu.deltas[k]))) << k;
  if (device_system() == "omp-device") {
    EXPECT_EQ(cpu.deltas, dev.deltas);
  }
}

TEST(TabuOnDevice, SameStartsSameResultAsTheCpu) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  // a QAP (factored, one term) and a market with factored externalities: every start runs
  // kernels::rots_run on the device (OpenMP: one Thrust index per start; CUDA: one block per start)
  // and on the CPU (one start per thread; symmetric problems through kernels::rots_run_symmetric);
  // with an iteration limit the searches agree
  std::vector<AssignmentProblem> problems = {qap_as_assignment(random_qap(24, 11)),
                                             qap_as_assignment(random_symmetric_qap(23, 12))};
  problems.push_back(test::random_expected_problem(4, Externalities::Form::Factored, 12, 16));
  for (const auto& p : problems)
    for (int starts : {1, 5}) {
      SolverOptions o;
      o.solver = SolverKind::Tabu;
      o.threads = 2;
      o.starts = starts;
      o.iteration_limit = 1500;  // past T^2 / 2 iterations without a new best: restarts take part
      o.seed = 5;
      const AssignmentResult cpu = solve_assignment(p, o);
      o.backend = Backend::Device;
      const AssignmentResult dev = solve_assignment(p, o);
      EXPECT_EQ(dev.backend, Backend::Device);
      EXPECT_EQ(cpu.backend, Backend::Cpu);
      EXPECT_EQ(cpu.iterations, 1500LL * starts);
      if (device_system() == "omp-device") {
        EXPECT_EQ(cpu.assignment, dev.assignment) << starts;  // the same per-start function: the same moves
        EXPECT_EQ(cpu.objective, dev.objective) << starts;
        EXPECT_EQ(cpu.iterations, dev.iterations) << starts;
      }
      EXPECT_NEAR(cpu.objective, dev.objective, tol::kDeviceAgreement * (1.0 + std::abs(cpu.objective)));
    }
}

TEST(TabuOnDevice, OtherSolversRefuseTheDevice) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  const AssignmentProblem p = test::random_expected_problem(2, Externalities::Form::Dense, 5, 5);
  SolverOptions o;
  o.backend = Backend::Device;
  o.solver = SolverKind::BranchAndBound;
  EXPECT_THROW(solve_assignment(p, o), InputError);
  o.solver = SolverKind::Tabu;  // dense externalities: the deltas are not Koopmans-Beckmann
  EXPECT_THROW(solve_assignment(p, o), InputError);
}

TEST(SwapScoring, BadInputIsNamed) {
  const QapInstance q = random_qap(4, 1);
  EXPECT_THROW(score_all_swaps(q, {0, 1, 2}), InputError);
  EXPECT_THROW(score_all_swaps(q, {0, 1, 1, 2}), InputError);
  EXPECT_THROW(score_all_swaps(q, {0, 1, 2, 4}), InputError);
}

}  // namespace
}  // namespace ivassign
