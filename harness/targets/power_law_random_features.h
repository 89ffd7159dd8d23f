// The targets "power_law_random_features/a<alpha>_b<beta>": the power-law random-features model
// of Paquette, Paquette, Xiao & Pennington 2024 (arXiv:2405.15074; lit-spectral.md 3.1, corrected
// by anchors-2026.md 2.1) trained by one-pass SGD, the home of the optimizer-aware theories
// (theories/optimizer/). The learner is harness/learners/plrf_sgd.h (model, risk and SGD there).
//
// Design: one steps design per width d (>= 5 widths): loss P(theta_r) at log-spaced checkpoints r
// of one SGD run per seed (RunUnit::kSeed), each seed with its own feature matrix W and its own
// sample stream. The learner spec declares the width (features = d), the batch B, the constant
// learning rate gamma_d, optimizer "sgd" and one pass (train_size = infinity). Every width is in
// the compute grid (AxisDesign::compute_grid; docs/compute.md) with N = d and d B FLOPs per step
// (Paquette et al.'s f = d B r), from which the harness derives the compute cell; the widest width
// is the steps cell, the others feed the compute cell only.
//   - data dimension v = data_ratio * d. v proportional to d is the paper's setting below the
//     high-dimensional line (2 alpha < 1; their runs use v = 4d and 10d); above it the paper
//     takes v -> infinity, and v = 4d keeps every term's share of the truncated modes the same at
//     every width, so the exponents in d and r are unchanged (the levels move by a constant
//     factor: the target power beyond v = 4d is 8% of the widest width's limit level at
//     (alpha, beta) = (0.7, 0.25), under 2% for beta >= 0.4);
//   - learning rate gamma_d = learning_rate_scale / sum_{j<=v} j^-2alpha, as in the authors'
//     runs (0.75 in the paper's sweep, 0.25 in the Phase IV notebooks; the default 0.5 puts the
//     Volterra kernel norm near 0.25, well inside the stability bound norm < 1). For 2 alpha < 1
//     this is gamma ~ d^(2alpha - 1), the scaling the phase map assumes.
// Profile: the spectrum probe (datasets/probes/spectrum_probe.h) on a sample of x in R^v with
// v = probe_modes and y = <x, b>, drawn from its own stream: it reads b = 2 alpha
// (spectrum_decay) and a = 2 alpha + 2 beta (task_power_decay). The oracle profile gives both
// exactly.
//
// Usage (tests build small ones):
//   PowerLawRandomFeaturesOptions options;
//   options.alpha = 0.7;
//   options.beta = 0.6;
//   options.widths = SizeGrid({16, 32, 64, 128, 256});
//   PowerLawRandomFeaturesTarget target(options);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "datasets/probes/spectrum_probe.h"
#include "harness/learners/plrf_sgd.h"
#include "harness/targets/target.h"

namespace scalebench {

struct PowerLawRandomFeaturesOptions {
  double alpha = 0.7;  // data complexity: lambda_j = j^-2alpha
  double beta = 0.25;  // target complexity: b_j = j^-beta
  SizeGrid widths = SizeGrid({100, 160, 250, 400, 640, 1000, 1600});  // d: a design each
  int data_ratio = 4;                                                 // v = data_ratio * d
  double learning_rate_scale = 0.5;  // gamma_d = scale / sum_{j<=v} j^-2alpha
  int batch_size = 1;
  SizeGrid steps = SizeGrid::Log(10, 1e6, 31);  // checkpoints of every run
  int seeds = 5;
  std::uint64_t seed_base = 20240523;
  // The profile: one probe sample of probe_samples points of x in R^probe_modes (v of the
  // default largest width).
  int probe_samples = 2000;
  int probe_modes = 6400;
  SpectrumProbeOptions probe;

  template <typename Fields>
  void Visit(Fields& f) {
    f.Both("alpha", alpha).Above(0.0).AtMost(4.0);
    f.Both("beta", beta)
        .AtLeast(0.0)
        .AtMost(4.0)
        .Check(2 * (alpha + beta) > 1,
               "> 1/2 - alpha (a finite target power, 2(alpha + beta) > 1)");
    f.Design("widths", widths).Check(widths.size() >= 3, "at least 3 widths (the compute grid)");
    f.Curve("data_ratio", data_ratio).AtLeast(1);
    f.Curve("learning_rate_scale", learning_rate_scale).Above(0.0).AtMost(1.0);
    f.Curve("batch_size", batch_size).AtLeast(1);
    f.Design("steps", steps);
    f.Design("seeds", seeds).AtLeast(1);
    f.Both("seed_base", seed_base);
    f.Profile("probe_samples", probe_samples).AtLeast(100);
    f.Profile("probe_modes", probe_modes).AtLeast(100);
    f.Profile("probe", probe);
  }
};

class PowerLawRandomFeaturesTarget final : public TargetWith<PowerLawRandomFeaturesOptions> {
 public:
  using TargetWith::TargetWith;

  TargetInfo Describe() const override;
  std::vector<AxisDesign> Designs() const override;
  ProfileResult MeasureProfile(const RunContext& context) const override;
  // One seed of one width: its W, then one SGD run read at every checkpoint.
  RunResult Run(const AxisDesign& design,
                const RunPoint& point,
                const DesignData* data,
                const RunContext& context) const override;
  // b = 2 alpha and a = 2 alpha + 2 beta exactly, with the series over probe_modes.
  std::optional<Profile> OracleProfile() const override;

  // What one run of width d and seed trains (tests use it for the expected-risk cross-check).
  PlrfModelOptions ModelOptions(int width) const;
  PlrfSgdOptions SgdOptions(int width) const;
  std::uint64_t FeatureSeed(int width, std::uint64_t seed) const;
  std::uint64_t SgdSeed(int width, std::uint64_t seed) const;
};

}  // namespace scalebench
