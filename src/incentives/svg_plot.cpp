#include "incentives/svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <limits>
#include <sstream>

#include "ivassign/error.hpp"
#include "ivassign/io.hpp"
#include "ivassign/tolerances.hpp"

namespace ivassign::plot {

namespace {

constexpr double kWidth = 860, kHeight = 480;
constexpr double kLeft = 90, kRight = 250, kTop = 50, kBottom = 70;
const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf", "#7f7f7f"};

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string fmt(double v) {
  std::ostringstream ss;
  if (v != 0 && (std::abs(v) >= 1e5 || std::abs(v) < 1e-3))
    ss << std::setprecision(2) << std::scientific << v;
  else
    ss << std::setprecision(4) << v;
  std::string text = ss.str();
  const auto e = text.find(".00e");
  if (e != std::string::npos) text.erase(e, 3);  // 1.00e-04 -> 1e-04
  return text;
}

struct Axis {
  double lo = 0, hi = 1;
  bool log = false;
  double map(double v, double a, double b) const {  // value -> pixel between a (lo) and b (hi)
    const double t = log ? (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo)) : (v - lo) / (hi - lo);
    return a + t * (b - a);
  }
  std::vector<double> ticks() const {
    std::vector<double> t;
    if (log) {
      for (double e = std::floor(std::log10(lo)); e <= std::ceil(std::log10(hi)); e += 1) {
        const double v = std::pow(10.0, e);
        if (v >= lo * (1 - tol::kTickEndRelative) && v <= hi * (1 + tol::kTickEndRelative)) t.push_back(v);
      }
      if (t.size() < 2) t = {lo, hi};
      return t;
    }
    const double span = hi - lo;
    const double raw = span / 6;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 5.0, 10.0})
      if (raw <= m * mag) {
        step = m * mag;
        break;
      }
    for (double v = std::ceil(lo / step) * step; v <= hi + tol::kTickEndSteps * step; v += step) t.push_back(std::abs(v) < tol::kTickZeroSteps * step ? 0 : v);
    return t;
  }
};

Axis make_axis(std::vector<double> values, bool log, bool include_zero) {
  Axis a;
  a.log = log;
  if (log) values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !(v > 0); }), values.end());
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }), values.end());
  if (values.empty()) values = {log ? 1.0 : 0.0};
  double lo = *std::min_element(values.begin(), values.end()), hi = *std::max_element(values.begin(), values.end());
  if (log) {
    lo = std::pow(10.0, std::floor(std::log10(lo)));
    hi = std::pow(10.0, std::ceil(std::log10(hi)));
    if (hi <= lo) hi = lo * 10;
  } else {
    if (include_zero) {
      lo = std::min(lo, 0.0);
      hi = std::max(hi, 0.0);
    }
    if (hi <= lo) {
      hi = lo + 1;
      lo -= 1;
    }
    const double pad = 0.05 * (hi - lo);
    if (lo != 0) lo -= pad;
    if (hi != 0) hi += pad;
  }
  a.lo = lo;
  a.hi = hi;
  return a;
}

/// The plot area, both axes and the total height of a chart.
struct Frame {
  double height, x0, x1, y0, y1;
  Axis ya, xa;
};

/// Bar labels are rotated by 40 degrees: room below the axis (and left of it) for the longest.
Frame frame_of(const Chart& c) {
  std::size_t longest = 0;
  if (c.kind == Chart::Kind::Bar)
    for (const auto& l : c.categories) longest = std::max(longest, l.size());
  const double label_px = 5.6 * static_cast<double>(longest);  // ~ width of a 10 px sans-serif label
  const double bottom = std::max(kBottom, 14.0 + 0.643 * label_px + 30.0);
  const double left = std::max(kLeft, c.kind != Chart::Kind::Bar || c.categories.empty() ? 0.0 : 0.766 * 5.6 * static_cast<double>(c.categories.front().size()) + 8.0);
  const double height = kHeight - kBottom + bottom;
  Frame f{height, left, kWidth - kRight, height - bottom, kTop, Axis{}, Axis{}};
  std::vector<double> ys, xs;
  for (const auto& s : c.series) {
    ys.insert(ys.end(), s.y.begin(), s.y.end());
    xs.insert(xs.end(), s.x.begin(), s.x.end());
  }
  if (c.show_reference) ys.push_back(c.reference_y);
  f.ya = make_axis(ys, c.log_y, c.kind == Chart::Kind::Bar);
  if (c.kind == Chart::Kind::Line) f.xa = make_axis(xs, c.log_x, false);
  return f;
}

/// The x ticks, then per series its points and the path through them.
void line_series(const Chart& c, const Frame& f, std::ostringstream& o) {
  const double x0 = f.x0, x1 = f.x1, y0 = f.y0, y1 = f.y1;
  for (double t : f.xa.ticks()) {
    const double x = f.xa.map(t, x0, x1);
    o << "<line x1=\"" << x << "\" y1=\"" << y0 << "\" x2=\"" << x << "\" y2=\"" << y0 + 5 << "\" stroke=\"black\"/>\n";
    o << "<text x=\"" << x << "\" y=\"" << y0 + 19 << "\" text-anchor=\"middle\" font-size=\"11\">" << fmt(t)
      << "</text>\n";
  }
  for (std::size_t k = 0; k < c.series.size(); ++k) {
    const auto& s = c.series[k];
    const char* color = kColors[k % 8];
    std::ostringstream path;
    path << std::fixed << std::setprecision(2);
    bool first = true;
    for (std::size_t p = 0; p < s.y.size() && p < s.x.size(); ++p) {
      if ((c.log_y && !(s.y[p] > 0)) || (c.log_x && !(s.x[p] > 0)) || !std::isfinite(s.y[p])) continue;
      const double x = f.xa.map(s.x[p], x0, x1), y = f.ya.map(s.y[p], y0, y1);
      path << (first ? "M" : " L") << x << " " << y;
      first = false;
      o << "<circle cx=\"" << x << "\" cy=\"" << y << "\" r=\"3.5\" fill=\"" << color << "\"/>\n";
    }
    if (!first)
      o << "<path d=\"" << path.str() << "\" fill=\"none\" stroke=\"" << color << "\" stroke-width=\"2\"/>\n";
  }
}

/// One group of bars per category, with its rotated label (every label_every-th).
void bar_groups(const Chart& c, const Frame& f, std::ostringstream& o) {
  const double x0 = f.x0, x1 = f.x1, y0 = f.y0, y1 = f.y1;
  const std::size_t groups = c.categories.size();
  const double group_w = (x1 - x0) / static_cast<double>(std::max<std::size_t>(groups, 1));
  const double bar_w = group_w * 0.8 / static_cast<double>(std::max<std::size_t>(c.series.size(), 1));
  const double zero = f.ya.map(std::max(f.ya.lo, 0.0), y0, y1);
  const std::size_t label_every = std::max<std::size_t>(1, groups / 24);
  for (std::size_t g = 0; g < groups; ++g) {
    for (std::size_t k = 0; k < c.series.size(); ++k) {
      if (g >= c.series[k].y.size() || !std::isfinite(c.series[k].y[g])) continue;
      const double v = f.ya.map(c.series[k].y[g], y0, y1);
      const double x = x0 + static_cast<double>(g) * group_w + group_w * 0.1 + static_cast<double>(k) * bar_w;
      o << "<rect x=\"" << x << "\" y=\"" << std::min(v, zero) << "\" width=\"" << std::max(bar_w - 1, 1.0)
        << "\" height=\"" << std::abs(zero - v) << "\" fill=\""
        << (c.color_by_sign ? (c.series[k].y[g] < 0 ? kColors[1] : kColors[0]) : kColors[k % 8]) << "\"/>\n";
    }
    if (g % label_every == 0) {
      const double cx = x0 + (static_cast<double>(g) + 0.5) * group_w;
      o << "<text x=\"" << cx << "\" y=\"" << y0 + 14 << "\" text-anchor=\"end\" font-size=\"10\" transform=\"rotate(-40 "
        << cx << " " << y0 + 14 << ")\">" << escape(c.categories[g]) << "</text>\n";
    }
  }
}

/// The axes, their labels and the legend.
void axes_and_legend(const Chart& c, const Frame& f, std::ostringstream& o) {
  const double x0 = f.x0, x1 = f.x1, y0 = f.y0, y1 = f.y1, height = f.height;
  o << "<line x1=\"" << x0 << "\" y1=\"" << y0 << "\" x2=\"" << x1 << "\" y2=\"" << y0 << "\" stroke=\"black\"/>\n";
  o << "<line x1=\"" << x0 << "\" y1=\"" << y0 << "\" x2=\"" << x0 << "\" y2=\"" << y1 << "\" stroke=\"black\"/>\n";
  o << "<text x=\"" << (x0 + x1) / 2 << "\" y=\"" << height - 12 << "\" text-anchor=\"middle\" font-size=\"13\">"
    << escape(c.x_label) << (c.log_x ? " (log scale)" : "") << "</text>\n";
  o << "<text x=\"20\" y=\"" << (y0 + y1) / 2 << "\" text-anchor=\"middle\" font-size=\"13\" transform=\"rotate(-90 20 "
    << (y0 + y1) / 2 << ")\">" << escape(c.y_label) << (c.log_y ? " (log scale)" : "") << "</text>\n";
  std::vector<std::string> legend;
  for (const auto& series : c.series) legend.push_back(series.label);
  if (c.color_by_sign) legend.push_back(c.negative_label);
  for (std::size_t k = 0; k < legend.size(); ++k) {
    const double ly = y1 + 10 + 20.0 * static_cast<double>(k);
    o << "<rect x=\"" << x1 + 15 << "\" y=\"" << ly << "\" width=\"14\" height=\"10\" fill=\"" << kColors[k % 8]
      << "\"/>\n";
    o << "<text x=\"" << x1 + 35 << "\" y=\"" << ly + 9 << "\" font-size=\"12\">" << escape(legend[k])
      << "</text>\n";
  }
}

}  // namespace

std::string render_svg(const Chart& c) {
  const Frame f = frame_of(c);
  const double x0 = f.x0, x1 = f.x1, y0 = f.y0, y1 = f.y1, height = f.height;
  std::ostringstream o;
  o << std::fixed << std::setprecision(2);
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\"" << height
    << "\" viewBox=\"0 0 " << kWidth << " " << height << "\" font-family=\"sans-serif\">\n";
  o << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  o << "<text x=\"" << kWidth / 2 << "\" y=\"28\" text-anchor=\"middle\" font-size=\"17\" font-weight=\"bold\">"
    << escape(c.title) << "</text>\n";
  // y grid and ticks
  for (double t : f.ya.ticks()) {
    const double y = f.ya.map(t, y0, y1);
    o << "<line x1=\"" << x0 << "\" y1=\"" << y << "\" x2=\"" << x1 << "\" y2=\"" << y
      << "\" stroke=\"#e0e0e0\"/>\n";
    o << "<text x=\"" << x0 - 8 << "\" y=\"" << y + 4 << "\" text-anchor=\"end\" font-size=\"11\">" << fmt(t)
      << "</text>\n";
  }
  if (c.kind == Chart::Kind::Line)
    line_series(c, f, o);
  else
    bar_groups(c, f, o);
  if (c.show_reference && (!c.log_y || c.reference_y > 0)) {
    const double y = f.ya.map(c.reference_y, y0, y1);
    o << "<line x1=\"" << x0 << "\" y1=\"" << y << "\" x2=\"" << x1 << "\" y2=\"" << y
      << "\" stroke=\"black\" stroke-dasharray=\"6,4\"/>\n";
  }
  // axes and labels
  axes_and_legend(c, f, o);
  o << "</svg>\n";
  return o.str();
}

std::string write_svg(const Chart& chart, const std::string& dir, const std::string& name) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error("--plot " + dir + ": cannot create the directory (" + ec.message() + ")");
  const std::string path = (std::filesystem::path(dir) / (name + ".svg")).string();
  save_text(path, render_svg(chart));
  return path;
}

}  // namespace ivassign::plot
