// The assignment problem at a posterior: every per-state quantity x averaged, x(pi) = sum_theta x(theta) pi(theta).
#include <algorithm>
#include <map>
#include <tuple>

#include <Eigen/Core>

#include "ivassign/error.hpp"
#include "ivassign/mechanism.hpp"

namespace ivassign {

namespace {
/// One buyer's row of a per-state stack (u, v or c at one theta) as an Eigen array.
using RowMap = Eigen::Map<Eigen::ArrayXd>;
using ConstRowMap = Eigen::Map<const Eigen::ArrayXd>;
/// True when seller[theta] is the same s x s matrix in every state (spectrum proximity, for one).
bool same_seller_factor_in_every_state(const std::vector<double>& seller, std::size_t m, std::size_t block) {
  for (std::size_t t = 1; t < m; ++t)
    if (!std::equal(seller.begin(), seller.begin() + static_cast<std::ptrdiff_t>(block),
                    seller.begin() + static_cast<std::ptrdiff_t>(t * block)))
      return false;
  return true;
}

}  // namespace

AssignmentProblem expected_problem(const Instance& in, const std::vector<double>& pi, int deviator,
                                   const std::vector<double>& deviator_pi) {
  const std::size_t m = static_cast<std::size_t>(in.states), n = static_cast<std::size_t>(in.buyers),
                    s = static_cast<std::size_t>(in.sellers);
  if (pi.size() != m) throw InputError("expected_problem: posterior has " + std::to_string(pi.size()) + " entries, expected m");
  if (deviator >= 0 && deviator_pi.size() != m)
    throw InputError("expected_problem: deviator posterior has " + std::to_string(deviator_pi.size()) + " entries, expected m");
  // own(i): the posterior at which buyer i's valuations and externality costs count
  auto own = [&](std::size_t i) -> const std::vector<double>& {
    return static_cast<int>(i) == deviator ? deviator_pi : pi;
  };
  AssignmentProblem p;
  p.buyers = in.buyers;
  p.sellers = in.sellers;
  p.linear.assign(n * s, 0.0);
  // w_i. = sum_theta [pi_i(theta) u_i.(theta) - pi(theta) v_i.(theta)], one state's row at a time
  // (coefficient-wise: the same additions in the same order as a loop over theta per entry)
  for (std::size_t i = 0; i < n; ++i) {
    const auto& pu = own(i);
    RowMap w(p.linear.data() + i * s, static_cast<Eigen::Index>(s));
    for (std::size_t t = 0; t < m; ++t)
      w += pu[t] * ConstRowMap(in.valuations.data() + (t * n + i) * s, static_cast<Eigen::Index>(s)) -
           pi[t] * ConstRowMap(in.costs.data() + (t * n + i) * s, static_cast<Eigen::Index>(s));
  }
  const auto& e = in.externalities;
  auto& x = p.externalities;
  switch (e.form) {
    case Externalities::Form::None: break;
    case Externalities::Form::Dense: {
      x.form = ExternalityCosts::Form::Dense;
      const std::size_t block = n * s * n * s;
      x.dense.assign(block, 0.0);
      const std::size_t row = s * n * s;  // entries of one buyer i
      for (std::size_t i = 0; i < n; ++i) {
        const auto& pc = own(i);
        for (std::size_t t = 0; t < m; ++t) {
          if (pc[t] == 0.0) continue;
          RowMap(x.dense.data() + i * row, static_cast<Eigen::Index>(row)) +=
              pc[t] * ConstRowMap(e.dense.data() + t * block + i * row, static_cast<Eigen::Index>(row));
        }
      }
      break;
    }
    case Externalities::Form::Sparse: {
      x.form = ExternalityCosts::Form::Sparse;
      std::map<std::tuple<int, int, int, int>, double> merged;
      for (const auto& en : e.sparse) merged[{en.i, en.j, en.p, en.q}] += own(en.i)[en.theta] * en.value;
      x.sparse.reserve(merged.size());
      for (const auto& [key, value] : merged)
        x.sparse.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), std::get<3>(key), value});
      break;
    }
    case Externalities::Form::Factored: {
      x.form = ExternalityCosts::Form::Factored;
      if (same_seller_factor_in_every_state(e.seller, m, s * s)) {
        // sum_theta pi_i(theta) buyer[theta][i][p] seller[j][q]: one term, seller[j][q] held once
        x.terms = 1;
        x.weight.assign(n, 1.0);
        x.buyer.assign(n * n, 0.0);
        for (std::size_t i = 0; i < n; ++i)
          for (std::size_t t = 0; t < m; ++t)
            RowMap(x.buyer.data() + i * n, static_cast<Eigen::Index>(n)) +=
                own(i)[t] * ConstRowMap(e.buyer.data() + (t * n + i) * n, static_cast<Eigen::Index>(n));
        x.seller.assign(e.seller.begin(), e.seller.begin() + static_cast<std::ptrdiff_t>(s * s));
        break;
      }
      x.terms = in.states;
      x.weight.assign(n * m, 0.0);
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t t = 0; t < m; ++t) x.weight[i * m + t] = own(i)[t];
      x.buyer = e.buyer;
      x.seller = e.seller;
      break;
    }
  }
  return p;
}

}  // namespace ivassign
