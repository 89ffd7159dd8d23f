#include "harness/learning_curve.h"

#include <fmt/format.h>

#include <cmath>

namespace scalebench {

double LearningCurve::MeanLoss(std::size_t i) const {
  double sum = 0.0;
  int n = 0;
  for (double v : values[i]) {
    if (std::isnan(v)) continue;
    sum += v;
    ++n;
  }
  return n > 0 ? sum / n : std::numeric_limits<double>::quiet_NaN();
}

double LearningCurve::GeometricMeanLoss(std::size_t i) const {
  double sum = 0.0;
  int n = 0;
  for (double v : values[i]) {
    if (std::isnan(v)) continue;
    if (v <= 0.0) return std::numeric_limits<double>::quiet_NaN();
    sum += std::log(v);
    ++n;
  }
  return n > 0 ? std::exp(sum / n) : std::numeric_limits<double>::quiet_NaN();
}

bool LearningCurve::IsValid(std::string* error) const {
  auto fail = [&](const std::string& msg) {
    if (error != nullptr) *error = msg;
    return false;
  };
  if (values.size() != sizes.size()) return fail("values has a row count different from sizes");
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    if (!(sizes[i] > 0.0) || !std::isfinite(sizes[i])) {
      return fail("size " + std::to_string(sizes[i]) + " is not a positive finite number");
    }
    if (i > 0 && !(sizes[i] > sizes[i - 1])) return fail("sizes are not strictly increasing");
    if (values[i].size() != seeds.size()) return fail("a row of values has the wrong seed count");
  }
  std::vector<std::vector<bool>> marked(sizes.size(), std::vector<bool>(seeds.size(), false));
  for (const MissingRun& run : missing) {
    if (run.size_index >= sizes.size() || run.seed_index >= seeds.size()) {
      return fail("a missing run is outside the grid");
    }
    if (run.reason.empty()) return fail("a missing run has no reason");
    marked[run.size_index][run.seed_index] = true;
  }
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    for (std::size_t j = 0; j < seeds.size(); ++j) {
      const double v = values[i][j];
      const std::string where = fmt::format("loss at size {}, seed {}", sizes[i], seeds[j]);
      if (marked[i][j]) {
        if (!std::isnan(v)) return fail(where + " is marked missing but has a value");
      } else if (std::isnan(v)) {
        return fail(where + " is NaN without a reason (not marked missing)");
      } else if (!std::isfinite(v) || v < 0.0) {
        return fail(fmt::format("{} = {} is not a finite non-negative number", where, v));
      }
    }
  }
  for (std::size_t d = 0; d < diagnostics.size(); ++d) {
    const CurveDiagnostic& diagnostic = diagnostics[d];
    if (diagnostic.name.empty()) return fail("diagnostic " + std::to_string(d) + " has no name");
    for (std::size_t e = 0; e < d; ++e) {
      if (diagnostics[e].name == diagnostic.name) {
        return fail("diagnostic '" + diagnostic.name + "' appears twice");
      }
    }
    if (diagnostic.values.size() != sizes.size()) {
      return fail("diagnostic '" + diagnostic.name + "' has a row count different from sizes");
    }
    for (const auto& row : diagnostic.values) {
      if (row.size() != seeds.size()) {
        return fail("a row of diagnostic '" + diagnostic.name + "' has the wrong seed count");
      }
    }
  }
  return true;
}

double CurveDiagnostic::Mean(std::size_t i) const {
  double sum = 0.0;
  int count = 0;
  for (double v : values[i]) {
    if (std::isfinite(v)) {
      sum += v;
      ++count;
    }
  }
  return count > 0 ? sum / count : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace scalebench
