// DEPRECATED: the helpers moved to common/status.h (Fail(error, message): note the order) and
// common/format.h (Fixed). This shim keeps the old Fail(message, error) for
// harness/targets/fashion_mnist.cc until the target kit rewrite moves it over; new code includes
// the common headers.
#pragma once

#include <string>

#include "common/format.h"
#include "common/status.h"

namespace scalebench::internal {

inline bool Fail(const std::string& message, std::string* error) {
  return Fail(error, message);
}

}  // namespace scalebench::internal
