// The vocabulary both fits share (power_law_fit.h and joint_fit.h include it): the curve
// forms, the fit statuses, an interval and the bootstrap options.
//
// Usage:
//   CurveForm form;
//   if (!FromString("power_law", &form)) ...;        // unknown name
//   if (summary.exponent_ci.Contains(0.5)) ...;
//   options.bootstrap.resamples = 200;               // FitOptions or JointFitOptions
#pragma once

#include <cstdint>
#include <limits>
#include <string>

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

// Where a curve fit's interval came from (harness/fit/power_law_fit.h says when each is
// used and how it is validated).
enum class IntervalMethod {
  kNone,               // no interval (see the fit's message)
  kSeedBootstrap,      // whole seeds resampled, small-sample corrected (>= 2 seeds)
  kProfileLikelihood,  // profile-t interval on the log-loss residuals (one run per size)
};
const char* ToString(IntervalMethod method);

struct Interval {
  double lower = std::numeric_limits<double>::quiet_NaN();
  double upper = std::numeric_limits<double>::quiet_NaN();
  bool Contains(double x) const { return lower <= x && x <= upper; }
};

// The bootstrap of both fits (FitCurve resamples seeds, FitJoint points).
struct BootstrapOptions {
  int resamples = 1000;  // refits for the interval; 0 disables the bootstrap
  double confidence = 0.95;
  std::uint64_t seed = 1;  // of the resampling (the fit is deterministic given it)
  int threads = 1;         // for the refits
  // Names the field as owner.bootstrap.<field> ("FitOptions", "JointFitOptions").
  bool IsValid(const char* owner, std::string* error) const;
};

}  // namespace scalebench
