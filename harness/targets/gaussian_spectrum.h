// The exact target "gaussian_spectrum/a<a>_b<b>": a Gaussian design with a power-law spectrum
// (lambda_k = k^-b, d modes) and a noiseless power-law teacher (p_k = k^-a), see
// datasets/generators/power_law_gaussian.h. Its learners are
//   - data axis: ridgeless linear regression on P samples of the raw inputs ("linear_ridge"),
//     whose excess MSE falls as P^-min(a-1, 2b);
//   - params axis: regression on N Gaussian random projections of the inputs in the
//     infinite-data limit, solved exactly ("projected_linear_ridge", train_size = kInfinite),
//     whose excess MSE falls as N^-min(a-1, b) (lit-spectral.md 0.1, 2.1, 5.1).
// The profile comes from the spectrum probe (datasets/probes/spectrum_probe.h) on a sample drawn
// from its own random stream, independent of every training draw.
//
// The suite registers four variants (gaussian_spectrum.cc); tests may build others:
//   GaussianSpectrumOptions options;
//   options.task_power_decay = 3.0;
//   options.num_modes = 4096;  // small and fast; the curves then bend near P ~ d
//   GaussianSpectrumTarget target(options);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "datasets/generators/power_law_gaussian.h"
#include "datasets/probes/spectrum_probe.h"
#include "harness/targets/target.h"

namespace scalebench {

struct GaussianSpectrumOptions {
  double task_power_decay = 2.0;  // a > 1
  double spectrum_decay = 1.5;    // b > 1
  // d. The truncation shifts the loss at size x by about (x/d)^(a-1) relative and the effective
  // ridge by (x/d)^(b-1); 32768 keeps the deterministic-equivalent slopes over 16..512 within
  // 0.03 of their d -> infinity values for b >= 1.5 (see the .cc for the numbers).
  int num_modes = 32768;
  // Size grids of the two axes (integers; log-spaced 16..512 by default) and seeds per size.
  std::vector<double> data_sizes = DefaultSizes();
  std::vector<double> param_sizes = DefaultSizes();
  int seeds = 5;
  std::uint64_t seed_base = 20240611;
  // The profile: the spectrum probe on `probe_replicates` independent samples of
  // `probe_samples` each; with more than one they are combined (CombineSpectrumReplicates, SE from
  // their spread), with one the probe's jackknife gives the SE. One sample at n = 2000 reads b
  // within ~0.005 and a within ~0.02 (1 sd); each sample costs a 2000 x 2000 x d Gram product
  // (~2.5 s at d = 32768 on one core), so the suite default is one.
  int probe_samples = 2000;
  int probe_replicates = 1;
  SpectrumProbeOptions probe;

  bool IsValid(std::string* error) const;
  // 8 sizes log-spaced from 16 to 512, rounded to integers.
  static std::vector<double> DefaultSizes();
};

class GaussianSpectrumTarget final : public Target {
 public:
  // Precondition: options.IsValid().
  explicit GaussianSpectrumTarget(const GaussianSpectrumOptions& options);

  // "gaussian_spectrum/a2.0_b1.5"
  static std::string Name(double task_power_decay, double spectrum_decay);

  TargetInfo Describe() const override;
  std::vector<AxisDesign> Designs() const override;
  Profile MeasureProfile(const ProgressFn& progress) const override;
  // Accepts the designs of Designs() with any integer sizes and seed count; a design it cannot
  // train (another learner kind, a finite train_size on the params axis, non-integer sizes)
  // gives a curve of NaN losses and a progress message saying why.
  LearningCurve Train(const AxisDesign& design, const ProgressFn& progress) const override;
  std::string CacheKeyMaterial() const override;

 private:
  // `buffer` holds the draw; it is reused from seed to seed.
  bool TrainSeed(const AxisDesign& design,
                 const std::vector<int>& sizes,
                 std::uint64_t seed,
                 Eigen::MatrixXd* buffer,
                 std::vector<double>* losses,
                 std::string* error) const;
  // One probe sample: the Gram matrix accumulated over blocks of modes (never all of X).
  bool ProbeSample(std::uint64_t stream, SpectrumProbeResult* result, std::string* error) const;

  GaussianSpectrumOptions options_;
  PowerLawGaussianDesign design_;
};

}  // namespace scalebench
