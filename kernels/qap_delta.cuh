// kernels/qap_delta.cuh — swap-move deltas of the Koopmans-Beckmann QAP with a linear term, one
// source for the CPU tabu search and the CUDA batch kernel (Taillard 1991, "Robust taboo search").
//
// Cost of a permutation pi (entity e sits at location pi[e]), T entities and locations, K terms:
//   F(pi) = sum_e C[e][pi[e]] + sum_k sum_{e != f} A_k[e][f] * B_k[pi[e]][pi[f]]
// All matrices are row-major T x T, the K term matrices stacked.
#pragma once
#include <math.h>
#include <stdint.h>

#include "kernels/hd.h"

namespace ivassign {
namespace kernels {

/// F(pi after swapping the locations of r and s) - F(pi), from scratch: O(K T).
IVA_HD double qap_swap_delta(const double* C, const double* A, const double* B, int terms, int T, const int* pi,
                             int r, int s) {
  const int pr = pi[r], ps = pi[s];
  double d = C[r * T + ps] + C[s * T + pr] - C[r * T + pr] - C[s * T + ps];
  for (int k = 0; k < terms; ++k) {
    const double* a = A + static_cast<int64_t>(k) * T * T;
    const double* b = B + static_cast<int64_t>(k) * T * T;
    d += (a[r * T + r] - a[s * T + s]) * (b[ps * T + ps] - b[pr * T + pr]) +
         (a[r * T + s] - a[s * T + r]) * (b[ps * T + pr] - b[pr * T + ps]);
    for (int e = 0; e < T; ++e) {
      if (e == r || e == s) continue;
      const int pe = pi[e];
      d += (a[e * T + r] - a[e * T + s]) * (b[pe * T + ps] - b[pe * T + pr]) +
           (a[r * T + e] - a[s * T + e]) * (b[ps * T + pe] - b[pr * T + pe]);
    }
  }
  return d;
}

/// qap_swap_delta when every A_k and B_k is symmetric with a zero diagonal (the slot model's terms
/// have zero diagonals; most QAPLIB instances are symmetric): the two halves of the sum are equal, so
/// one is computed and doubled, reading rows (contiguous) instead of columns. O(K T).
IVA_HD double qap_swap_delta_symmetric(const double* C, const double* A, const double* B, int terms, int T,
                                       const int* pi, int r, int s) {
  const int pr = pi[r], ps = pi[s];
  double d = C[r * T + ps] + C[s * T + pr] - C[r * T + pr] - C[s * T + ps];
  for (int k = 0; k < terms; ++k) {
    const double* ar = A + static_cast<int64_t>(k) * T * T + static_cast<int64_t>(r) * T;
    const double* as = A + static_cast<int64_t>(k) * T * T + static_cast<int64_t>(s) * T;
    const double* bps = B + static_cast<int64_t>(k) * T * T + static_cast<int64_t>(ps) * T;
    const double* bpr = B + static_cast<int64_t>(k) * T * T + static_cast<int64_t>(pr) * T;
    double sum = 0;
    for (int e = 0; e < T; ++e) {
      const int pe = pi[e];
      sum += (ar[e] - as[e]) * (bps[pe] - bpr[pe]);
    }
    // the sum runs over e != r, s: take back the terms of e = r and e = s (no branch in the loop)
    sum += as[r] * bps[pr] + ar[s] * bpr[ps];
    d += 2 * sum;
  }
  return d;
}

/// The k-th pair (r, s), r < s, of T items in row-major order (0,1), (0,2), ..., (T-2,T-1):
/// the order of the batch scoring's output on both backends.
IVA_HD void qap_pair_of_index(int T, int64_t k, int* r_out, int* s_out) {
  // r = the largest row whose first index is <= k; first(r) = r*T - r*(r+1)/2
  const double tt = 2.0 * T - 1.0;
  int r = static_cast<int>((tt - sqrt(tt * tt - 8.0 * static_cast<double>(k))) / 2.0);
  if (r < 0) r = 0;
  if (r > T - 2) r = T - 2;
  while (r > 0 && static_cast<int64_t>(r) * T - static_cast<int64_t>(r) * (r + 1) / 2 > k) --r;
  while (r < T - 2 && static_cast<int64_t>(r + 1) * T - static_cast<int64_t>(r + 1) * (r + 2) / 2 <= k) ++r;
  const int64_t first = static_cast<int64_t>(r) * T - static_cast<int64_t>(r) * (r + 1) / 2;
  *r_out = r;
  *s_out = static_cast<int>(k - first) + r + 1;
}

/// Taillard's O(K) update: the delta of swap (r, s) after the swap (u, v) was applied (pi is the
/// permutation after it), for {r, s} disjoint from {u, v}; `old` is the delta before the swap.
IVA_HD double qap_swap_delta_update(const double* A, const double* B, int terms, int T, const int* pi, int r, int s,
                                    int u, int v, double old) {
  const int pr = pi[r], ps = pi[s], pu = pi[u], pv = pi[v];
  double d = old;
  for (int k = 0; k < terms; ++k) {
    const double* a = A + static_cast<int64_t>(k) * T * T;
    const double* b = B + static_cast<int64_t>(k) * T * T;
    d += (a[r * T + u] - a[r * T + v] + a[s * T + v] - a[s * T + u]) *
             (b[ps * T + pu] - b[ps * T + pv] + b[pr * T + pv] - b[pr * T + pu]) +
         (a[u * T + r] - a[v * T + r] + a[v * T + s] - a[u * T + s]) *
             (b[pu * T + ps] - b[pv * T + ps] + b[pv * T + pr] - b[pu * T + pr]);
  }
  return d;
}

}  // namespace kernels
}  // namespace ivassign
