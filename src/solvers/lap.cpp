// Linear assignment: shortest augmenting paths with potentials (Jonker & Volgenant 1987; the
// rectangular form of Crouse 2016, "On implementing 2D rectangular assignment algorithms").
//
// Max sum w_ij over partial matchings becomes min sum c_ij with c_ij = -w_ij. When some buyer may
// prefer to stay unmatched (a w_ij <= 0) or there are more buyers than sellers, each buyer gets a
// private column of cost 0 ("unmatched"); otherwise every buyer is matched in an optimum and the
// private columns are left out (the common dense case runs on the plain n x s matrix).
#include "solvers/lap.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

#include "ivassign/error.hpp"
#include "ivassign/solvers.hpp"
#include "ivassign/tolerances.hpp"

namespace ivassign::lap {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

// "{a, b, c}" of the first 8 indices, "and k more" after them.
std::string index_set(const std::vector<int>& v) {
  std::vector<int> sorted(v);
  std::sort(sorted.begin(), sorted.end());
  std::string s = "{";
  for (std::size_t k = 0; k < sorted.size() && k < 8; ++k) s += (k ? ", " : "") + std::to_string(sorted[k]);
  if (sorted.size() > 8) s += ", ... " + std::to_string(sorted.size() - 8) + " more";
  return s + "}";
}

}  // namespace

std::string infeasible_message(const std::vector<int>& rows, const std::vector<int>& cols, bool transposed) {
  const std::string r = transposed ? "seller" : "buyer", c = transposed ? "buyer" : "seller";
  return "LAP solver: no complete matching avoids the forbidden (-inf) pairs: the " + std::to_string(rows.size()) +
         " " + r + (rows.size() == 1 ? "" : "s") + " " + index_set(rows) +
         (rows.size() == 1 ? " has" : " have") + " finite weights only with the " +
         std::to_string(cols.size()) + " " + c + (cols.size() == 1 ? "" : "s") + " " + index_set(cols) +
         " (Hall's condition fails)";
}


Engine::Engine(const AssignmentProblem& p, bool complete)
    : p_(p), n_(p.buyers), s_(p.sellers), complete_(complete) {
  if (p.has_externalities())
    throw InputError("LAP solver: the problem has externalities (a quadratic assignment problem); use the exact or "
                     "heuristic QAP solver");
  active_.assign(n_, 0);
  int rows = 0;
  for (int i = 0; i < n_; ++i) {
    active_[i] = p.buyer_allowed(i) ? 1 : 0;
    rows += active_[i];
  }
  range_ = weight_range(p, active_);
  const double min_w = range_.min;
  if (complete && rows > s_)
    throw InputError("LAP solver: a complete matching of " + std::to_string(rows) + " buyers needs as many sellers (" +
                     std::to_string(s_) + ")");
  dummies_ = !complete && (rows > s_ || !(min_w > 0.0));
  const double scale = std::max(1.0, range_.magnitude);
  tight_ = tol::kLapTight * scale * std::max(1, n_);
  cols_ = s_ + (dummies_ ? n_ : 0);
  u_.assign(n_, 0.0);
  v_.assign(cols_, 0.0);
  col4row_.assign(n_, -1);
  row4col_.assign(cols_, -1);
  shortest_.assign(cols_, kInf);
  path_.assign(cols_, -1);
  remaining_.reserve(cols_);
  sr_.assign(n_, 0);
  sc_.assign(cols_, 0);
}

std::size_t first_invalid_weight(const std::vector<double>& w) {
  constexpr std::size_t block = 1024;
  for (std::size_t start = 0; start < w.size(); start += block) {
    const std::size_t end = std::min(w.size(), start + block);
    double bad = 0.0;  // counts NaN and +inf in the block (a vectorized pass; the index only on failure)
#pragma omp simd reduction(+ : bad)
    for (std::size_t k = start; k < end; ++k) bad += (w[k] != w[k] || w[k] == kInf) ? 1.0 : 0.0;
    if (bad > 0.0)
      for (std::size_t k = start; k < end; ++k)
        if (w[k] != w[k] || w[k] == kInf) return k;
  }
  return w.size();
}

double Engine::cost(int row, int col) const {
  if (col < s_) return -p_.linear[static_cast<std::size_t>(row) * s_ + col];
  return col - s_ == row ? 0.0 : kInf;
}

void Engine::augment(int cur) {
  // Dijkstra from row `cur` over reduced costs c - u - v >= 0 until an unassigned column is reached
  remaining_.clear();
  for (int j = 0; j < cols_; ++j) remaining_.push_back(j);
  std::fill(shortest_.begin(), shortest_.end(), kInf);
  std::fill(sr_.begin(), sr_.end(), 0);
  std::fill(sc_.begin(), sc_.end(), 0);
  double min_val = 0.0;
  int i = cur, sink = -1;
  std::vector<int> scanned_rows;
  while (sink == -1) {
    sr_[i] = 1;
    scanned_rows.push_back(i);
    int index = -1;
    double lowest = kInf;
    const double ui = u_[i];
    const double* wi = p_.linear.data() + static_cast<std::size_t>(i) * s_;
    for (std::size_t k = 0; k < remaining_.size(); ++k) {
      const int j = remaining_[k];
      const double c = j < s_ ? -wi[j] : (j - s_ == i ? 0.0 : kInf);
      if (c < kInf) {
        const double r = min_val + c - ui - v_[j];
        if (r < shortest_[j]) {
          path_[j] = i;
          shortest_[j] = r;
        }
      }
      if (shortest_[j] < lowest || (shortest_[j] == lowest && row4col_[j] == -1)) {
        lowest = shortest_[j];
        index = static_cast<int>(k);
      }
    }
    if ((index < 0 || lowest == kInf) && complete_) {  // Hall's condition fails on the rows scanned
      std::vector<int> cols;
      for (int k = 0; k < cols_; ++k)
        if (sc_[k]) cols.push_back(k);
      throw Infeasible(scanned_rows, cols);
    }
    if (index < 0 || lowest == kInf)
      throw Error("LAP solver: no augmenting path (the problem has no feasible completion); this is a bug for partial "
                  "matchings, please report it");
    min_val = lowest;
    const int j = remaining_[static_cast<std::size_t>(index)];
    if (row4col_[j] == -1)
      sink = j;
    else
      i = row4col_[j];
    sc_[j] = 1;
    remaining_[static_cast<std::size_t>(index)] = remaining_.back();
    remaining_.pop_back();
  }
  // dual update, then flip the path
  u_[cur] += min_val;
  for (int r : scanned_rows)
    if (r != cur) u_[r] += min_val - shortest_[col4row_[r]];
  for (int j = 0; j < cols_; ++j)
    if (sc_[j]) v_[j] -= min_val - shortest_[j];
  int j = sink;
  while (true) {
    const int r = path_[j];
    row4col_[j] = r;
    std::swap(col4row_[r], j);
    if (r == cur) break;
  }
  ++augmentations_;
}

void Engine::solve(bool dense) {
  // Square and complete (every column ends up matched, so no column needs v = 0): Jonker-Volgenant
  // column reduction first, v_j = min_i c_ij with each column's cheapest row matched when that row
  // is still free; the shortest paths then only augment the rows left over.
  bool fresh = true;
  for (int i = 0; i < n_ && fresh; ++i) fresh = col4row_[i] == -1;
  if (fresh && dense) {  // one square Jonker-Volgenant solve (lap_dense.cpp), its certificate checked by warm_start
    DenseSolution d;
    if (solve_dense(p_, active_, range_, complete_, d) && warm_start(d.assignment, d.row_duals, d.col_duals)) {
      augmentations_ += d.searches;
      return;
    }
  }
  int rows = 0;
  for (int i = 0; i < n_; ++i) rows += active_[i];
  if (fresh && !dummies_ && rows == s_ && rows == n_ && range_.min > -kInf) {  // no forbidden pair
    std::vector<double> colmin(s_, kInf);
    std::vector<int> argmin(s_, -1);
    for (int i = 0; i < n_; ++i) {  // row-major pass over the weights
      const double* wi = p_.linear.data() + static_cast<std::size_t>(i) * s_;
      for (int j = 0; j < s_; ++j)
        if (-wi[j] < colmin[j]) {
          colmin[j] = -wi[j];
          argmin[j] = i;
        }
    }
    for (int j = s_ - 1; j >= 0; --j) {
      v_[j] = colmin[j];
      const int i = argmin[j];
      if (col4row_[i] == -1) {
        col4row_[i] = j;
        row4col_[j] = i;
      }
    }
    for (int i = 0; i < n_; ++i) {
      if (col4row_[i] >= 0) {
        u_[i] = cost(i, col4row_[i]) - v_[col4row_[i]];  // = 0: tight
      } else {
        double best = kInf;
        const double* wi = p_.linear.data() + static_cast<std::size_t>(i) * s_;
        for (int j = 0; j < s_; ++j) best = std::min(best, -wi[j] - v_[j]);
        u_[i] = best;
      }
    }
  }
  for (int i = 0; i < n_; ++i)
    if (active_[i] && col4row_[i] == -1) augment(i);
}

bool Engine::warm_start(const std::vector<int>& z, const std::vector<double>& a, const std::vector<double>& b) {
  if (z.size() != static_cast<std::size_t>(n_) || a.size() != z.size() || b.size() != static_cast<std::size_t>(s_))
    return false;
  // v_j = -b_j on real columns, 0 on private ones, u_i = -a_i (see row_duals/col_duals)
  std::vector<double> u(n_, 0.0), v(cols_, 0.0);
  std::vector<int> c4r(n_, -1), r4c(cols_, -1);
  for (int j = 0; j < s_; ++j) {
    if (!(b[j] >= -tight_)) return false;
    v[j] = -b[j];
  }
  for (int i = 0; i < n_; ++i) {
    if (!active_[i]) {
      if (z[i] != -1) return false;
      continue;
    }
    u[i] = -a[i];
    const int col = z[i] >= 0 ? z[i] : (dummies_ ? s_ + i : -1);
    if (col < 0 || col >= cols_ || r4c[col] != -1) return false;
    c4r[i] = col;
    r4c[col] = i;
    const double* wi = p_.linear.data() + static_cast<std::size_t>(i) * s_;
    const double ui = u[i];
    const double* vj = v.data();
    double worst = kInf;  // the smallest reduced cost of the row
#pragma omp simd reduction(min : worst)
    for (int j = 0; j < s_; ++j) {
      const double rc = -wi[j] - ui - vj[j];
      worst = rc < worst ? rc : worst;
    }
    if (worst < -tight_) return false;
    if (dummies_ && a[i] < -tight_) return false;             // private column
    const double c = col < s_ ? -wi[col] : 0.0;
    if (c - u[i] - v[col] > tight_) return false;  // the matched edge is tight
  }
  for (int j = 0; j < s_; ++j)
    if (r4c[j] == -1 && v[j] < -tight_) return false;  // an unmatched seller has price 0
  u_ = std::move(u);
  v_ = std::move(v);
  col4row_ = std::move(c4r);
  row4col_ = std::move(r4c);
  for (int j = 0; j < s_; ++j)
    if (row4col_[j] == -1) v_[j] = 0.0;
  return true;
}

void Engine::remove_row(int buyer) {
  if (!active_[buyer]) return;
  active_[buyer] = 0;
  const int freed = col4row_[buyer];
  col4row_[buyer] = -1;
  u_[buyer] = 0.0;
  if (freed < 0) return;
  row4col_[freed] = -1;
  if (freed >= s_) {  // buyer i was unmatched (its private column): nothing else changes
    v_[freed] = 0.0;
    return;
  }
  // The new optimum differs from the old one by one alternating path that starts at the freed
  // column j: rows r_1..r_k move r_t: c_t -> c_{t-1} (c_0 = j) and c_k becomes free. Its cost change
  // is D + v_j - v_{c_k}, D the sum of reduced costs along it, so a Dijkstra from j over columns
  // (dist) and rows (d) finds the best one; it stops once d_min >= T = min over reached columns of
  // dist(c) - v_c (v <= 0, so nothing further can do better). Duals: v_c += T - dist(c),
  // u_r -= T - d(r) on what was reached keeps every reduced cost >= 0, matched edges tight and
  // v = 0 on the column left free.
  std::vector<double> dist_col;  // dist of reached columns, in reach order
  std::vector<int> reached_cols{freed}, reached_rows;
  std::vector<double> d(n_, kInf);
  std::vector<int> pred(n_, -1);
  std::vector<char> done(n_, 0);
  dist_col.push_back(0.0);
  double T = -v_[freed];
  int best_col = freed;
  int col = freed;
  double dcol = 0.0;
  while (true) {
    // relax every row from the column just reached and pick the closest row (one pass)
    const double vc = v_[col];
    int next = -1;
    double lowest = kInf;
    for (int r = 0; r < n_; ++r) {
      if (!active_[r] || done[r]) continue;
      if (col < s_) {
        const double c = cost(r, col);
        const double cand = dcol + c - u_[r] - vc;
        if (cand < d[r]) {
          d[r] = cand;
          pred[r] = col;
        }
      }
      if (d[r] < lowest) {
        lowest = d[r];
        next = r;
      }
    }
    if (next < 0 || !(lowest < T)) break;
    done[next] = 1;
    reached_rows.push_back(next);
    col = col4row_[next];
    dcol = lowest;
    reached_cols.push_back(col);
    dist_col.push_back(dcol);
    if (dcol - v_[col] < T) {
      T = dcol - v_[col];
      best_col = col;
    }
  }
  for (std::size_t k = 0; k < reached_cols.size(); ++k) v_[reached_cols[k]] += T - dist_col[k];
  for (int r : reached_rows) u_[r] -= T - d[r];
  // flip the path that ends at best_col: its row moves to its predecessor column, and so on back to j
  int c = best_col, r = row4col_[c];
  row4col_[c] = -1;
  while (c != freed) {
    const int to = pred[r];
    const int displaced = row4col_[to];  // the row that moves next (-1 at j)
    col4row_[r] = to;
    row4col_[to] = r;
    r = displaced;
    c = to;
  }
  v_[best_col] = 0.0;  // = v + T - dist already; exact zero for the free column
  ++augmentations_;
}

std::vector<double> Engine::minimal_prices() const {
  const std::vector<double> a = row_duals(), b = col_duals();
  // q_j = b_j - p_j: shortest paths from the sources (q_j <= b_j for p_j >= 0; q_j <= b_j - w_rj for
  // each unmatched row r) along edges sigma(r) -> k of reduced cost a_r + b_k - w_rk >= 0.
  std::vector<double> q(b);
  for (int r = 0; r < n_; ++r) {
    if (!active_[r] || (col4row_[r] >= 0 && col4row_[r] < s_)) continue;
    const double* wr = p_.linear.data() + static_cast<std::size_t>(r) * s_;
    for (int k = 0; k < s_; ++k) q[k] = std::min(q[k], b[k] - wr[k]);
  }
  std::vector<char> done(s_, 0);
  for (int step = 0; step < s_; ++step) {
    int j = -1;
    for (int k = 0; k < s_; ++k)
      if (!done[k] && (j < 0 || q[k] < q[j])) j = k;
    done[j] = 1;
    const int r = row4col_[j];
    if (r < 0) continue;
    const double* wr = p_.linear.data() + static_cast<std::size_t>(r) * s_;
    for (int k = 0; k < s_; ++k)
      if (!done[k]) q[k] = std::min(q[k], q[j] + std::max(0.0, a[r] + b[k] - wr[k]));
  }
  std::vector<double> p(s_);
  for (int k = 0; k < s_; ++k) p[k] = std::max(0.0, b[k] - q[k]);
  return p;
}

std::vector<int> Engine::assignment() const {
  std::vector<int> z(n_, -1);
  for (int i = 0; i < n_; ++i)
    if (active_[i] && col4row_[i] >= 0 && col4row_[i] < s_) z[i] = col4row_[i];
  return z;
}

double Engine::objective() const {
  double total = 0.0;
  for (int i = 0; i < n_; ++i)
    if (active_[i] && col4row_[i] >= 0 && col4row_[i] < s_) total += p_.w(i, col4row_[i]);
  return total;
}

std::vector<double> Engine::row_duals() const {
  std::vector<double> a(n_, 0.0);
  for (int i = 0; i < n_; ++i)
    if (active_[i]) a[i] = -u_[i] - (dummies_ ? v_[s_ + i] : 0.0);
  return a;
}

std::vector<double> Engine::col_duals() const {
  std::vector<double> b(s_);
  for (int j = 0; j < s_; ++j) b[j] = -v_[j];
  return b;
}

}  // namespace ivassign::lap

namespace ivassign {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}

AssignmentResult solve_lap(const AssignmentProblem& problem, const SolverOptions&) {
  const auto start = std::chrono::steady_clock::now();
  if (problem.linear.size() != static_cast<std::size_t>(problem.buyers) * problem.sellers)
    throw InputError("LAP solver: " + std::to_string(problem.linear.size()) + " weights for " +
                     std::to_string(problem.buyers) + " x " + std::to_string(problem.sellers) + " pairs");
  lap::Engine engine(problem);
  if (engine.range().nan || engine.range().max == kInf) {  // name the first bad weight
    const std::size_t k = lap::first_invalid_weight(problem.linear);
    throw InputError("LAP solver: weight (" + std::to_string(k / problem.sellers) + ", " +
                     std::to_string(k % problem.sellers) + ") is " +
                     (std::isnan(problem.linear[k]) ? "NaN" : "+infinite") + " (-infinity marks a forbidden pair)");
  }
  engine.solve();
  AssignmentResult r;
  r.assignment = engine.assignment();
  r.objective = problem.objective(r.assignment);
  r.optimal = true;
  r.status = SolveStatus::Optimal;
  r.upper_bound = r.objective;
  r.iterations = engine.augmentations();
  r.solver = "lap";
  r.row_duals = engine.row_duals();
  r.col_duals = engine.col_duals();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

namespace {

// The n x s weights as s x n.
AssignmentProblem transposed(const AssignmentProblem& p) {
  std::vector<double> t(p.linear.size());
  for (int i = 0; i < p.buyers; ++i)
    for (int j = 0; j < p.sellers; ++j)
      t[static_cast<std::size_t>(j) * p.buyers + i] = p.linear[static_cast<std::size_t>(i) * p.sellers + j];
  return AssignmentProblem::linear_only(p.sellers, p.buyers, std::move(t));
}

}  // namespace

InfeasibleMatching::InfeasibleMatching(std::vector<int> r, std::vector<int> c, bool t)
    : InputError(lap::infeasible_message(r, c, t)), rows(std::move(r)), cols(std::move(c)), transposed(t) {}

AssignmentResult solve_lap_complete(const AssignmentProblem& problem, const SolverOptions&) {
  const auto start = std::chrono::steady_clock::now();
  if (problem.has_externalities() || !problem.allowed.empty())
    throw InputError("LAP solver (complete): the problem must be linear, without externalities or allowed buyers");
  if (problem.linear.size() != static_cast<std::size_t>(problem.buyers) * problem.sellers)
    throw InputError("LAP solver: " + std::to_string(problem.linear.size()) + " weights for " +
                     std::to_string(problem.buyers) + " x " + std::to_string(problem.sellers) + " pairs");
  const bool tall = problem.buyers > problem.sellers;  // match every seller: solve the transpose
  AssignmentProblem t;
  if (tall) t = transposed(problem);
  const AssignmentProblem& q = tall ? t : problem;
  AssignmentResult r;
  if (q.buyers > 0) {
    lap::Engine engine(q, true);
    if (engine.range().nan || engine.range().max == kInf) {  // name the first bad weight
      const std::size_t k = lap::first_invalid_weight(problem.linear);
      throw InputError("LAP solver: weight (" + std::to_string(k / problem.sellers) + ", " +
                       std::to_string(k % problem.sellers) + ") is " +
                       (std::isnan(problem.linear[k]) ? "NaN" : "+infinite") + " (-infinity marks a forbidden pair)");
    }
    try {
      engine.solve();
    } catch (const lap::Infeasible& e) {
      if (!tall) throw;
      throw lap::Infeasible(e.rows, e.cols, true);
    }
    r.assignment = engine.assignment();
    r.row_duals = engine.row_duals();
    r.col_duals = engine.col_duals();
    r.iterations = engine.augmentations();
  }
  if (tall) {  // back to buyers: the seller each buyer got
    std::vector<int> a(problem.buyers, -1);
    for (int j = 0; j < problem.sellers; ++j) a[r.assignment[j]] = j;
    r.assignment = std::move(a);
    std::swap(r.row_duals, r.col_duals);
  }
  if (problem.buyers == 0 || problem.sellers == 0) {
    r.assignment.assign(problem.buyers, -1);
    r.row_duals.assign(problem.buyers, 0.0);
    r.col_duals.assign(problem.sellers, 0.0);
  }
  r.objective = problem.objective(r.assignment);
  r.optimal = true;
  r.status = SolveStatus::Optimal;
  r.upper_bound = r.objective;
  r.solver = "lap";
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace ivassign
