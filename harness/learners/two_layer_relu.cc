// Implementation of harness/learners/two_layer_relu.h.
#include "harness/learners/two_layer_relu.h"

#include <cassert>
#include <cmath>

// Speed notes. Bias and ReLU are one fused pass over h; the ReLU mask is read from h itself
// (h > 0) instead of a stored mask. The softmax head loops over columns: its cost is
// O(outputs x B), small beside the O(hidden x inputs x B) of the GEMMs for the MLP's few outputs,
// and about that of the output-side GEMMs for the neural LM's vocabulary.

namespace scalebench {
namespace {

template <typename M>
void FillUniform(Xoshiro256pp& rng, double bound, M* m) {
  for (Eigen::Index j = 0; j < m->cols(); ++j) {
    for (Eigen::Index i = 0; i < m->rows(); ++i) {
      (*m)(i, j) = typename M::Scalar(bound * (2.0 * rng.UniformOpen() - 1.0));
    }
  }
}

}  // namespace

template <typename Scalar>
TwoLayerRelu<Scalar>::TwoLayerRelu(int inputs, int hidden, int outputs, int max_batch)
    : w1_(hidden, inputs),
      w2_(outputs, hidden),
      b1_(hidden),
      b2_(outputs),
      grad_w1_(Matrix::Zero(hidden, inputs)),
      grad_w2_(Matrix::Zero(outputs, hidden)),
      grad_b1_(Vector::Zero(hidden)),
      grad_b2_(Vector::Zero(outputs)),
      w1_state_(grad_w1_),
      w2_state_(grad_w2_),
      b1_state_(grad_b1_),
      b2_state_(grad_b2_),
      hidden_(hidden, max_batch),
      d_hidden_(hidden, max_batch),
      out_(outputs, max_batch) {}

template <typename Scalar>
void TwoLayerRelu<Scalar>::Initialize(Xoshiro256pp& rng) {
  const double bound1 = 1.0 / std::sqrt(double(w1_.cols()));
  const double bound2 = 1.0 / std::sqrt(double(w2_.cols()));
  FillUniform(rng, bound1, &w1_);
  FillUniform(rng, bound1, &b1_);
  FillUniform(rng, bound2, &w2_);
  FillUniform(rng, bound2, &b2_);
}

template <typename Scalar>
void TwoLayerRelu<Scalar>::Forward(const ConstMatrixRef& x) {
  const Eigen::Index batch = x.cols();
  assert(x.rows() == w1_.cols() && batch >= 1 && batch <= hidden_.cols());
  auto h = hidden_.leftCols(batch);
  h.noalias() = w1_ * x;
  h.array() = (h.array().colwise() + b1_.array()).cwiseMax(Scalar(0));
  auto z = out_.leftCols(batch);
  z.noalias() = w2_ * h;
  z.colwise() += b2_;
}

template <typename Scalar>
double TwoLayerRelu<Scalar>::CrossEntropyHead(std::span<const int> labels,
                                              bool gradient,
                                              Scalar* per_sample) {
  const Eigen::Index batch = Eigen::Index(labels.size());
  const Scalar inv_batch = Scalar(1) / Scalar(batch);
  double total = 0.0;
  for (Eigen::Index j = 0; j < batch; ++j) {
    auto z = out_.col(j);
    const int label = labels[j];
    assert(label >= 0 && label < out_.rows());
    const Scalar max = z.maxCoeff();
    const Scalar gap = z(label) - max;  // <= 0: the loss below cannot underflow
    z.array() = (z.array() - max).exp();
    const Scalar sum = z.sum();
    const Scalar loss = std::log(sum) - gap;
    if (per_sample != nullptr) per_sample[j] = loss;
    total += double(loss);
    if (gradient) {
      z *= inv_batch / sum;
      z(label) -= inv_batch;
    }
  }
  return total;
}

template <typename Scalar>
double TwoLayerRelu<Scalar>::SquaredErrorHead(const ConstMatrixRef& targets, Scalar* per_sample) {
  const Eigen::Index batch = targets.cols();
  assert(targets.rows() == out_.rows());
  auto z = out_.leftCols(batch);
  z -= targets;
  double total = 0.0;
  for (Eigen::Index j = 0; j < batch; ++j) {
    const Scalar loss = Scalar(0.5) * z.col(j).squaredNorm();
    if (per_sample != nullptr) per_sample[j] = loss;
    total += double(loss);
  }
  z *= Scalar(1) / Scalar(batch);
  return total;
}

template <typename Scalar>
void TwoLayerRelu<Scalar>::Backward(const ConstMatrixRef& x) {
  const Eigen::Index batch = x.cols();
  auto h = hidden_.leftCols(batch);
  auto dz = out_.leftCols(batch);
  grad_w2_.noalias() = dz * h.transpose();
  grad_b2_.noalias() = dz.rowwise().sum();
  // dh = (W2^T dz) masked by the ReLU's active set h > 0.
  auto dh = d_hidden_.leftCols(batch);
  dh.noalias() = w2_.transpose() * dz;
  dh.array() = (h.array() > Scalar(0)).select(dh.array(), Scalar(0));
  grad_b1_.noalias() = dh.rowwise().sum();
  grad_w1_.noalias() = dh * x.transpose();
}

template <typename Scalar>
void TwoLayerRelu<Scalar>::AdamStep(const AdamOptions& adam,
                                    double learning_rate,
                                    double weight_decay) {
  if (weight_decay > 0.0) {
    const Scalar shrink = Scalar(1.0 - learning_rate * weight_decay);
    w1_ *= shrink;
    w2_ *= shrink;
  }
  w1_state_.Step(adam, learning_rate, grad_w1_, &w1_);
  b1_state_.Step(adam, learning_rate, grad_b1_, &b1_);
  w2_state_.Step(adam, learning_rate, grad_w2_, &w2_);
  b2_state_.Step(adam, learning_rate, grad_b2_, &b2_);
}

template class TwoLayerRelu<float>;
template class TwoLayerRelu<double>;

}  // namespace scalebench
