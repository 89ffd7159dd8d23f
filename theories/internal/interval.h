// An Estimate with a normal-theory 95% interval, for theories that map a measured input with a
// standard error onto a prediction. Not API: for theories/ only, in scalebench::internal.
//
// Usage:
//   return Prediction::Predicted(WithInterval(1.0 - h, h_se), {}, note);  // interval 1.96 SE
#pragma once

#include "theories/theory.h"

namespace scalebench::internal {

// `value` with a 95% interval value -+ 1.96 * scale * std_error when std_error is a positive
// number (scale: |d value / d input|); no interval otherwise.
Estimate WithInterval(double value, double std_error, double scale = 1.0);

}  // namespace scalebench::internal
