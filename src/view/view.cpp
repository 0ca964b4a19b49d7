// report_view_html (ivassign/view.hpp): parse, tell the report's kind by its `format`, build its page.
#include "ivassign/view.hpp"

#include "io/json_reader.hpp"
#include "ivassign/error.hpp"
#include "view/pages.hpp"

namespace ivassign {

std::string report_view_html(const std::string& report_json, const Instance* instance, const std::string& origin) {
  const nlohmann::json doc = io::parse_json(report_json, origin);
  try {
    if (!doc.is_object()) throw InputError(std::string("document: expected a JSON object (a report), found ") + doc.type_name());
    const nlohmann::json& format = view::need(doc, "format", "");
    const std::string kind = format.is_string() ? format.get<std::string>() : format.dump();
    if (kind == "ivassign-report/1") return view::page_html(view::mechanism_page(doc, instance));
    if (instance != nullptr)
      throw InputError("format: " + kind + " is drawn without an instance; --instance is for ivassign-report/1 only");
    if (kind == "ivassign-check/1") return view::page_html(view::check_page(doc));
    if (kind == "ivassign-replica/1") return view::page_html(view::replica_page(doc));
    throw InputError("format: \"" + kind + "\" is not a report this view draws (ivassign-report/1, ivassign-check/1 or "
                     "ivassign-replica/1)");
  } catch (const InputError& e) {
    throw InputError(origin + ": " + e.what());
  }
}

}  // namespace ivassign
