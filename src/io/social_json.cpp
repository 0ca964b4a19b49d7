// The `ivassign-social/1` file (shared spec social-format.md): reading with structural checks (JSON
// types, shapes, ranges), then validate_social_problem (social_rules.cpp) for the value rules;
// mechanism files; writing back. Messages name the key, the index and the rule.
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/format.hpp"
#include "io/json_reader.hpp"
#include "ivassign/error.hpp"
#include "ivassign/instance_io.hpp"
#include "ivassign/social.hpp"

namespace ivassign {

namespace {

using nlohmann::json;

/// The file's text (load_text); a file that cannot be read says "cannot open the file", the
/// wording of the social loader.
std::string read_text(const std::string& path) {
  try {
    return load_text(path);
  } catch (const InputError&) {
    throw InputError(path + ": cannot open the file (missing or unreadable)");
  }
}

/// An array of `count` integers in [lo, hi]; `what` names the expected length in messages.
std::vector<int> read_int_array(const json& v, const std::string& key, std::size_t count, const std::string& what,
                                std::int64_t lo, std::int64_t hi) {
  if (!v.is_array()) throw InputError(key + ": expected an array, found " + v.type_name());
  if (v.size() != count)
    throw InputError(key + ": has " + std::to_string(v.size()) + " entries, expected " + what + " = " +
                     std::to_string(count));
  std::vector<int> out(count);
  for (std::size_t k = 0; k < count; ++k) out[k] = static_cast<int>(io::read_int(v[k], idx(key, k), lo, hi));
  return out;
}

/// The mechanism object {outcome [|T|], transfers [|T|][n]} into p.
void read_mechanism(const json& m, const std::string& key, SocialProblem& p) {
  if (!m.is_object()) throw InputError(key + ": expected an object, found " + m.type_name());
  const std::uint64_t T = p.profiles();
  p.mechanism_outcome = read_int_array(io::member(m, "outcome", key + "."), key + ".outcome", T, "|T|",
                                       std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
  p.mechanism_transfers = io::read_tensor(io::member(m, "transfers", key + "."), key + ".transfers",
                                          {static_cast<std::size_t>(T), static_cast<std::size_t>(p.agents)},
                                          {"|T|", "n"});
  p.has_mechanism = true;
}

/// format, name, agents, types (|T| guarded), outcomes (a count or names) and status_quo.
void read_dimensions(const json& doc, SocialProblem& p) {
  const json& format = io::member(doc, "format");
  if (!format.is_string() || format.get<std::string>() != "ivassign-social/1")
    throw InputError("format: " + format.dump() + " is not the supported format string \"ivassign-social/1\"");
  if (doc.contains("name")) {
    if (!doc["name"].is_string()) throw InputError("name: expected a string, found " + std::string(doc["name"].type_name()));
    p.name = doc["name"].get<std::string>();
  }
  p.agents = static_cast<int>(io::read_int(io::member(doc, "agents"), "agents", 1, 1 << 20));
  p.types = read_int_array(io::member(doc, "types"), "types", static_cast<std::size_t>(p.agents), "n", 1, 1 << 30);
  p.profiles();  // |T| must fit (ResourceError) before anything sized by it is read
  const json& outcomes = io::member(doc, "outcomes");
  if (outcomes.is_array()) {
    if (outcomes.empty()) throw InputError("outcomes: the array is empty; there must be at least one outcome");
    for (std::size_t k = 0; k < outcomes.size(); ++k) {
      if (!outcomes[k].is_string())
        throw InputError(idx("outcomes", k) + ": expected a string (an outcome name), found " + outcomes[k].type_name());
      p.outcome_names.push_back(outcomes[k].get<std::string>());
    }
    p.outcomes = static_cast<int>(outcomes.size());
  } else {
    p.outcomes = static_cast<int>(io::read_int(outcomes, "outcomes", 1, 1 << 20));
  }
  if (doc.contains("status_quo")) p.status_quo = static_cast<int>(io::read_int(doc["status_quo"], "status_quo", 0, p.outcomes - 1));
}

/// values (exactly one of by_state, by_profile) and states; returns whether the values are by state.
bool read_values(const json& doc, SocialProblem& p) {
  const json& values = io::member(doc, "values");
  if (!values.is_object()) throw InputError(std::string("values: expected an object, found ") + values.type_name());
  const bool by_state = values.contains("by_state"), by_profile = values.contains("by_profile");
  if (by_state == by_profile)
    throw InputError("values: needs exactly one of \"by_state\" and \"by_profile\"");
  const auto C = static_cast<std::size_t>(p.outcomes);
  const auto n = static_cast<std::size_t>(p.agents);
  if (by_profile) {
    p.values_form = SocialProblem::Values::ByProfile;
    if (doc.contains("states")) p.states = static_cast<int>(io::read_int(doc["states"], "states", 1, 1 << 20));
    p.values = io::read_tensor(values["by_profile"], "values.by_profile", {static_cast<std::size_t>(p.profiles()), n, C},
                               {"|T|", "n", "|C|"});
    return false;
  }
  p.values_form = SocialProblem::Values::ByState;
  if (!doc.contains("states")) throw InputError("states: required key is missing (values.by_state needs it)");
  p.states = static_cast<int>(io::read_int(doc["states"], "states", 1, 1 << 20));
  const json& v = values["by_state"];
  if (!v.is_array()) throw InputError(std::string("values.by_state: expected an array, found ") + v.type_name());
  if (v.size() != n)
    throw InputError("values.by_state: has " + std::to_string(v.size()) + " entries, expected n = " + std::to_string(n));
  for (std::size_t i = 0; i < n; ++i) {
    p.value_offset.push_back(p.values.size());
    const auto block = io::read_tensor(v[i], idx("values.by_state", i),
                                       {static_cast<std::size_t>(p.states), static_cast<std::size_t>(p.types[i]), C},
                                       {"m", "K_" + std::to_string(i), "|C|"});
    p.values.insert(p.values.end(), block.begin(), block.end());
  }
  return true;
}

/// prior.lambda and prior.q_per_agent (the conditionally independent form).
void read_prior_lambda_q(const json& pr, SocialProblem& p) {
  const auto n = static_cast<std::size_t>(p.agents);
  p.prior_form = SocialProblem::Prior::ConditionallyIndependent;
  p.prior_lambda = io::read_tensor(io::member(pr, "lambda", "prior."), "prior.lambda",
                                   {static_cast<std::size_t>(p.states)}, {"m"});
  const json& q = io::member(pr, "q_per_agent", "prior.");
  if (!q.is_array()) throw InputError(std::string("prior.q_per_agent: expected an array, found ") + q.type_name());
  if (q.size() != n)
    throw InputError("prior.q_per_agent: has " + std::to_string(q.size()) + " entries, expected n = " + std::to_string(n));
  for (std::size_t i = 0; i < n; ++i)
    p.prior_q.push_back(io::read_tensor(q[i], idx("prior.q_per_agent", i),
                                        {static_cast<std::size_t>(p.states), static_cast<std::size_t>(p.types[i])},
                                        {"m", "K_" + std::to_string(i)}));
}

/// prior in one of its forms (joint, lambda + q_per_agent, types); absent: uniform (by_profile only).
void read_prior(const json& doc, SocialProblem& p, bool by_state) {
  if (!doc.contains("prior")) {
    if (by_state) throw InputError("prior: required key is missing (values.by_state needs a prior over states and types)");
    p.prior_form = SocialProblem::Prior::Uniform;
    return;
  }
  const json& pr = doc["prior"];
  if (!pr.is_object()) throw InputError(std::string("prior: expected an object, found ") + pr.type_name());
  const int forms = int(pr.contains("joint")) + int(pr.contains("lambda") || pr.contains("q_per_agent")) +
                    int(pr.contains("types"));
  if (forms != 1) throw InputError("prior: needs exactly one form: \"joint\", \"lambda\" + \"q_per_agent\", or \"types\"");
  const std::uint64_t T = p.profiles();
  if (pr.contains("joint")) {
    if (!by_state) throw InputError("prior.joint: needs values.by_state (with by_profile use prior.types)");
    p.prior_form = SocialProblem::Prior::Joint;
    p.prior_joint = io::read_tensor(pr["joint"], "prior.joint", {static_cast<std::size_t>(p.states) * T}, {"m * |T|"});
  } else if (pr.contains("types")) {
    if (by_state) throw InputError("prior.types: needs values.by_profile (with by_state use prior.joint or lambda)");
    p.prior_form = SocialProblem::Prior::Types;
    p.prior_joint = io::read_tensor(pr["types"], "prior.types", {static_cast<std::size_t>(T)}, {"|T|"});
  } else {
    if (!by_state) throw InputError("prior.lambda: needs values.by_state");
    read_prior_lambda_q(pr, p);
  }
}

/// decomposition.signal: per agent, the signal f_i(t_i) of each type.
void read_decomposition(const json& d, SocialProblem& p) {
  const auto n = static_cast<std::size_t>(p.agents);
  if (!d.is_object()) throw InputError(std::string("decomposition: expected an object, found ") + d.type_name());
  const json& s = io::member(d, "signal", "decomposition.");
  if (!s.is_array()) throw InputError(std::string("decomposition.signal: expected an array, found ") + s.type_name());
  if (s.size() != n)
    throw InputError("decomposition.signal: has " + std::to_string(s.size()) + " entries, expected n = " +
                     std::to_string(n));
  for (std::size_t i = 0; i < n; ++i)
    p.signal.push_back(read_int_array(s[i], idx("decomposition.signal", i), static_cast<std::size_t>(p.types[i]),
                                      "K_" + std::to_string(i), 0, p.types[i] - 1));
}

}  // namespace

SocialProblem parse_social_problem(const std::string& text, const std::string& origin) {
  const json doc = io::parse_json(text, origin);
  if (!doc.is_object()) throw InputError(origin + ": the document must be a JSON object");
  SocialProblem p;
  read_dimensions(doc, p);
  const bool by_state = read_values(doc, p);
  read_prior(doc, p, by_state);
  if (doc.contains("bound")) {
    const double b = io::read_number(doc["bound"], "bound");
    if (!(b > 0.0)) throw InputError("bound: " + num(b) + " must be > 0");
    p.bound = b;
  }
  if (doc.contains("decomposition")) read_decomposition(doc["decomposition"], p);
  if (doc.contains("mechanism")) read_mechanism(doc["mechanism"], "mechanism", p);
  validate_social_problem(p);
  return p;
}

SocialProblem load_social_problem(const std::string& path) { return parse_social_problem(read_text(path), path); }

void load_social_mechanism(const std::string& path, SocialProblem& problem) {
  const json doc = io::parse_json(read_text(path), path);
  if (!doc.is_object()) throw InputError(path + ": the document must be a JSON object");
  SocialProblem p = problem;
  if (doc.contains("mechanism"))
    read_mechanism(doc["mechanism"], "mechanism", p);
  else
    read_mechanism(doc, "mechanism", p);
  validate_social_problem(p);
  problem = std::move(p);
}

namespace {

/// The flat C-order numbers `v` of `shape` as nested JSON arrays, from dimension `level` on.
json nested(const double* v, const std::vector<std::size_t>& shape, std::size_t level) {
  json a = json::array();
  std::size_t stride = 1;
  for (std::size_t d = level + 1; d < shape.size(); ++d) stride *= shape[d];
  for (std::size_t k = 0; k < shape[level]; ++k) {
    if (level + 1 == shape.size())
      a.push_back(v[k]);
    else
      a.push_back(nested(v + k * stride, shape, level + 1));
  }
  return a;
}

}  // namespace

std::string social_problem_to_json(const SocialProblem& p) {
  json doc = json::object();
  doc["format"] = "ivassign-social/1";
  if (!p.name.empty()) doc["name"] = p.name;
  doc["agents"] = p.agents;
  doc["types"] = p.types;
  if (p.outcome_names.empty())
    doc["outcomes"] = p.outcomes;
  else
    doc["outcomes"] = p.outcome_names;
  doc["status_quo"] = p.status_quo;
  const std::uint64_t T = p.profiles();
  const auto n = static_cast<std::size_t>(p.agents), C = static_cast<std::size_t>(p.outcomes);
  if (p.states > 0) doc["states"] = p.states;
  switch (p.prior_form) {
    case SocialProblem::Prior::Joint:
      doc["prior"] = {{"joint", p.prior_joint}};
      break;
    case SocialProblem::Prior::ConditionallyIndependent: {
      json q = json::array();
      for (std::size_t i = 0; i < n; ++i)
        q.push_back(nested(p.prior_q[i].data(), {static_cast<std::size_t>(p.states), static_cast<std::size_t>(p.types[i])}, 0));
      doc["prior"] = {{"lambda", p.prior_lambda}, {"q_per_agent", q}};
      break;
    }
    case SocialProblem::Prior::Types:
      doc["prior"] = {{"types", p.prior_joint}};
      break;
    case SocialProblem::Prior::Uniform:
      break;
  }
  if (p.values_form == SocialProblem::Values::ByState) {
    json v = json::array();
    for (std::size_t i = 0; i < n; ++i)
      v.push_back(nested(p.values.data() + p.value_offset[i],
                         {static_cast<std::size_t>(p.states), static_cast<std::size_t>(p.types[i]), C}, 0));
    doc["values"] = {{"by_state", v}};
  } else {
    doc["values"] = {{"by_profile", nested(p.values.data(), {static_cast<std::size_t>(T), n, C}, 0)}};
  }
  if (p.bound) doc["bound"] = *p.bound;
  if (!p.signal.empty()) doc["decomposition"] = {{"signal", p.signal}};
  if (p.has_mechanism) {
    doc["mechanism"] = {{"outcome", p.mechanism_outcome},
                        {"transfers", nested(p.mechanism_transfers.data(), {static_cast<std::size_t>(T), n}, 0)}};
  }
  return doc.dump(1) + "\n";
}

void save_social_problem(const SocialProblem& p, const std::string& path) {
  save_text(path, social_problem_to_json(p));
}

}  // namespace ivassign
