// A one-hidden-layer ReLU multilayer perceptron, trained with Adam (harness/learners/adam.h):
//   h = relu(W1 x + b1),  z = W2 h + b2,
// with W1: hidden x inputs, W2: outputs x hidden. Forward and backward are written by hand on whole
// batches (samples are the COLUMNS of the input matrix), so every step is three large GEMMs and a
// few element-wise passes; all work buffers are allocated once, at construction, for
// `max_batch` columns, so a training step allocates nothing.
//
// Losses (mean over the batch):
//   kSoftmaxCrossEntropy: labels are ints in [0, outputs); loss -log softmax(z)[label], in nats;
//   kSquaredError:        targets are an outputs x batch matrix; loss 0.5 * ||z - y||^2 per sample.
//
// Initialisation: PyTorch's nn.Linear default, every weight and bias U(-1/sqrt(fan_in),
// 1/sqrt(fan_in)) (fan_in = inputs for layer 1, hidden for layer 2), so the PyTorch comparison in
// bench/msp_torch.py starts from the same distribution.
//
// Usage (float32; BasicMlp<double> exists for the gradient check):
//   MlpOptions options;
//   options.inputs = 784; options.hidden = 256; options.outputs = 10;
//   options.loss = MlpLoss::kSoftmaxCrossEntropy; options.max_batch = 512;
//   std::string error;
//   if (!options.IsValid(&error)) ...;
//   Mlp mlp(options, /*seed=*/1);
//   for (long t = 1; t <= steps; ++t) {
//     ... fill x (784 x 512) and labels (512 ints) ...
//     float loss = mlp.Step(x, labels, ScheduledLearningRate(schedule, t));
//   }
//   mlp.ExampleLosses(x_test, labels_test, &losses);  // per-sample losses for evaluation
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <span>
#include <string>

#include "harness/learners/adam.h"

namespace scalebench {

enum class MlpLoss { kSoftmaxCrossEntropy, kSquaredError };

struct MlpOptions {
  int inputs = 0;
  int hidden = 0;
  int outputs = 0;
  MlpLoss loss = MlpLoss::kSoftmaxCrossEntropy;
  // Largest batch passed to LossAndGradient / Step / ExampleLosses (work buffers are this wide;
  // ExampleLosses takes larger inputs in chunks).
  int max_batch = 256;
  AdamOptions adam;
  // Decoupled (AdamW) weight decay on W1 and W2 (not on biases): w -= lr * weight_decay * w.
  double weight_decay = 0.0;

  // False (with the field named in *error) unless inputs, hidden, outputs, max_batch >= 1,
  // outputs >= 2 for cross-entropy, weight_decay >= 0 and adam valid.
  bool IsValid(std::string* error) const;
};

// Parameters of the network: hidden (inputs + 1) + outputs (hidden + 1).
long MlpParameterCount(int inputs, int hidden, int outputs);

template <typename Scalar>
class BasicMlp {
 public:
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using ConstMatrixRef = Eigen::Ref<const Matrix>;

  // Precondition: options.IsValid(). Weights drawn from `seed` (see the file comment).
  BasicMlp(const MlpOptions& options, std::uint64_t seed);

  // Mean loss over the batch (x: inputs x B, 1 <= B <= max_batch) and its gradient, left in
  // grad_w1() ... grad_b2(). Precondition: the loss kind matches the overload.
  Scalar LossAndGradient(const ConstMatrixRef& x, std::span<const int> labels);
  Scalar LossAndGradient(const ConstMatrixRef& x, const ConstMatrixRef& targets);

  // LossAndGradient, then one Adam step (and decoupled weight decay) at `learning_rate`.
  // Returns the batch's mean loss before the step.
  Scalar Step(const ConstMatrixRef& x, std::span<const int> labels, double learning_rate);
  Scalar Step(const ConstMatrixRef& x, const ConstMatrixRef& targets, double learning_rate);

  // Per-sample losses of any number of samples (columns), in chunks of max_batch; resizes *out.
  void ExampleLosses(const ConstMatrixRef& x, std::span<const int> labels, Vector* out);
  void ExampleLosses(const ConstMatrixRef& x, const ConstMatrixRef& targets, Vector* out);
  // Network outputs z (outputs x B) for any B; resizes *out.
  void Predict(const ConstMatrixRef& x, Matrix* out);

  long num_parameters() const;
  const MlpOptions& options() const { return options_; }

  // Parameters (mutable for the gradient check) and the last computed gradient.
  Matrix& w1() { return w1_; }
  Vector& b1() { return b1_; }
  Matrix& w2() { return w2_; }
  Vector& b2() { return b2_; }
  const Matrix& grad_w1() const { return grad_w1_; }
  const Vector& grad_b1() const { return grad_b1_; }
  const Matrix& grad_w2() const { return grad_w2_; }
  const Vector& grad_b2() const { return grad_b2_; }

 private:
  // Forward pass of the first x.cols() columns into hidden_ and out_ (on the OpenMP threads), and
  // of columns [begin, begin + count) alone.
  void Forward(const ConstMatrixRef& x);
  void ForwardColumns(const ConstMatrixRef& x, Eigen::Index begin, Eigen::Index count);
  // Turn columns [begin, begin + count) of out_ (logits) into d loss / d z (divided by the batch,
  // the size of labels / targets) in place, and write each sample's loss to per_sample[j].
  void CrossEntropyHead(std::span<const int> labels,
                        Eigen::Index begin,
                        Eigen::Index count,
                        Scalar* per_sample);
  void SquaredErrorHead(const ConstMatrixRef& targets,
                        Eigen::Index begin,
                        Eigen::Index count,
                        Scalar* per_sample);
  // Forward pass, head (cross-entropy on labels, or squared error on *targets if not null) and
  // backward pass of one batch; returns the mean loss, leaves the gradient in grad_*.
  Scalar ForwardBackward(const ConstMatrixRef& x,
                         std::span<const int> labels,
                         const ConstMatrixRef* targets);
  void AdamStep(double learning_rate);

  MlpOptions options_;
  Matrix w1_, w2_;
  Vector b1_, b2_;
  Matrix grad_w1_, grad_w2_;
  Vector grad_b1_, grad_b2_;
  AdamState<Matrix> w1_state_, w2_state_;
  AdamState<Vector> b1_state_, b2_state_;
  // Work buffers, max_batch columns; the first B columns are used.
  Matrix hidden_, d_hidden_, out_;
  Vector per_sample_;
};

using Mlp = BasicMlp<float>;

extern template class BasicMlp<float>;
extern template class BasicMlp<double>;

}  // namespace scalebench
