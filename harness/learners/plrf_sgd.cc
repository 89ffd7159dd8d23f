#include "harness/learners/plrf_sgd.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/fields.h"
#include "datasets/generators/random.h"
#include "datasets/probes/kernel_pca.h"

namespace scalebench {
namespace {

bool Fail(std::string* error, const std::string& message) {
  if (error != nullptr) *error = message;
  return false;
}

bool CheckCheckpoints(const std::vector<std::int64_t>& checkpoints, std::string* error) {
  if (checkpoints.empty()) return Fail(error, "plrf_sgd: no checkpoints");
  if (checkpoints.front() < 1) return Fail(error, "plrf_sgd: checkpoints must be >= 1 step");
  for (std::size_t i = 1; i < checkpoints.size(); ++i) {
    if (checkpoints[i] <= checkpoints[i - 1]) {
      return Fail(error,
                  "plrf_sgd: checkpoint " + std::to_string(checkpoints[i]) + " after " +
                      std::to_string(checkpoints[i - 1]) + ": must be strictly increasing");
    }
  }
  return true;
}

bool CheckRun(const PlrfModel& model, const PlrfSgdOptions& options, std::string* error) {
  if (std::string e; !options.IsValid(&e)) return Fail(error, "plrf_sgd: " + e);
  const double norm = PlrfKernelNorm(model, options);
  if (!(norm < 1.0)) {
    return Fail(error,
                "plrf_sgd: learning rate " + FieldValueText(options.learning_rate) +
                    " with batch " + std::to_string(options.batch_size) +
                    " is above the SGD stability bound (Volterra kernel norm " +
                    FieldValueText(norm) + " >= 1)");
  }
  return true;
}

}  // namespace

const char* ToString(PlrfSampling sampling) {
  switch (sampling) {
    case PlrfSampling::kEigenbasis:
      return "eigenbasis";
    case PlrfSampling::kRawData:
      return "raw_data";
  }
  return "unknown";
}

bool PlrfModelOptions::IsValid(std::string* error) const {
  return ValidateFields(*this, error);
}
bool PlrfSgdOptions::IsValid(std::string* error) const {
  return ValidateFields(*this, error);
}

bool PlrfModel::Build(const PlrfModelOptions& options,
                      std::uint64_t feature_seed,
                      PlrfSampling sampling,
                      PlrfModel* out,
                      std::string* error) {
  if (std::string e; !options.IsValid(&e)) return Fail(error, "plrf_sgd model: " + e);
  const int v = options.data_dim, d = options.features;
  PlrfModel model;
  model.options_ = options;
  model.built_for_ = sampling;

  // A = D^1/2 W and s = D^1/2 b; column k of sqrt(d) W is the stream MixSeed(feature_seed, k).
  Eigen::VectorXd scale(v), target(v);
  for (int j = 0; j < v; ++j) {
    const double lambda = std::pow(double(j + 1), -2.0 * options.alpha);
    scale(j) = std::sqrt(lambda);
    target(j) = scale(j) * std::pow(double(j + 1), -options.beta);
    model.data_trace_ += lambda;
  }
  model.initial_risk_ = target.squaredNorm();
  Eigen::MatrixXd a(v, d);
  for (int k = 0; k < d; ++k) FillStandardNormal(MixSeed(feature_seed, k), a.col(k).data(), v);
  a = (scale / std::sqrt(double(d))).asDiagonal() * a;

  // K = A^T A = U diag(mu) U^T; LAPACK returns mu increasing, stored here decreasing.
  Eigen::MatrixXd u(d, d);
  u.setZero();
  u.selfadjointView<Eigen::Lower>().rankUpdate(a.transpose());
  Eigen::VectorXd mu;
  std::string solver_error;
  if (!SymmetricEigen(&u, &mu, true, &solver_error))
    return Fail(error, "plrf_sgd model: " + solver_error);
  if (!(mu.minCoeff() > 0.0)) {
    return Fail(error,
                "plrf_sgd model: the feature covariance W^T D W is singular (smallest eigenvalue " +
                    FieldValueText(mu.minCoeff()) + ")");
  }
  model.mu_ = mu.reverse();
  // theta* = K^-1 A^T s: in the eigenbasis phi*_i = (U^T A^T s)_i / mu_i.
  const Eigen::VectorXd projected = u.transpose() * (a.transpose() * target);
  const Eigen::VectorXd phi = projected.cwiseQuotient(mu);
  model.optimum_ = phi.reverse().cwiseAbs();
  // The limit level from the v-vector residual, not as P(0) - sum_i projected_i^2 / mu_i, which
  // cancels to the loss's own size.
  const Eigen::VectorXd theta = u * phi;
  model.limit_level_ = (a * theta - target).squaredNorm();
  if (!std::isfinite(model.limit_level_) || !model.optimum_.allFinite()) {
    return Fail(error, "plrf_sgd model: the optimum is not finite");
  }
  if (sampling == PlrfSampling::kRawData) {
    model.scaled_features_ = std::move(a);
    model.scaled_target_ = std::move(target);
  }
  *out = std::move(model);
  return true;
}

double PlrfKernelNorm(const PlrfModel& model, const PlrfSgdOptions& options) {
  const double gamma = options.learning_rate, b = options.batch_size;
  double norm = 0.0;
  for (double mu : model.feature_eigenvalues()) {
    const double rho = 1.0 - 2.0 * gamma * b * mu + gamma * gamma * b * (b + 1.0) * mu * mu;
    const double denominator = 2.0 - gamma * (b + 1.0) * mu;
    if (!(rho < 1.0) || !(denominator > 0.0)) return std::numeric_limits<double>::infinity();
    norm += gamma * mu / denominator;
  }
  return norm;
}

bool PlrfSgdCurve(const PlrfModel& model,
                  const PlrfSgdOptions& options,
                  std::uint64_t sgd_seed,
                  const std::vector<std::int64_t>& checkpoints,
                  std::vector<double>* losses,
                  std::string* error) {
  if (!CheckCheckpoints(checkpoints, error) || !CheckRun(model, options, error)) return false;
  const bool raw = options.sampling == PlrfSampling::kRawData;
  if (raw && model.built_for_ != PlrfSampling::kRawData) {
    return Fail(error, "plrf_sgd: raw-data sampling needs a model built for it (PlrfModel::Build)");
  }
  const int d = model.options_.features, v = model.options_.data_dim, batch = options.batch_size;
  const double gamma = options.learning_rate;
  losses->clear();

  // One step's normals: per sample, d feature coordinates and the label noise (kEigenbasis) or
  // the v coordinates of x (kRawData).
  const int per_sample = raw ? v : d + 1;
  Eigen::VectorXd normals(std::size_t(per_sample) * batch);
  Eigen::VectorXd gradient(d), z(d);

  // kEigenbasis state: the deviation u = phi - phi* (phi_0 = 0).
  const Eigen::ArrayXd root_mu = model.mu_.array().sqrt();
  const double sigma = std::sqrt(model.limit_level_);
  Eigen::VectorXd deviation = -model.optimum_;
  // kRawData state: theta itself.
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(d);

  std::int64_t step = 0;
  for (std::int64_t checkpoint : checkpoints) {
    for (; step < checkpoint; ++step) {
      FillStandardNormal(MixSeed(sgd_seed, std::uint64_t(step)), normals.data(), normals.size());
      gradient.setZero();
      for (int s = 0; s < batch; ++s) {
        const double* g = normals.data() + std::size_t(s) * per_sample;
        double residual;
        if (raw) {
          const Eigen::Map<const Eigen::VectorXd> x(g, v);  // x = D^1/2 g: z = A^T g, y = s . g
          z.noalias() = model.scaled_features_.transpose() * x;
          residual = z.dot(theta) - model.scaled_target_.dot(x);
        } else {
          z = root_mu * Eigen::Map<const Eigen::ArrayXd>(g, d);
          residual = z.dot(deviation) - sigma * g[d];
        }
        gradient.noalias() += residual * z;
      }
      (raw ? theta : deviation).noalias() -= gamma * gradient;
    }
    const double risk = raw ? (model.scaled_features_ * theta - model.scaled_target_).squaredNorm()
                            : deviation.cwiseAbs2().dot(model.mu_) + model.limit_level_;
    if (!std::isfinite(risk)) {
      return Fail(error,
                  "plrf_sgd: the risk is not finite at step " + std::to_string(checkpoint) +
                      " (SGD diverged)");
    }
    losses->push_back(risk);
  }
  return true;
}

bool PlrfExpectedRiskCurve(const PlrfModel& model,
                           const PlrfSgdOptions& options,
                           const std::vector<std::int64_t>& checkpoints,
                           std::vector<double>* losses,
                           std::string* error) {
  if (!CheckCheckpoints(checkpoints, error) || !CheckRun(model, options, error)) return false;
  const double gamma = options.learning_rate, b = options.batch_size;
  const Eigen::ArrayXd mu = model.feature_eigenvalues().array();
  const Eigen::ArrayXd rho =
      1.0 - 2.0 * gamma * b * mu + gamma * gamma * b * (b + 1.0) * mu.square();
  const Eigen::ArrayXd noise = gamma * gamma * b * mu;
  Eigen::ArrayXd m = model.optimum().array().square();
  const double sigma2 = model.limit_level();
  losses->clear();
  std::int64_t step = 0;
  double risk = sigma2 + (mu * m).sum();
  for (std::int64_t checkpoint : checkpoints) {
    for (; step < checkpoint; ++step) {
      m = rho * m + noise * risk;
      risk = sigma2 + (mu * m).sum();
    }
    losses->push_back(risk);
  }
  return true;
}

}  // namespace scalebench
