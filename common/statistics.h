// Small estimators shared by the probes and the fits.
//
// Usage:
//   std::vector<double> replicates;  // theta with group g left out, g = 0..G-1
//   const double se = JackknifeError(replicates);
//   const double median = Quantile(values, 0.5);
#pragma once

#include <vector>

namespace scalebench::internal {

// Delete-a-group jackknife standard error sqrt((G - 1) / G sum_g (theta_g - mean)^2) of the
// replicates theta_g; NaN for fewer than 2 replicates (and when any replicate is NaN).
double JackknifeError(const std::vector<double>& replicates);

// Linear-interpolated quantile q in [0, 1] of `values` (copied, then sorted); NaN when empty.
double Quantile(std::vector<double> values, double q);

}  // namespace scalebench::internal
