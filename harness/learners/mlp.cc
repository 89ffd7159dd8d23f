#include "harness/learners/mlp.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <sstream>

#include "datasets/generators/random.h"

// Speed notes. Samples are columns, so the three GEMMs (W1 x, W2^T dz, dh x^T) and the small ones
// run on contiguous column-major blocks with no transposed copies (Eigen folds the transposes
// into the GEMM kernel). Bias and ReLU are one fused pass over h; the ReLU mask is read from h
// itself (h > 0) instead of a stored mask. The softmax head loops over columns because the
// output count is small (2 for the parity tasks); its cost is O(outputs x B), negligible beside
// O(hidden x inputs x B).

namespace scalebench {

const char* ToString(MlpLoss loss) {
  return loss == MlpLoss::kSquaredError ? "squared_error" : "softmax_cross_entropy";
}

bool MlpOptions::IsValid(std::string* error) const {
  std::ostringstream message;
  if (inputs < 1) {
    message << "mlp.inputs = " << inputs << " must be >= 1";
  } else if (hidden < 1) {
    message << "mlp.hidden = " << hidden << " must be >= 1";
  } else if (outputs < 1 || (loss == MlpLoss::kSoftmaxCrossEntropy && outputs < 2)) {
    message << "mlp.outputs = " << outputs << " must be >= 1 (>= 2 for softmax cross-entropy)";
  } else if (max_batch < 1) {
    message << "mlp.max_batch = " << max_batch << " must be >= 1";
  } else if (!(weight_decay >= 0.0) || !std::isfinite(weight_decay)) {
    message << "mlp.weight_decay = " << weight_decay << " must be finite and >= 0";
  } else if (std::string adam_error; !adam.IsValid(&adam_error)) {
    message << "mlp." << adam_error;
  } else {
    return true;
  }
  if (error != nullptr) *error = message.str();
  return false;
}

long MlpParameterCount(int inputs, int hidden, int outputs) {
  return long(hidden) * (inputs + 1) + long(outputs) * (hidden + 1);
}

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
BasicMlp<Scalar>::BasicMlp(const MlpOptions& options, std::uint64_t seed)
    : options_(options),
      w1_(options.hidden, options.inputs),
      w2_(options.outputs, options.hidden),
      b1_(options.hidden),
      b2_(options.outputs),
      grad_w1_(Matrix::Zero(options.hidden, options.inputs)),
      grad_w2_(Matrix::Zero(options.outputs, options.hidden)),
      grad_b1_(Vector::Zero(options.hidden)),
      grad_b2_(Vector::Zero(options.outputs)),
      w1_state_(grad_w1_),
      w2_state_(grad_w2_),
      b1_state_(grad_b1_),
      b2_state_(grad_b2_),
      hidden_(options.hidden, options.max_batch),
      d_hidden_(options.hidden, options.max_batch),
      out_(options.outputs, options.max_batch),
      per_sample_(options.max_batch) {
  Xoshiro256pp rng(seed);
  const double bound1 = 1.0 / std::sqrt(double(options.inputs));
  const double bound2 = 1.0 / std::sqrt(double(options.hidden));
  FillUniform(rng, bound1, &w1_);
  FillUniform(rng, bound1, &b1_);
  FillUniform(rng, bound2, &w2_);
  FillUniform(rng, bound2, &b2_);
}

template <typename Scalar>
long BasicMlp<Scalar>::num_parameters() const {
  return MlpParameterCount(options_.inputs, options_.hidden, options_.outputs);
}

template <typename Scalar>
void BasicMlp<Scalar>::Forward(const ConstMatrixRef& x) {
  const Eigen::Index batch = x.cols();
  assert(x.rows() == options_.inputs && batch >= 1 && batch <= options_.max_batch);
  auto h = hidden_.leftCols(batch);
  h.noalias() = w1_ * x;
  h.array() = (h.array().colwise() + b1_.array()).cwiseMax(Scalar(0));
  auto z = out_.leftCols(batch);
  z.noalias() = w2_ * h;
  z.colwise() += b2_;
}

template <typename Scalar>
Scalar BasicMlp<Scalar>::CrossEntropyHead(std::span<const int> labels, Scalar* per_sample) {
  const Eigen::Index batch = Eigen::Index(labels.size());
  const Scalar inv_batch = Scalar(1) / Scalar(batch);
  double total = 0.0;
  for (Eigen::Index j = 0; j < batch; ++j) {
    auto z = out_.col(j);
    const int label = labels[j];
    assert(label >= 0 && label < options_.outputs);
    const Scalar max = z.maxCoeff();
    const Scalar gap = z(label) - max;  // <= 0; the loss from it cannot underflow
    z.array() = (z.array() - max).exp();
    const Scalar sum = z.sum();
    const Scalar loss = std::log(sum) - gap;
    if (per_sample != nullptr) per_sample[j] = loss;
    total += double(loss);
    z *= inv_batch / sum;
    z(label) -= inv_batch;
  }
  return Scalar(total / double(batch));
}

template <typename Scalar>
Scalar BasicMlp<Scalar>::SquaredErrorHead(const ConstMatrixRef& targets, Scalar* per_sample) {
  const Eigen::Index batch = targets.cols();
  assert(targets.rows() == options_.outputs);
  auto z = out_.leftCols(batch);
  z -= targets;
  double total = 0.0;
  for (Eigen::Index j = 0; j < batch; ++j) {
    const Scalar loss = Scalar(0.5) * z.col(j).squaredNorm();
    if (per_sample != nullptr) per_sample[j] = loss;
    total += double(loss);
  }
  z *= Scalar(1) / Scalar(batch);
  return Scalar(total / double(batch));
}

template <typename Scalar>
void BasicMlp<Scalar>::Backward(const ConstMatrixRef& x) {
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
void BasicMlp<Scalar>::AdamStep(double learning_rate) {
  if (options_.weight_decay > 0.0) {
    const Scalar shrink = Scalar(1.0 - learning_rate * options_.weight_decay);
    w1_ *= shrink;
    w2_ *= shrink;
  }
  w1_state_.Step(options_.adam, learning_rate, grad_w1_, &w1_);
  b1_state_.Step(options_.adam, learning_rate, grad_b1_, &b1_);
  w2_state_.Step(options_.adam, learning_rate, grad_w2_, &w2_);
  b2_state_.Step(options_.adam, learning_rate, grad_b2_, &b2_);
}

template <typename Scalar>
Scalar BasicMlp<Scalar>::LossAndGradient(const ConstMatrixRef& x, std::span<const int> labels) {
  assert(options_.loss == MlpLoss::kSoftmaxCrossEntropy && Eigen::Index(labels.size()) == x.cols());
  Forward(x);
  const Scalar loss = CrossEntropyHead(labels, nullptr);
  Backward(x);
  return loss;
}

template <typename Scalar>
Scalar BasicMlp<Scalar>::LossAndGradient(const ConstMatrixRef& x, const ConstMatrixRef& targets) {
  assert(options_.loss == MlpLoss::kSquaredError && targets.cols() == x.cols());
  Forward(x);
  const Scalar loss = SquaredErrorHead(targets, nullptr);
  Backward(x);
  return loss;
}

template <typename Scalar>
Scalar BasicMlp<Scalar>::Step(const ConstMatrixRef& x,
                              std::span<const int> labels,
                              double learning_rate) {
  const Scalar loss = LossAndGradient(x, labels);
  AdamStep(learning_rate);
  return loss;
}

template <typename Scalar>
Scalar BasicMlp<Scalar>::Step(const ConstMatrixRef& x,
                              const ConstMatrixRef& targets,
                              double learning_rate) {
  const Scalar loss = LossAndGradient(x, targets);
  AdamStep(learning_rate);
  return loss;
}

template <typename Scalar>
void BasicMlp<Scalar>::ExampleLosses(const ConstMatrixRef& x,
                                     std::span<const int> labels,
                                     Vector* out) {
  out->resize(x.cols());
  for (Eigen::Index start = 0; start < x.cols(); start += options_.max_batch) {
    const Eigen::Index n = std::min<Eigen::Index>(options_.max_batch, x.cols() - start);
    Forward(x.middleCols(start, n));
    CrossEntropyHead(labels.subspan(start, n), out->data() + start);
  }
}

template <typename Scalar>
void BasicMlp<Scalar>::ExampleLosses(const ConstMatrixRef& x,
                                     const ConstMatrixRef& targets,
                                     Vector* out) {
  out->resize(x.cols());
  for (Eigen::Index start = 0; start < x.cols(); start += options_.max_batch) {
    const Eigen::Index n = std::min<Eigen::Index>(options_.max_batch, x.cols() - start);
    Forward(x.middleCols(start, n));
    SquaredErrorHead(targets.middleCols(start, n), out->data() + start);
  }
}

template <typename Scalar>
void BasicMlp<Scalar>::Predict(const ConstMatrixRef& x, Matrix* out) {
  out->resize(options_.outputs, x.cols());
  for (Eigen::Index start = 0; start < x.cols(); start += options_.max_batch) {
    const Eigen::Index n = std::min<Eigen::Index>(options_.max_batch, x.cols() - start);
    Forward(x.middleCols(start, n));
    out->middleCols(start, n) = out_.leftCols(n);
  }
}

template class BasicMlp<float>;
template class BasicMlp<double>;

}  // namespace scalebench
