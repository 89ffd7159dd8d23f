// Small helpers shared by datasets/ (probes, readers) and harness/ (learners, targets): not API
#pragma once

#include <cstdio>
#include <string>

namespace scalebench::internal {

// Sets *error (when given) and returns false, so that a failed check reads as one line:
//   if (n < 3) return Fail("needs at least 3 points", error);
inline bool Fail(const std::string& message, std::string* error) {
  if (error != nullptr) *error = message;
  return false;
}

// `value` with `digits` decimals, for method strings and messages.
inline std::string Fixed(double value, int digits = 3) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", digits, value);
  return buffer;
}

}  // namespace scalebench::internal
