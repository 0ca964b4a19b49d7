// Re-entrancy: the library's entry points called from 8 threads at once, each on its own input,
// give exactly what one call alone gives (no shared mutable state, no thread-count dependence).
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "ivassign/incentives.hpp"
#include "ivassign/mechanism.hpp"
#include "ivassign/report_io.hpp"
#include "ivassign/social.hpp"
#include "ivassign/solvers.hpp"
#include "ivassign/vcg.hpp"
#include "random_instance.hpp"

namespace ivassign {
namespace {

constexpr int kThreads = 8;

/// Runs job(k) for k < kThreads on kThreads threads at once; results[k] gets what it returned.
std::vector<std::string> concurrently(const std::function<std::string(int)>& job) {
  std::vector<std::string> results(kThreads);
  std::vector<std::thread> threads;
  for (int k = 0; k < kThreads; ++k) threads.emplace_back([&, k] { results[k] = job(k); });
  for (auto& t : threads) t.join();
  return results;
}

void expect_same_alone_and_together(const std::function<std::string(int)>& job) {
  std::vector<std::string> alone(kThreads);
  for (int k = 0; k < kThreads; ++k) alone[k] = job(k);
  const std::vector<std::string> together = concurrently(job);
  for (int k = 0; k < kThreads; ++k) EXPECT_EQ(alone[k], together[k]) << "input " << k;
}

std::string mechanism_report(int k) {
  test::RandomSpec spec;
  spec.prior = k % 2 ? Prior::Form::PerBuyer : Prior::Form::Joint;
  spec.externalities = k % 3 == 0 ? Externalities::Form::None : Externalities::Form::Dense;
  const Instance in = test::random_instance(spec, 100 + static_cast<std::uint64_t>(k));
  MechanismOptions o;
  o.threads = 1 + k % 2;
  MechanismReport r = run_mechanism(in, all_profiles(in), o);
  r.seconds = 0;  // timings are the only thing allowed to differ
  for (auto& p : r.profiles) p.solve_seconds = 0;
  return report_to_json(r);
}

TEST(Reentrancy, MechanismFromEightThreads) { expect_same_alone_and_together(mechanism_report); }

TEST(Reentrancy, EverySolverAndVcgFromEightThreads) {
  const SolverKind kinds[] = {SolverKind::Enumerate, SolverKind::BranchAndBound, SolverKind::Tabu,
                              SolverKind::Descent, SolverKind::Auto};
  expect_same_alone_and_together([&](int k) {
    const AssignmentProblem p =
        test::random_expected_problem(200 + static_cast<std::uint64_t>(k), Externalities::Form::Factored, 5, 6);
    SolverOptions o;
    o.solver = kinds[k % 5];
    o.iteration_limit = 500;
    o.threads = 1;
    const AssignmentResult full = solve_assignment(p, o);
    const VcgResult v = vcg_transfers(p, full, o);
    std::string out;
    for (int z : v.assignment) out += std::to_string(z) + ",";
    for (double x : v.transfers) out += std::to_string(x) + ",";
    return out;
  });
}

TEST(Reentrancy, GvcgAndCheckFromEightThreads) {
  expect_same_alone_and_together([](int k) {
    SocialAuctionOptions a;
    a.seed = 300 + static_cast<std::uint64_t>(k);
    const SocialProblem p = generate_social_auction(a);
    GvcgOptions g;
    g.threads = 1 + k % 2;
    std::string out = gvcg_report_json(run_gvcg(p, g));
    test::RandomSpec spec;
    const Instance in = test::random_instance(spec, 400 + static_cast<std::uint64_t>(k));
    CheckOptions c;
    c.stage2_profiles = 2;
    c.random_misreports = 2;
    c.local_search_steps = 2;
    const CheckReport r = check_incentives(in, c);
    out += std::to_string(r.delta) + (r.stage1.truthful ? "T" : "F") + std::to_string(r.stage2.max_gain);
    return out;
  });
}

}  // namespace
}  // namespace ivassign
