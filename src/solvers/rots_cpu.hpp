// The CPU's entry to the symmetric robust tabu search (kernels/qap_rots.cuh): rots_run_symmetric
// compiled for AVX2 where the CPU has it (checked once at run time), the plain build elsewhere.
// Without FMA both round alike, so the two give the same moves and tables bit for bit
// (tests/solvers/test_rots.cpp).
#pragma once
#include <cstdint>

#include "kernels/qap_rots.cuh"

namespace ivassign {

/// kernels::rots_run_symmetric(P, S, W, until) on the widest vector unit this CPU offers.
void rots_run_symmetric_cpu(const kernels::RotsProblem& P, const kernels::RotsStart& S,
                            const kernels::RotsSymmetricWork& W, std::int64_t until);

/// Whether rots_run_symmetric_cpu takes the AVX2 build here.
bool rots_cpu_uses_avx2();

}  // namespace ivassign
