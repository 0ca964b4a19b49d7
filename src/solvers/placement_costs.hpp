// src/solvers/placement_costs.hpp — the externality costs that one placement touches, for local
// search on large problems (solve_descent) and VCG's insertion of a buyer.
//
// Placing buyer p at seller q adds  c_ij^pq + c_pq^ij  to the interaction table H(i, j) of every
// other (buyer i, seller j): what i would bear at j from p, plus what i at j would cause p. With
// H kept for the current matching z, the objective contribution of i at j is G(i, j) = w_ij - H(i, j)
// and every relocation or swap is scored in O(1) (plus two pair costs). The factored form is stored
// as sparse buyer and seller incidence per term (spectrum instances: each licence interferes with a
// handful of neighbours), so one placement costs O(T * nnz(buyer column) * nnz(seller column)). Large
// tables miss the cache on nearly every entry a placement touches; there the local search computes
// H's entries on demand instead (entry_row, O(T deg) each: implicit_pays).
#pragma once
#include <cstddef>
#include <utility>
#include <vector>

#include "ivassign/assignment.hpp"

namespace ivassign {

class PlacementCosts {
 public:
  explicit PlacementCosts(const AssignmentProblem& problem);

  /// Calls add(i, j, value) for every (i, j) that placing p at q touches, value = c_ij^pq + c_pq^ij
  /// split into its two parts (an (i, j) may be visited twice). i != p and j != q always.
  template <class Add>
  void for_each(int p, int q, Add&& add) const;

  /// H(i, .) of matching z for one buyer: out[j] = sum over matched k != i of c_ij^{k z_k} + c_{k z_k}^ij.
  /// O(n T deg) for the factored form, O(n s) otherwise. out has `sellers` entries.
  void row(int i, const std::vector<int>& z, std::vector<double>& out) const;

  /// The welfare of z, sum_i w(i, z_i) - (1/2) sum_i H(i, z_i): O(n T deg) for the factored form with
  /// seller neighbourhoods (AssignmentProblem::objective is O(n^2 T)), equal up to rounding; else that.
  double objective(const std::vector<int>& z) const;

  /// H(., a) of the matching `owner` (seller -> buyer or -1): out[k] = what k at a would bear and cause.
  /// O(T deg nnz(buyer column)). Factored form only.
  void column(int a, const int* owner, std::vector<double>& out) const;

  /// The whole table H for z (n*s), built placement by placement.
  std::vector<double> table(const std::vector<int>& z) const;
  /// The same into h (n*s entries, overwritten).
  void fill_table(const std::vector<int>& z, double* h) const;

  const AssignmentProblem& problem() const { return p_; }

  /// w transposed (sellers x buyers), for column reads of the local search.
  const std::vector<double>& linear_transposed() const { return linear_t_; }

  /// Factored form: the sellers q with s_t[a][q] != 0 or s_t[q][a] != 0 for some t, the only ones
  /// whose pair costs with a can be nonzero (for any buyers). Empty span for the other forms.
  bool has_seller_neighbours() const { return !neighbours_.start.empty(); }
  /// The neighbour lists as CSR over the sellers (rows sorted), for the device's copy.
  const std::vector<std::size_t>& neighbour_start() const { return neighbours_.start; }
  const std::vector<int>& neighbour_index() const { return neighbours_.index; }
  template <class F>
  void for_each_neighbour(int a, F&& f) const {
    for (std::size_t b = neighbours_.start[a]; b < neighbours_.start[a + 1]; ++b) f(neighbours_.index[b]);
  }

  /// The factored form's placements as blocks in for_each's order: for each term t, block 2t pairs
  /// the buyers i that bear from p (w_it b_t[i][p]) with the sellers j that bear from q (s_t[j][q]),
  /// block 2t + 1 the buyers p bears from with the sellers q bears from; placing p at q adds the
  /// product of the two values to H(i, j) for every pair of a block. CSR per block with absolute
  /// starts (blocks * (n + 1) and blocks * (s + 1)), the lists concatenated: the device's copy
  /// (kernels/device_launch.hpp, DescentState). No blocks for the other forms.
  struct PlacementLists {
    int blocks = 0;
    std::vector<std::size_t> buyer_start, seller_start;
    std::vector<int> buyer_index, seller_index;
    std::vector<double> buyer_value, seller_value;
  };
  PlacementLists placement_lists() const;

  /// Whether a local search should compute H on demand (entry) rather than keep the n x s tables H and
  /// H^T: the factored form with sparse seller neighbourhoods (T times the mean neighbours per seller
  /// at most kImplicitDegree) and tables of at least kImplicitEntries, whose upkeep misses the cache
  /// on nearly every entry a placement touches (spectrum 1000 x 4000: about 1700 rows per placement).
  static constexpr double kImplicitDegree = 32.0;
  static constexpr double kImplicitEntries = 1048576.0;
  bool implicit_pays() const { return implicit_pays_; }
  /// H(i, j) against the matching given by `owner` (seller -> buyer, -1 when free), i's own placement
  /// left out: sum_t [sum_q w_it b_t[i][owner q] s_t[j][q] + sum_q w_{owner q, t} b_t[owner q][i] s_t[q][j]],
  /// O(T deg). Factored form only. The terms are added in one order, so equal neighbourhoods give
  /// bitwise equal values, and a placement that adds costs >= 0 never lowers one (rounding is monotone);
  /// row() and column() give the same sums up to rounding.
  /// `row` reads buyer rows of i (many j for one i), `column` buyer rows of the owners (many i, one j):
  /// the same numbers, from the layout that stays in cache.
  double entry_row(int i, int j, const int* owner) const { return entry<false>(i, j, owner); }
  double entry_column(int i, int j, const int* owner) const { return entry<true>(i, j, owner); }
  /// Every pair cost is >= 0 (the instance format's rule; a library caller may break it). Dense, sparse, factored.
  bool nonnegative() const { return nonnegative_; }

 private:
  struct Csr {
    std::vector<std::size_t> start;  ///< size rows + 1
    std::vector<int> index;
    std::vector<double> value;
  };
  static Csr make_csr(int rows, const std::vector<std::vector<std::pair<int, double>>>& lists);
  template <bool Column>
  double entry(int i, int j, const int* owner) const;

  const AssignmentProblem& p_;
  int n_ = 0, s_ = 0, terms_ = 0;
  ExternalityCosts::Form form_ = ExternalityCosts::Form::None;
  // factored, per term t: bcol[t] row p: (i, w_it b_t[i][p]); brow[t] row p: (i, w_pt b_t[p][i]);
  // scol[t] row q: (j, s_t[j][q]); srow[t] row q: (j, s_t[q][j]). Diagonals dropped.
  std::vector<Csr> bcol_, brow_, scol_, srow_;
  // sparse: row p*s+q: (i*s+j, c) for c_ij^pq and for c_pq^ij
  Csr touch_;
  Csr neighbours_;  // factored: row a: sellers interacting with a in some term (values unused)
  std::vector<double> linear_t_;  // w transposed, [j][i]
  bool implicit_pays_ = false, nonnegative_ = true;
  std::vector<double> buyer_t_;   // factored: b_t transposed, [t][k][i] = b_t[i][k]
};

template <bool Column>
double PlacementCosts::entry(int i, int j, const int* owner) const {
  const auto& e = p_.externalities;
  const std::size_t n = static_cast<std::size_t>(n_), T = static_cast<std::size_t>(terms_);
  double h = 0.0;
  for (std::size_t t = 0; t < T; ++t) {
    const double* b = e.buyer.data() + t * n * n;
    const double* bt = buyer_t_.data() + t * n * n;
    // b_t[x][y]: row x of b (Column: row y of the transpose), the same number
    auto buyer = [&](std::size_t x, std::size_t y) { return Column ? bt[y * n + x] : b[x * n + y]; };
    auto buyer_of = [&](std::size_t x, std::size_t y) { return Column ? b[x * n + y] : bt[y * n + x]; };
    const double wi = e.weight[static_cast<std::size_t>(i) * T + t];
    const Csr &sr = srow_[t], &sc = scol_[t];
    for (std::size_t a = sr.start[j]; a < sr.start[j + 1]; ++a) {  // i at j bears k at q: s_t[j][q]
      const int k = owner[sr.index[a]];
      if (k >= 0 && k != i) h += wi * buyer(i, k) * sr.value[a];
    }
    for (std::size_t a = sc.start[j]; a < sc.start[j + 1]; ++a) {  // k at q bears i at j: s_t[q][j]
      const int k = owner[sc.index[a]];
      if (k >= 0 && k != i) h += e.weight[static_cast<std::size_t>(k) * T + t] * buyer_of(k, i) * sc.value[a];
    }
  }
  return h;
}

template <class Add>
void PlacementCosts::for_each(int p, int q, Add&& add) const {
  using F = ExternalityCosts::Form;
  if (form_ == F::Factored) {
    for (int t = 0; t < terms_; ++t) {
      const Csr &bc = bcol_[t], &sc = scol_[t], &br = brow_[t], &sr = srow_[t];
      for (std::size_t a = bc.start[p]; a < bc.start[p + 1]; ++a)
        for (std::size_t b = sc.start[q]; b < sc.start[q + 1]; ++b) add(bc.index[a], sc.index[b], bc.value[a] * sc.value[b]);
      for (std::size_t a = br.start[p]; a < br.start[p + 1]; ++a)
        for (std::size_t b = sr.start[q]; b < sr.start[q + 1]; ++b) add(br.index[a], sr.index[b], br.value[a] * sr.value[b]);
    }
  } else if (form_ == F::Sparse) {
    const std::size_t key = static_cast<std::size_t>(p) * s_ + q;
    for (std::size_t a = touch_.start[key]; a < touch_.start[key + 1]; ++a)
      add(touch_.index[a] / s_, touch_.index[a] % s_, touch_.value[a]);
  } else if (form_ == F::Dense) {
    for (int i = 0; i < n_; ++i) {
      if (i == p) continue;
      for (int j = 0; j < s_; ++j) {
        if (j == q) continue;
        const double v = p_.pair_cost(i, j, p, q) + p_.pair_cost(p, q, i, j);
        if (v != 0.0) add(i, j, v);
      }
    }
  }
}

}  // namespace ivassign
