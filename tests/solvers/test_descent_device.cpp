// The descent with its candidate moves scored on the device (src/solvers/local_search.hpp,
// kernels/device_descent.cu): the same search as the CPU loop — same moves, same tie-breaking — so
// for the same seed and no time limit both backends return the same matching (bit-identical under
// the OpenMP device system; under CUDA an FMA contraction may flip a tie, so the welfare is compared
// to tol::kDeviceAgreement). Skipped only when the build has no device path.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "common/random.hpp"
#include "ivassign/backend.hpp"
#include "ivassign/error.hpp"
#include "ivassign/generate.hpp"
#include "ivassign/io.hpp"
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

/// Kicks and rollbacks run move by move on the device's state: both searches stay equal through them.
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

/// The device keeps H, its transpose and G(i, z_i) itself (kernels/device_descent.cu): after a reset,
/// after moves, kicks and rollbacks (the minus-i searches' undo) its table is the CPU's bit for bit
/// on the OpenMP device system, entry by entry to rounding under CUDA.
TEST(DescentOnDevice, TheDeviceTableIsTheCpuTableThroughMovesAndRollbacks) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  for (std::uint64_t seed : {2u, 13u}) {
    const AssignmentProblem p = seed == 2 ? spectrum(30, 120, seed)
                                          : test::random_expected_problem(seed, Externalities::Form::Factored, 12, 9);
    const int n = p.buyers;
    const PlacementCosts costs(p);
    const double tol = descent::move_tolerance(p);
    descent::LocalSearch cpu(costs, std::vector<char>(n, 1), tol), dev(costs, std::vector<char>(n, 1), tol);
    cpu.set_implicit(false);
    dev.use_device();
    std::vector<double> hc, gc, hd, gd;
    auto expect_same_state = [&](const std::string& when) {
      cpu.state(hc, gc);
      dev.state(hd, gd);
      ASSERT_EQ(hc.size(), hd.size()) << when;
      EXPECT_EQ(cpu.matching(), dev.matching()) << when;
      if (bit_identical_expected()) {
        EXPECT_EQ(hc, hd) << when;
        EXPECT_EQ(gc, gd) << when;
        EXPECT_EQ(cpu.value(), dev.value()) << when;
      }
      for (std::size_t k = 0; k < hc.size(); ++k) ASSERT_NEAR(hc[k], hd[k], 1e-9 * (1.0 + std::abs(hc[k]))) << when;
      EXPECT_NEAR(cpu.value(), dev.value(), 1e-9 * (1.0 + std::abs(cpu.value()))) << when;
    };
    const std::vector<int> empty(static_cast<std::size_t>(n), -1);
    cpu.reset(empty);
    dev.reset(empty);
    const auto never = std::chrono::steady_clock::time_point::max();
    std::int64_t mc = 0, md = 0;
    cpu.descend(mc, -1, never);
    dev.descend(md, -1, never);
    EXPECT_GT(mc, 0);
    EXPECT_EQ(mc, md);
    expect_same_state("after the descent, seed " + std::to_string(seed));
    const std::vector<int> local = cpu.matching();
    cpu.reset(local);  // a table built at once (PlacementCosts::fill_table's order)
    dev.reset(local);
    expect_same_state("after a reset, seed " + std::to_string(seed));
    ASSERT_TRUE(cpu.settle(mc));
    ASSERT_TRUE(dev.settle(md));
    SplitMix64 rc{seed}, rd{seed};
    for (int i = 0; i < n; i += 3) {  // a minus-i search: i out, a kick, a descent, back to the settled state
      cpu.relocate(i, -1);
      dev.relocate(i, -1);
      cpu.kick(rc, 3);
      dev.kick(rd, 3);
      cpu.descend(mc, -1, never);
      dev.descend(md, -1, never);
      expect_same_state("search without buyer " + std::to_string(i));
      cpu.rollback_settled();
      dev.rollback_settled();
      expect_same_state("rolled back after buyer " + std::to_string(i));
    }
    EXPECT_EQ(mc, md);
  }
}

/// VCG's minus-i transfers: the same searches on both backends (the groups, settle and rollbacks to
/// the settled full matching on the device's table), so the same matchings and transfers.
void expect_same_vcg(const AssignmentProblem& p, SolverOptions o, const std::string& what) {
  o.solver = SolverKind::Descent;  // the shared minus-i descents (src/vcg/minus_i_descent.cpp)
  AssignmentResult full_cpu, full_dev;
  o.backend = Backend::Cpu;
  const VcgResult cpu = solve_with_vcg(p, o, &full_cpu);
  o.backend = Backend::Device;
  const VcgResult dev = solve_with_vcg(p, o, &full_dev);
  EXPECT_EQ(full_dev.backend, Backend::Device) << what;
  ASSERT_EQ(cpu.transfers.size(), dev.transfers.size()) << what;
  if (bit_identical_expected()) {
    EXPECT_EQ(full_cpu.assignment, full_dev.assignment) << what;
    EXPECT_EQ(cpu.minus_i_welfare, dev.minus_i_welfare) << what;
    EXPECT_EQ(cpu.transfers, dev.transfers) << what;
  }
  for (std::size_t i = 0; i < cpu.transfers.size(); ++i) {
    const double scale = 1.0 + std::abs(cpu.minus_i_welfare[i]);
    EXPECT_NEAR(cpu.minus_i_welfare[i], dev.minus_i_welfare[i], tol::kDeviceAgreement * scale) << what << ", buyer " << i;
    EXPECT_NEAR(cpu.transfers[i], dev.transfers[i], tol::kDeviceAgreement * scale) << what << ", buyer " << i;
  }
}

TEST(DescentOnDevice, VcgMinusISearchesGiveTheCpuTransfers) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  SolverOptions o;
  o.threads = 2;
  expect_same_vcg(spectrum(24, 96, 5), o, "spectrum 24 x 96, seed 5");
  expect_same_vcg(spectrum(70, 280, 9), o, "spectrum 70 x 280, seed 9");  // two groups of minus-i searches
  for (std::uint64_t seed = 3; seed <= 5; ++seed) {
    const int n = 9 + static_cast<int>(seed), s = 6 + static_cast<int>(seed);
    o.seed = seed;
    expect_same_vcg(test::random_expected_problem(seed, Externalities::Form::Factored, n, s), o,
                    "random factored, seed " + std::to_string(seed));
  }
}

/// examples/spectrum-small.json at its uniform posterior: the descent and VCG's transfers.
TEST(DescentOnDevice, SpectrumSmallExampleGivesTheCpuMatchingAndTransfers) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  const Instance inst = load_instance(std::string(IVASSIGN_SOURCE_DIR) + "/examples/spectrum-small.json");
  const AssignmentProblem p =
      expected_problem(inst, std::vector<double>(static_cast<std::size_t>(inst.states), 1.0 / inst.states));
  ASSERT_EQ(p.externalities.form, ExternalityCosts::Form::Factored);
  SolverOptions o;
  expect_same_search(p, o, "spectrum-small");
  o.initial_assignment.assign(static_cast<std::size_t>(p.buyers), -1);
  expect_same_search(p, o, "spectrum-small from the empty matching");
  expect_same_vcg(p, SolverOptions{}, "spectrum-small");
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
