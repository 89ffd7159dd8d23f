// What a learner declares before it is trained: the scaling axis being swept and the knobs that
// are fixed (ridge, feature count, train size, optimizer). Theories may read all of it; it holds no
// outcome of training.
#pragma once

#include <limits>
#include <string>
#include <vector>

namespace scalebench {

// The size variable a learning curve is swept over.
enum class Axis {
  kData,     // P: number of training samples
  kParams,   // N: number of parameters / features
  kWidth,    // m: hidden width
  kSteps,    // t: optimizer steps
  kCompute,  // C: training compute
};

const char* ToString(Axis axis);
// Returns false for an unknown name; `valid` (if non-null) receives the list of valid names.
bool FromString(const std::string& name, Axis* out, std::string* valid = nullptr);
std::vector<Axis> AllAxes();

inline constexpr double kInfinite = std::numeric_limits<double>::infinity();

struct LearnerSpec {
  // Learner family, e.g. "linear_ridge" (regression on the raw inputs) or
  // "projected_linear_ridge" (regression on N Gaussian random projections of the inputs).
  std::string kind;
  // Definition of the loss on the learning curve, e.g. "excess_mse" (population MSE minus the
  // irreducible part), "mse", "cross_entropy_nats".
  std::string loss = "excess_mse";
  // Explicit ridge (L2) strength on the normal equations; 0 means ridgeless (min-norm).
  double ridge = 0.0;
  // Number of features held fixed while another axis is swept; kInfinite: the learner sees the
  // raw inputs (no feature bottleneck).
  double features = kInfinite;
  // Number of training samples held fixed while another axis is swept; kInfinite: the
  // population (infinite-data) limit is solved exactly.
  double train_size = kInfinite;
  // Optimizer knobs, empty / zero for closed-form learners.
  std::string optimizer;
  double learning_rate = 0.0;
  double weight_decay = 0.0;
  int batch_size = 0;
  long steps = 0;
  // Trainable parameters N, for a learner whose size is not `features` (a network's parameter
  // count), held fixed while another axis is swept; 0: not declared (also on a design that sweeps
  // N). A transformer LM declares its non-embedding N (Kaplan et al. 2020: without the token and
  // position embeddings, to which its output map is tied), the N of its params axis. The model
  // sizes of a compute grid (AxisDesign::compute_grid) declare it.
  double parameters = 0.0;
  // Training FLOPs of one optimizer step; 0: not declared (closed-form learners). Convention:
  // 6 N B for a network of N = `parameters` on batches of B = `batch_size` samples (2 N B forward,
  // 4 N B backward; Kaplan et al. 2020, Hoffmann et al. 2022); for a sequence model a sample is a
  // token (B = `batch_size` tokens per step). A learner whose theories count compute otherwise
  // declares their count: power-law random features under one-pass SGD declare d B (Paquette et
  // al. 2024's f = d B r, d = `parameters`). Compute exponents depend only on how it grows with N;
  // the compute-optimal N*, D* and D*/N* read the constant too.
  double flops_per_step = 0.0;
  // Sequence models (the transformer LM; 0 where they do not apply): the context length in
  // tokens, and the shape (model width, layers, attention heads).
  int context = 0;
  int width = 0;
  int depth = 0;
  int heads = 0;
  // A design that sweeps width with a width-dependent peak rate (0: every width trains at
  // `learning_rate`): widths up to this base width train at `learning_rate`, a wider model of width
  // w at learning_rate x base / w, the 1/width rule of muP for Adam (Yang et al. 2022) applied to
  // every parameter, so that the declared optimizer follows the model as it grows.
  int learning_rate_base_width = 0;
};

// The peak rate of a model of `width` under learning_rate_base_width's rule (`base_width` 0: the
// rate itself): LearningRateAtWidth(spec.learning_rate, spec.learning_rate_base_width, w).
double LearningRateAtWidth(double learning_rate, int base_width, int width);

}  // namespace scalebench
