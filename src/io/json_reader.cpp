#include "io/json_reader.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "ivassign/error.hpp"

namespace ivassign::io {

namespace {
const char* type_name(const nlohmann::json& v) { return v.type_name(); }

/// "line L, column C" of byte offset `end` (0-based) in text.
std::string line_column(const std::string& text, std::size_t end) {
  std::size_t line = 1, column = 1;
  end = std::min(end, text.size());
  for (std::size_t k = 0; k < end; ++k) {
    if (text[k] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

/// Offset of the first occurrence of the number literal `token` standing alone in text, or npos.
std::size_t find_number(const std::string& text, const std::string& token) {
  auto part_of_number = [](char c) {
    return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
  };
  for (std::size_t at = text.find(token); at != std::string::npos; at = text.find(token, at + 1)) {
    const bool starts = at == 0 || !part_of_number(text[at - 1]);
    const bool ends = at + token.size() >= text.size() || !part_of_number(text[at + token.size()]);
    if (starts && ends) return at;
  }
  return std::string::npos;
}
/// Rejects a key that appears twice in one object: JSON leaves the meaning open (nlohmann keeps the
/// last copy, simdjson's fast instance path the first), so such a document has no single reading.
class UniqueKeys {
 public:
  explicit UniqueKeys(const std::string& origin) : origin_(origin) {}
  bool operator()(int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    if (event == Event::object_start) {
      objects_.push_back({{}, objects_.empty() ? std::string() : objects_.back().last_key, std::string()});
    } else if (event == Event::object_end) {
      objects_.pop_back();
    } else if (event == Event::key && !objects_.empty()) {
      Object& o = objects_.back();
      o.last_key = parsed.get<std::string>();
      if (!o.keys.insert(o.last_key).second)
        throw InputError(origin_ + ": duplicate key \"" + o.last_key + "\" in " +
                         (o.parent.empty() ? std::string("the top-level object") : "the object under \"" + o.parent + "\"") +
                         ": a key may appear only once in an object");
    }
    return true;
  }

 private:
  struct Object {
    std::set<std::string> keys;
    std::string parent;
    std::string last_key;
  };
  std::string origin_;
  std::vector<Object> objects_;
};
}  // namespace

nlohmann::json parse_json(const std::string& text, const std::string& origin) {
  try {
    return nlohmann::json::parse(text, UniqueKeys(origin));
  } catch (const nlohmann::json::parse_error& e) {
    // byte is 1-based position of the offending character
    std::string reason = e.what();
    const auto pos = reason.find("parse error");
    if (pos != std::string::npos) reason = reason.substr(pos);
    throw InputError(origin + ": malformed JSON at " + line_column(text, e.byte == 0 ? 0 : e.byte - 1) + ": " +
                     reason);
  } catch (const nlohmann::json::out_of_range& e) {
    // 406: a number that overflows a double; the message quotes it, the position is found in the text
    const std::string what = e.what();
    const auto open = what.find('\''), close = what.rfind('\'');
    if (e.id == 406 && open != std::string::npos && close > open + 1) {
      const std::string token = what.substr(open + 1, close - open - 1);
      const std::size_t at = find_number(text, token);
      throw InputError(origin + ": number " + token + (at == std::string::npos ? "" : " at " + line_column(text, at)) +
                       " is out of the range of a double (every number must be finite)");
    }
    throw InputError(origin + ": malformed JSON: " + what);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(origin + ": malformed JSON: " + e.what());
  }
}

std::int64_t read_int(const nlohmann::json& v, const std::string& key, std::int64_t lo, std::int64_t hi) {
  std::int64_t x = 0;
  if (v.is_number_integer()) {
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
      throw InputError(key + ": integer too large");
    x = v.get<std::int64_t>();
  } else if (v.is_number_float()) {
    const double d = v.get<double>();
    if (!std::isfinite(d) || std::floor(d) != d || std::abs(d) > 9e15)
      throw InputError(key + ": " + v.dump() + " is not an integer");
    x = static_cast<std::int64_t>(d);
  } else {
    throw InputError(key + ": expected an integer, found " + type_name(v));
  }
  if (x < lo || x > hi)
    throw InputError(key + ": " + std::to_string(x) + " is out of range [" + std::to_string(lo) + ", " +
                     std::to_string(hi) + "]");
  return x;
}

double read_number(const nlohmann::json& v, const std::string& key) {
  if (!v.is_number()) throw InputError(key + ": expected a number, found " + type_name(v));
  const double d = v.get<double>();
  if (!std::isfinite(d)) throw InputError(key + ": " + v.dump() + " is not a finite number");
  return d;
}

const nlohmann::json& member(const nlohmann::json& obj, const std::string& name, const std::string& prefix) {
  auto it = obj.find(name);
  if (it == obj.end()) throw InputError(prefix + name + ": required key is missing");
  return *it;
}

namespace {
void read_level(const nlohmann::json& v, const std::string& key, const std::vector<std::size_t>& shape,
                const std::vector<std::string>& names, std::size_t level, std::vector<double>& out) {
  if (level == shape.size()) {
    out.push_back(read_number(v, key));
    return;
  }
  if (!v.is_array()) throw InputError(key + ": expected an array, found " + type_name(v));
  if (v.size() != shape[level])
    throw InputError(key + ": has " + std::to_string(v.size()) + " entries, expected " + names[level] + " = " +
                     std::to_string(shape[level]));
  for (std::size_t k = 0; k < v.size(); ++k)
    read_level(v[k], key + "[" + std::to_string(k) + "]", shape, names, level + 1, out);
}
/// True when `v` has exactly `shape` (array sizes only; the entries are read after). The document then
/// holds every entry, so reserving their product asks for no more memory than the text describes: a
/// size key of 2^30 over a short array must be an InputError, not an allocation of gigabytes.
bool has_shape(const nlohmann::json& v, const std::vector<std::size_t>& shape, std::size_t level) {
  if (level == shape.size()) return true;
  if (!v.is_array() || v.size() != shape[level]) return false;
  if (level + 1 < shape.size())
    for (const auto& x : v)
      if (!has_shape(x, shape, level + 1)) return false;
  return true;
}
}  // namespace

std::vector<double> read_tensor(const nlohmann::json& v, const std::string& key, const std::vector<std::size_t>& shape,
                                const std::vector<std::string>& dim_names) {
  std::size_t total = 1;
  for (auto d : shape) total *= d;
  std::vector<double> out;
  if (has_shape(v, shape, 0)) out.reserve(total);  // else read_level names the first wrong size
  read_level(v, key, shape, dim_names, 0, out);
  return out;
}

}  // namespace ivassign::io
