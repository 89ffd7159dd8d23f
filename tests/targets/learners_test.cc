// Tests of the closed-form learners in harness/learners/: hand-computed small cases, exact
// recovery, nesting, and the learning curves' direction.
#include <Eigen/Cholesky>
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "datasets/generators/power_law_gaussian.h"
#include "harness/learners/linear_ridge.h"
#include "harness/learners/projected_linear_ridge.h"

namespace scalebench {
namespace {

PowerLawGaussianDesign MakeDesign(double a, double b, int d) {
  PowerLawGaussianDesignOptions options;
  options.task_power_decay = a;
  options.spectrum_decay = b;
  options.num_modes = d;
  return PowerLawGaussianDesign(options);
}

TEST_CASE("linear_ridge with one mode matches the hand computation", "[learner]") {
  // d = 1, one sample x, y = w x: w_hat = x y / (x^2 + r), loss = lambda (w_hat - w)^2
  // = lambda w^2 r^2 / (x^2 + r)^2; ridgeless it interpolates (loss 0).
  const double lambda = 0.7, w = 1.3, x = 0.9, r = 0.25;
  Eigen::MatrixXd inputs(1, 1);
  inputs << x;
  const Eigen::VectorXd labels = Eigen::VectorXd::Constant(1, w * x);
  const Eigen::VectorXd sigma = Eigen::VectorXd::Constant(1, lambda);
  const Eigen::VectorXd teacher = Eigen::VectorXd::Constant(1, w);
  std::vector<double> losses;
  LinearRidgeOptions options;
  options.ridge = r;
  REQUIRE(LinearRidgeCurve(inputs, labels, sigma, teacher, {1}, options, &losses, nullptr));
  const double expected = lambda * w * w * r * r / ((x * x + r) * (x * x + r));
  CHECK(losses[0] == Approx(expected).epsilon(1e-12));
  REQUIRE(LinearRidgeCurve(inputs, labels, sigma, teacher, {1}, {}, &losses, nullptr));
  CHECK(losses[0] < 1e-28);
}

TEST_CASE("ridgeless linear_ridge with one sample of two modes", "[learner]") {
  // Min-norm: w_hat = x (x . w) / |x|^2; loss = sum_k sigma_k (w_hat_k - w_k)^2.
  Eigen::MatrixXd inputs(1, 2);
  inputs << 1.0, 2.0;
  const Eigen::Vector2d sigma(1.0, 0.25), teacher(0.5, -1.0);
  const Eigen::VectorXd labels = inputs * teacher;  // -1.5
  std::vector<double> losses;
  REQUIRE(LinearRidgeCurve(inputs, labels, sigma, teacher, {1}, {}, &losses, nullptr));
  const Eigen::Vector2d w_hat = Eigen::Vector2d(1.0, 2.0) * (-1.5 / 5.0);  // (-0.3, -0.6)
  const double expected = 1.0 * std::pow(w_hat[0] - 0.5, 2) + 0.25 * std::pow(w_hat[1] + 1.0, 2);
  CHECK(losses[0] == Approx(expected).epsilon(1e-12));
}

TEST_CASE("linear_ridge recovers the teacher once P >= d", "[learner]") {
  const auto design = MakeDesign(2.0, 1.5, 40);
  const Eigen::MatrixXd x = design.SampleInputs(1, 60);
  std::vector<double> losses;
  std::string error;
  REQUIRE(LinearRidgeCurve(x,
                           design.Labels(x),
                           design.eigenvalues(),
                           design.teacher(),
                           {10, 39, 40, 60},
                           {},
                           &losses,
                           &error));
  CHECK(losses[0] > 1e-3);
  CHECK(losses[1] > 0.0);
  CHECK(losses[2] < 1e-16);
  CHECK(losses[3] < 1e-16);
}

TEST_CASE("linear_ridge on nested prefixes equals separate fits", "[learner]") {
  const auto design = MakeDesign(2.5, 2.0, 500);
  const Eigen::MatrixXd x = design.SampleInputs(2, 64);
  const Eigen::VectorXd y = design.Labels(x);
  std::vector<double> nested, alone;
  LinearRidgeOptions options;
  options.ridge = 1e-3;
  REQUIRE(LinearRidgeCurve(
      x, y, design.eigenvalues(), design.teacher(), {8, 20, 64}, options, &nested, nullptr));
  // Direct primal ridge solution on the first 20 rows.
  const Eigen::MatrixXd x20 = x.topRows(20);
  const Eigen::VectorXd w_hat =
      (x20.transpose() * x20 + options.ridge * Eigen::MatrixXd::Identity(500, 500))
          .ldlt()
          .solve(x20.transpose() * y.head(20));
  const double direct = design.eigenvalues().dot((w_hat - design.teacher()).cwiseAbs2());
  CHECK(nested[1] == Approx(direct).epsilon(1e-8));
  REQUIRE(LinearRidgeCurve(x.topRows(20),
                           y.head(20),
                           design.eigenvalues(),
                           design.teacher(),
                           {20},
                           options,
                           &alone,
                           nullptr));
  CHECK(nested[1] == Approx(alone[0]).epsilon(1e-12));
}

TEST_CASE("projected_linear_ridge with one feature of two modes", "[learner]") {
  // N = 1: A = s Sigma^1/2, u = Sigma^1/2 w, loss = |u|^2 - (A . u)^2 / |A|^2.
  Eigen::MatrixXd s(1, 2);
  s << 0.8, -1.1;
  const Eigen::Vector2d sigma(1.0, 0.3), teacher(1.0, 0.5);
  const Eigen::Vector2d a(0.8 * 1.0, -1.1 * std::sqrt(0.3));
  const Eigen::Vector2d u(1.0, std::sqrt(0.3) * 0.5);
  const double expected = u.squaredNorm() - std::pow(a.dot(u), 2) / a.squaredNorm();
  std::vector<double> losses;
  REQUIRE(ProjectedLinearRidgeCurve(&s, sigma, teacher, {1}, {}, &losses, nullptr));
  CHECK(losses[0] == Approx(expected).epsilon(1e-12));
}

TEST_CASE("projected_linear_ridge is exact at N = d and falls with N", "[learner]") {
  const auto design = MakeDesign(2.0, 1.5, 64);
  std::vector<double> losses;
  std::string error;
  Eigen::MatrixXd s = design.SampleStandardNormal(3, 80);
  REQUIRE(ProjectedLinearRidgeCurve(
      &s, design.eigenvalues(), design.teacher(), {4, 16, 63, 64, 80}, {}, &losses, &error));
  CHECK(losses[0] > losses[1]);
  CHECK(losses[1] > losses[2]);
  CHECK(losses[3] < 1e-16);
  CHECK(losses[4] < 1e-16);
  // With no features the loss would be the total power; with 4 it is well below.
  CHECK(losses[0] < design.TotalTargetPower());
}

TEST_CASE("Learning curves of both learners decrease", "[learner]") {
  const auto design = MakeDesign(3.0, 1.5, 4096);
  const std::vector<int> sizes = {16, 32, 64, 128, 256};
  std::vector<double> mean_data(sizes.size(), 0.0), mean_params(sizes.size(), 0.0);
  for (int seed = 0; seed < 3; ++seed) {
    const Eigen::MatrixXd x = design.SampleInputs(seed, 256);
    std::vector<double> data, params;
    REQUIRE(LinearRidgeCurve(
        x, design.Labels(x), design.eigenvalues(), design.teacher(), sizes, {}, &data, nullptr));
    Eigen::MatrixXd s = design.SampleStandardNormal(100 + seed, 256);
    REQUIRE(ProjectedLinearRidgeCurve(
        &s, design.eigenvalues(), design.teacher(), sizes, {}, &params, nullptr));
    for (std::size_t i = 0; i < sizes.size(); ++i)
      mean_data[i] += data[i], mean_params[i] += params[i];
  }
  for (std::size_t i = 1; i < sizes.size(); ++i) {
    CHECK(mean_data[i] < 0.6 * mean_data[i - 1]);      // ~ 2^-2 per doubling
    CHECK(mean_params[i] < 0.6 * mean_params[i - 1]);  // ~ 2^-1.5 per doubling
  }
}

TEST_CASE("Learners reject bad options and shapes", "[learner]") {
  std::string error;
  LinearRidgeOptions ridge;
  ridge.ridge = -1;
  CHECK_FALSE(ridge.IsValid(&error));
  CHECK(error.find("ridge = -1") != std::string::npos);
  ProjectedLinearRidgeOptions projected;
  projected.ridge = INFINITY;
  CHECK_FALSE(projected.IsValid(&error));
  CHECK(error.find("ridge") != std::string::npos);

  const Eigen::MatrixXd x = Eigen::MatrixXd::Identity(4, 4);
  const Eigen::VectorXd v = Eigen::VectorXd::Ones(4);
  std::vector<double> losses;
  CHECK_FALSE(LinearRidgeCurve(x, v, v, v, {2, 2}, {}, &losses, &error));
  CHECK(error.find("strictly increasing") != std::string::npos);
  CHECK_FALSE(LinearRidgeCurve(x, v, v, v, {5}, {}, &losses, &error));
  CHECK(error.find("sizes[0] = 5") != std::string::npos);
  Eigen::MatrixXd s = x;
  CHECK_FALSE(ProjectedLinearRidgeCurve(&s, Eigen::VectorXd::Ones(3), v, {1}, {}, &losses, &error));
}

}  // namespace
}  // namespace scalebench
