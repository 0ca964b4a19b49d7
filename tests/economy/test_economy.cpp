// The economy command's properties: the audit recomputed by a naive loop over (theta, t), eta_ic
// bracketed, Walrasian allocations clear every market, the efficiency programs against each other and
// against random feasible allocations, the section 4.1 economy's answer at r = 0.99 and r = 0.9, and
// every rule of the format rejected with key, index and rule.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/random.hpp"
#include "economy/model.hpp"
#include "ivassign/economy.hpp"
#include "ivassign/error.hpp"
#include "test_support.hpp"

namespace ivassign {
namespace {

using nlohmann::json;

std::string economy_dir() { return test::shared_dir() + "/data/economy"; }

json read_json(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  return json::parse(in);
}

/// The naive definitions over the flat profile index (t_1 slowest), from the problem and the report's
/// allocations [|T|][n][l].
struct Naive {
  const EconomyProblem& e;
  std::vector<double> joint;  // P(theta, t), [m][|T|]
  std::uint64_t T = 1;

  explicit Naive(const EconomyProblem& problem) : e(problem) {
    for (int k : e.base.types) T *= static_cast<std::uint64_t>(k);
    for (int s = 0; s < e.states(); ++s)
      for (std::uint64_t t = 0; t < T; ++t) {
        double p = e.base.prior_lambda[static_cast<std::size_t>(s)];  // lambda(theta) prod_i q_i(t_i | theta)
        for (int i = 0; i < e.agents(); ++i) p *= e.base.prior_q[static_cast<std::size_t>(i)][static_cast<std::size_t>(s * e.base.types[static_cast<std::size_t>(i)] + type(t, i))];
        joint.push_back(p);
      }
  }
  int type(std::uint64_t t, int i) const {
    std::uint64_t stride = 1;
    for (int j = e.agents() - 1; j > i; --j) stride *= static_cast<std::uint64_t>(e.base.types[static_cast<std::size_t>(j)]);
    return static_cast<int>((t / stride) % static_cast<std::uint64_t>(e.base.types[static_cast<std::size_t>(i)]));
  }
  std::uint64_t with_type(std::uint64_t t, int i, int r) const {
    std::uint64_t stride = 1;
    for (int j = e.agents() - 1; j > i; --j) stride *= static_cast<std::uint64_t>(e.base.types[static_cast<std::size_t>(j)]);
    return t - static_cast<std::uint64_t>(type(t, i)) * stride + static_cast<std::uint64_t>(r) * stride;
  }
  double P(int s, std::uint64_t t) const { return joint[static_cast<std::size_t>(s) * T + t]; }
  double Pt(std::uint64_t t) const {
    double p = 0.0;
    for (int s = 0; s < e.states(); ++s) p += P(s, t);
    return p;
  }
};

std::vector<double> bundle(const json& alloc, std::uint64_t t, int i) { return alloc[t][i].get<std::vector<double>>(); }

/// min margin, min slack, max excess by their definitions.
void expect_audit_recomputed(const EconomyProblem& e, const json& report) {
  const Naive nv(e);
  const json& z = report["allocations"];
  double margin = std::numeric_limits<double>::infinity(), slack = margin, excess = -margin;
  for (int i = 0; i < e.agents(); ++i)
    for (int ti = 0; ti < e.base.types[static_cast<std::size_t>(i)]; ++ti)
      for (int r = 0; r < e.base.types[static_cast<std::size_t>(i)]; ++r) {
        if (r == ti) continue;
        double sum = 0.0, pti = 0.0;
        for (std::uint64_t t = 0; t < nv.T; ++t) {
          if (nv.type(t, i) != ti) continue;
          for (int s = 0; s < e.states(); ++s) {
            pti += nv.P(s, t);
            sum += nv.P(s, t) * (e.utility_of(i, s, bundle(z, t, i).data()) - e.utility_of(i, s, bundle(z, nv.with_type(t, i, r), i).data()));
          }
        }
        margin = std::min(margin, sum / pti);
      }
  for (std::uint64_t t = 0; t < nv.T; ++t) {
    if (!(nv.Pt(t) > 0.0)) continue;
    for (int i = 0; i < e.agents(); ++i) {
      double s_i = 0.0;
      for (int s = 0; s < e.states(); ++s)
        s_i += nv.P(s, t) / nv.Pt(t) * (e.utility_of(i, s, bundle(z, t, i).data()) - e.utility_of(i, s, e.endowment(i)));
      slack = std::min(slack, s_i);
    }
    for (int g = 0; g < e.goods; ++g) {
      double x = 0.0;
      for (int i = 0; i < e.agents(); ++i) x += bundle(z, t, i)[static_cast<std::size_t>(g)] - e.endowment(i)[g];
      excess = std::max(excess, x);
    }
  }
  EXPECT_TRUE(test::Close(report["audit"]["min_margin"].get<double>(), margin));
  EXPECT_TRUE(test::Close(report["audit"]["min_slack"].get<double>(), slack));
  EXPECT_TRUE(test::Close(report["audit"]["max_excess"].get<double>(), excess));
}

json report_of(const EconomyProblem& e, std::optional<double> eta = std::nullopt) {
  EconomyOptions o;
  o.all_profiles = true;
  o.eta = eta;
  o.eta_ic = false;
  o.efficiency = false;
  return json::parse(economy_report_json(run_economy(e, o)));
}

TEST(Economy, AuditRecomputedByANaiveLoop) {
  for (const char* name : {"exchange-r0.99", "cd-5"}) {
    SCOPED_TRACE(name);
    const EconomyProblem e = load_economy_problem(economy_dir() + "/" + name + ".json");
    expect_audit_recomputed(e, report_of(e));
    expect_audit_recomputed(e, report_of(e, 0.05));
  }
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    SCOPED_TRACE(seed);
    CobbDouglasOptions o;
    o.agents = 3, o.types = 2, o.states = 3, o.goods = 3, o.seed = seed;
    const EconomyProblem e = generate_economy_cobb_douglas(o);
    expect_audit_recomputed(e, report_of(e));
  }
}

/// The cells by their definition: the smallest k with ||P(.|t) - chi_k|| = 2 (1 - P(k|t)) <= mu, -1 for
/// none and outside T*; the construction applies iff mu < 1.
void expect_partition_recomputed(const EconomyProblem& e, const json& report) {
  const Naive nv(e);
  const double mu = report["mu"].get<double>();
  EXPECT_EQ(report["applies"].get<bool>(), mu < 1.0);
  for (std::uint64_t t = 0; t < nv.T; ++t) {
    int cell = -1;
    for (int k = 0; k < e.states() && nv.Pt(t) > 0.0 && cell < 0; ++k)
      if (2.0 * (1.0 - nv.P(k, t) / nv.Pt(t)) <= mu + 1e-12) cell = k;
    EXPECT_EQ(report["partition"][t].get<int>(), cell) << "profile " << t;
  }
}

TEST(Economy, PartitionRecomputedAndApplies) {
  bool saw_overlap = false;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE(seed);
    CobbDouglasOptions o;
    o.agents = 2, o.types = 2, o.states = 4, o.goods = 2, o.seed = seed;
    const EconomyProblem e = generate_economy_cobb_douglas(o);
    const json r = report_of(e);
    expect_partition_recomputed(e, r);
    saw_overlap = saw_overlap || !r["applies"].get<bool>();
  }
  EXPECT_TRUE(saw_overlap);  // mu = 1 on some of them: "applies": false, the smallest k
  const EconomyProblem ex = load_economy_problem(economy_dir() + "/exchange-r0.99.json");
  expect_partition_recomputed(ex, report_of(ex));
}

/// IC at eta_ic, not IC just below it (relative 1e-6).
void expect_eta_ic_bracketed(const EconomyProblem& e) {
  EconomyOptions o;
  o.efficiency = false;
  const EconomyResult r = run_economy(e, o);
  ASSERT_TRUE(r.eta_ic && r.eta_ic->eta);
  const double eta = *r.eta_ic->eta;
  EXPECT_GE(r.eta_ic->min_margin, -1e-9);
  o.eta_ic = false;
  o.eta = eta;
  EXPECT_TRUE(run_economy(e, o).audit.ic);
  o.eta = eta * (1.0 - 1e-6);
  EXPECT_FALSE(run_economy(e, o).audit.ic);
}

TEST(Economy, EtaIcIsBracketed) {
  for (double r : {0.9, 0.99, 0.999}) {
    SCOPED_TRACE(r);
    expect_eta_ic_bracketed(generate_economy_exchange(r));
  }
}

TEST(Economy, EtaIcIsNullWhenEtaMaxIsNotIc) {
  const EconomyProblem e = load_economy_problem(economy_dir() + "/cd-5.json");
  EconomyOptions o;
  o.efficiency = false;
  const EconomyResult r = run_economy(e, o);
  ASSERT_TRUE(r.eta_ic);
  EXPECT_FALSE(r.eta_ic->eta);
  o.eta_ic = false;
  o.eta = r.eta_ic->eta_max;
  EXPECT_FALSE(run_economy(e, o).audit.ic);
}

/// With perfect signals (r = 1) the construction is IC at small slacks and not at eta_max (halved bundles
/// are worth less than the endowment a lie outside the cells returns): the margin does not grow with
/// eta, and eta_ic is still the smallest IC slack, not null.
TEST(Economy, EtaIcWhenTheMarginFallsWithEta) {
  const EconomyProblem e = generate_economy_exchange(1.0);
  EconomyOptions o;
  o.efficiency = false;
  const EconomyResult r = run_economy(e, o);
  ASSERT_TRUE(r.eta_ic && r.eta_ic->eta);
  EXPECT_TRUE(r.audit.ic);
  EXPECT_LE(*r.eta_ic->eta, r.eta);
  o.eta_ic = false;
  o.eta = r.eta_ic->eta_max;
  EXPECT_FALSE(run_economy(e, o).audit.ic);
  o.eta = *r.eta_ic->eta;
  EXPECT_TRUE(run_economy(e, o).audit.ic);
}

/// The 1999 paper's question, numerically: some slack makes the section 4.1 construction IC and XIR
/// at once at r = 0.99, none does at r = 0.9 (checked on a grid of slacks up to eta_max).
TEST(Economy, Section41IcAndXirAtOnceOnlyForAccurateSignals) {
  EconomyOptions o;
  o.efficiency = false;
  const EconomyResult good = run_economy(generate_economy_exchange(0.99), o);
  ASSERT_TRUE(good.eta_ic && good.eta_ic->eta && good.eta_ic->xir);
  EXPECT_TRUE(*good.eta_ic->xir);
  const EconomyProblem bad = generate_economy_exchange(0.9);
  const EconomyResult r = run_economy(bad, o);
  ASSERT_TRUE(r.eta_ic && r.eta_ic->eta && r.eta_ic->xir);
  EXPECT_FALSE(*r.eta_ic->xir);
  o.eta_ic = false;
  for (int k = 0; k <= 60; ++k) {
    o.eta = r.eta_ic->eta_max * std::pow(10.0, -4.0 * (60 - k) / 60.0);
    const EconomyAudit a = run_economy(bad, o).audit;
    EXPECT_FALSE(a.ic && a.xir) << "eta = " << *o.eta;
  }
}

TEST(Economy, WalrasianAllocationClearsEveryMarket) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    CobbDouglasOptions o;
    o.agents = 2 + static_cast<int>(seed % 5), o.types = 1, o.states = 3, o.goods = 1 + static_cast<int>(seed % 4), o.seed = seed;
    const EconomyProblem e = generate_economy_cobb_douglas(o);
    for (int s = 0; s < e.states(); ++s) {
      std::vector<double> p;
      const std::vector<double> x = walrasian_allocation(e, s, &p);
      double psum = 0.0;
      for (double v : p) psum += v;
      EXPECT_NEAR(psum, 1.0, 1e-12);
      for (int g = 0; g < e.goods; ++g) {
        double demand = 0.0, supply = 0.0;
        for (int i = 0; i < e.agents(); ++i) {
          demand += x[static_cast<std::size_t>(i * e.goods + g)];
          supply += e.endowment(i)[g];
        }
        EXPECT_NEAR(demand, supply, 1e-12 * supply) << "seed " << seed << " state " << s << " good " << g;
      }
      for (int i = 0; i < e.agents(); ++i) {  // each bundle is the agent's demand: p_g x_ig = a_ig p . w_i
        double income = 0.0;
        for (int g = 0; g < e.goods; ++g) income += p[static_cast<std::size_t>(g)] * e.endowment(i)[g];
        for (int g = 0; g < e.goods; ++g)
          EXPECT_NEAR(p[static_cast<std::size_t>(g)] * x[static_cast<std::size_t>(i * e.goods + g)], e.coef(i, s)[g] * income, 1e-12);
      }
    }
  }
}

TEST(Economy, BarrierAgreesWithTheLpOnLinearEconomies) {
  const EconomyProblem e = generate_economy_exchange(0.95);
  SplitMix64 rng{7};
  for (int k = 0; k < 30; ++k) {
    const double p0 = rng.uniform();
    const double rho[2] = {p0, 1.0 - p0};
    std::vector<double> base;
    for (int i = 0; i < e.agents(); ++i) base.push_back(5.0 + 30.0 * rng.uniform());
    double lp_bound = 0.0, barrier_bound = 0.0;
    const double lp = economy::profile_gap(e, rho, base, true, &lp_bound);
    const double barrier = economy::profile_gap(e, rho, base, false, &barrier_bound);
    EXPECT_LE(barrier_bound, 1e-10 * *std::max_element(base.begin(), base.end()));  // M / tau, relative 1e-10
    EXPECT_NEAR(barrier, lp, 1e-7 * std::max(1.0, std::abs(lp))) << "case " << k;
  }
}

TEST(Economy, BarrierGapIsNeverBeatenByRandomFeasibleAllocations) {
  CobbDouglasOptions o;
  o.agents = 3, o.types = 1, o.states = 2, o.goods = 3, o.seed = 11;
  const EconomyProblem e = generate_economy_cobb_douglas(o);
  SplitMix64 rng{3};
  const double rho[2] = {0.3, 0.7};
  std::vector<double> W(3, 0.0);
  for (int i = 0; i < 3; ++i)
    for (int g = 0; g < 3; ++g) W[static_cast<std::size_t>(g)] += e.endowment(i)[g];
  const std::vector<double> base = {0.4, 0.5, 0.3};
  double bound = 0.0;
  const double gap = economy::profile_gap(e, rho, base, false, &bound);
  for (int k = 0; k < 20000; ++k) {
    std::vector<std::vector<double>> y(3, std::vector<double>(3));
    for (int g = 0; g < 3; ++g) {  // a random split of each good
      double a = rng.uniform(), b = rng.uniform();
      if (a > b) std::swap(a, b);
      y[0][static_cast<std::size_t>(g)] = a * W[static_cast<std::size_t>(g)];
      y[1][static_cast<std::size_t>(g)] = (b - a) * W[static_cast<std::size_t>(g)];
      y[2][static_cast<std::size_t>(g)] = (1.0 - b) * W[static_cast<std::size_t>(g)];
    }
    double value = std::numeric_limits<double>::infinity();
    for (int i = 0; i < 3; ++i)
      value = std::min(value, rho[0] * e.utility_of(i, 0, y[static_cast<std::size_t>(i)].data()) +
                                  rho[1] * e.utility_of(i, 1, y[static_cast<std::size_t>(i)].data()) - base[static_cast<std::size_t>(i)]);
    ASSERT_LE(value, gap + bound + 1e-12) << "draw " << k;
  }
  EXPECT_LE(bound, 1e-9);
}

TEST(Economy, ReportHasTheEfficiencyGap) {
  const EconomyProblem e = load_economy_problem(economy_dir() + "/exchange-r0.99.json");
  const EconomyResult r = run_economy(e, {});
  ASSERT_TRUE(r.audit.efficiency);
  EXPECT_GE(r.audit.efficiency->max_gap, r.audit.efficiency->epsilon - 1e-15);
  EXPECT_GT(r.audit.efficiency->max_gap, 0.0);  // beta < 1 throws away a little of every good
  ASSERT_TRUE(r.eta_ic && r.eta_ic->efficiency);
  EXPECT_GT(r.eta_ic->efficiency->epsilon, r.audit.efficiency->epsilon);  // more slack, less efficiency
}

// ---- the rules of the format ----------------------------------------------------------------

void expect_rejected(json doc, const std::string& key, const std::string& rule) {
  try {
    parse_economy_problem(doc.dump(), "test");
    ADD_FAILURE() << "accepted; expected a rejection naming " << key;
  } catch (const InputError& err) {
    const std::string what = err.what();
    EXPECT_NE(what.find(key), std::string::npos) << what;
    EXPECT_NE(what.find(rule), std::string::npos) << what;
  }
}

TEST(EconomyRules, EveryRuleNamesKeyIndexAndRule) {
  const json ex = read_json(economy_dir() + "/exchange-r0.99.json"), cd = read_json(economy_dir() + "/cd-5.json");
  json d = cd;
  d["endowments"][1][0] = -1.0;
  expect_rejected(d, "endowments[1][0]", ">= 0");
  d = cd;
  d["endowments"][2] = {0.0, 0.0};
  expect_rejected(d, "endowments[2]", "nonzero");
  d = cd;
  d["utilities"][0]["cobb_douglas"][1] = {0.5, 0.6};
  expect_rejected(d, "utilities[0].cobb_douglas[1]", "sum to 1");
  d = cd;
  d["utilities"][2]["cobb_douglas"][0][1] = -0.1;
  expect_rejected(d, "utilities[2].cobb_douglas[0][1]", ">= 0");
  d = ex;
  d.erase("cie");
  expect_rejected(d, "cie", "Cobb-Douglas");
  d = ex;
  d["utilities"][4]["linear"][1] = {0, 0};
  expect_rejected(d, "utilities[4].linear[1]", "positive coefficient");
  d = ex;
  d["cie"][0][3][0] = 40.0;
  expect_rejected(d, "cie[0]", "feasible");
  d = ex;
  d["cie"][1][3] = {1.0, 0.0};
  expect_rejected(d, "cie[1][3]", "individually rational");
  d = ex;
  d["cie"][1][2][1] = -1.0;
  expect_rejected(d, "cie[1][2][1]", ">= 0");
  d = ex;
  d["prior"]["q_per_agent"][3] = {{1.0, 0.0}, {1.0, 0.0}};
  expect_rejected(d, "prior", "positive probability");
  d = ex;
  d["format"] = "ivassign-social/1";
  expect_rejected(d, "format", "ivassign-economy/1");
  d = ex;
  d["utilities"][0] = {{"linear", {{1, 23}, {1, 7}}}, {"cobb_douglas", {{0.5, 0.5}, {0.5, 0.5}}}};
  expect_rejected(d, "utilities[0]", "exactly one");
  d = json::parse(R"({"format": "ivassign-economy/1", "agents": 1, "types": [1048576], "states": 1048576, "goods": 1,
                      "prior": {"lambda": [1]}, "endowments": [[1]], "utilities": [{"linear": [[1]]}]})");
  expect_rejected(d, "types", "exceeds");  // a short file claiming 2^40 type-state pairs allocates nothing first
}

TEST(EconomyRules, CliExitsWithTwo) {
  const std::string dir = test::temp_dir();
  json d = read_json(economy_dir() + "/exchange-r0.99.json");
  d.erase("cie");
  std::ofstream(dir + "/bad.json") << d.dump();
  auto r = test::run_cli("economy '" + dir + "/bad.json'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cie"), std::string::npos) << r.err;
  r = test::run_cli("economy '" + economy_dir() + "/cd-5.json' --eta -1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--eta"), std::string::npos) << r.err;
  r = test::run_cli("generate economy exchange --r 1.5 --out '" + dir + "/x.json'");
  EXPECT_EQ(r.exit_code, 2);
}

TEST(EconomyGenerate, CobbDouglasRoundTripsAndIsDeterministic) {
  const std::string dir = test::temp_dir();
  const std::string args = "generate economy cobb-douglas --agents 4 --types 2 --states 3 --goods 3 --seed 5 --quiet --out '";
  ASSERT_EQ(test::run_cli(args + dir + "/a.json'").exit_code, 0);
  ASSERT_EQ(test::run_cli(args + dir + "/b.json'").exit_code, 0);
  EXPECT_EQ(read_json(dir + "/a.json"), read_json(dir + "/b.json"));
  const EconomyProblem e = load_economy_problem(dir + "/a.json");
  EXPECT_EQ(e.agents(), 4);
  EXPECT_EQ(e.goods, 3);
  EXPECT_FALSE(e.has_cie);
  EXPECT_EQ(json::parse(economy_problem_to_json(e)), read_json(dir + "/a.json"));
}

}  // namespace
}  // namespace ivassign
