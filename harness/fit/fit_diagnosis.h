// What to do about a curve whose exponent is not identifiable: FitCurve fills FitSummary::diagnosis
// when its status is kNotIdentifiable (harness/fit/power_law_fit.h). Three parts:
//
// 1. Which parameter is degenerate, from the fit and its linearisation at the estimate
//    (J = d log L / d(E, c, alpha) at the fitted sizes, covariance ~ (J^T J)^-1):
//    - "amplitude": the curve is flat within its noise, so the power-law part A x^-alpha (and
//      with it alpha) is not resolved;
//    - "offset_exponent": E and alpha trade off. Either alpha ran to its upper bound with E at
//      the smallest loss (the loss is on its floor from the first sizes), or freeing E multiplies
//      alpha's linearised standard error by more than kOffsetInflation (2) against E held at its
//      estimate;
//    - "amplitude_exponent": alpha ran to 0 where A x^-alpha ~ A - A alpha log x: only A alpha is
//      fixed;
//    - "range": none of these; the range is too short for the noise.
// 2. The size range that would be needed. Rule: continue the fitted grid upwards with its mean
//    log-spacing and the same noise per size (log_loss_noise), and take the smallest largest
//    size at which the exponent's interval half-width, predicted as the measured half-width times
//    the ratio of linearised standard errors se(extended grid) / se(fitted grid) at the fitted
//    curve, is at most kTargetFraction (1/4) of the exponent (an interval half as wide as the
//    exponent, twice inside the identifiability rule) and the predicted log-loss drop clears the
//    flatness rule. Searched up to 1000x the largest size; needed_seeds is the seed count that
//    reaches the same target at the current range (half-width ~ 1/sqrt(seeds)). Not estimated
//    when alpha is at a bound (the fitted curve is then degenerate itself).
// 3. The alternative fits tried, each a FitCurve of the same curve with the same options except:
//    E fixed at 0.5x and at 0.9x the smallest loss (offset power law with a free E only), and a
//    pure power law over the upper half of the sizes (at least 3), whose local slope is a lower
//    bound of alpha when the curve has a floor E > 0. Their statuses and intervals say what each
//    assumption gives; none of them replaces the fit.
//
// Usage:
//   FitCurve(options, curve, &summary);
//   if (summary.diagnosis.present()) std::cout << summary.diagnosis.Report();
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "harness/fit/fit_types.h"

namespace scalebench {

// One alternative fit of a not-identifiable curve.
struct AlternativeFit {
  std::string name;         // "offset_fixed_0.5", "offset_fixed_0.9", "power_law_upper"
  std::string description;  // what was fixed or restricted, with the numbers
  FitStatus status = FitStatus::kFailed;
  std::string message;
  double exponent = std::numeric_limits<double>::quiet_NaN();
  Interval exponent_ci;
  IntervalMethod interval_method = IntervalMethod::kNone;
  double offset = std::numeric_limits<double>::quiet_NaN();
  double fit_min_size = std::numeric_limits<double>::quiet_NaN();
  double fit_max_size = std::numeric_limits<double>::quiet_NaN();
};

struct FitDiagnosis {
  static constexpr double kOffsetInflation = 2.0;
  static constexpr double kTargetFraction = 0.25;
  static constexpr double kMaxExtension = 1000.0;

  std::string degenerate;   // empty: no diagnosis (the fit is identifiable or failed)
  std::string explanation;  // one sentence on the degeneracy, with its numbers
  // Linearised se(alpha) with E free over se(alpha) with E held (NaN without a free E).
  double offset_inflation = std::numeric_limits<double>::quiet_NaN();
  double target_half_width = std::numeric_limits<double>::quiet_NaN();
  double needed_max_size = std::numeric_limits<double>::quiet_NaN();  // NaN: not estimated
  double needed_seeds = std::numeric_limits<double>::quiet_NaN();
  std::string range_advice;  // the rule's outcome in words
  std::string range_rule;    // the rule with this curve's numbers
  std::vector<AlternativeFit> alternatives;

  bool present() const { return !degenerate.empty(); }
  std::string Brief() const;   // one line: degeneracy, range advice, best alternative
  std::string Report() const;  // several lines, for `scalebench fit`
};

}  // namespace scalebench
