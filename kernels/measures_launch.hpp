// kernels/measures_launch.hpp — host-only interface to the CUDA information-measure kernels
// (kernels/measures.cu). Host pointers and std::vector in, results out; no CUDA types.
#pragma once
#include <cstdint>
#include <vector>

namespace ivassign::cuda {

/// Computes, for every buyer and pair b_i != r_i, the conditional norms, S_i, D_i, the variation
/// terms and nu_i from a full table (host memory). Returns false, computing nothing, when the
/// table does not fit in free device memory (the caller falls back to the CPU).
bool table_measures(const double* posterior, const double* marginal, int states, const std::vector<int>& signals,
                    std::uint64_t profiles, const std::vector<std::vector<double>>& signal_marginal, double tie,
                    std::vector<std::vector<double>>& norm, std::vector<std::vector<double>>& score_gain,
                    std::vector<std::vector<double>>& theorem1_sum, std::vector<std::vector<double>>& variation,
                    std::vector<double>& informational_size);

}  // namespace ivassign::cuda
