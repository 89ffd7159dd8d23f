// Fitting scaling exponents to learning curves with Ceres.
//
// Forms (x = size on the curve's axis):
//   kOffsetPowerLaw: L(x) = E + A x^-alpha, E >= 0 (optionally fixed)
//   kPowerLaw:       L(x) = A x^-alpha
// Residuals are taken on log-loss, r = log L_obs - log L(x), under a Huber loss; the fit is
// multi-started over a grid of exponents. Uncertainty comes from a bootstrap over seeds: whole
// seeds (columns of the curve) are resampled with replacement and the curve refitted.
//
// Method, pinned down (every choice is recorded in the summary):
// - What is fitted: one residual per size, on the mean of log-loss over the seeds present at that
//   size (the log of the geometric mean). Every size weighs the same whatever its number of runs,
//   and a bootstrap resample of seeds changes exactly these means. NaN entries (missing runs) are
//   skipped; non-positive losses make the fit fail (log-loss is undefined).
// - Parametrisation: E, c, alpha with L(x) = E + exp(c - alpha (log x - log x0)), where x0 is the
//   geometric mean of the fitted sizes; A = exp(c + alpha log x0) is reported. Centring removes
//   the A-alpha correlation that otherwise makes the problem ill-conditioned. alpha is bounded to
//   [0, 10] and E >= 0.
// - Multi-start: alpha in {0.1, 0.25, 0.5, 1, 2, 4} x E in {0, .25, .5, .75, .9} x the smallest
//   (geometric-mean) loss (E fixed or absent: the alpha grid only); c starts at its least-squares
//   value given (E, alpha). Ceres LM with analytic derivatives from each start; the lowest
//   converged objective wins.
// - Interval: bootstrap refits (warm-started from the point estimate, relative tolerances 1e-8)
//   give a standard error se of alpha over resamples. With S seeds the bootstrap variance is
//   biased low by (S-1)/S and the standard error itself is uncertain with ~S-1 degrees of
//   freedom, so a plain bootstrap interval (percentile, or alpha_hat +- z se) under-covers at
//   S = 5 (the validation test measures 87% for a nominal 95% with alpha_hat +- z se). The
//   interval is therefore
//     alpha_hat +- t_{S-1}((1 + confidence) / 2) * sqrt(S / (S - 1)) * se,
//   a normal-theory interval with the small-sample corrections; the same for E (lower end
//   clipped at 0). exponent_std_error is the corrected sqrt(S / (S - 1)) * se. It is
//   conservative when the fit is nearly linear in alpha (validation: 95.5% and 98.5% coverage).
// - One run per size (a single seed column): the profile-likelihood (profile-t) interval of
//   harness/fit/internal_profile_interval.h, which needs no seeds: every alpha whose profile
//   objective (E, c re-fitted) stays within t_{n-p}((1 + confidence) / 2)^2 residual variances of
//   the minimum, n sizes, p = 3 fitted parameters with a free E, else 2; the same for E.
//   exponent_std_error = (upper - lower) / (2 t_{n-p}). Needs n > p; an end that reaches the
//   search bound of alpha makes the fit kNotIdentifiable. Validation (tests/fit/
//   single_run_interval_test.cc, 400 replicates per row, 6 sizes over [1e3, 1e5], log-normal
//   noise): coverage 95.0-95.5% for offset power laws (1% and 3% noise; also with a large E,
//   where most fits are not identifiable) and pure power laws (1%, 3%); the median half-width is
//   0.80-0.94x t_{n-p} times the spread of alpha_hat over the replicates.
//   bootstrap_resamples does not apply (nothing is resampled).
// - Seed bootstrap with bootstrap_resamples = 0: no interval (NaN) but the point estimate stands:
//   status kConverged, and the message says why the interval is missing. interval_method names
//   where the interval came from (seed_bootstrap, profile_likelihood or none).
// - kNotIdentifiable when: the log-loss drop across the range is below 3 sqrt(2) times the
//   standard error of a size's mean log-loss (flat curve); alpha ends within 1e-3 of a bound of
//   [0, 10] (with a free E near the smallest loss this is the E-alpha degeneracy); the interval is
//   wider than alpha itself; a profile-likelihood interval runs to a bound of alpha; or more than
//   half of the bootstrap refits fail. A not-identifiable fit carries a diagnosis (which parameter
//   is degenerate, the size range needed, alternative fits: harness/fit/fit_diagnosis.h).
// - kFailed: invalid options or curve, fewer than 3 sizes with data in the fit range,
//   non-positive losses, or no start converged.
// - Determinism: resample r draws from std::mt19937_64 seeded by a SplitMix64 mix of
//   (options.bootstrap.seed, r), and refits start from the point estimate, so the summary
//   (except `seconds`) is identical for any options.bootstrap.threads.
//
// Usage:
//   FitOptions options;               // defaults: offset power law, 1000 resamples, 95%
//   options.bootstrap.threads = 4;
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

#include "harness/fit/fit_diagnosis.h"
#include "harness/fit/fit_types.h"
#include "harness/learning_curve.h"

namespace scalebench {

struct FitOptions {
  CurveForm form = CurveForm::kOffsetPowerLaw;
  // Fix E to this value (kOffsetPowerLaw only); unset: fitted with E >= 0.
  std::optional<double> fixed_offset;
  // Huber threshold on log-loss residuals. 0.1 = 10% deviations are treated as outliers beyond
  // it; small enough to resist one bad run, large enough to stay least squares for seed noise.
  double huber_delta = 0.1;
  // Fit range: only sizes in [min_size, max_size] are used.
  double min_size = 0.0;
  double max_size = std::numeric_limits<double>::infinity();
  // Resamples of whole seeds for the confidence interval (its confidence also sets the profile
  // interval's of a one-run curve).
  BootstrapOptions bootstrap;
  // Fill FitSummary::diagnosis when the fit is not identifiable (the alternative fits that the
  // diagnosis runs turn it off).
  bool diagnose = true;

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

  // The interval: bootstrap over seeds, or the profile likelihood of a one-run curve.
  double confidence = 0.95;
  IntervalMethod interval_method = IntervalMethod::kNone;
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
  double fit_min_size = std::numeric_limits<double>::quiet_NaN();       // smallest size used
  double fit_max_size = std::numeric_limits<double>::quiet_NaN();       // largest size used
  double requested_min_size = 0.0;                                      // options.min_size
  double requested_max_size = std::numeric_limits<double>::infinity();  // options.max_size
  double huber_delta = 0.0;
  // Flatness check: mean log-loss at the smallest minus at the largest fitted size, and the
  // standard error of one size's mean log-loss (pooled over sizes; the fit's rms residual with
  // a single seed) it is compared with.
  double log_loss_drop = std::numeric_limits<double>::quiet_NaN();
  double log_loss_noise = std::numeric_limits<double>::quiet_NaN();
  double offset_std_error = std::numeric_limits<double>::quiet_NaN();  // corrected, as exponent's
  int starts = 0;                                                      // multi-start grid size
  int starts_at_best = 0;  // starts that reached the best objective (within 1e-6 rel.)
  double seconds = 0.0;    // wall time of the fit including the bootstrap and the diagnosis
  // kNotIdentifiable: what is degenerate, the range needed, the alternative fits tried.
  FitDiagnosis diagnosis;

  bool usable() const { return status == FitStatus::kConverged; }
  std::string BriefReport() const;  // one line
  std::string FullReport() const;   // several lines

  // Every field above, by name, in declaration order: visit(name, value) with value a bool, int,
  // double, std::string, const char* (the enums, by ToString), Interval or FitDiagnosis. The one
  // field list of the summary's serialisations (harness/report/json_convert.cc): a field added to
  // the struct is added here.
  template <typename Visitor>
  void VisitFields(Visitor&& visit) const {
    visit("status", ToString(status));
    visit("message", message);
    visit("form", ToString(form));
    visit("offset_fixed", offset_fixed);
    visit("offset", offset);
    visit("amplitude", amplitude);
    visit("exponent", exponent);
    visit("confidence", confidence);
    visit("interval_method", ToString(interval_method));
    visit("exponent_ci", exponent_ci);
    visit("offset_ci", offset_ci);
    visit("exponent_std_error", exponent_std_error);
    visit("bootstrap_resamples", bootstrap_resamples);
    visit("bootstrap_failures", bootstrap_failures);
    visit("rms_log_residual", rms_log_residual);
    visit("max_abs_log_residual", max_abs_log_residual);
    visit("residual_autocorrelation", residual_autocorrelation);
    visit("num_sizes", num_sizes);
    visit("num_seeds", num_seeds);
    visit("num_points", num_points);
    visit("fit_min_size", fit_min_size);
    visit("fit_max_size", fit_max_size);
    visit("requested_min_size", requested_min_size);
    visit("requested_max_size", requested_max_size);
    visit("huber_delta", huber_delta);
    visit("log_loss_drop", log_loss_drop);
    visit("log_loss_noise", log_loss_noise);
    visit("offset_std_error", offset_std_error);
    visit("starts", starts);
    visit("starts_at_best", starts_at_best);
    visit("seconds", seconds);
    visit("diagnosis", diagnosis);
  }
};

// Fits `curve` (NaN entries are skipped). Outputs by pointer so that a failed fit still returns
// its message and whatever was computed.
void FitCurve(const FitOptions& options, const LearningCurve& curve, FitSummary* summary);

}  // namespace scalebench
