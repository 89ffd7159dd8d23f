// Fitting scaling exponents to learning curves with Ceres.
//
// Forms (x = size on the curve's axis):
//   kOffsetPowerLaw: L(x) = E + A x^-alpha, E >= 0 (optionally fixed)
//   kPowerLaw:       L(x) = A x^-alpha
// Residuals are taken on log-loss, r = log L_obs - log L(x), under a Huber loss; the fit is
// multi-started over a grid of exponents. Uncertainty comes from a bootstrap over seeds: whole
// seeds (columns of the curve) are resampled with replacement and the curve refitted.
//
// Usage:
//   FitOptions options;               // defaults: offset power law, 1000 resamples, 95%
//   FitSummary summary;
//   FitCurve(options, curve, &summary);
//   if (summary.usable()) use(summary.exponent, summary.exponent_ci);
//   std::cout << summary.FullReport();
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "harness/learning_curve.h"

namespace scalebench {

enum class CurveForm { kOffsetPowerLaw, kPowerLaw };
const char* ToString(CurveForm form);
bool FromString(const std::string& name, CurveForm* out);

enum class FitStatus {
  kConverged,        // the fit converged and the exponent is identifiable
  kNotIdentifiable,  // converged, but the exponent is not pinned down (flat curve, E-alpha
                     // degeneracy, CI wider than the exponent itself, ...): see message
  kFailed,           // bad input or the solver failed: see message
};
const char* ToString(FitStatus status);

struct Interval {
  double lower = std::numeric_limits<double>::quiet_NaN();
  double upper = std::numeric_limits<double>::quiet_NaN();
  bool Contains(double x) const { return lower <= x && x <= upper; }
};

struct FitOptions {
  CurveForm form = CurveForm::kOffsetPowerLaw;
  // Fix E to this value (kOffsetPowerLaw only); unset: fitted with E >= 0.
  std::optional<double> fixed_offset;
  // Huber threshold on log-loss residuals. 0.1 = 10% deviations are treated as outliers beyond
  // it; small enough to resist one bad run, large enough to stay least squares for seed noise.
  double huber_delta = 0.1;
  // Bootstrap resamples over seeds for the confidence interval; 0 disables the bootstrap.
  int bootstrap_resamples = 1000;
  double confidence = 0.95;
  // Fit range: only sizes in [min_size, max_size] are used.
  double min_size = 0.0;
  double max_size = std::numeric_limits<double>::infinity();
  // Seed of the bootstrap resampling (the fit is deterministic given it).
  std::uint64_t seed = 1;
  // Threads for the bootstrap refits.
  int threads = 1;

  // Ceres-style validation: names the field, its value and the violated constraint.
  bool IsValid(std::string* error) const;
};

struct FitSummary {
  FitStatus status = FitStatus::kFailed;
  std::string message = "FitCurve was not called.";
  CurveForm form = CurveForm::kOffsetPowerLaw;
  bool offset_fixed = false;

  // Point estimates on the full data.
  double offset = std::numeric_limits<double>::quiet_NaN();     // E
  double amplitude = std::numeric_limits<double>::quiet_NaN();  // A
  double exponent = std::numeric_limits<double>::quiet_NaN();   // alpha

  // Bootstrap over seeds.
  double confidence = 0.95;
  Interval exponent_ci;
  Interval offset_ci;
  double exponent_std_error = std::numeric_limits<double>::quiet_NaN();
  int bootstrap_resamples = 0;  // requested
  int bootstrap_failures = 0;   // refits that did not converge (excluded)

  // Residual diagnostics on log-loss.
  double rms_log_residual = std::numeric_limits<double>::quiet_NaN();
  double max_abs_log_residual = std::numeric_limits<double>::quiet_NaN();
  // Lag-1 autocorrelation of residuals ordered by size: near 1 means systematic misfit (curvature
  // the form cannot follow), near 0 means noise.
  double residual_autocorrelation = std::numeric_limits<double>::quiet_NaN();

  // What was fitted.
  int num_sizes = 0;
  int num_seeds = 0;
  int num_points = 0;
  double fit_min_size = std::numeric_limits<double>::quiet_NaN();
  double fit_max_size = std::numeric_limits<double>::quiet_NaN();
  double huber_delta = 0.0;
  int starts = 0;                 // multi-start grid size
  int starts_at_best = 0;         // starts that reached the best objective (within 1e-6 rel.)
  double seconds = 0.0;           // wall time of the fit including the bootstrap

  bool usable() const { return status == FitStatus::kConverged; }
  std::string BriefReport() const;  // one line
  std::string FullReport() const;   // several lines
};

// Fits `curve` (NaN entries are skipped). Outputs by pointer so that a failed fit still returns
// its message and whatever was computed.
void FitCurve(const FitOptions& options, const LearningCurve& curve, FitSummary* summary);

}  // namespace scalebench
