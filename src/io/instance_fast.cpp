// The fast path of the instance reader: simdjson's DOM (a few hundred MB/s) for large documents.
// It only extracts; any structural surprise returns nullopt and the caller re-reads the document
// with the checked nlohmann path, which produces the exact error message. Value rules are checked
// by validate() on the result either way, so both paths accept exactly the same documents.
#include "io/instance_fast.hpp"

#ifdef IVASSIGN_HAVE_SIMDJSON
#include <simdjson.h>

#include <cmath>
#include <set>
#include <string_view>

namespace ivassign::io {

namespace {

struct Fallback {};  // thrown inside, caught below: "let the checked path say what is wrong"

using simdjson::dom::element;

double number(element e) {
  double v = 0;
  if (e.get_double().get(v) || !std::isfinite(v)) throw Fallback{};  // integers convert too
  return v;
}

std::int64_t integer(element e, std::int64_t lo, std::int64_t hi) {
  std::int64_t v = 0;
  if (e.is_int64()) {
    v = e.get_int64().value_unsafe();
  } else {
    const double d = number(e);
    if (std::floor(d) != d || std::abs(d) > 9e15) throw Fallback{};
    v = static_cast<std::int64_t>(d);
  }
  if (v < lo || v > hi) throw Fallback{};
  return v;
}

element field(element obj, const char* key) {
  element e;
  if (obj[key].get(e)) throw Fallback{};
  return e;
}

bool has(element obj, const char* key) {
  element e;
  return !obj[key].get(e);
}

void tensor(element e, const std::vector<std::size_t>& shape, std::size_t level, std::vector<double>& out) {
  simdjson::dom::array a;
  if (e.get_array().get(a)) throw Fallback{};
  if (a.size() != shape[level]) throw Fallback{};
  if (level + 1 == shape.size()) {
    for (element x : a) out.push_back(number(x));
  } else {
    for (element x : a) tensor(x, shape, level + 1, out);
  }
}

/// True when `e` has exactly `shape` (array sizes only): checked before reserving the product, which
/// the size keys alone could make gigabytes for a short document.
bool has_shape(element e, const std::vector<std::size_t>& shape, std::size_t level) {
  if (level == shape.size()) return true;
  simdjson::dom::array a;
  if (e.get_array().get(a) || a.size() != shape[level]) return false;
  if (level + 1 < shape.size())
    for (element x : a)
      if (!has_shape(x, shape, level + 1)) return false;
  return true;
}

std::vector<double> tensor(element e, const std::vector<std::size_t>& shape) {
  if (!has_shape(e, shape, 0)) throw Fallback{};
  std::size_t total = 1;
  for (auto d : shape) total *= d;
  std::vector<double> out;
  out.reserve(total);
  tensor(e, shape, 0, out);
  return out;
}

/// `prior`: the joint tensor, or lambda with q (symmetric) or q_per_buyer.
void read_prior(element prior, Instance& in) {
  const std::size_t m = static_cast<std::size_t>(in.states), n = static_cast<std::size_t>(in.buyers);
  simdjson::dom::object prior_obj;
  if (prior.get_object().get(prior_obj)) throw Fallback{};
  if (prior_obj.size() == 1 && has(prior, "joint")) {
    const std::uint64_t profiles = in.profile_count_saturated();
    if (profiles == UINT64_MAX || profiles > (std::uint64_t(1) << 40) / m) throw Fallback{};
    in.prior.form = Prior::Form::Joint;
    in.prior.joint = tensor(field(prior, "joint"), {m * profiles});
  } else if (prior_obj.size() == 2 && has(prior, "lambda") && (has(prior, "q") != has(prior, "q_per_buyer"))) {
    in.prior.lambda = tensor(field(prior, "lambda"), {m});
    if (has(prior, "q")) {
      for (std::size_t i = 1; i < n; ++i)
        if (in.signals[i] != in.signals[0]) throw Fallback{};
      in.prior.form = Prior::Form::Symmetric;
      in.prior.q.assign(n, tensor(field(prior, "q"), {m, static_cast<std::size_t>(in.signals[0])}));
    } else {
      in.prior.form = Prior::Form::PerBuyer;
      simdjson::dom::array qpb;
      if (field(prior, "q_per_buyer").get_array().get(qpb) || qpb.size() != n) throw Fallback{};
      std::size_t i = 0;
      for (element x : qpb) {
        in.prior.q.push_back(tensor(x, {m, static_cast<std::size_t>(in.signals[i])}));
        ++i;
      }
    }
  } else {
    throw Fallback{};
  }
}

/// `externalities`: one of dense, sparse or factored.
void read_externalities(element e, Instance& in) {
  const std::size_t m = static_cast<std::size_t>(in.states), n = static_cast<std::size_t>(in.buyers),
                    s = static_cast<std::size_t>(in.sellers);
  simdjson::dom::object eo;
  if (e.get_object().get(eo) || eo.size() != 1) throw Fallback{};
  auto& x = in.externalities;
  if (has(e, "dense")) {
    if (m * n * s * n * s > (std::size_t(1) << 31)) throw Fallback{};
    x.form = Externalities::Form::Dense;
    x.dense = tensor(field(e, "dense"), {m, n, s, n, s});
  } else if (has(e, "sparse")) {
    x.form = Externalities::Form::Sparse;
    simdjson::dom::array sp;
    if (field(e, "sparse").get_array().get(sp)) throw Fallback{};
    for (element row : sp) {
      simdjson::dom::array r;
      if (row.get_array().get(r) || r.size() != 6) throw Fallback{};
      Externalities::Entry en{};
      int* idx[] = {&en.theta, &en.i, &en.j, &en.p, &en.q};
      std::size_t k = 0;
      for (element v : r) {
        if (k < 5)
          *idx[k] = static_cast<int>(integer(v, INT32_MIN, INT32_MAX));
        else
          en.value = number(v);
        ++k;
      }
      x.sparse.push_back(en);
    }
  } else if (has(e, "factored")) {
    x.form = Externalities::Form::Factored;
    const element f = field(e, "factored");
    x.buyer = tensor(field(f, "buyer"), {m, n, n});
    x.seller = tensor(field(f, "seller"), {m, s, s});
  } else {
    throw Fallback{};
  }
}

/// `geometry`: exactly {region, x, y, population}, one entry per seller each.
void read_geometry(element e, Instance& in) {
  const std::size_t s = static_cast<std::size_t>(in.sellers);
  simdjson::dom::object g;
  if (e.get_object().get(g) || g.size() != 4) throw Fallback{};
  Geometry out;
  simdjson::dom::array region;
  if (field(e, "region").get_array().get(region) || region.size() != s) throw Fallback{};
  for (element x : region) out.region.push_back(static_cast<int>(integer(x, 0, INT32_MAX)));
  out.x = tensor(field(e, "x"), {s});
  out.y = tensor(field(e, "y"), {s});
  out.population = tensor(field(e, "population"), {s});
  in.geometry = std::move(out);
}

/// True when no object in `e` repeats a key. simdjson reads the first copy of a repeated key and
/// nlohmann the last; the checked path rejects such documents, so the fast path must not read them.
bool unique_keys(element e) {
  simdjson::dom::object obj;
  simdjson::dom::array arr;
  if (!e.get_object().get(obj)) {
    std::set<std::string_view> keys;
    for (auto field : obj)
      if (!keys.insert(field.key).second || !unique_keys(field.value)) return false;
  } else if (!e.get_array().get(arr)) {
    for (element x : arr)
      if ((x.is_object() || x.is_array()) && !unique_keys(x)) return false;
  }
  return true;
}

Instance read(element doc) {
  constexpr std::int64_t kMax = 1 << 30;
  Instance in;
  std::string_view fmt;
  if (field(doc, "format").get_string().get(fmt) || fmt != "ivassign/1") throw Fallback{};
  if (has(doc, "name")) {
    std::string_view name;
    if (field(doc, "name").get_string().get(name)) throw Fallback{};
    in.name = std::string(name);
  }
  in.states = static_cast<int>(integer(field(doc, "states"), 1, kMax));
  in.buyers = static_cast<int>(integer(field(doc, "buyers"), 1, kMax));
  in.sellers = static_cast<int>(integer(field(doc, "sellers"), 1, kMax));
  const std::size_t m = static_cast<std::size_t>(in.states), n = static_cast<std::size_t>(in.buyers),
                    s = static_cast<std::size_t>(in.sellers);
  simdjson::dom::array sig;
  if (field(doc, "signals").get_array().get(sig) || sig.size() != n) throw Fallback{};
  for (element x : sig) in.signals.push_back(static_cast<int>(integer(x, 1, kMax)));
  read_prior(field(doc, "prior"), in);
  in.valuations = tensor(field(doc, "valuations"), {m, n, s});
  in.costs = tensor(field(doc, "costs"), {m, n, s});
  if (has(doc, "externalities") && !field(doc, "externalities").is_null())
    read_externalities(field(doc, "externalities"), in);
  if (has(doc, "bound")) in.bound = number(field(doc, "bound"));
  if (has(doc, "observed")) {
    simdjson::dom::array obs;
    if (field(doc, "observed").get_array().get(obs) || obs.size() != n) throw Fallback{};
    for (element x : obs) in.observed.push_back(static_cast<int>(integer(x, INT32_MIN, INT32_MAX)));
  }
  if (has(doc, "geometry") && !field(doc, "geometry").is_null()) read_geometry(field(doc, "geometry"), in);
  return in;
}

}  // namespace

bool fast_reader_available() { return true; }

std::optional<Instance> read_instance_fast(const std::string& text) {
  try {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(text).get(doc)) return std::nullopt;
    if (!unique_keys(doc)) return std::nullopt;  // the checked path names the repeated key
    return read(doc);
  } catch (const Fallback&) {
    return std::nullopt;
  }
}

}  // namespace ivassign::io

#else

namespace ivassign::io {
bool fast_reader_available() { return false; }
std::optional<Instance> read_instance_fast(const std::string&) { return std::nullopt; }
}  // namespace ivassign::io

#endif
