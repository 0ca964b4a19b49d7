// solve_assignment's solver names: to_string(SolverKind) names the algorithm that ran (the name the
// solver writes into AssignmentResult::solver) and parses back; the CLI's spellings still parse.
#include <gtest/gtest.h>

#include "ivassign/assignment.hpp"
#include "ivassign/error.hpp"

namespace ivassign {
namespace {

TEST(SolverKindNames, NameTheAlgorithmThatRanAndParseBack) {
  const AssignmentProblem p = AssignmentProblem::linear_only(3, 3, {3, 1, 2, 1, 4, 1, 2, 2, 5});
  for (SolverKind kind : {SolverKind::Enumerate, SolverKind::Lap, SolverKind::BranchAndBound, SolverKind::Tabu,
                          SolverKind::Descent}) {
    SolverOptions o;
    o.solver = kind;
    o.threads = 1;
    o.iteration_limit = 200;
    EXPECT_EQ(solve_assignment(p, o).solver, to_string(kind));
    EXPECT_EQ(parse_solver_kind(to_string(kind)), kind) << to_string(kind);
  }
  EXPECT_EQ(to_string(SolverKind::BranchAndBound), "branch-and-bound");
  EXPECT_EQ(to_string(SolverKind::Tabu), "tabu");
  EXPECT_EQ(parse_solver_kind(to_string(SolverKind::Auto)), SolverKind::Auto);
  // the CLI's --solver spellings (cli.md)
  EXPECT_EQ(parse_solver_kind("exact"), SolverKind::BranchAndBound);
  EXPECT_EQ(parse_solver_kind("heuristic"), SolverKind::Tabu);
  EXPECT_THROW(parse_solver_kind("simplex"), InputError);
  try {
    parse_solver_kind("simplex");
  } catch (const InputError& e) {  // names the value, not the CLI's flag (the CLI adds --solver)
    EXPECT_EQ(std::string(e.what()).rfind("solver 'simplex' is not one of", 0), 0u) << e.what();
  }
}

}  // namespace
}  // namespace ivassign
