// bench/peer_lap: times ivassign's LAP and all-(n+1)-optima VCG on a matrix written by bench/suite.py,
// so that scipy / lap / OR-Tools are timed on exactly the same input in the same run.
//   peer_lap MATRIX.f64 N [--cols S] [--vcg] [--threads T]
//   peer_lap MATRIX.f64 N --scan float64|float32|auto   (solve_lap's dense path with that scan precision:
//            lap::solve_dense and the engine's certificate check, as solve_lap runs them; same-run A/B)
//   peer_lap --csr PREFIX ROWS COLS        (solve_lap_sparse on PREFIX.indptr/.indices/.data)
//   peer_lap --batch MATRIX.f64 B N [--threads T]   (solve_lap_batch on B problems of N x N)
// MATRIX.f64: N*S (S = N unless --cols) little-endian doubles, row-major, the weights to MAXIMIZE
// over partial matchings (solve_lap). CSR: int64 offsets, int32 columns, float64 weights to
// maximize over matchings of every row. Prints one JSON line.
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include "ivassign/solvers.hpp"
#include "ivassign/vcg.hpp"
#include "solvers/lap.hpp"

namespace {

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The process's CPU time since c0 (solve_lap is single-threaded: the steadier figure on a loaded machine).
double cpu_since(std::clock_t c0) { return static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC; }

template <class T>
std::vector<T> read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<T> v(static_cast<std::size_t>(in.tellg()) / sizeof(T));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(T)));
  return v;
}

int run_csr(const std::string& prefix, int rows, int cols) {
  ivassign::SparseLapProblem p;
  p.rows = rows;
  p.cols = cols;
  p.row_start = read_all<std::int64_t>(prefix + ".indptr");
  p.col_index = read_all<int>(prefix + ".indices");
  p.weight = read_all<double>(prefix + ".data");
  const auto t0 = std::chrono::steady_clock::now();
  const ivassign::AssignmentResult r = ivassign::solve_lap_sparse(p);
  std::printf("{\"n\": %d, \"objective\": %.17g, \"solve_s\": %.6f}\n", rows, r.objective, since(t0));
  return 0;
}

int run_batch(const std::string& path, int b, int n, int threads) {
  const std::vector<double> w = read_all<double>(path);
  const auto t0 = std::chrono::steady_clock::now();
  const ivassign::LapBatchResult r = ivassign::solve_lap_batch(b, n, n, w, threads);
  const double s = since(t0);
  double sum = 0;
  for (double x : r.objective) sum += x;
  std::printf("{\"n\": %d, \"batch\": %d, \"objective\": %.17g, \"solve_s\": %.6f}\n", n, b, sum, s);
  return 0;
}

// solve_lap's dense path on a square problem with the given scan precision: weight_range, solve_dense
// and the engine's warm_start certificate check (what solve_lap runs, minus its result object).
int run_scan(const std::string& path, int n, const std::string& scan) {
  std::vector<double> w = read_all<double>(path);
  w.resize(static_cast<std::size_t>(n) * n);
  const ivassign::AssignmentProblem p = ivassign::AssignmentProblem::linear_only(n, n, std::move(w));
  const ivassign::lap::Scan s = scan == "float64"   ? ivassign::lap::Scan::Float64
                                : scan == "float32" ? ivassign::lap::Scan::Float32
                                                    : ivassign::lap::Scan::Auto;
  const auto t0 = std::chrono::steady_clock::now();
  const std::clock_t c0 = std::clock();
  ivassign::lap::Engine engine(p);
  ivassign::lap::DenseSolution d;
  const std::vector<char> active(n, 1);
  const bool ok = ivassign::lap::solve_dense(p, active, engine.range(), false, d, s) &&
                  engine.warm_start(d.assignment, d.row_duals, d.col_duals);
  const double t = since(t0), cpu = cpu_since(c0);
  if (!ok) throw std::runtime_error("the dense solve's certificate failed");
  std::printf("{\"n\": %d, \"objective\": %.17g, \"solve_s\": %.6f, \"cpu_s\": %.6f, \"float32\": %s, "
              "\"passes\": %d, \"repaired\": %d, \"abandoned\": %s}\n",
              n, engine.objective(), t, cpu, d.scan == ivassign::lap::Scan::Float32 ? "true" : "false", d.passes, d.repaired,
              d.abandoned ? "true" : "false");
  return 0;
}

int run_dense(int argc, char** argv) {
  const int n = std::stoi(argv[2]);
  bool vcg = false;
  int threads = 0, cols = n;
  for (int k = 3; k < argc; ++k) {
    if (!std::strcmp(argv[k], "--cols") && k + 1 < argc) cols = std::stoi(argv[++k]);
    if (!std::strcmp(argv[k], "--vcg")) vcg = true;
    if (!std::strcmp(argv[k], "--threads") && k + 1 < argc) threads = std::stoi(argv[++k]);
  }
  std::vector<double> w = read_all<double>(argv[1]);
  if (w.size() < static_cast<std::size_t>(n) * cols) {
    std::cerr << "peer_lap: " << argv[1] << " holds fewer than " << static_cast<std::size_t>(n) * cols << " doubles\n";
    return 2;
  }
  w.resize(static_cast<std::size_t>(n) * cols);
  const ivassign::AssignmentProblem p = ivassign::AssignmentProblem::linear_only(n, cols, std::move(w));
  auto t0 = std::chrono::steady_clock::now();
  const std::clock_t c0 = std::clock();
  const ivassign::AssignmentResult full = ivassign::solve_lap(p);
  const double one = since(t0), cpu = cpu_since(c0);
  std::printf("{\"n\": %d, \"objective\": %.17g, \"solve_s\": %.6f, \"cpu_s\": %.6f", n, full.objective, one, cpu);
  if (vcg) {
    ivassign::SolverOptions o;
    o.threads = threads;
    t0 = std::chrono::steady_clock::now();
    const ivassign::VcgResult v = ivassign::vcg_transfers(p, full, o);
    const double rest = since(t0);
    double sum = 0;
    for (double x : v.minus_i_welfare) sum += x;
    std::printf(", \"vcg_all_s\": %.6f, \"sum_minus_i\": %.17g", one + rest, sum);
  }
  std::printf("}\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: peer_lap MATRIX.f64 N [--cols S] [--vcg] [--threads T] | --csr PREFIX ROWS COLS | "
                 "--batch MATRIX.f64 B N [--threads T]\n";
    return 2;
  }
  try {
    if (!std::strcmp(argv[1], "--csr") && argc >= 5) return run_csr(argv[2], std::stoi(argv[3]), std::stoi(argv[4]));
    if (!std::strcmp(argv[1], "--batch") && argc >= 5) {
      const int threads = argc >= 7 && !std::strcmp(argv[5], "--threads") ? std::stoi(argv[6]) : 0;
      return run_batch(argv[2], std::stoi(argv[3]), std::stoi(argv[4]), threads);
    }
    if (argc >= 5 && !std::strcmp(argv[3], "--scan")) return run_scan(argv[1], std::stoi(argv[2]), argv[4]);
    return run_dense(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "peer_lap: " << e.what() << "\n";
    return 1;
  }
}
