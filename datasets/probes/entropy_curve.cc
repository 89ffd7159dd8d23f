// Implementation of datasets/probes/entropy_curve.h.
#include "datasets/probes/entropy_curve.h"

#include <string>

#include "common/status.h"

namespace scalebench {

using internal::Fail;

bool ConditionalEntropyOptions::IsValid(std::string* error) const {
  if (max_context < 3 || max_context > 32) {
    return Fail(error,
                "max_context = " + std::to_string(max_context) +
                    ": must be in [3, 32] (the fit needs 3 points)");
  }
  if (!(discount > 0.0 && discount < 1.0))
    return Fail(error, "discount = " + std::to_string(discount) + ": must be in (0, 1)");
  if (jackknife_blocks < 2) {
    return Fail(error, "jackknife_blocks = " + std::to_string(jackknife_blocks) + ": must be >= 2");
  }
  if (!(gamma_min > 0.0))
    return Fail(error, "gamma_min = " + std::to_string(gamma_min) + ": must be > 0");
  if (!(gamma_max > gamma_min))
    return Fail(error, "gamma_max = " + std::to_string(gamma_max) + ": must be > gamma_min");
  if (min_fit_points < 3 || min_fit_points > max_context) {
    return Fail(error,
                "min_fit_points = " + std::to_string(min_fit_points) +
                    ": must be in [3, max_context] (3 fit parameters)");
  }
  if (!(convergence_ratio > 0.0)) {
    return Fail(error,
                "convergence_ratio = " + std::to_string(convergence_ratio) + ": must be > 0");
  }
  if (!(min_data_exponent > 0.0)) {
    return Fail(error,
                "min_data_exponent = " + std::to_string(min_data_exponent) + ": must be > 0");
  }
  if (!(extrapolation_ratio > 0.0)) {
    return Fail(error,
                "extrapolation_ratio = " + std::to_string(extrapolation_ratio) + ": must be > 0");
  }
  if (!(gamma_step > 0.0 && gamma_step <= gamma_max - gamma_min)) {
    return Fail(
        error,
        "gamma_step = " + std::to_string(gamma_step) + ": must be in (0, gamma_max - gamma_min]");
  }
  return true;
}

void ConditionalEntropyResult::FillProfile(Profile* profile) const {
  profile->Set(Property::kConditionalEntropyDecay, conditional_entropy_decay);
}

std::vector<double> MeanCurve(const std::vector<std::vector<double>>& block_loss,
                              const std::vector<std::size_t>& block_positions,
                              int left_out) {
  const int blocks = static_cast<int>(block_loss.size());
  std::vector<double> curve(block_loss[0].size(), 0.0);
  double count = 0;
  for (int b = 0; b < blocks; ++b) {
    if (b == left_out) continue;
    for (std::size_t n = 0; n < curve.size(); ++n) curve[n] += block_loss[b][n];
    count += static_cast<double>(block_positions[b]);
  }
  for (double& h : curve) h /= count;
  return curve;
}

}  // namespace scalebench
