// The model target "multitask_sparse_parity/alpha<alpha>" (and "..._full"): Michaud, Liu, Girit &
// Tegmark's (2023, arXiv:2303.13506, lit-language.md 1.1) multitask sparse parity (MSP), trained
// for real with a one-hidden-layer ReLU MLP (harness/learners/mlp.h) and Adam.
//
// Data. T subtasks; subtask k (rank 1 = most frequent) has a fixed random subset S_k of
// `parity_bits` of the `num_bits` task bits (distinct subsets). A sample draws k with probability
// p_k = k^-(alpha+1) / H_T(alpha+1) (alpha in the quanta theories' convention; frequency_decay
// z = alpha + 1), and num_bits uniform task bits b. Input = one-hot(k) (T control bits) || b;
// label = parity of b over S_k (2 classes). Samples are monogenic: each needs exactly one quantum.
//
// Designs (>= 3 seeds each):
//   params (Axis::kParams): sizes = the MLP's parameter count at each hidden width; online
//     training (a fresh batch every step from the seed's stream), a fixed number of steps;
//   data (Axis::kData): a fixed, wide MLP trained for many epochs on D samples (the first D of the
//     seed's stream, so the sets are nested), early stopping on a validation set; the curve holds
//     the test loss at the step of the best validation loss.
// Loss: test cross-entropy in nats, nothing subtracted (the labels are deterministic, so the Bayes
// loss is 0 and the fit form E + A x^-alpha's E absorbs what finite steps / width leave), computed
// with exact Zipf proportions: test loss = sum_k p_k L_k, L_k the mean loss on a fixed set of
// `test_per_subtask` points of subtask k. This is the expectation Michaud et al.'s exact-proportion
// test set estimates, without the sampling noise of the rare subtasks. The validation loss is
// the same sum over a second, independent per-subtask set.
//
// Diagnostics recorded beside the loss (LearningCurve::diagnostics):
//   subtask_loss_<k> (k = 1..T, in_report = false): L_k, the test loss of the k-th most frequent
//     subtask, so "quanta are learned in order of frequency" can be checked from the cache;
//   subtasks_learned: how many subtasks have L_k < learned_threshold (0.05 nats by default; chance
//     is ln 2 = 0.693);
//   frequency_loss_spearman: Spearman's rank correlation between k and L_k (average ranks for
//     ties); +1 = strictly learned in order of frequency, 0 = no relation.
// Profile: the frequency probe (datasets/probes/frequency_probe.h) on `probe_samples` subtask
// labels drawn from their own random stream, independent of every training stream.
//
// Suites. "multitask_sparse_parity/alpha0.4" and ".../alpha1.0" are the small versions in the
// default suite (about a minute for both, 2 cores); ".../alpha0.4_full" and ".../alpha1.0_full"
// are the larger sweep (more subtasks, more widths and sizes, more steps), in "full" only.
// The timings are in the .cc file comment.
//
// Tests may build other settings:
//   MultitaskSparseParityOptions options = MultitaskSparseParityOptions::Small(0.4);
//   options.param_widths = {8, 16};
//   MultitaskSparseParityTarget target(options);
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "datasets/generators/random.h"
#include "datasets/probes/frequency_probe.h"
#include "harness/learners/adam.h"
#include "harness/targets/target.h"

namespace scalebench {

struct SparseParityTaskOptions {
  int num_subtasks = 64;  // T
  int num_bits = 16;      // task bits n, <= 64
  int parity_bits = 3;    // k bits per subset
  double alpha = 0.4;     // p_k ~ k^-(alpha+1)
  std::uint64_t subset_seed = 1;

  // False with the field named, e.g. "task.parity_bits = 9 must be in [1, num_bits = 8]", and
  // false when C(num_bits, parity_bits) < num_subtasks (the subsets must be distinct).
  bool IsValid(std::string* error) const;
};

// The MSP data distribution: subsets, subtask probabilities and sampling.
class SparseParityTask {
 public:
  // Precondition: options.IsValid().
  explicit SparseParityTask(const SparseParityTaskOptions& options);

  int inputs() const { return options_.num_subtasks + options_.num_bits; }
  int num_subtasks() const { return options_.num_subtasks; }
  const SparseParityTaskOptions& options() const { return options_; }
  // p_k for k = 0..T-1 (index 0 is rank 1), summing to 1.
  const std::vector<double>& probabilities() const { return probabilities_; }
  // Bit mask of S_k over the task bits (bit i = task bit i).
  std::uint64_t subset_mask(int subtask) const { return masks_[subtask]; }

  // A subtask index drawn with probabilities p_k (inverse CDF).
  int DrawSubtask(Xoshiro256pp& rng) const;
  // Writes x.col(j) and labels[j] for subtasks[j], task bits from rng; x: inputs() x n.
  void Fill(std::span<const int> subtasks,
            Xoshiro256pp& rng,
            Eigen::Ref<Eigen::MatrixXf> x,
            std::span<int> labels) const;
  // n i.i.d. samples: subtasks drawn, then filled; resizes the outputs.
  void Sample(Xoshiro256pp& rng,
              int n,
              Eigen::MatrixXf* x,
              std::vector<int>* labels,
              std::vector<int>* subtasks) const;
  // `per_subtask` samples of every subtask, subtask-major (sample j has subtask j / per_subtask).
  void SamplePerSubtask(Xoshiro256pp& rng,
                        int per_subtask,
                        Eigen::MatrixXf* x,
                        std::vector<int>* labels) const;

 private:
  SparseParityTaskOptions options_;
  std::vector<double> probabilities_;
  std::vector<double> cumulative_;
  std::vector<std::uint64_t> masks_;
};

struct MultitaskSparseParityOptions {
  SparseParityTaskOptions task;
  std::string name_suffix;  // "" or "_full": part of the target name
  std::vector<std::string> suites = {"default"};
  int seeds = 3;
  std::uint64_t seed_base = 20261122;
  // Optimizer, shared by both designs (Adam, constant rate unless a schedule is set: warm-up
  // and cosine over each run's step budget).
  double learning_rate = 1e-3;
  long warmup_steps = 0;
  double final_lr_fraction = 1.0;
  int batch_size = 256;
  // Parameter axis: hidden widths (increasing), steps per run.
  std::vector<int> param_widths = {4, 8, 16, 32, 64};
  long param_steps = 2000;
  // Data axis: fixed width, training-set sizes D (increasing integers), step budget, validation
  // every eval_every steps, stop after `patience` evaluations without improvement.
  int data_width = 128;
  std::vector<double> data_sizes = {1000, 2000, 4000, 8000, 16000};
  long data_max_steps = 3000;
  int eval_every = 100;
  int patience = 5;
  // Evaluation sets (fixed, shared by all seeds and sizes) and the "learned" threshold.
  int test_per_subtask = 256;
  int validation_per_subtask = 64;
  double learned_threshold = 0.05;
  // Profile: the frequency probe on this many subtask labels.
  int probe_samples = 100000;
  FrequencyProbeOptions probe;

  // False with the field named and what was expected.
  bool IsValid(std::string* error) const;
  // The registered settings (see the .cc file comment for how they were chosen).
  static MultitaskSparseParityOptions Small(double alpha);
  static MultitaskSparseParityOptions Full(double alpha);
};

class MultitaskSparseParityTarget final : public Target {
 public:
  // Precondition: options.IsValid().
  explicit MultitaskSparseParityTarget(const MultitaskSparseParityOptions& options);

  // "multitask_sparse_parity/alpha0.4" + suffix
  static std::string Name(double alpha, const std::string& suffix = "");

  TargetInfo Describe() const override;
  std::vector<AxisDesign> Designs() const override;
  Profile MeasureProfile(const ProgressFn& progress) const override;
  // Trains either design (learner "mlp_relu_1hidden", loss "cross_entropy_nats"); runs of
  // different (size, seed) go to different OpenMP threads. Another design gives NaN losses and a
  // progress message saying why.
  LearningCurve Train(const AxisDesign& design, const ProgressFn& progress) const override;
  std::string CacheKeyMaterial() const override;

  // One run's outcome: test loss sum_k p_k L_k and the L_k.
  struct RunResult {
    double test_loss = 0.0;
    std::vector<double> subtask_losses;
    long steps = 0;  // steps taken (data axis: at the best validation point)
  };
  // Online training at `width` for `steps` steps (the params design's run).
  RunResult TrainOnline(int width, long steps, std::uint64_t seed) const;
  // Multi-epoch training on the first `data_size` samples of the seed's stream with early
  // stopping (the data design's run).
  RunResult TrainMultiEpoch(int width, long data_size, long max_steps, std::uint64_t seed) const;

 private:
  MultitaskSparseParityOptions options_;
  SparseParityTask task_;
  Eigen::MatrixXf test_x_, validation_x_;
  std::vector<int> test_labels_, validation_labels_;
};

// Spearman's rank correlation of (x, y) with average ranks for ties; NaN when either is constant.
double SpearmanCorrelation(std::span<const double> x, std::span<const double> y);

}  // namespace scalebench
