// The text of error messages (src/common/format.hpp).
#include "common/format.hpp"

#include <sstream>

namespace ivassign {

std::string num(double v) {
  std::ostringstream ss;
  ss.precision(17);
  ss << v;
  return ss.str();
}

std::string idx(const std::string& key, std::uint64_t k) { return key + "[" + std::to_string(k) + "]"; }

}  // namespace ivassign
