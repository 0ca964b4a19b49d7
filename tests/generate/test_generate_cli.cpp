// `generate spectrum` and `convert qaplib` on the command line; the converter keeps QAPLIB objectives.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "ivassign/error.hpp"
#include "ivassign/generate.hpp"
#include "ivassign/io.hpp"
#include "ivassign/mechanism.hpp"
#include "ivassign/solvers.hpp"
#include "test_support.hpp"

namespace ivassign {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(GenerateCli, SameSeedSameFileAndTheFileValidates) {
  const std::string dir = test::temp_dir();
  const std::string args = "generate spectrum --buyers 10 --licences 24 --states 3 --density 0.2 --quiet --seed 9";
  auto r = test::run_cli(args + " --out " + dir + "/a.json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = test::run_cli(args + " --out " + dir + "/b.json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(slurp(dir + "/a.json"), slurp(dir + "/b.json"));
  const Instance in = load_instance(dir + "/a.json");  // validates against the spec
  EXPECT_EQ(in.buyers, 10);
  EXPECT_EQ(in.sellers, 24);
  EXPECT_EQ(in.states, 3);
  r = test::run_cli("generate spectrum --buyers 10 --licences 24 --states 3 --density 0.2 --quiet --seed 10 --out " +
                    dir + "/c.json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(slurp(dir + "/a.json"), slurp(dir + "/c.json"));
  // the mechanism runs on its observed profile with the defaults; delta.exact (3^10 profiles x 21 QAP
  // solves) is skipped, and refused when asked for
  r = test::run_cli("mechanism " + dir + "/a.json --quiet");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = test::run_cli("mechanism " + dir + "/a.json --quiet --delta exact");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--delta theorem1"), std::string::npos) << r.err;
  r = test::run_cli("mechanism " + dir + "/a.json --quiet --delta theorem1 --no-exact-delta");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("ivassign-report/1"), std::string::npos);
}

TEST(GenerateCli, LargeMarketDefaultsTakeTheCertifiedRewardScale) {
  // 30 firms: 3^30 profiles, so the measures are sampled; with the default delta.used is the certified scale
  // (the local search keeps the test short: the default tabu budget takes a minute here)
  const std::string dir = test::temp_dir();
  auto r = test::run_cli("generate spectrum --buyers 30 --licences 24 --seed 3 --quiet --out " + dir + "/m.json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = test::run_cli("mechanism " + dir + "/m.json --quiet --solver descent");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["measures"]["method"], "sampled");
  EXPECT_EQ(report["delta"]["source"], "theorem1_certified");
  const double certified = report["delta"]["theorem1_certified"];
  EXPECT_EQ(report["delta"]["used"].get<double>(), certified);
  EXPECT_GT(certified, 0.0);
  // the D_i are below what plain sampling resolves, so the default sampler is importance sampling, whose
  // estimate stays below the certified bound
  EXPECT_EQ(report["measures"]["sampler"], "importance");
  EXPECT_EQ(report["measures"]["band"], "normal_approximation");
  EXPECT_LE(report["delta"]["theorem1"].get<double>(), certified);
  for (std::size_t i = 0; i < 30; ++i)
    EXPECT_LE(report["measures"]["informational_size_certified"][i].get<double>(), 1.0);
  // with plain sampling the certified bound is below the sampled confidence bound (half-widths ~1e-2)
  r = test::run_cli("mechanism " + dir + "/m.json --quiet --solver descent --sampler plain");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto plain = nlohmann::json::parse(r.out);
  EXPECT_EQ(plain["measures"]["sampler"], "plain");
  EXPECT_EQ(plain["delta"]["theorem1_certified"].get<double>(), certified);
  EXPECT_LT(certified, plain["delta"]["theorem1_upper"].get<double>());
  r = test::run_cli("mechanism " + dir + "/m.json --quiet --sampler sometimes");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--sampler"), std::string::npos) << r.err;
  r = test::run_cli("mechanism " + dir + "/m.json --quiet --solver descent --delta theorem1_certified");  // alone
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["delta"]["used"].get<double>(), certified);
}

TEST(GenerateCli, BadOptionsAreNamedAndNothingIsWritten) {
  const std::string dir = test::temp_dir();
  auto r = test::run_cli("generate spectrum --buyers 0 --licences 5 --out " + dir + "/x.json");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--buyers"), std::string::npos) << r.err;
  r = test::run_cli("generate spectrum --buyers 5 --licences 5 --density 2 --out " + dir + "/x.json");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--density"), std::string::npos) << r.err;
  r = test::run_cli("generate spectrum --buyers 5 --licences 5 --accuracy-max 0.3 --out " + dir + "/x.json");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("generate spectrum: --accuracy-max = 0.3"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("SpectrumOptions"), std::string::npos) << r.err;
  r = test::run_cli("generate spectrum --buyers 5 --licences 5");  // --out is required
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(std::ifstream(dir + "/x.json").good());
  r = test::run_cli("generate nothing --out " + dir + "/x.json");
  EXPECT_EQ(r.exit_code, 2);
}

// welfare(permutation) = n * C - QAP objective(permutation) on the converted instance, for the
// published optimal permutation and for others.
TEST(ConvertQaplib, ReproducesQaplibObjectives) {
  const std::string qdir = test::shared_dir() + "/data/qaplib";
  for (const std::string name : {"nug12", "chr12a", "had12"}) {
    SCOPED_TRACE(name);
    const std::string dir = test::temp_dir();
    auto r = test::run_cli("convert qaplib " + qdir + "/" + name + ".dat --out " + dir + "/q.json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("QAP objective"), std::string::npos) << r.err;
    const Instance in = load_instance(dir + "/q.json");
    const QapInstance q = read_qaplib(qdir + "/" + name + ".dat");
    double constant = 0;
    qap_as_instance(q, &constant);
    double published = 0;
    const std::vector<int> best = read_qaplib_solution(qdir + "/" + name + ".sln", &published);
    const AssignmentProblem p = expected_problem(in, {1.0});
    EXPECT_DOUBLE_EQ(q.n * constant - check_assignment(p, best), published);
    std::vector<int> perm(q.n);
    for (int k = 0; k < q.n; ++k) perm[k] = (k * 5 + 3) % q.n;  // another permutation (5 is prime to 12)
    EXPECT_DOUBLE_EQ(q.n * constant - check_assignment(p, perm), qap_objective(q, perm));
  }
}

TEST(ConvertQaplib, MissingOrMalformedFileIsAnInputError) {
  const std::string dir = test::temp_dir();
  auto r = test::run_cli("convert qaplib " + dir + "/none.dat --out " + dir + "/q.json");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("none.dat"), std::string::npos) << r.err;
  std::ofstream(dir + "/bad.dat") << "3\n1 2\n";
  r = test::run_cli("convert qaplib " + dir + "/bad.dat --out " + dir + "/q.json");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(std::ifstream(dir + "/q.json").good());
  QapInstance neg;
  neg.name = "neg";
  neg.n = 2;
  neg.a = {0, -1, 1, 0};
  neg.b = {0, 1, 1, 0};
  EXPECT_THROW(qap_as_instance(neg), InputError);
}

}  // namespace
}  // namespace ivassign
