// The joint scaling form of Hoffmann et al. 2022 (Approach 3):
//   L(N, D) = E + A N^-a + B D^-b
// fitted on log-loss with a Huber loss (delta 1e-3, as in the paper and Besiroglu et al. 2024)
// through the log-sum-exp parametrisation log L = LSE(logA - a log N, logB - b log D, logE),
// multi-started from the paper's grid, with a bootstrap over points for 95% intervals.
//
// Method, pinned down:
// - Objective: the SUM (not the mean, peers.md 1.6 pitfall 3) over points of Huber(delta) of
//   r = log L_obs - LSE(...), minimised by Ceres LM with analytic derivatives.
// - Internally the log-amplitudes are centred, a' = a - alpha log N0 and b' = b - beta log D0
//   (N0, D0: geometric means of the data), which removes most of the amplitude-exponent
//   correlation that makes Approach 3 ill-conditioned (peers.md 1.3); a, b are reported.
//   alpha, beta are bounded to [0, 10].
// - Starts: the paper's 4,500-point grid (alpha, beta in {0, .5, 1, 1.5, 2}; e in {-1, -.5, 0,
//   .5, 1}; a, b in {0, 5, ..., 25}). The objective is evaluated at every grid point (cheap: no
//   derivatives) and only the 32 best are refined with Ceres (instead of 4,500 Ceres solves);
//   the lowest converged objective wins. `starts` is the grid size, `starts_refined` those
//   refined.
// - Intervals: bootstrap over points (multinomial weights on the points, refits warm-started
//   from the point estimate, relative tolerances 1e-8); percentile intervals, as in Epoch's
//   replication, since with tens of points the small-sample correction of the curve fit is not
//   needed.
// - Compute-optimal allocation (Hoffmann et al. 2022, Approach 3 and their Eq. 4), with training
//   compute C = 6 N D FLOPs: minimising the fitted L at fixed C gives
//     N*(C) = G (C/6)^(b/(a+b)),  D*(C) = (C/6)^(a/(a+b)) / G,  G = (a A / (b B))^(1/(a+b)),
//   so N* ~ C^(b/(a+b)) and D* ~ C^(a/(a+b)); with `compute` set, N*, D* and D*/N* at that C.
//   Their intervals are percentiles of the same bootstrap refits (each refit's a, b, A, B).
// - kNotIdentifiable: an exponent within 1e-3 of a bound, an exponent interval wider than the
//   exponent, or more than half of the bootstrap refits failing. kFailed: invalid options,
//   fewer than 6 points, non-positive or non-finite inputs, or no refined start converging.
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
  BootstrapOptions bootstrap;  // resamples of points
  // Training FLOPs C (= 6 N D) at which to report the compute-optimal N*, D* and D*/N*; NaN:
  // only the allocation exponents.
  double compute = std::numeric_limits<double>::quiet_NaN();
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
  Interval params_amplitude_ci, data_amplitude_ci;
  int num_points = 0;
  int starts = 0;          // grid points evaluated
  int starts_refined = 0;  // best grid points refined with Ceres
  int starts_at_best = 0;  // refined starts that reached the best objective (1e-6 relative)
  // The compute-optimal allocation (see the header): N* ~ C^params_allocation = b/(a+b),
  // D* ~ C^data_allocation = a/(a+b); at `compute` (NaN unless requested) N*, D* and D*/N*.
  double params_allocation = std::numeric_limits<double>::quiet_NaN();
  double data_allocation = std::numeric_limits<double>::quiet_NaN();
  Interval params_allocation_ci, data_allocation_ci;
  double compute = std::numeric_limits<double>::quiet_NaN();
  double optimal_params = std::numeric_limits<double>::quiet_NaN();
  double optimal_data = std::numeric_limits<double>::quiet_NaN();
  double tokens_per_parameter = std::numeric_limits<double>::quiet_NaN();
  Interval optimal_params_ci, optimal_data_ci, tokens_per_parameter_ci;
  double huber_delta = 0.0;
  double objective = std::numeric_limits<double>::quiet_NaN();  // summed Huber at the optimum
  double rms_log_residual = std::numeric_limits<double>::quiet_NaN();
  double seconds = 0.0;
  bool usable() const { return status == FitStatus::kConverged; }
  std::string BriefReport() const;
  std::string FullReport() const;

  // Every field above, by name (as FitSummary::VisitFields): a field added to the struct is
  // added here.
  template <typename Visitor>
  void VisitFields(Visitor&& visit) const {
    visit("status", ToString(status));
    visit("message", message);
    visit("offset", offset);
    visit("params_amplitude", params_amplitude);
    visit("data_amplitude", data_amplitude);
    visit("params_exponent", params_exponent);
    visit("data_exponent", data_exponent);
    visit("confidence", confidence);
    visit("offset_ci", offset_ci);
    visit("params_exponent_ci", params_exponent_ci);
    visit("data_exponent_ci", data_exponent_ci);
    visit("bootstrap_resamples", bootstrap_resamples);
    visit("bootstrap_failures", bootstrap_failures);
    visit("params_amplitude_ci", params_amplitude_ci);
    visit("data_amplitude_ci", data_amplitude_ci);
    visit("num_points", num_points);
    visit("starts", starts);
    visit("starts_refined", starts_refined);
    visit("starts_at_best", starts_at_best);
    visit("params_allocation", params_allocation);
    visit("data_allocation", data_allocation);
    visit("params_allocation_ci", params_allocation_ci);
    visit("data_allocation_ci", data_allocation_ci);
    visit("compute", compute);
    visit("optimal_params", optimal_params);
    visit("optimal_data", optimal_data);
    visit("tokens_per_parameter", tokens_per_parameter);
    visit("optimal_params_ci", optimal_params_ci);
    visit("optimal_data_ci", optimal_data_ci);
    visit("tokens_per_parameter_ci", tokens_per_parameter_ci);
    visit("huber_delta", huber_delta);
    visit("objective", objective);
    visit("rms_log_residual", rms_log_residual);
    visit("seconds", seconds);
  }
};

// The compute-optimal allocation of a fitted L = E + A N^-a + B D^-b at C = 6 N D FLOPs.
struct ComputeOptimum {
  double params_allocation = 0.0;  // b / (a + b)
  double data_allocation = 0.0;    // a / (a + b)
  double params = 0.0;             // N*(C)
  double data = 0.0;               // D*(C)
};
ComputeOptimum ComputeOptimalAllocation(double params_amplitude,
                                        double data_amplitude,
                                        double params_exponent,
                                        double data_exponent,
                                        double compute);

void FitJoint(const JointFitOptions& options,
              const std::vector<JointPoint>& points,
              JointFitSummary* summary);

}  // namespace scalebench
