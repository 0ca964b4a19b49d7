// The optional `geometry` block of an instance: written by the spectrum generator, read by every
// reader (checked, simdjson, streamed) alike, validated with the key named, ignored by every computation.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "io/instance_fast.hpp"
#include "io/instance_stream.hpp"
#include "ivassign/error.hpp"
#include "ivassign/generate.hpp"
#include "ivassign/io.hpp"
#include "ivassign/mechanism.hpp"
#include "test_support.hpp"

namespace ivassign {
namespace {

Instance generated(int buyers, int licences, std::uint64_t seed = 7) {
  SpectrumOptions o;
  o.buyers = buyers;
  o.licences = licences;
  o.seed = seed;
  return generate_spectrum(o);
}

/// The message of the InputError that parsing `text` throws ("" when none).
std::string parse_error(const std::string& text) {
  try {
    parse_instance(text, "doc");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

/// `text` with the first occurrence of `from` replaced by `to` (which must be there).
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

TEST(Geometry, TheSpectrumGeneratorPlacesEachLicenceOnItsGrid) {
  const Instance in = generated(5, 12);
  ASSERT_TRUE(in.geometry);
  const Geometry& g = *in.geometry;
  ASSERT_EQ(g.x.size(), 12u);
  // 12 licences on a grid of ceil(sqrt(12)) = 4 columns: licence 5 is at column 1 of row 1
  EXPECT_EQ(g.x[5], 1.0);
  EXPECT_EQ(g.y[5], 1.0);
  EXPECT_EQ(g.x[11], 3.0);
  EXPECT_EQ(g.y[11], 2.0);
  for (std::size_t j = 0; j < 12; ++j) {
    EXPECT_EQ(g.region[j], static_cast<int>(j));
    EXPECT_GE(g.population[j], 0.05 - 1e-4);  // Pareto with scale 0.05 million, to 1e-4
  }
  const Instance back = parse_instance(instance_to_json(in));
  ASSERT_TRUE(back.geometry);
  EXPECT_EQ(back.geometry->population, g.population);
  EXPECT_EQ(instance_to_json(back), instance_to_json(in));
}

TEST(Geometry, EveryReaderReadsTheSameBlock) {
  const Instance in = generated(20, 400);  // > 1 MiB of text: the simdjson and the streaming paths run
  const std::string text = instance_to_json(in);
  ASSERT_GE(text.size(), std::size_t(1) << 20);
  const std::string path = test::temp_dir() + "/big.json";
  save_text(path, text);
  const auto streamed = io::read_instance_stream(path);
  ASSERT_TRUE(streamed) << "the streaming reader fell back";
  ASSERT_TRUE(streamed->geometry);
  EXPECT_EQ(streamed->geometry->x, in.geometry->x);
  EXPECT_EQ(streamed->geometry->region, in.geometry->region);
  EXPECT_EQ(streamed->geometry->population, in.geometry->population);
  if (io::fast_reader_available()) {
    const auto fast = io::read_instance_fast(text);
    ASSERT_TRUE(fast) << "the simdjson reader fell back";
    ASSERT_TRUE(fast->geometry);
    EXPECT_EQ(fast->geometry->y, in.geometry->y);
    EXPECT_EQ(fast->geometry->population, in.geometry->population);
  }
  EXPECT_EQ(instance_to_json(load_instance(path)), text);
  EXPECT_EQ(instance_to_json(parse_instance(text)), text);
}

TEST(Geometry, BadBlocksAreNamedByEveryPath) {
  const Instance small = generated(3, 4);
  const std::string text = instance_to_json(small);
  const std::string x = "\"x\": [0,1,0,1]";
  ASSERT_NE(text.find(x), std::string::npos);
  EXPECT_NE(parse_error(replaced(text, x, "\"x\": [0,1,0]")).find("geometry.x: has 3 entries, expected s = 4"), std::string::npos);
  EXPECT_NE(parse_error(replaced(text, x, "\"x\": [0,1,\"a\",1]")).find("geometry.x[2]: expected a number"), std::string::npos);
  EXPECT_NE(parse_error(replaced(text, "\"region\": [0,", "\"region\": [-1,")).find("geometry.region[0]"), std::string::npos);
  EXPECT_NE(parse_error(replaced(text, x, "\"x\": [0,1,0,1], \"z\": 1")).find("geometry.z: unknown key"), std::string::npos);
  EXPECT_NE(parse_error(replaced(text, "\"geometry\": {", "\"geometry\": {\"q\": 0, ")).find("geometry.q"), std::string::npos);
  EXPECT_NE(parse_error(replaced(text, "\"geometry\": {\"region\"", "\"geometry\": {\"regio\"")).find("geometry.regio"),
            std::string::npos);
  EXPECT_NE(parse_error(replaced(text, "\"geometry\": {", "\"geometry\": 5, \"map\": {")).find("geometry: expected an object"),
            std::string::npos);
  // populations must be >= 0
  Instance bad = small;
  bad.geometry->population[1] = -2.0;
  EXPECT_NE(parse_error(instance_to_json(bad)).find("geometry.population[1]"), std::string::npos);
  // validate() names non-finite coordinates of an instance built in code
  bad = small;
  bad.geometry->x[3] = std::nan("");
  try {
    validate(bad);
    FAIL() << "a NaN coordinate passed";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("geometry.x[3]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not a finite number"), std::string::npos) << e.what();
  }
  bad = small;
  bad.geometry->y.pop_back();
  EXPECT_THROW(validate(bad), InputError);
}

TEST(Geometry, LargeDocumentsWithABadBlockFallBackToTheNamedError) {
  const Instance in = generated(20, 400);
  std::string text = instance_to_json(in);
  text = replaced(text, "\"population\": [", "\"population\": [\"many\",");
  const std::string path = test::temp_dir() + "/bad.json";
  save_text(path, text);
  for (int reader = 0; reader < 2; ++reader) {
    try {
      if (reader == 0) parse_instance(text, "bad.json");
      else load_instance(path);
      FAIL() << "a bad population passed";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("geometry.population"), std::string::npos) << e.what();
    }
  }
}

TEST(Geometry, OldInstancesStayValidAndGeometryChangesNoResult) {
  const std::string example = std::string(IVASSIGN_SOURCE_DIR) + "/examples/spectrum-small.json";
  const Instance old = load_instance(example);
  EXPECT_FALSE(old.geometry);
  EXPECT_EQ(instance_to_json(old).find("geometry"), std::string::npos);
  // a null block is no block
  const std::string text = instance_to_json(old);
  const Instance with_null = parse_instance(replaced(text, "\"format\"", "\"geometry\": null, \"format\""));
  EXPECT_FALSE(with_null.geometry);
  // the same market with and without its map: the same report (timings aside)
  Instance mapped = generated(4, 5, 3);
  Instance plain = mapped;
  plain.geometry.reset();
  MechanismOptions o;
  o.threads = 1;
  auto strip = [](MechanismReport r) {
    r.seconds = 0;
    for (auto& p : r.profiles) p.solve_seconds = 0;
    return report_to_json(r);
  };
  EXPECT_EQ(strip(run_mechanism(mapped, {mapped.observed}, o)), strip(run_mechanism(plain, {plain.observed}, o)));
}

}  // namespace
}  // namespace ivassign
