// ivassign/tolerances.hpp — every numerical tolerance of the library, named, in one place.
#pragma once

namespace ivassign::tol {

/// Probabilities (prior, lambda, each q row) must sum to 1 within this relative tolerance.
constexpr double kProbabilitySum = 1e-9;
/// Two posterior distances closer than this are the same value (informational size).
constexpr double kDistanceTie = 1e-12;
/// A stage-1 expected gain below kGainRelative * M counts as 0 (delta.exact).
constexpr double kGainRelative = 1e-9;
/// Reports compare with relative 1e-6 (absolute 1e-9 near zero) against the reference files.
constexpr double kReportRelative = 1e-6;
constexpr double kReportAbsolute = 1e-9;

}  // namespace ivassign::tol
