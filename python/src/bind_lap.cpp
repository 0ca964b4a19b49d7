// python/src/bind_lap.cpp — the linear assignment solver (solvers.hpp solve_lap) on one weight
// matrix or a batch of them (solve_lap_batch): assignment, objective and the duals. The GIL is
// released during the solves; a batch runs its problems on `threads` threads (each on one).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <nanobind/stl/string.h>

#include "convert.hpp"
#include "ivassign/backend.hpp"
#include "ivassign/error.hpp"
#include "ivassign/solvers.hpp"

namespace ivassign::py {

namespace {

template <class T, int D>
using In = nb::ndarray<const T, nb::ndim<D>, nb::c_contig, nb::device::cpu>;

void require_finite(const double* w, std::size_t count) {
  for (std::size_t k = 0; k < count; ++k)
    if (!std::isfinite(w[k])) throw InputError("weights contain invalid numeric entries (NaN or infinite)");
}

AssignmentResult lap(const double* w, std::size_t n, std::size_t s) {
  if (n > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
      s > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw InputError("weights: too many rows or columns");
  return solve_lap(AssignmentProblem::linear_only(static_cast<int>(n), static_cast<int>(s),
                                                  std::vector<double>(w, w + n * s)));
}

/// Copies `v` into out[0, width); NaN where v is shorter (a solver that returned no duals).
void put(const std::vector<double>& v, double* out, std::size_t width) {
  for (std::size_t k = 0; k < width; ++k) out[k] = k < v.size() ? v[k] : std::numeric_limits<double>::quiet_NaN();
}

nb::dict solve_one(In<double, 2> weights) {
  const std::size_t n = weights.shape(0), s = weights.shape(1);
  require_finite(weights.data(), n * s);
  AssignmentResult r;
  {
    nb::gil_scoped_release release;
    r = lap(weights.data(), n, s);
  }
  nb::dict d;
  d["assignment"] = to_numpy(std::move(r.assignment));
  d["objective"] = r.objective;
  std::vector<double> row(n), col(s);
  put(r.row_duals, row.data(), n);
  put(r.col_duals, col.data(), s);
  d["row_duals"] = to_numpy(std::move(row));
  d["col_duals"] = to_numpy(std::move(col));
  d["seconds"] = r.seconds;
  return d;
}

nb::dict solve_batch(In<double, 3> weights, int threads, const std::string& backend) {
  const std::size_t b = weights.shape(0), n = weights.shape(1), s = weights.shape(2);
  if (threads < 0) throw InputError("threads: " + std::to_string(threads) + " must be >= 0 (0: all cores)");
  const double* w = weights.data();
  require_finite(w, b * n * s);
  if (b > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
      n > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
      s > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw InputError("weights: too many problems, rows or columns");
  LapBatchOptions options;
  options.threads = threads;
  options.backend = parse_backend(backend);
  LapBatchResult r;
  {
    nb::gil_scoped_release release;
    r = solve_lap_batch(static_cast<int>(b), static_cast<int>(n), static_cast<int>(s),
                        std::vector<double>(w, w + b * n * s), options);
  }
  std::vector<std::int32_t> assignment(r.assignment.begin(), r.assignment.end());
  nb::dict d;
  d["assignment"] = to_numpy(std::move(assignment), {b, n});
  d["objective"] = to_numpy(std::move(r.objective));
  d["row_duals"] = to_numpy(std::move(r.row_duals), {b, n});
  d["col_duals"] = to_numpy(std::move(r.col_duals), {b, s});
  d["seconds"] = to_numpy(std::move(r.problem_seconds));
  d["backend"] = to_string(r.backend);
  return d;
}

}  // namespace

void bind_lap(nb::module_& m) {
  m.def("_solve_lap", &solve_one, nb::arg("weights"),
        "Maximum-weight partial matching of the (n, s) weights (solve_lap): assignment (n,), objective, "
        "row_duals (n,), col_duals (s,), seconds.");
  m.def("_solve_lap_batch", &solve_batch, nb::arg("weights"), nb::arg("threads") = 0,
        nb::arg("backend") = "cpu",
        "solve_lap on each (n, s) matrix of the (B, n, s) weights: assignment (B, n), objective (B,), "
        "row_duals (B, n), col_duals (B, s), seconds (B,), backend (where it ran).");
}

}  // namespace ivassign::py
