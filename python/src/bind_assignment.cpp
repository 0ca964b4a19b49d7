// python/src/bind_assignment.cpp — AssignmentProblem from numpy arrays, solve_assignment,
// solve_with_vcg and a scipy-compatible linear_sum_assignment. The GIL is released during solves.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <tuple>

#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include "convert.hpp"
#include "ivassign/error.hpp"
#include "ivassign/solvers.hpp"
#include "ivassign/vcg.hpp"

namespace ivassign::py {

namespace {

template <class T, int D>
using In = nb::ndarray<const T, nb::ndim<D>, nb::c_contig, nb::device::cpu>;

std::string shape_text(std::initializer_list<std::size_t> dims) {
  std::string s = "(";
  for (auto it = dims.begin(); it != dims.end(); ++it) s += (it == dims.begin() ? "" : ", ") + std::to_string(*it);
  return s + (dims.size() == 1 ? ",)" : ")");
}

template <class A>
void require_shape(const char* name, const A& a, std::initializer_list<std::size_t> want) {
  std::size_t k = 0;
  for (std::size_t d : want) {
    if (a.shape(k) != d)
      throw InputError(std::string(name) + ": shape must be " + shape_text(want) + " (dimension " +
                       std::to_string(k) + " is " + std::to_string(a.shape(k)) + ")");
    ++k;
  }
}

void set_sparse(AssignmentProblem& p, const In<std::int64_t, 2>& idx, const In<double, 1>& val) {
  if (idx.shape(1) != 4 || idx.shape(0) != val.shape(0))
    throw InputError("sparse externalities: indices must be (k, 4) rows (i, j, p, q) and values (k,)");
  auto& e = p.externalities;
  e.form = ExternalityCosts::Form::Sparse;
  for (std::size_t k = 0; k < idx.shape(0); ++k) {
    const std::int64_t* r = idx.data() + 4 * k;
    e.sparse.push_back({static_cast<int>(r[0]), static_cast<int>(r[1]), static_cast<int>(r[2]),
                        static_cast<int>(r[3]), val.data()[k]});
  }
  std::sort(e.sparse.begin(), e.sparse.end(), [](const auto& a, const auto& b) {
    return std::tie(a.i, a.j, a.p, a.q) < std::tie(b.i, b.j, b.p, b.q);
  });
}

void set_factored(AssignmentProblem& p, const In<double, 2>& w, const In<double, 3>& b, const In<double, 3>& s) {
  const std::size_t n = static_cast<std::size_t>(p.buyers), m = static_cast<std::size_t>(p.sellers);
  const std::size_t t = w.shape(1);
  require_shape("factored weight", w, {n, t});
  require_shape("factored buyer", b, {t, n, n});
  require_shape("factored seller", s, {t, m, m});
  auto& e = p.externalities;
  e.form = ExternalityCosts::Form::Factored;
  e.terms = static_cast<int>(t);
  e.weight.assign(w.data(), w.data() + w.size());
  e.buyer.assign(b.data(), b.data() + b.size());
  e.seller.assign(s.data(), s.data() + s.size());
}

using Sparse = std::tuple<In<std::int64_t, 2>, In<double, 1>>;
using Factored = std::tuple<In<double, 2>, In<double, 3>, In<double, 3>>;

void init_problem(AssignmentProblem* self, In<double, 2> linear, std::optional<In<double, 4>> dense,
                  std::optional<Sparse> sparse, std::optional<Factored> factored,
                  std::optional<In<bool, 1>> allowed) {
  const std::size_t n = linear.shape(0), s = linear.shape(1);
  auto* p = new (self) AssignmentProblem(AssignmentProblem::linear_only(
      static_cast<int>(n), static_cast<int>(s), std::vector<double>(linear.data(), linear.data() + linear.size())));
  if ((dense ? 1 : 0) + (sparse ? 1 : 0) + (factored ? 1 : 0) > 1)
    throw InputError("externalities: give one of dense, sparse or factored");
  if (dense) {
    require_shape("dense externalities", *dense, {n, s, n, s});
    p->externalities.form = ExternalityCosts::Form::Dense;
    p->externalities.dense.assign(dense->data(), dense->data() + dense->size());
  }
  if (sparse) set_sparse(*p, std::get<0>(*sparse), std::get<1>(*sparse));
  if (factored) set_factored(*p, std::get<0>(*factored), std::get<1>(*factored), std::get<2>(*factored));
  if (allowed) {
    require_shape("allowed", *allowed, {n});
    p->allowed.assign(allowed->data(), allowed->data() + n);
  }
}

nb::dict result_fields(AssignmentResult&& r) {
  nb::dict d;
  d["assignment"] = to_numpy(std::move(r.assignment));
  d["objective"] = r.objective;
  d["optimal"] = r.optimal;
  d["status"] = to_string(r.status);
  d["upper_bound"] = r.upper_bound;
  d["iterations"] = r.iterations;
  d["seconds"] = r.seconds;
  d["solver"] = r.solver;
  d["backend"] = to_string(r.backend);
  d["row_duals"] = to_numpy(std::move(r.row_duals));
  d["col_duals"] = to_numpy(std::move(r.col_duals));
  return d;
}

/// [n][2] intervals as an (n, 2) array.
Array<double> intervals_to_numpy(const std::vector<std::array<double, 2>>& v) {
  std::vector<double> flat;
  flat.reserve(2 * v.size());
  for (const auto& x : v) flat.insert(flat.end(), x.begin(), x.end());
  return to_numpy(std::move(flat), {v.size(), 2});
}

nb::dict vcg_fields(VcgResult&& v) {
  nb::dict d;
  d["assignment"] = to_numpy(std::move(v.assignment));
  d["payoffs"] = to_numpy(std::move(v.payoffs));
  d["transfers"] = to_numpy(std::move(v.transfers));
  d["minus_i_welfare"] = to_numpy(std::move(v.minus_i_welfare));
  d["minus_i_upper_bound"] = to_numpy(std::move(v.minus_i_upper_bound));
  d["proven"] = flags_to_numpy(v.proven);
  d["transfer_error_bound"] = to_numpy(std::move(v.transfer_error_bound));
  d["transfer_interval"] = intervals_to_numpy(v.transfer_interval);
  d["utility_interval"] = intervals_to_numpy(v.utility_interval);
  d["stage2_gain_bound"] = to_numpy(std::move(v.stage2_gain_bound));
  d["transfers_certified"] = v.transfers_certified;
  d["full_improved"] = v.full_improved;
  d["welfare"] = v.welfare;
  d["welfare_upper_bound"] = v.welfare_upper_bound;
  d["welfare_gap"] = v.welfare_gap;
  d["welfare_proven"] = v.welfare_proven;
  d["certified_tolerance"] = v.certified_tolerance;
  d["optimal"] = v.optimal;
  return d;
}

/// The first entry of `cost` that is NaN or the invalid infinity (-inf; +inf when maximizing) as
/// scipy's ValueError text, with the entry named.
[[noreturn]] void throw_invalid_entry(const double* c, std::size_t n, std::size_t m, bool maximize) {
  const double bad = maximize ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
  std::size_t k = 0;
  while (k + 1 < n * m && !(std::isnan(c[k]) || c[k] == bad)) ++k;
  throw InputError("cost matrix contains invalid numeric entries: entry (" + std::to_string(k / m) + ", " +
                   std::to_string(k % m) + ") is " + (std::isnan(c[k]) ? "NaN" : maximize ? "+inf" : "-inf") +
                   " (" + (maximize ? "-inf" : "+inf") + " marks a forbidden pair)");
}

/// "{a, b, ...}" of at most 8 sorted indices.
std::string index_set(std::vector<int> v) {
  std::sort(v.begin(), v.end());
  std::string s = "{";
  for (std::size_t k = 0; k < v.size() && k < 8; ++k) s += (k ? ", " : "") + std::to_string(v[k]);
  return s + (v.size() > 8 ? ", ... " + std::to_string(v.size() - 8) + " more}" : "}");
}

/// scipy's "cost matrix is infeasible", with the rows and columns that break Hall's condition.
std::string infeasible_text(const InfeasibleMatching& e) {
  auto count = [](std::size_t k, bool columns) {
    return std::to_string(k) + (columns ? " column" : " row") + (k == 1 ? " " : "s ");
  };
  return "cost matrix is infeasible: the " + count(e.rows.size(), e.transposed) + index_set(e.rows) +
         (e.rows.size() == 1 ? " has" : " have") + " finite costs only in the " + count(e.cols.size(), !e.transposed) + index_set(e.cols) +
         ", so no full matching avoids the forbidden (infinite) pairs";
}

/// scipy.optimize.linear_sum_assignment: the min(n, m) pairs of least (or most) total cost, as
/// solve_lap_complete on w = -cost (maximize: w = cost). +inf costs (maximize: -inf) become -inf
/// weights, forbidden pairs; NaN and the other infinity are invalid (ValueError, as scipy). No
/// complete matching without forbidden pairs: ValueError "cost matrix is infeasible: ..." naming the
/// rows and columns that break Hall's condition. The third value is the library's solve time in
/// seconds (0 for an empty matrix), for the benchmark.
std::tuple<Array<std::int64_t>, Array<std::int64_t>, double> linear_sum_assignment(In<double, 2> cost,
                                                                                    bool maximize) {
  const std::size_t n = cost.shape(0), m = cost.shape(1), count = n * m;
  const double* c = cost.data();
  std::vector<double> w(count);
  const double sign = maximize ? 1.0 : -1.0, inf = std::numeric_limits<double>::infinity();
  int ok = 1;  // branch-free, so the loop vectorizes: every w < +inf (NaN fails too)
  double* out = w.data();
  for (std::size_t k = 0; k < count; ++k) {
    const double x = sign * c[k];
    out[k] = x;
    ok &= static_cast<int>(x < inf);
  }
  if (!ok) throw_invalid_entry(c, n, m, maximize);
  std::vector<std::int64_t> rows, cols;
  double seconds = 0.0;
  if (n > 0 && m > 0) {
    AssignmentResult r;
    try {
      nb::gil_scoped_release release;
      r = solve_lap_complete(AssignmentProblem::linear_only(static_cast<int>(n), static_cast<int>(m), std::move(w)));
    } catch (const InfeasibleMatching& e) {
      throw InputError(infeasible_text(e));
    }
    seconds = r.seconds;
    for (std::size_t i = 0; i < n; ++i)
      if (r.assignment[i] >= 0) {
        rows.push_back(static_cast<std::int64_t>(i));
        cols.push_back(r.assignment[i]);
      }
  }
  return {to_numpy(std::move(rows)), to_numpy(std::move(cols)), seconds};
}

}  // namespace

void bind_assignment(nb::module_& m) {
  nb::class_<AssignmentProblem>(m, "AssignmentProblem",
                                "Maximize sum_i g_i(z) over partial matchings z, g_i = w_ij - sum c_ij^pq z_pq.")
      .def("__init__", &init_problem, nb::arg("linear"), nb::kw_only(), nb::arg("dense") = nb::none(),
           nb::arg("sparse") = nb::none(), nb::arg("factored") = nb::none(), nb::arg("allowed") = nb::none(),
           "linear: (n, s) weights w_ij = u_ij - v_ij; dense: (n, s, n, s) costs c[i, j, p, q] >= 0; "
           "sparse: (indices (k, 4) of (i, j, p, q), values (k,)); factored: (weight (n, T), buyer (T, n, n), "
           "seller (T, s, s)), c_ij^pq = sum_t weight[i, t] buyer[t, i, p] seller[t, j, q]; allowed: (n,) bool.")
      .def_ro("buyers", &AssignmentProblem::buyers)
      .def_ro("sellers", &AssignmentProblem::sellers)
      .def_prop_ro("has_externalities", &AssignmentProblem::has_externalities)
      .def("objective", &AssignmentProblem::objective, nb::arg("assignment"),
           "sum_i g_i(z) of a matching (assignment[i] = seller of buyer i or -1).")
      .def("payoffs", [](const AssignmentProblem& p, const std::vector<int>& a) { return to_numpy(p.payoffs(a)); },
           nb::arg("assignment"), "g_i(z) of every buyer, shape (n,).")
      .def("check", &check_assignment, nb::arg("assignment"),
           "The objective of `assignment`; raises Error when it is not a partial matching.");
  m.def("_solve_assignment", [](const AssignmentProblem& p, const nb::dict& settings) {
    const SolverOptions o = solver_options(settings);
    AssignmentResult r;
    {
      nb::gil_scoped_release release;
      r = solve_assignment(p, o);
    }
    return result_fields(std::move(r));
  });
  m.def("_solve_with_vcg", [](const AssignmentProblem& p, const nb::dict& settings) {
    const VcgOptions o = vcg_options(settings);
    VcgResult v;
    AssignmentResult full;
    {
      nb::gil_scoped_release release;
      v = solve_with_vcg(p, o, &full);
    }
    nb::dict d = vcg_fields(std::move(v));
    d["solver"] = full.solver;
    return d;
  });
  m.def("_linear_sum_assignment", &linear_sum_assignment, nb::arg("cost"), nb::arg("maximize") = false,
        "Drop-in for scipy.optimize.linear_sum_assignment: (row_ind, col_ind) of a full matching of "
        "min(n, m) pairs with the least (maximize=True: the most) total cost, +inf (maximize: -inf) "
        "entries forbidden; cost: (n, m) array; third: the library's solve time in seconds.");
}

}  // namespace ivassign::py
