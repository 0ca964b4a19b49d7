// kernels/posterior_launch.hpp — host-only interface to the CUDA posterior kernels
// (kernels/posterior_table.cu). Plain pointers to host memory in, results out; the launcher
// streams the profiles through the device in chunks that fit in free device memory.
#pragma once
#include <cstdint>

namespace ivassign::cuda {

/// Fills marginal[b] = P(b) and posterior[b*m + t] = rho_t(b) for b in [0, profiles).
/// Joint form: joint has m*profiles entries (theta slowest).
void posterior_table_joint(const double* joint, int states, std::uint64_t profiles, double* marginal,
                           double* posterior);

/// Conditionally independent forms (log space): log_lambda[m], log_q buyer blocks (m*K_i at
/// q_offset[i]), signals[n], strides[n].
void posterior_table_ci(const double* log_lambda, const double* log_q, std::uint64_t log_q_size,
                        const std::uint64_t* q_offset, const int* signals, const std::uint64_t* strides, int states,
                        int buyers, std::uint64_t profiles, double* marginal, double* posterior);

/// Conditionally independent forms in linear space (when no product underflows): P(theta, b) =
/// [lambda prod_{i < split} q_i] * [prod_{i >= split} q_i], the inner factor tabulated once.
void posterior_table_ci_factored(const double* lambda, const double* q, std::uint64_t q_size,
                                 const std::uint64_t* q_offset, const int* signals, const std::uint64_t* strides,
                                 int states, int buyers, int split, std::uint64_t inner_count, std::uint64_t profiles,
                                 double* marginal, double* posterior);

}  // namespace ivassign::cuda
