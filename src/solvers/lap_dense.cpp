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
//
// Square forms of 256 rows or more may scan in float32 (Jv<float> on the row-shifted matrix: half
// the bytes per scan, eight lanes per AVX2 step): the whole run from 2048 rows (unless the weights are
// integers with many ties), below that only the shortest paths that outlast four passes' worth of
// double scans (solve_dense's policy, below). The
// float32 matching and column duals are then certified in double (Jv<double>::adopt: dual
// feasibility by construction, complementary slackness row by row, column duals raised where
// float32 rounding tied two columns) and the rows still failing are re-augmented in double from
// those duals; when too many fail, the float32 result is dropped and double finishes the solve.
// The result is an optimum of the double problem either way. The float32 column reduction follows
// the double one's tie rule (scipy's: columns in increasing order, each to the lowest-index free row
// among its cheapest), but on the row-shifted float32 costs, so where a problem has several optima
// the float32 path may return another one than the double run. A solved matrix with a forbidden
// (-inf) pair never takes the float32 path (supporting -inf there would need the row shift, the
// certificate and the Infeasible witness to handle it): it runs in double.
#include "solvers/lap.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <type_traits>

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

// The predecessor index stored beside a distance: as wide as the scalar, so that the AVX2 scans blend
// it with the distance's comparison mask (4 x int64 beside 4 doubles, 8 x int32 beside 8 floats).
template <class T>
using PredOf = std::conditional_t<sizeof(T) == 8, std::int64_t, std::int32_t>;

// One Dijkstra step: relax every column from one row, h_k = base - p_k - vv_k; returns min_k d_k.
template <class T>
T scan_row_plain(const T* __restrict p, const T* __restrict vv, T* __restrict d, PredOf<T>* __restrict pred, int n,
                 T base, PredOf<T> row) {
  T low = std::numeric_limits<T>::infinity();
  for (int k = 0; k < n; ++k) {
    const T h = base - p[k] - vv[k];
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
template <class T>
void two_smallest_plain(const T* p, const T* v, int n, int& j1, T& v1, int& j2, T& v2) {
  j1 = 0;
  v1 = -p[0] - v[0];
  j2 = -1;
  v2 = std::numeric_limits<T>::infinity();
  for (int j = 1; j < n; ++j) {
    const T c = -p[j] - v[j];
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
// equals the minimum so far (a tie: another row is as cheap), 0 where it drops (row indices and tie
// flags as T: exact below 2^24 rows in float, which the float32 path requires).
template <class T>
void column_min_plain(const T* p, T* v, T* a, T* t, int n, T row) {
  for (int j = 0; j < n; ++j) {
    const T c = -p[j];
    if (c < v[j]) {
      v[j] = c;
      a[j] = row;
      t[j] = T(0);
    } else if (c == v[j]) {
      t[j] = T(1);
    }
  }
}

// min_j (c_ij - v_j) of one row in double, c = -p (the float32 path's certificate).
double row_min_plain(const double* p, const double* v, int n) {
  double low = kInf;
#pragma omp simd reduction(min : low)
  for (int j = 0; j < n; ++j) {
    const double c = -p[j] - v[j];
    low = c < low ? c : low;
  }
  return low;
}

// The first k in [from, n) with d_k <= bound, n when none.
template <class T>
int next_at_most_plain(const T* d, int from, int n, T bound) {
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

// The float32 column reduction: eight columns per step, the same tie flags.
__attribute__((target("avx2"))) void column_min_avx2(const float* p, float* v, float* a, float* t, int n, float row) {
  const __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1.0f), r = _mm256_set1_ps(row);
  int j = 0;
  for (; j + 8 <= n; j += 8) {
    const __m256 c = _mm256_sub_ps(zero, _mm256_loadu_ps(p + j)), vj = _mm256_loadu_ps(v + j);
    const __m256 lower = _mm256_cmp_ps(c, vj, _CMP_LT_OQ), equal = _mm256_cmp_ps(c, vj, _CMP_EQ_OQ);
    _mm256_storeu_ps(v + j, _mm256_blendv_ps(vj, c, lower));
    _mm256_storeu_ps(a + j, _mm256_blendv_ps(_mm256_loadu_ps(a + j), r, lower));
    const __m256 tj = _mm256_blendv_ps(_mm256_loadu_ps(t + j), one, equal);
    _mm256_storeu_ps(t + j, _mm256_blendv_ps(tj, zero, lower));
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

// The float32 scan: eight columns per step (half the bytes of the double scan per column); pred is
// int32, blended bitwise as floats.
__attribute__((target("avx2"))) float scan_row_avx2(const float* __restrict p, const float* __restrict vv,
                                                    float* __restrict d, std::int32_t* __restrict pred, int n,
                                                    float base, std::int32_t row) {
  const __m256 b = _mm256_set1_ps(base);
  const __m256 r = _mm256_castsi256_ps(_mm256_set1_epi32(row));
  __m256 low = _mm256_set1_ps(std::numeric_limits<float>::infinity());
  int k = 0;
  for (; k + 8 <= n; k += 8) {
    const __m256 h = _mm256_sub_ps(_mm256_sub_ps(b, _mm256_loadu_ps(p + k)), _mm256_loadu_ps(vv + k));
    const __m256 old = _mm256_loadu_ps(d + k);
    const __m256 better = _mm256_cmp_ps(h, old, _CMP_LT_OQ);
    const __m256 dk = _mm256_blendv_ps(old, h, better);
    if (_mm256_movemask_ps(better)) {
      _mm256_storeu_ps(d + k, dk);
      float* pk = reinterpret_cast<float*>(pred + k);
      _mm256_storeu_ps(pk, _mm256_blendv_ps(_mm256_loadu_ps(pk), r, better));
    }
    low = _mm256_min_ps(dk, low);
  }
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, low);
  float out = lanes[0];
  for (int l = 1; l < 8; ++l) out = std::min(out, lanes[l]);
  if (k < n) out = std::min(out, scan_row_plain(p + k, vv + k, d + k, pred + k, n - k, base, row));
  return out;
}

// Merges one lane's best two (value, index) into the row's (first index on ties).
template <class T>
struct TwoBest {
  int j1 = -1, j2 = -1;
  T v1 = std::numeric_limits<T>::infinity(), v2 = std::numeric_limits<T>::infinity();
  void offer(T c, int j) {
    if (j < 0) return;
    if (c < v1 || (c == v1 && j < j1)) {
      v2 = v1, j2 = j1, v1 = c, j1 = j;
    } else if (j != j1 && (c < v2 || (c == v2 && (j2 < 0 || j < j2)))) {
      v2 = c, j2 = j;
    }
  }
};

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
      const __m256d c = _mm256_sub_pd(_mm256_sub_pd(zero, _mm256_loadu_pd(p + k + 4 * s)), _mm256_loadu_pd(v + k + 4 * s));
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
  TwoBest<double> t;
  for (int l = 0; l < 8; ++l) {
    t.offer(a1[l], static_cast<int>(b1[l]));
    t.offer(a2[l], static_cast<int>(b2[l]));
  }
  for (; k < n; ++k) t.offer(-p[k] - v[k], k);
  if (t.j1 < 0) t.j1 = 0, t.v1 = -p[0] - v[0];  // every entry forbidden
  j1 = t.j1, v1 = t.v1, j2 = t.j2, v2 = t.v2;
}

// The float32 two_smallest: two sets of eight lanes, sixteen columns per step; indices as floats
// (exact: the float32 path takes fewer than 2^24 columns).
__attribute__((target("avx2"))) void two_smallest_avx2(const float* p, const float* v, int n, int& j1, float& v1,
                                                       int& j2, float& v2) {
  __m256 m1[2], m2[2], i1[2], i2[2];
  for (int s = 0; s < 2; ++s) {
    m1[s] = m2[s] = _mm256_set1_ps(std::numeric_limits<float>::infinity());
    i1[s] = i2[s] = _mm256_set1_ps(-1.0f);
  }
  __m256 idx = _mm256_set_ps(7.0f, 6.0f, 5.0f, 4.0f, 3.0f, 2.0f, 1.0f, 0.0f);
  const __m256 eight = _mm256_set1_ps(8.0f), zero = _mm256_setzero_ps();
  int k = 0;
  for (; k + 16 <= n; k += 16) {
    for (int s = 0; s < 2; ++s, idx = _mm256_add_ps(idx, eight)) {
      const __m256 c = _mm256_sub_ps(_mm256_sub_ps(zero, _mm256_loadu_ps(p + k + 8 * s)), _mm256_loadu_ps(v + k + 8 * s));
      const __m256 lt1 = _mm256_cmp_ps(c, m1[s], _CMP_LT_OQ), lt2 = _mm256_cmp_ps(c, m2[s], _CMP_LT_OQ);
      m2[s] = _mm256_blendv_ps(_mm256_blendv_ps(m2[s], c, lt2), m1[s], lt1);
      i2[s] = _mm256_blendv_ps(_mm256_blendv_ps(i2[s], idx, lt2), i1[s], lt1);
      m1[s] = _mm256_blendv_ps(m1[s], c, lt1);
      i1[s] = _mm256_blendv_ps(i1[s], idx, lt1);
    }
  }
  alignas(32) float a1[16], a2[16], b1[16], b2[16];
  for (int s = 0; s < 2; ++s) {
    _mm256_store_ps(a1 + 8 * s, m1[s]);
    _mm256_store_ps(a2 + 8 * s, m2[s]);
    _mm256_store_ps(b1 + 8 * s, i1[s]);
    _mm256_store_ps(b2 + 8 * s, i2[s]);
  }
  TwoBest<float> t;
  for (int l = 0; l < 16; ++l) {
    t.offer(a1[l], static_cast<int>(b1[l]));
    t.offer(a2[l], static_cast<int>(b2[l]));
  }
  for (; k < n; ++k) t.offer(-p[k] - v[k], k);
  if (t.j1 < 0) t.j1 = 0, t.v1 = -p[0] - v[0];  // every entry forbidden
  j1 = t.j1, v1 = t.v1, j2 = t.j2, v2 = t.v2;
}

__attribute__((target("avx2"))) int next_at_most_avx2(const double* d, int from, int n, double bound) {
  const __m256d b = _mm256_set1_pd(bound);
  int k = from;
  for (; k + 4 <= n; k += 4) {
    const int mask = _mm256_movemask_pd(_mm256_cmp_pd(_mm256_loadu_pd(d + k), b, _CMP_LE_OQ));
    if (mask) return k + __builtin_ctz(static_cast<unsigned>(mask));
  }
  return next_at_most_plain(d, k, n, bound);
}

__attribute__((target("avx2"))) int next_at_most_avx2(const float* d, int from, int n, float bound) {
  const __m256 b = _mm256_set1_ps(bound);
  int k = from;
  for (; k + 8 <= n; k += 8) {
    const int mask = _mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(d + k), b, _CMP_LE_OQ));
    if (mask) return k + __builtin_ctz(static_cast<unsigned>(mask));
  }
  return next_at_most_plain(d, k, n, bound);
}

// row_min with AVX2 (two chains of four lanes).
__attribute__((target("avx2"))) double row_min_avx2(const double* p, const double* v, int n) {
  const __m256d zero = _mm256_setzero_pd();
  __m256d low0 = _mm256_set1_pd(kInf), low1 = low0;
  int k = 0;
  for (; k + 8 <= n; k += 8) {
    low0 = _mm256_min_pd(_mm256_sub_pd(_mm256_sub_pd(zero, _mm256_loadu_pd(p + k)), _mm256_loadu_pd(v + k)), low0);
    low1 = _mm256_min_pd(_mm256_sub_pd(_mm256_sub_pd(zero, _mm256_loadu_pd(p + k + 4)), _mm256_loadu_pd(v + k + 4)),
                         low1);
  }
  alignas(32) double lanes[4];
  _mm256_store_pd(lanes, _mm256_min_pd(low0, low1));
  const double out = std::min(std::min(lanes[0], lanes[1]), std::min(lanes[2], lanes[3]));
  return k < n ? std::min(out, row_min_plain(p + k, v + k, n - k)) : out;
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

template <class T>
using ScanFn = T (*)(const T*, const T*, T*, PredOf<T>*, int, T, PredOf<T>);
template <class T>
using TwoFn = void (*)(const T*, const T*, int, int&, T&, int&, T&);
template <class T>
using ColFn = void (*)(const T*, T*, T*, T*, int, T);
template <class T>
using NextFn = int (*)(const T*, int, int, T);

// The AVX2 kernels where the CPU has AVX2 (checked at run time), the plain loops elsewhere.
bool use_avx2() {
#if IVASSIGN_LAP_AVX2
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes;
#else
  return false;
#endif
}
template <class T>
ScanFn<T> scan_row_fn() {
#if IVASSIGN_LAP_AVX2
  if (use_avx2()) return scan_row_avx2;
#endif
  return scan_row_plain<T>;
}
template <class T>
NextFn<T> next_at_most_fn() {
#if IVASSIGN_LAP_AVX2
  if (use_avx2()) return next_at_most_avx2;
#endif
  return next_at_most_plain<T>;
}
template <class T>
ColFn<T> column_min_fn() {
#if IVASSIGN_LAP_AVX2
  if (use_avx2()) return column_min_avx2;
#endif
  return column_min_plain<T>;
}
template <class T>
TwoFn<T> two_smallest_fn() {
#if IVASSIGN_LAP_AVX2
  if (use_avx2()) return two_smallest_avx2;
#endif
  return two_smallest_plain<T>;
}
using RowMinFn = double (*)(const double*, const double*, int);
RowMinFn row_min_fn() {
#if IVASSIGN_LAP_AVX2
  if (use_avx2()) return row_min_avx2;
#endif
  return row_min_plain;
}

template <class T>
class Jv {
 public:
  /// rows x cols of the matrix p (row stride ld), room for one more row and column (extend()).
  Jv(const T* p, int rows, int cols, std::size_t ld)
      : p_(p), n_(rows), m_(cols), ld_(ld), x_(rows + 1, -1), y_(cols + 1, -1), v_(cols + 1, kInfT),
        vv_(cols + 1), d_(cols + 1), pred_(cols + 1) {}

  /// Square (rows == cols): column reduction, two rounds of augmenting row reduction, shortest paths.
  /// With a budget, the shortest paths stop once they have scanned `budget` rows in all, and the rows
  /// still free are returned (another Jv may continue them: continue_from).
  std::vector<int> run_square(std::int64_t budget = std::numeric_limits<std::int64_t>::max()) {
    std::vector<int> free_rows = column_reduction();
    for (int round = 0; round < 2 && !free_rows.empty(); ++round) free_rows = row_reduction(free_rows);
    vv_ = v_;
    std::size_t k = 0;
    for (; k < free_rows.size() && scans_ < budget; ++k) augment(free_rows[k]);
    return std::vector<int>(free_rows.begin() + static_cast<std::ptrdiff_t>(k), free_rows.end());
  }
  /// Continues another precision's run_square on the same matrix: its matching and its column duals
  /// (rounded to T), then one shortest augmenting path per row in `free_rows`.
  template <class U>
  void continue_from(const Jv<U>& other, const std::vector<int>& free_rows) {
    x_ = other.x();
    y_ = other.y();
    std::transform(other.v().begin(), other.v().end(), v_.begin(), [](U x) { return static_cast<T>(x); });
    vv_ = v_;
    for (int f : free_rows) augment(f);
  }
  /// Augments the rows run_square left free (when no float32 continuation took them).
  void finish(const std::vector<int>& free_rows) {
    for (int f : free_rows) augment(f);
  }
  /// rows < cols: v = 0, each row takes its cheapest column when free, and one shortest augmenting
  /// path per remaining row (Crouse 2016); the columns left free keep v = 0.
  void run_rectangular() {
    std::fill(v_.begin(), v_.end(), T(0));
    vv_ = v_;
    std::vector<int> free_rows;
    for (int i = 0; i < n_; ++i) {  // a row whose cheapest column is free takes it (v stays 0)
      int j1, j2;
      T v1, v2;
      two_(row(i), v_.data(), m_, j1, v1, j2, v2);
      if (v1 < kInfT && y_[j1] < 0) {  // v1 = +inf: every pair of the row is forbidden
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
    T vz = kInfT;
    for (int i = 0; i < n_; ++i) vz = std::min(vz, row(i)[x_[i]] + v_[x_[i]]);
    v_[z] = vv_[z] = vz;
    zeros_.assign(m_ + 1, T(0));
    ++n_;
    ++m_;
    zero_ = z;
    augment(z);
  }
  /// The problem's index of each row (for Infeasible's message); rows are their own names without.
  void set_names(const std::vector<int>* names) { names_ = names; }
  const std::vector<int>& x() const { return x_; }
  const std::vector<int>& y() const { return y_; }
  std::int64_t searches() const { return searches_; }
  const std::vector<T>& v() const { return v_; }
  /// Jv<double> only: adopts a float32 run's matching x and duals vf on the same square matrix (see
  /// square_float32). Returns the number of rows re-augmented, or -1 (state untouched) when more than
  /// max_rejected rows fail the certificate or a dual is not finite.
  int adopt(const std::vector<int>& x, const std::vector<float>& vf, double magnitude, int max_rejected, int& passes);

 private:
  static constexpr T kInfT = std::numeric_limits<T>::infinity();
  const T* row(int i) const { return i == zero_ ? zeros_.data() : p_ + static_cast<std::size_t>(i) * ld_; }
  T profit(int i, int j) const { return j == zero_ ? T(0) : row(i)[j]; }
  T scan(int i, T base);
  std::vector<int> column_reduction();
  std::vector<int> row_reduction(const std::vector<int>& free_rows);
  void augment(int f);
  bool settle(T mind, int& sink);
  int free_row_at(int j, T c) const;
  int row_name(int r) const { return names_ ? (*names_)[r] : r; }
  [[noreturn]] void throw_infeasible(int f) const;
  [[noreturn]] void throw_infeasible_column(int j) const;

  const T* p_;
  int n_, m_;  // rows, columns
  std::size_t ld_;
  int zero_ = -1;              // the zero row and column extend() added (not in p_)
  std::vector<T> zeros_;       // that row
  std::vector<int> x_, y_;  // column of each row, row of each column (-1: free)
  std::vector<T> v_, vv_, d_;
  std::vector<PredOf<T>> pred_;
  std::vector<int> settled_, queue_;
  std::vector<T> settled_d_;
  std::int64_t searches_ = 0, scans_ = 0;
  const std::vector<int>* names_ = nullptr;  // the problem's row of each of ours (set_names)
  ScanFn<T> scan_ = scan_row_fn<T>();
  TwoFn<T> two_ = two_smallest_fn<T>();
  NextFn<T> next_ = next_at_most_fn<T>();
};

// v_j = min_i c_ij; the columns in increasing order each go to their cheapest row when it is still
// free, else (on a tie) to the lowest-index free row as cheap; then reduction transfer: a row that
// holds a single column lowers that column's v by its second best reduced cost. The float32 run
// (on the row-shifted matrix) applies the same rule to its own ties.
template <class T>
std::vector<int> Jv<T>::column_reduction() {
  std::vector<T> arg(n_, T(0)), tie(n_, T(0));  // row indices and tie flags as T (one vector type)
  const ColFn<T> column_min = column_min_fn<T>();
  for (int i = 0; i < n_; ++i) column_min(row(i), v_.data(), arg.data(), tie.data(), n_, static_cast<T>(i));
  std::vector<char> unique(n_, 1);
  for (int j = 0; j < n_; ++j) {
    if (!(v_[j] < kInfT)) throw_infeasible_column(j);
    int i = static_cast<int>(arg[j]);
    if (x_[i] >= 0) {
      unique[i] = 0;
      i = tie[j] != T(0) ? free_row_at(j, v_[j]) : -1;
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
      const T* pi = row(i);
      T low = kInfT;
      for (int k = 0; k < n_; ++k)
        if (k != j) low = std::min(low, -pi[k] - v_[k]);
      if (low < kInfT) v_[j] -= low;
    }
  }
  return free_rows;
}

// Augmenting row reduction: a free row takes its cheapest column at the price of the second
// cheapest and evicts the column's row, which becomes free (settles many rows at once on ties).
template <class T>
std::vector<int> Jv<T>::row_reduction(const std::vector<int>& free_in) {
  std::vector<int> free_rows = free_in;
  const std::size_t n_free = free_rows.size();
  std::size_t current = 0, kept = 0;
  std::int64_t steps = 0;
  while (current < n_free) {
    ++steps;
    const int f = free_rows[current++];
    int j1, j2;
    T v1, v2;
    two_(row(f), v_.data(), n_, j1, v1, j2, v2);
    if (!(v1 < kInfT)) throw Infeasible({row_name(f)}, {});  // every pair of row f is forbidden
    if (!(v2 < kInfT)) j2 = -1;                               // its only finite pair is j1
    int i0 = y_[j1];
    const T v1_new = v_[j1] - (v2 - v1);
    const bool lowers = v2 < kInfT && v1_new < v_[j1];
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
template <class T>
int Jv<T>::free_row_at(int j, T c) const {
  for (int r = 0; r < n_; ++r)
    if (x_[r] < 0 && -row(r)[j] == c) return r;
  return -1;
}

// No free column is reachable from free row f through finite pairs: the search's rows (f and the
// rows of the columns it settled) have finite pairs only in those columns, one fewer (Hall).
template <class T>
void Jv<T>::throw_infeasible(int f) const {
  std::vector<int> rows{row_name(f)}, cols;
  for (int j : settled_) {
    rows.push_back(row_name(y_[j]));
    cols.push_back(j);
  }
  throw Infeasible(std::move(rows), std::move(cols));
}

// Column j has no finite pair: all rows (square) share the other n - 1 columns.
template <class T>
void Jv<T>::throw_infeasible_column(int j) const {
  std::vector<int> rows, cols;
  for (int r = 0; r < n_; ++r) rows.push_back(row_name(r));
  for (int k = 0; k < m_; ++k)
    if (k != j) cols.push_back(k);
  throw Infeasible(std::move(rows), std::move(cols));
}

// scan_ over row i's stored columns, then the zero column (cost 0) when extend() added it.
template <class T>
T Jv<T>::scan(int i, T base) {
  ++scans_;
  if (zero_ < 0) return scan_(row(i), vv_.data(), d_.data(), pred_.data(), m_, base, i);
  T low = scan_(row(i), vv_.data(), d_.data(), pred_.data(), zero_, base, i);
  const T h = base - vv_[zero_];
  if (h < d_[zero_]) {
    d_[zero_] = h;
    pred_[zero_] = i;
  }
  return std::min(low, d_[zero_]);
}

// Settles every unsettled column with d_j <= mind; a free one among them ends the search.
template <class T>
bool Jv<T>::settle(T mind, int& sink) {
  for (int k = next_(d_.data(), 0, m_, mind); k < m_; k = next_(d_.data(), k + 1, m_, mind)) {
    settled_.push_back(k);
    settled_d_.push_back(d_[k]);
    d_[k] = kInfT;
    vv_[k] = -kInfT;
    if (y_[k] < 0) {
      sink = k;
      return true;
    }
    queue_.push_back(k);
  }
  return false;
}

// Shortest augmenting path from free row f (Dijkstra over columns), dual update, path flip.
template <class T>
void Jv<T>::augment(int f) {
  ++searches_;
  std::fill(d_.begin(), d_.begin() + m_, kInfT);
  settled_.clear();
  settled_d_.clear();
  queue_.clear();
  T low = scan(f, T(0));
  T mind = low;
  bool low_known = true;
  int sink = -1;
  std::size_t head = 0;
  while (sink < 0) {
    if (head == queue_.size()) {
      if (!low_known) low = *std::min_element(d_.begin(), d_.begin() + m_);
      if (!(low < kInfT)) throw_infeasible(f);
      mind = low;
      if (settle(mind, sink)) break;
      low_known = false;
      continue;
    }
    const int j = queue_[head++];
    const int i = y_[j];
    const T dj = settled_d_[head - 1];  // queue_ and settled_ grow together until the sink
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

// Passes over the double matrix that adopt may spend raising column duals before the rows still
// off their minimum are re-augmented instead.
constexpr int kCertifyPasses = 2;

// The float32 run's certificate, checked and completed in double on the double matrix. The float32
// column duals v_j are exact in double; with u_i = min_j (c_ij - v_j) computed in double every
// reduced cost c_ij - u_i - v_j is >= 0 (dual feasibility by construction), and the matching is
// optimal when every matched pair attains its row's minimum (complementary slackness) up to eps,
// the rounding of c - v (8 ulps of the largest |c| + |v|). Float32 rounding leaves some matched
// pairs a gap g_i > eps above the minimum: the float32 run made pairs of columns exactly tied
// (augmenting row reduction, the edges of each search's tree) that double tells apart. Raising
// v_{x_i} by g_i makes the pair attain its row's minimum (it may push other rows off theirs: the
// next pass fixes those in turn, a label-correcting shortest-path computation on the matching's
// residual graph, which ends when the matching is optimal in double). After kCertifyPasses passes
// the rows still off their minimum are freed with their columns and re-augmented by this double
// JV's shortest paths from those duals: every reduced cost >= 0, the kept pairs tight, so the
// double searches finish the optimum as a double run would (the square form needs no column price
// at 0, so freed columns keep their v).
template <>
int Jv<double>::adopt(const std::vector<int>& x, const std::vector<float>& vf, double magnitude, int max_rejected,
                      int& passes) {
  std::vector<double> v(vf.begin(), vf.begin() + m_);
  double vmax = 0.0;
  for (double vj : v) {
    if (!(std::abs(vj) < kInf)) return -1;
    vmax = std::max(vmax, std::abs(vj));
  }
  for (int i = 0; i < n_; ++i)
    if (x[i] < 0 || x[i] >= m_) return -1;
  const double eps = 8.0 * std::numeric_limits<double>::epsilon() * (magnitude + vmax);
  const RowMinFn row_min = row_min_fn();
  std::vector<int> rejected;
  for (int pass = 0; pass <= kCertifyPasses; ++pass) {
    passes = pass + 1;
    bool changed = false;
    for (int i = 0; i < n_; ++i) {
      const int j = x[i];
      const double gap = (-row(i)[j] - v[j]) - row_min(row(i), v.data(), m_);
      if (gap <= eps) continue;
      if (!(gap < kInf)) return -1;  // a forbidden pair matched: the double run decides
      if (pass == kCertifyPasses) {
        rejected.push_back(i);
      } else {
        v[j] += gap;
        changed = true;
      }
    }
    if (!changed) break;
  }
  if (static_cast<int>(rejected.size()) > max_rejected) return -1;
  std::copy(x.begin(), x.begin() + n_, x_.begin());
  for (int i = 0; i < n_; ++i) y_[x_[i]] = i;
  for (int i : rejected) y_[x_[i]] = -1, x_[i] = -1;
  std::copy(v.begin(), v.end(), v_.begin());
  std::copy(v.begin(), v.end(), vv_.begin());
  for (int f : rejected) augment(f);
  return static_cast<int>(rejected.size());
}

}  // namespace

std::int64_t solve_square(const double* profit, int n, std::vector<int>& col_of_row, std::vector<double>& v) {
  Jv<double> jv(profit, n, n, static_cast<std::size_t>(n));
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

// The float32 path applies to square forms of at least kFloat32MinRows rows (smaller matrices sit
// in cache, where halving the bytes gains little over the conversion) whose weights keep every path
// length far from float's overflow (magnitude * rows < 1e35); Scan::Float32 drops the size floor.
// Never where the solved matrix holds a forbidden (-inf) pair (solve_dense checks): the float32 run
// would need the row shift, the certificate and the Infeasible witness to handle -inf, so such
// problems simply run in double (with the scipy tie rule of the double column reduction).
constexpr int kFloat32MinRows = 256;
bool use_float32(Scan scan, int rows, double magnitude) {
  if (scan == Scan::Float64 || rows >= (1 << 24) || !(magnitude * rows < 1e35)) return false;
  return scan == Scan::Float32 || rows >= kFloat32MinRows;
}

// Auto below kFloat32WholeRows rows (the double matrix still about fits in a 32 MiB L3): the double
// run goes first and hands its shortest paths over to float32 only after kDoubleScanPasses * rows
// row scans, so a solve that ends sooner (uniform and integer costs at n = 1000: the reductions do
// most of the work) never pays the float32 copy and its certification (two to four passes over the
// matrix), and an expensive shortest-path phase (Euclidean costs) runs in float32. From
// kFloat32WholeRows rows (and with Scan::Float32) the whole run is float32, reductions included, unless
// the weights are tie-heavy integers (tie_heavy below).
constexpr std::int64_t kNoBudget = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kDoubleScanPasses = 4;
constexpr int kFloat32WholeRows = 2048;

// Integer weights over a range narrower than a quarter of the rows: every row holds many copies of its
// best values, so the reductions match nearly every row at once and the whole double run costs less than
// the float32 copy and its certificate (integers in [0, 100) at n = 4000: 0.055 s of CPU in double against
// 0.084 s in float32, bench/RESULTS.md 2026-12-05). Such matrices take the budgeted double run of the
// smaller sizes at every size. Judged on kTieSampleRows rows spread over the matrix: the choice decides
// the speed only, never the result.
constexpr int kTieSampleRows = 64;
bool tie_heavy(const double* P, const Form& f, const WeightRange& range) {
  const double low = std::min(range.min, 0.0);  // clamped forms hold max(w, 0)
  if (!((range.max - low) * 4.0 < static_cast<double>(f.R))) return false;
  const int sample = std::min(f.R, kTieSampleRows);
  for (int k = 0; k < sample; ++k) {
    const double* row = P + static_cast<std::size_t>(static_cast<std::int64_t>(k) * f.R / sample) * f.ld;
    for (int c = 0; c < f.C; ++c)
      if (row[c] != std::floor(row[c])) return false;
  }
  return true;
}

// Rows the certificate may reject before the float32 run is abandoned for a double run from
// scratch (each rejected row costs one double shortest-path search).
int max_rejected(int rows) { return std::max(8, rows / 2); }

// F = P - (row maximum) in float, row by row: shifting a row by a constant changes no optimal
// matching of a square problem and leaves the column duals alone, and the shifted entries (<= 0,
// the row's best at 0) keep float's relative precision where the row's differences are. false when
// a row has no finite entry (the double run reports it).
bool to_float(const double* P, int n, std::size_t ld, float* F) {
  for (int i = 0; i < n; ++i) {
    const double* pi = P + static_cast<std::size_t>(i) * ld;
    float* fi = F + static_cast<std::size_t>(i) * static_cast<std::size_t>(n);
    double top = -kInf;
#pragma omp simd reduction(max : top)
    for (int j = 0; j < n; ++j) top = pi[j] > top ? pi[j] : top;
    if (!(top > -kInf)) return false;
#pragma omp simd
    for (int j = 0; j < n; ++j) fi[j] = static_cast<float>(pi[j] - top);
  }
  return true;
}

// The square solve in float32 (JV on F, half the bytes per row scan): the whole run (left null), or
// its shortest paths continued from the double run's hand-over (its matching and duals; *left, the
// rows still free); then certified and finished in double by jv.adopt. false (jv untouched) when
// float32 could not be used or its result was abandoned.
bool solve_float32(Jv<double>& jv, const double* P, const Form& f, double magnitude, const std::vector<int>* left,
                   DenseSolution& out) {
  const int n = f.R;
  std::unique_ptr<float[]> F(new float[static_cast<std::size_t>(n) * static_cast<std::size_t>(n)]);
  if (!to_float(P, n, f.ld, F.get())) return false;
  Jv<float> jf(F.get(), n, n, static_cast<std::size_t>(n));
  try {
    if (left != nullptr)
      jf.continue_from(jv, *left);
    else
      jf.run_square();
  } catch (const Error&) {  // no augmenting path in float: the double run decides
    return false;
  }
  out.scan = Scan::Float32;
  out.searches += jf.searches();
  const int repaired = jv.adopt(jf.x(), jf.v(), magnitude, max_rejected(n), out.passes);
  out.abandoned = repaired < 0;
  out.repaired = std::max(repaired, 0);
  return repaired >= 0;
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
                 DenseSolution& out, Scan scan) {
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
  Jv<double> jv(P, f.R, f.C, f.ld);
  if (!f.transpose) jv.set_names(&f.rows);  // complete problems are never transposed
  out.scan = Scan::Float64;
  out.searches = 0;
  if (f.R == f.C && f.R > 0) {
    const bool forbidden = !f.clamp && !(min_w > -kInf);  // a -inf pair left in P (clamping zeroes them)
    const bool f32 = !forbidden && use_float32(scan, f.R, range.magnitude);
    const bool whole =
        f32 && (scan == Scan::Float32 || (f.R >= kFloat32WholeRows && !tie_heavy(P, f, range)));
    if (!whole || !solve_float32(jv, P, f, range.magnitude, nullptr, out)) {
      const std::vector<int> left = jv.run_square(f32 && !whole ? kDoubleScanPasses * f.R : kNoBudget);
      if (!left.empty() && !(f32 && !whole && solve_float32(jv, P, f, range.magnitude, &left, out))) jv.finish(left);
    }
  }
  if (f.R < f.C) jv.run_rectangular();
  if (f.extra) jv.extend();
  out.searches += jv.searches();
  read_back(p, f, P, jv.x(), jv.v(), out);
  return true;
}

}  // namespace ivassign::lap
