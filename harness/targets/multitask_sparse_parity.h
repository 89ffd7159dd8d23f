// The toy target "multitask_sparse_parity/alpha<alpha>" (and "..._full"): Michaud et al.'s (2023)
// multitask sparse parity (the data: datasets/generators/sparse_parity.h) learned by a
// one-hidden-layer ReLU MLP with Adam (harness/learners/mlp.h), each (size, seed) its own run:
//   params: sizes are the MLP's parameter counts at the widths `param_widths`; online training (a
//     fresh batch every step from the run's stream) for `param_steps` steps;
//   data: width `data_width` trained for many epochs on the first D samples of the seed's stream
//     (nested sets), early stopping on a validation set; the test loss at the best step.
// Loss: test cross-entropy in nats, sum_k p_k L_k, L_k the mean loss on a fixed set of
// `test_per_subtask` points of subtask k: the expectation of the paper's exact-proportion test
// set without the noise of the rare subtasks (the labels are deterministic: Bayes loss 0). Each
// run also records subtask_loss_<k> (k = 1..T, not in the report), subtasks_learned (L_k below
// `learned_threshold`) and frequency_loss_spearman (rank correlation of k and L_k, ties averaged;
// +1 = learned strictly in order of frequency).
// Profile: the frequency probe on `probe_samples` subtask labels from their own stream; the
// oracle profile is the generating frequency decay z = alpha + 1.
//   steps: width `steps_width` trained online, one run per seed read at `step_checkpoints`;
//   compute: the same online runs at `compute_widths` (kSteps designs of the compute grid,
//     AxisDesign::compute_grid; 6 N B FLOPs per step), from which the harness derives the
//     compute-optimal frontier (harness/fit/compute_frontier.h).
// Variants (the .cc says how the settings were chosen): alpha0.4 and alpha1.0 (default suite),
// alpha0.4_full and alpha1.0_full (more subtasks, widths, sizes and steps; full suite only).
// Tests may build others:
//   MultitaskSparseParityOptions options;   // the default-suite settings, alpha = 0.4
//   options.param_widths = {8, 16, 32};
//   MultitaskSparseParityTarget target(options);
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "datasets/generators/sparse_parity.h"
#include "datasets/probes/frequency_probe.h"
#include "harness/targets/target.h"

namespace scalebench {

struct MultitaskSparseParityOptions {
  SparseParityTaskOptions task = {.num_subtasks = 64, .num_bits = 12, .parity_bits = 2};
  int seeds = 5;
  std::uint64_t seed_base = 20261122;
  // Adam, shared by both designs: constant rate unless a schedule is set (warm-up, then cosine to
  // final_lr_fraction over each run's step budget).
  double learning_rate = 1e-2;
  long warmup_steps = 0;
  double final_lr_fraction = 1.0;
  int batch_size = 256;
  // Parameter axis: hidden widths and steps per run.
  SizeGrid param_widths = {4, 8, 16, 32, 64, 128};
  long param_steps = 2000;
  // Data axis: one width, the training-set sizes D, a step budget, validation every eval_every
  // steps, stop after `patience` validations without improvement.
  int data_width = 128;
  SizeGrid data_sizes = {250, 500, 1000, 2000, 4000, 8000, 16000, 32000};
  long data_max_steps = 3000;
  int eval_every = 25;
  int patience = 8;
  // Steps axis: one online run per seed (the params runs' streams and schedule, here over
  // step_checkpoints.back() steps) at width `steps_width`, its test loss read at every checkpoint;
  // empty checkpoints: no steps axis. Compute grid: the same runs at each of `compute_widths`,
  // read at the same checkpoints, from which the harness derives the compute cell (C = 6 N B
  // steps); empty: no compute cell. steps_width need not be one of them.
  // (Plain vectors, not SizeGrid: empty is a valid choice here.)
  int steps_width = 128;
  std::vector<std::int64_t> step_checkpoints = SizeGrid::Log(25, 4000, 12).values();
  std::vector<std::int64_t> compute_widths;
  // Evaluation sets (fixed by seed_base, shared by every run) and the "learned" threshold (nats;
  // chance is ln 2 = 0.693).
  int test_per_subtask = 256;
  int validation_per_subtask = 64;
  double learned_threshold = 0.05;
  // Profile: the frequency probe on this many subtask labels.
  int probe_samples = 100000;
  FrequencyProbeOptions probe;

  template <typename Fields>
  void Visit(Fields& f) {
    f.Both("task", task);
    f.Design("seeds", seeds).AtLeast(1);
    f.Both("seed_base", seed_base);
    f.Curve("learning_rate", learning_rate).Above(0.0).Finite();
    f.Curve("warmup_steps", warmup_steps).AtLeast(0);
    f.Curve("final_lr_fraction", final_lr_fraction).AtLeast(0.0).AtMost(1.0);
    f.Curve("batch_size", batch_size).AtLeast(1);
    f.Design("param_widths", param_widths)
        .Check(param_widths.empty() || param_widths.back() <= kMaxWidth,
               "widths <= " + FieldValueText(kMaxWidth));
    f.Curve("param_steps", param_steps)
        .AtLeast(1)
        .Check(param_steps >= warmup_steps, ">= warmup_steps = " + FieldValueText(warmup_steps));
    f.Curve("data_width", data_width).AtLeast(1).AtMost(int(kMaxWidth));
    f.Design("data_sizes", data_sizes)
        .Check(data_sizes.empty() || data_sizes.back() <= kMaxDataSize,
               "sizes <= " + FieldValueText(kMaxDataSize));
    f.Curve("data_max_steps", data_max_steps)
        .AtLeast(1)
        .Check(data_max_steps >= warmup_steps, ">= warmup_steps = " + FieldValueText(warmup_steps));
    // Design only: which runs exist; a run's numbers depend on its width and checkpoints alone
    // (and the curve fields), so the params and data runs keep their keys.
    f.Design("steps_width", steps_width).AtLeast(1).AtMost(int(kMaxWidth));
    f.Design("step_checkpoints", step_checkpoints)
        .Check(step_checkpoints.empty() || SizeGrid(step_checkpoints).IsValid(nullptr),
               "empty or positive and strictly increasing")
        .Check(step_checkpoints.empty() || step_checkpoints.back() >= warmup_steps,
               "empty or ending at >= warmup_steps = " + FieldValueText(warmup_steps))
        .Check(compute_widths.empty() || !step_checkpoints.empty(),
               "not empty when compute_widths is set (the compute grid reads the checkpoints)");
    f.Design("compute_widths", compute_widths)
        .Check(compute_widths.empty() ||
                   (compute_widths.size() >= 3 && SizeGrid(compute_widths).IsValid(nullptr)),
               "empty or >= 3 positive, strictly increasing widths")
        .Check(compute_widths.empty() || compute_widths.back() <= kMaxWidth,
               "widths <= " + FieldValueText(kMaxWidth));
    f.Curve("eval_every", eval_every).AtLeast(1);
    f.Curve("patience", patience).AtLeast(1);
    f.Curve("test_per_subtask", test_per_subtask).AtLeast(1);
    f.Curve("validation_per_subtask", validation_per_subtask).AtLeast(1);
    f.Curve("learned_threshold", learned_threshold).Above(0.0);
    f.Profile("probe_samples", probe_samples).AtLeast(100);
    f.Profile("probe", probe);
  }

  static constexpr std::int64_t kMaxWidth = 1 << 20;
  static constexpr std::int64_t kMaxDataSize = 100'000'000;
};

class MultitaskSparseParityTarget final : public TargetWith<MultitaskSparseParityOptions> {
 public:
  // Precondition: options valid (the registry checks).
  explicit MultitaskSparseParityTarget(const MultitaskSparseParityOptions& options);

  TargetInfo Describe() const override;
  std::vector<AxisDesign> Designs() const override;
  ProfileResult MeasureProfile(const RunContext& context) const override;
  // One (size, seed): learner "mlp_relu_1hidden", loss "cross_entropy_nats". A params size that
  // is no width's parameter count fails the run.
  RunResult Run(const AxisDesign& design,
                const RunPoint& point,
                const DesignData* data,
                const RunContext& context) const override;
  // The generating frequency decay z = alpha + 1, exactly.
  std::optional<Profile> OracleProfile() const override;

 private:
  struct TrainOutcome {
    double test_loss = 0.0;
    std::vector<double> subtask_losses;  // L_k
    long steps = 0;                      // steps taken (data axis: at the best validation)
  };
  // Online training for checkpoints.back() steps; the outcome at each checkpoint (one for the
  // params axis).
  std::vector<TrainOutcome> TrainOnline(int width,
                                        const std::vector<long>& checkpoints,
                                        std::uint64_t seed) const;
  // One (size, seed) of the params or data axis, one seed of a steps design.
  RunResult RunSteps(const AxisDesign& design,
                     const RunPoint& point,
                     const RunContext& context) const;
  std::vector<RunDiagnostic> Diagnostics(const std::vector<TrainOutcome>& outcomes) const;
  TrainOutcome TrainMultiEpoch(int width, long data_size, long max_steps, std::uint64_t seed) const;

  SparseParityTask task_;
  Eigen::MatrixXf test_x_, validation_x_;
  std::vector<int> test_labels_, validation_labels_;
};

// Spearman's rank correlation of (x, y) with average ranks for ties; NaN when either is constant.
double SpearmanCorrelation(std::span<const double> x, std::span<const double> y);

}  // namespace scalebench
