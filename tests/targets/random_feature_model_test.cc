// Maloney, Roberts & Sully's model as a target: the random-feature learner against a direct
// computation, and the registered variants' declared model (a = b, finite features on the data
// axis, home of the MRS theory).
#include <Eigen/QR>
#include <catch2/catch.hpp>
#include <cmath>

#include "datasets/generators/power_law_gaussian.h"
#include "harness/learners/linear_random_features.h"
#include "harness/targets/gaussian_spectrum.h"

namespace scalebench {
namespace {

TEST_CASE("linear random features: blockwise, nested solve equals the direct minimum-norm fit",
          "[unit][targets]") {
  PowerLawGaussianDesignOptions options;
  options.spectrum_decay = 1.5;
  options.task_power_decay = 1.5;
  options.num_modes = 2500;  // not a multiple of the learner's block of 1024 columns
  const PowerLawGaussianDesign design(options);
  const Eigen::MatrixXd x = design.SampleInputs(11, 40);
  const Eigen::VectorXd y = design.Labels(x);
  const int n = 400;  // T <= 40 << N: away from the double-descent peak, the loss falls
  const FeatureBlockFn block = [&](int first, int count, Eigen::MatrixXd* out) {
    design.SampleStandardNormalBlock(12, n, first, count, out);
  };
  std::vector<double> losses;
  std::string error;
  REQUIRE(LinearRandomFeaturesCurve(
      x, y, design.eigenvalues(), design.teacher(), n, block, {5, 20, 40}, {}, &losses, &error));
  const Eigen::MatrixXd s = design.SampleStandardNormal(12, n);  // all of S at once
  for (int i = 0; i < 3; ++i) {
    const int t = std::vector<int>{5, 20, 40}[i];
    const Eigen::MatrixXd z = x.topRows(t) * s.transpose();
    const Eigen::VectorXd theta = z.completeOrthogonalDecomposition().solve(y.head(t));
    const Eigen::VectorXd v = s.transpose() * theta - design.teacher();
    const double direct = v.cwiseAbs2().dot(design.eigenvalues());
    CHECK(losses[i] == Approx(direct).epsilon(1e-8));
  }
  CHECK(losses[2] < losses[0]);
  CHECK_FALSE(LinearRandomFeaturesCurve(
      x, y, design.eigenvalues(), design.teacher(), 40, block, {5, 40}, {}, &losses, &error));
  CHECK(error.find("< N = 40") != std::string::npos);
}

TEST_CASE("random_feature_model variants declare MRS's model and are its home", "[unit][targets]") {
  for (const char* name : {"random_feature_model/alpha1.0", "random_feature_model/alpha0.5"}) {
    CAPTURE(name);
    auto target = TargetRegistry::Global().Create(name, nullptr);
    REQUIRE(target != nullptr);
    const auto& options = static_cast<const GaussianSpectrumTarget&>(*target).options();
    CHECK(options.task_power_decay == options.spectrum_decay);  // isotropic teacher
    const TargetInfo info = target->Info();
    CHECK(info.home_theories == std::vector<std::string>{"random_features/maloney_roberts_sully"});
    CHECK(info.dataset_family == "random_feature_model");
    const auto designs = target->Designs();
    REQUIRE(designs.size() == 2);
    CHECK(designs[0].learner.kind == "linear_random_features");
    CHECK(designs[0].learner.features > double(designs[0].sizes.back()));
    CHECK(designs[1].learner.train_size == kInfinite);
    const double alpha = options.spectrum_decay - 1.0;
    CHECK(info.exact_exponents.at(Axis::kData) == Approx(alpha));
    CHECK(info.exact_exponents.at(Axis::kParams) == Approx(alpha));
  }
}

}  // namespace
}  // namespace scalebench
