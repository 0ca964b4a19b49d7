// The figures of check and replica through gnuplot (src/cli/plots.hpp).
#include "cli/plots.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ivassign/error.hpp"
#include "ivassign/instance_io.hpp"

namespace ivassign::plot {

namespace {

constexpr const char* kBlue = "#3070b0";
constexpr const char* kRed = "#c03030";

/// A gnuplot string literal (single quotes; a quote is doubled).
std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

/// A shell word in single quotes (a quote becomes '\'').
std::string shell_quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// A data-file number with every digit that matters; NaN (a dropped point) as gnuplot's missing value.
std::string datum(double v) {
  if (!std::isfinite(v)) return "?";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

/// Tabs and line breaks cannot stand inside a tab-separated label.
std::string label_cell(const std::string& text) {
  std::string out = text;
  for (char& c : out)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  return out;
}

std::string bar_plot(const Chart& c, const std::string& dat) {
  std::ostringstream s;
  const bool rotate = c.categories.size() > 6;
  s << "set style fill solid 0.85 border -1\nset boxwidth 0.8 relative\n";
  s << "set xtics " << (rotate ? "rotate by -45 left" : "") << " noenhanced\nset xrange [-0.6:" << c.categories.size() << "-0.4]\n";
  bool negative = false;
  for (const auto& series : c.series)
    for (double v : series.y) negative = negative || v < 0;
  if (!negative) s << "set yrange [0:*]\n";  // bars stand on zero
  if (c.show_reference) s << "set arrow from graph 0, first 0 to graph 1, first 0 nohead dashtype 2 lc rgb 'gray40'\n";
  if (c.color_by_sign && c.series.size() == 1) {
    s << "plot " << dat << " using 0:($2 >= 0 ? $2 : 1/0):xtic(1) with boxes lc rgb '" << kBlue << "' title "
      << quoted(c.series[0].label) << ", \\\n     " << dat << " using 0:($2 < 0 ? $2 : 1/0) with boxes lc rgb '" << kRed
      << "' title " << quoted(c.negative_label) << "\n";
    return s.str();
  }
  s << "set style data histogram\nset style histogram clustered gap 1\n";
  for (std::size_t k = 0; k < c.series.size(); ++k)
    s << (k == 0 ? "plot " : ", \\\n     ") << dat << " using " << k + 2 << (k == 0 ? ":xtic(1)" : "") << " title "
      << quoted(c.series[k].label);
  s << "\n";
  return s.str();
}

std::string line_plot(const Chart& c, const std::string& dat) {
  std::ostringstream s;
  if (c.log_x) s << "set logscale x\nset format x '10^{%L}'\n";
  if (c.log_y) s << "set logscale y\nset format y '10^{%L}'\n";
  if (c.show_reference && !c.log_y) s << "set arrow from graph 0, first 0 to graph 1, first 0 nohead dashtype 2\n";
  for (std::size_t k = 0; k < c.series.size(); ++k)
    s << (k == 0 ? "plot " : ", \\\n     ") << dat << " index " << k << " using 1:2 with linespoints pt 7 ps 0.6 title "
      << quoted(c.series[k].label);
  s << "\n";
  return s.str();
}

}  // namespace

std::string gnuplot_script(const Chart& c, const std::string& name) {
  std::ostringstream s;
  s << "# gnuplot " << name << ".gp (written by ivassign; rerun: gnuplot " << name << ".gp)\n";
  s << "set terminal svg size 960,600 dynamic enhanced font 'sans,12' background rgb 'white'\n";
  s << "set output " << quoted(name + ".svg") << "\n";
  s << "set datafile separator '\\t'\nset datafile missing '?'\n";
  s << "set title " << quoted(c.title) << " noenhanced\n";
  s << "set xlabel " << quoted(c.x_label) << " noenhanced\nset ylabel " << quoted(c.y_label) << " noenhanced\n";
  s << "set key outside top center horizontal noenhanced\nset grid ytics lc rgb 'gray85'\n";
  s << "set linetype 1 lc rgb '" << kBlue << "'\nset linetype 2 lc rgb '#e08020'\nset linetype 3 lc rgb '#40a040'\n";
  const std::string dat = quoted(name + ".dat");
  s << (c.kind == Chart::Kind::Bar ? bar_plot(c, dat) : line_plot(c, dat));
  return s.str();
}

std::string gnuplot_data(const Chart& c) {
  std::ostringstream s;
  if (c.kind == Chart::Kind::Bar) {
    for (std::size_t g = 0; g < c.categories.size(); ++g) {
      s << label_cell(c.categories[g]);
      for (const auto& series : c.series) s << '\t' << datum(g < series.y.size() ? series.y[g] : NAN);
      s << '\n';
    }
    return s.str();
  }
  for (std::size_t k = 0; k < c.series.size(); ++k) {
    const Series& series = c.series[k];
    if (k > 0) s << "\n\n";
    for (std::size_t p = 0; p < series.x.size() && p < series.y.size(); ++p) {
      const bool dropped = (c.log_x && !(series.x[p] > 0)) || (c.log_y && !(series.y[p] > 0));
      s << datum(series.x[p]) << '\t' << datum(dropped ? NAN : series.y[p]) << '\n';
    }
  }
  return s.str();
}

std::string write_svg(const Chart& chart, const std::string& dir, const std::string& name) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error("--plot " + dir + ": cannot create the directory (" + ec.message() + ")");
  save_text(dir + "/" + name + ".dat", gnuplot_data(chart));
  save_text(dir + "/" + name + ".gp", gnuplot_script(chart, name));
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0)
    throw Error("--plot: gnuplot is not installed (Debian: apt-get install gnuplot-nox; scripts/install-deps.sh "
                "installs it); the data and script are in " + dir + "/" + name + ".{dat,gp}");
  const std::string command = "cd " + shell_quoted(dir) + " && gnuplot " + shell_quoted(name + ".gp") + " 2>&1";
  std::FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) throw Error("--plot: cannot start gnuplot");
  std::string messages;
  char buf[256];
  while (std::fgets(buf, sizeof buf, pipe) != nullptr) messages += buf;
  const int status = pclose(pipe);
  if (status != 0)
    throw Error("--plot: gnuplot failed on " + dir + "/" + name + ".gp: " + messages);
  return dir + "/" + name + ".svg";
}

}  // namespace ivassign::plot
