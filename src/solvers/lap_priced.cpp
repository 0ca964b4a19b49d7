// The LAP on candidate pairs made exact by pricing (src/solvers/lap_priced.hpp).
#include "solvers/lap_priced.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <utility>

#include "common/parallel.hpp"
#include "ivassign/solvers.hpp"
#include "ivassign/tolerances.hpp"
#include "solvers/lap.hpp"

namespace ivassign::lap {

namespace {
constexpr std::size_t kAddedPerRound = 4;  // pairs a row adds per pricing round
}

PricedLap::PricedLap(int rows, int cols, std::vector<char> active, int first_candidates, int threads)
    : rows_(rows), cols_(cols), first_(std::max(1, first_candidates)), threads_(std::max(1, threads)),
      active_(std::move(active)) {
  active_.resize(static_cast<std::size_t>(rows), 1);
  for (int i = 0; i < rows; ++i)
    if (active_[static_cast<std::size_t>(i)]) active_rows_.push_back(i);
  candidates_.resize(static_cast<std::size_t>(rows));
  member_.assign(static_cast<std::size_t>(rows) * cols, 0);
}

// Each active row's first_ columns of largest positive weight.
void PricedLap::first_candidates(const std::vector<double>& w) {
  std::vector<int> order;
  for (int i = 0; i < rows_; ++i) {
    if (!active_[i]) continue;
    const double* wi = w.data() + static_cast<std::size_t>(i) * cols_;
    order.clear();
    for (int j = 0; j < cols_; ++j)
      if (wi[j] > 0.0) order.push_back(j);
    const std::size_t keep = std::min(order.size(), static_cast<std::size_t>(first_));
    std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep), order.end(),
                     [wi](int a, int b) { return wi[a] > wi[b] || (wi[a] == wi[b] && a < b); });
    for (std::size_t k = 0; k < keep; ++k) {
      candidates_[i].push_back(order[k]);
      member_[static_cast<std::size_t>(i) * cols_ + order[k]] = 1;
    }
  }
}

// The candidates' LAP as one square problem, so that the last solve's duals can start the next: rows are
// the active rows r and a dummy d_j per column, columns the real ones and a dummy e_r per active row.
// Row r holds its candidates of weight w > 0 and e_r (0: "r unmatched"); d_j holds j (0: "j unsold") and
// e_r for every candidate (r, j) it mirrors (0), so every partial matching of the candidates extends
// (d_j takes e_r when r takes j) and every perfect matching is one of weight equal to its real pairs'.
// Its duals give b_j = -v_j and a_r = w_{r sigma(r)} - b_sigma(r) on the real pairs: feasible, tight on
// the matching (what smallest_prices needs; b may be negative).
void PricedLap::solve_candidates(const std::vector<double>& w, std::vector<double>& row_dual) {
  const std::vector<int>& row_index = active_rows_;  // real sparse row -> row
  const int R = static_cast<int>(row_index.size());
  SparseLapProblem sp;
  sp.rows = sp.cols = R + cols_;
  std::vector<std::vector<int>> mirror(static_cast<std::size_t>(cols_));
  for (int r = 0; r < R; ++r) {
    const int i = row_index[static_cast<std::size_t>(r)];
    const double* wi = w.data() + static_cast<std::size_t>(i) * cols_;
    for (int j : candidates_[i])
      if (wi[j] > 0.0) {
        sp.col_index.push_back(j);
        sp.weight.push_back(wi[j]);
        mirror[static_cast<std::size_t>(j)].push_back(cols_ + r);
      }
    sp.col_index.push_back(cols_ + r);
    sp.weight.push_back(0.0);
    sp.row_start.push_back(static_cast<std::int64_t>(sp.col_index.size()));
  }
  for (int j = 0; j < cols_; ++j) {
    sp.col_index.push_back(j);
    for (int e : mirror[static_cast<std::size_t>(j)]) sp.col_index.push_back(e);
    sp.weight.resize(sp.col_index.size(), 0.0);
    sp.row_start.push_back(static_cast<std::int64_t>(sp.col_index.size()));
  }
  matching_ = solve_sparse_square(sp, duals_, matching_);
  const std::vector<int>& x = matching_;
  Solution& out = solution_;
  out.assignment.assign(static_cast<std::size_t>(rows_), -1);
  out.price.resize(static_cast<std::size_t>(cols_));
  for (int j = 0; j < cols_; ++j) out.price[static_cast<std::size_t>(j)] = -duals_[static_cast<std::size_t>(j)];
  row_dual.assign(static_cast<std::size_t>(rows_), 0.0);
  std::fill(row_of_col_.begin(), row_of_col_.end(), -1);
  for (int r = 0; r < R; ++r) {
    const int i = row_index[static_cast<std::size_t>(r)], j = x[static_cast<std::size_t>(r)];
    if (j >= cols_) continue;
    out.assignment[i] = j;
    row_of_col_[j] = i;
    row_dual[i] = w[static_cast<std::size_t>(i) * cols_ + j] - out.price[static_cast<std::size_t>(j)];
  }
}

// q_j = b_j - p_j: shortest paths from the sources (q_j <= b_j for p_j >= 0; q_k <= b_k - w_rk for each
// unmatched row r) along the candidate edges sigma(r) -> k of reduced cost u_r + b_k - w_rk >= 0; then
// p = max(0, b - q) are the candidates' smallest equilibrium prices. O((cols + nnz) log cols).
void PricedLap::smallest_prices(const std::vector<double>& w, const std::vector<double>& row_dual) {
  std::vector<double>& b = solution_.price;
  std::vector<double> q(b);
  for (int r = 0; r < rows_; ++r) {
    if (!active_[r] || solution_.assignment[r] >= 0) continue;
    const double* wr = w.data() + static_cast<std::size_t>(r) * cols_;
    for (int k : candidates_[r]) q[k] = std::min(q[k], b[k] - wr[k]);
  }
  using Item = std::pair<double, int>;
  std::vector<Item> heap;
  heap.reserve(static_cast<std::size_t>(cols_));
  for (int k = 0; k < cols_; ++k) heap.push_back({q[k], k});
  std::make_heap(heap.begin(), heap.end(), std::greater<Item>());
  std::vector<char> done(static_cast<std::size_t>(cols_), 0);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), std::greater<Item>());
    const auto [d, j] = heap.back();
    heap.pop_back();
    if (done[j] || d > q[j]) continue;
    done[j] = 1;
    const int r = row_of_col_[j];
    if (r < 0) continue;
    const double* wr = w.data() + static_cast<std::size_t>(r) * cols_;
    for (int k : candidates_[r]) {
      const double h = q[j] + std::max(0.0, row_dual[r] + b[k] - wr[k]);
      if (!done[k] && h < q[k]) {
        q[k] = h;
        heap.push_back({h, k});
        std::push_heap(heap.begin(), heap.end(), std::greater<Item>());
      }
    }
  }
  for (int k = 0; k < cols_; ++k) b[k] = std::max(0.0, b[k] - q[k]);
}

// u_i over every column at the prices; pairs that beat u_i on the candidates by more than tol join them.
// True when none did.
bool PricedLap::price_out(const std::vector<double>& w) {
  Solution& out = solution_;
  out.payoff.assign(static_cast<std::size_t>(rows_), 0.0);
  std::vector<char> added(static_cast<std::size_t>(rows_), 0);
  parallel_tasks(static_cast<std::uint64_t>(rows_), threads_, [&](std::uint64_t r) {
    const int i = static_cast<int>(r);
    if (active_[i]) added[r] = price_row(w, i);
  });
  return std::none_of(added.begin(), added.end(), [](char a) { return a != 0; });
}

// Row i's payoff over every column; its kAddedPerRound most violating pairs join its candidates (adding
// all of them lets the first rounds' low prices pull in most of the matrix). True when any joined.
bool PricedLap::price_row(const std::vector<double>& w, int i) {
  Solution& out = solution_;
  const std::vector<double>& p = out.price;
  const double* wi = w.data() + static_cast<std::size_t>(i) * cols_;
  const int x = out.assignment[i];
  const double held = x >= 0 ? wi[x] - p[x] : 0.0;  // u_i on the candidates
  double best = 0.0;
  for (int j = 0; j < cols_; ++j) best = std::max(best, wi[j] - p[j]);
  out.payoff[i] = std::max(best, held);
  const double tol = tol::kLapTight * (1.0 + std::abs(held) + (x >= 0 ? std::abs(wi[x]) : 0.0));
  if (best <= held + tol) return false;
  std::vector<std::pair<double, int>> top;
  char* mi = member_.data() + static_cast<std::size_t>(i) * cols_;
  for (int j = 0; j < cols_; ++j)
    if (!mi[j] && wi[j] - p[j] > held + tol) top.push_back({wi[j] - p[j], j});
  const std::size_t keep = std::min(top.size(), kAddedPerRound);
  std::partial_sort(top.begin(), top.begin() + static_cast<std::ptrdiff_t>(keep), top.end(),
                    [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
  for (std::size_t k = 0; k < keep; ++k) {
    mi[top[k].second] = 1;
    candidates_[i].push_back(top[k].second);
  }
  return keep > 0;
}

const PricedLap::Solution& PricedLap::solve(const std::vector<double>& w) {
  if (row_of_col_.empty()) {
    row_of_col_.assign(static_cast<std::size_t>(cols_), -1);
    first_candidates(w);
  }
  Solution& out = solution_;
  out.rounds = 0;
  std::vector<double> row_dual;
  for (bool exact = false; !exact;) {
    ++out.rounds;
    solve_candidates(w, row_dual);
    smallest_prices(w, row_dual);
    exact = price_out(w);
  }
  out.value = 0.0;
  out.candidates = 0;
  for (int i = 0; i < rows_; ++i) {
    if (out.assignment[i] >= 0) out.value += w[static_cast<std::size_t>(i) * cols_ + out.assignment[i]];
    out.candidates += static_cast<std::int64_t>(candidates_[i].size());
  }
  out.dual = std::accumulate(out.payoff.begin(), out.payoff.end(), 0.0) +
             std::accumulate(out.price.begin(), out.price.end(), 0.0);
  return out;
}

}  // namespace ivassign::lap
