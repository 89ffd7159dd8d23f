// Fail(error, message): the one way to return false with a message. Shared by every tree
// (datasets/, harness/, theories/); includes nothing of the project.
//
// Usage:
//   if (n < 3) return Fail(error, "needs at least 3 points, got " + std::to_string(n));
#pragma once

#include <string>
#include <utility>

namespace scalebench::internal {

// Sets *error (when not null) to `message` and returns false, so that a failed check reads as
// one line.
inline bool Fail(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return false;
}

}  // namespace scalebench::internal
