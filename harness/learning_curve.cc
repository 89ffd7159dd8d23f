#include "harness/learning_curve.h"

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
    for (double v : values[i]) {
      if (std::isinf(v)) return fail("loss at size " + std::to_string(sizes[i]) + " is infinite");
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
