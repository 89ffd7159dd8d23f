// The exact check of the kernel machinery (Spigler, Geiger & Wyart 2020, Theorem 1, conjectured
// and checked there for points on a sphere) and the kernel/cui_rates regimes.
#include <Eigen/Cholesky>
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "datasets/generators/random.h"
#include "harness/learners/kernel_ridge.h"
#include "theories/registry.h"
#include "theories/theory.h"

namespace scalebench {
namespace {

// n points uniform on the unit sphere S^dim in R^(dim+1).
Eigen::MatrixXd SpherePoints(int n, int dim, std::uint64_t seed) {
  Eigen::MatrixXd x(n, dim + 1);
  FillStandardNormal(seed, x.data(), x.size());
  x.rowwise().normalize();
  return x;
}

// Laplace teacher (a Gaussian field with covariance exp(-|x - x'|)) and Laplace student
// (ridgeless kernel regression with the same kernel) on S^dim: the spectrum on the sphere falls
// as lambda_k ~ k^-(1 + 1/dim) and the teacher's power as p_k ~ lambda_k, so Theorem 1 gives
// beta = min(a - 1, 2b) = 1/dim in the intrinsic dimension dim.
TEST_CASE("teacher-student on the sphere: Laplace teacher, Laplace student, beta = 1/d",
          "[sphere]") {
  const int dim = 2, tests = 600, seeds = 6;
  const std::vector<int> sizes = {64, 128, 256, 512, 1024};
  KernelOptions laplace;
  laplace.kind = KernelKind::kLaplace;
  laplace.width = 1.0;
  std::vector<double> mean(sizes.size(), 0.0);
  for (int s = 0; s < seeds; ++s) {
    const int total = sizes.back() + tests;
    const Eigen::MatrixXd x = SpherePoints(total, dim, MixSeed(7, s));
    Eigen::MatrixXd k;
    KernelMatrix(x, x, laplace, &k);
    k.diagonal().array() += 1e-10;
    Eigen::VectorXd z(total);
    FillStandardNormal(MixSeed(8, s), z.data(), total);
    const Eigen::VectorXd field = k.llt().matrixL() * z;  // teacher values at all points
    const Eigen::MatrixXd train_gram = k.topLeftCorner(sizes.back(), sizes.back());
    const Eigen::MatrixXd cross = k.bottomLeftCorner(tests, sizes.back());
    std::vector<double> losses;
    std::string error;
    REQUIRE(KernelRidgeCurve(train_gram,
                             cross,
                             field.head(sizes.back()),
                             field.tail(tests),
                             sizes,
                             1e-8,
                             &losses,
                             nullptr,
                             &error));
    for (std::size_t i = 0; i < sizes.size(); ++i) mean[i] += std::log(losses[i]) / seeds;
  }
  // Least-squares slope of the mean log error over the two upper octaves (256..1024).
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t i = 2; i < sizes.size(); ++i) {
    const double lx = std::log(sizes[i]);
    sx += lx, sy += mean[i], sxx += lx * lx, sxy += lx * mean[i];
  }
  const double m = sizes.size() - 2;
  const double beta = -(m * sxy - sx * sy) / (m * sxx - sx * sx);
  INFO("measured beta = " << beta << ", Theorem 1: " << 1.0 / dim);
  CHECK(beta == Approx(1.0 / dim).margin(0.1));
}

Prediction CuiPredict(double a, double b, double noise, double ridge, bool with_noise = true) {
  Profile profile;
  profile.Set(Property::kTaskPowerDecay, {a, 0.0, "test"});
  profile.Set(Property::kSpectrumDecay, {b, 0.0, "test"});
  if (with_noise) profile.Set(Property::kLabelNoiseVariance, {noise, 0.0, "test"});
  LearnerSpec learner;
  learner.kind = "kernel_ridge";
  learner.loss = "mse";
  learner.ridge = ridge;
  std::string error;
  auto theory = TheoryRegistry::Global().Create("kernel/cui_rates", &error);
  REQUIRE(theory != nullptr);
  return theory->Predict(PredictionRequest(profile, learner, Axis::kData, {100, 1000}));
}

TEST_CASE("kernel/cui_rates: the noiseless and noisy regimes of the declared ridge", "[cui]") {
  // alpha = b = 2, a = 3: r = 0.5.
  REQUIRE(CuiPredict(3, 2, 0, 0).exponent().value == Approx(2.0));       // min(a-1, 2b)
  REQUIRE(CuiPredict(3, 2, 0, 1e-2).exponent().value == Approx(1.0));    // (a-1)/b, fixed ridge
  REQUIRE(CuiPredict(3, 2, 0.5, 1e-2).exponent().value == Approx(0.5));  // min(1 - 1/2, 1)
  REQUIRE(CuiPredict(3, 2, 0.5, 0).exponent().value == Approx(0.0));     // ridgeless + noise
  // Saturation r > 1: a = 10, b = 2 -> noiseless ridgeless 2b = 4.
  REQUIRE(CuiPredict(10, 2, 0, 0).exponent().value == Approx(4.0));
  const Prediction absent = CuiPredict(3, 2, 0, 0, false);
  REQUIRE(absent.message().find("read as noiseless") != std::string::npos);
  REQUIRE(CuiPredict(3, 0.9, 0, 0).status() == PredictionStatus::kNotApplicable);
}

}  // namespace
}  // namespace scalebench
