// Kernel ridge, random ReLU features and the kernel-PCA probe (issue 3).
#include <cmath>
#include <vector>

#include <Eigen/Dense>
#include <catch2/catch.hpp>

#include "datasets/generators/random.h"
#include "datasets/probes/kernel_pca.h"
#include "harness/learners/kernel_ridge.h"
#include "harness/learners/random_relu_features.h"

namespace scalebench {
namespace {

Eigen::MatrixXd Gaussian(int rows, int cols, std::uint64_t seed) {
  Eigen::MatrixXd m(rows, cols);
  FillStandardNormal(seed, m.data(), m.size());
  return m;
}

// Direct kernel, by the definition (no GEMM trick).
double DirectKernel(const Eigen::VectorXd& a, const Eigen::VectorXd& b, const KernelOptions& k) {
  const double d2 = (a - b).squaredNorm();
  return k.kind == KernelKind::kRbf ? std::exp(-d2 / (2 * k.width * k.width))
                                    : std::exp(-std::sqrt(d2) / k.width);
}

TEST_CASE("kernel ridge: Gram by GEMM equals the definition; curve equals a direct solve",
          "[kernel_ridge]") {
  const Eigen::MatrixXd x = Gaussian(30, 5, 1), t = Gaussian(12, 5, 2);
  const Eigen::MatrixXd y = Gaussian(30, 3, 3), yt = Gaussian(12, 3, 4);
  for (KernelKind kind : {KernelKind::kRbf, KernelKind::kLaplace}) {
    KernelOptions k;
    k.kind = kind;
    k.width = 1.7;
    Eigen::MatrixXd gram, cross;
    KernelMatrix(x, x, k, &gram);
    KernelMatrix(t, x, k, &cross);
    for (int i = 0; i < 30; ++i) {
      for (int j = 0; j < 30; ++j) REQUIRE(gram(i, j) == Approx(DirectKernel(x.row(i), x.row(j), k)).margin(1e-12));
    }
    const double ridge = 0.05;
    std::vector<double> losses;
    std::string error;
    REQUIRE(KernelRidgeCurve(gram, cross, y, yt, {7, 19, 30}, ridge, &losses, nullptr, &error));
    // Independent solves: a fresh LDLT of each leading block.
    std::vector<int> sizes = {7, 19, 30};
    for (std::size_t s = 0; s < sizes.size(); ++s) {
      const int p = sizes[s];
      Eigen::MatrixXd a = gram.topLeftCorner(p, p);
      a.diagonal().array() += ridge;
      const Eigen::MatrixXd alpha = a.ldlt().solve(y.topRows(p));
      const double mse = (cross.leftCols(p) * alpha - yt).rowwise().squaredNorm().mean();
      REQUIRE(losses[s] == Approx(mse).epsilon(1e-10));
    }
  }
}

TEST_CASE("kernel ridge: the pool curve (draws with replacement, test = pool) equals a direct solve",
          "[kernel_ridge]") {
  const int n = 40;
  const Eigen::MatrixXd x = Gaussian(n, 4, 5), y = Gaussian(n, 2, 6);
  KernelOptions k;  // rbf
  k.width = 2.0;
  Eigen::MatrixXd gram;
  KernelMatrix(x, x, k, &gram);
  const std::vector<int> draws = {3, 17, 3, 22, 39, 0, 17, 8, 8, 11, 5, 30};  // repeats on purpose
  std::vector<double> losses;
  std::string error;
  REQUIRE(PoolKernelRidgeCurve(gram, y, draws, {4, 9, 12}, 0.1, &losses, nullptr, &error));
  int s = 0;
  for (int p : {4, 9, 12}) {
    Eigen::MatrixXd kt(p, p), kc(n, p), yt(p, 2);
    for (int i = 0; i < p; ++i) {
      yt.row(i) = y.row(draws[i]);
      for (int j = 0; j < p; ++j) kt(i, j) = gram(draws[i], draws[j]);
      for (int m = 0; m < n; ++m) kc(m, i) = gram(m, draws[i]);
    }
    kt.diagonal().array() += 0.1;
    const Eigen::MatrixXd alpha = kt.ldlt().solve(yt);
    REQUIRE(losses[s++] == Approx((kc * alpha - y).rowwise().squaredNorm().mean()).epsilon(1e-10));
  }
  REQUIRE_FALSE(PoolKernelRidgeCurve(gram, y, {0, 41}, {2}, 0.1, &losses, nullptr, &error));
  REQUIRE(error.find("outside the pool") != std::string::npos);
}

TEST_CASE("kernel ridge: bad input is rejected, naming what was expected", "[kernel_ridge]") {
  KernelKind kind;
  std::string error;
  REQUIRE_FALSE(ParseKernelKind("gauss", &kind, &error));
  REQUIRE(error.find("laplace, rbf") != std::string::npos);
  KernelOptions k;
  k.width = -1;
  REQUIRE_FALSE(k.IsValid(&error));
  REQUIRE(error.find("width") != std::string::npos);
  const Eigen::MatrixXd g = Eigen::MatrixXd::Identity(5, 5), y = Eigen::MatrixXd::Ones(5, 1);
  std::vector<double> losses;
  REQUIRE_FALSE(KernelRidgeCurve(g, g, y, y, {3, 2}, 0.1, &losses, nullptr, &error));
  REQUIRE(error.find("strictly increasing") != std::string::npos);
}

TEST_CASE("random ReLU features: nested feature counts equal independent ridge solves",
          "[relu_features]") {
  const Eigen::MatrixXd x = Gaussian(50, 6, 7).cwiseAbs(), y = Gaussian(50, 2, 8);
  Eigen::MatrixXd f;
  UnscaledReluFeatures(x, 40, 99, &f);
  Eigen::MatrixXd f_small;
  UnscaledReluFeatures(x, 10, 99, &f_small);
  REQUIRE((f.leftCols(10) - f_small).norm() == 0.0);  // a prefix is the same draw
  const Eigen::MatrixXd f_train = f.topRows(30), y_train = y.topRows(30);
  std::vector<double> losses;
  std::string error;
  const std::vector<int> sizes = {5, 20, 40};
  REQUIRE(ReluFeatureParamsCurve(f_train, f, y_train, y, sizes, 1e-2, &losses, &error));
  for (std::size_t s = 0; s < sizes.size(); ++s) {
    const int n = sizes[s];
    const Eigen::MatrixXd phi = f_train.leftCols(n) / std::sqrt(double(n));
    const Eigen::MatrixXd phi_test = f.leftCols(n) / std::sqrt(double(n));
    // Primal ridge: theta = (Phi^T Phi + ridge I)^-1 Phi^T Y, the same as the dual form.
    Eigen::MatrixXd a = phi.transpose() * phi;
    a.diagonal().array() += 1e-2;
    const Eigen::MatrixXd theta = a.ldlt().solve(phi.transpose() * y_train);
    REQUIRE(losses[s] == Approx((phi_test * theta - y).rowwise().squaredNorm().mean()).epsilon(1e-8));
  }
}

// A kernel with known eigen-decay: K = n U diag(lambda) U^T with U orthonormal (Haar), and a
// target y = sqrt(n) U c with c_k^2 = k^-a split over two outputs, so p_k = k^-a exactly.
TEST_CASE("kernel PCA: recovers b and a of a synthetic kernel, with the convergence check",
          "[kernel_pca]") {
  const int n = 400;
  const double b = 1.5, a = 2.2;
  const Eigen::MatrixXd q = Gaussian(n, n, 11).householderQr().householderQ();
  Eigen::VectorXd lambda(n), c(n);
  for (int k = 1; k <= n; ++k) lambda[k - 1] = std::pow(k, -b), c[k - 1] = std::pow(k, -a / 2);
  const Eigen::MatrixXd gram = n * q * lambda.asDiagonal() * q.transpose();
  Eigen::MatrixXd y(n, 2);
  y.col(0) = std::sqrt(double(n)) * q * (c.array() * std::sqrt(0.3)).matrix();
  y.col(1) = std::sqrt(double(n)) * q * (c.array() * std::sqrt(0.7)).matrix();
  KernelPcaOptions options;
  KernelPcaResult result;
  std::string error;
  REQUIRE(MeasureKernelPca(gram, y, options, &result, &error));
  REQUIRE(result.eigenvalues[0] == Approx(1.0).epsilon(1e-10));
  REQUIRE(result.eigenvalues[99] == Approx(std::pow(100, -b)).epsilon(1e-8));
  REQUIRE(result.target_power[9] == Approx(std::pow(10, -a)).epsilon(1e-8));
  REQUIRE(result.spectrum_decay.value == Approx(b).margin(1e-6));
  // The tail of a finite series of n modes is short of the infinite one; the midpoint-rule fit
  // over k <= n/10 still reads a within 0.05.
  REQUIRE(result.task_power_decay.value == Approx(a).margin(0.05));
  REQUIRE(result.total_target_power.value == Approx(c.squaredNorm()).epsilon(1e-9));
  // The first n/2 points of a Haar-rotated kernel are a different (sub-sampled) operator: the
  // fitted b moves, and the SE reports the move.
  REQUIRE(std::isfinite(result.half_spectrum_decay));
  REQUIRE(result.spectrum_decay.std_error == Approx(std::abs(b - result.half_spectrum_decay)).margin(1e-6));
  Profile profile;
  result.FillProfile(&profile);
  REQUIRE(profile.Get(Series::kEigenvalues).size() == std::size_t(n));
  REQUIRE(profile.Has(Property::kTaskPowerDecay));
}

TEST_CASE("kernel PCA: bad shapes and tiny samples are rejected", "[kernel_pca]") {
  KernelPcaResult result;
  std::string error;
  REQUIRE_FALSE(MeasureKernelPca(Eigen::MatrixXd::Identity(5, 4), Eigen::MatrixXd::Ones(5, 1),
                                 KernelPcaOptions{}, &result, &error));
  REQUIRE(error.find("n x n") != std::string::npos);
  REQUIRE_FALSE(MeasureKernelPca(Eigen::MatrixXd::Identity(20, 20), Eigen::MatrixXd::Ones(20, 1),
                                 KernelPcaOptions{}, &result, &error));
  REQUIRE(error.find("fewer than 3 modes") != std::string::npos);
  KernelPcaOptions bad;
  bad.tail_max_fraction = 2;
  REQUIRE_FALSE(bad.IsValid(&error));
  REQUIRE(error.find("tail_max_fraction") != std::string::npos);
}

}  // namespace
}  // namespace scalebench

#include "harness/targets/fashion_mnist.h"

namespace scalebench {
namespace {

TEST_CASE("fashion_mnist/mlp: a tiny curve trains, stops early and beats chance", "[mlp]") {
  FashionMnistMlpOptions options;
  options.hidden = 32;
  options.max_epochs = 4;
  options.patience = 2;
  options.data_sizes = {200, 800};
  options.seeds = 1;
  options.validation = 300;
  options.tests = 500;
  std::string error;
  REQUIRE(options.IsValid(&error));
  FashionMnistMlpTarget target(options);
  const LearningCurve curve = target.Train(target.Designs().front(), nullptr);
  REQUIRE(curve.values.size() == 2);
  for (const auto& row : curve.values) {
    REQUIRE(std::isfinite(row[0]));
    REQUIRE(row[0] < std::log(10.0));  // better than the uniform guess
  }
  REQUIRE(curve.values[1][0] < curve.values[0][0]);  // more data helps
  options.data_sizes = {59999};
  REQUIRE_FALSE(options.IsValid(&error));
  REQUIRE(error.find("data_sizes") != std::string::npos);
}

}  // namespace
}  // namespace scalebench
