// Kernel ridge, random ReLU features and the kernel-PCA probe (issue 3).
#include "harness/learners/kernel_ridge.h"

#include <Eigen/Dense>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "datasets/generators/random.h"
#include "datasets/probes/kernel_pca.h"
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

TEST_CASE("kernel ridge: Gram by GEMM equals the definition, curve equals a direct solve",
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
      for (int j = 0; j < 30; ++j)
        REQUIRE(gram(i, j) == Approx(DirectKernel(x.row(i), x.row(j), k)).margin(1e-12));
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

TEST_CASE("kernel ridge: a Gram of 784-dim points is symmetric with an exact unit diagonal",
          "[kernel_ridge]") {
  // Pixel-like inputs: |x|^2 ~ 260, so |x|^2 + |x|^2 - 2 x . x leaves a rounding residue of
  // ~1e-13 on the diagonal, 3e-7 after the Laplace kernel's sqrt unless the diagonal is set to 1.
  // 150 points span three 64 x 64 tiles of the mirrored upper triangle.
  const Eigen::MatrixXd x = Gaussian(150, 784, 9).cwiseAbs();
  for (KernelKind kind : {KernelKind::kRbf, KernelKind::kLaplace}) {
    KernelOptions k;
    k.kind = kind;
    k.width = 5.0;
    Eigen::MatrixXd gram;
    KernelMatrix(x, x, k, &gram);
    REQUIRE((gram.diagonal().array() == 1.0).all());
    REQUIRE(gram == gram.transpose());
    REQUIRE(gram(140, 3) == Approx(DirectKernel(x.row(140), x.row(3), k)).epsilon(1e-10));
  }
}

TEST_CASE(
    "kernel ridge: the pool curve (draws with replacement, test = pool) equals a direct solve",
    "[kernel_ridge]") {
  const int n = 40;
  const Eigen::MatrixXd x = Gaussian(n, 4, 5), y = Gaussian(n, 2, 6);
  KernelOptions k;  // rbf
  k.width = 2.0;
  Eigen::MatrixXd gram;
  KernelMatrix(x, x, k, &gram);
  const std::vector<int> draws = {3, 17, 3, 22, 39, 0, 17, 8, 8, 11, 5, 30};  // repeats on purpose
  for (KernelPrecision precision : {KernelPrecision::kMixed, KernelPrecision::kDouble}) {
    std::vector<double> losses;
    std::string error;
    KernelRidgeTimings timings;
    REQUIRE(PoolKernelRidgeCurve(
        gram, y, draws, {4, 9, 12}, 0.1, precision, &losses, &timings, &error));
    REQUIRE(timings.path == (precision == KernelPrecision::kMixed ? KernelSolvePath::kMixed
                                                                  : KernelSolvePath::kDouble));
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
      REQUIRE(losses[s++] ==
              Approx((kc * alpha - y).rowwise().squaredNorm().mean()).epsilon(1e-10));
    }
  }
  std::vector<double> losses;
  std::string error;
  REQUIRE_FALSE(PoolKernelRidgeCurve(gram, y, {0, 41}, {2}, 0.1, &losses, nullptr, &error));
  REQUIRE(error.find("outside the pool") != std::string::npos);
}

// max over columns of ||(gram_p + ridge I) x - b|| (the residual of a solution of a prefix).
double ResidualNorm(const Eigen::MatrixXd& gram,
                    double ridge,
                    const Eigen::MatrixXd& b,
                    const Eigen::MatrixXd& x) {
  const int p = static_cast<int>(b.rows());
  const Eigen::MatrixXd r = gram.topLeftCorner(p, p) * x + ridge * x - b;
  return r.colwise().norm().maxCoeff();
}

// The rounding error of computing that residual in double, max over columns of
// ||gamma_{p+1} (|A| |x| + |b|)|| (Higham, Accuracy and Stability, 3.5): no computed residual can
// be trusted below it. It is ~u cond(A) |b| when x is large, i.e. for small ridges.
double ResidualFloor(const Eigen::MatrixXd& gram,
                     double ridge,
                     const Eigen::MatrixXd& b,
                     const Eigen::MatrixXd& x) {
  const int p = static_cast<int>(b.rows());
  const double u = std::numeric_limits<double>::epsilon() / 2;
  const double gamma = (p + 1) * u / (1 - (p + 1) * u);
  const Eigen::MatrixXd bound =
      gram.topLeftCorner(p, p).cwiseAbs() * x.cwiseAbs() + ridge * x.cwiseAbs() + b.cwiseAbs();
  return gamma * bound.colwise().norm().maxCoeff();
}

// 600 Gaussian points in 20 dimensions, width 8: a kernel as dense and smooth as Fashion-MNIST's
// (mean k ~ 0.7, lambda_max ~ 440, lambda_min ~ 3e-4), so cond(K + ridge I) ~ 4e4 at ridge 1e-2
// and ~1.3e6 at 1e-6, where cond * u_float ~ 0.08 and the refinement needs more steps.
TEST_CASE("kernel ridge: mixed precision agrees with the double Cholesky on an RBF problem",
          "[kernel_ridge]") {
  const int n = 600, tests = 200;
  const Eigen::MatrixXd x = Gaussian(n, 20, 21), t = Gaussian(tests, 20, 22);
  const Eigen::MatrixXd y = Gaussian(n, 10, 23), yt = Gaussian(tests, 10, 24);
  KernelOptions k;
  k.width = 8.0;
  Eigen::MatrixXd gram, cross;
  KernelMatrix(x, x, k, &gram);
  KernelMatrix(t, x, k, &cross);
  const std::vector<int> sizes = {50, 150, 400, 600};
  for (double ridge : {1e-2, 1e-6}) {
    INFO("ridge " << ridge);
    std::vector<double> mixed, reference;
    KernelRidgeTimings mixed_timings, double_timings;
    std::string error;
    REQUIRE(KernelRidgeCurve(
        gram, cross, y, yt, sizes, ridge, KernelPrecision::kMixed, &mixed, &mixed_timings, &error));
    REQUIRE(KernelRidgeCurve(gram,
                             cross,
                             y,
                             yt,
                             sizes,
                             ridge,
                             KernelPrecision::kDouble,
                             &reference,
                             &double_timings,
                             &error));
    INFO("mixed path " << ToString(mixed_timings.path) << ", " << mixed_timings.max_refinement_steps
                       << " steps, residual " << mixed_timings.max_relative_residual);
    REQUIRE(double_timings.path == KernelSolvePath::kDouble);
    if (ridge == 1e-2) {
      // Well inside float's reach: float32 plus refinement must do the whole curve, and the
      // float solve alone must not have been enough (the refinement is exercised).
      REQUIRE(mixed_timings.path == KernelSolvePath::kMixed);
      REQUIRE(mixed_timings.max_refinement_steps >= 1);
      REQUIRE(mixed_timings.max_relative_residual <= kRefinementTolerance);
    }
    // Residuals <= 1e-10 |b| move the solution by <= 1e-10 |b| / lambda_min; the predictions and
    // the losses by far less, as k(t, X) weights the well-conditioned directions.
    for (std::size_t s = 0; s < sizes.size(); ++s) {
      REQUIRE(mixed[s] == Approx(reference[s]).epsilon(1e-9));
    }

    // The solution vectors: x_mixed - x_double = A^-1 (r_double - r_mixed), so their distance is
    // bounded by the two residuals over lambda_min(A_p) (computed here, >= ridge).
    const NestedKernelRidge fast(gram, ridge, KernelPrecision::kMixed);
    const NestedKernelRidge slow(gram, ridge, KernelPrecision::kDouble);
    for (int p : sizes) {
      KernelSolveReport report;
      const Eigen::MatrixXd b = y.topRows(p);
      const Eigen::MatrixXd xm = fast.Solve(p, b, &report), xd = slow.Solve(p, b);
      const double lambda_min = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(
                                    gram.topLeftCorner(p, p), Eigen::EigenvaluesOnly)
                                    .eigenvalues()[0] +
                                ridge;
      const double bound =
          (ResidualNorm(gram, ridge, b, xm) + ResidualNorm(gram, ridge, b, xd)) / lambda_min;
      INFO("p " << p << ": path " << ToString(report.path) << ", |x_m - x_d| "
                << (xm - xd).colwise().norm().maxCoeff() << ", bound " << bound);
      REQUIRE((xm - xd).colwise().norm().maxCoeff() <= 1.01 * bound);
      if (report.path == KernelSolvePath::kMixed) {
        // The solver's residual met the tolerance; recomputed here it may differ by the rounding
        // of both computations.
        REQUIRE(report.relative_residual <= kRefinementTolerance);
        REQUIRE(ResidualNorm(gram, ridge, b, xm) <=
                kRefinementTolerance * b.colwise().norm().maxCoeff() +
                    2 * ResidualFloor(gram, ridge, b, xm));
      }
    }
  }
}

TEST_CASE("kernel ridge: float32 Cholesky failure falls back to the double answer",
          "[kernel_ridge]") {
  KernelOptions k;
  k.width = 2.0;
  Eigen::MatrixXd x = Gaussian(40, 5, 31);
  const Eigen::MatrixXd y = Gaussian(40, 3, 32);
  // Point 1 at distance d from point 0 with 1 - k(x0, x1) = d^2 / (2 w^2) = 1e-9: float rounds
  // the kernel to exactly 1, the leading 2 x 2 block of K is singular in float and spotrf must
  // stop at its second pivot; in double the block is positive definite (eigenvalue 2e-9).
  x.row(1) = x.row(0);
  x(1, 0) += k.width * std::sqrt(2e-9);
  Eigen::MatrixXd gram;
  KernelMatrix(x, x, k, &gram);
  REQUIRE(static_cast<float>(gram(1, 0)) == 1.0f);
  REQUIRE(gram(1, 0) < 1.0);
  const NestedKernelRidge fast(gram, 0.0), slow(gram, 0.0, KernelPrecision::kDouble);
  REQUIRE(fast.factor_path() == KernelSolvePath::kDouble);
  REQUIRE(fast.cholesky_ok());
  REQUIRE(slow.factor_path() == KernelSolvePath::kDouble);
  for (int p : {2, 17, 40}) {
    KernelSolveReport report;
    const Eigen::MatrixXd xm = fast.Solve(p, y.topRows(p), &report);
    REQUIRE(report.path == KernelSolvePath::kDouble);
    REQUIRE(std::isnan(report.relative_residual));  // no refinement was attempted
    // The fallback is the double path itself: the same factor, the same answer.
    REQUIRE((xm - slow.Solve(p, y.topRows(p))).norm() <= 1e-14 * xm.norm());
  }
  std::vector<double> losses;
  KernelRidgeTimings timings;
  std::string error;
  REQUIRE(KernelRidgeCurve(gram, gram, y, y, {10, 40}, 0.0, &losses, &timings, &error));
  REQUIRE(timings.path == KernelSolvePath::kDouble);

  SECTION("an exact duplicate defeats the double Cholesky too: min-norm solve") {
    x.row(1) = x.row(0);
    KernelMatrix(x, x, k, &gram);
    const NestedKernelRidge singular(gram, 0.0);
    REQUIRE_FALSE(singular.cholesky_ok());
    REQUIRE(singular.factor_path() == KernelSolvePath::kMinNorm);
    const Eigen::MatrixXd block = gram.topLeftCorner(17, 17);
    const Eigen::MatrixXd expected = block.completeOrthogonalDecomposition().solve(y.topRows(17));
    REQUIRE((singular.Solve(17, y.topRows(17)) - expected).norm() <= 1e-10 * expected.norm());
  }
}

TEST_CASE("kernel ridge: a refinement that cannot converge falls back to a double solve",
          "[kernel_ridge]") {
  // The identity with rows 3 and 4 coupled by 1 - delta: eigenvalue delta = 8.6e-8 in double,
  // but float rounds 1 - delta to 1 - 2^-24, whose eigenvalue 5.96e-8 is off by 44%. spotrf
  // succeeds, and each refinement step removes only 56% of the error along (e_3 - e_4): ten
  // steps cannot reach 1e-10. Prefixes without row 4 are the identity and converge at once.
  const int n = 8;
  const double delta = 8.6e-8;
  Eigen::MatrixXd gram = Eigen::MatrixXd::Identity(n, n);
  gram(3, 4) = gram(4, 3) = 1.0 - delta;
  REQUIRE(static_cast<float>(gram(4, 3)) == 1.0f - std::ldexp(1.0f, -24));
  const Eigen::MatrixXd y = Gaussian(n, 2, 41);
  const NestedKernelRidge fast(Eigen::MatrixXd(gram), 0.0);  // taken over, not copied
  const NestedKernelRidge slow(gram, 0.0, KernelPrecision::kDouble);
  REQUIRE(fast.max_size() == n);
  REQUIRE(fast.factor_path() == KernelSolvePath::kMixed);
  for (int p : {2, 4, 5, 8}) {
    INFO("p " << p);
    KernelSolveReport report;
    const Eigen::MatrixXd xm = fast.Solve(p, y.topRows(p), &report);
    const Eigen::MatrixXd xd = slow.Solve(p, y.topRows(p));
    if (p <= 4) {
      REQUIRE(report.path == KernelSolvePath::kMixed);
    } else {
      REQUIRE(report.path == KernelSolvePath::kDouble);
      REQUIRE(report.refinement_steps >= 1);
      REQUIRE(report.relative_residual > kRefinementTolerance);
    }
    // cond = 2 / delta ~ 2e7: double solutions agree to ~cond * 1e-16.
    REQUIRE((xm - xd).norm() <= 1e-8 * xd.norm());
  }
  std::vector<double> losses;
  KernelRidgeTimings timings;
  std::string error;
  REQUIRE(KernelRidgeCurve(gram, gram, y, y, {4, 8}, 0.0, &losses, &timings, &error));
  REQUIRE(timings.path == KernelSolvePath::kDouble);
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
    REQUIRE(losses[s] ==
            Approx((phi_test * theta - y).rowwise().squaredNorm().mean()).epsilon(1e-8));
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
  REQUIRE(result.spectrum_decay.std_error ==
          Approx(std::abs(b - result.half_spectrum_decay)).margin(1e-6));
  Profile profile;
  result.FillProfile(&profile);
  REQUIRE(profile.Get(Series::kEigenvalues).size() == std::size_t(n));
  REQUIRE(profile.Has(Property::kTaskPowerDecay));
}

// The probe takes its eigenvalues and projections from a tridiagonalisation and a QR iteration on
// the targets only (eigen_projections.h); a full LAPACK dsyevd decomposition with eigenvectors,
// which it used before, gives the same series.
TEST_CASE("kernel PCA: its eigenvalues and target powers equal a full dsyevd decomposition's",
          "[kernel_pca]") {
  const int n = 300;
  const Eigen::MatrixXd x = Gaussian(n, 20, 21), y = Gaussian(n, 3, 22);
  KernelOptions kernel;
  kernel.width = 4.0;
  Eigen::MatrixXd gram;
  KernelMatrix(x, x, kernel, &gram);
  KernelPcaResult result;
  std::string error;
  REQUIRE(MeasureKernelPca(gram, y, KernelPcaOptions{}, &result, &error));
  Eigen::MatrixXd vectors = gram / n;
  Eigen::VectorXd values;
  REQUIRE(SymmetricEigen(&vectors, &values, true, &error));
  const Eigen::VectorXd lambda = values.reverse();
  const Eigen::VectorXd power =
      ((vectors.transpose() * y).rowwise().squaredNorm() / double(n)).reverse();
  CHECK((result.eigenvalues - lambda).cwiseAbs().maxCoeff() < 1e-13 * lambda[0]);
  // The target power of the top tenth of the modes (the fit windows) to 1e-9 relative; the tail,
  // where neighbouring eigenvalues nearly coincide, to 1e-12 of the total.
  for (int k = 0; k < n / 10; ++k) {
    INFO(k);
    CHECK(result.target_power[k] == Approx(power[k]).epsilon(1e-9));
  }
  CHECK((result.target_power - power).cwiseAbs().maxCoeff() < 1e-12 * power.sum());
}

TEST_CASE("kernel PCA: bad shapes and tiny samples are rejected", "[kernel_pca]") {
  KernelPcaResult result;
  std::string error;
  REQUIRE_FALSE(MeasureKernelPca(Eigen::MatrixXd::Identity(5, 4),
                                 Eigen::MatrixXd::Ones(5, 1),
                                 KernelPcaOptions{},
                                 &result,
                                 &error));
  REQUIRE(error.find("n x n") != std::string::npos);
  REQUIRE_FALSE(MeasureKernelPca(Eigen::MatrixXd::Identity(20, 20),
                                 Eigen::MatrixXd::Ones(20, 1),
                                 KernelPcaOptions{},
                                 &result,
                                 &error));
  REQUIRE(error.find("fewer than 3 modes") != std::string::npos);
  KernelPcaOptions bad;
  bad.tail_max_fraction = 2;
  REQUIRE_FALSE(bad.IsValid(&error));
  REQUIRE(error.find("tail_max_fraction") != std::string::npos);
}

}  // namespace
}  // namespace scalebench

#include "harness/targets/fashion_mnist_mlp.h"
#include "harness/targets/testing/train.h"

namespace scalebench {
namespace {

TEST_CASE("fashion_mnist/mlp: a tiny cross-entropy curve trains, stops early and beats chance",
          "[fashion_mnist][realdata]") {
  FashionMnistMlpOptions options;
  options.loss = MlpLoss::kSoftmaxCrossEntropy;
  options.hidden = 32;
  options.max_epochs = 4;
  options.patience = 2;
  options.data_sizes = SizeGrid({200, 800});
  options.seeds = 1;
  options.train_pool = 1000;
  options.validation = 300;
  options.tests = 500;
  std::string error;
  REQUIRE(ValidateFields(options, &error));
  FashionMnistMlpTarget target(options);
  const LearningCurve curve = testing::TrainCurve(target, target.Designs().front());
  REQUIRE(curve.values.size() == 2);
  for (const auto& row : curve.values) {
    REQUIRE(std::isfinite(row[0]));
    REQUIRE(row[0] < std::log(10.0));  // better than the uniform guess
  }
  REQUIRE(curve.values[1][0] < curve.values[0][0]);  // more data helps
  options.data_sizes = SizeGrid({59999});
  REQUIRE_FALSE(ValidateFields(options, &error));
  REQUIRE(error.find("data_sizes") != std::string::npos);
}

}  // namespace
}  // namespace scalebench
