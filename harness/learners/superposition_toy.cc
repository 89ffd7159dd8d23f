#include "harness/learners/superposition_toy.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "common/size_grid.h"
#include "common/status.h"

namespace scalebench {

using internal::Fail;

template <typename Scalar>
void SuperpositionToyModel<Scalar>::Initialize(Xoshiro256pp& rng) {
  const double scale = 1.0 / std::sqrt(double(w.cols()));
  for (Eigen::Index i = 0; i < w.rows(); ++i)
    for (Eigen::Index j = 0; j < w.cols(); ++j) w(i, j) = Scalar(scale * StandardNormal(rng));
  for (Eigen::Index i = 0; i < b.size(); ++i) b(i) = Scalar(StandardNormal(rng));
}

template <typename Scalar>
double SuperpositionToyModel<Scalar>::Forward(const SparseBatch& batch,
                                              int row_begin,
                                              int rows,
                                              std::size_t entry_begin,
                                              std::size_t entry_end) {
  const Eigen::Index n = w.rows(), m = w.cols();
  if (h_.rows() != rows || h_.cols() != m) h_.resize(rows, m);
  if (y_.rows() != rows || y_.cols() != n) y_.resize(rows, n);
  // H = x W over the sparse entries.
  h_.setZero();
  for (std::size_t k = entry_begin; k < entry_end; ++k)
    h_.row(batch.row[k] - row_begin) += Scalar(batch.value[k]) * w.row(batch.feature[k]);
  // Y = ReLU(H W^T + b).
  y_.noalias() = h_ * w.transpose();
  for (Eigen::Index f = 0; f < n; ++f)
    y_.col(f) = (y_.col(f).array() + b(f)).max(Scalar(0)).matrix();
  // sum (y - x)^2 = sum y^2 + sum over entries (x^2 - 2 y x).
  double total = double(y_.squaredNorm());
  for (std::size_t k = entry_begin; k < entry_end; ++k) {
    const double x = batch.value[k];
    const double y = y_(batch.row[k] - row_begin, batch.feature[k]);
    total += x * x - 2.0 * y * x;
  }
  return total;
}

template <typename Scalar>
Scalar SuperpositionToyModel<Scalar>::Loss(const SparseBatch& batch,
                                           Matrix* grad_w,
                                           Vector* grad_b) {
  const Eigen::Index n = w.rows(), m = w.cols();
  const double scale = 1.0 / (double(batch.rows) * double(n));
  const double loss = Forward(batch, 0, batch.rows, 0, batch.entries()) * scale;
  if (grad_w == nullptr && grad_b == nullptr) return Scalar(loss);
  // dL/dZ = 2/(B n) (y - x) 1[z > 0]; y > 0 exactly where z > 0, so scale y, then subtract x at
  // the active entries with y > 0. y_ now holds G = dL/dZ.
  const Scalar g_scale = Scalar(2.0 * scale);
  y_ *= g_scale;
  for (std::size_t k = 0; k < batch.entries(); ++k) {
    Scalar& g = y_(batch.row[k], batch.feature[k]);
    if (g > Scalar(0)) g -= g_scale * Scalar(batch.value[k]);
  }
  if (grad_b != nullptr) grad_b->noalias() = y_.colwise().sum().transpose();
  if (grad_w != nullptr) {
    // Z = (x W) W^T: dL/dW = G^T (x W) + x^T (G W).
    if (grad_w->rows() != n || grad_w->cols() != m) grad_w->resize(n, m);
    grad_w->noalias() = y_.transpose() * h_;
    if (gw_.rows() != batch.rows || gw_.cols() != m) gw_.resize(batch.rows, m);
    gw_.noalias() = y_ * w;
    for (std::size_t k = 0; k < batch.entries(); ++k)
      grad_w->row(batch.feature[k]) += Scalar(batch.value[k]) * gw_.row(batch.row[k]);
  }
  return Scalar(loss);
}

template <typename Scalar>
double SuperpositionToyModel<Scalar>::EvaluateLoss(const SparseBatch& batch, int chunk_rows) {
  // Entries sorted by row give each chunk a contiguous range; the generator orders them by
  // feature, so sort an index once.
  std::vector<std::size_t> order(batch.entries());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t c) {
    return batch.row[a] < batch.row[c];
  });
  SparseBatch chunk;
  double total = 0.0;
  std::size_t next = 0;
  for (int begin = 0; begin < batch.rows; begin += chunk_rows) {
    const int rows = std::min(chunk_rows, batch.rows - begin);
    chunk.Clear(rows);
    while (next < order.size() && batch.row[order[next]] < begin + rows) {
      const std::size_t k = order[next++];
      chunk.row.push_back(batch.row[k] - begin);
      chunk.feature.push_back(batch.feature[k]);
      chunk.value.push_back(batch.value[k]);
    }
    total += Forward(chunk, 0, rows, 0, chunk.entries());
  }
  return total / (double(batch.rows) * double(w.rows()));
}

template class SuperpositionToyModel<float>;
template class SuperpositionToyModel<double>;

bool SuperpositionToyOptions::IsValid(std::string* error) const {
  std::ostringstream message;
  std::string inner;
  if (features < 1) {
    message << "features = " << features << " must be >= 1";
  } else if (width < 1) {
    message << "width = " << width << " must be >= 1";
  } else if (!(frequency_exponent >= 0.0) || !std::isfinite(frequency_exponent)) {
    message << "frequency_exponent = " << frequency_exponent << " must be finite and >= 0";
  } else if (batch_size < 1) {
    message << "batch_size = " << batch_size << " must be >= 1";
  } else if (!schedule.IsValid(&inner)) {
    message << inner;
  } else if (!std::isfinite(weight_decay) || schedule.peak * std::abs(weight_decay) >= 1.0) {
    message << "weight_decay = " << weight_decay
            << " must be finite with |weight_decay| * peak learning rate < 1";
  } else if (!adam.IsValid(&inner)) {
    message << inner;
  } else {
    return true;
  }
  if (error != nullptr) *error = message.str();
  return false;
}

bool TrainSuperpositionToy(const SuperpositionToyOptions& options,
                           const std::vector<long>& checkpoints,
                           const SparseBatch& test,
                           SuperpositionToyResult* result,
                           std::string* error) {
  std::string reason;
  if (!options.IsValid(&reason)) return Fail(error, reason);
  const long total = options.schedule.total_steps;
  if (std::string problem; !SizeGrid::CheckWithin(checkpoints, total, &problem)) {
    return Fail(error, "checkpoints: " + problem);
  }
  if (test.rows < 1) return Fail(error, "empty test sample");
  *result = SuperpositionToyResult();
  result->checkpoints = checkpoints;

  using Model = SuperpositionToyModel<float>;
  Model model(options.features, options.width);
  Xoshiro256pp init_rng(MixSeed(options.seed, 1));
  model.Initialize(init_rng);
  Xoshiro256pp data_rng(MixSeed(options.seed, 2));
  const SuperpositionToyData data(options.features, options.frequency_exponent);
  AdamState<Model::Matrix> w_state(model.w);
  AdamState<Model::Vector> b_state(model.b);
  Model::Matrix grad_w(model.w.rows(), model.w.cols());
  Model::Vector grad_b(model.b.size());
  SparseBatch batch;
  std::size_t next = 0;
  for (long t = 1; t <= total; ++t) {
    data.Sample(data_rng, options.batch_size, &batch);
    const float loss = model.Loss(batch, &grad_w, &grad_b);
    if (!std::isfinite(loss))
      return Fail(error, "non-finite training loss at step " + std::to_string(t));
    result->final_train_loss = loss;
    const double eta = ScheduledLearningRate(options.schedule, t);
    // The authors' order: decay with the step's rate, then the Adam update.
    ApplySignedWeightDecay(eta, options.weight_decay, options.adam.epsilon, &model.w);
    w_state.Step(options.adam, eta, grad_w, &model.w);
    b_state.Step(options.adam, eta, grad_b, &model.b);
    if (next < checkpoints.size() && checkpoints[next] == t) {
      const double test_loss = model.EvaluateLoss(test);
      if (!std::isfinite(test_loss))
        return Fail(error, "non-finite test loss at step " + std::to_string(t));
      result->test_loss.push_back(test_loss);
      result->diagnostics.push_back(MeasureSuperposition(model.w));
      ++next;
    }
  }
  result->w = model.w;
  result->b = model.b;
  return true;
}

}  // namespace scalebench
