// The gnuplot figures of check and replica (src/cli/plots.hpp): data and script, then a real render.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "cli/plots.hpp"
#include "test_support.hpp"

namespace ivassign::plot {
namespace {

TEST(Plots, LogAxesDropNonPositivePointsAndSeriesAreBlocks) {
  Chart c;
  c.log_x = c.log_y = true;
  c.series = {{"a", {1, 2, 4}, {1e-3, 0.0, 1e-5}}, {"b", {1, 2}, {3, 4}}};
  const std::string data = gnuplot_data(c);
  EXPECT_EQ(data, "1\t0.001\n2\t?\n4\t1.0000000000000001e-05\n\n\n1\t3\n2\t4\n");
  const std::string script = gnuplot_script(c, "fig");
  EXPECT_NE(script.find("set logscale x"), std::string::npos);
  EXPECT_NE(script.find("'fig.dat' index 1 using 1:2"), std::string::npos);
  EXPECT_NE(script.find("set output 'fig.svg'"), std::string::npos);
}

TEST(Plots, BarChartsColourBySignAndQuoteLabels) {
  Chart c;
  c.kind = Chart::Kind::Bar;
  c.title = "it's a title";
  c.categories = {"b0: 0->1", "b0:\t1->0"};
  c.series = {{"margin >= 0", {}, {0.5, -0.25}}};
  c.color_by_sign = true;
  c.negative_label = "margin < 0";
  EXPECT_EQ(gnuplot_data(c), "b0: 0->1\t0.5\nb0: 1->0\t-0.25\n");
  const std::string script = gnuplot_script(c, "m");
  EXPECT_NE(script.find("set title 'it''s a title'"), std::string::npos);
  EXPECT_NE(script.find("$2 < 0 ? $2 : 1/0"), std::string::npos);
  EXPECT_EQ(script.find("set yrange [0:*]"), std::string::npos);  // negative bars go below zero
}

TEST(Plots, GnuplotRendersTheSvgNextToItsDataAndScript) {
  Chart c;
  c.title = "n";
  c.series = {{"s", {1, 2, 3}, {3, 1, 2}}};
  const std::string dir = test::temp_dir() + "/with space";
  const std::string svg = write_svg(c, dir, "line");
  std::ifstream in(svg);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("<svg"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir + "/line.gp"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/line.dat"));
}

}  // namespace
}  // namespace ivassign::plot
