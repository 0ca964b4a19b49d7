// Dense square LAP: Jonker & Volgenant (1987) LAPJV — column reduction with reduction transfer,
// two rounds of augmenting row reduction, then shortest augmenting paths (Dijkstra on reduced costs)
// that settle every column at the current minimum distance at once (ties) and scan one cost row per
// step in a single contiguous pass (no index lists): AVX2 intrinsics where __builtin_cpu_supports
// says the CPU has AVX2, plain loops elsewhere (the build itself assumes only the baseline ISA).
// Rectangular problems (rows < columns) skip the reductions and run the shortest paths from v = 0.
//
// Written on the profit matrix P (maximize): cost c_ij = -p_ij, so nothing is copied when the
// problem is already square. Columns settled in the current search are masked by vv_j = -inf
// (every h = base - p_ij - vv_j is then +inf) and d_j = +inf; their distances are kept aside.
#include "solvers/lap.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

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

// Column reduction of one row: v_j = min(v_j, c_ij), a_j = i where it drops; t_j = 1 where c_ij
// equals the minimum so far (a tie: another row is as cheap), 0 where it drops.
void column_min_plain(const double* p, double* v, double* a, double* t, int n, double row) {
  for (int j = 0; j < n; ++j) {
    const double c = -p[j];
    if (c < v[j]) {
      v[j] = c;
      a[j] = row;
      t[j] = 0.0;
    } else if (c == v[j]) {
      t[j] = 1.0;
    }
  }
}

#if IVASSIGN_LAP_AVX2
__attribute__((target("avx2"))) void column_min_avx2(const double* p, double* v, double* a, double* t, int n,
                                                     double row) {
  const __m256d zero = _mm256_setzero_pd(), one = _mm256_set1_pd(1.0), r = _mm256_set1_pd(row);
  int j = 0;
  for (; j + 4 <= n; j += 4) {
    const __m256d c = _mm256_sub_pd(zero, _mm256_loadu_pd(p + j)), vj = _mm256_loadu_pd(v + j);
    const __m256d lower = _mm256_cmp_pd(c, vj, _CMP_LT_OQ), equal = _mm256_cmp_pd(c, vj, _CMP_EQ_OQ);
    _mm256_storeu_pd(v + j, _mm256_blendv_pd(vj, c, lower));
    _mm256_storeu_pd(a + j, _mm256_blendv_pd(_mm256_loadu_pd(a + j), r, lower));
    const __m256d tj = _mm256_blendv_pd(_mm256_loadu_pd(t + j), one, equal);
    _mm256_storeu_pd(t + j, _mm256_blendv_pd(tj, zero, lower));
  }
  column_min_plain(p + j, v + j, a + j, t + j, n - j, row);
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
    if (_mm256_movemask_pd(better)) {  // late in a search most blocks improve nothing: no stores
      _mm256_storeu_pd(d + k, dk);
      double* pk = reinterpret_cast<double*>(pred + k);
      _mm256_storeu_pd(pk, _mm256_blendv_pd(_mm256_loadu_pd(pk), r, better));
    }
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
  // two independent sets of lanes (columns k..k+3 and k+4..k+7) so the compare-blend chains overlap
  __m256d m1[2], m2[2], i1[2], i2[2];
  for (int s = 0; s < 2; ++s) {
    m1[s] = m2[s] = _mm256_set1_pd(kInf);
    i1[s] = i2[s] = _mm256_set1_pd(-1.0);
  }
  __m256d idx = _mm256_set_pd(3.0, 2.0, 1.0, 0.0);
  const __m256d four = _mm256_set1_pd(4.0), zero = _mm256_setzero_pd();
  int k = 0;
  for (; k + 8 <= n; k += 8) {
    for (int s = 0; s < 2; ++s, idx = _mm256_add_pd(idx, four)) {
      const double* pk = p + k + 4 * s;
      const double* vk = v + k + 4 * s;
      const __m256d c = _mm256_sub_pd(_mm256_sub_pd(zero, _mm256_loadu_pd(pk)), _mm256_loadu_pd(vk));
      const __m256d lt1 = _mm256_cmp_pd(c, m1[s], _CMP_LT_OQ), lt2 = _mm256_cmp_pd(c, m2[s], _CMP_LT_OQ);
      m2[s] = _mm256_blendv_pd(_mm256_blendv_pd(m2[s], c, lt2), m1[s], lt1);
      i2[s] = _mm256_blendv_pd(_mm256_blendv_pd(i2[s], idx, lt2), i1[s], lt1);
      m1[s] = _mm256_blendv_pd(m1[s], c, lt1);
      i1[s] = _mm256_blendv_pd(i1[s], idx, lt1);
    }
  }
  alignas(32) double a1[8], a2[8], b1[8], b2[8];
  for (int s = 0; s < 2; ++s) {
    _mm256_store_pd(a1 + 4 * s, m1[s]);
    _mm256_store_pd(a2 + 4 * s, m2[s]);
    _mm256_store_pd(b1 + 4 * s, i1[s]);
    _mm256_store_pd(b2 + 4 * s, i2[s]);
  }
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
  for (int l = 0; l < 8; ++l) {
    offer(a1[l], static_cast<int>(b1[l]));
    offer(a2[l], static_cast<int>(b2[l]));
  }
  for (; k < n; ++k) offer(-p[k] - v[k], k);
  if (j1 < 0) j1 = 0, v1 = -p[0] - v[0];  // every entry forbidden
}
#endif

// The first k in [from, n) with d_k <= bound, n when none.
int next_at_most_plain(const double* d, int from, int n, double bound) {
  for (int k = from; k < n; ++k)
    if (d[k] <= bound) return k;
  return n;
}

// Min, max (NaN ignored), NaN count and largest finite |x| of one row, folded into r.
void row_range_plain(const double* w, int n, WeightRange& r) {
  for (int j = 0; j < n; ++j) {
    const double x = w[j], a = std::abs(x);
    if (x != x) r.nan = true;
    if (x < r.min) r.min = x;
    if (x > r.max) r.max = x;
    if (a > r.magnitude && a < kInf) r.magnitude = a;
  }
}

#if IVASSIGN_LAP_AVX2
__attribute__((target("avx2"))) int next_at_most_avx2(const double* d, int from, int n, double bound) {
  const __m256d b = _mm256_set1_pd(bound);
  int k = from;
  for (; k + 4 <= n; k += 4) {
    const int mask = _mm256_movemask_pd(_mm256_cmp_pd(_mm256_loadu_pd(d + k), b, _CMP_LE_OQ));
    if (mask) return k + __builtin_ctz(static_cast<unsigned>(mask));
  }
  return next_at_most_plain(d, k, n, bound);
}

__attribute__((target("avx2"))) void row_range_avx2(const double* w, int n, WeightRange& r) {
  const __m256d sign = _mm256_set1_pd(-0.0), inf = _mm256_set1_pd(kInf);
  __m256d lo = _mm256_set1_pd(r.min), hi = _mm256_set1_pd(r.max), mag = _mm256_set1_pd(r.magnitude);
  __m256d nan = _mm256_setzero_pd();
  int j = 0;
  for (; j + 4 <= n; j += 4) {
    const __m256d x = _mm256_loadu_pd(w + j), a = _mm256_andnot_pd(sign, x);
    lo = _mm256_min_pd(x, lo);  // returns lo when x is NaN
    hi = _mm256_max_pd(x, hi);
    nan = _mm256_or_pd(nan, _mm256_cmp_pd(x, x, _CMP_UNORD_Q));
    mag = _mm256_max_pd(_mm256_and_pd(a, _mm256_cmp_pd(a, inf, _CMP_LT_OQ)), mag);
  }
  alignas(32) double l[4], h[4], m[4];
  _mm256_store_pd(l, lo);
  _mm256_store_pd(h, hi);
  _mm256_store_pd(m, mag);
  for (int k = 0; k < 4; ++k) {
    r.min = std::min(r.min, l[k]);
    r.max = std::max(r.max, h[k]);
    r.magnitude = std::max(r.magnitude, m[k]);
  }
  r.nan = r.nan || _mm256_movemask_pd(nan) != 0;
  row_range_plain(w + j, n - j, r);
}
#endif

using ScanFn = double (*)(const double*, const double*, double*, std::int64_t*, int, double, std::int64_t);
using TwoFn = void (*)(const double*, const double*, int, int&, double&, int&, double&);
using ColFn = void (*)(const double*, double*, double*, double*, int, double);

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
using NextFn = int (*)(const double*, int, int, double);
NextFn next_at_most_fn() {
#if IVASSIGN_LAP_AVX2
  if (use_avx2()) return next_at_most_avx2;
#endif
  return next_at_most_plain;
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
  /// rows < cols: v = 0, each row takes its cheapest column when free, and one shortest augmenting
  /// path per remaining row (Crouse 2016); the columns left free keep v = 0.
  void run_rectangular() {
    std::fill(v_.begin(), v_.end(), 0.0);
    vv_ = v_;
    std::vector<int> free_rows;
    for (int i = 0; i < n_; ++i) {  // a row whose cheapest column is free takes it (v stays 0)
      int j1, j2;
      double v1, v2;
      two_(row(i), v_.data(), m_, j1, v1, j2, v2);
      if (v1 < kInf && y_[j1] < 0) {  // v1 = +inf: every pair of the row is forbidden
        x_[i] = j1;
        y_[j1] = i;
      } else {
        free_rows.push_back(i);
      }
    }
    for (int f : free_rows) augment(f);
  }
  /// After run_square: adds a zero row and a zero column (n; not stored) and augments the new row;
  /// v_n starts at the largest value that keeps every reduced cost 0 - u_i - v_n >= 0.
  void extend() {
    const int z = n_;
    double vz = kInf;
    for (int i = 0; i < n_; ++i) vz = std::min(vz, row(i)[x_[i]] + v_[x_[i]]);
    v_[z] = vv_[z] = vz;
    zeros_.assign(m_ + 1, 0.0);
    ++n_;
    ++m_;
    zero_ = z;
    augment(z);
  }
  /// The problem's index of each row (for Infeasible's message); rows are their own names without.
  void set_names(const std::vector<int>* names) { names_ = names; }
  const std::vector<int>& x() const { return x_; }
  std::int64_t searches() const { return searches_; }
  const std::vector<double>& v() const { return v_; }

 private:
  const double* row(int i) const { return i == zero_ ? zeros_.data() : p_ + static_cast<std::size_t>(i) * ld_; }
  double profit(int i, int j) const { return j == zero_ ? 0.0 : row(i)[j]; }
  double scan(int i, double base);
  std::vector<int> column_reduction();
  std::vector<int> row_reduction(const std::vector<int>& free_rows);
  void augment(int f);
  bool settle(double mind, int& sink);
  int free_row_at(int j, double c) const;
  int row_name(int r) const { return names_ ? (*names_)[r] : r; }
  [[noreturn]] void throw_infeasible(int f) const;
  [[noreturn]] void throw_infeasible_column(int j) const;

  const double* p_;
  int n_, m_;  // rows, columns
  std::size_t ld_;
  int zero_ = -1;              // the zero row and column extend() added (not in p_)
  std::vector<double> zeros_;  // that row
  std::vector<int> x_, y_;  // column of each row, row of each column (-1: free)
  std::vector<double> v_, vv_, d_;
  std::vector<std::int64_t> pred_;
  std::vector<int> settled_, queue_;
  std::vector<double> settled_d_;
  std::int64_t searches_ = 0;
  const std::vector<int>* names_ = nullptr;  // the problem's row of each of ours (set_names)
  ScanFn scan_ = scan_row_fn();
  TwoFn two_ = two_smallest_fn();
  NextFn next_ = next_at_most_fn();
};

// v_j = min_i c_ij; the columns in increasing order each go to their cheapest row when it is still
// free, else (on a tie) to the lowest-index free row as cheap; then reduction transfer: a row that
// holds a single column lowers that column's v by its second best reduced cost.
std::vector<int> Jv::column_reduction() {
  std::vector<double> arg(n_, 0.0), tie(n_, 0.0);  // row indices and tie flags as doubles (one vector type)
  const ColFn column_min = column_min_fn();
  for (int i = 0; i < n_; ++i) column_min(row(i), v_.data(), arg.data(), tie.data(), n_, i);
  std::vector<char> unique(n_, 1);
  for (int j = 0; j < n_; ++j) {
    if (!(v_[j] < kInf)) throw_infeasible_column(j);
    int i = static_cast<int>(arg[j]);
    if (x_[i] >= 0) {
      unique[i] = 0;
      i = tie[j] != 0.0 ? free_row_at(j, v_[j]) : -1;
    }
    if (i >= 0) {
      x_[i] = j;
      y_[j] = i;
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
    if (!(v1 < kInf)) throw Infeasible({row_name(f)}, {});  // every pair of row f is forbidden
    if (!(v2 < kInf)) j2 = -1;                               // its only finite pair is j1
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

// The lowest-index free row whose cost in column j is c (the column's minimum), -1 when none.
int Jv::free_row_at(int j, double c) const {
  for (int r = 0; r < n_; ++r)
    if (x_[r] < 0 && -row(r)[j] == c) return r;
  return -1;
}

// No free column is reachable from free row f through finite pairs: the search's rows (f and the
// rows of the columns it settled) have finite pairs only in those columns, one fewer (Hall).
void Jv::throw_infeasible(int f) const {
  std::vector<int> rows{row_name(f)}, cols;
  for (int j : settled_) {
    rows.push_back(row_name(y_[j]));
    cols.push_back(j);
  }
  throw Infeasible(std::move(rows), std::move(cols));
}

// Column j has no finite pair: all rows (square) share the other n - 1 columns.
void Jv::throw_infeasible_column(int j) const {
  std::vector<int> rows, cols;
  for (int r = 0; r < n_; ++r) rows.push_back(row_name(r));
  for (int k = 0; k < m_; ++k)
    if (k != j) cols.push_back(k);
  throw Infeasible(std::move(rows), std::move(cols));
}

// scan_ over row i's stored columns, then the zero column (cost 0) when extend() added it.
double Jv::scan(int i, double base) {
  if (zero_ < 0) return scan_(row(i), vv_.data(), d_.data(), pred_.data(), m_, base, i);
  double low = scan_(row(i), vv_.data(), d_.data(), pred_.data(), zero_, base, i);
  const double h = base - vv_[zero_];
  if (h < d_[zero_]) {
    d_[zero_] = h;
    pred_[zero_] = i;
  }
  return std::min(low, d_[zero_]);
}

// Settles every unsettled column with d_j <= mind; a free one among them ends the search.
bool Jv::settle(double mind, int& sink) {
  for (int k = next_(d_.data(), 0, m_, mind); k < m_; k = next_(d_.data(), k + 1, m_, mind)) {
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
  double low = scan(f, 0.0);
  double mind = low;
  bool low_known = true;
  int sink = -1;
  std::size_t head = 0;
  while (sink < 0) {
    if (head == queue_.size()) {
      if (!low_known) low = *std::min_element(d_.begin(), d_.begin() + m_);
      if (!(low < kInf)) throw_infeasible(f);
      mind = low;
      if (settle(mind, sink)) break;
      low_known = false;
      continue;
    }
    const int j = queue_[head++];
    const int i = y_[j];
    const double dj = settled_d_[head - 1];  // queue_ and settled_ grow together until the sink
    low = scan(i, dj + profit(i, j) + v_[j]);
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
// zero column more (extend(), not stored).
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
    const double pc = c < f.C ? P[r * f.ld + c] : 0.0;  // column C: the zero column
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

// Writes the matrix (stride f.ld): rows of max(w, 0) (clamped) or w.
void fill(const AssignmentProblem& p, const Form& f, double* m) {
  const std::size_t ld = f.ld;
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
#if IVASSIGN_LAP_AVX2
  void (*range)(const double*, int, WeightRange&) = use_avx2() ? row_range_avx2 : row_range_plain;
#else
  void (*range)(const double*, int, WeightRange&) = row_range_plain;
#endif
  for (int i = 0; i < p.buyers; ++i)
    if (active[i]) range(p.linear.data() + static_cast<std::size_t>(i) * p.sellers, p.sellers, r);
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
  if (complete && nr > s) return false;
  f.clamp = !complete && !(min_w > 0.0);
  f.transpose = !complete && nr > s;
  f.R = f.transpose ? s : nr;
  f.C = f.transpose ? nr : s;
  f.extra = f.clamp && f.R == f.C && f.R > 0;
  // in place unless rows move (transposed, excluded buyers) or a negative weight needs clamping
  const bool in_place = !f.transpose && nr == p.buyers && !(f.clamp && min_w < 0.0);
  f.ld = in_place ? static_cast<std::size_t>(s) : static_cast<std::size_t>(f.C);
  std::unique_ptr<double[]> m;
  const double* P = p.linear.data();
  if (!in_place) {
    m.reset(new double[f.ld * f.R]);  // every entry written by fill
    fill(p, f, m.get());
    P = m.get();
  }
  Jv jv(P, f.R, f.C, f.ld);
  if (!f.transpose) jv.set_names(&f.rows);  // complete problems are never transposed
  if (f.R == f.C && f.R > 0) jv.run_square();
  if (f.R < f.C) jv.run_rectangular();
  if (f.extra) jv.extend();
  out.searches = jv.searches();
  read_back(p, f, P, jv.x(), jv.v(), out);
  return true;
}

}  // namespace ivassign::lap
