// ivassign/tasks.hpp — a range of a run's independent tasks, for a scheduler of the caller's (MPI
// ranks in the CLI, Dask, Ray): run_mechanism (MechanismPlan) and run_gvcg (GvcgPlan) are split into
// numbered tasks whose results, concatenated in task order, give the undivided run's result.
#pragma once
#include <cstdint>

namespace ivassign {

/// Tasks [first, first + count).
struct TaskRange {
  std::uint64_t first = 0;
  std::uint64_t count = 0;
};

}  // namespace ivassign
