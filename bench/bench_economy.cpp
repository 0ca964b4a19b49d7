// Exchange economy benchmark (economy-format.md; issue target, measured, not asserted): the 2002
// construction and its exact audit on a Cobb-Douglas economy of 10 agents with 3 types, 3 states and
// 3 goods (3^10 = 59,049 profiles, all of them in the report), zeta Walrasian:
//  * BM_EconomyConstructionAndAudit: run_economy without the efficiency gap and without eta_ic
//    (measures, Walrasian zeta, construction, partition, allocations, feasibility/IC/XIR audit);
//  * BM_EconomyEtaIc: the same plus the eta_ic bisection (IC audits only);
//  * BM_EconomyFull: what `ivassign economy FILE --all-profiles` computes (both efficiency audits:
//    one log-barrier program of 31 variables per profile of T*, at eta and at eta_ic) and the JSON.
// The economy is generate_economy_cobb_douglas(agents 10, types 3, states 3, goods 3, seed 1), the file
// `ivassign generate economy cobb-douglas --agents 10 --types 3 --states 3 --goods 3 --seed 1` writes.
// Run: build/bench/bench_economy [--benchmark_filter=...].
#include <benchmark/benchmark.h>

#include <string>

#include "ivassign/economy.hpp"

namespace {

using namespace ivassign;

EconomyProblem bench_economy() {
  CobbDouglasOptions o;
  o.agents = 10, o.types = 3, o.states = 3, o.goods = 3, o.seed = 1;
  return generate_economy_cobb_douglas(o);
}

void run(benchmark::State& state, bool eta_ic, bool efficiency, bool json) {
  const EconomyProblem e = bench_economy();
  EconomyOptions o;
  o.all_profiles = true;
  o.eta_ic = eta_ic;
  o.efficiency = efficiency;
  for (auto _ : state) {
    const EconomyResult r = run_economy(e, o);
    if (json) {
      const std::string text = economy_report_json(r);
      benchmark::DoNotOptimize(text.data());
    }
    benchmark::DoNotOptimize(r.audit.min_margin);
  }
}

void BM_EconomyConstructionAndAudit(benchmark::State& s) { run(s, false, false, false); }
void BM_EconomyEtaIc(benchmark::State& s) { run(s, true, false, false); }
void BM_EconomyFull(benchmark::State& s) { run(s, true, true, true); }

BENCHMARK(BM_EconomyConstructionAndAudit)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(BM_EconomyEtaIc)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(BM_EconomyFull)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
