// kernels/device_off.cpp — the device interface (kernels/device_launch.hpp, kernels/device_system.hpp)
// of a build without a device path (IVASSIGN_DEVICE=OFF; CMakeLists.txt compiles this file instead of
// kernels/device_*.cu). src/ calls the device interface the same way in every build and never branches
// on the build: the queries answer "no device" (built() false, count() 0, the description names the
// CMake option), so resolve_backend never picks Backend::Device here, and every launcher, unreachable
// behind it, throws the InputError of a build without a device path.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ivassign/error.hpp"
#include "kernels/device_launch.hpp"
#include "kernels/device_system.hpp"

namespace ivassign::device {

namespace {

/// The one error of this build's device interface; `what` names the caller (the descent's device
/// state names SolverOptions::backend, the message LocalSearch::use_device gives).
[[noreturn]] void not_built(const std::string& what) {
  throw InputError(what + ": this build has no device path (configure with -DIVASSIGN_DEVICE=CUDA or OMP)");
}

}  // namespace

// --- kernels/device_system.hpp ---------------------------------------------------------------

bool built() { return false; }

const char* system_name() { return ""; }

int count() { return 0; }

std::string description() {
  return "no device path in this build (configure with -DIVASSIGN_DEVICE=CUDA or -DIVASSIGN_DEVICE=OMP)";
}

void memory_info(std::size_t&, std::size_t&) { not_built("backend device (device::memory_info)"); }

// --- kernels/device_launch.hpp ---------------------------------------------------------------

std::shared_ptr<const DeviceResidentTable> posterior_table(const TablePrior&, PosteriorTable&, std::uint64_t, bool) {
  not_built("backend device (device::posterior_table)");
}

RotsOutcome rots_multistart(const kernels::RotsProblem&, int, const int*, const std::uint64_t*, std::int64_t, double) {
  not_built("backend device (device::rots_multistart)");
}

struct DescentState::State {};
DescentState::DescentState(const DescentProblem&) { not_built("SolverOptions::backend device"); }
DescentState::~DescentState() = default;
void DescentState::reset(const int*) { not_built("SolverOptions::backend device"); }
void DescentState::set_allowed(const char*) { not_built("SolverOptions::backend device"); }
void DescentState::relocate(int, int, int, bool) { not_built("SolverOptions::backend device"); }
void DescentState::settle() { not_built("SolverOptions::backend device"); }
void DescentState::restore_settled() { not_built("SolverOptions::backend device"); }
kernels::DescentChoice DescentState::best_move(int, int, double) { not_built("SolverOptions::backend device"); }
double DescentState::value() const { not_built("SolverOptions::backend device"); }
void DescentState::download(double*, double*) const { not_built("SolverOptions::backend device"); }

struct CiSampler::State {};
CiSampler::CiSampler(const kernels::CiSampleView&, std::uint64_t, bool) {
  not_built("backend device (device::CiSampler)");
}
CiSampler::~CiSampler() = default;
std::uint64_t CiSampler::bytes(const kernels::CiSampleView&, std::uint64_t, bool) {
  not_built("backend device (device::CiSampler)");
}
bool CiSampler::fits(const kernels::CiSampleView&, std::uint64_t, bool) { not_built("backend device (device::CiSampler)"); }
void CiSampler::distances(int, int, const double*, double*) const { not_built("backend device (device::CiSampler)"); }
void CiSampler::importance(int, int, const double*, double, double*, double*) const {
  not_built("backend device (device::CiSampler)");
}

std::uint64_t count_vector_bytes(std::uint64_t, int) { not_built("backend device (device::count_vector_bytes)"); }

bool count_vector_pairs(const kernels::CountVectorView&, const std::uint32_t*, std::uint64_t, const double*, double,
                        std::vector<double>&, std::vector<double>&) {
  not_built("backend device (device::count_vector_pairs)");
}

double copy_bandwidth(std::size_t, int) { not_built("backend device (device::copy_bandwidth)"); }

std::uint64_t table_measures_bytes(const PosteriorTable&) { not_built("backend device (device::table_measures_bytes)"); }

bool table_measures(const PosteriorTable&, bool, double, std::vector<std::vector<double>>&,
                    std::vector<std::vector<double>>&, std::vector<std::vector<double>>&,
                    std::vector<std::vector<double>>&, std::vector<double>&) {
  not_built("backend device (device::table_measures)");
}

void qap_swap_deltas(const double*, const double*, const double*, int, int, const int*, int, double*, double*) {
  not_built("backend device (device::qap_swap_deltas)");
}

std::uint64_t lap_batch_bytes_per_problem(int, int) { not_built("backend device (device::lap_batch_bytes_per_problem)"); }

void lap_batch(int, int, int, const double*, int*, double*, double*, double*, std::int64_t*, int) {
  not_built("backend device (device::lap_batch)");
}

bool audit_lies(const PosteriorTable&, const SocialInput&, double, double, std::vector<AuditLie>&) {
  not_built("backend device (device::audit_lies)");
}

bool epic_groups(const PosteriorTable&, const SocialInput&, double, std::vector<double>&, std::vector<char>&) {
  not_built("backend device (device::epic_groups)");
}

}  // namespace ivassign::device
