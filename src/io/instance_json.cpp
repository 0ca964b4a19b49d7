// The `ivassign/1` instance format (shared spec instance-format.md): reading with structural
// checks (types, shapes, ranges), then validate() for the value rules; writing back.
#include <charconv>
#include <cmath>
#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "io/instance_fast.hpp"
#include "io/instance_stream.hpp"
#include "io/json_reader.hpp"
#include "io/text_file.hpp"
#include "ivassign/error.hpp"
#include "ivassign/instance_io.hpp"

namespace ivassign {

using nlohmann::json;
using io::member;
using io::read_int;
using io::read_number;
using io::read_tensor;

namespace {

constexpr std::int64_t kMaxSize = 1 << 30;
constexpr std::size_t kFastReaderBytes = 1 << 20;  // documents from 1 MiB use the simdjson path

/// `prior` in one of its forms ({joint}, {lambda, q}, {lambda, q_per_buyer}), shapes checked.
void read_prior(const json& doc, Instance& in) {
  const json& p = member(doc, "prior");
  if (!p.is_object()) throw InputError(std::string("prior: expected an object, found ") + p.type_name());
  const std::size_t m = static_cast<std::size_t>(in.states), n = static_cast<std::size_t>(in.buyers);
  const bool has_joint = p.contains("joint"), has_lambda = p.contains("lambda"), has_q = p.contains("q"),
             has_qpb = p.contains("q_per_buyer");
  for (auto it = p.begin(); it != p.end(); ++it)
    if (it.key() != "joint" && it.key() != "lambda" && it.key() != "q" && it.key() != "q_per_buyer")
      throw InputError("prior." + it.key() + ": unknown key; the prior is {joint} or {lambda, q} or {lambda, q_per_buyer}");
  if (has_joint) {
    if (has_lambda || has_q || has_qpb)
      throw InputError("prior: give either joint or lambda with q / q_per_buyer, not both");
    const json& j = p["joint"];
    if (!j.is_array()) throw InputError(std::string("prior.joint: expected a flat array, found ") + j.type_name());
    const std::uint64_t profiles = in.profile_count();
    if (profiles > (static_cast<std::uint64_t>(1) << 40) / std::max<std::uint64_t>(m, 1))
      throw InputError("prior.joint: m * prod K_i is too large for a joint table; use lambda with q or q_per_buyer");
    if (j.size() != m * profiles)
      throw InputError("prior.joint: has " + std::to_string(j.size()) + " entries, expected m * prod K_i = " +
                       std::to_string(m * profiles));
    in.prior.form = Prior::Form::Joint;
    in.prior.joint.resize(j.size());
    for (std::size_t k = 0; k < j.size(); ++k) in.prior.joint[k] = read_number(j[k], "prior.joint: entry " + std::to_string(k));
    return;
  }
  if (!has_lambda) throw InputError("prior: needs joint, or lambda with q or q_per_buyer");
  if (has_q == has_qpb) throw InputError("prior: give exactly one of q and q_per_buyer with lambda");
  in.prior.lambda = read_tensor(p["lambda"], "prior.lambda", {m}, {"m"});
  in.prior.q.assign(n, {});
  if (has_q) {
    in.prior.form = Prior::Form::Symmetric;
    const std::size_t k = static_cast<std::size_t>(in.signals[0]);
    for (std::size_t i = 1; i < n; ++i)
      if (in.signals[i] != in.signals[0])
        throw InputError("signals[" + std::to_string(i) + "]: " + std::to_string(in.signals[i]) +
                         " differs from signals[0] = " + std::to_string(in.signals[0]) +
                         "; prior.q needs one alphabet for all buyers (use q_per_buyer)");
    const auto q = read_tensor(p["q"], "prior.q", {m, k}, {"m", "K"});
    for (auto& qi : in.prior.q) qi = q;
  } else {
    in.prior.form = Prior::Form::PerBuyer;
    const json& qpb = p["q_per_buyer"];
    if (!qpb.is_array()) throw InputError(std::string("prior.q_per_buyer: expected an array, found ") + qpb.type_name());
    if (qpb.size() != n)
      throw InputError("prior.q_per_buyer: has " + std::to_string(qpb.size()) + " entries, expected n = " + std::to_string(n));
    for (std::size_t i = 0; i < n; ++i)
      in.prior.q[i] = read_tensor(qpb[i], "prior.q_per_buyer[" + std::to_string(i) + "]",
                                  {m, static_cast<std::size_t>(in.signals[i])}, {"m", "K_" + std::to_string(i)});
  }
}

/// `externalities` (absent or null: none) in one of the forms dense, sparse, factored.
void read_externalities(const json& doc, Instance& in) {
  auto it = doc.find("externalities");
  if (it == doc.end() || it->is_null()) return;
  const json& e = *it;
  if (!e.is_object() || e.size() != 1)
    throw InputError("externalities: expected an object with exactly one of dense, sparse, factored");
  const std::size_t m = static_cast<std::size_t>(in.states), n = static_cast<std::size_t>(in.buyers),
                    s = static_cast<std::size_t>(in.sellers);
  auto& x = in.externalities;
  if (e.contains("dense")) {
    if (m * n * s * n * s > (static_cast<std::size_t>(1) << 31))
      throw InputError("externalities.dense: m*n*s*n*s is too large for the dense form; use sparse or factored");
    x.form = Externalities::Form::Dense;
    x.dense = read_tensor(e["dense"], "externalities.dense", {m, n, s, n, s}, {"m", "n", "s", "n", "s"});
  } else if (e.contains("sparse")) {
    x.form = Externalities::Form::Sparse;
    const json& sp = e["sparse"];
    if (!sp.is_array()) throw InputError(std::string("externalities.sparse: expected an array, found ") + sp.type_name());
    x.sparse.reserve(sp.size());
    for (std::size_t k = 0; k < sp.size(); ++k) {
      const std::string key = "externalities.sparse[" + std::to_string(k) + "]";
      const json& row = sp[k];
      if (!row.is_array() || row.size() != 6)
        throw InputError(key + ": expected [theta, i, j, p, q, value] (6 entries)");
      Externalities::Entry en{};
      en.theta = static_cast<int>(read_int(row[0], key + "[0] (theta)", INT32_MIN, INT32_MAX));
      en.i = static_cast<int>(read_int(row[1], key + "[1] (i)", INT32_MIN, INT32_MAX));
      en.j = static_cast<int>(read_int(row[2], key + "[2] (j)", INT32_MIN, INT32_MAX));
      en.p = static_cast<int>(read_int(row[3], key + "[3] (p)", INT32_MIN, INT32_MAX));
      en.q = static_cast<int>(read_int(row[4], key + "[4] (q)", INT32_MIN, INT32_MAX));
      en.value = read_number(row[5], key + "[5] (value)");
      x.sparse.push_back(en);
    }
  } else if (e.contains("factored")) {
    x.form = Externalities::Form::Factored;
    const json& f = e["factored"];
    if (!f.is_object()) throw InputError("externalities.factored: expected an object {buyer, seller}");
    x.buyer = read_tensor(member(f, "buyer", "externalities.factored."), "externalities.factored.buyer", {m, n, n},
                          {"m", "n", "n"});
    x.seller = read_tensor(member(f, "seller", "externalities.factored."), "externalities.factored.seller", {m, s, s},
                           {"m", "s", "s"});
  } else {
    throw InputError("externalities." + e.begin().key() + ": unknown form; expected dense, sparse or factored");
  }
}

/// `geometry` (absent or null: none): {region, x, y, population}, one entry per seller each.
void read_geometry(const json& doc, Instance& in) {
  auto it = doc.find("geometry");
  if (it == doc.end() || it->is_null()) return;
  const json& g = *it;
  if (!g.is_object()) throw InputError(std::string("geometry: expected an object {region, x, y, population}, found ") + g.type_name());
  for (auto k = g.begin(); k != g.end(); ++k)
    if (k.key() != "region" && k.key() != "x" && k.key() != "y" && k.key() != "population")
      throw InputError("geometry." + k.key() + ": unknown key; geometry is {region, x, y, population}");
  const std::size_t s = static_cast<std::size_t>(in.sellers);
  Geometry out;
  const json& region = member(g, "region", "geometry.");
  if (!region.is_array()) throw InputError(std::string("geometry.region: expected an array, found ") + region.type_name());
  if (region.size() != s)
    throw InputError("geometry.region: has " + std::to_string(region.size()) + " entries, expected s = " + std::to_string(s));
  for (std::size_t j = 0; j < s; ++j)
    out.region.push_back(static_cast<int>(read_int(region[j], "geometry.region[" + std::to_string(j) + "]", 0, INT32_MAX)));
  out.x = read_tensor(member(g, "x", "geometry."), "geometry.x", {s}, {"s"});
  out.y = read_tensor(member(g, "y", "geometry."), "geometry.y", {s}, {"s"});
  out.population = read_tensor(member(g, "population", "geometry."), "geometry.population", {s}, {"s"});
  in.geometry = std::move(out);
}

}  // namespace

Instance parse_instance(const std::string& text, const std::string& origin) {
  // large documents: the simdjson extraction, then the same value rules; anything it does not
  // expect falls through to the checked reader below, which names the problem
  if (text.size() >= kFastReaderBytes) {
    if (auto fast = io::read_instance_fast(text)) {
      try {
        validate(*fast);
        return std::move(*fast);
      } catch (const InputError& e) {
        throw InputError(origin + ": " + e.what());
      }
    }
  }
  const json doc = io::parse_json(text, origin);
  try {
    if (!doc.is_object()) throw InputError(std::string("document: expected a JSON object, found ") + doc.type_name());
    const json& fmt = member(doc, "format");
    if (!fmt.is_string() || fmt.get<std::string>() != "ivassign/1")
      throw InputError("format: " + fmt.dump() + " is not \"ivassign/1\"");
    Instance in;
    if (auto it = doc.find("name"); it != doc.end()) {
      if (!it->is_string()) throw InputError("name: expected a string");
      in.name = it->get<std::string>();
    }
    in.states = static_cast<int>(read_int(member(doc, "states"), "states", 1, kMaxSize));
    in.buyers = static_cast<int>(read_int(member(doc, "buyers"), "buyers", 1, kMaxSize));
    in.sellers = static_cast<int>(read_int(member(doc, "sellers"), "sellers", 1, kMaxSize));
    const std::size_t m = static_cast<std::size_t>(in.states), n = static_cast<std::size_t>(in.buyers),
                      s = static_cast<std::size_t>(in.sellers);
    const json& sig = member(doc, "signals");
    if (!sig.is_array()) throw InputError(std::string("signals: expected an array, found ") + sig.type_name());
    if (sig.size() != n)
      throw InputError("signals: has " + std::to_string(sig.size()) + " entries, expected n = " + std::to_string(n));
    for (std::size_t i = 0; i < n; ++i)
      in.signals.push_back(static_cast<int>(read_int(sig[i], "signals[" + std::to_string(i) + "]", 1, kMaxSize)));
    read_prior(doc, in);
    in.valuations = read_tensor(member(doc, "valuations"), "valuations", {m, n, s}, {"m", "n", "s"});
    in.costs = read_tensor(member(doc, "costs"), "costs", {m, n, s}, {"m", "n", "s"});
    read_externalities(doc, in);
    if (auto it = doc.find("bound"); it != doc.end()) in.bound = read_number(*it, "bound");
    if (auto it = doc.find("observed"); it != doc.end()) {
      if (!it->is_array()) throw InputError(std::string("observed: expected an array, found ") + it->type_name());
      if (it->size() != n)
        throw InputError("observed: has " + std::to_string(it->size()) + " entries, expected n = " + std::to_string(n));
      for (std::size_t i = 0; i < n; ++i)
        in.observed.push_back(static_cast<int>(read_int((*it)[i], "observed[" + std::to_string(i) + "]", INT32_MIN, INT32_MAX)));
    }
    read_geometry(doc, in);
    validate(in);
    return in;
  } catch (const InputError& e) {
    throw InputError(origin + ": " + e.what());
  }
}

Instance load_instance(const std::string& path) {
  // large files: streamed into the instance without their text or a DOM in memory (the simdjson DOM
  // of a 270 MB spectrum market took 2.9 GB); anything unexpected goes to the checked reader
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec) && std::filesystem::file_size(path, ec) >= kFastReaderBytes && !ec) {
    if (auto streamed = io::read_instance_stream(path)) {
      try {
        validate(*streamed);
      } catch (const InputError& e) {
        throw InputError(path + ": " + e.what());
      }
      if (streamed->name.empty()) streamed->name = std::filesystem::path(path).stem().string();
      return std::move(*streamed);
    }
  }
  Instance in = parse_instance(load_text(path), path);
  if (in.name.empty()) in.name = std::filesystem::path(path).stem().string();
  return in;
}

namespace {

/// Streaming writer: compact JSON, shortest round-trip numbers (std::to_chars), no DOM, so a
/// generated instance of hundreds of megabytes is written in one pass.
class Writer {
 public:
  explicit Writer(std::ostream& out) : out_(out) {}
  /// Text as it is.
  void raw(const char* s) { out_ << s; }
  /// A double in shortest round-trip form.
  void number(double v) {
    if (v == 0 && std::signbit(v)) {  // to_chars writes "-0", which readers take for the integer 0: the sign is lost
      out_ << "-0.0";
      return;
    }
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.write(buf, r.ptr - buf);
  }
  /// An integer.
  void integer(long long v) { out_ << v; }
  /// A JSON string (quoted and escaped).
  void string(const std::string& s) { out_ << nlohmann::json(s).dump(); }
  /// A top-level key on its own line, after a comma unless it is the first.
  void key(const char* k, bool first = false) {
    if (!first) out_ << ",\n";
    out_ << '"' << k << "\": ";
  }
  /// Nested arrays of `shape` from flat data (C order).
  void tensor(const double* data, const std::vector<std::size_t>& shape, std::size_t level = 0) {
    out_ << '[';
    std::size_t stride = 1;
    for (std::size_t l = level + 1; l < shape.size(); ++l) stride *= shape[l];
    for (std::size_t k = 0; k < shape[level]; ++k) {
      if (k) out_ << ',';
      if (level + 1 == shape.size())
        number(data[k]);
      else
        tensor(data + k * stride, shape, level + 1);
    }
    out_ << ']';
  }
  /// A flat array of integers.
  void ints(const std::vector<int>& v) {
    out_ << '[';
    for (std::size_t k = 0; k < v.size(); ++k) {
      if (k) out_ << ',';
      out_ << v[k];
    }
    out_ << ']';
  }

 private:
  std::ostream& out_;
};

/// The value of `prior` in its form.
void write_prior(Writer& w, const Instance& in) {
  const std::size_t m = static_cast<std::size_t>(in.states), n = static_cast<std::size_t>(in.buyers);
  switch (in.prior.form) {
    case Prior::Form::Joint:
      w.raw("{\"joint\": ");
      w.tensor(in.prior.joint.data(), {in.prior.joint.size()});
      break;
    case Prior::Form::Symmetric:
      w.raw("{\"lambda\": ");
      w.tensor(in.prior.lambda.data(), {m});
      w.raw(", \"q\": ");
      w.tensor(in.prior.q.at(0).data(), {m, static_cast<std::size_t>(in.signals.at(0))});
      break;
    case Prior::Form::PerBuyer:
      w.raw("{\"lambda\": ");
      w.tensor(in.prior.lambda.data(), {m});
      w.raw(", \"q_per_buyer\": [");
      for (std::size_t i = 0; i < n; ++i) {
        if (i) w.raw(",");
        w.tensor(in.prior.q[i].data(), {m, static_cast<std::size_t>(in.signals[i])});
      }
      w.raw("]");
      break;
  }
  w.raw("}");
}

/// The `geometry` key and its block (nothing when the instance has none).
void write_geometry(Writer& w, const Instance& in) {
  if (!in.geometry) return;
  const auto& g = *in.geometry;
  w.key("geometry");
  w.raw("{\"region\": ");
  w.ints(g.region);
  w.raw(", \"x\": ");
  w.tensor(g.x.data(), {g.x.size()});
  w.raw(", \"y\": ");
  w.tensor(g.y.data(), {g.y.size()});
  w.raw(", \"population\": ");
  w.tensor(g.population.data(), {g.population.size()});
  w.raw("}");
}

/// The `externalities` key and its value in their form (nothing for Form::None).
void write_externalities(Writer& w, std::ostream& out, const Instance& in) {
  const std::size_t m = static_cast<std::size_t>(in.states), n = static_cast<std::size_t>(in.buyers),
                    s = static_cast<std::size_t>(in.sellers);
  const auto& e = in.externalities;
  switch (e.form) {
    case Externalities::Form::None: break;
    case Externalities::Form::Dense:
      w.key("externalities");
      w.raw("{\"dense\": ");
      w.tensor(e.dense.data(), {m, n, s, n, s});
      w.raw("}");
      break;
    case Externalities::Form::Sparse:
      w.key("externalities");
      w.raw("{\"sparse\": [");
      for (std::size_t k = 0; k < e.sparse.size(); ++k) {
        const auto& x = e.sparse[k];
        out << (k ? ",[" : "[") << x.theta << ',' << x.i << ',' << x.j << ',' << x.p << ',' << x.q << ',';
        w.number(x.value);
        w.raw("]");
      }
      w.raw("]}");
      break;
    case Externalities::Form::Factored:
      w.key("externalities");
      w.raw("{\"factored\": {\"buyer\": ");
      w.tensor(e.buyer.data(), {m, n, n});
      w.raw(", \"seller\": ");
      w.tensor(e.seller.data(), {m, s, s});
      w.raw("}}");
      break;
  }
}

}  // namespace

void write_instance(const Instance& in, std::ostream& out) {
  const std::size_t m = static_cast<std::size_t>(in.states), n = static_cast<std::size_t>(in.buyers),
                    s = static_cast<std::size_t>(in.sellers);
  Writer w(out);
  w.raw("{\n");
  w.key("format", true);
  w.string("ivassign/1");
  if (!in.name.empty()) {
    w.key("name");
    w.string(in.name);
  }
  w.key("states");
  w.integer(in.states);
  w.key("buyers");
  w.integer(in.buyers);
  w.key("sellers");
  w.integer(in.sellers);
  w.key("signals");
  w.ints(in.signals);
  w.key("prior");
  write_prior(w, in);
  w.key("valuations");
  w.tensor(in.valuations.data(), {m, n, s});
  w.key("costs");
  w.tensor(in.costs.data(), {m, n, s});
  write_externalities(w, out, in);
  if (in.bound) {
    w.key("bound");
    w.number(*in.bound);
  }
  if (!in.observed.empty()) {
    w.key("observed");
    w.ints(in.observed);
  }
  write_geometry(w, in);
  w.raw("\n}\n");
}

std::string instance_to_json(const Instance& in) {
  std::ostringstream out;
  write_instance(in, out);
  return out.str();
}

void save_instance(const Instance& in, const std::string& path) {
  io::save_atomically(path, [&](std::ostream& out) { write_instance(in, out); });
}

}  // namespace ivassign
