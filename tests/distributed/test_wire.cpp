// The wire format of the MPI ranks (src/distributed/wire.hpp, wire_fields.hpp), without MPI: every struct
// that travels, each field set to a value unlike its default, comes back field for field (doubles bit for
// bit); a struct's description must name all its fields; a short or long message is refused.
//
// Three counts of each struct's fields guard against a field that would not travel, all at compile time:
// the struct's own (brace initialization, wire::aggregate_field_count), its description's
// (wire::complete, also asserted in wire_fields.hpp) and this file's structured bindings (fields_of: a
// binding of the wrong number of names does not compile). A field added to ProfileOutcome therefore
// stops the build until it is named in Fields<ProfileOutcome> and here (fields_of, and a value in
// sample_outcome, which EveryFieldSet checks differs from the default).
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "distributed/wire.hpp"
#include "distributed/wire_fields.hpp"
#include "ivassign/error.hpp"

namespace ivassign::distributed {
namespace {

// ---- every field of each struct, independently of its description ------------------------------

auto fields_of(const ProfileOutcome& x) {
  const auto& [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, u, v, w] = x;
  return std::tie(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, u, v, w);
}
auto fields_of(const AssignmentResult& x) {
  const auto& [a, b, c, d, e, f, g, h, i, j, k] = x;
  return std::tie(a, b, c, d, e, f, g, h, i, j, k);
}
auto fields_of(const VcgPart& x) {
  const auto& [a, b, c, d, e, f] = x;
  return std::tie(a, b, c, d, e, f);
}
auto fields_of(const StageTwoPlan& x) {
  const auto& [a, b] = x;
  return std::tie(a, b);
}
auto fields_of(const StageTwoProbe& x) {
  const auto& [a, b, c, d, e, f, g, h] = x;
  return std::tie(a, b, c, d, e, f, g, h);
}
auto fields_of(const ReplicaRow& x) {
  const auto& [a, b, c, d, e, f, g, h, i, j, k, l] = x;
  return std::tie(a, b, c, d, e, f, g, h, i, j, k, l);
}
auto fields_of(const GvcgOutcomes& x) {
  const auto& [a, b] = x;
  return std::tie(a, b);
}
auto fields_of(const AuditLie& x) {
  const auto& [a, b, c, d] = x;
  return std::tie(a, b, c, d);
}
auto fields_of(const EpicGroup& x) {
  const auto& [a, b, c, d] = x;
  return std::tie(a, b, c, d);
}

// The three counts agree for every struct that travels.
template <class T>
constexpr bool counts_agree() {
  using Bound = decltype(fields_of(std::declval<const T&>()));
  return wire::complete<T>() && wire::described_field_count<T>() == std::tuple_size_v<Bound> &&
         wire::aggregate_field_count<T>() == std::tuple_size_v<Bound>;
}
static_assert(counts_agree<ProfileOutcome>());
static_assert(counts_agree<AssignmentResult>());
static_assert(counts_agree<VcgPart>());
static_assert(counts_agree<StageTwoPlan>());
static_assert(counts_agree<StageTwoProbe>());
static_assert(counts_agree<ReplicaRow>());
static_assert(counts_agree<GvcgOutcomes>());
static_assert(counts_agree<AuditLie>());
static_assert(counts_agree<EpicGroup>());

// ---- samples: every field unlike its default ---------------------------------------------------

constexpr double kInf = std::numeric_limits<double>::infinity();

ProfileOutcome sample_outcome() {
  ProfileOutcome o;
  o.profile = {2, 0, 1};
  o.posterior = {0.1, 0.9};
  o.assignment = {1, -1, 0};
  o.welfare = 12.3;
  o.payoffs = {3.5, 4.25, 0.1 + 0.2};
  o.transfers = {-1.5, -0.25, -0.0};
  o.rewards = {1e-3, 2e-3, 3e-3};
  o.minus_i_welfare = {9.0, 8.5, 7.75};
  o.minus_i_proven = {1, 0, 1};
  o.transfer_error_bound = {0.0, 0.125, 0.0};
  o.transfer_interval = {{-1.5, -1.5}, {-0.5, -0.25}, {-kInf, 0.0}};
  o.welfare_upper_bound = 12.5;
  o.welfare_gap = 0.2;
  o.minus_i_upper_bound = {9.5, 8.75, 7.875};
  o.utility_interval = {{2.8, 3.5}, {3.5, 4.0}, {4.5, 4.75}};
  o.stage2_gain_bound = {0.25, 0.5, 0.75};
  o.certified_tolerance = 1.5e-7;
  o.expected_rewards = {4e-3, 5e-3, 6e-3};
  o.transfers_certified = false;
  o.solver = "descent";
  o.solver_backend = Backend::Device;
  o.solve_seconds = 0.375;
  o.optimal = true;
  return o;
}

AssignmentResult sample_result() {
  AssignmentResult a;
  a.assignment = {2, -1, 0};
  a.objective = 7.5;
  a.optimal = true;
  a.status = SolveStatus::TimeLimit;
  a.upper_bound = 8.25;
  a.iterations = 123456789012;
  a.seconds = 1.5;
  a.solver = "lap";
  a.backend = Backend::Device;
  a.row_duals = {0.5, -0.7};
  a.col_duals = {1.25, 0.0, 2.0};
  return a;
}

VcgPart sample_part() {
  VcgPart p;
  p.first = 3;
  p.minus_i_welfare = {4.5, 0.1, 2.0};
  p.minus_i_upper_bound = {kInf, 5.0, 2.0};
  p.proven = {0, 1, 1};
  p.minus_i_assignment = {{1, 0}, {}, {-1, 2}};  // an empty one: a buyer the problem does not allow
  p.minus_i_floor = {4.25, -kInf, 1.5};
  return p;
}

StageTwoPlan sample_stage_two_plan() {
  StageTwoPlan s;
  s.profiles = {{0, 1}, {1, 1}, {2, 0}};
  s.posteriors = {{0.3, 0.7}, {1.0, 0.0}, {}};
  return s;
}

StageTwoProbe sample_probe() {
  StageTwoProbe p;
  p.max_gain = 0.0625;
  p.tried = 42;
  p.exact = false;
  p.worst_buyer = 3;
  p.worst_kind = "stage-2 report";
  p.truthful_welfare = 12.75;
  p.buyers = {1, 3, 7};
  p.buyer_max_gain = {-kInf, 0.0625, 1e-3};
  return p;
}

ReplicaRow sample_row() {
  ReplicaRow r;
  r.buyers = 8;
  r.sellers = 12;
  r.informational_size = 0.03125;
  r.expected_total_rewards = 1e-4;
  r.max_total_rewards = 2e-4;
  r.incentive_condition = true;
  r.min_margin = -0.5;
  r.expected_welfare = 31.25;
  r.welfare_per_buyer = 3.90625;
  r.welfare_proven = true;
  r.backend = Backend::Device;
  r.seconds = 2.5;
  return r;
}

GvcgOutcomes sample_outcomes() {
  GvcgOutcomes g;
  g.outcome = {0, 2, 1};
  g.transfers = {0.5, -0.5, 1.5, 0.1, -0.2, 0.3};
  return g;
}

AuditLie sample_lie() {
  AuditLie l;
  l.margin = 0.75;
  l.best_gain = 1.25;
  l.best_profile = std::uint64_t{1} << 40;
  l.level = 0.5;
  return l;
}

EpicGroup sample_group() {
  EpicGroup g;
  g.violated = true;
  g.cycle = {0, 2, 1, 0};
  g.gain = 0.875;
  g.transfers = {1.0, -2.0};
  return g;
}

// ---- the checks ---------------------------------------------------------------------------------

template <class F>
void expect_differs(const F& set, const F& unset, std::size_t k) {
  EXPECT_FALSE(set == unset) << "field " << k << " keeps its default value";
}

// Every field of x differs from a default T's (so that a round trip that dropped it would show).
template <class T>
void expect_every_field_set(const T& x) {
  const T defaults{};
  std::apply(
      [&](const auto&... set) {
        std::apply(
            [&](const auto&... unset) {
              std::size_t k = 0;
              (expect_differs(set, unset, k++), ...);
            },
            fields_of(defaults));
      },
      fields_of(x));
}

// x alone, and x among others in a vector, come back field for field; bit for bit for the doubles
// (the encoding of the decoded value is the original encoding).
template <class T>
void expect_round_trip(const T& x) {
  expect_every_field_set(x);
  const std::string bytes = wire::encode(x);
  const T back = wire::decode<T>(bytes);
  EXPECT_EQ(fields_of(back), fields_of(x));
  EXPECT_EQ(wire::encode(back), bytes);
  const std::vector<T> several = wire::decode<std::vector<T>>(wire::encode(std::vector<T>{x, T{}, x}));
  ASSERT_EQ(several.size(), 3u);
  EXPECT_EQ(fields_of(several[0]), fields_of(x));
  EXPECT_EQ(fields_of(several[1]), fields_of(T{}));
  EXPECT_EQ(fields_of(several[2]), fields_of(x));
}

TEST(Wire, ProfileOutcomeRoundTrip) { expect_round_trip(sample_outcome()); }
TEST(Wire, AssignmentResultRoundTrip) { expect_round_trip(sample_result()); }
TEST(Wire, VcgPartRoundTrip) { expect_round_trip(sample_part()); }
TEST(Wire, StageTwoPlanRoundTrip) { expect_round_trip(sample_stage_two_plan()); }
TEST(Wire, StageTwoProbeRoundTrip) { expect_round_trip(sample_probe()); }
TEST(Wire, ReplicaRowRoundTrip) { expect_round_trip(sample_row()); }
TEST(Wire, GvcgOutcomesRoundTrip) { expect_round_trip(sample_outcomes()); }
TEST(Wire, AuditLieRoundTrip) { expect_round_trip(sample_lie()); }
TEST(Wire, EpicGroupRoundTrip) { expect_round_trip(sample_group()); }

TEST(Wire, SignedZeroAndInfinitiesTravelExactly) {
  const std::vector<double> v{-0.0, kInf, -kInf, std::numeric_limits<double>::denorm_min(), 0.1};
  const auto back = wire::decode<std::vector<double>>(wire::encode(v));
  ASSERT_EQ(back.size(), v.size());
  EXPECT_TRUE(std::signbit(back[0]));
  EXPECT_EQ(wire::encode(back), wire::encode(v));
}

TEST(Wire, OptionalsAndNestedContainers) {
  using Texts = std::vector<std::optional<std::vector<std::string>>>;
  const Texts v{std::nullopt, std::vector<std::string>{"a", ""}, std::vector<std::string>{}};
  EXPECT_EQ(wire::decode<Texts>(wire::encode(v)), v);
  using Lists = std::array<std::vector<int>, 2>;
  const Lists a{{{1, 2}, {}}};
  EXPECT_EQ(wire::decode<Lists>(wire::encode(a)), a);
}

TEST(Wire, ShortOrLongMessagesAreRefused) {
  const std::string bytes = wire::encode(sample_outcome());
  for (std::size_t cut : {std::size_t{0}, std::size_t{7}, bytes.size() / 2, bytes.size() - 1})
    EXPECT_THROW(wire::decode<ProfileOutcome>(bytes.substr(0, cut)), Error) << "cut at " << cut;
  EXPECT_THROW(wire::decode<ProfileOutcome>(bytes + "x"), Error);
  // a length far beyond the message: refused before anything is allocated
  const std::string huge = wire::encode(std::uint64_t{1} << 60);
  EXPECT_THROW(wire::decode<std::vector<double>>(huge), Error);
  EXPECT_THROW(wire::decode<std::string>(huge), Error);
  EXPECT_THROW(wire::decode<std::vector<VcgPart>>(huge), Error);
}

}  // namespace
}  // namespace ivassign::distributed

// ---- a description that leaves a field out is caught ------------------------------------------

namespace ivassign::distributed::wire_test {

// `flag` sits in the padding between `count` and `value`: sizeof(Sample) is that of a struct without it,
// so a size check would miss it; the field count does not.
struct Sample {
  int count = 0;
  bool flag = false;
  double value = 0.0;
  std::string name;
};
struct SampleRepeated {
  int count = 0;
  double value = 0.0;
};

}  // namespace ivassign::distributed::wire_test

namespace ivassign::distributed::wire {

template <>
struct Fields<wire_test::Sample> {
  using T = wire_test::Sample;
  static constexpr auto members = std::make_tuple(&T::count, &T::value, &T::name);  // flag left out
};
template <>
struct Fields<wire_test::SampleRepeated> {
  using T = wire_test::SampleRepeated;
  static constexpr auto members = std::make_tuple(&T::count, &T::count);  // as many, but value left out
};

}  // namespace ivassign::distributed::wire

namespace ivassign::distributed::wire_test {
namespace {

struct SampleWithoutFlag {
  int count = 0;
  double value = 0.0;
  std::string name;
};

static_assert(sizeof(Sample) == sizeof(SampleWithoutFlag), "the left-out field hides in padding");
static_assert(wire::aggregate_field_count<Sample>() == 4);
static_assert(wire::described_field_count<Sample>() == 3);
static_assert(!wire::complete<Sample>(), "a field left out of the description is caught");
static_assert(!wire::complete<SampleRepeated>(), "a field named twice in place of another is caught");

TEST(Wire, DescriptionLeavingAFieldOutIsIncomplete) {
  EXPECT_FALSE(wire::complete<Sample>());
  EXPECT_FALSE(wire::complete<SampleRepeated>());
  EXPECT_TRUE(wire::complete<ProfileOutcome>());
  // and what it leaves out does not travel: the check's reason
  Sample s;
  s.count = 1;
  s.flag = true;
  s.value = 2.0;
  s.name = "n";
  const Sample back = wire::decode<Sample>(wire::encode(s));
  EXPECT_EQ(back.count, 1);
  EXPECT_FALSE(back.flag);
  EXPECT_EQ(back.value, 2.0);
  EXPECT_EQ(back.name, "n");
}

}  // namespace
}  // namespace ivassign::distributed::wire_test
