// Implementation of harness/fit/fit_types.h.
#include "harness/fit/fit_types.h"

#include <fmt/format.h>

#include "common/status.h"

namespace scalebench {

using internal::Fail;

const char* ToString(CurveForm form) {
  switch (form) {
    case CurveForm::kOffsetPowerLaw:
      return "offset_power_law";
    case CurveForm::kPowerLaw:
      return "power_law";
  }
  return "unknown";
}

bool FromString(const std::string& name, CurveForm* out) {
  if (name == "offset_power_law") {
    *out = CurveForm::kOffsetPowerLaw;
  } else if (name == "power_law") {
    *out = CurveForm::kPowerLaw;
  } else {
    return false;
  }
  return true;
}

const char* ToString(FitStatus status) {
  switch (status) {
    case FitStatus::kConverged:
      return "converged";
    case FitStatus::kNotIdentifiable:
      return "not_identifiable";
    case FitStatus::kFailed:
      return "failed";
  }
  return "unknown";
}

const char* ToString(IntervalMethod method) {
  switch (method) {
    case IntervalMethod::kNone:
      return "none";
    case IntervalMethod::kSeedBootstrap:
      return "seed_bootstrap";
    case IntervalMethod::kProfileLikelihood:
      return "profile_likelihood";
  }
  return "unknown";
}

bool BootstrapOptions::IsValid(const char* owner, std::string* error) const {
  if (resamples < 0 || resamples == 1) {
    return Fail(
        error,
        fmt::format(
            "{}.bootstrap.resamples = {} must be 0 (no bootstrap) or >= 2", owner, resamples));
  }
  if (!(confidence > 0.0 && confidence < 1.0)) {
    return Fail(error,
                fmt::format("{}.bootstrap.confidence = {:g} must be in (0, 1)", owner, confidence));
  }
  if (threads < 1) {
    return Fail(error, fmt::format("{}.bootstrap.threads = {} must be >= 1", owner, threads));
  }
  return true;
}

}  // namespace scalebench
