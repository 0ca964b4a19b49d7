// Dense square LAP: Jonker & Volgenant (1987) LAPJV — column reduction with reduction transfer,
// two rounds of augmenting row reduction, then shortest augmenting paths (Dijkstra on reduced costs)
// that settle every column at the current minimum distance at once (ties) and scan one cost row per
// step in a single contiguous pass (no index lists, so the compiler vectorizes it; AVX2 and AVX-512
// clones are picked at run time where the CPU has them).
//
// Written on the profit matrix P (maximize): cost c_ij = -p_ij, so nothing is copied when the
// problem is already square. Columns settled in the current search are masked by vv_j = -inf
// (every h = base - p_ij - vv_j is then +inf) and d_j = +inf; their distances are kept aside.
#include "solvers/lap.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ivassign/error.hpp"

#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#define IVASSIGN_LAP_AVX2 1
#else
#define IVASSIGN_LAP_AVX2 0
#endif

namespace ivassign::lap {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Augmenting row reduction stops after this many steps per free row of the round (on costs without
// structure, e.g. Euclidean distances, it otherwise bounces prices between rows for O(n^2) steps;
// shortest paths settle the rest faster). Measured: 4..16 equally good, unbounded 2-6x slower.
constexpr std::int64_t kRowReductionSteps = 16;

// One Dijkstra step: relax every column from one row, h_k = base - p_k - vv_k; returns min_k d_k.
double scan_row_plain(const double* __restrict p, const double* __restrict vv, double* __restrict d,
                      std::int64_t* __restrict pred, int n, double base, std::int64_t row) {
  double low = kInf;
  for (int k = 0; k < n; ++k) {
    const double h = base - p[k] - vv[k];
    if (h < d[k]) {
      d[k] = h;
      pred[k] = row;
    }
    low = d[k] < low ? d[k] : low;
  }
  return low;
}

// The smallest and second smallest c_ij - v_j of a row (augmenting row reduction), c = -p; the first
// index on ties.
void two_smallest_plain(const double* p, const double* v, int n, int& j1, double& v1, int& j2, double& v2) {
  j1 = 0;
  v1 = -p[0] - v[0];
  j2 = -1;
  v2 = kInf;
  for (int j = 1; j < n; ++j) {
    const double c = -p[j] - v[j];
    if (c < v2) {
      if (c >= v1) {
        v2 = c;
        j2 = j;
      } else {
        v2 = v1;
        v1 = c;
        j2 = j1;
        j1 = j;
      }
    }
  }
}

// Column reduction of one row: v_j = min(v_j, c_ij), a_j = i where it drops.
void column_min_plain(const double* p, double* v, double* a, int n, double row) {
  for (int j = 0; j < n; ++j)
    if (-p[j] < v[j]) {
      v[j] = -p[j];
      a[j] = row;
    }
}

#if IVASSIGN_LAP_AVX2
__attribute__((target("avx2"))) void column_min_avx2(const double* p, double* v, double* a, int n, double row) {
  const __m256d zero = _mm256_setzero_pd(), r = _mm256_set1_pd(row);
  int j = 0;
  for (; j + 4 <= n; j += 4) {
    const __m256d c = _mm256_sub_pd(zero, _mm256_loadu_pd(p + j)), vj = _mm256_loadu_pd(v + j);
    const __m256d lower = _mm256_cmp_pd(c, vj, _CMP_LT_OQ);
    _mm256_storeu_pd(v + j, _mm256_blendv_pd(vj, c, lower));
    _mm256_storeu_pd(a + j, _mm256_blendv_pd(_mm256_loadu_pd(a + j), r, lower));
  }
  column_min_plain(p + j, v + j, a + j, n - j, row);
}

// scan_row with AVX2: four columns per step; pred is blended bitwise as doubles.
__attribute__((target("avx2"))) double scan_row_avx2(const double* __restrict p, const double* __restrict vv,
                                                     double* __restrict d, std::int64_t* __restrict pred, int n,
                                                     double base, std::int64_t row) {
  const __m256d b = _mm256_set1_pd(base);
  const __m256d r = _mm256_castsi256_pd(_mm256_set1_epi64x(row));
  __m256d low = _mm256_set1_pd(kInf);
  int k = 0;
  for (; k + 4 <= n; k += 4) {
    const __m256d h = _mm256_sub_pd(_mm256_sub_pd(b, _mm256_loadu_pd(p + k)), _mm256_loadu_pd(vv + k));
    const __m256d old = _mm256_loadu_pd(d + k);
    const __m256d better = _mm256_cmp_pd(h, old, _CMP_LT_OQ);
    const __m256d dk = _mm256_blendv_pd(old, h, better);
    _mm256_storeu_pd(d + k, dk);
    double* pk = reinterpret_cast<double*>(pred + k);
    _mm256_storeu_pd(pk, _mm256_blendv_pd(_mm256_loadu_pd(pk), r, better));
    low = _mm256_min_pd(dk, low);
  }
  alignas(32) double lanes[4];
  _mm256_store_pd(lanes, low);
  double out = std::min(std::min(lanes[0], lanes[1]), std::min(lanes[2], lanes[3]));
  if (k < n) out = std::min(out, scan_row_plain(p + k, vv + k, d + k, pred + k, n - k, base, row));
  return out;
}

// two_smallest with AVX2: each lane keeps its best two and their indices (as doubles), then merge.
__attribute__((target("avx2"))) void two_smallest_avx2(const double* p, const double* v, int n, int& j1, double& v1,
                                                       int& j2, double& v2) {
  __m256d m1 = _mm256_set1_pd(kInf), m2 = m1, i1 = _mm256_set1_pd(-1.0), i2 = i1;
  __m256d idx = _mm256_set_pd(3.0, 2.0, 1.0, 0.0);
  const __m256d four = _mm256_set1_pd(4.0), zero = _mm256_setzero_pd();
  int k = 0;
  for (; k + 4 <= n; k += 4, idx = _mm256_add_pd(idx, four)) {
    const __m256d c = _mm256_sub_pd(_mm256_sub_pd(zero, _mm256_loadu_pd(p + k)), _mm256_loadu_pd(v + k));
    const __m256d lt1 = _mm256_cmp_pd(c, m1, _CMP_LT_OQ), lt2 = _mm256_cmp_pd(c, m2, _CMP_LT_OQ);
    m2 = _mm256_blendv_pd(_mm256_blendv_pd(m2, c, lt2), m1, lt1);
    i2 = _mm256_blendv_pd(_mm256_blendv_pd(i2, idx, lt2), i1, lt1);
    m1 = _mm256_blendv_pd(m1, c, lt1);
    i1 = _mm256_blendv_pd(i1, idx, lt1);
  }
  alignas(32) double a1[4], a2[4], b1[4], b2[4];
  _mm256_store_pd(a1, m1);
  _mm256_store_pd(a2, m2);
  _mm256_store_pd(b1, i1);
  _mm256_store_pd(b2, i2);
  j1 = j2 = -1;
  v1 = v2 = kInf;
  auto offer = [&](double c, int j) {
    if (j < 0) return;
    if (c < v1 || (c == v1 && j < j1)) {
      v2 = v1, j2 = j1, v1 = c, j1 = j;
    } else if (j != j1 && (c < v2 || (c == v2 && (j2 < 0 || j < j2)))) {
      v2 = c, j2 = j;
    }
  };
  for (int l = 0; l < 4; ++l) {
    offer(a1[l], static_cast<int>(b1[l]));
    offer(a2[l], static_cast<int>(b2[l]));
  }
  for (; k < n; ++k) offer(-p[k] - v[k], k);
  if (j1 < 0) j1 = 0, v1 = -p[0] - v[0];  // every entry forbidden
}
#endif

using ScanFn = double (*)(const double*, const double*, double*, std::int64_t*, int, double, std::int64_t);
using TwoFn = void (*)(const double*, const double*, int, int&, double&, int&, double&);
using ColFn = void (*)(const double*, double*, double*, int, double);

// The AVX2 kernels where the CPU has AVX2 (checked at run time), the plain loops elsewhere.
bool use_avx2() {
#if IVASSIGN_LAP_AVX2
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes;
#else
  return false;
#endif
}
ScanFn scan_row_fn() {
#if IVASSIGN_LAP_AVX2
  if (use_avx2()) return scan_row_avx2;
#endif
  return scan_row_plain;
}
ColFn column_min_fn() {
#if IVASSIGN_LAP_AVX2
  if (use_avx2()) return column_min_avx2;
#endif
  return column_min_plain;
}
TwoFn two_smallest_fn() {
#if IVASSIGN_LAP_AVX2
  if (use_avx2()) return two_smallest_avx2;
#endif
  return two_smallest_plain;
}

class Jv {
 public:
  /// rows x cols of the matrix p (row stride ld), room for one more row and column (extend()).
  Jv(const double* p, int rows, int cols, std::size_t ld)
      : p_(p), n_(rows), m_(cols), ld_(ld), x_(rows + 1, -1), y_(cols + 1, -1), v_(cols + 1, kInf),
        vv_(cols + 1), d_(cols + 1), pred_(cols + 1) {}

  /// Square (rows == cols): column reduction, two rounds of augmenting row reduction, shortest paths.
  void run_square() {
    std::vector<int> free_rows = column_reduction();
    for (int round = 0; round < 2 && !free_rows.empty(); ++round) free_rows = row_reduction(free_rows);
    vv_ = v_;
    for (int f : free_rows) augment(f);
  }
  /// rows < cols: v = 0 and one shortest augmenting path per row (Crouse 2016); the columns left
  /// free keep v = 0.
  void run_rectangular() {
    std::fill(v_.begin(), v_.end(), 0.0);
    vv_ = v_;
    for (int i = 0; i < n_; ++i) augment(i);
  }
  /// After run_square: adds row and column n (the matrix's zero row and zero column) and augments
  /// the new row; v_n starts at the largest value that keeps every reduced cost c_in - u_i - v_n >= 0.
  void extend() {
    const int z = n_;
    double vz = kInf;
    for (int i = 0; i < n_; ++i) vz = std::min(vz, row(i)[x_[i]] + v_[x_[i]] - row(i)[z]);
    v_[z] = vv_[z] = vz;
    ++n_;
    ++m_;
    augment(z);
  }
  const std::vector<int>& x() const { return x_; }
  std::int64_t searches() const { return searches_; }
  const std::vector<double>& v() const { return v_; }

 private:
  const double* row(int i) const { return p_ + static_cast<std::size_t>(i) * ld_; }
  std::vector<int> column_reduction();
  std::vector<int> row_reduction(const std::vector<int>& free_rows);
  void augment(int f);
  bool settle(double mind, int& sink);

  const double* p_;
  int n_, m_;  // rows, columns
  std::size_t ld_;
  std::vector<int> x_, y_;  // column of each row, row of each column (-1: free)
  std::vector<double> v_, vv_, d_;
  std::vector<std::int64_t> pred_;
  std::vector<int> settled_, queue_;
  std::vector<double> settled_d_;
  std::int64_t searches_ = 0;
  ScanFn scan_ = scan_row_fn();
  TwoFn two_ = two_smallest_fn();
};

// v_j = min_i c_ij, each column's cheapest row takes it when still free; then reduction transfer:
// a row that holds a single column lowers that column's v by its second best reduced cost.
std::vector<int> Jv::column_reduction() {
  std::vector<double> arg(n_, 0.0);  // row indices as doubles (one vector type)
  const ColFn column_min = column_min_fn();
  for (int i = 0; i < n_; ++i) column_min(row(i), v_.data(), arg.data(), n_, i);
  std::vector<char> unique(n_, 1);
  for (int j = n_ - 1; j >= 0; --j) {
    const int i = static_cast<int>(arg[j]);
    if (x_[i] < 0) {
      x_[i] = j;
      y_[j] = i;
    } else {
      unique[i] = 0;
    }
  }
  std::vector<int> free_rows;
  for (int i = 0; i < n_; ++i) {
    if (x_[i] < 0) {
      free_rows.push_back(i);
    } else if (unique[i]) {
      const int j = x_[i];
      const double* pi = row(i);
      double low = kInf;
      for (int k = 0; k < n_; ++k)
        if (k != j) low = std::min(low, -pi[k] - v_[k]);
      if (low < kInf) v_[j] -= low;
    }
  }
  return free_rows;
}

// Augmenting row reduction: a free row takes its cheapest column at the price of the second
// cheapest and evicts the column's row, which becomes free (settles many rows at once on ties).
std::vector<int> Jv::row_reduction(const std::vector<int>& free_in) {
  std::vector<int> free_rows = free_in;
  const std::size_t n_free = free_rows.size();
  std::size_t current = 0, kept = 0;
  std::int64_t steps = 0;
  while (current < n_free) {
    ++steps;
    const int f = free_rows[current++];
    int j1, j2;
    double v1, v2;
    two_(row(f), v_.data(), n_, j1, v1, j2, v2);
    int i0 = y_[j1];
    const double v1_new = v_[j1] - (v2 - v1);
    const bool lowers = v2 < kInf && v1_new < v_[j1];
    if (steps > kRowReductionSteps * static_cast<std::int64_t>(n_free)) {  // thrashing: leave f to Dijkstra
      free_rows[kept++] = f;
      continue;
    }
    if (steps < static_cast<std::int64_t>(current) * n_) {
      if (lowers) {
        v_[j1] = v1_new;
      } else if (i0 >= 0 && j2 >= 0) {
        j1 = j2;
        i0 = y_[j2];
      }
      if (i0 >= 0) {
        if (lowers)
          free_rows[--current] = i0;
        else
          free_rows[kept++] = i0;
      }
    } else if (i0 >= 0) {
      free_rows[kept++] = i0;
    }
    x_[f] = j1;
    y_[j1] = f;
    if (i0 >= 0 && x_[i0] == j1) x_[i0] = -1;
  }
  free_rows.resize(kept);
  return free_rows;
}

// Settles every unsettled column with d_j <= mind; a free one among them ends the search.
bool Jv::settle(double mind, int& sink) {
  for (int k = 0; k < m_; ++k) {
    if (!(d_[k] <= mind)) continue;
    settled_.push_back(k);
    settled_d_.push_back(d_[k]);
    d_[k] = kInf;
    vv_[k] = -kInf;
    if (y_[k] < 0) {
      sink = k;
      return true;
    }
    queue_.push_back(k);
  }
  return false;
}

// Shortest augmenting path from free row f (Dijkstra over columns), dual update, path flip.
void Jv::augment(int f) {
  ++searches_;
  std::fill(d_.begin(), d_.begin() + m_, kInf);
  settled_.clear();
  settled_d_.clear();
  queue_.clear();
  double low = scan_(row(f), vv_.data(), d_.data(), pred_.data(), m_, 0.0, f);
  double mind = low;
  bool low_known = true;
  int sink = -1;
  std::size_t head = 0;
  while (sink < 0) {
    if (head == queue_.size()) {
      if (!low_known) low = *std::min_element(d_.begin(), d_.begin() + m_);
      if (!(low < kInf))
        throw Error("LAP solver: no augmenting path (every remaining pair is forbidden)");
      mind = low;
      if (settle(mind, sink)) break;
      low_known = false;
      continue;
    }
    const int j = queue_[head++];
    const int i = y_[j];
    const double dj = settled_d_[head - 1];  // queue_ and settled_ grow together until the sink
    low = scan_(row(i), vv_.data(), d_.data(), pred_.data(), m_, dj + row(i)[j] + v_[j], i);
    low_known = true;
    if (low <= mind) {
      if (settle(mind, sink)) break;
      low_known = false;
    }
  }
  for (std::size_t k = 0; k < settled_.size(); ++k) {
    const int j = settled_[k];
    v_[j] += settled_d_[k] - mind;
    vv_[j] = v_[j];
  }
  for (int j = sink;;) {
    const int i = static_cast<int>(pred_[j]);
    y_[j] = i;
    std::swap(j, x_[i]);
    if (i == f) break;
  }
}

}  // namespace

std::int64_t solve_square(const double* profit, int n, std::vector<int>& col_of_row, std::vector<double>& v) {
  Jv jv(profit, n, n, static_cast<std::size_t>(n));
  if (n > 0) jv.run_square();
  col_of_row = jv.x();
  col_of_row.resize(n);
  v = jv.v();
  v.resize(n);
  return jv.searches();
}

namespace {

// The matrix solve_dense hands to JV: R rows (buyers, or sellers when transposed) by C columns,
// entries max(w, 0) when clamped (partial matchings); when clamped and square, one zero row and one
// zero column more (R + 1 by C + 1, extend()).
struct Form {
  std::vector<int> rows;  // active buyers
  bool clamp = false, transpose = false, extra = false;
  int R = 0, C = 0;
  std::size_t ld = 0;
};

// Reads the solution back: a = p + v and b = -v, shifted so that min b = 0 (after extend(), the
// zero row's column has the smallest b; rectangular runs leave v = 0 on free columns already);
// pairs of value <= 0 count as unmatched when clamped.
void read_back(const AssignmentProblem& p, const Form& f, const double* P, const std::vector<int>& x,
               const std::vector<double>& v, DenseSolution& out) {
  const int cols = f.C + (f.extra ? 1 : 0);
  std::vector<double> b(cols);
  for (int c = 0; c < cols; ++c) b[c] = -v[c];
  const double t = cols > 0 ? *std::min_element(b.begin(), b.end()) : 0.0;
  for (double& x_b : b) x_b -= t;
  out.assignment.assign(p.buyers, -1);
  out.row_duals.assign(p.buyers, 0.0);
  out.col_duals.assign(p.sellers, 0.0);
  for (int r = 0; r < f.R; ++r) {
    const int c = x[r];
    const double pc = P[r * f.ld + c];
    const double a = pc + v[c] + t;
    const bool matched = c < f.C && (!f.clamp || pc > 0.0);
    if (f.transpose) {
      out.col_duals[r] = a;
      if (matched) out.assignment[f.rows[c]] = r;
    } else {
      out.row_duals[f.rows[r]] = a;
      if (matched) out.assignment[f.rows[r]] = c;
    }
  }
  for (int c = 0; c < f.C; ++c) (f.transpose ? out.row_duals[f.rows[c]] : out.col_duals[c]) = b[c];
}

// Writes the matrix (stride f.ld): rows of max(w, 0) (clamped) or w, zeros in the extra row/column.
void fill(const AssignmentProblem& p, const Form& f, double* m) {
  const std::size_t ld = f.ld;
  if (f.extra) {
    std::fill(m + f.R * ld, m + (f.R + 1) * ld, 0.0);
    for (int r = 0; r < f.R; ++r) m[r * ld + f.C] = 0.0;
  }
  if (f.transpose) {
    for (int c = 0; c < f.C; ++c) {
      const double* wi = p.linear.data() + static_cast<std::size_t>(f.rows[c]) * p.sellers;
      for (int r = 0; r < f.R; ++r) m[r * ld + c] = f.clamp ? std::max(wi[r], 0.0) : wi[r];
    }
    return;
  }
  for (int r = 0; r < f.R; ++r) {
    const double* wi = p.linear.data() + static_cast<std::size_t>(f.rows[r]) * p.sellers;
    double* out = m + r * ld;
    if (f.clamp) {
#pragma omp simd
      for (int c = 0; c < f.C; ++c) out[c] = wi[c] > 0.0 ? wi[c] : 0.0;
    } else {
      std::copy(wi, wi + f.C, out);
    }
  }
}

}  // namespace

WeightRange weight_range(const AssignmentProblem& p, const std::vector<char>& active) {
  WeightRange r;
  double lo = kInf, hi = -kInf, mag = 0.0;
  double nan = 0.0;
  for (int i = 0; i < p.buyers; ++i) {
    if (!active[i]) continue;
    const double* wi = p.linear.data() + static_cast<std::size_t>(i) * p.sellers;
#pragma omp simd reduction(min : lo) reduction(max : hi, mag) reduction(+ : nan)
    for (int j = 0; j < p.sellers; ++j) {
      const double x = wi[j];
      lo = x < lo ? x : lo;
      hi = x > hi ? x : hi;
      nan += x != x ? 1.0 : 0.0;
      const double a = x < 0 ? -x : x;
      mag = a > mag && a < kInf ? a : mag;
    }
  }
  r.min = lo;
  r.max = hi;
  r.magnitude = mag;
  r.nan = nan > 0.0;
  return r;
}

bool solve_dense(const AssignmentProblem& p, const std::vector<char>& active, const WeightRange& range, bool complete,
                 DenseSolution& out) {
  Form f;
  for (int i = 0; i < p.buyers; ++i)
    if (active[i]) f.rows.push_back(i);
  const int nr = static_cast<int>(f.rows.size()), s = p.sellers;
  const double min_w = range.min;
  if (range.nan || range.max == kInf) return false;
  if (complete && (nr > s || min_w == -kInf)) return false;
  f.clamp = !complete && !(min_w > 0.0);
  f.transpose = !complete && nr > s;
  f.R = f.transpose ? s : nr;
  f.C = f.transpose ? nr : s;
  f.extra = f.clamp && f.R == f.C && f.R > 0;
  f.ld = static_cast<std::size_t>(f.C) + (f.extra ? 1 : 0);
  const bool in_place = !f.clamp && !f.transpose && nr == p.buyers;
  std::vector<double> m;
  const double* P = p.linear.data();
  if (!in_place) {
    m.resize(f.ld * (static_cast<std::size_t>(f.R) + (f.extra ? 1 : 0)));
    fill(p, f, m.data());
    P = m.data();
  }
  Jv jv(P, f.R, f.C, f.ld);
  if (f.R == f.C && f.R > 0) jv.run_square();
  if (f.R < f.C) jv.run_rectangular();
  if (f.extra) jv.extend();
  out.searches = jv.searches();
  read_back(p, f, P, jv.x(), jv.v(), out);
  return true;
}

}  // namespace ivassign::lap
