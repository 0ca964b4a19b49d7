// The interaction table H of src/solvers/placement_costs.hpp: the sparse incidence of each
// externality form built once per problem, and H (one row, or all of it) for a matching.
#include "solvers/placement_costs.hpp"

#include <algorithm>
#include <cstddef>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "ivassign/error.hpp"

namespace ivassign {

PlacementCosts::Csr PlacementCosts::make_csr(int rows, const std::vector<std::vector<std::pair<int, double>>>& lists) {
  Csr c;
  c.start.assign(static_cast<std::size_t>(rows) + 1, 0);
  for (int r = 0; r < rows; ++r) c.start[r + 1] = c.start[r] + lists[r].size();
  c.index.reserve(c.start.back());
  c.value.reserve(c.start.back());
  for (const auto& l : lists)
    for (const auto& [k, v] : l) {
      c.index.push_back(k);
      c.value.push_back(v);
    }
  return c;
}

PlacementCosts::PlacementCosts(const AssignmentProblem& problem)
    : p_(problem), n_(problem.buyers), s_(problem.sellers), form_(problem.externalities.form) {
  using F = ExternalityCosts::Form;
  const auto& e = problem.externalities;
  const std::size_t n = static_cast<std::size_t>(n_), s = static_cast<std::size_t>(s_);
  linear_t_.resize(n * s);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < s; ++j) linear_t_[j * n + i] = problem.linear[i * s + j];
  if (form_ == F::Factored) {
    terms_ = e.terms;
    for (int t = 0; t < terms_; ++t) {
      std::vector<std::vector<std::pair<int, double>>> bc(n), br(n), sc(s), sr(s);
      for (std::size_t i = 0; i < n; ++i) {
        const double wi = e.weight[i * terms_ + t];
        for (std::size_t p = 0; p < n; ++p) {
          const double b = e.buyer[(t * n + i) * n + p];
          if (p == i || b == 0.0) continue;
          if (wi != 0.0) bc[p].emplace_back(static_cast<int>(i), wi * b);  // c_{i.}^{p.}: i bears, p causes
        }
      }
      for (std::size_t p = 0; p < n; ++p) {
        const double wp = e.weight[p * terms_ + t];
        if (wp == 0.0) continue;
        for (std::size_t i = 0; i < n; ++i) {
          const double b = e.buyer[(t * n + p) * n + i];
          if (i != p && b != 0.0) br[p].emplace_back(static_cast<int>(i), wp * b);  // c_{p.}^{i.}
        }
      }
      for (std::size_t j = 0; j < s; ++j)
        for (std::size_t q = 0; q < s; ++q) {
          const double v = e.seller[(t * s + j) * s + q];
          if (j == q || v == 0.0) continue;
          sc[q].emplace_back(static_cast<int>(j), v);
          sr[j].emplace_back(static_cast<int>(q), v);
        }
      bcol_.push_back(make_csr(n_, bc));
      brow_.push_back(make_csr(n_, br));
      scol_.push_back(make_csr(s_, sc));
      srow_.push_back(make_csr(s_, sr));
    }
    std::vector<std::vector<std::pair<int, double>>> near(s);
    for (int t = 0; t < terms_; ++t)
      for (int a = 0; a < s_; ++a) {
        for (std::size_t b = scol_[t].start[a]; b < scol_[t].start[a + 1]; ++b) near[a].emplace_back(scol_[t].index[b], 0.0);
        for (std::size_t b = srow_[t].start[a]; b < srow_[t].start[a + 1]; ++b) near[a].emplace_back(srow_[t].index[b], 0.0);
      }
    for (auto& l : near) {
      std::sort(l.begin(), l.end());
      l.erase(std::unique(l.begin(), l.end(), [](const auto& x, const auto& y) { return x.first == y.first; }), l.end());
    }
    neighbours_ = make_csr(s_, near);
    for (int t = 0; t < terms_; ++t)
      for (const Csr* c : {&bcol_[t], &brow_[t], &scol_[t], &srow_[t]})
        for (double v : c->value) nonnegative_ = nonnegative_ && v >= 0.0;
    const double degree = static_cast<double>(neighbours_.index.size()) / std::max(1, s_);
    implicit_pays_ = terms_ * degree <= kImplicitDegree && static_cast<double>(n) * static_cast<double>(s) >= kImplicitEntries;
    buyer_t_.resize(static_cast<std::size_t>(terms_) * n * n);
    for (std::size_t t = 0; t < static_cast<std::size_t>(terms_); ++t)
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t k = 0; k < n; ++k) buyer_t_[(t * n + k) * n + i] = e.buyer[(t * n + i) * n + k];
  } else if (form_ == F::Sparse) {
    for (const auto& x : e.sparse) nonnegative_ = nonnegative_ && x.value >= 0.0;
    if (n * s > static_cast<std::size_t>(std::numeric_limits<int>::max()))
      throw ResourceError("local search: buyers*sellers = " + std::to_string(n * s) +
                          " is too large for the sparse interaction index");
    std::vector<std::vector<std::pair<int, double>>> lists(n * s);
    for (const auto& x : e.sparse) {
      if (x.value == 0.0 || x.p == x.i || x.q == x.j) continue;
      lists[static_cast<std::size_t>(x.p) * s + x.q].emplace_back(x.i * s_ + x.j, x.value);  // c_ij^pq
      lists[static_cast<std::size_t>(x.i) * s + x.j].emplace_back(x.p * s_ + x.q, x.value);  // as c_pq^ij
    }
    touch_ = make_csr(static_cast<int>(n * s), lists);
  } else if (form_ == F::Dense) {
    for (double v : e.dense) nonnegative_ = nonnegative_ && v >= 0.0;
  }
}

void PlacementCosts::row(int i, const std::vector<int>& z, std::vector<double>& out) const {
  out.assign(static_cast<std::size_t>(s_), 0.0);
  if (form_ == ExternalityCosts::Form::None) return;
  const auto& e = p_.externalities;
  const std::size_t n = static_cast<std::size_t>(n_);
  for (int k = 0; k < n_; ++k) {
    const int q = z[k];
    if (k == i || q < 0) continue;
    if (form_ == ExternalityCosts::Form::Factored) {
      for (int t = 0; t < terms_; ++t) {
        const double bears = e.weight[static_cast<std::size_t>(i) * terms_ + t] * e.buyer[(t * n + i) * n + k];
        const double causes = e.weight[static_cast<std::size_t>(k) * terms_ + t] * buyer_t_[(t * n + i) * n + k];
        if (bears != 0.0) {
          const Csr& sc = scol_[t];
          for (std::size_t b = sc.start[q]; b < sc.start[q + 1]; ++b) out[sc.index[b]] += bears * sc.value[b];
        }
        if (causes != 0.0) {
          const Csr& sr = srow_[t];
          for (std::size_t b = sr.start[q]; b < sr.start[q + 1]; ++b) out[sr.index[b]] += causes * sr.value[b];
        }
      }
    } else {
      for (int j = 0; j < s_; ++j)
        if (j != q) out[j] += p_.pair_cost(i, j, k, q) + p_.pair_cost(k, q, i, j);
    }
  }
}

double PlacementCosts::objective(const std::vector<int>& z) const {
  if (form_ != ExternalityCosts::Form::Factored || !has_seller_neighbours()) return p_.objective(z);
  std::vector<int> owner(static_cast<std::size_t>(s_), -1);
  for (int i = 0; i < n_; ++i)
    if (z[i] >= 0) owner[static_cast<std::size_t>(z[i])] = i;
  double value = 0.0;
  for (int i = 0; i < n_; ++i)
    if (z[i] >= 0) value += p_.w(i, z[i]) - 0.5 * entry_row(i, z[i], owner.data());
  return value;
}

void PlacementCosts::column(int a, const int* owner, std::vector<double>& out) const {
  out.assign(static_cast<std::size_t>(n_), 0.0);
  for (int t = 0; t < terms_; ++t) {
    const Csr &sr = srow_[t], &sc = scol_[t], &bc = bcol_[t], &br = brow_[t];
    for (std::size_t x = sr.start[a]; x < sr.start[a + 1]; ++x) {  // k at a bears p at q: s_t[a][q] w_kt b_t[k][p]
      const int p = owner[sr.index[x]];
      if (p < 0) continue;
      for (std::size_t y = bc.start[p]; y < bc.start[p + 1]; ++y) out[bc.index[y]] += bc.value[y] * sr.value[x];
    }
    for (std::size_t x = sc.start[a]; x < sc.start[a + 1]; ++x) {  // p at q bears k at a: s_t[q][a] w_pt b_t[p][k]
      const int p = owner[sc.index[x]];
      if (p < 0) continue;
      for (std::size_t y = br.start[p]; y < br.start[p + 1]; ++y) out[br.index[y]] += br.value[y] * sc.value[x];
    }
  }
}

std::vector<double> PlacementCosts::table(const std::vector<int>& z) const {
  std::vector<double> h(static_cast<std::size_t>(n_) * s_);
  fill_table(z, h.data());
  return h;
}

PlacementCosts::PlacementLists PlacementCosts::placement_lists() const {
  PlacementLists out;
  if (form_ != ExternalityCosts::Form::Factored) return out;
  out.blocks = 2 * terms_;
  auto append = [](const Csr& c, std::vector<std::size_t>& start, std::vector<int>& index, std::vector<double>& value) {
    const std::size_t base = index.size();
    for (std::size_t x : c.start) start.push_back(base + x);
    index.insert(index.end(), c.index.begin(), c.index.end());
    value.insert(value.end(), c.value.begin(), c.value.end());
  };
  for (int t = 0; t < terms_; ++t) {
    append(bcol_[t], out.buyer_start, out.buyer_index, out.buyer_value);
    append(scol_[t], out.seller_start, out.seller_index, out.seller_value);
    append(brow_[t], out.buyer_start, out.buyer_index, out.buyer_value);
    append(srow_[t], out.seller_start, out.seller_index, out.seller_value);
  }
  return out;
}

void PlacementCosts::fill_table(const std::vector<int>& z, double* h) const {
  std::fill(h, h + static_cast<std::size_t>(n_) * s_, 0.0);
  for (int p = 0; p < n_; ++p)
    if (z[p] >= 0) for_each(p, z[p], [&](int i, int j, double v) { h[static_cast<std::size_t>(i) * s_ + j] += v; });
}

}  // namespace ivassign
