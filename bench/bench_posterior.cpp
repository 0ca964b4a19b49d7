// Posterior engine benchmarks (issue targets; measured, not asserted):
//  * full tensor m = 16, n = 12, K = 4 (16.7 M profiles, 2.1 GB of posteriors): GB/s written by
//    the CPU (OpenMP) path against the host copy bandwidth, and by the device path (left resident:
//    TableOptions::device_only) against the device-to-device copy bandwidth, all in the same run;
//  * nu_i for every buyer of that instance, CPU and device side by side;
//  * symmetric CI prior n = 200, K = 4, m = 8: exact nu_i and delta.theorem1 by count vectors;
//  * the sampled measures (20,000 draws per buyer and signal) of the spectrum market 200 x 800, seed 7,
//    CPU and device side by side.
// Run: build/bench/bench_posterior [--benchmark_filter=...]. Sizes shrink with IVASSIGN_BENCH_SMALL=1.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <random>

#include "ivassign/generate.hpp"
#include "ivassign/posterior.hpp"

namespace {

using namespace ivassign;

bool small() { return std::getenv("IVASSIGN_BENCH_SMALL") != nullptr; }

Instance tensor_instance() {
  // conditionally independent (per buyer) prior: the tensor path still materializes all profiles
  const int m = 16, n = small() ? 8 : 12, K = 4;
  Instance in;
  in.name = "tensor-bench";
  in.states = m;
  in.buyers = n;
  in.sellers = 1;
  in.signals.assign(n, K);
  in.prior.form = Prior::Form::PerBuyer;
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.1, 1.0);
  in.prior.lambda.resize(m);
  double t = 0;
  for (auto& l : in.prior.lambda) t += (l = u(rng));
  for (auto& l : in.prior.lambda) l /= t;
  in.prior.q.assign(n, std::vector<double>(m * K));
  for (auto& q : in.prior.q)
    for (int s = 0; s < m; ++s) {
      double z = 0;
      for (int x = 0; x < K; ++x) z += (q[s * K + x] = u(rng));
      for (int x = 0; x < K; ++x) q[s * K + x] /= z;
    }
  in.valuations.assign(m * n, 1.0);
  in.costs.assign(m * n, 0.0);
  return in;
}

std::map<std::string, double> g_rates;  // GB/s by name, for the ratio printed at the end

void BM_HostCopyBandwidth(benchmark::State& state) {
  const std::size_t bytes = posterior_table_bytes(tensor_instance());
  std::vector<char> a(bytes, 1), b(bytes, 0);
  double seconds = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    std::memcpy(b.data(), a.data(), bytes);
    benchmark::DoNotOptimize(b.data());
    benchmark::ClobberMemory();
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  // copy bandwidth: bytes copied per second (each byte is read once and written once)
  const double rate = static_cast<double>(bytes) * static_cast<double>(state.iterations()) / seconds / 1e9;
  state.counters["GB/s"] = rate;
  g_rates["copy"] = rate;
}

void BM_DeviceCopyBandwidth(benchmark::State& state) {
  if (!device_available()) {
    state.SkipWithError("no device path");
    return;
  }
  const std::size_t bytes = posterior_table_bytes(tensor_instance());
  double rate = 0;
  for (auto _ : state) rate = device_copy_bandwidth(bytes, 3) / 1e9;
  state.counters["GB/s"] = rate;
  g_rates["device_copy"] = rate;
}

void tensor(benchmark::State& state, Backend backend) {
  if (backend == Backend::Device && !device_available()) {
    state.SkipWithError("no device path");
    return;
  }
  const Instance in = tensor_instance();
  std::uint64_t bytes = posterior_table_bytes(in);
  double seconds = 0;
  TableOptions options;
  options.backend = backend;
  options.device_only = backend == Backend::Device;  // the build rate on the device, without the bus
  // cold: a fresh allocation (page faults included); then steady state: the table's memory reused
  auto t0 = std::chrono::steady_clock::now();
  PosteriorTable t = build_posterior_table(in, options);
  state.counters["cold_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (auto _ : state) {
    t0 = std::chrono::steady_clock::now();
    fill_posterior_table(in, t, options);
    benchmark::DoNotOptimize(t.posterior.data());
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  // bytes of the table written per second (posteriors and marginals)
  const double rate = static_cast<double>(bytes) * static_cast<double>(state.iterations()) / seconds / 1e9;
  state.counters["GB/s"] = rate;
  state.counters["profiles"] = static_cast<double>(in.profile_count());
  g_rates[backend == Backend::Device ? "tensor_device" : "tensor_cpu"] = rate;
}
void BM_PosteriorTensorCpu(benchmark::State& s) { tensor(s, Backend::Cpu); }
void BM_PosteriorTensorDevice(benchmark::State& s) { tensor(s, Backend::Device); }

void measures(benchmark::State& state, Backend backend) {
  if (backend == Backend::Device && !device_available()) {
    state.SkipWithError("no device path");
    return;
  }
  const Instance in = tensor_instance();
  const PosteriorTable t = build_posterior_table(in, backend);  // the device keeps it resident
  double seconds = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    InformationMeasures info = information_measures(t, backend);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    benchmark::DoNotOptimize(info.informational_size.data());
    state.counters["nu_0"] = info.informational_size[0];
  }
  g_rates[backend == Backend::Device ? "measures_device_s" : "measures_cpu_s"] =
      seconds / static_cast<double>(state.iterations());
}
void BM_InformationalSizeCpu(benchmark::State& s) { measures(s, Backend::Cpu); }
void BM_InformationalSizeDevice(benchmark::State& s) { measures(s, Backend::Device); }

void BM_SymmetricCountVectors(benchmark::State& state) {
  const int m = 8, n = small() ? 60 : 200, K = 4;
  Instance in;
  in.states = m;
  in.buyers = n;
  in.sellers = 1;
  in.signals.assign(n, K);
  in.prior.form = Prior::Form::Symmetric;
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(0.1, 1.0);
  in.prior.lambda.assign(m, 1.0 / m);
  std::vector<double> q(m * K);
  for (int s = 0; s < m; ++s) {
    double z = 0;
    for (int x = 0; x < K; ++x) z += (q[s * K + x] = u(rng));
    for (int x = 0; x < K; ++x) q[s * K + x] /= z;
  }
  in.prior.q.assign(n, q);
  in.valuations.assign(m * n, 1.0);
  in.costs.assign(m * n, 0.0);
  for (auto _ : state) {
    const InformationMeasures info = prior_measures(in);
    const double d1 = delta_theorem1(info, n, 1.0);
    state.counters["nu"] = info.informational_size[0];
    state.counters["delta_theorem1"] = d1;
  }
}

/// The sampled measures of a large per-buyer CI prior (the spectrum market's), /0 CPU, /1 device.
void BM_InformationalSizeSampled(benchmark::State& state) {
  const Backend backend = state.range(0) == 1 ? Backend::Device : Backend::Cpu;
  if (backend == Backend::Device && !device_available()) {
    state.SkipWithError("no device path");
    return;
  }
  SpectrumOptions spec;
  spec.buyers = small() ? 50 : 200;
  spec.licences = small() ? 200 : 800;
  spec.seed = 7;
  const Instance in = generate_spectrum(spec);
  MeasureOptions opt;
  opt.backend = backend;
  double seconds = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    const InformationMeasures info = prior_measures(in, opt);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    state.counters["nu_0"] = info.informational_size[0];
  }
  g_rates[backend == Backend::Device ? "sampled_device_s" : "sampled_cpu_s"] = seconds / static_cast<double>(state.iterations());
}

BENCHMARK(BM_HostCopyBandwidth)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_PosteriorTensorCpu)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_DeviceCopyBandwidth)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_PosteriorTensorDevice)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_InformationalSizeCpu)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_InformationalSizeDevice)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_SymmetricCountVectors)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_InformationalSizeSampled)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  // the ratios on stderr: stdout is the benchmark's report (--benchmark_format=json must stay one document)
  if (g_rates.count("copy") && g_rates.count("tensor_cpu"))
    std::cerr << "tensor CPU / host copy bandwidth: " << g_rates["tensor_cpu"] / g_rates["copy"] << "\n";
  if (g_rates.count("tensor_device") && g_rates.count("device_copy"))
    std::cerr << "tensor device (" << device_system() << ") / device copy bandwidth: "
              << g_rates["tensor_device"] / g_rates["device_copy"] << "\n";
  if (g_rates.count("tensor_device") && g_rates.count("tensor_cpu"))
    std::cerr << "tensor device / tensor CPU: " << g_rates["tensor_device"] / g_rates["tensor_cpu"] << "\n";
  if (g_rates.count("measures_device_s") && g_rates.count("measures_cpu_s"))
    std::cerr << "measures CPU time / device time: " << g_rates["measures_cpu_s"] / g_rates["measures_device_s"] << "\n";
  if (g_rates.count("sampled_device_s") && g_rates.count("sampled_cpu_s"))
    std::cerr << "sampled measures CPU time / device time: " << g_rates["sampled_cpu_s"] / g_rates["sampled_device_s"]
              << "\n";
  return 0;
}
