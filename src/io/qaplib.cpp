// QAPLIB files (.dat: n, A, B; .sln: n, value, permutation) read into the QAP of
// include/ivassign/solvers.hpp. Messages name the file, the line and what is wrong.
#include <cmath>
#include <filesystem>
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

/// The numbers of the file at `path`; a token that is not a finite number throws naming its line.
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
  // checked as doubles before any conversion: an out-of-range double converted to int is undefined
  const double nv = t.values[0];
  if (nv < 1 || nv > 100000 || std::floor(nv) != nv)
    throw InputError(path + ": line " + std::to_string(t.lines[0]) + ": n = " + std::to_string(nv) +
                     " is not a positive integer");
  const int n = static_cast<int>(nv);
  if (t.values.size() != 2 + static_cast<std::size_t>(n))
    throw InputError(path + ": expected " + std::to_string(n) + " permutation entries after 'n value'");
  if (value) *value = t.values[1];
  std::vector<int> p(n);
  std::vector<char> seen(n, 0);
  for (int k = 0; k < n; ++k) {
    const double e = t.values[2 + k];
    if (e < 1 || e > n || std::floor(e) != e || seen[static_cast<int>(e) - 1])
      throw InputError(path + ": line " + std::to_string(t.lines[2 + k]) + ": entry " + std::to_string(e) +
                       " makes it not a permutation of 1.." + std::to_string(n));
    const int v = static_cast<int>(e) - 1;
    seen[v] = 1;
    p[k] = v;
  }
  return p;
}

}  // namespace ivassign
