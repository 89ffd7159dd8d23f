#include "common/format.h"

#include <fmt/format.h>

namespace scalebench::internal {

std::string Fixed(double value, int digits) {
  return fmt::format("{:.{}f}", value, digits);
}

std::string Format(double value, int digits) {
  return fmt::format("{:.{}g}", value, digits);
}

std::string JoinFixed(const std::vector<double>& values, int digits) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i)
    out += (i > 0 ? ", " : "") + Fixed(values[i], digits);
  return out;
}

}  // namespace scalebench::internal
