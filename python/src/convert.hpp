// python/src/convert.hpp — what the binding files share: numpy arrays out of std::vector (no copy:
// the vector is moved into a capsule that the array owns), and the settings dicts of the Python
// functions read into the library's option structs (settings.cpp).
#pragma once
#include <cstddef>
#include <initializer_list>
#include <utility>
#include <vector>

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>

#include "ivassign/assignment.hpp"
#include "ivassign/incentives.hpp"
#include "ivassign/mechanism.hpp"

namespace ivassign::py {

namespace nb = nanobind;

template <class T>
using Array = nb::ndarray<nb::numpy, T>;

/// The vector as a numpy array of `shape` (whose product must be v.size()), owning its memory.
template <class T>
Array<T> to_numpy(std::vector<T>&& v, std::initializer_list<std::size_t> shape) {
  auto* heap = new std::vector<T>(std::move(v));
  nb::capsule owner(heap, [](void* p) noexcept { delete static_cast<std::vector<T>*>(p); });
  return Array<T>(heap->data(), shape.size(), shape.begin(), owner);
}
template <class T>
Array<T> to_numpy(std::vector<T>&& v) {
  const std::size_t n = v.size();
  return to_numpy(std::move(v), {n});
}
/// A 0/1 char vector (the library's flags) as a numpy bool array.
Array<bool> flags_to_numpy(const std::vector<char>& v);

/// Solver settings (SolverOptions): solver, backend, time_limit, iteration_limit, seed, threads,
/// exact_size_limit, tabu_size_limit, target. An unknown key throws InputError.
SolverOptions solver_options(const nb::dict& settings);
/// VCG settings (VcgOptions): the solver's, plus bound_iterations, bound_work_limit, bound_time_limit.
VcgOptions vcg_options(const nb::dict& settings);
/// Mechanism settings (MechanismOptions): delta ("auto", "exact", "theorem1" or a number >= 0),
/// compute_exact_delta, backend, threads, max_exact_profiles, max_exact_work, VCG's (the solver's:
/// solver, time_limit, iteration_limit, seed, exact_size_limit, tabu_size_limit, target; the bound's:
/// bound_iterations, bound_work_limit, bound_time_limit) and the measures' (max_tensor_profiles, samples,
/// confidence, sample_pool_bytes). Keys other than solver, backend, sampler and delta are read by the
/// option tables' names (ivassign/options.hpp); every option is validated.
MechanismOptions mechanism_options(const nb::dict& settings);
/// Check settings (CheckOptions): the mechanism's, plus stage2_profiles, stage2_buyers,
/// random_misreports, local_search_steps, budget_samples.
CheckOptions check_options(const nb::dict& settings);
/// Replica settings (ReplicaOptions): sizes, k, welfare_samples, seed, and the solver's solver,
/// time_limit, threads.
ReplicaOptions replica_options(const nb::dict& settings);

void bind_assignment(nb::module_& m);
void bind_options(nb::module_& m);
void bind_mechanism(nb::module_& m);
void bind_lap(nb::module_& m);
void bind_social(nb::module_& m);
void bind_view(nb::module_& m);

}  // namespace ivassign::py
