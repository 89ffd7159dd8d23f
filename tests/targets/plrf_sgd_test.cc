// The plrf_sgd learner (harness/learners/plrf_sgd.h): its optimum against a direct least-squares
// solve, and the mean of many SGD runs, with the literal loop (x in R^v, W^T x) and with the
// eigenbasis sampling the targets use, against the expected risk of the Volterra recursion.
#include "harness/learners/plrf_sgd.h"

#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "datasets/generators/random.h"

namespace scalebench {
namespace {

using Catch::Matchers::Contains;

PlrfModelOptions SmallModel(double alpha, double beta) {
  PlrfModelOptions model;
  model.alpha = alpha;
  model.beta = beta;
  model.features = 24;
  model.data_dim = 96;
  return model;
}

// Mean and standard error over `runs` SGD streams of the risk at each checkpoint.
void MeanOfRuns(const PlrfModel& model,
                const PlrfSgdOptions& sgd,
                const std::vector<std::int64_t>& checkpoints,
                int runs,
                std::vector<double>* mean,
                std::vector<double>* se) {
  const std::size_t n = checkpoints.size();
  std::vector<double> sum(n, 0.0), squares(n, 0.0), losses;
  std::string error;
  for (int run = 0; run < runs; ++run) {
    REQUIRE(PlrfSgdCurve(model, sgd, 1000 + run, checkpoints, &losses, &error));
    for (std::size_t i = 0; i < n; ++i) {
      sum[i] += losses[i];
      squares[i] += losses[i] * losses[i];
    }
  }
  mean->assign(n, 0.0);
  se->assign(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    (*mean)[i] = sum[i] / runs;
    const double variance = (squares[i] - sum[i] * (*mean)[i]) / (runs - 1);
    (*se)[i] = std::sqrt(std::max(variance, 0.0) / runs);
  }
}

TEST_CASE("plrf_sgd: the limit level and the start are the population risk's least squares",
          "[unit][learner]") {
  const PlrfModelOptions options = SmallModel(0.7, 0.4);
  PlrfModel model;
  std::string error;
  REQUIRE(PlrfModel::Build(options, 7, PlrfSampling::kEigenbasis, &model, &error));
  // A = D^1/2 W and s = D^1/2 b by hand from the documented streams, and the best theta from a
  // dense QR of A (no eigendecomposition): P(theta) = |A theta - s|^2.
  const int v = options.data_dim, d = options.features;
  Eigen::MatrixXd a(v, d);
  for (int k = 0; k < d; ++k) FillStandardNormal(MixSeed(7, k), a.col(k).data(), v);
  Eigen::VectorXd s(v);
  for (int j = 0; j < v; ++j) {
    a.row(j) *= std::pow(j + 1.0, -options.alpha) / std::sqrt(double(d));
    s(j) = std::pow(j + 1.0, -options.alpha - options.beta);
  }
  const Eigen::VectorXd theta = a.colPivHouseholderQr().solve(s);
  CHECK(model.limit_level() == Approx((a * theta - s).squaredNorm()).epsilon(1e-9));
  CHECK(model.initial_risk() == Approx(s.squaredNorm()).epsilon(1e-12));
  CHECK(model.limit_level() < model.initial_risk());
  // Sum rule: P(0) = sigma^2 + sum_i mu_i phi*_i^2 (the risk at theta = 0 in the eigenbasis).
  const double explained =
      model.optimum().cwiseAbs2().dot(model.feature_eigenvalues()) + model.limit_level();
  CHECK(explained == Approx(model.initial_risk()).epsilon(1e-10));
  // The eigenvalues of K = A^T A, decreasing.
  Eigen::VectorXd mu =
      Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(a.transpose() * a).eigenvalues().reverse();
  CHECK((mu - model.feature_eigenvalues()).cwiseAbs().maxCoeff() < 1e-12 * mu(0));
  // A larger width has a lower limit level (more features span more of the target).
  PlrfModelOptions wider = options;
  wider.features = 48;
  PlrfModel wide;
  REQUIRE(PlrfModel::Build(wider, 7, PlrfSampling::kEigenbasis, &wide, &error));
  CHECK(wide.limit_level() < model.limit_level());
  // At d = v the features span the data: the limit level is 0 up to rounding.
  PlrfModelOptions square = options;
  square.features = square.data_dim;
  PlrfModel full;
  REQUIRE(PlrfModel::Build(square, 7, PlrfSampling::kEigenbasis, &full, &error));
  CHECK(full.limit_level() < 1e-10 * full.initial_risk());
}

TEST_CASE("plrf_sgd: the mean of SGD runs is the Volterra expected risk, with either sampling",
          "[unit][learner]") {
  // Two phases (2beta < 1 and 2beta > 1), batch 2 (the B(B + 1) fourth moment) and a step with a
  // kernel norm of ~0.2 (the SGD-noise term matters; larger steps give heavy-tailed risks whose
  // sample mean and SE mislead). Tolerance: 4 standard errors of the
  // mean of 400 runs at each checkpoint, plus 0.5% for the recursion's rounding.
  const std::vector<std::int64_t> checkpoints = {1, 3, 10, 30, 100, 300, 1000, 2000};
  for (const auto& [alpha, beta] : {std::pair{0.7, 0.4}, std::pair{0.4, 1.0}}) {
    for (PlrfSampling sampling : {PlrfSampling::kRawData, PlrfSampling::kEigenbasis}) {
      CAPTURE(alpha, beta, ToString(sampling));
      PlrfModel model;
      std::string error;
      REQUIRE(PlrfModel::Build(SmallModel(alpha, beta), 3, sampling, &model, &error));
      PlrfSgdOptions sgd;
      sgd.batch_size = 2;
      sgd.learning_rate = 0.6 / model.data_trace();
      sgd.sampling = sampling;
      const double norm = PlrfKernelNorm(model, sgd);
      CHECK(norm > 0.15);
      CHECK(norm < 1.0);
      std::vector<double> expected, mean, se;
      REQUIRE(PlrfExpectedRiskCurve(model, sgd, checkpoints, &expected, &error));
      MeanOfRuns(model, sgd, checkpoints, 400, &mean, &se);
      for (std::size_t i = 0; i < checkpoints.size(); ++i) {
        CAPTURE(checkpoints[i], mean[i], se[i], expected[i]);
        CHECK(std::abs(mean[i] - expected[i]) <= 4.0 * se[i] + 0.005 * expected[i]);
      }
      // The curve falls from P(0) towards sigma^2 / (1 - norm).
      CHECK(expected.front() < model.initial_risk());
      CHECK(expected.back() > model.limit_level());
    }
  }
}

TEST_CASE("plrf_sgd: runs are reproducible per stream and refuse bad settings", "[unit][learner]") {
  PlrfModel model;
  std::string error;
  REQUIRE(PlrfModel::Build(SmallModel(0.7, 0.25), 5, PlrfSampling::kEigenbasis, &model, &error));
  PlrfSgdOptions sgd;
  sgd.learning_rate = 0.5 / model.data_trace();
  std::vector<double> a, b, c;
  REQUIRE(PlrfSgdCurve(model, sgd, 11, {10, 100}, &a, &error));
  REQUIRE(PlrfSgdCurve(model, sgd, 11, {5, 10, 100}, &b, &error));  // other checkpoints
  REQUIRE(PlrfSgdCurve(model, sgd, 12, {10, 100}, &c, &error));
  CHECK(a[0] == b[1]);
  CHECK(a[1] == b[2]);
  CHECK(a[1] != c[1]);

  // Above the stability bound: refused with the kernel norm, never a diverged curve.
  PlrfSgdOptions fast = sgd;
  fast.learning_rate = 3.0 / model.data_trace();
  CHECK_FALSE(PlrfSgdCurve(model, fast, 11, {10}, &a, &error));
  CHECK_THAT(error, Contains("above the SGD stability bound"));
  CHECK_FALSE(PlrfExpectedRiskCurve(model, fast, {10}, &a, &error));
  CHECK_THAT(error, Contains("kernel norm"));
  // The literal loop needs a model that kept W.
  PlrfSgdOptions raw = sgd;
  raw.sampling = PlrfSampling::kRawData;
  CHECK_FALSE(PlrfSgdCurve(model, raw, 11, {10}, &a, &error));
  CHECK_THAT(error, Contains("raw-data sampling needs a model built for it"));
  CHECK_FALSE(PlrfSgdCurve(model, sgd, 11, {10, 10}, &a, &error));
  CHECK_THAT(error, Contains("strictly increasing"));
  CHECK_FALSE(PlrfSgdCurve(model, sgd, 11, {0, 10}, &a, &error));
  CHECK_THAT(error, Contains(">= 1 step"));
  PlrfModelOptions wide = SmallModel(0.7, 0.25);
  wide.features = wide.data_dim + 1;
  CHECK_FALSE(PlrfModel::Build(wide, 5, PlrfSampling::kEigenbasis, &model, &error));
  CHECK_THAT(error, Contains("features = 97 must be <= data_dim"));
}

}  // namespace
}  // namespace scalebench
