// The "plrf_sgd" learner: the power-law random-features (PLRF) model of Paquette, Paquette, Xiao &
// Pennington 2024 ("4+3 Phases of Compute-Optimal Neural Scaling Laws", arXiv:2405.15074;
// lit-spectral.md 3.1), trained by one-pass SGD.
//
// Model (the paper's setup as read through the authors' notebook, lit-spectral.md 3.1):
//   data     x in R^v, x_j ~ N(0, lambda_j), lambda_j = j^-2alpha, independent (D = diag(lambda));
//   target   y = <x, b>, b_j = j^-beta, noiseless;
//   features z = W^T x, W in R^{v x d} with i.i.d. N(0, 1/d) entries (d = the width);
//   risk     P(theta) = E (<W^T x, theta> - <x, b>)^2 = |D^1/2 (W theta - b)|^2, computed exactly
//            from the covariance (no test sample); no factor 1/2;
//   SGD      theta_0 = 0, theta_{r+1} = theta_r - gamma sum_{i in batch r} z_i (<z_i, theta_r> -
//            y_i), B fresh samples per step (one pass: no sample is seen twice).
// The loss of the curve is P(theta_r) at each checkpoint r (steps, each of B samples).
//
// How it is computed (exact, not an approximation). z and y are jointly Gaussian, so with
// K = W^T D W = U diag(mu) U^T (the feature covariance) and theta* = argmin P, the residual
// eps = y - <z, theta*> is N(0, sigma^2), sigma^2 = P(theta*), and independent of z
// (uncorrelated by the normal equations). Rotated to phi = U^T theta, a sample is
// z' = diag(mu)^1/2 g (g ~ N(0, I_d)) and y = <z', phi*> + sigma g_0, and SGD commutes with the
// rotation, so PlrfSampling::kEigenbasis draws d + 1 normals per sample and takes O(d) per sample
// (after an O(v d^2 + d^3) set-up per width), against O(v d) for kRawData, which draws x in R^v
// and forms W^T x; both give the same distribution of curves (tests/targets/plrf_sgd_test.cc
// checks each against the expected risk below). The risk is P = sum_i mu_i (phi_i - phi*_i)^2 +
// sigma^2 (kEigenbasis) or |A theta - s|^2 with A = D^1/2 W, s = D^1/2 b (kRawData).
//
// Expected risk (the cross-check). E[P(theta_r) | W] obeys the paper's convolution-type Volterra
// equation, here on the realised spectrum mu of K (the paper replaces it by its deterministic
// equivalent): with rho_i = 1 - 2 gamma B mu_i + gamma^2 B (B + 1) mu_i^2 (exact Gaussian fourth
// moments; the notebook's 1 - 2 gamma B mu + 2 gamma^2 B mu^2 at B = 1),
//   P(r) = sigma^2 + sum_i mu_i m_i(r),   m_i(r + 1) = rho_i m_i(r) + gamma^2 B mu_i P(r),
//   m_i(0) = phi*_i^2,
// i.e. P(r) = F(r) + sum_{s<r} K(r - 1 - s) P(s) with forcing F(r) = sigma^2 + sum_i mu_i
// rho_i^r phi*_i^2 and kernel K(r) = gamma^2 B sum_i mu_i^2 rho_i^r. It converges iff every
// rho_i < 1 and the kernel norm sum_r K(r) = sum_i gamma mu_i / (2 - gamma (B + 1) mu_i) < 1 (the
// paper's stability condition; PlrfKernelNorm); the curves then end at sigma^2 / (1 - norm).
//
// Usage:
//   PlrfModelOptions model;          // alpha, beta, data_dim v, features d
//   PlrfModel plrf;
//   if (!PlrfModel::Build(model, feature_seed, PlrfSampling::kEigenbasis, &plrf, &error)) ...;
//   PlrfSgdOptions sgd;              // batch_size, learning_rate, sampling
//   PlrfSgdCurve(plrf, sgd, sgd_seed, {10, 100, 1000}, &losses, &error);
//   PlrfExpectedRiskCurve(plrf, sgd, {10, 100, 1000}, &expected, &error);
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

namespace scalebench {

// How SGD samples: in the eigenbasis of the feature covariance (O(d) a sample, the targets'
// default) or by drawing x in R^v and forming W^T x (O(v d) a sample, the literal loop).
enum class PlrfSampling { kEigenbasis, kRawData };
const char* ToString(PlrfSampling sampling);

struct PlrfModelOptions {
  double alpha = 0.7;  // data complexity: lambda_j = j^-2alpha, alpha > 0
  double beta = 0.25;  // target complexity: b_j = j^-beta (any real)
  int data_dim = 400;  // v >= d
  int features = 100;  // d >= 1

  template <typename Fields>
  void Visit(Fields& f) {
    f.Field("alpha", alpha).Above(0.0).Finite();
    f.Field("beta", beta).Finite();
    f.Field("data_dim", data_dim).AtLeast(1);
    f.Field("features", features).AtLeast(1).Check(features <= data_dim, "<= data_dim");
  }
  bool IsValid(std::string* error) const;
};

struct PlrfSgdOptions {
  int batch_size = 1;          // B >= 1 fresh samples per step
  double learning_rate = 0.0;  // gamma > 0, constant
  PlrfSampling sampling = PlrfSampling::kEigenbasis;

  template <typename Fields>
  void Visit(Fields& f) {
    f.Field("batch_size", batch_size).AtLeast(1);
    f.Field("learning_rate", learning_rate).Above(0.0).Finite();
    f.Field("sampling", sampling);
  }
  bool IsValid(std::string* error) const;
};

// One draw of the feature matrix W and what SGD needs of it.
class PlrfModel {
 public:
  // Draws W (column k of sqrt(d) W is the stream MixSeed(feature_seed, k)), diagonalises K and
  // solves for theta*. `sampling`: what the model is built for (kRawData keeps A = D^1/2 W,
  // v x d doubles). False with *error on invalid options or an eigensolver failure.
  static bool Build(const PlrfModelOptions& options,
                    std::uint64_t feature_seed,
                    PlrfSampling sampling,
                    PlrfModel* out,
                    std::string* error);

  const PlrfModelOptions& options() const { return options_; }
  PlrfSampling built_for() const { return built_for_; }
  // mu_i, the eigenvalues of K = W^T D W, decreasing.
  const Eigen::VectorXd& feature_eigenvalues() const { return mu_; }
  // |phi*_i| = |(U^T theta*)_i|: the optimum in the eigenbasis, sign-normalised (eigenvector
  // signs are the solver's choice; the distribution of curves does not depend on them).
  const Eigen::VectorXd& optimum() const { return optimum_; }
  // sigma^2 = P(theta*): the limit level (the capacity term F_0 of the paper at this W).
  double limit_level() const { return limit_level_; }
  // P(0) = sum_j lambda_j b_j^2.
  double initial_risk() const { return initial_risk_; }
  // The data covariance trace sum_{j<=v} j^-2alpha (the learning-rate scale).
  double data_trace() const { return data_trace_; }

 private:
  friend bool PlrfSgdCurve(const PlrfModel&,
                           const PlrfSgdOptions&,
                           std::uint64_t,
                           const std::vector<std::int64_t>&,
                           std::vector<double>*,
                           std::string*);
  PlrfModelOptions options_;
  PlrfSampling built_for_ = PlrfSampling::kEigenbasis;
  Eigen::VectorXd mu_, optimum_;
  double limit_level_ = 0.0, initial_risk_ = 0.0, data_trace_ = 0.0;
  Eigen::MatrixXd scaled_features_;  // A = D^1/2 W (kRawData only)
  Eigen::VectorXd scaled_target_;    // s = D^1/2 b (kRawData only)
};

// sum_i gamma mu_i / (2 - gamma (B + 1) mu_i), +infinity when some rho_i >= 1: the total mass
// of the Volterra kernel; SGD's expected risk converges iff it is < 1.
double PlrfKernelNorm(const PlrfModel& model, const PlrfSgdOptions& options);

// One SGD run from theta_0 = 0 with its own stream `sgd_seed` (step r draws from
// MixSeed(sgd_seed, r), so a run is reproducible whatever its checkpoints); the risk at each
// checkpoint (strictly increasing step counts >= 1). False with *error on invalid options or
// checkpoints, a kernel norm >= 1 (the step is above the stability bound), a model built for
// kEigenbasis asked for kRawData, or a non-finite risk.
bool PlrfSgdCurve(const PlrfModel& model,
                  const PlrfSgdOptions& options,
                  std::uint64_t sgd_seed,
                  const std::vector<std::int64_t>& checkpoints,
                  std::vector<double>* losses,
                  std::string* error);

// E[P(theta_r) | W] at each checkpoint from the Volterra recursion above (O(d) a step).
bool PlrfExpectedRiskCurve(const PlrfModel& model,
                           const PlrfSgdOptions& options,
                           const std::vector<std::int64_t>& checkpoints,
                           std::vector<double>* losses,
                           std::string* error);

}  // namespace scalebench
