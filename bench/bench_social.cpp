// General social choice model benchmarks (social-format.md; issue target, measured, not asserted):
//  * `gvcg --stages 1` on 8 agents with 6 types each (6^8 = 1,679,616 profiles), 4 states and
//    6 outcomes: all four measures of the prior and epsilon.exact, target < 30 s on dev-2c
//    (2 vCPUs). BM_GvcgOneStage times run_gvcg, the entry point of the `gvcg` command, with
//    list_profiles = false (measures and epsilon only, as `gvcg --profile ...` computes them);
//    BM_GvcgOneStageAllProfiles also fills the per-profile rows of every profile of T* (the
//    report of `gvcg --all-profiles` before JSON), BM_GvcgReportJson serializes them.
//  * BM_EfficientRule and BM_Audit/BM_Epic on the same problem with the efficient rule.
// The problem is a seeded random one built here (the library's generators fix |C| = n + 1 or
// two outcomes): conditionally independent prior, lambda and q rows uniform on [0.1, 1] then
// normalized, values v_i(c, theta, t_i) uniform on [0, 10] (3 decimals), 0 at the status quo.
// Run: build/bench/bench_social [--benchmark_filter=...]. IVASSIGN_BENCH_SMALL=1: 6 agents.
// build/bench/bench_social --write-problem FILE writes the problem for timing the CLI:
//   /usr/bin/time -v build/ivassign gvcg FILE --stages 1 --profile 0,0,0,0,0,0,0,0 --out r.json
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <random>
#include <string>

#include "ivassign/backend.hpp"
#include "ivassign/social.hpp"

namespace {

using namespace ivassign;

bool small() { return std::getenv("IVASSIGN_BENCH_SMALL") != nullptr; }

SocialProblem bench_problem() {
  const int n = small() ? 6 : 8, K = 6, m = 4, C = 6;
  SocialProblem p;
  p.name = "gvcg-bench-n" + std::to_string(n) + "-k6-m4-c6";
  p.agents = n;
  p.types.assign(static_cast<std::size_t>(n), K);
  p.outcomes = C;
  p.status_quo = 0;
  p.states = m;
  std::mt19937_64 rng(20261201);
  std::uniform_real_distribution<double> u(0.1, 1.0), value(0.0, 10.0);
  p.prior_form = SocialProblem::Prior::ConditionallyIndependent;
  p.prior_lambda.resize(m);
  double total = 0.0;
  for (auto& l : p.prior_lambda) total += (l = u(rng));
  for (auto& l : p.prior_lambda) l /= total;
  p.prior_q.assign(static_cast<std::size_t>(n), std::vector<double>(static_cast<std::size_t>(m * K)));
  for (auto& q : p.prior_q)
    for (int s = 0; s < m; ++s) {
      double z = 0.0;
      for (int k = 0; k < K; ++k) z += (q[static_cast<std::size_t>(s * K + k)] = u(rng));
      for (int k = 0; k < K; ++k) q[static_cast<std::size_t>(s * K + k)] /= z;
    }
  p.values_form = SocialProblem::Values::ByState;
  for (int i = 0; i < n; ++i) {
    p.value_offset.push_back(p.values.size());
    for (int s = 0; s < m; ++s)
      for (int k = 0; k < K; ++k)
        for (int c = 0; c < C; ++c) p.values.push_back(c == 0 ? 0.0 : std::round(value(rng) * 1000.0) / 1000.0);
  }
  validate_social_problem(p);
  return p;
}

const SocialProblem& problem() {
  static const SocialProblem p = bench_problem();
  return p;
}

void report_measures(benchmark::State& state, const GvcgResult& r, double seconds) {
  const double T = static_cast<double>(problem().profiles());
  state.counters["profiles"] = T;
  state.counters["profiles_per_s"] = T / seconds;
  state.counters["epsilon_exact"] = r.epsilon_exact ? *r.epsilon_exact : -1.0;  // -1: null
  double nu = 0.0;
  for (double v : r.measures.informational_size) nu = std::max(nu, v);
  state.counters["max_nu"] = nu;
}

void BM_GvcgOneStage(benchmark::State& state) {
  const SocialProblem& p = problem();
  GvcgOptions o;
  o.stages = 1;
  o.list_profiles = false;  // all measures and epsilon.exact; no per-profile rows
  GvcgResult r;
  double seconds = 0.0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    r = run_gvcg(p, o);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    benchmark::DoNotOptimize(r.epsilon_exact);
  }
  report_measures(state, r, seconds / static_cast<double>(state.iterations()));
}

void BM_GvcgOneStageAllProfiles(benchmark::State& state) {
  const SocialProblem& p = problem();
  GvcgOptions o;
  o.stages = 1;
  o.list_profiles = true;
  o.all_profiles = true;
  for (auto _ : state) {
    GvcgResult r = run_gvcg(p, o);
    benchmark::DoNotOptimize(r.profiles.data());
    state.counters["rows"] = static_cast<double>(r.profiles.size());
  }
}

void BM_GvcgReportJson(benchmark::State& state) {
  GvcgOptions o;
  o.stages = 1;
  const GvcgResult r = run_gvcg(problem(), o);
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string text = gvcg_report_json(r);
    bytes = text.size();
    benchmark::DoNotOptimize(text.data());
  }
  state.counters["report_MB"] = static_cast<double>(bytes) / 1e6;
}

void BM_EfficientRule(benchmark::State& state) {
  for (auto _ : state) {
    auto q = efficient_rule(problem());
    benchmark::DoNotOptimize(q.data());
  }
}

void BM_AuditEfficientRuleWithoutTransfers(benchmark::State& state) {
  const SocialProblem& p = problem();
  SocialMechanism m;
  m.outcome = efficient_rule(p);
  m.transfers.assign(m.outcome.size() * static_cast<std::size_t>(p.agents), 0.0);
  for (auto _ : state) {
    AuditResult r = audit_mechanism(p, m);
    benchmark::DoNotOptimize(r.bayesian_min_margin);
  }
}

void BM_EpicEfficientRule(benchmark::State& state) {
  const SocialProblem& p = problem();
  const std::vector<int> q = efficient_rule(p);
  for (auto _ : state) {
    EpicResult r = check_epic(p, q);
    benchmark::DoNotOptimize(r.implementable);
  }
}

/// The audit and epic on each backend in the same run (arg 0: the CPU, 1: the device path of this
/// build; skipped without one), gvcg's one-stage measures likewise: the GPU-against-CPU rows.
Backend backend_of(const benchmark::State& state) { return state.range(0) == 0 ? Backend::Cpu : Backend::Device; }

bool skip_without_device(benchmark::State& state) {
  if (state.range(0) == 0 || device_available()) return false;
  state.SkipWithError("no device path here");
  return true;
}

void BM_GvcgOneStageBackend(benchmark::State& state) {
  if (skip_without_device(state)) return;
  GvcgOptions o;
  o.stages = 1;
  o.list_profiles = false;  // the measures and epsilon: the part with a device path
  o.backend = backend_of(state);
  for (auto _ : state) {
    GvcgResult r = run_gvcg(problem(), o);
    benchmark::DoNotOptimize(r.stages);
  }
}

void BM_AuditBackend(benchmark::State& state) {
  if (skip_without_device(state)) return;
  const SocialProblem& p = problem();
  SocialMechanism m;
  m.outcome = efficient_rule(p);
  m.transfers.assign(m.outcome.size() * static_cast<std::size_t>(p.agents), 0.0);
  AuditOptions o;
  o.backend = backend_of(state);
  for (auto _ : state) {
    AuditResult r = audit_mechanism(p, m, o);
    benchmark::DoNotOptimize(r.bayesian_min_margin);
  }
}

void BM_EpicBackend(benchmark::State& state) {
  if (skip_without_device(state)) return;
  const SocialProblem& p = problem();
  const std::vector<int> q = efficient_rule(p);
  EpicOptions o;
  o.backend = backend_of(state);
  for (auto _ : state) {
    EpicResult r = check_epic(p, q, o);
    benchmark::DoNotOptimize(r.implementable);
  }
}

BENCHMARK(BM_GvcgOneStageBackend)->Arg(0)->Arg(1)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();
BENCHMARK(BM_AuditBackend)->Arg(0)->Arg(1)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();
BENCHMARK(BM_EpicBackend)->Arg(0)->Arg(1)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();
BENCHMARK(BM_GvcgOneStage)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();
BENCHMARK(BM_GvcgOneStageAllProfiles)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();
BENCHMARK(BM_GvcgReportJson)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();
BENCHMARK(BM_EfficientRule)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();
BENCHMARK(BM_AuditEfficientRuleWithoutTransfers)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();
BENCHMARK(BM_EpicEfficientRule)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  for (int k = 1; k + 1 < argc; ++k)
    if (std::strcmp(argv[k], "--write-problem") == 0) {
      save_social_problem(problem(), argv[k + 1]);
      std::cerr << "wrote " << argv[k + 1] << " (" << problem().name << ", " << problem().profiles() << " profiles)\n";
      return 0;
    }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
