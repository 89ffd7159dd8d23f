#include "common/statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace scalebench::internal {

double JackknifeError(const std::vector<double>& replicates) {
  const double g = static_cast<double>(replicates.size());
  if (g < 2) return std::numeric_limits<double>::quiet_NaN();
  const double mean = std::accumulate(replicates.begin(), replicates.end(), 0.0) / g;
  double sum = 0;
  for (double t : replicates) sum += (t - mean) * (t - mean);
  return std::sqrt((g - 1) / g * sum);
}

double Quantile(std::vector<double> values, double q) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const double pos = q * static_cast<double>(values.size() - 1);
  const std::size_t lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  const double frac = pos - static_cast<double>(lo);
  return values[lo] + frac * (values[hi] - values[lo]);
}

}  // namespace scalebench::internal
