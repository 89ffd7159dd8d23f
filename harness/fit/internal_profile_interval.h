// The profile-likelihood interval of a curve with one run per size (harness/fit/power_law_fit.h
// states the method and its validation). Not part of the public API.
//
// With one run per size there is nothing to resample between seeds; what the data do say is how
// fast the fit's objective S rises when a parameter is moved away from its estimate and the
// others re-fitted. For the exponent, the interval is every alpha whose profile objective
// S_p(alpha) = min over (E, c) of S(E, c, alpha) satisfies
//     (S_p(alpha) - S_min) / (S_min / (n - p)) <= t_{n-p}((1 + confidence) / 2)^2,
// the profile-t interval of nonlinear regression (Bates & Watts 1988, ch. 6; Venzon & Moolgavkar
// 1988): n sizes, p fitted parameters (3 with a free E, else 2), S the summed loss on the log-loss
// residuals. It is exact for the pure power law with log-normal noise (then a linear regression
// of log-loss on log-size) and follows the curvature of the offset power law (asymmetric ends
// where E and alpha trade off) instead of a linearisation. Each end is bracketed by doubling steps
// from the estimate and refined by TOMS 748 (Boost.Math); an end that does not rise above the
// threshold before the search bound ([0, 10] for alpha) is reported as open.
//
// Usage (inside the fit):
//   ProfileSetup setup{point_cost, sizes - parameters, 0.95};
//   const ProfileResult alpha = ProfileExponent(&problem, point, setup);
#pragma once

#include <limits>

#include "harness/fit/internal_curve_problem.h"

namespace scalebench::internal {

struct ProfileSetup {
  double cost = 0.0;  // the point fit's Ceres cost (half the summed Huber loss)
  int dof = 0;        // sizes minus fitted parameters; >= 1
  double confidence = 0.95;
};

struct ProfileResult {
  Interval interval;
  bool open_lower = false;  // the lower end is the search bound, not a crossing
  bool open_upper = false;
  // (upper - lower) / (2 t_dof): the standard error a symmetric interval of the same width
  // would have, the convention of the seed bootstrap's exponent_std_error.
  double std_error = std::numeric_limits<double>::quiet_NaN();
  int evaluations = 0;  // profile points solved
};

// Profiles alpha over [kMinExponent, kMaxExponent], re-fitting (E, c) at each alpha. The problem
// must hold the curve's data (Aggregate) and is left with every parameter as it was.
ProfileResult ProfileExponent(CurveProblem* problem,
                              const Params& point,
                              const ProfileSetup& setup);

// Profiles a free E over [0, max_offset], re-fitting (c, alpha).
ProfileResult ProfileOffset(CurveProblem* problem,
                            const Params& point,
                            double max_offset,
                            const ProfileSetup& setup);

}  // namespace scalebench::internal
