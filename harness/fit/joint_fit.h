// The joint scaling form of Hoffmann et al. 2022 (Approach 3):
//   L(N, D) = E + A N^-a + B D^-b
// fitted on log-loss with a Huber loss (delta 1e-3, as in the paper and Besiroglu et al. 2024)
// through the log-sum-exp parametrisation log L = LSE(logA - a log N, logB - b log D, logE),
// multi-started from the paper's grid, with a bootstrap over points for 95% intervals.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "harness/fit/power_law_fit.h"

namespace scalebench {

struct JointPoint {
  double params = 0.0;  // N
  double data = 0.0;    // D
  double loss = 0.0;
};

struct JointFitOptions {
  double huber_delta = 1e-3;
  int bootstrap_resamples = 1000;
  double confidence = 0.95;
  std::uint64_t seed = 1;
  int threads = 1;
  bool IsValid(std::string* error) const;
};

struct JointFitSummary {
  FitStatus status = FitStatus::kFailed;
  std::string message = "FitJoint was not called.";
  double offset = std::numeric_limits<double>::quiet_NaN();            // E
  double params_amplitude = std::numeric_limits<double>::quiet_NaN();  // A
  double data_amplitude = std::numeric_limits<double>::quiet_NaN();    // B
  double params_exponent = std::numeric_limits<double>::quiet_NaN();   // a
  double data_exponent = std::numeric_limits<double>::quiet_NaN();     // b
  double confidence = 0.95;
  Interval offset_ci, params_exponent_ci, data_exponent_ci;
  int bootstrap_resamples = 0;
  int bootstrap_failures = 0;
  int num_points = 0;
  int starts = 0;
  double rms_log_residual = std::numeric_limits<double>::quiet_NaN();
  double seconds = 0.0;
  bool usable() const { return status == FitStatus::kConverged; }
  std::string BriefReport() const;
  std::string FullReport() const;
};

void FitJoint(const JointFitOptions& options,
              const std::vector<JointPoint>& points,
              JointFitSummary* summary);

}  // namespace scalebench
