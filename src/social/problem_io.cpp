// ivassign-social/1 files: reading (JSON syntax and shapes), validation (the rules of
// social-format.md that do not concern syntax) and writing. Messages name key, index and rule.
#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "common/format.hpp"
#include "io/json_reader.hpp"
#include "ivassign/error.hpp"
#include "ivassign/instance_io.hpp"
#include "ivassign/social.hpp"
#include "ivassign/tolerances.hpp"

namespace ivassign {

namespace {

using nlohmann::json;

/// |T| with an overflow and size guard (a problem with more profiles cannot be held in memory).
constexpr std::uint64_t kMaxProfiles = std::uint64_t(1) << 32;

std::uint64_t profile_count(const std::vector<int>& types) {
  std::uint64_t total = 1;
  for (int k : types) {
    if (total > kMaxProfiles / static_cast<std::uint64_t>(k))
      throw ResourceError("types: the product of the type-set sizes exceeds 2^32 profiles");
    total *= static_cast<std::uint64_t>(k);
  }
  return total;
}

void check_sum(const std::string& key, double total) {
  if (std::abs(total - 1.0) > tol::kProbabilitySum)
    throw InputError(key + ": entries sum to " + num(total) + "; probabilities must sum to 1 (relative tolerance 1e-9)");
}

void check_probability(const std::string& key, double p) {
  if (!std::isfinite(p) || p < 0.0 || p > 1.0)
    throw InputError(key + ": " + num(p) + " is not a probability (must lie in [0, 1])");
}

/// The file's text (load_text); a file that cannot be read says "cannot open the file", the
/// wording of the social loader.
std::string read_text(const std::string& path) {
  try {
    return load_text(path);
  } catch (const InputError&) {
    throw InputError(path + ": cannot open the file (missing or unreadable)");
  }
}

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

}  // namespace

std::uint64_t SocialProblem::profiles() const { return profile_count(types); }

double SocialProblem::effective_bound() const {
  if (bound) return *bound;
  double b = 0.0;
  for (double v : values) b = std::max(b, std::abs(v));
  return b;
}

SocialProblem parse_social_problem(const std::string& text, const std::string& origin) {
  const json doc = io::parse_json(text, origin);
  if (!doc.is_object()) throw InputError(origin + ": the document must be a JSON object");
  SocialProblem p;
  const json& format = io::member(doc, "format");
  if (!format.is_string() || format.get<std::string>() != "ivassign-social/1")
    throw InputError("format: " + format.dump() + " is not the supported format string \"ivassign-social/1\"");
  if (doc.contains("name")) {
    if (!doc["name"].is_string()) throw InputError("name: expected a string, found " + std::string(doc["name"].type_name()));
    p.name = doc["name"].get<std::string>();
  }
  p.agents = static_cast<int>(io::read_int(io::member(doc, "agents"), "agents", 1, 1 << 20));
  p.types = read_int_array(io::member(doc, "types"), "types", static_cast<std::size_t>(p.agents), "n", 1, 1 << 30);
  const std::uint64_t T = p.profiles();
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

  const json& values = io::member(doc, "values");
  if (!values.is_object()) throw InputError(std::string("values: expected an object, found ") + values.type_name());
  const bool by_state = values.contains("by_state"), by_profile = values.contains("by_profile");
  if (by_state == by_profile)
    throw InputError("values: needs exactly one of \"by_state\" and \"by_profile\"");
  const auto C = static_cast<std::size_t>(p.outcomes);
  const auto n = static_cast<std::size_t>(p.agents);
  if (by_state) {
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
  } else {
    p.values_form = SocialProblem::Values::ByProfile;
    if (doc.contains("states")) p.states = static_cast<int>(io::read_int(doc["states"], "states", 1, 1 << 20));
    p.values = io::read_tensor(values["by_profile"], "values.by_profile", {static_cast<std::size_t>(T), n, C},
                               {"|T|", "n", "|C|"});
  }

  if (doc.contains("prior")) {
    const json& pr = doc["prior"];
    if (!pr.is_object()) throw InputError(std::string("prior: expected an object, found ") + pr.type_name());
    const int forms = int(pr.contains("joint")) + int(pr.contains("lambda") || pr.contains("q_per_agent")) +
                      int(pr.contains("types"));
    if (forms != 1) throw InputError("prior: needs exactly one form: \"joint\", \"lambda\" + \"q_per_agent\", or \"types\"");
    if (pr.contains("joint")) {
      if (!by_state) throw InputError("prior.joint: needs values.by_state (with by_profile use prior.types)");
      p.prior_form = SocialProblem::Prior::Joint;
      p.prior_joint = io::read_tensor(pr["joint"], "prior.joint", {static_cast<std::size_t>(p.states) * T}, {"m * |T|"});
    } else if (pr.contains("types")) {
      if (!by_profile) throw InputError("prior.types: needs values.by_profile (with by_state use prior.joint or lambda)");
      p.prior_form = SocialProblem::Prior::Types;
      p.prior_joint = io::read_tensor(pr["types"], "prior.types", {static_cast<std::size_t>(T)}, {"|T|"});
    } else {
      if (!by_state) throw InputError("prior.lambda: needs values.by_state");
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
  } else {
    if (by_state) throw InputError("prior: required key is missing (values.by_state needs a prior over states and types)");
    p.prior_form = SocialProblem::Prior::Uniform;
  }

  if (doc.contains("bound")) {
    const double b = io::read_number(doc["bound"], "bound");
    if (!(b > 0.0)) throw InputError("bound: " + num(b) + " must be > 0");
    p.bound = b;
  }
  if (doc.contains("decomposition")) {
    const json& d = doc["decomposition"];
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
  if (doc.contains("mechanism")) read_mechanism(doc["mechanism"], "mechanism", p);
  validate_social_problem(p);
  return p;
}

void validate_social_problem(const SocialProblem& p) {
  if (p.agents < 1) throw InputError("agents: " + std::to_string(p.agents) + " must be >= 1");
  if (p.types.size() != static_cast<std::size_t>(p.agents))
    throw InputError("types: has " + std::to_string(p.types.size()) + " entries, expected n = " + std::to_string(p.agents));
  for (std::size_t i = 0; i < p.types.size(); ++i)
    if (p.types[i] < 1) throw InputError(idx("types", i) + ": " + std::to_string(p.types[i]) + " must be >= 1");
  const std::uint64_t T = p.profiles();
  const auto n = static_cast<std::uint64_t>(p.agents);
  const auto C = static_cast<std::uint64_t>(p.outcomes);
  if (p.outcomes < 1) throw InputError("outcomes: must be >= 1");
  if (!p.outcome_names.empty() && p.outcome_names.size() != C)
    throw InputError("outcomes: has " + std::to_string(p.outcome_names.size()) + " names, expected |C| = " + std::to_string(C));
  if (p.status_quo < 0 || p.status_quo >= p.outcomes)
    throw InputError("status_quo: " + std::to_string(p.status_quo) + " is out of range [0, " + std::to_string(C - 1) + "]");
  const bool by_state = p.values_form == SocialProblem::Values::ByState;
  const auto c0 = static_cast<std::uint64_t>(p.status_quo);

  // values: finite, 0 at the status quo
  if (by_state) {
    if (p.states < 1) throw InputError("states: required and >= 1 with values.by_state");
    const auto m = static_cast<std::uint64_t>(p.states);
    if (p.value_offset.size() != n) throw InputError("values.by_state: has the wrong number of agent blocks");
    std::uint64_t expected = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
      if (p.value_offset[i] != expected) throw InputError(idx("values.by_state", i) + ": misplaced agent block");
      expected += m * static_cast<std::uint64_t>(p.types[i]) * C;
    }
    if (p.values.size() != expected)
      throw InputError("values.by_state: has " + std::to_string(p.values.size()) + " numbers, expected sum_i m*K_i*|C| = " +
                       std::to_string(expected));
    for (std::uint64_t i = 0; i < n; ++i)
      for (std::uint64_t s = 0; s < m; ++s)
        for (std::uint64_t k = 0; k < static_cast<std::uint64_t>(p.types[i]); ++k)
          for (std::uint64_t c = 0; c < C; ++c) {
            const double v = p.values[p.value_offset[i] + (s * static_cast<std::uint64_t>(p.types[i]) + k) * C + c];
            const std::string key = "values.by_state[" + std::to_string(i) + "][" + std::to_string(s) + "][" +
                                    std::to_string(k) + "][" + std::to_string(c) + "]";
            if (!std::isfinite(v)) throw InputError(key + ": " + num(v) + " is not a finite number");
            if (c == c0 && v != 0.0)
              throw InputError(key + ": " + num(v) + " is not 0; values at the status quo (outcome " +
                               std::to_string(c0) + ") must be 0");
          }
  } else {
    if (p.values.size() != T * n * C)
      throw InputError("values.by_profile: has " + std::to_string(p.values.size()) + " numbers, expected |T|*n*|C| = " +
                       std::to_string(T * n * C));
    for (std::uint64_t t = 0; t < T; ++t)
      for (std::uint64_t i = 0; i < n; ++i)
        for (std::uint64_t c = 0; c < C; ++c) {
          const double v = p.values[(t * n + i) * C + c];
          if (std::isfinite(v) && (c != c0 || v == 0.0)) continue;
          const std::string key = "values.by_profile[" + std::to_string(t) + "][" + std::to_string(i) + "][" +
                                  std::to_string(c) + "]";
          if (!std::isfinite(v)) throw InputError(key + ": " + num(v) + " is not a finite number");
          throw InputError(key + ": " + num(v) + " is not 0; values at the status quo (outcome " + std::to_string(c0) +
                           ") must be 0");
        }
  }

  // prior: probabilities, sums, full support on states and on every type of every agent
  auto type_strides = [&] {
    std::vector<std::uint64_t> st(n, 1);
    for (std::uint64_t i = n; i-- > 1;) st[i - 1] = st[i] * static_cast<std::uint64_t>(p.types[i]);
    return st;
  };
  auto check_type_marginals = [&](const std::string& key, const std::vector<double>& profile_mass) {
    const auto st = type_strides();
    for (std::uint64_t i = 0; i < n; ++i) {
      std::vector<double> marginal(static_cast<std::size_t>(p.types[i]), 0.0);
      for (std::uint64_t t = 0; t < T; ++t) marginal[(t / st[i]) % static_cast<std::uint64_t>(p.types[i])] += profile_mass[t];
      for (std::size_t k = 0; k < marginal.size(); ++k)
        if (!(marginal[k] > 0.0))
          throw InputError(key + ": type " + std::to_string(k) + " of agent " + std::to_string(i) +
                           " has probability 0; every type of every agent must have positive probability");
    }
  };
  switch (p.prior_form) {
    case SocialProblem::Prior::Joint: {
      if (!by_state) throw InputError("prior.joint: needs values.by_state");
      const auto m = static_cast<std::uint64_t>(p.states);
      if (p.prior_joint.size() != m * T)
        throw InputError("prior.joint: has " + std::to_string(p.prior_joint.size()) + " entries, expected m * |T| = " +
                         std::to_string(m * T));
      double total = 0.0;
      std::vector<double> profile_mass(T, 0.0);
      for (std::uint64_t s = 0; s < m; ++s) {
        double state_mass = 0.0;
        for (std::uint64_t t = 0; t < T; ++t) {
          const double v = p.prior_joint[s * T + t];
          check_probability(idx("prior.joint", s * T + t), v);
          state_mass += v;
          profile_mass[t] += v;
        }
        if (!(state_mass > 0.0))
          throw InputError("prior.joint: state " + std::to_string(s) + " (entries " + std::to_string(s * T) + ".." +
                           std::to_string(s * T + T - 1) + ") has probability 0; every state must have positive probability");
        total += state_mass;
      }
      check_sum("prior.joint", total);
      check_type_marginals("prior.joint", profile_mass);
      break;
    }
    case SocialProblem::Prior::ConditionallyIndependent: {
      const auto m = static_cast<std::uint64_t>(p.states);
      if (p.prior_lambda.size() != m)
        throw InputError("prior.lambda: has " + std::to_string(p.prior_lambda.size()) + " entries, expected m = " +
                         std::to_string(m));
      double total = 0.0;
      for (std::uint64_t s = 0; s < m; ++s) {
        check_probability(idx("prior.lambda", s), p.prior_lambda[s]);
        if (!(p.prior_lambda[s] > 0.0))
          throw InputError(idx("prior.lambda", s) + ": 0; every state must have positive probability");
        total += p.prior_lambda[s];
      }
      check_sum("prior.lambda", total);
      if (p.prior_q.size() != n)
        throw InputError("prior.q_per_agent: has " + std::to_string(p.prior_q.size()) + " entries, expected n = " +
                         std::to_string(n));
      for (std::uint64_t i = 0; i < n; ++i) {
        const auto K = static_cast<std::uint64_t>(p.types[i]);
        if (p.prior_q[i].size() != m * K)
          throw InputError(idx("prior.q_per_agent", i) + ": has " + std::to_string(p.prior_q[i].size()) +
                           " numbers, expected m * K_i = " + std::to_string(m * K));
        for (std::uint64_t s = 0; s < m; ++s) {
          double row = 0.0;
          for (std::uint64_t k = 0; k < K; ++k) {
            const double q = p.prior_q[i][s * K + k];
            check_probability(idx(idx("prior.q_per_agent", i), s) + "[" + std::to_string(k) + "]", q);
            row += q;
          }
          check_sum(idx(idx("prior.q_per_agent", i), s), row);
        }
        for (std::uint64_t k = 0; k < K; ++k) {
          double mass = 0.0;
          for (std::uint64_t s = 0; s < m; ++s) mass += p.prior_lambda[s] * p.prior_q[i][s * K + k];
          if (!(mass > 0.0))
            throw InputError("prior.q_per_agent[" + std::to_string(i) + "]: type " + std::to_string(k) +
                             " has probability 0; every type of every agent must have positive probability");
        }
      }
      break;
    }
    case SocialProblem::Prior::Types: {
      if (by_state) throw InputError("prior.types: needs values.by_profile");
      if (p.prior_joint.size() != T)
        throw InputError("prior.types: has " + std::to_string(p.prior_joint.size()) + " entries, expected |T| = " +
                         std::to_string(T));
      double total = 0.0;
      for (std::uint64_t t = 0; t < T; ++t) {
        check_probability(idx("prior.types", t), p.prior_joint[t]);
        total += p.prior_joint[t];
      }
      check_sum("prior.types", total);
      check_type_marginals("prior.types", p.prior_joint);
      break;
    }
    case SocialProblem::Prior::Uniform:
      if (by_state) throw InputError("prior: required key is missing (values.by_state needs a prior)");
      break;
  }

  if (p.bound && !(*p.bound > 0.0 && std::isfinite(*p.bound)))
    throw InputError("bound: " + num(*p.bound) + " must be a finite number > 0");

  if (!p.signal.empty()) {
    if (p.signal.size() != n)
      throw InputError("decomposition.signal: has " + std::to_string(p.signal.size()) + " entries, expected n = " +
                       std::to_string(n));
    for (std::uint64_t i = 0; i < n; ++i) {
      const auto K = static_cast<std::size_t>(p.types[i]);
      if (p.signal[i].size() != K)
        throw InputError(idx("decomposition.signal", i) + ": has " + std::to_string(p.signal[i].size()) +
                         " entries, expected K_" + std::to_string(i) + " = " + std::to_string(K));
      int top = -1;
      for (std::size_t k = 0; k < K; ++k) {
        const int a = p.signal[i][k];
        if (a < 0 || static_cast<std::size_t>(a) >= K)
          throw InputError(idx(idx("decomposition.signal", i), k) + ": " + std::to_string(a) + " is out of range [0, " +
                           std::to_string(K - 1) + "]");
        top = std::max(top, a);
      }
      std::vector<bool> used(static_cast<std::size_t>(top + 1), false);
      for (int a : p.signal[i]) used[static_cast<std::size_t>(a)] = true;
      for (std::size_t a = 0; a < used.size(); ++a)
        if (!used[a])
          throw InputError(idx("decomposition.signal", i) + ": signal " + std::to_string(a) +
                           " is not used; signals must be 0..A_i-1 with every signal used");
    }
  }

  if (p.has_mechanism) {
    if (p.mechanism_outcome.size() != T)
      throw InputError("mechanism.outcome: has " + std::to_string(p.mechanism_outcome.size()) +
                       " entries, expected |T| = " + std::to_string(T));
    for (std::uint64_t t = 0; t < T; ++t)
      if (p.mechanism_outcome[t] < 0 || p.mechanism_outcome[t] >= p.outcomes)
        throw InputError(idx("mechanism.outcome", t) + ": " + std::to_string(p.mechanism_outcome[t]) +
                         " is out of range [0, " + std::to_string(C - 1) + "] (an outcome index)");
    if (p.mechanism_transfers.size() != T * n)
      throw InputError("mechanism.transfers: has " + std::to_string(p.mechanism_transfers.size()) +
                       " numbers, expected |T| * n = " + std::to_string(T * n));
    for (std::uint64_t k = 0; k < T * n; ++k)
      if (!std::isfinite(p.mechanism_transfers[k]))
        throw InputError("mechanism.transfers[" + std::to_string(k / n) + "][" + std::to_string(k % n) + "]: " +
                         num(p.mechanism_transfers[k]) + " is not a finite number");
  }
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
