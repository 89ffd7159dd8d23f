// Least-squares lines, the log-log slopes of the probes and the theories.
//
// Usage:
//   const LineFit fit = FitLogLog(lags, sigma);     // slope of log sigma on log lag, with SE
//   const double beta = -fit.slope;
//   if (auto slope = LogLogSlope(k, lambda)) ...;  // positive points only; nullopt if < 3
//
// WARNING: the two are different estimators on purpose (FitLine centres the data and gives a
// standard error; LogLogSlope skips non-positive points and gives none), and a probe's numbers
// are pinned to the one it uses: do not swap one for the other without re-measuring.
#pragma once

#include <optional>
#include <vector>

namespace scalebench::internal {

struct LineFit {
  double slope = 0.0;
  // OLS standard error of the slope, inflated by sqrt((1 + rho) / (1 - rho)) for the lag-1
  // autocorrelation rho of the residuals (clamped to [0, max_residual_correlation]); 0 with
  // 2 points.
  double std_error = 0.0;
};

// Least squares of y on x (same length, at least 2 points; 3 for a standard error).
LineFit FitLine(const std::vector<double>& x,
                const std::vector<double>& y,
                double max_residual_correlation = 0.9);

// FitLine of log y on log x (every x, y > 0).
LineFit FitLogLog(const std::vector<double>& x,
                  const std::vector<double>& y,
                  double max_residual_correlation = 0.9);

// Least-squares slope of log y on log x over the points with x, y > 0 (sums of logs, no
// centring); nullopt with fewer than 3 such points, no spread in x or a non-finite slope.
std::optional<double> LogLogSlope(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace scalebench::internal
