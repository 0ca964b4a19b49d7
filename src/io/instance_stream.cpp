// The streaming reader of large `ivassign/1` files (io/instance_stream.hpp): a SAX handler routes each
// value by its key path, collecting nested arrays of numbers flat with their extent per level; after
// the document, the extents are checked against the sizes and the instance is assembled. Any
// surprise returns nullopt (the checked reader then names it), so it accepts exactly what the checked
// reader accepts, and validate() checks the value rules on the result either way.
#include "io/instance_stream.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>
#include <vector>

#include <nlohmann/json.hpp>

namespace ivassign::io {

namespace {

using nlohmann::json;

/// A nested array of numbers, row-major, with its extent per level.
struct Tensor {
  bool present = false;
  std::vector<double> data;
  std::vector<std::size_t> extent;
  std::size_t leaf = 0;  ///< the level that holds the numbers
  bool has_shape(const std::vector<std::size_t>& shape) const {
    return present && extent == shape && leaf + 1 == shape.size();
  }
};

/// Where the events of one value go while it is open.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual bool start_array() = 0;
  virtual bool end_array() = 0;
  virtual bool number(double v) = 0;
  virtual bool start_object() { return false; }
  virtual bool end_object() { return false; }
  virtual bool key(const std::string&) { return false; }
  virtual bool other() { return false; }  ///< a string, boolean or null
  virtual bool done() const = 0;
};

constexpr std::size_t kUnset = SIZE_MAX;

/// Collects one tensor: every array at a level has that level's extent, numbers only at the deepest.
class TensorSink final : public Sink {
 public:
  TensorSink(Tensor& out, std::size_t reserve) : out_(out) {
    out_ = Tensor{};
    out_.present = true;
    out_.data.reserve(reserve);
  }
  bool start_array() override {
    const std::size_t level = open_.size();
    if (has_leaf_ && level > out_.leaf) return false;  // an array among numbers
    if (!open_.empty()) ++open_.back();
    open_.push_back(0);
    deepest_ = std::max(deepest_, level);
    return true;
  }
  bool number(double v) override {
    if (open_.empty() || !std::isfinite(v)) return false;
    const std::size_t level = open_.size() - 1;
    if (level < deepest_) return false;  // a number among arrays
    if (!has_leaf_) out_.leaf = level, has_leaf_ = true;
    if (level != out_.leaf) return false;
    ++open_.back();
    out_.data.push_back(v);
    return true;
  }
  bool end_array() override {
    const std::size_t level = open_.size() - 1;
    if (out_.extent.size() <= level) out_.extent.resize(level + 1, kUnset);
    if (out_.extent[level] == kUnset) out_.extent[level] = open_.back();
    if (out_.extent[level] != open_.back()) return false;  // ragged
    open_.pop_back();
    return true;
  }
  bool done() const override { return open_.empty(); }

 private:
  Tensor& out_;
  std::vector<std::size_t> open_;  // elements so far in each open array
  std::size_t deepest_ = 0;
  bool has_leaf_ = false;
};

/// An array of tensors (prior.q_per_buyer: one [m][K_i] per buyer).
class TensorListSink final : public Sink {
 public:
  explicit TensorListSink(std::vector<Tensor>& out) : out_(out) { out_.clear(); }
  bool start_array() override {
    if (!open_) return open_ = true;
    if (!current_) {
      out_.emplace_back();
      current_ = std::make_unique<TensorSink>(out_.back(), 0);
    }
    return current_->start_array();
  }
  bool end_array() override {
    if (!current_) {
      closed_ = true;
      return true;
    }
    const bool ok = current_->end_array();
    if (current_->done()) current_.reset();
    return ok;
  }
  bool number(double v) override { return current_ && current_->number(v); }
  bool done() const override { return closed_; }

 private:
  std::vector<Tensor>& out_;
  std::unique_ptr<TensorSink> current_;
  bool open_ = false, closed_ = false;
};

/// Consumes a value under a top-level key the format does not define (the checked reader ignores it,
/// but rejects a repeated key anywhere, so the keys of its objects are checked too).
class SkipSink final : public Sink {
 public:
  bool start_array() override { return open_.emplace_back(), true; }
  bool end_array() override { return open_.pop_back(), true; }
  bool number(double) override { return true; }
  bool start_object() override { return open_.emplace_back(), true; }
  bool end_object() override { return open_.pop_back(), true; }
  bool key(const std::string& k) override { return open_.back().keys.insert(k).second; }
  bool other() override { return true; }
  bool done() const override { return open_.empty(); }

 private:
  struct Level {
    std::set<std::string> keys;  ///< an object's keys so far (none for an array)
  };
  std::vector<Level> open_;
};

/// Everything the document gave, before the shapes are checked.
struct Collected {
  std::string format, name;
  bool has_name = false, has_bound = false, externalities_object = false, geometry_object = false;
  double states = 0, buyers = 0, sellers = 0, bound = 0;
  Tensor signals, observed, valuations, costs, joint, lambda, q, dense, sparse, buyer, seller;
  Tensor region, x, y, population;  ///< geometry
  std::vector<Tensor> q_per_buyer;
  bool has_q_per_buyer = false;
  std::set<std::string> prior_keys, externality_keys;
};

bool is_top_level_key(const std::string& k) {
  static const std::set<std::string> keys = {"format", "name", "states", "buyers", "sellers", "signals", "prior",
                                             "valuations", "costs", "externalities", "bound", "observed", "geometry"};
  return keys.count(k) != 0;
}

/// The SAX handler: open objects as a path of keys, one sink for the open array value.
class Reader final : public nlohmann::json_sax<json> {
 public:
  Reader(Collected& c, std::size_t max_entries) : c_(c), max_entries_(max_entries) {}

  bool null() override { return scalar_other(true); }
  bool boolean(bool) override { return scalar_other(false); }
  bool number_integer(number_integer_t v) override { return scalar(static_cast<double>(v)); }
  bool number_unsigned(number_unsigned_t v) override { return scalar(static_cast<double>(v)); }
  bool number_float(number_float_t v, const string_t&) override { return scalar(v); }
  bool string(string_t& v) override {
    if (sink_) return forward(sink_->other());
    const std::string p = path();
    if (p == "format") return c_.format = v, true;
    if (p == "name") return c_.name = v, c_.has_name = true;
    return unknown_top_level();
  }
  bool binary(binary_t&) override { return false; }
  bool start_object(std::size_t) override {
    if (sink_) return forward(sink_->start_object());
    const std::string p = objects_.empty() ? "" : path();
    if (objects_.empty() || p == "prior" || p == "externalities" || p == "externalities.factored" || p == "geometry") {
      if (p == "externalities") c_.externalities_object = true;
      if (p == "geometry") c_.geometry_object = true;
      objects_.emplace_back();
      return true;
    }
    return open_sink_if_unknown(std::make_unique<SkipSink>()) && sink_->start_object();
  }
  bool key(string_t& k) override {
    if (sink_) return forward(sink_->key(k));
    Frame& f = objects_.back();
    if (!f.seen.insert(k).second) return false;  // a repeated key: the checked reader names it
    f.key = k;
    const std::string p = objects_.size() == 1 ? "" : parent_path();
    if (p == "prior") return c_.prior_keys.insert(k), k == "joint" || k == "lambda" || k == "q" || k == "q_per_buyer";
    if (p == "externalities") return c_.externality_keys.insert(k), k == "dense" || k == "sparse" || k == "factored";
    if (p == "externalities.factored") return k == "buyer" || k == "seller";
    if (p == "geometry") return k == "region" || k == "x" || k == "y" || k == "population";
    return true;
  }
  bool end_object() override {
    if (sink_) return forward(sink_->end_object());
    objects_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override {
    if (sink_) return forward(sink_->start_array());
    if (!open_array_sink()) return false;
    return sink_->start_array();
  }
  bool end_array() override { return sink_ && forward(sink_->end_array()); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  struct Frame {
    std::string key;
    std::set<std::string> seen;
  };

  /// The keys of the open objects below the root, dot-joined ("externalities.factored.seller").
  std::string path() const {
    std::string p;
    for (std::size_t k = 0; k < objects_.size(); ++k) p += (k ? "." : "") + objects_[k].key;
    return p;
  }
  std::string parent_path() const {
    std::string p;
    for (std::size_t k = 0; k + 1 < objects_.size(); ++k) p += (k ? "." : "") + objects_[k].key;
    return p;
  }
  bool forward(bool ok) {
    if (ok && sink_->done()) sink_.reset();
    return ok;
  }
  bool unknown_top_level() const { return objects_.size() == 1 && !is_top_level_key(objects_[0].key); }
  bool open_sink_if_unknown(std::unique_ptr<Sink> s) {
    if (!unknown_top_level()) return false;
    sink_ = std::move(s);
    return true;
  }
  bool scalar(double v);
  bool scalar_other(bool is_null);
  bool open_array_sink();
  std::size_t expected(std::initializer_list<double> dims) const;

  Collected& c_;
  std::size_t max_entries_;
  std::vector<Frame> objects_;
  std::unique_ptr<Sink> sink_;
};

bool Reader::scalar(double v) {
  if (sink_) return forward(sink_->number(v));
  if (objects_.empty() || !std::isfinite(v)) return false;
  const std::string p = path();
  if (p == "states") return c_.states = v, true;
  if (p == "buyers") return c_.buyers = v, true;
  if (p == "sellers") return c_.sellers = v, true;
  if (p == "bound") return c_.bound = v, c_.has_bound = true;
  return unknown_top_level();
}

bool Reader::scalar_other(bool is_null) {
  if (sink_) return forward(sink_->other());
  if (objects_.empty()) return false;
  if (is_null && (path() == "externalities" || path() == "geometry")) return true;  // null: none
  return unknown_top_level();
}

/// Entries a tensor of these extents holds, when the sizes are known (to reserve), at most what the file can hold.
std::size_t Reader::expected(std::initializer_list<double> dims) const {
  double total = 1;
  for (double d : dims) total *= d;
  if (!(total >= 1)) return 0;
  return static_cast<std::size_t>(std::min(total, static_cast<double>(max_entries_)));
}

bool Reader::open_array_sink() {
  if (objects_.empty()) return false;
  const std::string p = path();
  const double m = c_.states, n = c_.buyers, s = c_.sellers;
  Tensor* target = nullptr;
  std::size_t reserve = 0;
  if (p == "signals") target = &c_.signals, reserve = expected({n});
  else if (p == "observed") target = &c_.observed, reserve = expected({n});
  else if (p == "valuations") target = &c_.valuations, reserve = expected({m, n, s});
  else if (p == "costs") target = &c_.costs, reserve = expected({m, n, s});
  else if (p == "prior.joint") target = &c_.joint;
  else if (p == "prior.lambda") target = &c_.lambda, reserve = expected({m});
  else if (p == "prior.q") target = &c_.q;
  else if (p == "externalities.dense") target = &c_.dense, reserve = expected({m, n, s, n, s});
  else if (p == "externalities.sparse") target = &c_.sparse;
  else if (p == "externalities.factored.buyer") target = &c_.buyer, reserve = expected({m, n, n});
  else if (p == "externalities.factored.seller") target = &c_.seller, reserve = expected({m, s, s});
  else if (p == "geometry.region") target = &c_.region, reserve = expected({s});
  else if (p == "geometry.x") target = &c_.x, reserve = expected({s});
  else if (p == "geometry.y") target = &c_.y, reserve = expected({s});
  else if (p == "geometry.population") target = &c_.population, reserve = expected({s});
  if (target != nullptr) {
    sink_ = std::make_unique<TensorSink>(*target, reserve);
    return true;
  }
  if (p == "prior.q_per_buyer") {
    c_.has_q_per_buyer = true;
    sink_ = std::make_unique<TensorListSink>(c_.q_per_buyer);
    return true;
  }
  return open_sink_if_unknown(std::make_unique<SkipSink>());
}

constexpr double kMaxSize = 1 << 30;

bool is_int(double v, double lo, double hi) { return std::floor(v) == v && v >= lo && v <= hi; }

/// The integers of a one-level tensor of n entries in [lo, hi].
bool integers(const Tensor& t, std::size_t n, double lo, double hi, std::vector<int>& out) {
  if (!t.has_shape({n})) return false;
  for (double v : t.data) {
    if (!is_int(v, lo, hi)) return false;
    out.push_back(static_cast<int>(v));
  }
  return true;
}

bool assemble_prior(Collected& c, Instance& in) {
  const std::size_t m = static_cast<std::size_t>(in.states), n = static_cast<std::size_t>(in.buyers);
  const std::set<std::string> joint_only = {"joint"}, symmetric = {"lambda", "q"}, per_buyer = {"lambda", "q_per_buyer"};
  if (c.prior_keys == joint_only) {
    const std::uint64_t profiles = in.profile_count_saturated();
    if (profiles == UINT64_MAX || profiles > (std::uint64_t(1) << 40) / m || !c.joint.has_shape({m * profiles}))
      return false;
    in.prior.form = Prior::Form::Joint;
    in.prior.joint = std::move(c.joint.data);
    return true;
  }
  if (!c.lambda.has_shape({m})) return false;
  in.prior.lambda = std::move(c.lambda.data);
  if (c.prior_keys == symmetric) {
    const auto K = static_cast<std::size_t>(in.signals[0]);
    for (std::size_t i = 1; i < n; ++i)
      if (in.signals[i] != in.signals[0]) return false;
    if (!c.q.has_shape({m, K})) return false;
    in.prior.form = Prior::Form::Symmetric;
    in.prior.q.assign(n, c.q.data);
    return true;
  }
  if (c.prior_keys != per_buyer || c.q_per_buyer.size() != n) return false;
  in.prior.form = Prior::Form::PerBuyer;
  for (std::size_t i = 0; i < n; ++i) {
    if (!c.q_per_buyer[i].has_shape({m, static_cast<std::size_t>(in.signals[i])})) return false;
    in.prior.q.push_back(std::move(c.q_per_buyer[i].data));
  }
  return true;
}

bool assemble_sparse(const Tensor& t, Externalities& x) {
  if (!t.present || t.data.empty() || !t.has_shape({t.data.size() / 6, 6})) return false;
  x.form = Externalities::Form::Sparse;
  x.sparse.reserve(t.data.size() / 6);
  for (std::size_t k = 0; k < t.data.size(); k += 6) {
    Externalities::Entry en{};
    int* idx[] = {&en.theta, &en.i, &en.j, &en.p, &en.q};
    for (std::size_t f = 0; f < 5; ++f) {
      if (!is_int(t.data[k + f], INT32_MIN, INT32_MAX)) return false;
      *idx[f] = static_cast<int>(t.data[k + f]);
    }
    en.value = t.data[k + 5];
    x.sparse.push_back(en);
  }
  return true;
}

bool assemble_externalities(Collected& c, Instance& in) {
  const std::size_t m = static_cast<std::size_t>(in.states), n = static_cast<std::size_t>(in.buyers),
                    s = static_cast<std::size_t>(in.sellers);
  if (!c.externalities_object) return true;  // absent, or null
  if (c.externality_keys.size() != 1) return false;
  auto& x = in.externalities;
  const std::string form = *c.externality_keys.begin();
  if (form == "dense") {
    if (m * n * s * n * s > (std::size_t(1) << 31) || !c.dense.has_shape({m, n, s, n, s})) return false;
    x.form = Externalities::Form::Dense;
    x.dense = std::move(c.dense.data);
    return true;
  }
  if (form == "sparse") return assemble_sparse(c.sparse, x);
  if (!c.buyer.has_shape({m, n, n}) || !c.seller.has_shape({m, s, s})) return false;
  x.form = Externalities::Form::Factored;
  x.buyer = std::move(c.buyer.data);
  x.seller = std::move(c.seller.data);
  return true;
}

/// `geometry` when the document has the object: all four arrays of s entries, regions integers >= 0.
bool assemble_geometry(Collected& c, Instance& in) {
  if (!c.geometry_object) return true;
  const std::size_t s = static_cast<std::size_t>(in.sellers);
  Geometry g;
  if (!integers(c.region, s, 0, INT32_MAX, g.region)) return false;
  if (!c.x.has_shape({s}) || !c.y.has_shape({s}) || !c.population.has_shape({s})) return false;
  g.x = std::move(c.x.data);
  g.y = std::move(c.y.data);
  g.population = std::move(c.population.data);
  in.geometry = std::move(g);
  return true;
}

std::optional<Instance> assemble(Collected& c) {
  Instance in;
  if (c.format != "ivassign/1") return std::nullopt;
  if (!is_int(c.states, 1, kMaxSize) || !is_int(c.buyers, 1, kMaxSize) || !is_int(c.sellers, 1, kMaxSize))
    return std::nullopt;
  in.name = c.name;
  in.states = static_cast<int>(c.states);
  in.buyers = static_cast<int>(c.buyers);
  in.sellers = static_cast<int>(c.sellers);
  const std::size_t m = static_cast<std::size_t>(in.states), n = static_cast<std::size_t>(in.buyers),
                    s = static_cast<std::size_t>(in.sellers);
  if (!integers(c.signals, n, 1, kMaxSize, in.signals) || !assemble_prior(c, in)) return std::nullopt;
  if (!c.valuations.has_shape({m, n, s}) || !c.costs.has_shape({m, n, s})) return std::nullopt;
  in.valuations = std::move(c.valuations.data);
  in.costs = std::move(c.costs.data);
  if (!assemble_externalities(c, in)) return std::nullopt;
  if (c.has_bound) in.bound = c.bound;
  if (c.observed.present && !integers(c.observed, n, INT32_MIN, INT32_MAX, in.observed)) return std::nullopt;
  if (!assemble_geometry(c, in)) return std::nullopt;
  return in;
}

}  // namespace

std::optional<Instance> read_instance_stream(const std::string& path) {
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(path, ec);
  if (ec) return std::nullopt;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) return std::nullopt;
  Collected collected;
  Reader reader(collected, static_cast<std::size_t>(bytes / 2 + 1));  // a number and its separator: 2 bytes at least
  try {
    if (!json::sax_parse(file.get(), &reader)) return std::nullopt;
  } catch (const std::exception&) {  // the checked reader reports what went wrong
    return std::nullopt;
  }
  return assemble(collected);
}

}  // namespace ivassign::io
