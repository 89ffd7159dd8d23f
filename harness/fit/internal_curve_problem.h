// The curve fit's least-squares problem (harness/fit/power_law_fit.cc): the curve in log space,
// the per-size data a bootstrap refit overwrites, and the Ceres problem over (E, c, alpha) whose
// residuals read them through pointers. Not part of the public API.
#pragma once

#include <string>
#include <vector>

#include "harness/fit/internal_bootstrap.h"
#include "harness/fit/internal_fit_util.h"
#include "harness/fit/power_law_fit.h"

namespace scalebench::internal {

// The curve restricted to the fit range, in log space.
struct LogCurve {
  std::vector<double> sizes;  // sizes with at least one run in range
  std::vector<double> u;      // log(size) - log_x0
  double log_x0 = 0.0;
  std::vector<std::vector<double>> log_values;  // [size][seed column], NaN = missing
  int num_points = 0;
  int num_seeds() const { return log_values.empty() ? 0 : int(log_values[0].size()); }
};

// Per-size data that a CurveProblem's residuals read through pointers, so that
// a refit on a bootstrap resample only overwrites these numbers.
struct SizeData {
  std::vector<double> mean_log;  // mean log-loss over the (resampled) seeds present
  std::vector<double> weight;    // 1 if the size has a run in the resample, 0 otherwise
  int present = 0;
};

struct Params {
  double offset = 0.0;     // E
  double log_scale = 0.0;  // c: log of the power-law term at x0
  double exponent = 0.0;   // alpha
};

// r = mean log L_obs - log(E + exp(c - alpha u)), analytic derivatives in (E,
// c, alpha).
class LogResidual final : public ceres::SizedCostFunction<1, 1, 1, 1> {
 public:
  LogResidual(double u, const double* mean_log, const double* weight)
      : u_(u), mean_log_(mean_log), weight_(weight) {}

  bool Evaluate(double const* const* parameters,
                double* residuals,
                double** jacobians) const override {
    if (*weight_ == 0.0) return Zero(residuals, jacobians);
    const double p = std::exp(parameters[1][0] - parameters[2][0] * u_);
    const double m = parameters[0][0] + p;
    if (!(m > 0.0) || !std::isfinite(m)) return false;  // Ceres rejects the step
    residuals[0] = *mean_log_ - std::log(m);
    if (jacobians != nullptr) {
      if (jacobians[0] != nullptr) jacobians[0][0] = -1.0 / m;
      if (jacobians[1] != nullptr) jacobians[1][0] = -p / m;
      if (jacobians[2] != nullptr) jacobians[2][0] = p * u_ / m;
    }
    return true;
  }

 private:
  static bool Zero(double* residuals, double** jacobians) {
    residuals[0] = 0.0;
    if (jacobians != nullptr) {
      for (int k = 0; k < 3; ++k) {
        if (jacobians[k] != nullptr) jacobians[k][0] = 0.0;
      }
    }
    return true;
  }

  const double u_;
  const double* mean_log_;
  const double* weight_;
};

// The problem over (E, c, alpha): one LogResidual per size, reading the (resampled) means.
class CurveProblem final : public ReusableProblem<Params> {
 public:
  CurveProblem(const LogCurve& curve, const FitOptions& options) {
    const std::size_t n = curve.u.size();
    data_.mean_log.assign(n, 0.0);
    data_.weight.assign(n, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      problem_.AddResidualBlock(new LogResidual(curve.u[i], &data_.mean_log[i], &data_.weight[i]),
                                new WeightedHuberLoss(options.huber_delta, &data_.weight[i]),
                                &params_.offset,
                                &params_.log_scale,
                                &params_.exponent);
    }
    problem_.SetParameterLowerBound(&params_.exponent, 0, kMinExponent);
    problem_.SetParameterUpperBound(&params_.exponent, 0, kMaxExponent);
    offset_free_ = options.form == CurveForm::kOffsetPowerLaw && !options.fixed_offset.has_value();
    if (offset_free_) {
      problem_.SetParameterLowerBound(&params_.offset, 0, 0.0);
    } else {
      problem_.SetParameterBlockConstant(&params_.offset);
    }
  }

  SizeData& data() { return data_; }
  // Whether E is a fitted parameter (offset power law without a fixed E).
  bool offset_free() const { return offset_free_; }
  // Holds alpha (or a free E) at its start value in the next solves, or frees it again: the
  // profile likelihood (internal_profile_interval.h) minimises over the other parameters.
  void HoldExponent(bool hold) { Hold(&params_.exponent, hold); }
  void HoldOffset(bool hold) {
    if (offset_free_) Hold(&params_.offset, hold);
  }

 private:
  void Hold(double* block, bool hold) {
    if (hold) {
      problem_.SetParameterBlockConstant(block);
    } else {
      problem_.SetParameterBlockVariable(block);
    }
  }

  SizeData data_;
  bool offset_free_ = false;
};

// Means of log-loss per size over the seed columns, each counted `counts[j]` times.
void Aggregate(const LogCurve& curve, const std::vector<int>& counts, SizeData* data);
// Restricts to the fit range, drops empty sizes and seeds, takes logs. Empty string: success.
std::string BuildLogCurve(const FitOptions& options, const LearningCurve& curve, LogCurve* out);

}  // namespace scalebench::internal
