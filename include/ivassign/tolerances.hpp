// ivassign/tolerances.hpp — every numerical tolerance of the library, named, in one place.
#pragma once

namespace ivassign::tol {

/// Probabilities (prior, lambda, each q row) must sum to 1 within this relative tolerance.
constexpr double kProbabilitySum = 1e-9;
/// Two posterior distances closer than this are the same value (informational size).
constexpr double kDistanceTie = 1e-12;
/// A stage-1 expected gain below kGainRelative * M counts as 0 (delta.exact).
constexpr double kGainRelative = 1e-9;
/// Importance sampling: a pair (b_i, r_i) whose likelihood ratio log q_i(b_i|t) - log q_i(r_i|t) varies by at
/// most this over the states gives equal posteriors (D_i = nu_i = 0) and is not sampled; every other pair's
/// sampled distances are genuine, computed to a relative accuracy (kernels::l1_distance_small), so no tie
/// tolerance applies and levels far below kDistanceTie are resolved.
constexpr double kLikelihoodRatioTie = 1e-12;
/// Reports compare with relative 1e-6 (absolute 1e-9 near zero) against the reference files.
constexpr double kReportRelative = 1e-6;
constexpr double kReportAbsolute = 1e-9;
/// The device path agrees with the CPU path entry by entry within this (absolute on posteriors,
/// relative on P(b) and the measures): the same per-element formulas, reductions in another order.
constexpr double kDeviceAgreement = 1e-12;

// Solvers and VCG (src/solvers, src/vcg); scales are relative, times (1 + |value|) unless said.
/// A matching value is better than another only by more than this (search pruning, tabu, VCG's charge).
constexpr double kValueImprovement = 1e-12;
/// Branch and bound drops a node whose bound exceeds the incumbent by at most this (LAP bound rounding).
constexpr double kBranchPrune = 1e-9;
/// The local search applies a move only when it gains more than this times (1 + max |w_ij|).
constexpr double kDescentGain = 1e-10;
/// The LAP engine's reduced costs within this times max(1, max |w_ij|) * max(1, buyers) of 0 are tight.
constexpr double kLapTight = 1e-12;
/// VCG evaluates a minus-i extension in full unless its estimate is below the full value by more than this.
constexpr double kExtensionScreen = 1e-9;
/// VCG's Lagrangian minus-i bound is raised by this (relative) to cover the rounding of its LAPs.
constexpr double kBoundSlack = 1e-9;
/// Certified outcomes (VcgResult: welfare_upper_bound, minus_i_upper_bound, the intervals). Scale
/// A = sum_i max_j |w_ij| + the largest externality cost total of a matching VCG evaluates, so A >= |W|
/// and A bounds the absolute terms of every sum a value or a bound is made of. Every certified upper
/// bound is raised by kCertifiedSlack (1 + A): floating-point sums of N <= 1e6 terms err by at most
/// N 2^-53 A < 1.2e-10 A, and branch and bound prunes within kBranchPrune (1 + |W|) <= kBranchPrune (1 + A).
constexpr double kCertifiedSlack = 2e-9;
/// A value is proven (a minus-i optimum, or the welfare `optimal`) when its certified gap U - L is at
/// most kCertifiedGap (1 + A); its interval [L, U] is then a point to that tolerance.
constexpr double kCertifiedGap = 1e-8;

// --- Mechanism, incentives and social-model checks (audit, gvcg, epic, check) ---

/// Audit: a Bayesian margin >= -kIncentiveSlack, or an ex post gain <= kIncentiveSlack, is incentive compatible.
constexpr double kIncentiveSlack = 1e-9;
/// Audit: two ex post lie gains closer than this are one level of the weak ex post epsilon.
constexpr double kGainLevelTie = 1e-12;
/// GVCG: a spherical score gain at most this is 0 (a gaining lie on it leaves epsilon.exact undefined).
constexpr double kScoreGainZero = 1e-12;

/// Certified bounds (ci_certified_bounds, delta.theorem1_certified): upper bounds are raised, and the closed-form
/// S_i lowered, by this relative margin for the rounding of log-space sums over many buyers.
constexpr double kCertifiedRounding = 1e-9;

}  // namespace ivassign::tol
