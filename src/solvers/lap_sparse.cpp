// Sparse LAP on CSR input: shortest augmenting paths (Dijkstra with a binary heap over the columns a
// search reaches) with potentials, after a column reduction when square (Jonker & Volgenant 1987;
// the sparse form as in LAPMOD). Min-cost form on c = -w; only the stored pairs exist.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "ivassign/error.hpp"
#include "ivassign/solvers.hpp"
#include "solvers/lap.hpp"

namespace ivassign {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

void validate(const SparseLapProblem& p) {
  const std::string what = "sparse LAP: ";
  if (p.rows < 0 || p.cols < 0) throw InputError(what + "negative rows or columns");
  if (p.rows > p.cols)
    throw InputError(what + std::to_string(p.rows) + " rows cannot all be matched to " + std::to_string(p.cols) +
                     " columns (transpose the problem)");
  if (p.row_start.size() != static_cast<std::size_t>(p.rows) + 1 || p.row_start.front() != 0)
    throw InputError(what + "row_start must hold rows + 1 offsets starting at 0");
  const std::size_t nnz = static_cast<std::size_t>(p.row_start.back());
  if (p.col_index.size() != nnz || p.weight.size() != nnz)
    throw InputError(what + "col_index and weight must hold row_start[rows] = " + std::to_string(nnz) + " entries");
  std::vector<int> seen(p.cols, -1);
  for (int i = 0; i < p.rows; ++i) {
    if (p.row_start[i + 1] < p.row_start[i]) throw InputError(what + "row_start decreases at row " + std::to_string(i));
    if (p.row_start[i + 1] == p.row_start[i]) throw InputError(what + "row " + std::to_string(i) + " has no allowed pair");
    for (std::int64_t k = p.row_start[i]; k < p.row_start[i + 1]; ++k) {
      if (p.col_index[k] < 0 || p.col_index[k] >= p.cols)
        throw InputError(what + "entry " + std::to_string(k) + " (row " + std::to_string(i) + ") has column " +
                         std::to_string(p.col_index[k]) + " outside [0, " + std::to_string(p.cols) + ")");
      if (seen[p.col_index[k]] == i)
        throw InputError(what + "row " + std::to_string(i) + " lists column " + std::to_string(p.col_index[k]) +
                         " twice (entry " + std::to_string(k) + ")");
      seen[p.col_index[k]] = i;
      if (!std::isfinite(p.weight[k]))
        throw InputError(what + "entry " + std::to_string(k) + " (row " + std::to_string(i) + ", column " +
                         std::to_string(p.col_index[k]) + ") is not finite");
    }
  }
}

class SparseSolver {
 public:
  explicit SparseSolver(const SparseLapProblem& p)
      : p_(p), x_(p.rows, -1), xk_(p.rows, -1), y_(p.cols, -1), v_(p.cols, 0.0), d_(p.cols, kInf),
        pred_(p.cols, -1), pred_k_(p.cols, -1), done_(p.cols, 0) {}

  void run() {
    std::vector<int> free_rows;
    if (p_.rows == p_.cols) {
      column_reduction();
      for (int i = 0; i < p_.rows; ++i)
        if (x_[i] < 0) free_rows.push_back(i);
      for (int round = 0; round < 2 && !free_rows.empty(); ++round) free_rows = row_reduction(free_rows);
    } else {
      for (int i = 0; i < p_.rows; ++i) free_rows.push_back(i);
    }
    for (int f : free_rows) augment(f);
  }
  /// Square: from column duals v0 and a matching x0 instead of the column reduction. A row keeps its column
  /// of x0 where that pair exists and is still the row's cheapest reduced cost c_ij - v_j (the searches need
  /// every matched row on its cheapest), and the column is not kept by an earlier row; the others are
  /// re-augmented after the row reduction. Any v0 keeps the result exact.
  void run_from(const std::vector<double>& v0, const std::vector<int>& x0) {
    v_ = v0;
    std::vector<int> free_rows;
    for (int i = 0; i < p_.rows; ++i) {
      const int want = i < static_cast<int>(x0.size()) ? x0[static_cast<std::size_t>(i)] : -1;
      std::int64_t held = -1;
      double cheapest = kInf;
      for (std::int64_t k = p_.row_start[i]; k < p_.row_start[i + 1]; ++k) {
        const double c = cost(k) - v_[p_.col_index[k]];
        cheapest = std::min(cheapest, c);
        if (p_.col_index[k] == want) held = k;
      }
      if (held >= 0 && y_[want] < 0 && cost(held) - v_[want] <= cheapest) {
        x_[i] = want;
        xk_[i] = held;
        y_[want] = i;
      } else {
        free_rows.push_back(i);
      }
    }
    for (int round = 0; round < 2 && !free_rows.empty(); ++round) free_rows = row_reduction(free_rows);
    for (int f : free_rows) augment(f);
  }
  std::int64_t searches() const { return searches_; }
  const std::vector<int>& x() const { return x_; }
  const std::vector<std::int64_t>& entry() const { return xk_; }  ///< the matched pair's entry per row
  const std::vector<double>& v() const { return v_; }

 private:
  double cost(std::int64_t k) const { return -p_.weight[k]; }
  void column_reduction();
  std::vector<int> row_reduction(const std::vector<int>& free_rows);
  void augment(int f);
  void relax(int i, double base);

  const SparseLapProblem& p_;
  std::vector<int> x_;
  std::vector<std::int64_t> xk_;
  std::vector<int> y_;
  std::vector<double> v_, d_;
  std::vector<int> pred_;
  std::vector<std::int64_t> pred_k_;
  std::vector<char> done_;
  std::vector<int> touched_, settled_;
  using Item = std::pair<double, int>;
  std::vector<Item> heap_;  // a min-heap (std::push_heap with greater), kept allocated between searches
  std::int64_t searches_ = 0;
};

// Square only (every column ends matched, so v needs no zero): v_j = min_i c_ij over the stored pairs
// (a column nobody stores keeps v = 0 and the problem is infeasible anyway); each column's cheapest
// row takes it when still free, its reduced cost being 0.
void SparseSolver::column_reduction() {
  std::vector<double> low(p_.cols, kInf);
  std::vector<std::int64_t> arg(p_.cols, -1);
  for (int i = 0; i < p_.rows; ++i)
    for (std::int64_t k = p_.row_start[i]; k < p_.row_start[i + 1]; ++k) {
      const int j = p_.col_index[k];
      if (cost(k) < low[j]) {
        low[j] = cost(k);
        arg[j] = k;
      }
    }
  std::vector<int> row_of(p_.col_index.size());
  for (int i = 0; i < p_.rows; ++i)
    std::fill(row_of.begin() + p_.row_start[i], row_of.begin() + p_.row_start[i + 1], i);
  for (int j = 0; j < p_.cols; ++j) {
    if (arg[j] < 0) continue;
    v_[j] = low[j];
    const int i = row_of[arg[j]];
    if (x_[i] < 0) {
      x_[i] = j;
      xk_[i] = arg[j];
      y_[j] = i;
    }
  }
}

// Augmenting row reduction (square): a free row takes its cheapest column at the price of the second
// cheapest and evicts the column's row; at most kRowReductionSteps steps per free row (a step costs
// one row's pairs here, far less than a heap search: measured on the bench's sparse instances at
// n = 4000, 100 beats 16 by 1.5-2 x and 1000 or no bound by 1.2 x).
std::vector<int> SparseSolver::row_reduction(const std::vector<int>& free_in) {
  constexpr std::int64_t kRowReductionSteps = 100;
  std::vector<int> free_rows = free_in;
  const std::size_t n_free = free_rows.size();
  std::size_t current = 0, kept = 0;
  std::int64_t steps = 0;
  while (current < n_free) {
    const int f = free_rows[current++];
    if (++steps > kRowReductionSteps * static_cast<std::int64_t>(n_free)) {
      free_rows[kept++] = f;
      continue;
    }
    std::int64_t k1 = -1, k2 = -1;  // the entries of the smallest and second smallest c_fj - v_j
    double v1 = kInf, v2 = kInf;
    for (std::int64_t k = p_.row_start[f]; k < p_.row_start[f + 1]; ++k) {
      const double c = cost(k) - v_[p_.col_index[k]];
      if (c < v2) {
        if (c >= v1) {
          v2 = c;
          k2 = k;
        } else {
          v2 = v1;
          k2 = k1;
          v1 = c;
          k1 = k;
        }
      }
    }
    int j1 = p_.col_index[k1];
    int i0 = y_[j1];
    const double v1_new = v_[j1] - (v2 - v1);
    const bool lowers = v2 < kInf && v1_new < v_[j1];
    if (lowers) {
      v_[j1] = v1_new;
    } else if (i0 >= 0 && k2 >= 0) {
      k1 = k2;
      j1 = p_.col_index[k2];
      i0 = y_[j1];
    }
    if (i0 >= 0) {
      x_[i0] = -1;
      if (lowers)
        free_rows[--current] = i0;
      else
        free_rows[kept++] = i0;
    }
    x_[f] = j1;
    xk_[f] = k1;
    y_[j1] = f;
  }
  free_rows.resize(kept);
  return free_rows;
}

// d_k = min(d_k, base + c_ik - v_k) over row i's pairs (base = d of i's column minus u_i).
void SparseSolver::relax(int i, double base) {
  for (std::int64_t k = p_.row_start[i]; k < p_.row_start[i + 1]; ++k) {
    const int j = p_.col_index[k];
    if (done_[j]) continue;
    const double h = base + cost(k) - v_[j];
    if (h < d_[j]) {
      if (d_[j] == kInf) touched_.push_back(j);
      d_[j] = h;
      pred_[j] = i;
      pred_k_[j] = k;
      heap_.push_back({h, j});
      std::push_heap(heap_.begin(), heap_.end(), std::greater<Item>());
    }
  }
}

// Dijkstra from free row f over the columns (heap), potentials updated on the settled columns, the
// path flipped; a search that runs out of columns proves that no matching covers every row.
void SparseSolver::augment(int f) {
  ++searches_;
  touched_.clear();
  settled_.clear();
  heap_.clear();
  relax(f, 0.0);
  int sink = -1;
  double mind = 0.0;
  while (!heap_.empty()) {
    std::pop_heap(heap_.begin(), heap_.end(), std::greater<Item>());
    const auto [dist, j] = heap_.back();
    heap_.pop_back();
    if (done_[j] || dist > d_[j]) continue;
    done_[j] = 1;
    settled_.push_back(j);
    mind = dist;
    if (y_[j] < 0) {
      sink = j;
      break;
    }
    const int i = y_[j];
    relax(i, dist - (cost(xk_[i]) - v_[j]));  // u_i = c_ij - v_j on the matched pair
  }
  if (sink < 0)
    throw InputError("sparse LAP: no matching covers every row (row " + std::to_string(f) +
                     " cannot be added with its allowed pairs)");
  for (int j : settled_) v_[j] += d_[j] - mind;
  for (int j : touched_) {
    d_[j] = kInf;
    done_[j] = 0;
  }
  for (int j = sink;;) {
    const int i = pred_[j];
    y_[j] = i;
    xk_[i] = pred_k_[j];
    std::swap(j, x_[i]);
    if (i == f) break;
  }
}

}  // namespace

namespace lap {

std::vector<int> solve_sparse_square(const SparseLapProblem& problem, std::vector<double>& v, const std::vector<int>& x) {
  validate(problem);
  if (problem.rows != problem.cols) throw Error("solve_sparse_square: the problem is not square");
  SparseSolver solver(problem);
  if (v.size() == static_cast<std::size_t>(problem.cols))
    solver.run_from(v, x);
  else
    solver.run();
  v = solver.v();
  return solver.x();
}

}  // namespace lap

AssignmentResult solve_lap_sparse(const SparseLapProblem& problem, const SolverOptions&) {
  const auto start = std::chrono::steady_clock::now();
  validate(problem);
  SparseSolver solver(problem);
  solver.run();
  AssignmentResult r;
  r.assignment = solver.x();
  const std::vector<double>& v = solver.v();
  // a_i = w_ix - (-v_x), b = -v, shifted so that min b = 0 (0 already on free columns when rows < cols)
  r.col_duals.resize(problem.cols);
  for (int j = 0; j < problem.cols; ++j) r.col_duals[j] = -v[j];
  const double t = problem.cols > 0 ? *std::min_element(r.col_duals.begin(), r.col_duals.end()) : 0.0;
  for (double& b : r.col_duals) b -= t;
  r.row_duals.resize(problem.rows);
  for (int i = 0; i < problem.rows; ++i) {
    const int j = r.assignment[i];
    const std::int64_t k = solver.entry()[i];
    r.objective += problem.weight[k];
    r.row_duals[i] = problem.weight[k] - r.col_duals[j];
  }
  r.optimal = true;
  r.status = SolveStatus::Optimal;
  r.upper_bound = r.objective;
  r.iterations = solver.searches();
  r.solver = "lap-sparse";
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace ivassign
