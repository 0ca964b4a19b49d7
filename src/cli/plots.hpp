// src/cli/plots.hpp — the figures of `check --plot` and `replica --plot`, drawn by gnuplot: each chart
// is written as DIR/NAME.dat (tab-separated data) and DIR/NAME.gp (the gnuplot script, to restyle or
// re-render), then gnuplot renders DIR/NAME.svg. Line charts (linear or log axes) and grouped bar
// charts, titled, with labelled axes and a legend.
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
  /// bar charts with one series: negative bars red, the others blue; the legend names both
  bool color_by_sign = false;
  std::string negative_label;
  bool show_reference = false;  ///< a dashed line at y = 0
};

/// The gnuplot script that draws `chart` from NAME.dat into NAME.svg (paths relative to DIR).
std::string gnuplot_script(const Chart& chart, const std::string& name);
/// The chart's data as gnuplot reads it: bar charts one row per category (label, then one column per
/// series); line charts one block per series (x, y), blocks separated by two blank lines.
std::string gnuplot_data(const Chart& chart);

/// Writes DIR/NAME.dat and DIR/NAME.gp (creating DIR) and runs gnuplot on them; returns the SVG's
/// path. Throws Error when gnuplot is missing or fails (naming the script to rerun).
std::string write_svg(const Chart& chart, const std::string& dir, const std::string& name);

}  // namespace ivassign::plot
