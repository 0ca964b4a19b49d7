// The large-market experiment of Theorem 2: replicas of a symmetric CI market, the cyclic-neighbour
// rewards xi_i = n^-(k+2) P^(b_{i+1}|b_i) / ||P^(.|b_i)||_2, and their incentive condition.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

#include "common/parallel.hpp"
#include "ivassign/error.hpp"
#include "ivassign/incentives.hpp"
#include "ivassign/options.hpp"

namespace ivassign {

namespace {
void require_symmetric(const Instance& base) {
  if (base.prior.form != Prior::Form::Symmetric)
    throw InputError("replica: the base instance needs a symmetric conditionally independent prior (lambda + q): "
                     "Theorem 2 replicates one signal technology Q(.|theta) for every buyer");
}
}  // namespace

Instance replicate_market(const Instance& base, int n) {
  require_symmetric(base);
  if (n < 2) throw InputError("replica: sizes must be >= 2 buyers (got " + std::to_string(n) + ")");
  const int n0 = base.buyers, s0 = base.sellers, m = base.states;
  const int s = static_cast<int>((static_cast<long>(n) * s0 + n0 - 1) / n0);
  Instance r;
  r.name = base.name + "-x" + std::to_string(n);
  r.states = m;
  r.buyers = n;
  r.sellers = s;
  r.signals.assign(n, base.signals[0]);
  r.prior.form = Prior::Form::Symmetric;
  r.prior.lambda = base.prior.lambda;
  r.prior.q.assign(n, base.prior.q[0]);
  r.bound = base.effective_bound();
  r.valuations.resize(static_cast<std::size_t>(m) * n * s);
  r.costs.resize(r.valuations.size());
  for (int t = 0; t < m; ++t)
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < s; ++j) {
        r.valuations[r.value_index(t, i, j)] = base.valuations[base.value_index(t, i % n0, j % s0)];
        r.costs[r.value_index(t, i, j)] = base.costs[base.value_index(t, i % n0, j % s0)];
      }
  const auto& e = base.externalities;
  auto& x = r.externalities;
  x.form = e.form;
  const std::size_t N = static_cast<std::size_t>(n), S = static_cast<std::size_t>(s);
  const std::size_t N0 = static_cast<std::size_t>(n0), S0 = static_cast<std::size_t>(s0);
  switch (e.form) {
    case Externalities::Form::None: break;
    case Externalities::Form::Factored:
      x.buyer.assign(static_cast<std::size_t>(m) * N * N, 0.0);
      x.seller.assign(static_cast<std::size_t>(m) * S * S, 0.0);
      for (std::size_t t = 0; t < static_cast<std::size_t>(m); ++t) {
        for (std::size_t i = 0; i < N; ++i)
          for (std::size_t p = 0; p < N; ++p)
            if (i % N0 != p % N0) x.buyer[(t * N + i) * N + p] = e.buyer[(t * N0 + i % N0) * N0 + p % N0];
        for (std::size_t j = 0; j < S; ++j)
          for (std::size_t q = 0; q < S; ++q)
            if (j % S0 != q % S0) x.seller[(t * S + j) * S + q] = e.seller[(t * S0 + j % S0) * S0 + q % S0];
      }
      break;
    case Externalities::Form::Dense:
    case Externalities::Form::Sparse: {
      // sparse in the replica: every base entry (theta, a, c, b, d) for every pair of copies
      x.form = Externalities::Form::Sparse;
      std::vector<Externalities::Entry> entries = e.sparse;
      if (e.form == Externalities::Form::Dense) {
        entries.clear();
        for (std::size_t t = 0; t < static_cast<std::size_t>(m); ++t)
          for (std::size_t a = 0; a < N0; ++a)
            for (std::size_t c = 0; c < S0; ++c)
              for (std::size_t b = 0; b < N0; ++b)
                for (std::size_t d = 0; d < S0; ++d) {
                  const double v = e.dense[(((t * N0 + a) * S0 + c) * N0 + b) * S0 + d];
                  if (v != 0.0) entries.push_back({int(t), int(a), int(c), int(b), int(d), v});
                }
      }
      for (const auto& en : entries)
        for (std::size_t i = static_cast<std::size_t>(en.i); i < N; i += N0)
          for (std::size_t p = static_cast<std::size_t>(en.p); p < N; p += N0)
            for (std::size_t j = static_cast<std::size_t>(en.j); j < S; j += S0)
              for (std::size_t q = static_cast<std::size_t>(en.q); q < S; q += S0)
                x.sparse.push_back({en.theta, int(i), int(j), int(p), int(q), en.value});
      break;
    }
  }
  validate(r);
  return r;
}

namespace {

/// What every replica shares, from the symmetric base market's pairwise model P^(x, y): the score
/// gains S^(a, b), E[P^(b_{i+1}|b_i)/||.||] per buyer and its largest term.
struct PairModel {
  std::vector<double> score;
  double per_buyer = 0.0, term_max = 0.0;
};

PairModel pair_model(const Instance& base) {
  const int m = base.states, K = base.signals.at(0);
  const auto& q = base.prior.q.at(0);
  const auto& lambda = base.prior.lambda;
  PairModel pm;
  // the pairwise marginal P^(x, y) = sum_t lambda_t q(x|t) q(y|t), conditionals and norms
  std::vector<double> pair(static_cast<std::size_t>(K) * K, 0.0), px(K, 0.0), cond(pair.size()), norm(K, 0.0);
  for (int x = 0; x < K; ++x)
    for (int y = 0; y < K; ++y)
      for (int t = 0; t < m; ++t)
        pair[static_cast<std::size_t>(x) * K + y] += lambda[t] * q[static_cast<std::size_t>(t) * K + x] * q[static_cast<std::size_t>(t) * K + y];
  for (int x = 0; x < K; ++x) {
    for (int y = 0; y < K; ++y) px[x] += pair[static_cast<std::size_t>(x) * K + y];
    for (int y = 0; y < K; ++y) {
      cond[static_cast<std::size_t>(x) * K + y] = pair[static_cast<std::size_t>(x) * K + y] / px[x];
      norm[x] += cond[static_cast<std::size_t>(x) * K + y] * cond[static_cast<std::size_t>(x) * K + y];
    }
    norm[x] = std::sqrt(norm[x]);
  }
  double per_buyer = 0.0, term_max = 0.0;  // E[P^(b_{i+1}|b_i)/||.||] and its largest value
  for (int x = 0; x < K; ++x)
    for (int y = 0; y < K; ++y) {
      const double f = cond[static_cast<std::size_t>(x) * K + y] / norm[x];
      per_buyer += pair[static_cast<std::size_t>(x) * K + y] * f;
      term_max = std::max(term_max, f);
    }
  // S^(a, b) = sum_y P^(y|a) [P^(y|a)/||P^(.|a)|| - P^(y|b)/||P^(.|b)||]
  std::vector<double> score(static_cast<std::size_t>(K) * K, 0.0);
  for (int a = 0; a < K; ++a)
    for (int b = 0; b < K; ++b)
      for (int y = 0; y < K; ++y) {
        const double pa = cond[static_cast<std::size_t>(a) * K + y], pb = cond[static_cast<std::size_t>(b) * K + y];
        score[static_cast<std::size_t>(a) * K + b] += pa * (pa / norm[a] - pb / norm[b]);
      }
  pm.score = std::move(score);
  pm.per_buyer = per_buyer;
  pm.term_max = term_max;
  return pm;
}

/// Expected efficient welfare of the replica over profiles drawn from the prior: the samples in parallel,
/// each solve on one thread (a heuristic's result depends on its threads; so the row does not), summed in order.
void sample_welfare(const Instance& inst, int n, const ReplicaOptions& opt, ReplicaRow& row) {
  const int samples = std::max(opt.welfare_samples, 0);
  std::vector<double> value(static_cast<std::size_t>(samples), 0.0);
  std::vector<char> proven(static_cast<std::size_t>(samples), 0);
  SolverOptions each = opt.solver;
  each.threads = 1;
  parallel_tasks(static_cast<std::uint64_t>(samples), thread_count(opt.solver.threads), [&](std::uint64_t k) {
    const auto profile = sample_profile(inst, opt.seed * 7777ULL + k * 31ULL + static_cast<std::uint64_t>(n));
    const AssignmentProblem problem = expected_problem(inst, posterior_of_profile(inst, profile));
    const AssignmentResult r = solve_assignment(problem, each);
    value[k] = r.objective;
    proven[k] = r.optimal ? 1 : 0;
  });
  row.welfare_proven = true;
  double total = 0.0;
  for (int k = 0; k < samples; ++k) {
    total += value[static_cast<std::size_t>(k)];
    row.welfare_proven = row.welfare_proven && proven[static_cast<std::size_t>(k)];
  }
  if (opt.welfare_samples > 0) {
    row.expected_welfare = total / opt.welfare_samples;
    row.welfare_per_buyer = row.expected_welfare / n;
  } else {
    row.welfare_proven = false;
  }
}

/// The row of the n-buyer replica: informational size, rewards, the Theorem 1 margin and welfare.
ReplicaRow replica_row(const Instance& base, int n, const ReplicaOptions& opt, const PairModel& pm, double bound) {
  const int K = base.signals.at(0);
  const Instance inst = replicate_market(base, n);
  ReplicaRow row;
  row.buyers = n;
  row.sellers = inst.sellers;
  MeasureOptions mopt;
  mopt.max_tensor_profiles = 1u << 16;
  mopt.backend = opt.backend;
  const InformationMeasures info = prior_measures(inst, mopt);
  row.backend = info.backend;
  row.informational_size = *std::max_element(info.informational_size.begin(), info.informational_size.end());
  const double scale = std::pow(static_cast<double>(n), -(opt.k + 2.0));
  row.expected_total_rewards = n * scale * pm.per_buyer;
  row.max_total_rewards = n * scale * pm.term_max;
  const double factor = (2.0 + n) * (2.0 * n + 1.0) * bound;
  row.min_margin = std::numeric_limits<double>::infinity();
  for (int a = 0; a < K; ++a)
    for (int b = 0; b < K; ++b) {
      if (a == b) continue;
      const std::size_t ab = static_cast<std::size_t>(a) * K + b;
      double d = 0.0;  // the Theorem 1 sum is the same for every buyer of a symmetric replica; take the worst
      for (int i = 0; i < n; ++i) d = std::max(d, info.theorem1_sum[i][ab]);
      row.min_margin = std::min(row.min_margin, scale * pm.score[ab] - factor * d);
    }
  row.incentive_condition = row.min_margin >= 0.0;
  // expected efficient welfare over profiles drawn from the prior
  sample_welfare(inst, n, opt, row);
  return row;
}

}  // namespace

std::vector<ReplicaRow> replica_rows(const Instance& base, const ReplicaOptions& opt, TaskRange range) {
  validate(opt);  // the table's ranges and the sizes (ivassign/options.hpp)
  require_symmetric(base);
  const std::uint64_t sizes = opt.sizes.size();
  if (range.first > sizes || range.count > sizes - range.first)
    throw InputError("replica: TaskRange [" + std::to_string(range.first) + ", " +
                     std::to_string(range.first + range.count) + ") is outside the " + std::to_string(sizes) + " sizes");
  std::vector<ReplicaRow> rows;
  if (range.count == 0) return rows;
  const PairModel pm = pair_model(base);
  for (std::uint64_t t = range.first; t < range.first + range.count; ++t) {
    const int n = opt.sizes[static_cast<std::size_t>(t)];
    const auto t0 = std::chrono::steady_clock::now();
    if (opt.progress) opt.progress(static_cast<double>(t - range.first) / static_cast<double>(range.count), "replica n = " + std::to_string(n));
    ReplicaRow row = replica_row(base, n, opt, pm, base.effective_bound());
    row.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rows.push_back(row);
  }
  return rows;
}

ReplicaReport replica_report(const Instance& base, const ReplicaOptions& opt, std::vector<ReplicaRow> rows) {
  if (rows.size() != opt.sizes.size())
    throw InputError("replica_report: " + std::to_string(rows.size()) + " rows for " + std::to_string(opt.sizes.size()) +
                     " sizes (every task of replica_rows, in order)");
  ReplicaReport rep;
  rep.base = base.name;
  rep.k = opt.k;
  rep.bound = base.effective_bound();
  rep.rows = std::move(rows);
  return rep;
}

ReplicaReport replica_experiment(const Instance& base, const ReplicaOptions& opt) {
  return replica_report(base, opt, replica_rows(base, opt, {0, opt.sizes.empty() ? 0 : opt.sizes.size()}));
}

}  // namespace ivassign
