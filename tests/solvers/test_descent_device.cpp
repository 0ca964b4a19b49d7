// The descent with its candidate moves scored on the device (src/solvers/local_search.hpp,
// kernels/device_descent.cu): the same search as the CPU loop — same moves, same tie-breaking — so
// for the same seed and no time limit both backends return the same matching (bit-identical under
// the OpenMP device system; under CUDA an FMA contraction may flip a tie, so the welfare is compared
// to tol::kDeviceAgreement). Skipped only when the build has no device path.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>

#include "common/random.hpp"
#include "ivassign/backend.hpp"
#include "ivassign/error.hpp"
#include "ivassign/generate.hpp"
#include "ivassign/mechanism.hpp"
#include "ivassign/solvers.hpp"
#include "ivassign/tolerances.hpp"
#include "ivassign/vcg.hpp"
#include "random_instance.hpp"
#include "solvers/descent.hpp"
#include "solvers/local_search.hpp"
#include "solvers/placement_costs.hpp"

namespace ivassign {
namespace {

AssignmentProblem spectrum(int buyers, int licences, std::uint64_t seed) {
  return test::spectrum_problem(buyers, licences, seed);
}

bool bit_identical_expected() { return device_system() == "omp-device"; }

void expect_same_search(const AssignmentProblem& p, SolverOptions o, const std::string& what) {
  o.solver = SolverKind::Descent;
  o.backend = Backend::Cpu;
  const AssignmentResult cpu = solve_assignment(p, o);
  o.backend = Backend::Device;
  const AssignmentResult dev = solve_assignment(p, o);
  EXPECT_EQ(cpu.backend, Backend::Cpu) << what;
  EXPECT_EQ(dev.backend, Backend::Device) << what;
  EXPECT_EQ(dev.solver, "descent") << what;
  if (bit_identical_expected()) {
    EXPECT_EQ(cpu.assignment, dev.assignment) << what;
    EXPECT_EQ(cpu.iterations, dev.iterations) << what;
    EXPECT_EQ(cpu.status, dev.status) << what;
    EXPECT_EQ(cpu.objective, dev.objective) << what;
  }
  EXPECT_NEAR(cpu.objective, dev.objective, tol::kDeviceAgreement * (1.0 + std::abs(cpu.objective))) << what;
}

TEST(DescentOnDevice, SameMatchingAsTheCpuOnSpectrumProblems) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  for (std::uint64_t seed : {7u, 8u, 9u}) {
    const AssignmentProblem p = spectrum(40, 160, seed);
    SolverOptions o;
    o.seed = seed;  // no time limit: the descent to the first local optimum
    expect_same_search(p, o, "spectrum 40 x 160, seed " + std::to_string(seed));
  }
}

TEST(DescentOnDevice, SameMatchingOnRandomFactoredMarketsAndFromEveryStart) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const int n = 6 + static_cast<int>(seed), s = 4 + 2 * static_cast<int>(seed % 4);  // n > s and n < s
    const AssignmentProblem p = test::random_expected_problem(seed, Externalities::Form::Factored, n, s);
    SolverOptions o;
    o.seed = seed;
    expect_same_search(p, o, "random factored, seed " + std::to_string(seed));
    o.initial_assignment.assign(static_cast<std::size_t>(n), -1);  // from the empty matching: many moves
    for (int i = 0; i < n && i < s; ++i) o.initial_assignment[i] = s - 1 - i;
    expect_same_search(p, o, "random factored from a given start, seed " + std::to_string(seed));
  }
}

TEST(DescentOnDevice, MoveLimitStopsBothAtTheSameMove) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  const AssignmentProblem p = spectrum(30, 120, 3);
  for (std::int64_t limit : {1, 5, 17}) {
    SolverOptions o;
    o.iteration_limit = limit;
    o.initial_assignment.assign(30, -1);
    expect_same_search(p, o, "move limit " + std::to_string(limit));
  }
}

/// Kicks and rollbacks patch the device mirror move by move: both states stay equal through them.
TEST(DescentOnDevice, KicksAndRollbacksKeepTheMirrorExact) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  const AssignmentProblem p = spectrum(30, 90, 11);
  const PlacementCosts costs(p);
  const double tol = descent::move_tolerance(p);
  const std::vector<char> allowed(30, 1);
  descent::LocalSearch cpu(costs, allowed, tol), dev(costs, allowed, tol);
  dev.use_device();
  ASSERT_TRUE(dev.on_device());
  const std::vector<int> empty(30, -1);
  cpu.reset(empty);
  dev.reset(empty);
  SplitMix64 rc{42}, rd{42};
  const auto never = std::chrono::steady_clock::time_point::max();
  std::int64_t mc = 0, md = 0;
  for (int round = 0; round < 12; ++round) {
    EXPECT_TRUE(cpu.descend(mc, -1, never));
    EXPECT_TRUE(dev.descend(md, -1, never));
    ASSERT_EQ(cpu.matching(), dev.matching()) << "round " << round;
    if (bit_identical_expected()) {
      EXPECT_EQ(cpu.value(), dev.value());
    }
    const std::size_t mark_c = cpu.mark(), mark_d = dev.mark();
    cpu.kick(rc, 4);
    dev.kick(rd, 4);
    cpu.descend(mc, -1, never);
    dev.descend(md, -1, never);
    if (round % 2 == 0) {  // undo the kick and its descent
      cpu.rollback(mark_c);
      dev.rollback(mark_d);
    }
    ASSERT_EQ(cpu.matching(), dev.matching()) << "round " << round;
  }
  EXPECT_EQ(mc, md);
  EXPECT_EQ(cpu.evaluations(), dev.evaluations());  // the CPU's count of candidates, on both
  EXPECT_GE(dev.device_evaluations(), dev.evaluations());
}

/// Many searches scored together (descent::descend_together: VCG's untimed minus-i searches on the
/// device): each makes the moves of descent_search from its start on the CPU, whichever slot it
/// runs in and whoever shares the launch (3 slots for 24 searches: slots are reused).
TEST(DescentOnDevice, SearchesScoredTogetherMakeTheCpuMoves) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  const AssignmentProblem p = spectrum(24, 96, 5);
  const PlacementCosts costs(p);
  const double tol = descent::move_tolerance(p);
  SolverOptions o;
  o.solver = SolverKind::Descent;
  const AssignmentResult full = solve_assignment(p, o);
  for (std::int64_t limit : {-1, 3}) {
    o.iteration_limit = limit;
    std::vector<descent::DescentJob> jobs;
    for (int i = 0; i < p.buyers; ++i) {
      descent::DescentJob job;
      job.allowed.assign(static_cast<std::size_t>(p.buyers), 1);
      job.allowed[i] = 0;
      job.start = full.assignment;
      job.start[i] = -1;
      job.upper = std::numeric_limits<double>::infinity();
      jobs.push_back(job);
    }
    const std::vector<AssignmentResult> together = descent::descend_together(costs, jobs, o, tol, 3);
    for (int i = 0; i < p.buyers; ++i) {
      SolverOptions alone = o;
      alone.backend = Backend::Cpu;
      alone.initial_assignment = jobs[i].start;
      const AssignmentResult single = descent_search(costs, alone, i, 1e300);
      if (bit_identical_expected()) {
        EXPECT_EQ(together[i].assignment, single.assignment) << "buyer " << i << ", limit " << limit;
        EXPECT_EQ(together[i].iterations, single.iterations) << "buyer " << i;
        EXPECT_EQ(together[i].status, single.status) << "buyer " << i;
      }
      EXPECT_NEAR(together[i].objective, p.objective(together[i].assignment), 1e-9 * (1.0 + std::abs(single.objective)));
      EXPECT_NEAR(together[i].objective, single.objective, 1e-9 * (1.0 + std::abs(single.objective))) << "buyer " << i;
    }
  }
}

TEST(DescentOnDevice, VcgMinusISearchesGiveTheCpuTransfers) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  const AssignmentProblem p = spectrum(24, 96, 5);
  SolverOptions o;
  o.solver = SolverKind::Descent;  // the shared minus-i descents (src/vcg/minus_i_descent.cpp)
  o.threads = 2;
  AssignmentResult full_cpu, full_dev;
  o.backend = Backend::Cpu;
  const VcgResult cpu = solve_with_vcg(p, o, &full_cpu);
  o.backend = Backend::Device;  // no time limit: every minus-i search scored together
  const VcgResult dev = solve_with_vcg(p, o, &full_dev);
  EXPECT_EQ(full_dev.backend, Backend::Device);
  if (bit_identical_expected()) {
    EXPECT_EQ(full_cpu.assignment, full_dev.assignment);
  }
  // the CPU's minus-i searches start from tables rolled back search after search, the device's from
  // fresh ones: the same moves, values equal up to that rounding
  ASSERT_EQ(cpu.transfers.size(), dev.transfers.size());
  for (std::size_t i = 0; i < cpu.transfers.size(); ++i) {
    EXPECT_NEAR(cpu.minus_i_welfare[i], dev.minus_i_welfare[i], 1e-9 * (1.0 + std::abs(cpu.minus_i_welfare[i])));
    EXPECT_NEAR(cpu.transfers[i], dev.transfers[i], 1e-9 * (1.0 + std::abs(cpu.minus_i_welfare[i])));
  }
}

TEST(DescentOnDevice, QapThroughTheDescentSaysWhereItRan) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  QapInstance q;
  q.name = "random18";
  q.n = 18;
  SplitMix64 rng{3};
  for (int k = 0; k < q.n * q.n; ++k) {
    q.a.push_back(static_cast<double>(rng.below(40)));
    q.b.push_back(static_cast<double>(rng.below(40)));
  }
  SolverOptions o;
  o.solver = SolverKind::Descent;  // no time limit: one descent (qap_as_assignment: factored, one term)
  o.backend = Backend::Cpu;
  const QapResult cpu = solve_qaplib(q, o);
  o.backend = Backend::Device;
  const QapResult dev = solve_qaplib(q, o);
  EXPECT_EQ(cpu.backend, Backend::Cpu);
  EXPECT_EQ(dev.backend, Backend::Device);
  if (bit_identical_expected()) {
    EXPECT_EQ(cpu.permutation, dev.permutation);
  }
  EXPECT_NEAR(cpu.objective, dev.objective, tol::kDeviceAgreement * (1.0 + std::abs(cpu.objective)));
}

/// With a time limit the iterated search (kicks, rollbacks) runs on the device too; its result is
/// whatever the clock allowed, so only its validity is checked.
TEST(DescentOnDevice, TimedIteratedSearchReturnsAValidMatching) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  const AssignmentProblem p = spectrum(30, 120, 4);
  SolverOptions o;
  o.solver = SolverKind::Descent;
  o.backend = Backend::Device;
  o.time_limit = 0.3;
  const AssignmentResult r = solve_assignment(p, o);
  EXPECT_EQ(r.backend, Backend::Device);
  EXPECT_NEAR(r.objective, p.objective(r.assignment), 1e-9 * (1.0 + std::abs(r.objective)));
  o.backend = Backend::Cpu;
  o.time_limit = std::numeric_limits<double>::infinity();
  EXPECT_GE(r.objective, solve_assignment(p, o).objective - 1e-9 * (1.0 + std::abs(r.objective)))
      << "the iterated search keeps the first descent's optimum or better";
}

TEST(DescentOnDevice, DenseAndSparseExternalitiesAreRefused) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  for (auto form : {Externalities::Form::Dense, Externalities::Form::Sparse}) {
    const AssignmentProblem p = test::random_expected_problem(2, form, 8, 8);
    SolverOptions o;
    o.solver = SolverKind::Descent;
    o.backend = Backend::Device;
    EXPECT_THROW(solve_assignment(p, o), InputError);
  }
}

TEST(DescentOnDevice, WithoutADevicePathTheRequestIsAnInputError) {
  const AssignmentProblem p = spectrum(10, 40, 1);
  SolverOptions o;
  o.solver = SolverKind::Descent;
  o.backend = Backend::Device;
  if (device_available()) {
    EXPECT_EQ(solve_assignment(p, o).backend, Backend::Device);
  } else {
    EXPECT_THROW(solve_assignment(p, o), InputError);  // never a silent fallback to the CPU
  }
}

}  // namespace
}  // namespace ivassign
