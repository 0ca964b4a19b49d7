// `ivassign view REPORT.json [--instance INSTANCE.json] --out report.html`: one self-contained web
// page of a mechanism, check or replica report (src/view/, ivassign/view.hpp).
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "ivassign/instance_io.hpp"
#include "ivassign/view.hpp"

namespace ivassign::cli {

namespace {

struct ViewArgs {
  std::string report, instance, out;
};

void run(const ViewArgs& a) {
  std::optional<Instance> instance;
  if (!a.instance.empty()) instance = load_instance(a.instance);
  const std::string html = report_view_html(load_text(a.report), instance ? &*instance : nullptr, a.report);
  save_text(a.out, html);  // atomic: a temporary file renamed once the page is complete
}

}  // namespace

void add_view_command(CLI::App& app) {
  auto a = std::make_shared<ViewArgs>();
  CLI::App* cmd = app.add_subcommand(
      "view",
      "Write one self-contained web page (opens offline, fetches nothing) of a report: ivassign-report/1\n"
      "(summary, buyers' table with payments and their intervals, charts, and the map of licences when the\n"
      "instance has a geometry block), ivassign-check/1 or ivassign-replica/1 (margins and rewards).\n"
      "A report that is not one of these, or whose arrays disagree, is exit 2 and no page is written.");
  cmd->add_option("report", a->report, "The report JSON (mechanism, check or replica)")->required();
  cmd->add_option("--instance", a->instance,
                  "The instance the mechanism report was made from: its geometry draws the map, its externalities "
                  "the interfering pairs");
  cmd->add_option("--out", a->out, "The HTML file to write")->required();
  cmd->callback([a] { run(*a); });
}

}  // namespace ivassign::cli
