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

// --- Mechanism, incentives and social-model checks (audit, gvcg, epic, check, plots) ---

/// Audit: a Bayesian margin >= -kIncentiveSlack, or an ex post gain <= kIncentiveSlack, is incentive compatible.
constexpr double kIncentiveSlack = 1e-9;
/// Audit: two ex post lie gains closer than this are one level of the weak ex post epsilon.
constexpr double kGainLevelTie = 1e-12;
/// GVCG: a spherical score gain at most this is 0 (a gaining lie on it leaves epsilon.exact undefined).
constexpr double kScoreGainZero = 1e-12;
/// Plots: a log-axis tick within this relative slack of the axis ends is drawn.
constexpr double kTickEndRelative = 1e-12;
/// Plots: linear ticks run up to the axis end plus this fraction of a step.
constexpr double kTickEndSteps = 1e-9;
/// Plots: a linear tick within this fraction of a step of 0 is drawn as 0.
constexpr double kTickZeroSteps = 1e-12;

}  // namespace ivassign::tol
