// kernels/qap_swap_launch.hpp — host-only interface to the CUDA batch swap scorer
// (kernels/qap_swap.cu): plain host pointers in, deltas out.
#pragma once
#include <cstdint>

namespace ivassign::cuda {

/// deltas[b * P + k] = F(perm_b with pair k swapped) - F(perm_b), P = T(T-1)/2 pairs in the order of
/// kernels::qap_pair_of_index, for `batch` permutations (perms: batch * T). C: T*T, A and B:
/// terms * T*T (kernels/qap_delta.cuh). One block per permutation (it sits in shared memory).
void qap_swap_deltas(const double* C, const double* A, const double* B, int terms, int T, const int* perms, int batch,
                     double* deltas, double* kernel_seconds);

}  // namespace ivassign::cuda
