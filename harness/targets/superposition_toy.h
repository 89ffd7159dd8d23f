// The model target "superposition_toy/alpha<alpha>_<weak|strong>[_full]": the toy
// y = ReLU(x W W^T + b) of Liu, Liu & Gore 2025 (arXiv:2505.10465) on n features with
// frequencies p_i ~ i^-alpha (datasets/generators/superposition_toy_data.h), trained with the
// authors' AdamW and signed weight decay gamma (harness/learners/superposition_toy.h): gamma > 0
// gives weak superposition (~m features stored), gamma < 0 strong (every row pulled to unit norm).
//   - width axis: one model per width m and seed, each trained on its own for the same steps with
//     the authors' schedule; the loss is the MSE on a test sample shared by every run (home of
//     superposition/liu_liu_gore: exponent 1 strong, alpha - 1 weak);
//   - steps axis: one model per seed at a fixed width, its test MSE read at step checkpoints of
//     that single run, at a constant rate after a short warm-up, so that no schedule shapes the
//     curve (home of superposition/chen_steps: exponent 1).
// Every run records the regime diagnostics of its W: phi_half (share of rows with |W_i| > 1/2:
// ~m/n weak, ~1 strong) and overlap_times_m (m x mean squared cosine between stored rows: ~0 weak,
// ~1 strong). The profile is the frequency probe on the active features of an independent sample
// (frequency_decay = alpha); the oracle profile is alpha itself. Runs are single-threaded (see
// Run); --jobs runs them side by side.
//
// The default suite has small variants (n = 256), the full suite "_full" ones (n = 512, more
// alphas, widths and steps). Tests may build others:
//   SuperpositionToyTargetOptions options;
//   options.alpha = 1.5;  options.weight_decay = 1.0;  options.widths = {4, 8, 16};
//   SuperpositionToyTarget target(options);
#pragma once

#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
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
  // Width design: widths m (below features), steps per run, warm-up share, cosine floor.
  SizeGrid widths = {4, 8, 16, 32};
  long width_steps = 2000;
  double warmup_fraction = 0.1;
  double final_fraction = 0.05;
  // Steps design: the width of its runs, its checkpoints and its warm-up (constant peak rate
  // after it).
  int steps_width = 32;
  SizeGrid step_checkpoints = {800, 1250, 2000, 3200, 5000};
  long steps_warmup = 50;
  int seeds = 3;
  std::uint64_t seed_base = 20250514;
  int test_samples = 8192;     // the test sample shared by every run of the target
  int probe_samples = 100000;  // rows of the probe sample
  FrequencyProbeOptions probe;

  template <typename Fields>
  void Visit(Fields& f) {
    f.Both("alpha", alpha).AtLeast(0.0).AtMost(10.0);
    f.Curve("weight_decay", weight_decay)
        .Finite()
        .Check(weight_decay != 0.0, "nonzero (> 0 weak, < 0 strong superposition)");
    f.Both("features", features).AtLeast(2);
    f.Curve("batch_size", batch_size).AtLeast(1);
    f.Curve("learning_rate", learning_rate)
        .Above(0.0)
        .Check(learning_rate * std::abs(weight_decay) < 1.0, "< 1 / |weight_decay|");
    f.Design("widths", widths)
        .Check(widths.empty() || widths.back() < features,
               "< features = " + std::to_string(features));
    f.Curve("width_steps", width_steps).AtLeast(1);
    f.Curve("warmup_fraction", warmup_fraction).AtLeast(0.0).AtMost(1.0);
    f.Curve("final_fraction", final_fraction).AtLeast(0.0).AtMost(1.0);
    f.Curve("steps_width", steps_width).AtLeast(1).Below(features);
    f.Design("step_checkpoints", step_checkpoints);
    f.Curve("steps_warmup", steps_warmup)
        .AtLeast(0)
        .Check(step_checkpoints.empty() || steps_warmup <= step_checkpoints.back(),
               "<= the last step checkpoint");
    f.Design("seeds", seeds).AtLeast(1);
    f.Both("seed_base", seed_base);
    f.Curve("test_samples", test_samples).AtLeast(100);
    f.Profile("probe_samples", probe_samples).AtLeast(100);
    f.Profile("probe", probe);
  }
};

class SuperpositionToyTarget final : public TargetWith<SuperpositionToyTargetOptions> {
 public:
  // Precondition: options valid (the registry checks).
  explicit SuperpositionToyTarget(const SuperpositionToyTargetOptions& options);

  // Includes, for weak superposition with alpha > 1, the width axis's finite-size allowance
  // (WeakWidthSlope against alpha - 1).
  TargetInfo Describe() const override;
  std::vector<AxisDesign> Designs() const override;
  ProfileResult MeasureProfile(const RunContext& context) const override;
  // Draws the shared test sample.
  bool Prepare(const AxisDesign& design,
               const RunContext& context,
               std::unique_ptr<const DesignData>* data,
               std::string* error) const override;
  // Width axis: one width and seed; steps axis: one seed, its loss at every checkpoint.
  RunResult Run(const AxisDesign& design,
                const RunPoint& point,
                const DesignData* data,
                const RunContext& context) const override;
  // The generating frequency exponent alpha, exactly.
  std::optional<Profile> OracleProfile() const override;

  // The least-squares log-log slope, over the widths, of the weak regime's ideal loss, the tail
  // mass sum_{m < i <= n} p_i: the exponent the weak law gives at this finite n and these widths
  // (alpha - 1 only as n and m grow).
  double WeakWidthSlope() const;
};

}  // namespace scalebench
