// AssignmentProblem: evaluation of g_i(z), pair costs, the independent feasibility checker.
#include <algorithm>
#include <limits>
#include <string>

#include "ivassign/assignment.hpp"
#include "ivassign/error.hpp"
#include "kernels/descent_move.cuh"

namespace ivassign {

namespace {
bool sparse_less(const ExternalityCosts::Entry& a, const ExternalityCosts::Entry& b) {
  if (a.i != b.i) return a.i < b.i;
  if (a.j != b.j) return a.j < b.j;
  if (a.p != b.p) return a.p < b.p;
  return a.q < b.q;
}
}  // namespace

double AssignmentProblem::pair_cost(int i, int j, int p, int q) const {
  if (p == i || q == j) return 0.0;
  const auto& e = externalities;
  switch (e.form) {
    case ExternalityCosts::Form::None:
      return 0.0;
    case ExternalityCosts::Form::Dense: {
      const std::size_t n = static_cast<std::size_t>(buyers), s = static_cast<std::size_t>(sellers);
      return e.dense[((i * s + j) * n + p) * s + q];
    }
    case ExternalityCosts::Form::Sparse: {
      const ExternalityCosts::Entry key{i, j, p, q, 0.0};
      auto it = std::lower_bound(e.sparse.begin(), e.sparse.end(), key, sparse_less);
      if (it != e.sparse.end() && it->i == i && it->j == j && it->p == p && it->q == q) return it->value;
      return 0.0;
    }
    case ExternalityCosts::Form::Factored:  // the descent's device scoring calls the same function
      return kernels::factored_pair_cost(e.weight.data(), e.buyer.data(), e.seller.data(), e.terms, buyers, sellers,
                                         i, j, p, q);
  }
  return 0.0;
}

std::vector<double> AssignmentProblem::payoffs(const std::vector<int>& z) const {
  std::vector<double> g(buyers, 0.0);
  for (int i = 0; i < buyers; ++i) {
    const int j = z[i];
    if (j < 0) continue;
    double gi = w(i, j);
    if (has_externalities()) {
      if (externalities.form == ExternalityCosts::Form::Sparse) continue;  // added below in O(nnz)
      for (int p = 0; p < buyers; ++p)
        if (p != i && z[p] >= 0) gi -= pair_cost(i, j, p, z[p]);
    }
    g[i] = gi;
  }
  if (externalities.form == ExternalityCosts::Form::Sparse) {
    for (int i = 0; i < buyers; ++i)
      if (z[i] >= 0) g[i] = w(i, z[i]);
    for (const auto& e : externalities.sparse)
      if (z[e.i] == e.j && z[e.p] == e.q) g[e.i] -= e.value;
  }
  return g;
}

double AssignmentProblem::objective(const std::vector<int>& z) const {
  double total = 0.0;
  for (double g : payoffs(z)) total += g;
  return total;
}

AssignmentProblem AssignmentProblem::linear_only(int n, int s, std::vector<double> weights) {
  if (n < 0 || s < 0) throw InputError("AssignmentProblem: sizes must be non-negative");
  if (weights.size() != static_cast<std::size_t>(n) * s)
    throw InputError("AssignmentProblem: weights has " + std::to_string(weights.size()) +
                     " entries, expected buyers*sellers = " + std::to_string(static_cast<std::size_t>(n) * s));
  AssignmentProblem p;
  p.buyers = n;
  p.sellers = s;
  p.linear = std::move(weights);
  return p;
}

double check_assignment(const AssignmentProblem& problem, const std::vector<int>& z) {
  if (z.size() != static_cast<std::size_t>(problem.buyers))
    throw Error("check_assignment: assignment has " + std::to_string(z.size()) + " entries, expected " +
                std::to_string(problem.buyers));
  std::vector<int> owner(problem.sellers, -1);
  for (int i = 0; i < problem.buyers; ++i) {
    const int j = z[i];
    if (j == -1) continue;
    if (j < -1 || j >= problem.sellers)
      throw Error("check_assignment: buyer " + std::to_string(i) + " is matched to seller " + std::to_string(j) +
                  ", out of range [0, " + std::to_string(problem.sellers) + ")");
    if (!problem.buyer_allowed(i))
      throw Error("check_assignment: buyer " + std::to_string(i) + " is excluded but matched");
    if (owner[j] != -1)
      throw Error("check_assignment: seller " + std::to_string(j) + " is matched to buyers " +
                  std::to_string(owner[j]) + " and " + std::to_string(i));
    owner[j] = i;
  }
  return problem.objective(z);
}

}  // namespace ivassign

#include "solvers/structure.hpp"

namespace ivassign {

bool every_optimum_is_complete(const AssignmentProblem& p) {
  const std::size_t n = static_cast<std::size_t>(p.buyers), s = static_cast<std::size_t>(p.sellers);
  std::size_t active = 0;
  for (int i = 0; i < p.buyers; ++i) active += p.buyer_allowed(i) ? 1 : 0;
  if (active > s) return false;
  // worst[i][k]: the largest c_ij^kq over j, q
  std::vector<double> worst(n * n, 0.0);
  const auto& e = p.externalities;
  switch (e.form) {
    case ExternalityCosts::Form::None: break;
    case ExternalityCosts::Form::Dense:
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < s; ++j)
          for (std::size_t k = 0; k < n; ++k)
            for (std::size_t q = 0; q < s; ++q)
              worst[i * n + k] = std::max(worst[i * n + k], e.dense[((i * s + j) * n + k) * s + q]);
      break;
    case ExternalityCosts::Form::Sparse:
      for (const auto& x : e.sparse)
        worst[static_cast<std::size_t>(x.i) * n + x.p] = std::max(worst[static_cast<std::size_t>(x.i) * n + x.p], x.value);
      break;
    case ExternalityCosts::Form::Factored: {
      const std::size_t T = static_cast<std::size_t>(e.terms);
      for (std::size_t t = 0; t < T; ++t) {
        double bmax = 0.0;
        for (std::size_t k = 0; k < s * s; ++k) bmax = std::max(bmax, e.seller[t * s * s + k]);
        for (std::size_t i = 0; i < n; ++i)
          for (std::size_t k = 0; k < n; ++k)
            if (k != i) worst[i * n + k] += e.weight[i * T + t] * e.buyer[(t * n + i) * n + k] * bmax;
      }
      break;
    }
  }
  for (int i = 0; i < p.buyers; ++i) {
    if (!p.buyer_allowed(i)) continue;
    double min_w = std::numeric_limits<double>::infinity();
    for (int j = 0; j < p.sellers; ++j) min_w = std::min(min_w, p.w(i, j));
    double cost = 0.0;
    for (int k = 0; k < p.buyers; ++k)
      if (k != i && p.buyer_allowed(k)) cost += worst[static_cast<std::size_t>(i) * n + k] + worst[static_cast<std::size_t>(k) * n + i];
    if (!(min_w > cost)) return false;
  }
  return true;
}

}  // namespace ivassign
