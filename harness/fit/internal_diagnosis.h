// The diagnosis of a not-identifiable curve fit (harness/fit/fit_diagnosis.h states the rules),
// called by FitCurve. Not part of the public API.
#pragma once

#include <vector>

#include "harness/fit/internal_curve_problem.h"
#include "harness/fit/power_law_fit.h"

namespace scalebench::internal {

// Fills summary->diagnosis from the finished fit of `input` (restricted to `curve`, its fit range
// in log space); runs the alternative fits with options.diagnose off.
void DiagnoseNotIdentifiable(const FitOptions& options,
                             const LearningCurve& input,
                             const LogCurve& curve,
                             FitSummary* summary);

// sqrt([(J^T J)^-1]_alpha,alpha) at unit noise for L(x) = E + A x^-alpha on `sizes`, J the
// Jacobian of log L in (E, log A, alpha), without the E column when !offset_free: the linearised
// standard error of alpha per unit of log-loss noise. Infinity when J^T J is singular.
double LinearisedExponentSe(double offset,
                            double amplitude,
                            double exponent,
                            const std::vector<double>& sizes,
                            bool offset_free);

}  // namespace scalebench::internal
