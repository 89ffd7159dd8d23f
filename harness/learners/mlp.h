// A one-hidden-layer ReLU multilayer perceptron, trained with Adam (harness/learners/adam.h):
//   h = relu(W1 x + b1),  z = W2 h + b2,
// with W1: hidden x inputs, W2: outputs x hidden: the network of two_layer_relu.h (forward and
// backward by hand on whole batches, samples the COLUMNS of the input matrix, work buffers
// allocated once for `max_batch` columns) with the MLP's options, losses and chunked evaluation.
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
#include "harness/learners/two_layer_relu.h"

namespace scalebench {

enum class MlpLoss { kSoftmaxCrossEntropy, kSquaredError };
const char* ToString(MlpLoss loss);  // "softmax_cross_entropy", "squared_error"

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
  using Matrix = typename TwoLayerRelu<Scalar>::Matrix;
  using Vector = typename TwoLayerRelu<Scalar>::Vector;
  using ConstMatrixRef = typename TwoLayerRelu<Scalar>::ConstMatrixRef;

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
  Matrix& w1() { return net_.w1(); }
  Vector& b1() { return net_.b1(); }
  Matrix& w2() { return net_.w2(); }
  Vector& b2() { return net_.b2(); }
  const Matrix& grad_w1() const { return net_.grad_w1(); }
  const Vector& grad_b1() const { return net_.grad_b1(); }
  const Matrix& grad_w2() const { return net_.grad_w2(); }
  const Vector& grad_b2() const { return net_.grad_b2(); }

 private:
  MlpOptions options_;
  TwoLayerRelu<Scalar> net_;
};

using Mlp = BasicMlp<float>;

extern template class BasicMlp<float>;
extern template class BasicMlp<double>;

}  // namespace scalebench
