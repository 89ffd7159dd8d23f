#include "theories/internal/interval.h"

#include <cmath>

namespace scalebench::internal {

Estimate WithInterval(double value, double std_error, double scale) {
  Estimate estimate;
  estimate.value = value;
  if (std_error > 0 && std::isfinite(std_error)) {
    estimate.lower = value - 1.96 * std::abs(scale) * std_error;
    estimate.upper = value + 1.96 * std::abs(scale) * std_error;
  }
  return estimate;
}

}  // namespace scalebench::internal
