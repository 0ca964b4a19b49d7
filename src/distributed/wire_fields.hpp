// src/distributed/wire_fields.hpp — the fields of every struct that travels between ranks, each listed
// once (wire.hpp's Writer and Reader both walk the list). A field added to one of these structs goes
// here too, one line; until it does, the static_assert under the struct's list stops the build
// (wire::complete: as many distinct members listed as the struct has). A field of a struct type of its
// own needs that struct listed here as well; numbers, enums, strings, vectors, arrays and optionals of
// anything listed travel as they are (wire.hpp). MPI-free.
#pragma once
#include <tuple>

#include "distributed/wire.hpp"
#include "ivassign/assignment.hpp"
#include "ivassign/incentives.hpp"
#include "ivassign/mechanism.hpp"
#include "ivassign/social.hpp"
#include "ivassign/vcg.hpp"

namespace ivassign::distributed::wire {

/// A truthful task's outcome (the mechanism's profile rows are finished from these at rank 0).
template <>
struct Fields<ProfileOutcome> {
  using T = ProfileOutcome;
  static constexpr auto members = std::make_tuple(
      &T::profile,
      &T::posterior,
      &T::assignment,
      &T::welfare,
      &T::payoffs,
      &T::transfers,
      &T::rewards,
      &T::minus_i_welfare,
      &T::minus_i_proven,
      &T::transfer_error_bound,
      &T::transfer_interval,
      &T::welfare_upper_bound,
      &T::welfare_gap,
      &T::minus_i_upper_bound,
      &T::utility_interval,
      &T::stage2_gain_bound,
      &T::certified_tolerance,
      &T::expected_rewards,
      &T::transfers_certified,
      &T::solver,
      &T::solver_backend,
      &T::solve_seconds,
      &T::optimal);
};
static_assert(complete<ProfileOutcome>(), "a field of ProfileOutcome is missing from Fields<ProfileOutcome>");

/// The full solve of one profile of a large market, broadcast to the ranks that split its minus-i searches.
template <>
struct Fields<AssignmentResult> {
  using T = AssignmentResult;
  static constexpr auto members = std::make_tuple(
      &T::assignment,
      &T::objective,
      &T::optimal,
      &T::status,
      &T::upper_bound,
      &T::iterations,
      &T::seconds,
      &T::solver,
      &T::backend,
      &T::row_duals,
      &T::col_duals);
};
static_assert(complete<AssignmentResult>(), "a field of AssignmentResult is missing from Fields<AssignmentResult>");

/// The minus-i searches of a range of buyers (a VcgPlan's buyer tasks).
template <>
struct Fields<VcgPart> {
  using T = VcgPart;
  static constexpr auto members = std::make_tuple(
      &T::first,
      &T::minus_i_welfare,
      &T::minus_i_upper_bound,
      &T::proven,
      &T::minus_i_assignment,
      &T::minus_i_floor);
};
static_assert(complete<VcgPart>(), "a field of VcgPart is missing from Fields<VcgPart>");

/// check's stage-2 plan, broadcast from rank 0 (which holds the mechanism report).
template <>
struct Fields<StageTwoPlan> {
  using T = StageTwoPlan;
  static constexpr auto members = std::make_tuple(
      &T::profiles,
      &T::posteriors);
};
static_assert(complete<StageTwoPlan>(), "a field of StageTwoPlan is missing from Fields<StageTwoPlan>");

/// One stage-2 probe of check.
template <>
struct Fields<StageTwoProbe> {
  using T = StageTwoProbe;
  static constexpr auto members = std::make_tuple(
      &T::max_gain,
      &T::tried,
      &T::exact,
      &T::worst_buyer,
      &T::worst_kind,
      &T::truthful_welfare,
      &T::buyers,
      &T::buyer_max_gain);
};
static_assert(complete<StageTwoProbe>(), "a field of StageTwoProbe is missing from Fields<StageTwoProbe>");

/// One size of the replica experiment.
template <>
struct Fields<ReplicaRow> {
  using T = ReplicaRow;
  static constexpr auto members = std::make_tuple(
      &T::buyers,
      &T::sellers,
      &T::informational_size,
      &T::expected_total_rewards,
      &T::max_total_rewards,
      &T::incentive_condition,
      &T::min_margin,
      &T::expected_welfare,
      &T::welfare_per_buyer,
      &T::welfare_proven,
      &T::backend,
      &T::seconds);
};
static_assert(complete<ReplicaRow>(), "a field of ReplicaRow is missing from Fields<ReplicaRow>");

/// GVCG's outcomes and transfers of a range of type profiles.
template <>
struct Fields<GvcgOutcomes> {
  using T = GvcgOutcomes;
  static constexpr auto members = std::make_tuple(
      &T::outcome,
      &T::transfers);
};
static_assert(complete<GvcgOutcomes>(), "a field of GvcgOutcomes is missing from Fields<GvcgOutcomes>");

/// One lie of the audit.
template <>
struct Fields<AuditLie> {
  using T = AuditLie;
  static constexpr auto members = std::make_tuple(
      &T::margin,
      &T::best_gain,
      &T::best_profile,
      &T::level);
};
static_assert(complete<AuditLie>(), "a field of AuditLie is missing from Fields<AuditLie>");

/// One group (agent, t_-i) of check_epic.
template <>
struct Fields<EpicGroup> {
  using T = EpicGroup;
  static constexpr auto members = std::make_tuple(
      &T::violated,
      &T::cycle,
      &T::gain,
      &T::transfers);
};
static_assert(complete<EpicGroup>(), "a field of EpicGroup is missing from Fields<EpicGroup>");

}  // namespace ivassign::distributed::wire
