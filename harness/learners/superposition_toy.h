// The superposition toy model of Elhage et al. 2022 as trained by Liu, Liu & Gore 2025
// ("Superposition Yields Robust Neural Scaling", arXiv:2505.10465; lit-language.md 2.1-2.2):
//   y = ReLU(x W W^T + b),  W: n x m (row W_i is feature i's vector), b: n,
// on the sparse data of datasets/generators/superposition_toy_data.h, MSE loss averaged over batch
// and features. Training is the authors' recipe (exp/exp-10.py, exp/adamw.py): fresh batch every
// step, W init N(0, 1/m), b init N(0, 1), Adam (0.9, 0.999, 1e-8) with a SIGNED decoupled weight
// decay gamma on W only, applied before the Adam update at the step's rate eta:
//   gamma >= 0:  W <- W (1 - eta gamma)                       (weak superposition)
//   gamma <  0:  W_i <- W_i + eta gamma W_i (1 - 1/(|W_i| + eps))  (pulls rows to unit norm:
//                                                                  strong superposition)
// and a learning-rate schedule (LearningRateSchedule: warm-up, cosine to a floor). Forward and
// backward are by hand: x W and the x^T part of the W gradient cost O(B m) on the sparse batch;
// the three dense products Z = H W^T, G W and G^T H (B x n x m each) carry the cost.
//
// Usage:
//   SuperpositionToyOptions options;  options.width = 16;  options.weight_decay = -1.0;
//   SuperpositionToyData data(options.features, options.frequency_exponent);
//   SparseBatch test;  Xoshiro256pp rng(7);  data.Sample(rng, 16384, &test);
//   SuperpositionToyResult result;  std::string error;
//   TrainSuperpositionToy(options, {500, 1000, 2000}, test, &result, &error);
//   // result.test_loss[k], result.diagnostics[k] at checkpoint k
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "datasets/generators/random.h"
#include "datasets/generators/superposition_toy_data.h"
#include "harness/learners/adam.h"

namespace scalebench {

// The model and its hand-written loss and gradient; Scalar = float for training, double for the
// gradient check. Workspaces are kept between calls (no allocation once the batch size is fixed).
template <typename Scalar>
class SuperpositionToyModel {
 public:
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;

  SuperpositionToyModel(int features, int width)
      : w(Matrix::Zero(features, width)), b(Vector::Zero(features)) {}

  // The authors' init: W entries N(0, 1/m), b entries N(0, 1).
  void Initialize(Xoshiro256pp& rng);

  // MSE of ReLU(x W W^T + b) against x, averaged over batch rows and features; with non-null
  // gradients also fills dL/dW (n x m) and dL/db (n).
  Scalar Loss(const SparseBatch& batch, Matrix* grad_w, Vector* grad_b);
  // The loss alone, in chunks of `chunk_rows` rows (for large test samples); double accumulation.
  double EvaluateLoss(const SparseBatch& batch, int chunk_rows = 2048);

  Matrix w;
  Vector b;

 private:
  // Forward through Y = ReLU(Z) for the given rows of the batch (entries [first, last)),
  // returns sum over the chunk of (y - x)^2.
  double Forward(const SparseBatch& batch,
                 int row_begin,
                 int rows,
                 std::size_t entry_begin,
                 std::size_t entry_end);

  Matrix h_;                                                 // B x m: x W
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> y_;  // B x n: ReLU(Z), then dL/dZ
  Matrix gw_;                                                // B x m: dL/dZ W
};

extern template class SuperpositionToyModel<float>;
extern template class SuperpositionToyModel<double>;

// The signed decoupled weight decay of the recipe (file comment), one step at rate `eta`.
// `epsilon` is added to the row norm (the authors add Adam's eps).
template <typename Matrix>
void ApplySignedWeightDecay(double eta, double gamma, double epsilon, Matrix* w) {
  using Scalar = typename Matrix::Scalar;
  if (gamma >= 0) {
    *w *= Scalar(1.0 - eta * gamma);
    return;
  }
  for (Eigen::Index i = 0; i < w->rows(); ++i) {
    const Scalar norm = w->row(i).norm() + Scalar(epsilon);
    w->row(i) *= Scalar(1.0 + eta * gamma * (1.0 - 1.0 / double(norm)));
  }
}

// Regime diagnostics of a trained W.
struct SuperpositionDiagnostics {
  // phi_1/2: share of rows with |W_i| > 1/2 (represented features). ~ m/n in weak superposition,
  // ~ 1 in strong.
  double represented_fraction = std::numeric_limits<double>::quiet_NaN();
  // m x the mean of (W_i . W_j)^2 / (|W_i|^2 |W_j|^2) over pairs i != j of represented rows:
  // ~ 0 when the represented rows are orthogonal (weak: <= m rows, no interference), ~ 1 when
  // n >> m rows are packed like random or ETF-like directions (Welch bound (n - m)/(n - 1) for
  // the mean). NaN with fewer than two represented rows.
  double overlap_times_width = std::numeric_limits<double>::quiet_NaN();
};

template <typename Matrix>
SuperpositionDiagnostics MeasureSuperposition(const Matrix& w) {
  SuperpositionDiagnostics out;
  const Eigen::Index n = w.rows(), m = w.cols();
  if (n == 0) return out;
  Eigen::MatrixXd represented(n, m);
  Eigen::Index k = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double norm = w.row(i).template cast<double>().norm();
    if (norm > 0.5) represented.row(k++) = w.row(i).template cast<double>() / norm;
  }
  out.represented_fraction = double(k) / double(n);
  if (k < 2) return out;
  const Eigen::MatrixXd gram = represented.topRows(k) * represented.topRows(k).transpose();
  const double off_diagonal = gram.squaredNorm() - gram.diagonal().squaredNorm();
  out.overlap_times_width = double(m) * off_diagonal / (double(k) * double(k - 1));
  return out;
}

struct SuperpositionToyOptions {
  int features = 512;               // n
  int width = 16;                   // m
  double frequency_exponent = 1.2;  // alpha in p_i ~ i^-alpha, >= 0
  int batch_size = 512;
  LearningRateSchedule schedule = {1e-2, 300, 3000, 0.05};  // peak, warm-up, total, floor
  double weight_decay = -1.0;                               // gamma, signed (file comment)
  AdamOptions adam;
  std::uint64_t seed = 1;  // init and data stream

  bool IsValid(std::string* error) const;
};

struct SuperpositionToyResult {
  std::vector<long> checkpoints;
  std::vector<double> test_loss;  // at each checkpoint
  std::vector<SuperpositionDiagnostics> diagnostics;
  double final_train_loss = std::numeric_limits<double>::quiet_NaN();
  // The parameters after the last step.
  SuperpositionToyModel<float>::Matrix w;
  SuperpositionToyModel<float>::Vector b;
};

// Trains one model for schedule.total_steps steps and evaluates the loss on `test` (and the
// diagnostics) after each checkpoint step (increasing, in [1, total_steps]). False with a reason
// for invalid options or checkpoints, or a non-finite loss.
bool TrainSuperpositionToy(const SuperpositionToyOptions& options,
                           const std::vector<long>& checkpoints,
                           const SparseBatch& test,
                           SuperpositionToyResult* result,
                           std::string* error);

}  // namespace scalebench
