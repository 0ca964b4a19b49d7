// Posterior table and information measures: prior forms agree, backends agree entry by entry
// (CUDA skipped without a GPU), the informational-size level, memory errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include "ivassign/error.hpp"
#include "ivassign/posterior.hpp"
#include "ivassign/tolerances.hpp"
#include "kernels/device_system.hpp"
#include "oracle.hpp"
#include "posterior/informational_size.hpp"
#include "random_instance.hpp"
#include "test_support.hpp"

namespace ivassign {
namespace {

TEST(PosteriorLevel, SmallestExceedanceLevel) {
  // all mass at distance 0.88: Prob(d > e) = 1 for e < 0.88, 0 after -> 0.88
  std::vector<DistanceMass> a{{0.88, 0.68}, {0.88, 0.32}};
  EXPECT_DOUBLE_EQ(smallest_exceedance_level(a), 0.88);
  // mass 0.1 at distance 0.5, rest at 0 -> Prob(d > e) = 0.1 for e < 0.5 -> e = 0.1
  std::vector<DistanceMass> b{{0.0, 0.9}, {0.5, 0.1}};
  EXPECT_DOUBLE_EQ(smallest_exceedance_level(b), 0.1);
  // mass 0.6 at 0.3, 0.4 at 0.9: F = 1 on [0, .3), .4 on [.3, .9) -> max(.3, .4) = .4 < .9
  std::vector<DistanceMass> c{{0.9, 0.4}, {0.3, 0.6}};
  EXPECT_DOUBLE_EQ(smallest_exceedance_level(c), 0.4);
  std::vector<DistanceMass> none{{0.0, 1.0}};
  EXPECT_DOUBLE_EQ(smallest_exceedance_level(none), 0.0);
  // distances equal up to rounding noise are one value
  std::vector<DistanceMass> noisy{{0.7, 0.5}, {0.7 + 1e-15, 0.5}};
  EXPECT_NEAR(smallest_exceedance_level(noisy), 0.7, 1e-12);
}

void expect_tables_equal(const PosteriorTable& a, const PosteriorTable& b, double tol) {
  ASSERT_EQ(a.profiles, b.profiles);
  for (std::uint64_t k = 0; k < a.profiles; ++k) EXPECT_NEAR(a.marginal[k], b.marginal[k], tol * a.marginal[k]);
  for (std::size_t k = 0; k < a.posterior.size(); ++k) EXPECT_NEAR(a.posterior[k], b.posterior[k], tol);
}

void expect_measures_equal(const InformationMeasures& a, const InformationMeasures& b, double tol) {
  for (std::size_t i = 0; i < a.informational_size.size(); ++i) {
    EXPECT_NEAR(a.informational_size[i], b.informational_size[i], tol);
    for (std::size_t k = 0; k < a.score_gain[i].size(); ++k) {
      EXPECT_NEAR(a.score_gain[i][k], b.score_gain[i][k], tol);
      EXPECT_NEAR(a.theorem1_sum[i][k], b.theorem1_sum[i][k], tol);
    }
  }
}

TEST(PosteriorForms, ThreePriorFormsAgreeWhenTheyDescribeOnePrior) {
  test::RandomSpec spec;
  spec.states = 3;
  spec.buyers = 3;
  spec.signals = {3, 3, 3};
  spec.prior = Prior::Form::Symmetric;
  const Instance sym = test::random_instance(spec, 5);
  Instance per = sym;
  per.prior.form = Prior::Form::PerBuyer;
  Instance joint = sym;
  joint.prior.form = Prior::Form::Joint;
  joint.prior.joint = test::oracle::joint(sym);
  validate(per);
  validate(joint);
  const auto ts = build_posterior_table(sym, Backend::Cpu);
  const auto tp = build_posterior_table(per, Backend::Cpu);
  const auto tj = build_posterior_table(joint, Backend::Cpu);
  expect_tables_equal(ts, tp, 1e-14);
  expect_tables_equal(ts, tj, 1e-13);
  expect_measures_equal(information_measures(ts), information_measures(tj), 1e-12);
}

TEST(PosteriorForms, OnDemandPosteriorMatchesTheTable) {
  test::RandomSpec spec;
  spec.prior = Prior::Form::PerBuyer;
  spec.signals = {2, 3, 4};
  const Instance in = test::random_instance(spec, 9);
  const auto table = build_posterior_table(in, Backend::Cpu);
  const auto J = test::oracle::joint(in);
  for (std::uint64_t b = 0; b < table.profiles; ++b) {
    const auto rho = posterior_of_profile(in, profile_from_index(in.signals, b));
    const auto naive = test::oracle::posterior(in, J, b);
    for (int t = 0; t < in.states; ++t) {
      EXPECT_NEAR(rho[t], table.rho(b)[t], 1e-15);
      EXPECT_NEAR(rho[t], naive[t], 1e-13);
    }
  }
}

TEST(PosteriorForms, LogSpaceAvoidsUnderflowForManyBuyers) {
  // 60 buyers with tiny signal probabilities: the product underflows in linear space
  Instance in;
  in.states = 2;
  in.buyers = 60;
  in.sellers = 1;
  in.signals.assign(60, 2);
  in.prior.form = Prior::Form::Symmetric;
  in.prior.lambda = {0.5, 0.5};
  in.prior.q.assign(60, {1e-7, 1 - 1e-7, 2e-7, 1 - 2e-7});
  in.valuations.assign(2 * 60, 1.0);
  in.costs.assign(2 * 60, 0.0);
  validate(in);
  const auto rho = posterior_of_profile(in, std::vector<int>(60, 0));
  // likelihood ratio (2e-7/1e-7)^60 = 2^60 for state 1
  EXPECT_NEAR(rho[1], 1.0 / (1.0 + std::pow(2.0, -60)), 1e-15);
  EXPECT_TRUE(std::isfinite(rho[0]) && rho[0] > 0);
}

TEST(PosteriorMemory, TableThatCannotFitSaysHowMuchAndSuggestsTheCiForm) {
  Instance in;
  in.states = 2;
  in.buyers = 20;
  in.sellers = 1;
  in.signals.assign(20, 4);  // 4^20 = 1.1e12 profiles
  in.prior.form = Prior::Form::Symmetric;
  in.prior.lambda = {0.5, 0.5};
  in.prior.q.assign(20, {0.25, 0.25, 0.25, 0.25, 0.1, 0.2, 0.3, 0.4});
  in.valuations.assign(40, 1.0);
  in.costs.assign(40, 0.0);
  EXPECT_EQ(posterior_table_bytes(in), (std::uint64_t(1) << 40) * 3 * 8);
  try {
    build_posterior_table(in, Backend::Cpu);
    FAIL();
  } catch (const ResourceError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("26388279066624 bytes"), std::string::npos) << msg;
    EXPECT_NE(msg.find("available"), std::string::npos) << msg;
    EXPECT_NE(msg.find("conditionally independent"), std::string::npos) << msg;
  }
}

TEST(PosteriorBackends, DeviceTableAgreesWithCpuEntryByEntry) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  for (auto form : {Prior::Form::Joint, Prior::Form::PerBuyer, Prior::Form::Symmetric}) {
    test::RandomSpec spec;
    spec.prior = form;
    spec.states = 4;
    spec.buyers = 5;
    spec.signals = form == Prior::Form::Symmetric ? std::vector<int>(5, 3) : std::vector<int>{3, 2, 4, 3, 2};
    const Instance in = test::random_instance(spec, 21);
    const auto cpu = build_posterior_table(in, Backend::Cpu);
    const auto device = build_posterior_table(in, Backend::Device);
    EXPECT_EQ(device.backend, Backend::Device);
    EXPECT_NE(device.resident, nullptr);  // built in one chunk: kept on the device for the measures
    expect_tables_equal(cpu, device, tol::kDeviceAgreement);
    for (std::size_t i = 0; i < cpu.signal_marginal.size(); ++i)
      for (std::size_t x = 0; x < cpu.signal_marginal[i].size(); ++x)
        EXPECT_NEAR(cpu.signal_marginal[i][x], device.signal_marginal[i][x], tol::kDeviceAgreement);
  }
}

TEST(PosteriorBackends, DeviceTableStreamsInChunks) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  test::RandomSpec spec;
  spec.prior = Prior::Form::PerBuyer;
  spec.states = 3;
  spec.buyers = 4;
  spec.signals = {3, 2, 4, 3};  // 72 profiles in chunks of 7 (the last one short)
  const Instance in = test::random_instance(spec, 5);
  TableOptions options;
  options.backend = Backend::Device;
  options.device_chunk_profiles = 7;
  const auto chunked = build_posterior_table(in, options);
  EXPECT_EQ(chunked.resident, nullptr);
  expect_tables_equal(build_posterior_table(in, Backend::Cpu), chunked, tol::kDeviceAgreement);
  // measures of a table the device did not keep: uploaded once
  expect_measures_equal(information_measures(chunked, Backend::Cpu), information_measures(chunked, Backend::Device),
                        tol::kDeviceAgreement);
}

TEST(PosteriorBackends, AForcedSmallDeviceChunksTheTableAndRefusesWhatCannotFit) {
  if (!device_available()) GTEST_SKIP() << "no device path here (" << device_description() << ")";
  test::RandomSpec spec;
  spec.prior = Prior::Form::PerBuyer;
  spec.states = 3;
  spec.buyers = 8;
  spec.signals.assign(8, 4);  // 65,536 profiles, 2 MiB of table
  const Instance in = test::random_instance(spec, 9);
  const PosteriorTable cpu = build_posterior_table(in, Backend::Cpu);
  {
    test::ScopedEnv limit("IVASSIGN_DEVICE_MEMORY_LIMIT", "262144");  // a 256 KiB device
    const PosteriorTable dev = build_posterior_table(in, Backend::Device);
    EXPECT_EQ(dev.resident, nullptr) << "built in chunks of 4096 profiles, not kept";
    expect_tables_equal(cpu, dev, tol::kDeviceAgreement);
    try {
      information_measures(dev, Backend::Device);
      ADD_FAILURE() << "measures that cannot fit were not refused";
    } catch (const ResourceError& e) {
      EXPECT_NE(std::string(e.what()).find("bytes"), std::string::npos) << e.what();
    }
  }
  {
    test::ScopedEnv limit("IVASSIGN_DEVICE_MEMORY_LIMIT", "lots");
    EXPECT_THROW(build_posterior_table(in, Backend::Device), InputError);
  }
  // without the limit the same measures run on the device
  EXPECT_NO_THROW(information_measures(build_posterior_table(in, Backend::Device), Backend::Device));
}

TEST(PosteriorBackends, AnUnavailableBackendIsAClearError) {
  test::RandomSpec spec;
  const Instance in = test::random_instance(spec, 2);
  // what this build or machine cannot run: no device path, no GPU, or CUDA asked of the OpenMP system
  const Backend unavailable = !device_available() ? Backend::Device : !cuda_compiled() ? Backend::Cuda : Backend::Cpu;
  if (unavailable != Backend::Cpu) {
    try {
      build_posterior_table(in, unavailable);
      FAIL() << to_string(unavailable) << " ran";
    } catch (const InputError& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find("use Backend::Cpu"), std::string::npos) << msg;  // the CLI says --backend cpu
      if (!device_compiled() || !cuda_compiled()) {
        EXPECT_NE(msg.find("IVASSIGN_DEVICE"), std::string::npos) << msg;
      }
    }
  }
  EXPECT_EQ(build_posterior_table(in, Backend::Auto).backend, cuda_available() ? Backend::Device : Backend::Cpu);
}

// kernels/device_system.hpp's query (device_info.cu, or device_off.cpp without a device path) agrees with the
// public one in every build
TEST(PosteriorBackends, TheDeviceInterfaceSaysWhetherThisBuildHasADevicePath) {
  EXPECT_EQ(device::built(), device_compiled());
  EXPECT_EQ(std::string(device::system_name()), device_system());
}

TEST(PosteriorBackends, NamesSayWhatRan) {
  EXPECT_EQ(to_string(Backend::Cpu), "cpu");
  EXPECT_EQ(parse_backend("device"), Backend::Device);
  EXPECT_EQ(parse_backend("cuda"), Backend::Cuda);
  EXPECT_THROW(parse_backend("gpu"), InputError);
  if (device_compiled()) {
    EXPECT_EQ(to_string(Backend::Device), device_system());
  }
  if (device_system() == "omp-device") {
    EXPECT_EQ(resolve_backend(Backend::Auto), Backend::Cpu);  // the OpenMP device system is a check, not a default
    EXPECT_THROW(resolve_backend(Backend::Cuda), InputError);  // cuda: the device, and it must be CUDA
  }
}

TEST(PosteriorMeasures, ScoreGainIsPositiveWhenBeliefsDiffer) {
  test::RandomSpec spec;
  spec.signals = {3, 2, 2};
  const Instance in = test::random_instance(spec, 4);
  const auto info = information_measures(build_posterior_table(in, Backend::Cpu));
  for (int i = 0; i < in.buyers; ++i) {
    const int k = in.signals[i];
    for (int a = 0; a < k; ++a)
      for (int b = 0; b < k; ++b) {
        if (a == b) continue;
        EXPECT_GT(info.score_gain[i][a * k + b], 0.0);
      }
  }
}

}  // namespace
}  // namespace ivassign
