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
// The suite registers four variants (gaussian_spectrum/a2.0_b1.5, ...; gaussian_spectrum.cc);
// tests may build others:
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
  // Size grids of the two axes and seeds per size.
  SizeGrid data_sizes = SizeGrid::Log(16, 512, 8);
  SizeGrid param_sizes = SizeGrid::Log(16, 512, 8);
  // 0: the data axis regresses on the raw inputs ("linear_ridge"). N > 0: on N linear random
  // features of them ("linear_random_features"), Maloney, Roberts & Sully's model
  // (random_feature_model.cc). It enters the data runs' keys through their declared learner spec.
  int data_features = 0;
  int seeds = 5;
  std::uint64_t seed_base = 20240611;
  // The profile: the spectrum probe on `probe_replicates` independent samples of
  // `probe_samples` each; with more than one they are combined (CombineSpectrumReplicates, SE from
  // their spread), with one the probe's jackknife gives the SE. One sample at n = 2000 reads b
  // within ~0.005 and a within ~0.02 (1 sd); each sample costs a 2000 x 2000 x d Gram product,
  // so the suite default is one.
  int probe_samples = 2000;
  int probe_replicates = 1;
  SpectrumProbeOptions probe;

  template <typename Fields>
  void Visit(Fields& f) {
    f.Both("task_power_decay", task_power_decay).Above(1.0).Finite();
    f.Both("spectrum_decay", spectrum_decay).Above(1.0).Finite();
    f.Both("num_modes", num_modes).AtLeast(1);
    f.Design("data_sizes", data_sizes);
    f.Design("param_sizes", param_sizes);
    f.Design("data_features", data_features)
        .AtLeast(0)
        .Check(data_features == 0 || data_features > data_sizes.back(),
               "0 or more than the largest data size (the minimum-norm side)");
    f.Design("seeds", seeds).AtLeast(1);
    f.Both("seed_base", seed_base);
    f.Profile("probe_samples", probe_samples).AtLeast(20);
    f.Profile("probe_replicates", probe_replicates).AtLeast(1);
    f.Profile("probe", probe);
  }
};

class GaussianSpectrumTarget final : public TargetWith<GaussianSpectrumOptions> {
 public:
  // Precondition: options valid (the registry checks).
  explicit GaussianSpectrumTarget(const GaussianSpectrumOptions& options);

  TargetInfo Describe() const override;
  std::vector<AxisDesign> Designs() const override;
  ProfileResult MeasureProfile(const RunContext& context) const override;
  // One seed: a draw of max P inputs (data axis) or max N projections (params axis), the loss at
  // every size of the grid (nested prefixes).
  RunResult Run(const AxisDesign& design,
                const RunPoint& point,
                const DesignData* data,
                const RunContext& context) const override;
  // The design's exact spectrum and teacher: b, a, their series over all d modes, the trace and
  // total power, and no label noise.
  std::optional<Profile> OracleProfile() const override;

 private:
  // One probe sample: the Gram matrix accumulated over blocks of modes (never all of X).
  bool ProbeSample(std::uint64_t stream, SpectrumProbeResult* result, std::string* error) const;

  PowerLawGaussianDesign design_;
};

}  // namespace scalebench
