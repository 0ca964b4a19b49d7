// validate(Instance): the rules of instance-format.md that do not concern JSON syntax.
// Messages name the key, the index and the rule.
#include <cmath>
#include <string>
#include <tuple>
#include <functional>
#include <set>

#include "common/format.hpp"
#include "ivassign/error.hpp"
#include "ivassign/instance.hpp"
#include "ivassign/tolerances.hpp"

namespace ivassign {

namespace {

/// A length that must equal `expected` (`what` names it in the message).
void require_length(const std::string& key, std::size_t got, std::size_t expected, const std::string& what) {
  if (got != expected)
    throw InputError(key + ": has " + std::to_string(got) + " entries, expected " + what + " = " +
                     std::to_string(expected));
}

/// A finite number.
void require_finite(const std::string& key, double v) {
  if (!std::isfinite(v)) throw InputError(key + ": " + num(v) + " is not a finite number");
}

/// A distribution of `count` entries: finite, all > 0 (full support), summing to 1.
void check_distribution(const std::string& key, const double* p, std::size_t count) {
  double total = 0.0;
  for (std::size_t k = 0; k < count; ++k) {
    require_finite(key + ": entry " + std::to_string(k), p[k]);
    if (!(p[k] > 0.0))
      throw InputError(key + ": entry " + std::to_string(k) + " is " + num(p[k]) +
                       "; the prior must have full support (every entry > 0)");
    total += p[k];
  }
  if (std::abs(total - 1.0) > tol::kProbabilitySum)
    throw InputError(key + ": entries sum to " + num(total) + "; they must sum to 1 (relative tolerance 1e-9)");
}

/// Scans a C-order tensor fast; builds a message only for the first entry that is not finite, is
/// negative, or is nonzero where `zero_rule` names a reason it must be 0.
void check_tensor(const std::string& key, const std::vector<double>& v, const std::vector<std::size_t>& shape,
                  const std::vector<std::string>& names, const char* rule,
                  const std::function<const char*(const std::vector<std::size_t>&)>& zero_rule = {}) {
  std::size_t total = 1;
  std::string what;
  for (std::size_t d = 0; d < shape.size(); ++d) {
    total *= shape[d];
    what += (d ? " * " : "") + names[d];
  }
  require_length(key, v.size(), total, what);
  auto index_of = [&](std::size_t flat) {
    std::vector<std::size_t> x(shape.size());
    for (std::size_t d = shape.size(); d-- > 0;) {
      x[d] = flat % shape[d];
      flat /= shape[d];
    }
    return x;
  };
  auto at = [&](const std::vector<std::size_t>& x) {
    std::string s = key;
    for (auto k : x) s += "[" + std::to_string(k) + "]";
    return s;
  };
  for (std::size_t k = 0; k < total; ++k) {
    const double x = v[k];
    if (!std::isfinite(x)) throw InputError(at(index_of(k)) + ": " + num(x) + " is not a finite number");
    if (x < 0.0) throw InputError(at(index_of(k)) + ": " + num(x) + " is negative; " + rule);
    if (x != 0.0 && zero_rule) {
      const auto idx_k = index_of(k);
      if (const char* why = zero_rule(idx_k))
        throw InputError(at(idx_k) + ": " + num(x) + " is nonzero but " + why +
                         "; entries with p == i or q == j do not exist and must be 0");
    }
  }
}

}  // namespace

double Instance::effective_bound() const {
  if (bound) return *bound;
  double mx = 0.0;
  for (double v : valuations) mx = std::max(mx, v);
  for (double v : costs) mx = std::max(mx, v);
  const auto& e = externalities;
  switch (e.form) {
    case Externalities::Form::None: break;
    case Externalities::Form::Dense:
      for (double v : e.dense) mx = std::max(mx, v);
      break;
    case Externalities::Form::Sparse:
      for (const auto& x : e.sparse) mx = std::max(mx, x.value);
      break;
    case Externalities::Form::Factored: {
      // largest c_ij^pq(theta) = buyer[theta][i][p] * seller[theta][j][q], p != i, q != j
      const std::size_t n = static_cast<std::size_t>(buyers), s = static_cast<std::size_t>(sellers);
      for (int t = 0; t < states; ++t) {
        double bmax = 0.0, smax = 0.0;
        for (std::size_t i = 0; i < n; ++i)
          for (std::size_t p = 0; p < n; ++p)
            if (p != i) bmax = std::max(bmax, e.buyer[(t * n + i) * n + p]);
        for (std::size_t j = 0; j < s; ++j)
          for (std::size_t q = 0; q < s; ++q)
            if (q != j) smax = std::max(smax, e.seller[(t * s + j) * s + q]);
        mx = std::max(mx, bmax * smax);
      }
      break;
    }
  }
  return mx;
}

namespace {

/// states, buyers, sellers >= 1 and one signal count K_i >= 1 per buyer.
void check_sizes(const Instance& in) {
  if (in.states < 1) throw InputError("states: " + std::to_string(in.states) + " must be an integer >= 1");
  if (in.buyers < 1) throw InputError("buyers: " + std::to_string(in.buyers) + " must be an integer >= 1");
  if (in.sellers < 1) throw InputError("sellers: " + std::to_string(in.sellers) + " must be an integer >= 1");
  const std::size_t n = static_cast<std::size_t>(in.buyers);
  require_length("signals", in.signals.size(), n, "buyers");
  for (std::size_t i = 0; i < n; ++i)
    if (in.signals[i] < 1)
      throw InputError("signals[" + std::to_string(i) + "]: " + std::to_string(in.signals[i]) +
                       " must be an integer >= 1");
}

/// The prior in its form: lengths, and distributions with full support that sum to 1.
void check_prior(const Instance& in) {
  const std::size_t m = static_cast<std::size_t>(in.states), n = static_cast<std::size_t>(in.buyers);
  const Prior& pr = in.prior;
  switch (pr.form) {
    case Prior::Form::Joint: {
      const std::uint64_t profiles = in.profile_count();
      if (profiles > (UINT64_MAX / m))
        throw InputError("prior.joint: m * prod K_i overflows; use the conditionally independent form");
      require_length("prior.joint", pr.joint.size(), m * profiles, "m * prod K_i");
      check_distribution("prior.joint", pr.joint.data(), pr.joint.size());
      break;
    }
    case Prior::Form::Symmetric:
    case Prior::Form::PerBuyer: {
      const bool sym = pr.form == Prior::Form::Symmetric;
      require_length("prior.lambda", pr.lambda.size(), m, "states");
      check_distribution("prior.lambda", pr.lambda.data(), m);
      require_length(sym ? "prior.q (per buyer copies)" : "prior.q_per_buyer", pr.q.size(), n, "buyers");
      for (std::size_t i = 0; i < n; ++i) {
        if (sym && static_cast<int>(in.signals[i]) != in.signals[0])
          throw InputError("signals[" + std::to_string(i) + "]: " + std::to_string(in.signals[i]) +
                           " differs from signals[0] = " + std::to_string(in.signals[0]) +
                           "; prior.q needs one alphabet for all buyers (use q_per_buyer)");
        const std::size_t k = static_cast<std::size_t>(in.signals[i]);
        const std::string key = sym ? std::string("prior.q") : "prior.q_per_buyer[" + std::to_string(i) + "]";
        require_length(key, pr.q[i].size(), m * k, "m * K_i");
        for (std::size_t t = 0; t < m; ++t)
          check_distribution(key + "[" + std::to_string(t) + "]", pr.q[i].data() + t * k, k);
      }
      break;
    }
  }
}

/// externalities.sparse: indices in range, finite values >= 0, no p == i or q == j, unique keys.
void check_sparse_externalities(const Instance& in) {
  std::set<std::tuple<int, int, int, int, int>> seen;
  const auto& sparse = in.externalities.sparse;
  for (std::size_t k = 0; k < sparse.size(); ++k) {
    const auto& x = sparse[k];
    const std::string at = "externalities.sparse[" + std::to_string(k) + "]";
    auto range = [&](const char* name, int v, int hi, const char* what) {
      if (v < 0 || v >= hi)
        throw InputError(at + ": " + name + " = " + std::to_string(v) + " is out of range [0, " + std::to_string(hi) +
                         ") (" + what + ")");
    };
    range("theta", x.theta, in.states, "states");
    range("i", x.i, in.buyers, "buyers");
    range("j", x.j, in.sellers, "sellers");
    range("p", x.p, in.buyers, "buyers");
    range("q", x.q, in.sellers, "sellers");
    require_finite(at + " value", x.value);
    if (x.value < 0.0) throw InputError(at + ": value " + num(x.value) + " is negative; externality costs must be >= 0");
    if (x.p == x.i || x.q == x.j)
      throw InputError(at + ": " + (x.p == x.i ? "p == i" : "q == j") +
                       "; entries with p == i or q == j do not exist");
    if (!seen.insert({x.theta, x.i, x.j, x.p, x.q}).second)
      throw InputError(at + ": key [theta=" + std::to_string(x.theta) + ", i=" + std::to_string(x.i) +
                       ", j=" + std::to_string(x.j) + ", p=" + std::to_string(x.p) + ", q=" + std::to_string(x.q) +
                       "] is repeated; sparse keys must be unique");
  }
}

/// The externalities in their form: shapes, finite values >= 0, no costs with p == i or q == j.
void check_externalities(const Instance& in) {
  const std::size_t m = static_cast<std::size_t>(in.states), n = static_cast<std::size_t>(in.buyers),
                    s = static_cast<std::size_t>(in.sellers);
  const Externalities& e = in.externalities;
  switch (e.form) {
    case Externalities::Form::None: break;
    case Externalities::Form::Dense:
      // entries with p == i or q == j do not exist: they must be 0
      check_tensor("externalities.dense", e.dense, {m, n, s, n, s}, {"m", "n", "s", "n", "s"},
                   "externality costs must be >= 0", [](const std::vector<std::size_t>& x) -> const char* {
                     if (x[3] == x[1]) return "p == i";
                     if (x[4] == x[2]) return "q == j";
                     return nullptr;
                   });
      break;
    case Externalities::Form::Sparse:
      check_sparse_externalities(in);
      break;
    case Externalities::Form::Factored: {
      check_tensor("externalities.factored.buyer", e.buyer, {m, n, n}, {"m", "n", "n"},
                   "externality factors must be >= 0");
      check_tensor("externalities.factored.seller", e.seller, {m, s, s}, {"m", "s", "s"},
                   "externality factors must be >= 0");
      break;
    }
  }
}

/// bound (when given): finite, > 0 and at least every valuation, cost and externality.
void check_bound(const Instance& in) {
  require_finite("bound", *in.bound);
  if (!(*in.bound > 0.0)) throw InputError("bound: " + num(*in.bound) + " must be > 0");
  Instance unbounded = in;
  unbounded.bound.reset();
  const double largest = unbounded.effective_bound();
  if (*in.bound < largest)
    throw InputError("bound: " + num(*in.bound) + " is below the largest valuation, cost or externality " +
                     num(largest) + "; M must bound all of them");
}

/// observed (when given): one signal per buyer, each in range.
void check_observed(const Instance& in) {
  const std::size_t n = static_cast<std::size_t>(in.buyers);
  require_length("observed", in.observed.size(), n, "buyers");
  for (std::size_t i = 0; i < n; ++i)
    if (in.observed[i] < 0 || in.observed[i] >= in.signals[i])
      throw InputError("observed[" + std::to_string(i) + "]: " + std::to_string(in.observed[i]) +
                       " is out of range [0, " + std::to_string(in.signals[i]) + ") (signals of buyer " +
                       std::to_string(i) + ")");
}

/// geometry (when given): one region, x, y and population per seller; finite coordinates, populations
/// >= 0, regions >= 0. Nothing reads it but a drawing of the market.
void check_geometry(const Geometry& g, std::size_t s) {
  require_length("geometry.region", g.region.size(), s, "sellers");
  require_length("geometry.x", g.x.size(), s, "sellers");
  require_length("geometry.y", g.y.size(), s, "sellers");
  require_length("geometry.population", g.population.size(), s, "sellers");
  for (std::size_t j = 0; j < s; ++j) {
    const std::string at = "[" + std::to_string(j) + "]";
    if (g.region[j] < 0)
      throw InputError("geometry.region" + at + ": " + std::to_string(g.region[j]) + " is negative; regions are indices >= 0");
    require_finite("geometry.x" + at, g.x[j]);
    require_finite("geometry.y" + at, g.y[j]);
    require_finite("geometry.population" + at, g.population[j]);
    if (g.population[j] < 0.0)
      throw InputError("geometry.population" + at + ": " + num(g.population[j]) + " is negative; populations must be >= 0");
  }
}

}  // namespace

void validate(const Instance& in) {
  check_sizes(in);
  check_prior(in);
  const std::size_t m = static_cast<std::size_t>(in.states), n = static_cast<std::size_t>(in.buyers),
                    s = static_cast<std::size_t>(in.sellers);
  check_tensor("valuations", in.valuations, {m, n, s}, {"m", "n", "s"}, "valuations must be >= 0");
  check_tensor("costs", in.costs, {m, n, s}, {"m", "n", "s"}, "costs must be >= 0");
  check_externalities(in);
  if (in.bound) check_bound(in);
  if (!in.observed.empty()) check_observed(in);
  if (in.geometry) check_geometry(*in.geometry, s);
}

}  // namespace ivassign
