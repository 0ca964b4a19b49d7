// solve_many: a batch of problems as one solve_lap_batch when they are LAP-batchable, else one
// solve_assignment each on the backend routed_options gives them (include/ivassign/solvers.hpp).
#include <cstddef>
#include <vector>

#include "ivassign/assignment.hpp"
#include "ivassign/solvers.hpp"

namespace ivassign {

namespace {

// True when every problem is one solve_assignment hands to solve_lap (no externalities, no allowed mask, the
// LAP chosen), all of one shape: they can be solved as one solve_lap_batch.
bool lap_batchable(const std::vector<AssignmentProblem>& problems, const SolverOptions& options) {
  bool batch = !problems.empty();
  for (const AssignmentProblem& q : problems)
    batch = batch && !q.has_externalities() && q.allowed.empty() && choose_solver(q, options) == SolverKind::Lap &&
            q.buyers == problems[0].buyers && q.sellers == problems[0].sellers;
  return batch;
}

// One solve_lap_batch over the problems (lap_batchable) on `backend` with `threads` CPU threads.
LapBatchResult lap_batch_of(const std::vector<AssignmentProblem>& problems, Backend backend, int threads) {
  const int n = problems[0].buyers, s = problems[0].sellers;
  std::vector<double> weights;
  weights.reserve(problems.size() * static_cast<std::size_t>(n) * s);
  for (const AssignmentProblem& q : problems) weights.insert(weights.end(), q.linear.begin(), q.linear.end());
  return solve_lap_batch(static_cast<int>(problems.size()), n, s, weights, LapBatchOptions{threads, backend});
}

// The batch's optima as solve_lap's results: the matching, its objective as solve_lap computes it, the
// batch's duals (vcg_transfers' warm start), solver "lap" and where the batch ran.
std::vector<AssignmentResult> lap_optima(const std::vector<AssignmentProblem>& problems, const LapBatchResult& b) {
  const std::size_t n = b.buyers, s = b.sellers;
  std::vector<AssignmentResult> out(problems.size());
  for (std::size_t k = 0; k < problems.size(); ++k) {
    AssignmentResult& r = out[k];
    r.assignment.assign(b.assignment.begin() + k * n, b.assignment.begin() + (k + 1) * n);
    r.row_duals.assign(b.row_duals.begin() + k * n, b.row_duals.begin() + (k + 1) * n);
    r.col_duals.assign(b.col_duals.begin() + k * s, b.col_duals.begin() + (k + 1) * s);
    r.objective = problems[k].objective(r.assignment);
    r.optimal = true;
    r.status = SolveStatus::Optimal;
    r.upper_bound = r.objective;
    r.solver = "lap";
    r.backend = b.backend;
    r.seconds = b.backend == Backend::Cpu ? b.problem_seconds[k] : b.seconds / static_cast<double>(problems.size());
  }
  return out;
}

}  // namespace

std::vector<AssignmentResult> solve_many(const std::vector<AssignmentProblem>& problems, const SolverOptions& options) {
  if (lap_batchable(problems, options))
    return lap_optima(problems, lap_batch_of(problems, options.backend, options.threads));
  std::vector<AssignmentResult> out;
  out.reserve(problems.size());
  for (const AssignmentProblem& q : problems) out.push_back(solve_assignment(q, routed_options(q, options)));
  return out;
}

}  // namespace ivassign
