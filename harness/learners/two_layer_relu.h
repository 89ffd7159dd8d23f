// One hidden ReLU layer and a linear output on whole batches (samples are the COLUMNS):
//   h = relu(W1 x + b1),  z = W2 h + b2,   W1: hidden x inputs, W2: outputs x hidden,
// with the heads (softmax cross-entropy, squared error), the hand-written backward pass and one
// Adam step: the network of the MLP learner (mlp.h) and, on gathered embeddings, of the neural
// LM (neural_lm.h). Work buffers are allocated once for max_batch columns; every GEMM runs on
// contiguous column-major blocks (Eigen folds the transposes in).
//
// Threads: a training step (ForwardBackward) is one OpenMP region with one barrier, and Forward
// one region, on Eigen's thread count (Eigen::nbThreads(), i.e. omp_get_max_threads(); one
// thread inside an enclosing parallel region). The threads split each product by columns, so
// no thread waits in Eigen's spinning parallel GEMM (docs/threads.md), and each block is what
// Eigen's own product at that thread count computes for those columns
// (internal_product_columns.h): the numbers are those of plain Eigen products, at any thread
// count.
//
// Usage:
//   TwoLayerRelu<float> net(inputs, hidden, outputs, max_batch);
//   net.Initialize(rng);                                  // PyTorch's nn.Linear default
//   const double total = net.ForwardBackward(x, labels);  // x: inputs x B, B <= max_batch;
//                                                         // gradients of total / B
//   net.AdamStep(adam, learning_rate, /*weight_decay=*/0.0);
//   net.Forward(x_test);                                  // evaluation
//   net.CrossEntropyHead(labels_test, /*gradient=*/false, per_sample);
#pragma once

#include <Eigen/Core>
#include <span>

#include "datasets/generators/random.h"
#include "harness/learners/adam.h"

namespace scalebench {

template <typename Scalar>
class TwoLayerRelu {
 public:
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using ConstMatrixRef = Eigen::Ref<const Matrix>;

  // All >= 1. The weights are unset until Initialize.
  TwoLayerRelu(int inputs, int hidden, int outputs, int max_batch);

  // W1, b1 ~ U(-1/sqrt(inputs), 1/sqrt(inputs)), then W2, b2 ~ U(-1/sqrt(hidden),
  // 1/sqrt(hidden)), drawn in that order, column by column (PyTorch's nn.Linear default).
  void Initialize(Xoshiro256pp& rng);

  // h and the logits z of the columns of x (inputs x B, 1 <= B <= max_batch) into the buffers.
  void Forward(const ConstMatrixRef& x);
  // Summed softmax cross-entropy (nats) of the last Forward's B columns against labels (B ints
  // in [0, outputs)); per_sample (optional) gets each column's loss. With `gradient`, turns the
  // logits into d (mean loss) / d z in place.
  double CrossEntropyHead(std::span<const int> labels, bool gradient, Scalar* per_sample);
  // Summed 0.5 ||z - y||^2 of the last Forward's columns against targets (outputs x B); always
  // turns the logits into d (mean loss) / d z.
  double SquaredErrorHead(const ConstMatrixRef& targets, Scalar* per_sample);
  // One training batch: the forward pass, the head (cross-entropy against B labels, or squared
  // error against outputs x B targets) and the gradients of the mean loss, left in grad_*();
  // d_input (optional; inputs x >= B) gets d (mean loss) / d x in its first B columns. Returns
  // the summed loss (each sample's loss in float, summed in double in sample order).
  double ForwardBackward(const ConstMatrixRef& x,
                         std::span<const int> labels,
                         Matrix* d_input = nullptr);
  double ForwardBackward(const ConstMatrixRef& x,
                         const ConstMatrixRef& targets,
                         Matrix* d_input = nullptr);
  // Decoupled weight decay on W1 and W2 (w -= lr * weight_decay * w, when > 0), then one Adam
  // step of every block.
  void AdamStep(const AdamOptions& adam, double learning_rate, double weight_decay);

  // The output of the last Forward (logits), or the head's d loss / d z after it.
  auto out(Eigen::Index batch) const { return out_.leftCols(batch); }

  Matrix& w1() { return w1_; }
  Vector& b1() { return b1_; }
  Matrix& w2() { return w2_; }
  Vector& b2() { return b2_; }
  const Matrix& w1() const { return w1_; }
  const Matrix& grad_w1() const { return grad_w1_; }
  const Vector& grad_b1() const { return grad_b1_; }
  const Matrix& grad_w2() const { return grad_w2_; }
  const Vector& grad_b2() const { return grad_b2_; }

 private:
  // Forward pass of columns [begin, begin + count) of x (x.cols() in all), with Eigen's thread
  // count `eigen_threads` for the whole product.
  void ForwardColumns(const ConstMatrixRef& x,
                      Eigen::Index begin,
                      Eigen::Index count,
                      int eigen_threads);
  // The cross-entropy or squared-error head on columns [begin, begin + count) of the last
  // forward pass of B = labels.size() (targets.cols()) columns; each sample's loss into
  // per_sample[j] (if not null).
  void CrossEntropyColumns(std::span<const int> labels,
                           Eigen::Index begin,
                           Eigen::Index count,
                           bool gradient,
                           Scalar* per_sample);
  void SquaredErrorColumns(const ConstMatrixRef& targets,
                           Eigen::Index begin,
                           Eigen::Index count,
                           Scalar* per_sample);
  // ForwardBackward with the cross-entropy head (targets == nullptr) or the squared error.
  double Train(const ConstMatrixRef& x,
               std::span<const int> labels,
               const ConstMatrixRef* targets,
               Matrix* d_input);

  Matrix w1_, w2_;
  Vector b1_, b2_;
  Matrix grad_w1_, grad_w2_;
  Vector grad_b1_, grad_b2_;
  AdamState<Matrix> w1_state_, w2_state_;
  AdamState<Vector> b1_state_, b2_state_;
  // Work buffers, max_batch columns; the first B are used.
  Matrix hidden_, d_hidden_, out_;
  Vector per_sample_;
};

extern template class TwoLayerRelu<float>;
extern template class TwoLayerRelu<double>;

}  // namespace scalebench
