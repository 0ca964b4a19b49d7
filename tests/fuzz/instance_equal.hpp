// tests/fuzz/instance_equal.hpp — exact equality of two instances (numbers bit for bit), with the
// first difference named: the round-trip and the two-reader targets compare with it.
#pragma once
#include <cstring>
#include <string>
#include <vector>

#include "ivassign/instance.hpp"

namespace ivassign::fuzz {

inline bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

/// The first field in which `a` and `b` differ, or "" when they are the same instance.
inline std::string first_difference(const Instance& a, const Instance& b) {
  if (a.name != b.name) return "name";
  if (a.states != b.states || a.buyers != b.buyers || a.sellers != b.sellers) return "sizes";
  if (a.signals != b.signals) return "signals";
  if (a.prior.form != b.prior.form) return "prior form";
  if (!same_bits(a.prior.joint, b.prior.joint)) return "prior.joint";
  if (!same_bits(a.prior.lambda, b.prior.lambda)) return "prior.lambda";
  if (a.prior.q.size() != b.prior.q.size()) return "prior.q (buyers)";
  for (std::size_t i = 0; i < a.prior.q.size(); ++i)
    if (!same_bits(a.prior.q[i], b.prior.q[i])) return "prior.q[" + std::to_string(i) + "]";
  if (!same_bits(a.valuations, b.valuations)) return "valuations";
  if (!same_bits(a.costs, b.costs)) return "costs";
  const auto& x = a.externalities;
  const auto& y = b.externalities;
  if (x.form != y.form) return "externalities form";
  if (!same_bits(x.dense, y.dense)) return "externalities.dense";
  if (!same_bits(x.buyer, y.buyer) || !same_bits(x.seller, y.seller)) return "externalities.factored";
  if (x.sparse.size() != y.sparse.size()) return "externalities.sparse (entries)";
  for (std::size_t k = 0; k < x.sparse.size(); ++k) {
    const auto& e = x.sparse[k];
    const auto& f = y.sparse[k];
    if (e.theta != f.theta || e.i != f.i || e.j != f.j || e.p != f.p || e.q != f.q ||
        std::memcmp(&e.value, &f.value, sizeof(double)) != 0)
      return "externalities.sparse[" + std::to_string(k) + "]";
  }
  if (a.bound.has_value() != b.bound.has_value() ||
      (a.bound && std::memcmp(&*a.bound, &*b.bound, sizeof(double)) != 0))
    return "bound";
  if (a.observed != b.observed) return "observed";
  return "";
}

}  // namespace ivassign::fuzz
