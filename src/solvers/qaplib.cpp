// QAPLIB files and the QAP as an assignment problem (see include/ivassign/solvers.hpp).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "ivassign/error.hpp"
#include "ivassign/instance_io.hpp"
#include "ivassign/solvers.hpp"

namespace ivassign {

namespace {

/// Whitespace-separated numbers of a file, each with its line for messages.
struct Tokens {
  std::vector<double> values;
  std::vector<int> lines;
};

Tokens tokenize(const std::string& path) {
  const std::string text = load_text(path);
  Tokens t;
  std::istringstream in(text);
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    std::istringstream ls(line);
    std::string tok;
    while (ls >> tok) {
      std::size_t used = 0;
      double v = 0;
      try {
        v = std::stod(tok, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != tok.size() || !std::isfinite(v))
        throw InputError(path + ": line " + std::to_string(lineno) + ": '" + tok + "' is not a number");
      t.values.push_back(v);
      t.lines.push_back(lineno);
    }
  }
  return t;
}

}  // namespace

QapInstance read_qaplib(const std::string& path) {
  const Tokens t = tokenize(path);
  if (t.values.empty()) throw InputError(path + ": empty file; a QAPLIB instance starts with n");
  const double nv = t.values[0];
  if (nv < 1 || nv > 100000 || std::floor(nv) != nv)
    throw InputError(path + ": line " + std::to_string(t.lines[0]) + ": n = " + std::to_string(nv) +
                     " is not a positive integer");
  QapInstance q;
  q.name = std::filesystem::path(path).stem().string();
  q.n = static_cast<int>(nv);
  const std::size_t nn = static_cast<std::size_t>(q.n) * q.n;
  if (t.values.size() != 1 + 2 * nn)
    throw InputError(path + ": has " + std::to_string(t.values.size() - 1) + " matrix entries, expected 2 n^2 = " +
                     std::to_string(2 * nn) + " (n = " + std::to_string(q.n) + ": matrices A and B, n x n each)");
  q.a.assign(t.values.begin() + 1, t.values.begin() + 1 + static_cast<std::ptrdiff_t>(nn));
  q.b.assign(t.values.begin() + 1 + static_cast<std::ptrdiff_t>(nn), t.values.end());
  for (std::size_t k = 0; k < 2 * nn; ++k)
    if (t.values[1 + k] < 0)
      throw InputError(path + ": line " + std::to_string(t.lines[1 + k]) + ": entry " + std::to_string(t.values[1 + k]) +
                       " of " + (k < nn ? "A" : "B") + " is negative; the solvers need A, B >= 0");
  return q;
}

std::vector<int> read_qaplib_solution(const std::string& path, double* value) {
  const Tokens t = tokenize(path);
  if (t.values.size() < 2) throw InputError(path + ": expected 'n value' then a permutation");
  const int n = static_cast<int>(t.values[0]);
  if (static_cast<int>(t.values.size()) != 2 + n)
    throw InputError(path + ": expected " + std::to_string(n) + " permutation entries after 'n value'");
  if (value) *value = t.values[1];
  std::vector<int> p(n);
  std::vector<char> seen(n, 0);
  for (int k = 0; k < n; ++k) {
    const int v = static_cast<int>(t.values[2 + k]) - 1;
    if (v < 0 || v >= n || seen[v]) throw InputError(path + ": the permutation is not a permutation of 1.." + std::to_string(n));
    seen[v] = 1;
    p[k] = v;
  }
  return p;
}

double qap_objective(const QapInstance& q, const std::vector<int>& p) {
  const std::size_t n = static_cast<std::size_t>(q.n);
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < n; ++k) total += q.a[i * n + k] * q.b[static_cast<std::size_t>(p[i]) * n + p[k]];
  return total;
}

AssignmentProblem qap_as_assignment(const QapInstance& q, double* bonus_out) {
  const std::size_t n = static_cast<std::size_t>(q.n);
  double max_a = 0, max_b = 0, max_diag = 0;
  for (double x : q.a) max_a = std::max(max_a, x);
  for (double x : q.b) max_b = std::max(max_b, x);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) max_diag = std::max(max_diag, q.a[i * n + i] * q.b[j * n + j]);
  // larger than anything a buyer can add or cause, so every optimum matches everybody
  const double bonus = 2.0 * static_cast<double>(n) * max_a * max_b + max_diag + 1.0;
  AssignmentProblem p;
  p.buyers = p.sellers = q.n;
  p.linear.resize(n * n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) p.linear[i * n + j] = bonus - q.a[i * n + i] * q.b[j * n + j];
  auto& e = p.externalities;
  e.form = ExternalityCosts::Form::Factored;
  e.terms = 1;
  e.weight.assign(n, 1.0);
  e.buyer = q.a;
  e.seller = q.b;
  for (std::size_t i = 0; i < n; ++i) e.buyer[i * n + i] = e.seller[i * n + i] = 0.0;  // the diagonal is linear
  if (bonus_out) *bonus_out = bonus;
  return p;
}

QapResult solve_qaplib(const QapInstance& q, const SolverOptions& options) {
  double bonus = 0;
  const AssignmentProblem p = qap_as_assignment(q, &bonus);
  SolverOptions o = options;
  if (!std::isnan(options.target)) o.target = q.n * bonus - options.target;  // QAP target -> max form
  const AssignmentResult r = solve_assignment(p, o);
  QapResult out;
  out.permutation = r.assignment;
  for (int v : out.permutation)
    if (v < 0) throw Error("qap: the solver returned an incomplete assignment (a bug: the bonus makes every optimum complete)");
  out.objective = qap_objective(q, out.permutation);
  out.optimal = r.optimal;
  out.seconds = r.seconds;
  out.iterations = r.iterations;
  out.solver = r.solver;
  return out;
}

}  // namespace ivassign
