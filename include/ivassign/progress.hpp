// ivassign/progress.hpp — the one progress callback of the library's long calls (run_mechanism,
// check_incentives, replica_experiment, VCG's shared minus-i searches).
#pragma once
#include <functional>
#include <string>

namespace ivassign {

/// Progress of a long call: the fraction done in [0, 1] and the stage ("truthful outcomes 812 of
/// 6561", "VCG minus-i searches 128 of 1000"). Called from one thread at a time, never concurrently
/// (a report that finds another running is skipped); it must not throw. Empty: no reports.
using ProgressFn = std::function<void(double fraction, const std::string& stage)>;

}  // namespace ivassign
