#include "harness/fit/internal_curve_problem.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace scalebench::internal {

void Aggregate(const LogCurve& curve, const std::vector<int>& counts, SizeData* data) {
  data->present = 0;
  for (std::size_t i = 0; i < curve.log_values.size(); ++i) {
    double sum = 0.0;
    int n = 0;
    for (std::size_t j = 0; j < counts.size(); ++j) {
      const double v = curve.log_values[i][j];
      if (counts[j] == 0 || std::isnan(v)) continue;
      sum += counts[j] * v;
      n += counts[j];
    }
    data->mean_log[i] = n > 0 ? sum / n : 0.0;
    data->weight[i] = n > 0 ? 1.0 : 0.0;
    data->present += n > 0 ? 1 : 0;
  }
}

std::string BuildLogCurve(const FitOptions& options, const LearningCurve& curve, LogCurve* out) {
  std::string error;
  if (!curve.IsValid(&error)) return "invalid curve: " + error;
  std::vector<bool> seed_used(curve.num_seeds(), false);
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < curve.num_sizes(); ++i) {
    const double x = curve.sizes[i];
    if (x < options.min_size || x > options.max_size) continue;
    bool any = false;
    for (std::size_t j = 0; j < curve.num_seeds(); ++j) {
      const double v = curve.values[i][j];
      if (std::isnan(v)) continue;
      if (!(v > 0.0)) {
        return fmt::format(
            "loss {:g} at size {:g}, seed {} is not positive; the fit is on log-loss",
            v,
            x,
            static_cast<unsigned long long>(curve.seeds[j]));
      }
      seed_used[j] = any = true;
    }
    if (any) rows.push_back(i);
  }
  double sum_log_x = 0.0;
  for (std::size_t i : rows) sum_log_x += std::log(curve.sizes[i]);
  out->log_x0 = rows.empty() ? 0.0 : sum_log_x / rows.size();
  for (std::size_t i : rows) {
    out->sizes.push_back(curve.sizes[i]);
    out->u.push_back(std::log(curve.sizes[i]) - out->log_x0);
    std::vector<double> row;
    for (std::size_t j = 0; j < curve.num_seeds(); ++j) {
      if (!seed_used[j]) continue;
      const double v = curve.values[i][j];
      row.push_back(std::isnan(v) ? std::numeric_limits<double>::quiet_NaN() : std::log(v));
      out->num_points += std::isnan(v) ? 0 : 1;
    }
    out->log_values.push_back(std::move(row));
  }
  return {};
}

}  // namespace scalebench::internal
