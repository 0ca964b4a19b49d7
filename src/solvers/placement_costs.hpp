// src/solvers/placement_costs.hpp — the externality costs that one placement touches, for local
// search on large problems (solve_descent) and VCG's insertion of a buyer.
//
// Placing buyer p at seller q adds  c_ij^pq + c_pq^ij  to the interaction table H(i, j) of every
// other (buyer i, seller j): what i would bear at j from p, plus what i at j would cause p. With
// H kept for the current matching z, the objective contribution of i at j is G(i, j) = w_ij - H(i, j)
// and every relocation or swap is scored in O(1) (plus two pair costs). The factored form is stored
// as sparse buyer and seller incidence per term (spectrum instances: each licence interferes with a
// handful of neighbours), so one placement costs O(T * nnz(buyer column) * nnz(seller column)).
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

 private:
  struct Csr {
    std::vector<std::size_t> start;  ///< size rows + 1
    std::vector<int> index;
    std::vector<double> value;
  };
  static Csr make_csr(int rows, const std::vector<std::vector<std::pair<int, double>>>& lists);

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
};

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
