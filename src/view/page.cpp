// The HTML shell of every view page and the checked readers of report keys (src/view/pages.hpp).
#include <string>

#include "ivassign/error.hpp"
#include "view/assets.hpp"
#include "view/pages.hpp"

namespace ivassign::view {

using nlohmann::json;

std::string escape_html(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

/// JSON that may stand inside <script>: every '<' escaped, so no "</script>" or "<!--" can close it.
std::string script_json(const json& data) {
  const std::string text = data.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + 64);
  for (char c : text) {
    if (c == '<') out += "\\u003c";
    else out += c;
  }
  return out;
}

/// Records uncaught errors and console.error calls for the self-check before any other script runs.
constexpr const char* kErrorHook =
    "window.__ivassignErrors=[];(function(){function note(m){window.__ivassignErrors.push(String(m));"
    "var s=document.getElementById('ivassign-selfcheck');if(s)s.dataset.errors=JSON.stringify(window.__ivassignErrors);}"
    "window.addEventListener('error',function(e){note(e.message||e);});"
    "window.addEventListener('unhandledrejection',function(e){note(e.reason);});"
    "var ce=console.error;console.error=function(){note(Array.prototype.join.call(arguments,' '));ce.apply(console,arguments);};})();";

}  // namespace

std::string page_html(const Page& page) {
  std::string html;
  html.reserve(page.body.size() + assets::kChartJs_size + assets::kViewJs_size + 1024);
  html += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  // nothing is fetched: no source is allowed but the page's own inline script, style and data: images
  html += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
          "style-src 'unsafe-inline'; img-src data:\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<meta name=\"generator\" content=\"ivassign view\">\n";
  html += "<title>" + escape_html(page.title) + "</title>\n<style>\n";
  html.append(assets::kViewCss, assets::kViewCss_size);
  html += "</style>\n<script>";
  html += kErrorHook;
  html += "</script>\n</head>\n<body>\n<div id=\"ivassign-selfcheck\"></div>\n<header><h1>" + escape_html(page.title) +
          "</h1><span class=\"kind\">" + escape_html(page.kind) +
          "</span><select id=\"profile\" hidden aria-label=\"signal profile\"></select></header>\n<main>\n";
  html += page.body;
  html += "</main>\n<script type=\"application/json\" id=\"ivassign-data\">";
  html += script_json(page.data);
  html += "</script>\n<script>\n";
  html.append(assets::kChartJs, assets::kChartJs_size);
  html += "\n</script>\n<script>\n";
  html.append(assets::kViewJs, assets::kViewJs_size);
  html += "\n</script>\n</body>\n</html>\n";
  return html;
}

const json& need(const json& object, const std::string& name, const std::string& at) {
  if (!object.is_object()) throw InputError(at + ": expected an object, found " + object.type_name());
  auto it = object.find(name);
  if (it == object.end()) throw InputError(at + (at.empty() ? "" : ".") + name + ": required key is missing");
  return *it;
}

const json& need_array(const json& object, const std::string& name, const std::string& at, std::size_t length,
                       const std::string& what) {
  const json& v = need(object, name, at);
  const std::string key = at + (at.empty() ? "" : ".") + name;
  if (!v.is_array()) throw InputError(key + ": expected an array, found " + v.type_name());
  if (length != static_cast<std::size_t>(-1) && v.size() != length)
    throw InputError(key + ": has " + std::to_string(v.size()) + " entries, expected " + std::to_string(length) +
                     (what.empty() ? "" : " (" + what + ")"));
  return v;
}

json numbers(const json& v, const std::string& key, std::size_t length, const std::string& what) {
  if (!v.is_array()) throw InputError(key + ": expected an array, found " + v.type_name());
  if (length != static_cast<std::size_t>(-1) && v.size() != length)
    throw InputError(key + ": has " + std::to_string(v.size()) + " entries, expected " + std::to_string(length) +
                     (what.empty() ? "" : " (" + what + ")"));
  for (std::size_t k = 0; k < v.size(); ++k)
    if (!v[k].is_number() && !v[k].is_null())
      throw InputError(key + "[" + std::to_string(k) + "]: expected a number, found " + v[k].type_name());
  return v;
}

}  // namespace ivassign::view
