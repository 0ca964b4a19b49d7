// src/incentives/svg_plot.hpp — small, dependency-free SVG charts for the reports a market designer
// reads: line charts (linear or log axes) and grouped bar charts, titled, with labelled axes, ticks
// and a legend. Deterministic output (same data, same bytes).
#pragma once
#include <string>
#include <vector>

namespace ivassign::plot {

struct Series {
  std::string label;
  std::vector<double> x;  ///< line charts only
  std::vector<double> y;
};

struct Chart {
  enum class Kind { Line, Bar };
  Kind kind = Kind::Line;
  std::string title, x_label, y_label;
  bool log_x = false, log_y = false;      ///< line charts; non-positive values are dropped on log axes
  std::vector<std::string> categories;    ///< bar charts: one label per group
  std::vector<Series> series;
  double reference_y = 0.0;               ///< a dashed horizontal line (e.g. zero margin)
  /// bar charts with one series: negative bars red, the others blue; the legend names both
  bool color_by_sign = false;
  std::string negative_label;
  bool show_reference = false;
};

std::string render_svg(const Chart& chart);

/// Writes the chart to DIR/NAME.svg (creating DIR); returns the path.
std::string write_svg(const Chart& chart, const std::string& dir, const std::string& name);

}  // namespace ivassign::plot
