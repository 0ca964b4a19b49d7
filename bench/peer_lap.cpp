// bench/peer_lap: times ivassign's LAP and all-(n+1)-optima VCG on a matrix written by bench/suite.py,
// so that scipy / lap / OR-Tools are timed on exactly the same input in the same run.
//   peer_lap MATRIX.f64 N [--cols S] [--vcg] [--threads T]
// MATRIX.f64: N*S (S = N unless --cols) little-endian doubles, row-major, the weights to MAXIMIZE
// over partial matchings (solve_lap). Prints one JSON line.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include "ivassign/solvers.hpp"
#include "ivassign/vcg.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: peer_lap MATRIX.f64 N [--cols S] [--vcg] [--threads T]\n";
    return 2;
  }
  const int n = std::stoi(argv[2]);
  bool vcg = false;
  int threads = 0, cols = n;
  for (int k = 3; k < argc; ++k) {
    if (!std::strcmp(argv[k], "--cols") && k + 1 < argc) cols = std::stoi(argv[++k]);
    if (!std::strcmp(argv[k], "--vcg")) vcg = true;
    if (!std::strcmp(argv[k], "--threads") && k + 1 < argc) threads = std::stoi(argv[++k]);
  }
  std::vector<double> w(static_cast<std::size_t>(n) * cols);
  std::ifstream in(argv[1], std::ios::binary);
  in.read(reinterpret_cast<char*>(w.data()), static_cast<std::streamsize>(w.size() * sizeof(double)));
  if (!in) {
    std::cerr << "peer_lap: " << argv[1] << " holds fewer than " << w.size() << " doubles\n";
    return 2;
  }
  try {
    const ivassign::AssignmentProblem p = ivassign::AssignmentProblem::linear_only(n, cols, std::move(w));
    auto t0 = std::chrono::steady_clock::now();
    const ivassign::AssignmentResult full = ivassign::solve_lap(p);
    const double one = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("{\"n\": %d, \"objective\": %.17g, \"solve_s\": %.6f", n, full.objective, one);
    if (vcg) {
      ivassign::SolverOptions o;
      o.threads = threads;
      t0 = std::chrono::steady_clock::now();
      const ivassign::VcgResult v = ivassign::vcg_transfers(p, full, o);
      const double rest = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      double sum = 0;
      for (double x : v.minus_i_welfare) sum += x;
      std::printf(", \"vcg_all_s\": %.6f, \"sum_minus_i\": %.17g", one + rest, sum);
    }
    std::printf("}\n");
  } catch (const std::exception& e) {
    std::cerr << "peer_lap: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
