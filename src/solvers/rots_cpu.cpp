// The AVX2 build of kernels::rots_run_symmetric and its run-time dispatch (src/solvers/rots_cpu.hpp).
#include "solvers/rots_cpu.hpp"

namespace ivassign {

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
namespace {
/// Every call inlined (flatten) and compiled for AVX2 but not FMA: the plain build's roundings.
__attribute__((target("avx2"), flatten)) void run_symmetric_avx2(const kernels::RotsProblem& P,
                                                               const kernels::RotsStart& S,
                                                               const kernels::RotsSymmetricWork& W, std::int64_t until) {
  kernels::rots_run_symmetric(P, S, W, until);
}
}  // namespace

bool rots_cpu_uses_avx2() {
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes;
}

void rots_run_symmetric_cpu(const kernels::RotsProblem& P, const kernels::RotsStart& S,
                            const kernels::RotsSymmetricWork& W, std::int64_t until) {
  if (rots_cpu_uses_avx2())
    run_symmetric_avx2(P, S, W, until);
  else
    kernels::rots_run_symmetric(P, S, W, until);
}
#else
bool rots_cpu_uses_avx2() { return false; }

void rots_run_symmetric_cpu(const kernels::RotsProblem& P, const kernels::RotsStart& S,
                            const kernels::RotsSymmetricWork& W, std::int64_t until) {
  kernels::rots_run_symmetric(P, S, W, until);
}
#endif

}  // namespace ivassign
