// What the two spectral probes of a Gram matrix measure (spectrum_probe.h with its own solver and
// a jackknife error, kernel_pca.h with LAPACK and an n/2 convergence error): the eigenvalues and
// target powers, the two decay exponents and the two totals, filled into a profile the same way.
//
// Usage:
//   KernelPcaResult result;  // or SpectrumProbeResult: both are a GramSpectrum
//   ...
//   result.FillProfile(&profile);
#pragma once

#include <Eigen/Core>

#include "datasets/profile.h"

namespace scalebench {

struct GramSpectrum {
  Eigen::VectorXd eigenvalues;   // lambda_k, decreasing
  Eigen::VectorXd target_power;  // p_k, same order (summed over outputs)
  Measurement spectrum_decay;    // b
  Measurement task_power_decay;  // a
  Measurement total_target_power;
  Measurement spectrum_trace;

  // Sets kSpectrumDecay, kTaskPowerDecay, kTotalTargetPower, kSpectrumTrace and the series
  // kEigenvalues and kTargetPower; leaves every other entry alone.
  void FillProfile(Profile* profile) const;
};

}  // namespace scalebench
