// Tests of datasets/generators/power_law_gaussian.h: spectrum, teacher power, covariance, labels.
#include "datasets/generators/power_law_gaussian.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <string>

namespace scalebench {
namespace {

PowerLawGaussianDesign MakeDesign(double a, double b, int d) {
  PowerLawGaussianDesignOptions options;
  options.task_power_decay = a;
  options.spectrum_decay = b;
  options.num_modes = d;
  return PowerLawGaussianDesign(options);
}

TEST_CASE("Spectrum and teacher are exact power laws", "[generator]") {
  const auto design = MakeDesign(2.5, 1.5, 100);
  for (int k = 1; k <= 100; ++k) {
    const double lambda = design.eigenvalues()[k - 1];
    const double w = design.teacher()[k - 1];
    REQUIRE(lambda == Approx(std::pow(k, -1.5)).epsilon(1e-14));
    REQUIRE(lambda * w * w == Approx(std::pow(k, -2.5)).epsilon(1e-13));
  }
  double total = 0;
  for (int k = 1; k <= 100; ++k) total += std::pow(k, -2.5);
  CHECK(design.TotalTargetPower() == Approx(total).epsilon(1e-13));
}

TEST_CASE("Empirical covariance and label power match the population", "[generator]") {
  const auto design = MakeDesign(3.0, 1.5, 6);
  const int n = 400000;
  const Eigen::MatrixXd x = design.SampleInputs(5, n);
  const Eigen::MatrixXd cov = x.transpose() * x / n;
  for (int k = 0; k < 6; ++k) {
    const double lambda = design.eigenvalues()[k];
    // SE of a variance estimate: lambda sqrt(2 / n) = 0.0022 lambda; allow 5 SE.
    CHECK(cov(k, k) == Approx(lambda).epsilon(0.012));
    for (int j = 0; j < k; ++j) CHECK(std::abs(cov(k, j)) < 0.012 * std::sqrt(lambda * cov(j, j)));
  }
  const Eigen::VectorXd y = design.Labels(x);
  CHECK(y.squaredNorm() / n == Approx(design.TotalTargetPower()).epsilon(0.012));
  // Per-mode target power: (x_k . y)^2 / (n^2 lambda_k) -> lambda_k w_k^2 = k^-3.
  // Relative SE 2 sqrt(E y^2 / (n p_k)): 0.0035 for k = 1, 0.01 for k = 2.
  for (int k = 0; k < 2; ++k) {
    const double proj = x.col(k).dot(y) / n;
    CHECK(proj * proj / design.eigenvalues()[k] == Approx(std::pow(k + 1, -3.0)).epsilon(0.04));
  }
}

TEST_CASE("Draws are deterministic and nested in the number of rows", "[generator]") {
  const auto design = MakeDesign(2.0, 1.5, 300);
  const Eigen::MatrixXd big = design.SampleInputs(11, 50);
  const Eigen::MatrixXd small = design.SampleInputs(11, 20);
  CHECK(big.topRows(20) == small);
  CHECK(design.SampleInputs(11, 50) == big);
  CHECK(design.SampleInputs(12, 50) != big);
  Eigen::MatrixXd block;
  design.SampleInputBlock(11, 50, 100, 64, &block);
  CHECK(block == big.middleCols(100, 64));
  Eigen::MatrixXd reused = Eigen::MatrixXd::Zero(50, 300);
  design.SampleInputs(11, 50, &reused);
  CHECK(reused == big);
  const Eigen::MatrixXd z = design.SampleStandardNormal(11, 50);
  CHECK((z * design.eigenvalues().cwiseSqrt().asDiagonal()).isApprox(big, 1e-15));
}

TEST_CASE("Bad design options are rejected with the field named", "[generator]") {
  PowerLawGaussianDesignOptions options;
  std::string error;
  CHECK(options.IsValid(&error));
  options.spectrum_decay = -1;
  CHECK_FALSE(options.IsValid(&error));
  CHECK(error.find("spectrum_decay") != std::string::npos);
  options = {};
  options.task_power_decay = NAN;
  CHECK_FALSE(options.IsValid(&error));
  CHECK(error.find("task_power_decay") != std::string::npos);
  options = {};
  options.num_modes = 0;
  CHECK_FALSE(options.IsValid(&error));
  CHECK(error.find("num_modes = 0") != std::string::npos);
}

}  // namespace
}  // namespace scalebench
