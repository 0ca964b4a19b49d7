// The map of licences (the instance's geometry) as SVG, and the interfering pairs of an assignment
// drawn on it (src/view/pages.hpp).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <vector>

#include "view/pages.hpp"

namespace ivassign::view {

using nlohmann::json;

namespace {

/// A coordinate with at most 6 significant digits: a map of 4000 licences stays small.
std::string coordinate(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 6);
  return std::string(buf, r.ptr);
}

struct Box {
  double x0 = 0, x1 = 0, y0 = 0, y1 = 0;
};

Box bounds(const Geometry& g) {
  Box b;
  if (g.x.empty()) return b;
  b.x0 = *std::min_element(g.x.begin(), g.x.end());
  b.x1 = *std::max_element(g.x.begin(), g.x.end());
  b.y0 = *std::min_element(g.y.begin(), g.y.end());
  b.y1 = *std::max_element(g.y.begin(), g.y.end());
  return b;
}

/// c_ij^pq(theta) in any of the instance's forms (sparse entries are looked up by the caller).
double dense_or_factored(const Instance& in, int t, int i, int j, int p, int q) {
  const auto& e = in.externalities;
  const std::size_t n = static_cast<std::size_t>(in.buyers), s = static_cast<std::size_t>(in.sellers);
  if (e.form == Externalities::Form::Factored)
    return e.buyer[(static_cast<std::size_t>(t) * n + i) * n + p] * e.seller[(static_cast<std::size_t>(t) * s + j) * s + q];
  if (e.form == Externalities::Form::Dense)
    return e.dense[(((static_cast<std::size_t>(t) * n + i) * s + j) * n + p) * s + q];
  return 0.0;
}

}  // namespace

double map_cell(const Geometry& g) {
  const Box b = bounds(g);
  const double w = b.x1 - b.x0, h = b.y1 - b.y0, count = static_cast<double>(std::max<std::size_t>(g.x.size(), 1));
  double cell = 1.0;
  if (w > 0 && h > 0) cell = std::sqrt(w * h / count);
  else if (w > 0 || h > 0) cell = std::max(w, h) / count;
  // a grid of c columns spans c - 1 steps: the spacing is a little more than the box over the count
  return cell * 0.98;
}

std::string map_svg(const Geometry& g, double cell) {
  const Box b = bounds(g);
  const double pad = cell;
  std::string svg = "<svg id=\"map\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"map of licences\" viewBox=\"" +
                    coordinate(b.x0 - pad) + " " + coordinate(b.y0 - pad) + " " + coordinate(b.x1 - b.x0 + 2 * pad) + " " +
                    coordinate(b.y1 - b.y0 + 2 * pad) + "\" preserveAspectRatio=\"xMidYMid meet\">\n<g id=\"cells\">";
  svg.reserve(svg.size() + g.x.size() * 72);
  const std::string side = coordinate(cell * 0.94);
  for (std::size_t j = 0; j < g.x.size(); ++j) {
    svg += "<rect class=\"lic\" data-j=\"" + std::to_string(j) + "\" x=\"" + coordinate(g.x[j] - cell * 0.47) + "\" y=\"" +
           coordinate(g.y[j] - cell * 0.47) + "\" width=\"" + side + "\" height=\"" + side + "\"/>";
  }
  svg += "</g>\n<g id=\"pairs\"></g>\n</svg>";
  return svg;
}

json interfering_pairs(const Instance& in, const std::vector<int>& licence) {
  std::vector<std::pair<int, int>> sold;  // (licence, buyer)
  for (std::size_t i = 0; i < licence.size(); ++i)
    if (licence[i] >= 0) sold.emplace_back(licence[i], static_cast<int>(i));
  std::sort(sold.begin(), sold.end());
  json pairs = json::array();
  const auto& e = in.externalities;
  if (e.form == Externalities::Form::None) return pairs;
  if (e.form == Externalities::Form::Sparse) {
    std::vector<std::pair<int, int>> keys;  // the licence pair of each entry between two winners
    std::vector<double> worst;
    for (const auto& x : e.sparse) {
      if (x.i < 0 || x.p < 0 || static_cast<std::size_t>(x.i) >= licence.size() || static_cast<std::size_t>(x.p) >= licence.size()) continue;
      if (licence[x.i] != x.j || licence[x.p] != x.q || x.value <= 0) continue;
      keys.emplace_back(std::min(x.j, x.q), std::max(x.j, x.q));
      worst.push_back(x.value);  // the pair's weight: its largest single entry
    }
    std::vector<std::size_t> order(keys.size());
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
    for (std::size_t k = 0; k < order.size();) {
      double w = 0;
      std::size_t l = k;
      for (; l < order.size() && keys[order[l]] == keys[order[k]]; ++l) w = std::max(w, worst[order[l]]);
      pairs.push_back({keys[order[k]].first, keys[order[k]].second, w});
      k = l;
    }
    return pairs;
  }
  for (std::size_t a = 0; a < sold.size(); ++a)
    for (std::size_t b = a + 1; b < sold.size(); ++b) {
      const auto [j, i] = sold[a];
      const auto [q, p] = sold[b];
      double w = 0;
      for (int t = 0; t < in.states; ++t)
        w = std::max(w, dense_or_factored(in, t, i, j, p, q) + dense_or_factored(in, t, p, q, i, j));
      if (w > 0) pairs.push_back({j, q, w});
    }
  return pairs;
}

}  // namespace ivassign::view
