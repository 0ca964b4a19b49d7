// kernels/epic.cuh — the per-group arithmetic of ex post implementability (2002 ex post paper;
// social-format.md `epic`), one source for the CPU (src/social/epic.cpp) and the device
// (kernels/device_epic.cu). A group is agent i with the others' types t_-i; its nodes are i's types a
// whose profile (a, t_-i) has positive probability, in increasing order.
//   gain[a][b] = v^_i(q(b, t_-i); (a, t_-i)) - v^_i(q(a, t_-i); (a, t_-i))   (true type a reporting b)
//   x(a) - x(b) >= gain[a][b] (ex post IC), x(a) >= -v^_i(q(a, t_-i); (a, t_-i)) (ex post IR):
// Bellman-Ford longest paths from the IR bounds; still relaxing after |nodes| + 1 rounds means a
// positive cycle (or rounding: the caller checks the cycle).
#pragma once
#include <math.h>

#include "kernels/hd.h"

namespace ivassign {
namespace kernels {

/// Longest paths over the present nodes (present[a] != 0), |nodes| + 1 rounds of relaxations
/// dist[a] = max(dist[a], dist[b] + gain[a * K + b]) by more than relax_tol, in the order (a, b)
/// increasing. Returns a node still relaxing in the last round (pred holds the cycle), or -1.
IVA_HD int epic_longest_paths(int K, const double* gain, const char* present, double relax_tol, double* dist,
                              int* pred) {
  int nodes = 0;
  for (int a = 0; a < K; ++a) nodes += present[a] ? 1 : 0;
  int changed_node = -1;
  for (int round = 0; round <= nodes; ++round) {
    changed_node = -1;
    for (int a = 0; a < K; ++a) {
      if (!present[a]) continue;
      for (int b = 0; b < K; ++b) {
        if (!present[b] || a == b) continue;
        const double cand = dist[b] + gain[a * K + b];
        if (cand > dist[a] + relax_tol) {
          dist[a] = cand;
          pred[a] = b;
          changed_node = a;
        }
      }
    }
    if (changed_node < 0) break;
  }
  return changed_node;
}

/// The transfer at an unrealized report b: the largest x <= 0 that no present true type a envies,
/// min(0, min_a [truth_value[a] + dist[a] - lie_value[a]]) with lie_value[a] = v^_i(q(b, t_-i); (a, t_-i)).
IVA_HD double epic_unrealized_transfer(int K, const char* present, const double* truth_value, const double* dist,
                                       const double* lie_value) {
  double bound = 0.0;
  for (int a = 0; a < K; ++a) {
    if (!present[a]) continue;
    const double truth = truth_value[a] + dist[a];
    bound = fmin(bound, truth - lie_value[a]);
  }
  return bound;
}

}  // namespace kernels
}  // namespace ivassign
