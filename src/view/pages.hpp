// src/view/pages.hpp — the view room: one function per report kind turns a parsed report into
// page data (checked: every key it reads is named in an InputError when missing or of the wrong
// shape) and page() wraps data and body in the self-contained HTML shell.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ivassign/instance.hpp"

namespace ivassign::view {

/// The sections of a page's body and the data its script reads.
struct Page {
  std::string title;  ///< the header's title
  std::string kind;   ///< the header's second line (which report)
  std::string body;   ///< the <section>s inside <main>
  nlohmann::json data;
};

/// The whole HTML document: CSP that forbids any fetch, the style sheet, the data, Chart.js, the script.
std::string page_html(const Page& page);

/// `ivassign-report/1` (with the instance's map when it has geometry).
Page mechanism_page(const nlohmann::json& report, const Instance* instance);
/// `ivassign-check/1`.
Page check_page(const nlohmann::json& report);
/// `ivassign-replica/1`.
Page replica_page(const nlohmann::json& report);

/// The map: one <rect class="lic" data-j> per licence at its geometry, an empty <g id="pairs"> the
/// script fills per profile; `cell` is the side of a licence's square in map units.
std::string map_svg(const Geometry& geometry, double cell);
/// The side of a licence's square: the spacing of `count` points spread over the coordinates' box.
double map_cell(const Geometry& geometry);
/// The pairs of sold licences whose winners cost each other something, as [j, q, w] with j < q and w
/// the largest c_ij^pq(theta) + c_pq^ij(theta) over the states; `licence[i]` is buyer i's licence or -1.
nlohmann::json interfering_pairs(const Instance& instance, const std::vector<int>& licence);

/// HTML-escaped text.
std::string escape_html(const std::string& text);

// checked readers of report keys (the message names `key`)
const nlohmann::json& need(const nlohmann::json& object, const std::string& name, const std::string& at);
const nlohmann::json& need_array(const nlohmann::json& object, const std::string& name, const std::string& at,
                                 std::size_t length = static_cast<std::size_t>(-1), const std::string& what = "");
/// An array of numbers or nulls (the reports write non-finite numbers as null), `length` entries when given.
nlohmann::json numbers(const nlohmann::json& v, const std::string& key, std::size_t length, const std::string& what);

}  // namespace ivassign::view
