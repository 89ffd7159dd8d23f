// The model target "superposition_toy/alpha<alpha>_<weak|strong>[_full]": the superposition toy
// model y = ReLU(x W W^T + b) of Liu, Liu & Gore 2025 (arXiv:2505.10465; lit-language.md 2.2)
// trained with the authors' AdamW and signed weight decay (harness/learners/superposition_toy.h)
// on n features with frequencies p_i ~ i^-alpha. The sign of the weight decay sets the regime:
// gamma > 0 weak superposition (only ~m features stored), gamma < 0 strong (every row pulled to
// unit norm). Two designs:
//   - width axis: one model per width m (m << n) and seed, each trained for the same number of
//     steps with the authors' schedule (warm-up 10%, cosine to 5% of the peak); the loss is the
//     MSE on a fixed test sample. Read by superposition/liu_liu_gore (exponent 1 strong,
//     alpha - 1 weak).
//   - steps axis: one model per seed at a fixed width, the test MSE read at log-spaced step
//     checkpoints of that single run. The rate is constant after a short warm-up, so the curve's
//     shape is the optimizer's progress and not the schedule's (a cosine decay bends the curve
//     wherever it ends). Read by superposition/chen_steps (exponent 1 under superposition).
// Both curves carry the regime diagnostics of every trained W as CurveDiagnostics (in_report):
// phi_half (share of rows with |W_i| > 1/2: ~m/n weak, ~1 strong) and overlap_times_m (m x mean
// squared cosine between represented rows: ~0 weak, ~1 strong).
// The profile is the frequency probe on which features are active in an independent sample, whose
// frequency_decay is the paper's alpha.
//
// The default suite registers small variants (n = 256, a few widths, short runs); the full suite
// adds "_full" variants over more alphas, widths and steps (superposition_toy.cc says how long each
// takes). Tests may build others:
//   SuperpositionToyTargetOptions options;
//   options.alpha = 1.5;  options.weight_decay = 1.0;  options.widths = {4, 8};
//   SuperpositionToyTarget target(options);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "datasets/probes/frequency_probe.h"
#include "harness/targets/target.h"

namespace scalebench {

struct SuperpositionToyTargetOptions {
  double alpha = 1.2;          // p_i ~ i^-alpha, >= 0
  double weight_decay = -1.0;  // gamma, nonzero: > 0 weak, < 0 strong superposition
  int features = 256;          // n
  int batch_size = 256;
  double learning_rate = 1e-2;  // peak
  // Width design: widths m (integers in [1, features)), steps per run, warm-up share, cosine floor.
  std::vector<double> widths = {4, 8, 16, 32};
  long width_steps = 2000;
  double warmup_fraction = 0.1;
  double final_fraction = 0.05;
  // Steps design: the width of its runs, its checkpoints (increasing integers) and its warm-up
  // (steps at constant peak rate after it). Empty checkpoints: no steps design.
  int steps_width = 32;
  std::vector<double> step_checkpoints = {800, 1250, 2000, 3200, 5000};
  long steps_warmup = 50;
  int seeds = 3;
  std::uint64_t seed_base = 20250514;
  int test_samples = 8192;     // fixed test sample shared by every run of the target
  int probe_samples = 100000;  // rows of the probe sample
  FrequencyProbeOptions probe;
  // Name suffix and suites: "" for the default-suite variants, "_full" for the full sweep.
  std::string suffix;
  std::vector<std::string> suites = {"default", "full"};

  bool IsValid(std::string* error) const;
};

class SuperpositionToyTarget final : public Target {
 public:
  // Precondition: options.IsValid().
  explicit SuperpositionToyTarget(const SuperpositionToyTargetOptions& options);

  // "superposition_toy/alpha1.2_strong" (+ suffix)
  static std::string Name(double alpha, double weight_decay, const std::string& suffix = "");

  TargetInfo Describe() const override;
  std::vector<AxisDesign> Designs() const override;
  Profile MeasureProfile(const ProgressFn& progress) const override;
  // Trains the width or steps design (learner "superposition_toy", loss "mse"); the runs go in
  // parallel over OpenMP threads and each has its own random streams, so the curve does not
  // depend on the thread count. Another design gives NaN losses and a progress message.
  LearningCurve Train(const AxisDesign& design, const ProgressFn& progress) const override;
  std::string CacheKeyMaterial() const override;

 private:
  SuperpositionToyTargetOptions options_;
};

}  // namespace scalebench
