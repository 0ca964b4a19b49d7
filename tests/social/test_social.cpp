// The general social choice model (social-format.md): the bundled problems against their
// brute-force references, properties of GVCG / audit / epic on random problems, and the papers'
// known results (1999 exchange threshold, 2002 bilateral trade).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <random>

#include <nlohmann/json.hpp>

#include "ivassign/backend.hpp"
#include "ivassign/error.hpp"
#include "ivassign/social.hpp"
#include "ivassign/tolerances.hpp"
#include "test_support.hpp"

namespace ivassign {
namespace {

using nlohmann::json;

using test::Close;

std::string social_dir() { return test::shared_dir() + "/data/social"; }

json read_json(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  return json::parse(in);
}

void expect_close_or_null(const json& got, const json& want, const std::string& what) {
  if (want.is_null()) {
    EXPECT_TRUE(got.is_null()) << what << ": got " << got;
  } else {
    ASSERT_TRUE(got.is_number()) << what << ": got " << got;
    EXPECT_TRUE(Close(got.get<double>(), want.get<double>())) << what;
  }
}

void expect_vector_close(const json& got, const json& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (std::size_t k = 0; k < want.size(); ++k) expect_close_or_null(got[k], want[k], what + "[" + std::to_string(k) + "]");
}

// ---- the bundled problems ------------------------------------------------------------------

void compare_gvcg(const std::string& name, int stages) {
  const SocialProblem p = load_social_problem(social_dir() + "/" + name + ".json");
  GvcgOptions o;
  o.stages = stages;
  const json got = json::parse(gvcg_report_json(run_gvcg(p, o)));
  const json want = read_json(social_dir() + "/" + name + ".gvcg" + std::to_string(stages) + ".expected.json");
  EXPECT_EQ(got["format"], "ivassign-gvcg/1");
  EXPECT_EQ(got["stages"], stages);
  for (const char* key : {"informational_size", "variability", "aggregate_uncertainty", "state_variability"})
    expect_vector_close(got[key], want[key], key);
  EXPECT_EQ(got["nonexclusive_information"], want["nonexclusive_information"]);
  expect_close_or_null(got["epsilon"]["exact"], want["epsilon"]["exact"], "epsilon.exact");
  expect_close_or_null(got["epsilon"]["theorem"], want["epsilon"]["theorem"], "epsilon.theorem");
  // epsilon.used defaults to exact
  expect_close_or_null(got["epsilon"]["used"], want["epsilon"]["exact"], "epsilon.used");
  std::map<std::vector<int>, json> by_profile;
  for (const auto& prof : got["profiles"]) by_profile[prof["profile"].get<std::vector<int>>()] = prof;
  ASSERT_EQ(by_profile.size(), want["profiles"].size());
  for (const auto& w : want["profiles"]) {
    const auto key = w["profile"].get<std::vector<int>>();
    ASSERT_TRUE(by_profile.count(key)) << w["profile"];
    const json& g = by_profile[key];
    EXPECT_TRUE(Close(g["welfare"].get<double>(), w["welfare"].get<double>())) << w["profile"];
    expect_vector_close(g["net"], w["net"], "net");
    // net = values + transfers; rewards are the spherical ones at epsilon.used
    for (std::size_t i = 0; i < g["net"].size(); ++i) {
      EXPECT_TRUE(Close(g["net"][i].get<double>(), g["values"][i].get<double>() + g["transfers"][i].get<double>()));
      EXPECT_GE(g["rewards"][i].get<double>(), 0.0);
    }
  }
}

TEST(SocialBundled, ExchangeAuditOnEveryBackendTheCommandLineOffers) {
  const std::string problem = "'" + social_dir() + "/exchange-r0.95.json'";
  const auto cpu = test::run_cli("audit " + problem + " --backend cpu");
  ASSERT_EQ(cpu.exit_code, 0) << cpu.err;
  EXPECT_EQ(json::parse(cpu.out)["backend"], "cpu");
  const auto dev = test::run_cli("audit " + problem + " --backend device");
  if (!device_available()) {  // refused by name, never run elsewhere silently
    EXPECT_EQ(dev.exit_code, 2);
    EXPECT_NE(dev.err.find("--backend device"), std::string::npos) << dev.err;
    return;
  }
  ASSERT_EQ(dev.exit_code, 0) << dev.err;
  const json a = json::parse(cpu.out), b = json::parse(dev.out);
  EXPECT_EQ(b["backend"], device_system());
  EXPECT_TRUE(Close(b["bayesian"]["min_margin"], a["bayesian"]["min_margin"]));
  EXPECT_EQ(b["ex_post"], a["ex_post"]);
  EXPECT_TRUE(Close(b["weak_ex_post_epsilon"], a["weak_ex_post_epsilon"]));
}

TEST(SocialBundled, TradeEpicOnEveryBackendTheCommandLineOffers) {
  for (const char* name : {"trade-a0.5-g5", "trade-a1.5-g4"}) {  // implementable, and not
    const std::string problem = "'" + social_dir() + "/" + name + ".json'";
    const auto cpu = test::run_cli("epic " + problem + " --backend cpu");
    ASSERT_EQ(cpu.exit_code, 0) << cpu.err;
    EXPECT_EQ(json::parse(cpu.out)["backend"], "cpu");
    const auto dev = test::run_cli("epic " + problem + " --backend device");
    if (!device_available()) {
      EXPECT_EQ(dev.exit_code, 2);
      EXPECT_NE(dev.err.find("--backend device"), std::string::npos) << dev.err;
      continue;
    }
    ASSERT_EQ(dev.exit_code, 0) << dev.err;
    json a = json::parse(cpu.out), b = json::parse(dev.out);
    EXPECT_EQ(b["backend"], device_system());
    a.erase("backend");
    b.erase("backend");
    EXPECT_EQ(a, b) << name;  // bit for bit
  }
}

TEST(SocialBundled, AuctionOneStage) { compare_gvcg("auction-rho0.9-u2", 1); }
TEST(SocialBundled, AuctionTwoStages) { compare_gvcg("auction-rho0.9-u2", 2); }

TEST(SocialBundled, ExchangeAudit) {
  const SocialProblem p = load_social_problem(social_dir() + "/exchange-r0.95.json");
  const json got = json::parse(audit_report_json(audit_mechanism(p, problem_mechanism(p))));
  const json want = read_json(social_dir() + "/exchange-r0.95.audit.expected.json");
  EXPECT_EQ(got["format"], "ivassign-audit/1");
  EXPECT_TRUE(Close(got["bayesian"]["min_margin"], want["bayesian"]["min_margin"]));
  EXPECT_EQ(got["bayesian"]["ic"], want["bayesian"]["ic"]);
  EXPECT_TRUE(Close(got["bayesian"]["worst"]["margin"], want["bayesian"]["worst"]["margin"]));
  EXPECT_TRUE(Close(got["ex_post"]["max_gain"], want["ex_post"]["max_gain"]));
  EXPECT_EQ(got["ex_post"]["ic"], want["ex_post"]["ic"]);
  EXPECT_TRUE(Close(got["ex_post"]["worst"]["gain"], want["ex_post"]["worst"]["gain"]));
  EXPECT_TRUE(Close(got["weak_ex_post_epsilon"], want["weak_ex_post_epsilon"]));
  for (const char* k : {"ex_post_min", "interim_min"})
    EXPECT_TRUE(Close(got["individual_rationality"][k], want["individual_rationality"][k])) << k;
  for (const char* k : {"max_deficit", "expected_deficit"})
    EXPECT_TRUE(Close(got["budget"][k], want["budget"][k])) << k;
}

/// v^_i(c; t) straight from a by_profile file, independent of the library.
double file_value(const json& problem, int t, int i, int c) { return problem["values"]["by_profile"][t][i][c]; }

TEST(SocialBundled, TradeImplementable) {
  const SocialProblem p = load_social_problem(social_dir() + "/trade-a0.5-g5.json");
  const json got = json::parse(epic_report_json(check_epic(p, efficient_rule(p)), p.agents));
  const json want = read_json(social_dir() + "/trade-a0.5-g5.epic.expected.json");
  ASSERT_TRUE(got["implementable"].get<bool>());
  ASSERT_EQ(got["transfers"].size(), want["transfers"].size());
  for (std::size_t t = 0; t < want["transfers"].size(); ++t) expect_vector_close(got["transfers"][t], want["transfers"][t], "transfers");
  EXPECT_TRUE(Close(got["budget"]["max_deficit"], want["budget"]["max_deficit"]));
  EXPECT_TRUE(Close(got["budget"]["expected_deficit"], want["budget"]["expected_deficit"]));
}

TEST(SocialBundled, TradeNotImplementableWithAVerifiedCycle) {
  const std::string path = social_dir() + "/trade-a1.5-g4.json";
  const SocialProblem p = load_social_problem(path);
  const json file = read_json(path);
  const std::vector<int> q = efficient_rule(p);
  const EpicResult r = check_epic(p, q);
  const json want = read_json(social_dir() + "/trade-a1.5-g4.epic.expected.json");
  ASSERT_EQ(r.implementable, want["implementable"].get<bool>());
  ASSERT_GE(r.cycle.size(), 2u);
  ASSERT_EQ(r.others.size(), 1u);
  // recompute the cycle's gain: true type c_k reports c_{k+1}
  const int K = p.types[1];
  auto profile = [&](int own) { return r.agent == 0 ? own * K + r.others[0] : r.others[0] * K + own; };
  // the efficient rule, recomputed from the file
  auto efficient = [&](int t) {
    double best = -1e300;
    int arg = 0;
    for (int c = 0; c < p.outcomes; ++c) {
      const double w = file_value(file, t, 0, c) + file_value(file, t, 1, c);
      if (w > best) best = w, arg = c;
    }
    return arg;
  };
  double gain = 0.0;
  for (std::size_t k = 0; k < r.cycle.size(); ++k) {
    const int own = profile(r.cycle[k]), lie = profile(r.cycle[(k + 1) % r.cycle.size()]);
    EXPECT_EQ(q[static_cast<std::size_t>(own)], efficient(own));
    gain += file_value(file, own, r.agent, efficient(lie)) - file_value(file, own, r.agent, efficient(own));
  }
  EXPECT_GT(gain, 1e-9);
  EXPECT_TRUE(Close(r.gain, gain));
}

// ---- the generator reproduces the bundled problems ------------------------------------------

void expect_same_problem(const SocialProblem& got, const std::string& file) {
  const json g = json::parse(social_problem_to_json(got)).flatten();
  const json w = read_json(social_dir() + "/" + file).flatten();
  EXPECT_EQ(g.size(), w.size()) << file;
  for (auto it = w.begin(); it != w.end(); ++it) {
    ASSERT_TRUE(g.contains(it.key())) << file << ": " << it.key();
    const json& v = g[it.key()];
    if (it.value().is_number() && !it.value().is_boolean())
      EXPECT_TRUE(Close(v.get<double>(), it.value().get<double>())) << file << ": " << it.key();
    else
      EXPECT_EQ(v, it.value()) << file << ": " << it.key();
  }
}

TEST(SocialGenerate, ReproducesTheBundledProblems) {
  SocialAuctionOptions a;
  a.rho = 0.9;
  a.utility_types = 2;
  a.utilities = {5.606, 2.297, 9.554, 9.538, 3.806, 8.449, 4.81, 4.683, 5.946, 7.782, 1.248, 5.843};
  expect_same_problem(generate_social_auction(a), "auction-rho0.9-u2.json");
  expect_same_problem(generate_social_exchange(0.95), "exchange-r0.95.json");
  expect_same_problem(generate_social_trade(0.5, 5), "trade-a0.5-g5.json");
  expect_same_problem(generate_social_trade(1.5, 4), "trade-a1.5-g4.json");
}

TEST(SocialGenerate, RandomAuctionIsDeterministicAndValid) {
  SocialAuctionOptions a;
  a.seed = 7;
  const SocialProblem p1 = generate_social_auction(a), p2 = generate_social_auction(a);
  EXPECT_EQ(p1.values, p2.values);
  a.seed = 8;
  EXPECT_NE(generate_social_auction(a).values, p1.values);
  for (double v : p1.values) EXPECT_TRUE(v >= 0.0 && v <= 10.0);
  const SocialProblem back = parse_social_problem(social_problem_to_json(p1), "roundtrip");
  EXPECT_EQ(back.values, p1.values);
  EXPECT_EQ(back.signal, p1.signal);
  const SocialProblem pg = generate_social_public_good(3, 0.5, 3, 2.25);
  EXPECT_EQ(pg.profiles(), 27u);
  EXPECT_THROW(generate_social_trade(0.5, 1), InputError);
  EXPECT_THROW(generate_social_exchange(1.5), InputError);
}

/// The message of the InputError that `f` throws ("" when it throws none).
template <class F>
std::string input_error(F f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(SocialGenerate, BadOptionsNameTheFieldOrParameterNotAFlag) {
  SocialAuctionOptions a;
  a.rho = 1.5;
  std::string what = input_error([&] { generate_social_auction(a); });
  EXPECT_EQ(what, "generate social auction: SocialAuctionOptions::rho = 1.5 is out of range [0, 1]");
  a = {};
  a.utilities = {1, 2};
  what = input_error([&] { generate_social_auction(a); });
  EXPECT_EQ(what.rfind("generate social auction: SocialAuctionOptions::utilities has 2 numbers", 0), 0u) << what;
  what = input_error([] { generate_social_exchange(1.0); });
  EXPECT_EQ(what.rfind("generate social exchange: r = 1 gives", 0), 0u) << what;
  what = input_error([] { generate_social_public_good(3, 0.5, 3, -1.0); });
  EXPECT_EQ(what, "generate social public-good: cost = -1 is out of range [0, 1e+12]");
  // the problem's own mechanism: the advice names the library's loader
  const SocialProblem trade = generate_social_trade(0.5, 3);
  what = input_error([&] { problem_mechanism(trade); });
  EXPECT_NE(what.find("load one with load_social_mechanism"), std::string::npos) << what;
  EXPECT_EQ(what.find("--"), std::string::npos) << what;
}

// ---- properties on random problems -----------------------------------------------------------

struct RandomSpec {
  int agents, types, states, outcomes;
  double zero_share;  // share of prior entries set to 0 (support smaller than T)
};

/// A random by_state problem: values uniform in [0, 10] (0 at c0), a random joint prior with full
/// support on states and types, some profiles outside the support.
SocialProblem random_problem(std::mt19937_64& rng, const RandomSpec& s) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (;;) {
    SocialProblem p;
    p.agents = s.agents;
    p.types.assign(static_cast<std::size_t>(s.agents), s.types);
    p.outcomes = s.outcomes;
    p.states = s.states;
    p.values_form = SocialProblem::Values::ByState;
    for (int i = 0; i < s.agents; ++i) {
      p.value_offset.push_back(p.values.size());
      for (int k = 0; k < s.states * s.types; ++k)
        for (int c = 0; c < s.outcomes; ++c) p.values.push_back(c == 0 ? 0.0 : std::round(10.0 * u(rng) * 1e3) / 1e3);
    }
    p.prior_form = SocialProblem::Prior::Joint;
    const std::uint64_t T = p.profiles();
    double total = 0.0;
    for (std::uint64_t k = 0; k < T * static_cast<std::uint64_t>(s.states); ++k) {
      const double v = u(rng) < s.zero_share ? 0.0 : 0.05 + u(rng);
      p.prior_joint.push_back(v);
      total += v;
    }
    for (double& v : p.prior_joint) v /= total;
    try {
      validate_social_problem(p);
      return p;
    } catch (const InputError&) {  // a zero type or state: draw again
    }
  }
}

/// The mechanism (q, alpha + rewards) of a gvcg result on every profile (c0 and 0 outside T*).
SocialMechanism augmented(const SocialProblem& p, const GvcgResult& r) {
  SocialMechanism m;
  m.outcome.assign(p.profiles(), p.status_quo);
  m.transfers.assign(p.profiles() * static_cast<std::uint64_t>(p.agents), 0.0);
  for (const auto& prof : r.profiles) {
    std::uint64_t t = 0;
    for (std::size_t i = 0; i < prof.profile.size(); ++i) t = t * static_cast<std::uint64_t>(p.types[i]) + static_cast<std::uint64_t>(prof.profile[i]);
    m.outcome[t] = prof.outcome;
    for (std::size_t i = 0; i < prof.profile.size(); ++i)
      m.transfers[t * static_cast<std::uint64_t>(p.agents) + i] = prof.transfers[i] + (prof.rewards.empty() ? 0.0 : prof.rewards[i]);
  }
  return m;
}

/// A random mechanism: any outcome, transfers in [-5, 5] (so that lies gain and lose).
SocialMechanism random_mechanism(std::mt19937_64& rng, const SocialProblem& p) {
  std::uniform_int_distribution<int> outcome(0, p.outcomes - 1);
  std::uniform_real_distribution<double> transfer(-5.0, 5.0);
  SocialMechanism m;
  for (std::uint64_t t = 0; t < p.profiles(); ++t) m.outcome.push_back(outcome(rng));
  for (std::uint64_t k = 0; k < p.profiles() * static_cast<std::uint64_t>(p.agents); ++k) m.transfers.push_back(transfer(rng));
  return m;
}

TEST(AuditOnDevice, LieScansAgreeWithTheCpu) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  std::mt19937_64 rng(23);
  for (int trial = 0; trial < 6; ++trial) {
    SocialProblem p = random_problem(rng, {2 + trial % 3, 2 + trial % 2, 2 + trial % 2, 3, trial % 2 ? 0.2 : 0.0});
    if (trial == 5) {  // values by profile (Theta = T)
      SocialProblem byp = p;
      byp.values_form = SocialProblem::Values::ByProfile;
      byp.states = 0;
      byp.value_offset.clear();
      byp.values.clear();
      std::uniform_real_distribution<double> u(0.0, 10.0);
      for (std::uint64_t k = 0; k < p.profiles() * p.agents * p.outcomes; ++k) byp.values.push_back(u(rng));
      byp.prior_form = SocialProblem::Prior::Uniform;
      byp.prior_joint.clear();
      p = byp;
    }
    SCOPED_TRACE("trial " + std::to_string(trial));
    const SocialMechanism mech = random_mechanism(rng, p);
    AuditOptions cpu, dev;
    cpu.backend = Backend::Cpu;
    dev.backend = Backend::Device;
    const AuditResult a = audit_mechanism(p, mech, cpu), b = audit_mechanism(p, mech, dev);
    EXPECT_EQ(a.backend, Backend::Cpu);
    EXPECT_EQ(b.backend, Backend::Device);
    // the same per-element gains: the ex post worst lie is the same, bit for bit
    EXPECT_EQ(b.ex_post_max_gain, a.ex_post_max_gain);
    EXPECT_EQ(b.ex_post_agent, a.ex_post_agent);
    EXPECT_EQ(b.ex_post_profile, a.ex_post_profile);
    EXPECT_EQ(b.ex_post_report, a.ex_post_report);
    // sums reduced in another order: within the device agreement
    EXPECT_NEAR(b.bayesian_min_margin, a.bayesian_min_margin, tol::kDeviceAgreement * (1.0 + std::abs(a.bayesian_min_margin)));
    EXPECT_EQ(b.bayesian_agent, a.bayesian_agent);
    EXPECT_EQ(b.bayesian_type, a.bayesian_type);
    EXPECT_EQ(b.bayesian_report, a.bayesian_report);
    EXPECT_NEAR(b.weak_ex_post_epsilon, a.weak_ex_post_epsilon, tol::kDeviceAgreement);
    EXPECT_GT(a.weak_ex_post_epsilon, 0.0) << "random transfers: some lie gains";
    EXPECT_EQ(b.ir_ex_post_min, a.ir_ex_post_min);
    EXPECT_EQ(b.budget.expected_deficit, a.budget.expected_deficit);
  }
}

TEST(EpicOnDevice, GroupsAgreeWithTheCpuBitForBit) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  std::mt19937_64 rng(31);
  int implementable = 0, violated = 0;
  for (int trial = 0; trial < 10; ++trial) {
    const SocialProblem p = random_problem(rng, {2 + trial % 3, 2 + trial % 3, 2, 3, trial % 2 ? 0.25 : 0.0});
    SCOPED_TRACE("trial " + std::to_string(trial));
    // the efficient rule and a random one (usually not implementable)
    for (const std::vector<int>& rule : {efficient_rule(p), random_mechanism(rng, p).outcome}) {
      EpicOptions cpu, dev;
      cpu.backend = Backend::Cpu;
      dev.backend = Backend::Device;
      const EpicResult a = check_epic(p, rule, cpu), b = check_epic(p, rule, dev);
      EXPECT_EQ(a.backend, Backend::Cpu);
      EXPECT_EQ(b.backend, Backend::Device);
      ASSERT_EQ(b.implementable, a.implementable);
      EXPECT_EQ(b.transfers, a.transfers);  // the same per-element functions, no reduction
      EXPECT_EQ(b.agent, a.agent);
      EXPECT_EQ(b.others, a.others);
      EXPECT_EQ(b.cycle, a.cycle);
      EXPECT_EQ(b.gain, a.gain);
      EXPECT_EQ(b.budget.max_deficit, a.budget.max_deficit);
      (a.implementable ? implementable : violated) += 1;
    }
  }
  EXPECT_GT(implementable, 0);
  EXPECT_GT(violated, 0);
}

TEST(SocialProperties, GvcgTransfersAreNonPositiveIndividuallyRationalAndFeasible) {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 12; ++trial) {
    const SocialProblem p = random_problem(rng, {2 + trial % 2, 2 + trial % 3, 2 + trial % 2, 2 + trial % 3, 0.15});
    GvcgOptions o;
    o.epsilon = GvcgOptions::Epsilon::Value;
    o.epsilon_value = 0.0;
    const GvcgResult r = run_gvcg(p, o);
    ASSERT_FALSE(r.profiles.empty());
    for (const auto& prof : r.profiles) {
      double sum = 0.0, welfare = 0.0;
      for (std::size_t i = 0; i < prof.transfers.size(); ++i) {
        EXPECT_LE(prof.transfers[i], 1e-12);
        EXPECT_GE(prof.net[i], -1e-9);  // ex post IR
        sum += prof.transfers[i];
        welfare += prof.values[i];
      }
      EXPECT_LE(sum, 1e-12);  // feasible
      EXPECT_NEAR(welfare, prof.welfare, 1e-9);
    }
    // the audit agrees: ex post IR, feasible
    const AuditResult a = audit_mechanism(p, augmented(p, r));
    EXPECT_GE(a.ir_ex_post_min, -1e-9);
    EXPECT_LE(a.budget.max_deficit, 1e-9);
  }
}

TEST(SocialProperties, ExactEpsilonIsTheSmallestBayesianIncentiveCompatibleScale) {
  std::mt19937_64 rng(5);
  int strict = 0;
  for (int trial = 0; trial < 12; ++trial) {
    const SocialProblem p = random_problem(rng, {2 + trial % 2, 2 + trial % 2, 2, 3, 0.0});
    GvcgOptions o;
    const GvcgResult r = run_gvcg(p, o);
    ASSERT_TRUE(r.epsilon_exact.has_value());
    const AuditResult at = audit_mechanism(p, augmented(p, r));
    EXPECT_TRUE(at.bayesian_ic) << "margin " << at.bayesian_min_margin << " at epsilon " << *r.epsilon_exact;
    if (*r.epsilon_exact > 1e-6) {
      ++strict;
      o.epsilon = GvcgOptions::Epsilon::Value;
      o.epsilon_value = 0.99 * *r.epsilon_exact;
      const AuditResult below = audit_mechanism(p, augmented(p, run_gvcg(p, o)));
      EXPECT_FALSE(below.bayesian_ic) << "margin " << below.bayesian_min_margin;
      EXPECT_LT(below.bayesian_min_margin, 0.0);
    }
  }
  EXPECT_GT(strict, 3);  // the check above must have run
}

TEST(SocialProperties, PrivateValuesAreNonexclusiveAndGvcgIsExPostIC) {
  std::mt19937_64 rng(3);
  for (int trial = 0; trial < 8; ++trial) {
    const SocialProblem p = random_problem(rng, {2 + trial % 3, 2 + trial % 2, 1, 3, 0.1});
    GvcgOptions o;
    const GvcgResult r = run_gvcg(p, o);
    EXPECT_TRUE(r.measures.nonexclusive_information);
    for (double nu : r.measures.informational_size) EXPECT_EQ(nu, 0.0);
    ASSERT_TRUE(r.epsilon_exact.has_value());
    EXPECT_EQ(*r.epsilon_exact, 0.0);
    const AuditResult a = audit_mechanism(p, augmented(p, r));
    EXPECT_TRUE(a.ex_post_ic) << a.ex_post_max_gain;
    EXPECT_TRUE(a.bayesian_ic);
    EXPECT_EQ(a.weak_ex_post_epsilon, 0.0);
  }
}

TEST(SocialProperties, EpicTransfersPassTheAudit) {
  std::mt19937_64 rng(9);
  int implementable = 0, not_implementable = 0;
  for (int trial = 0; trial < 16; ++trial) {
    const SocialProblem p = random_problem(rng, {2 + trial % 2, 2 + trial % 3, 1 + trial % 2, 3, 0.1});
    const std::vector<int> q = efficient_rule(p);
    const EpicResult e = check_epic(p, q);
    if (!e.implementable) {
      ++not_implementable;
      EXPECT_GT(e.gain, 0.0);
      continue;
    }
    ++implementable;
    const AuditResult a = audit_mechanism(p, {q, e.transfers});
    EXPECT_TRUE(a.ex_post_ic) << a.ex_post_max_gain;
    EXPECT_GE(a.ir_ex_post_min, -1e-9);
    EXPECT_TRUE(Close(a.budget.max_deficit, e.budget.max_deficit));
    // pointwise smallest: lowering a realized transfer breaks ex post IC or IR
    const std::uint64_t T = p.profiles();
    for (std::uint64_t k = 0; k < e.transfers.size(); k += 5) {
      const std::uint64_t t = k / static_cast<std::uint64_t>(p.agents);
      double pt = 0.0;
      for (int st = 0; st < p.states; ++st) pt += p.prior_joint[static_cast<std::uint64_t>(st) * T + t];
      if (pt == 0.0) continue;
      SocialMechanism lower{q, e.transfers};
      lower.transfers[k] -= 1e-3;
      const AuditResult b = audit_mechanism(p, lower);
      EXPECT_TRUE(!b.ex_post_ic || b.ir_ex_post_min < -1e-9) << "transfer " << k;
    }
  }
  EXPECT_GT(implementable, 3);  // private-value draws are always implementable (VCG)
  EXPECT_GT(not_implementable, 0);
}

TEST(SocialProperties, TwoStagesWithTheIdentityDecompositionMatchOneStage) {
  std::mt19937_64 rng(21);
  for (int trial = 0; trial < 6; ++trial) {
    SocialProblem p = random_problem(rng, {2 + trial % 2, 2 + trial % 2, 2, 3, 0.1});
    p.signal.clear();
    for (int i = 0; i < p.agents; ++i) {
      p.signal.emplace_back();
      for (int k = 0; k < p.types[static_cast<std::size_t>(i)]; ++k) p.signal.back().push_back(k);
    }
    GvcgOptions o;
    o.epsilon = GvcgOptions::Epsilon::Value;
    o.epsilon_value = 0.5;
    const GvcgResult one = run_gvcg(p, o);
    o.stages = 2;
    const GvcgResult two = run_gvcg(p, o);
    for (std::size_t i = 0; i < static_cast<std::size_t>(p.agents); ++i) {
      EXPECT_TRUE(Close(one.measures.informational_size[i], two.measures.informational_size[i]));
      EXPECT_TRUE(Close(*one.measures.variability[i], *two.measures.variability[i]));
      EXPECT_TRUE(Close(one.measures.aggregate_uncertainty[i], two.measures.aggregate_uncertainty[i]));
      EXPECT_TRUE(Close(*one.measures.state_variability[i], *two.measures.state_variability[i]));
    }
    ASSERT_EQ(one.profiles.size(), two.profiles.size());
    for (std::size_t k = 0; k < one.profiles.size(); ++k) {
      EXPECT_EQ(one.profiles[k].outcome, two.profiles[k].outcome);
      for (std::size_t i = 0; i < static_cast<std::size_t>(p.agents); ++i) {
        EXPECT_TRUE(Close(one.profiles[k].transfers[i], two.profiles[k].transfers[i]));
        EXPECT_TRUE(Close(one.profiles[k].rewards[i], two.profiles[k].rewards[i]));
        EXPECT_TRUE(Close(one.profiles[k].net[i], two.profiles[k].net[i]));
      }
    }
    // a stage-2 liar best-responds to the posted posterior: he gains at least as much
    ASSERT_TRUE(one.epsilon_exact && two.epsilon_exact);
    EXPECT_GE(*two.epsilon_exact, *one.epsilon_exact - 1e-9);
  }
}

TEST(SocialProperties, ResultsDoNotDependOnTheThreadCount) {
  std::mt19937_64 rng(2);
  const SocialProblem p = random_problem(rng, {3, 3, 2, 3, 0.1});
  GvcgOptions o;
  o.threads = 1;
  const std::string a = gvcg_report_json(run_gvcg(p, o));
  o.threads = 2;
  EXPECT_EQ(a, gvcg_report_json(run_gvcg(p, o)));
}

// ---- the papers' known results ------------------------------------------------------------

TEST(SocialPapers, ExchangeIsBayesianICExactlyAboveTwoRootTwoOverThree) {
  const double r0 = 2.0 * std::sqrt(2.0) / 3.0;
  for (double r : {r0 + 1e-3, 0.95, 0.99}) {
    const SocialProblem p = generate_social_exchange(r);
    EXPECT_TRUE(audit_mechanism(p, problem_mechanism(p)).bayesian_ic) << r;
  }
  for (double r : {r0 - 1e-3, 0.9, 0.5}) {
    const SocialProblem p = generate_social_exchange(r);
    EXPECT_FALSE(audit_mechanism(p, problem_mechanism(p)).bayesian_ic) << r;
  }
}

TEST(SocialPapers, EfficientTradeIsImplementableExactlyBelowAOne) {
  for (double a : {-1.0, 0.0, 0.5, 0.9}) {
    const SocialProblem p = generate_social_trade(a, 5);
    EXPECT_TRUE(check_epic(p, efficient_rule(p)).implementable) << a;
  }
  for (double a : {1.2, 1.5, 2.0}) {
    const SocialProblem p = generate_social_trade(a, 5);
    EXPECT_FALSE(check_epic(p, efficient_rule(p)).implementable) << a;
  }
}

TEST(SocialPapers, RevenueMaximizingTradeAtAMinusOneNeverRunsADeficit) {
  for (int g : {3, 5, 8}) {
    const SocialProblem p = generate_social_trade(-1.0, g);
    const std::vector<int> q = efficient_rule(p);
    const EpicResult e = check_epic(p, q);
    ASSERT_TRUE(e.implementable);
    EXPECT_LE(e.budget.max_deficit, 1e-9) << g;
    const AuditResult a = audit_mechanism(p, {q, e.transfers});
    EXPECT_TRUE(a.ex_post_ic);
    EXPECT_GE(a.ir_ex_post_min, -1e-9);
  }
}

}  // namespace
}  // namespace ivassign
