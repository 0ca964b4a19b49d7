// The `ivassign-economy/1` file (shared spec economy-format.md): reading with structural checks (JSON
// types, shapes), the prior read and validated by the social format's own reader (social_json.cpp:
// the same keys, the same rules and messages), then validate_economy_problem (economy_rules.cpp);
// writing back.
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/format.hpp"
#include "io/json_reader.hpp"
#include "ivassign/economy.hpp"
#include "ivassign/error.hpp"
#include "ivassign/instance_io.hpp"

namespace ivassign {

namespace {

using nlohmann::json;

/// At most this many type-state pairs (the social reader's zero values stand for them).
constexpr std::int64_t kMaxTypeStateEntries = std::int64_t(1) << 24;

/// The social document of the economy's agents, types, states and prior (one outcome, values 0), so
/// that parse_social_problem reads and checks the prior by social-format.md's rules.
json social_view(const json& doc) {
  json s = json::object();
  s["format"] = "ivassign-social/1";
  for (const char* key : {"name", "agents", "types", "states", "prior"})
    if (doc.contains(key)) s[key] = doc[key];
  s["outcomes"] = 1;
  json values = json::array();
  const json& types = io::member(doc, "types");
  const json& states = io::member(doc, "states");
  if (types.is_array() && states.is_number_integer() && states.get<std::int64_t>() >= 1 &&
      states.get<std::int64_t>() <= (1 << 20)) {
    std::int64_t entries = 0;  // sum_i K_i * m zeros: bounded before any is made (a short file may claim huge sizes)
    for (const json& k : types)
      if (k.is_number_integer() && k.get<std::int64_t>() >= 1 && k.get<std::int64_t>() <= (1 << 20))
        entries += k.get<std::int64_t>() * states.get<std::int64_t>();
    if (entries > kMaxTypeStateEntries)
      throw InputError("types: sum_i K_i * m = " + std::to_string(entries) + " type-state pairs exceeds " +
                       std::to_string(kMaxTypeStateEntries) + "; the economy is too large for this reader");
    for (const json& k : types) {
      if (!k.is_number_integer() || k.get<std::int64_t>() < 1 || k.get<std::int64_t>() > (1 << 20)) {
        values.push_back(nullptr);  // the social reader names types[i]'s rule first
        continue;
      }
      values.push_back(json::array());
      for (std::int64_t s2 = 0; s2 < states.get<std::int64_t>(); ++s2)
        values.back().push_back(json(static_cast<std::size_t>(k.get<std::int64_t>()), json::array({0.0})));
    }
  }
  s["values"] = {{"by_state", values}};
  return s;
}

/// utilities: [n] objects with exactly one of "linear" and "cobb_douglas", each [m][l].
void read_utilities(const json& doc, EconomyProblem& e) {
  const json& u = io::member(doc, "utilities");
  const auto n = static_cast<std::size_t>(e.agents());
  if (!u.is_array()) throw InputError(std::string("utilities: expected an array, found ") + u.type_name());
  if (u.size() != n)
    throw InputError("utilities: has " + std::to_string(u.size()) + " entries, expected n = " + std::to_string(n));
  for (std::size_t i = 0; i < n; ++i) {
    const std::string key = idx("utilities", i);
    if (!u[i].is_object()) throw InputError(key + ": expected an object, found " + u[i].type_name());
    const bool lin = u[i].contains("linear"), cd = u[i].contains("cobb_douglas");
    if (lin == cd) throw InputError(key + ": needs exactly one of \"linear\" and \"cobb_douglas\"");
    const std::string form = lin ? "linear" : "cobb_douglas";
    e.utility.push_back(lin ? EconomyProblem::Utility::Linear : EconomyProblem::Utility::CobbDouglas);
    const auto block = io::read_tensor(u[i][form], key + "." + form,
                                       {static_cast<std::size_t>(e.states()), static_cast<std::size_t>(e.goods)},
                                       {"m", "l"});
    e.coefficients.insert(e.coefficients.end(), block.begin(), block.end());
  }
}

}  // namespace

EconomyProblem parse_economy_problem(const std::string& text, const std::string& origin) {
  const json doc = io::parse_json(text, origin);
  if (!doc.is_object()) throw InputError(origin + ": the document must be a JSON object");
  const json& format = io::member(doc, "format");
  if (!format.is_string() || format.get<std::string>() != "ivassign-economy/1")
    throw InputError("format: " + format.dump() + " is not the supported format string \"ivassign-economy/1\"");
  if (!doc.contains("states")) throw InputError("states: required key is missing");
  EconomyProblem e;
  e.base = parse_social_problem(social_view(doc).dump(), origin);
  e.goods = static_cast<int>(io::read_int(io::member(doc, "goods"), "goods", 1, 1 << 20));
  const auto n = static_cast<std::size_t>(e.agents()), m = static_cast<std::size_t>(e.states()),
             l = static_cast<std::size_t>(e.goods);
  e.endowments = io::read_tensor(io::member(doc, "endowments"), "endowments", {n, l}, {"n", "l"});
  read_utilities(doc, e);
  if (doc.contains("cie")) {
    e.has_cie = true;
    e.cie = io::read_tensor(doc["cie"], "cie", {m, n, l}, {"m", "n", "l"});
  }
  validate_economy_problem(e);
  return e;
}

EconomyProblem load_economy_problem(const std::string& path) {
  std::string text;
  try {
    text = load_text(path);
  } catch (const InputError&) {
    throw InputError(path + ": cannot open the file (missing or unreadable)");
  }
  return parse_economy_problem(text, path);
}

namespace {

/// rows x cols numbers from v as nested arrays.
json matrix(const double* v, std::size_t rows, std::size_t cols) {
  json a = json::array();
  for (std::size_t r = 0; r < rows; ++r) a.push_back(std::vector<double>(v + r * cols, v + (r + 1) * cols));
  return a;
}

}  // namespace

std::string economy_problem_to_json(const EconomyProblem& e) {
  const json social = json::parse(social_problem_to_json(e.base));
  json doc = json::object();
  doc["format"] = "ivassign-economy/1";
  if (!e.base.name.empty()) doc["name"] = e.base.name;
  const auto n = static_cast<std::size_t>(e.agents()), m = static_cast<std::size_t>(e.states()),
             l = static_cast<std::size_t>(e.goods);
  doc["agents"] = e.agents();
  doc["types"] = e.base.types;
  doc["states"] = e.states();
  doc["goods"] = e.goods;
  doc["prior"] = social["prior"];
  doc["endowments"] = matrix(e.endowments.data(), n, l);
  json u = json::array();
  for (std::size_t i = 0; i < n; ++i)
    u.push_back({{e.utility[i] == EconomyProblem::Utility::Linear ? "linear" : "cobb_douglas",
                  matrix(e.coefficients.data() + i * m * l, m, l)}});
  doc["utilities"] = u;
  if (e.has_cie) {
    json c = json::array();
    for (std::size_t s = 0; s < m; ++s) c.push_back(matrix(e.cie.data() + s * n * l, n, l));
    doc["cie"] = c;
  }
  return doc.dump(1) + "\n";
}

void save_economy_problem(const EconomyProblem& e, const std::string& path) {
  validate_economy_problem(e);
  save_text(path, economy_problem_to_json(e));
}

}  // namespace ivassign
