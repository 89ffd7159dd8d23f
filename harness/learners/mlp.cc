#include "harness/learners/mlp.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <sstream>

#include "datasets/generators/random.h"

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

template <typename Scalar>
BasicMlp<Scalar>::BasicMlp(const MlpOptions& options, std::uint64_t seed)
    : options_(options), net_(options.inputs, options.hidden, options.outputs, options.max_batch) {
  Xoshiro256pp rng(seed);
  net_.Initialize(rng);
}

template <typename Scalar>
long BasicMlp<Scalar>::num_parameters() const {
  return MlpParameterCount(options_.inputs, options_.hidden, options_.outputs);
}

template <typename Scalar>
Scalar BasicMlp<Scalar>::LossAndGradient(const ConstMatrixRef& x, std::span<const int> labels) {
  assert(options_.loss == MlpLoss::kSoftmaxCrossEntropy && Eigen::Index(labels.size()) == x.cols());
  const double total = net_.ForwardBackward(x, labels);
  return Scalar(total / double(x.cols()));
}

template <typename Scalar>
Scalar BasicMlp<Scalar>::LossAndGradient(const ConstMatrixRef& x, const ConstMatrixRef& targets) {
  assert(options_.loss == MlpLoss::kSquaredError && targets.cols() == x.cols());
  const double total = net_.ForwardBackward(x, targets);
  return Scalar(total / double(x.cols()));
}

template <typename Scalar>
Scalar BasicMlp<Scalar>::Step(const ConstMatrixRef& x,
                              std::span<const int> labels,
                              double learning_rate) {
  const Scalar loss = LossAndGradient(x, labels);
  net_.AdamStep(options_.adam, learning_rate, options_.weight_decay);
  return loss;
}

template <typename Scalar>
Scalar BasicMlp<Scalar>::Step(const ConstMatrixRef& x,
                              const ConstMatrixRef& targets,
                              double learning_rate) {
  const Scalar loss = LossAndGradient(x, targets);
  net_.AdamStep(options_.adam, learning_rate, options_.weight_decay);
  return loss;
}

template <typename Scalar>
void BasicMlp<Scalar>::ExampleLosses(const ConstMatrixRef& x,
                                     std::span<const int> labels,
                                     Vector* out) {
  out->resize(x.cols());
  for (Eigen::Index start = 0; start < x.cols(); start += options_.max_batch) {
    const Eigen::Index n = std::min<Eigen::Index>(options_.max_batch, x.cols() - start);
    net_.Forward(x.middleCols(start, n));
    net_.CrossEntropyHead(labels.subspan(start, n), /*gradient=*/false, out->data() + start);
  }
}

template <typename Scalar>
void BasicMlp<Scalar>::ExampleLosses(const ConstMatrixRef& x,
                                     const ConstMatrixRef& targets,
                                     Vector* out) {
  out->resize(x.cols());
  for (Eigen::Index start = 0; start < x.cols(); start += options_.max_batch) {
    const Eigen::Index n = std::min<Eigen::Index>(options_.max_batch, x.cols() - start);
    net_.Forward(x.middleCols(start, n));
    net_.SquaredErrorHead(targets.middleCols(start, n), out->data() + start);
  }
}

template <typename Scalar>
void BasicMlp<Scalar>::Predict(const ConstMatrixRef& x, Matrix* out) {
  out->resize(options_.outputs, x.cols());
  for (Eigen::Index start = 0; start < x.cols(); start += options_.max_batch) {
    const Eigen::Index n = std::min<Eigen::Index>(options_.max_batch, x.cols() - start);
    net_.Forward(x.middleCols(start, n));
    out->middleCols(start, n) = net_.out(n);
  }
}

template class BasicMlp<float>;
template class BasicMlp<double>;

}  // namespace scalebench
