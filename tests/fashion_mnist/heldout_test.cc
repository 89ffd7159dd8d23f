// The held-out Fashion-MNIST design (harness/targets/fashion_mnist.h) and the MLP
// (fashion_mnist_mlp.h): option validation, the disjointness of training pool, validation split,
// reference sample and test set in the registered targets, a tiny held-out curve, the
// reference-sample profile, and the MLP's loss option. Each case reads a few hundred images (the
// profile cases read the whole training file once, to reach its last images).
#include <Eigen/Dense>
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "datasets/readers/idx_reader.h"
#include "harness/learners/kernel_ridge.h"
#include "harness/targets/fashion_mnist.h"
#include "harness/targets/fashion_mnist_mlp.h"
#include "harness/targets/testing/train.h"

namespace scalebench {
namespace {

FashionMnistKernelOptions TinyHeldOut() {
  FashionMnistKernelOptions o;
  o.test = FashionMnistTest::kHeldOut;
  o.pool_size = 300;
  o.tests = 200;
  o.reference_size = 200;
  o.intrinsic_dimension_points = 100;
  o.data_sizes = SizeGrid({30, 100, 300});
  o.seeds = 3;
  return o;
}

// The error of `options`, which must be invalid.
template <typename Options>
std::string ErrorOf(const Options& options) {
  std::string error;
  REQUIRE_FALSE(ValidateFields(options, &error));
  return error;
}

void RequireDisjoint(const FashionMnistLayout& layout) {
  const std::vector<FashionMnistRange> parts = {
      layout.training, layout.validation, layout.tests, layout.reference};
  for (std::size_t i = 0; i < parts.size(); ++i) {
    for (std::size_t j = i + 1; j < parts.size(); ++j) {
      INFO("parts " << i << " and " << j);
      REQUIRE_FALSE(parts[i].Overlaps(parts[j]));
    }
  }
}

TEST_CASE("held-out options: a bad field is named in the error", "[fashion_mnist][unit]") {
  std::string error;
  REQUIRE(ValidateFields(TinyHeldOut(), &error));

  FashionMnistKernelOptions o = TinyHeldOut();
  o.reference_size = 100;
  CHECK(ErrorOf(o) ==
        "reference_size = 100 must be >= 200 (the n/2 convergence check of the kernel PCA needs "
        "a fit window)");
  o = TinyHeldOut();
  o.pool_size = 58000;
  o.reference_size = 4000;  // the reference would overlap the training pool
  CHECK(ErrorOf(o).find("reference_size = 4000 must be <= 60000 - pool_size = 2000") == 0);
  o = TinyHeldOut();
  o.tests = 20000;
  CHECK(ErrorOf(o) == "tests = 20000 must be in [100, 10000] (the first images of t10k)");
  o = TinyHeldOut();
  o.intrinsic_dimension_points = 250;  // > reference_size, though < pool_size
  CHECK(ErrorOf(o) ==
        "intrinsic_dimension_points = 250 must be <= reference_size = 200 (the profile's sample)");
  o = TinyHeldOut();
  o.data_sizes = SizeGrid({30, 400});
  CHECK(ErrorOf(o) == "data_sizes = 30,400 must be <= pool_size = 300 (draws without replacement)");
  o = TinyHeldOut();
  o.kernel.width = -1;
  CHECK(ErrorOf(o) == "kernel.width = -1 must be > 0");
  o = TinyHeldOut();
  o.data_dir = "";
  CHECK(ErrorOf(o).find("data_dir = ") == 0);
  CHECK(ErrorOf(o).find("must be non-empty") != std::string::npos);
  // The pool design does not read the held-out fields.
  o = TinyHeldOut();
  o.test = FashionMnistTest::kPool;
  o.tests = 0;
  o.reference_size = 0;
  REQUIRE(ValidateFields(o, &error));
}

TEST_CASE("held-out layout: ranges overlap only within one file", "[fashion_mnist][unit]") {
  const FashionMnistRange a{"train", 0, 10}, b{"train", 9, 20}, c{"train", 10, 20};
  REQUIRE(a.Overlaps(b));
  REQUIRE(b.Overlaps(a));
  REQUIRE_FALSE(a.Overlaps(c));
  REQUIRE_FALSE(a.Overlaps(FashionMnistRange{"test", 0, 10}));
  REQUIRE_FALSE(a.Overlaps(FashionMnistRange{"train", 5, 5}));  // empty

  const FashionMnistLayout layout = TinyHeldOut().Layout();
  REQUIRE(layout.training.split == "train");
  REQUIRE(layout.training.end == 300);
  REQUIRE(layout.tests.split == "test");
  REQUIRE(layout.tests.size() == 200);
  REQUIRE(layout.reference.begin == 59800);
  REQUIRE(layout.reference.end == 60000);
  RequireDisjoint(layout);
  // The pool design tests on its pool: the overlap is the design, and Layout says so.
  FashionMnistKernelOptions pool = TinyHeldOut();
  pool.test = FashionMnistTest::kPool;
  REQUIRE(pool.Layout().tests.Overlaps(pool.Layout().training));
}

TEST_CASE("registered held-out targets and the MLP: valid, disjoint parts, declared sizes",
          "[fashion_mnist][unit]") {
  std::string error;
  for (const std::string name : {"fashion_mnist/rbf_heldout",
                                 "fashion_mnist/rbf_heldout_full",
                                 "fashion_mnist/laplace_heldout_full"}) {
    INFO(name);
    std::unique_ptr<Target> target = TargetRegistry::Global().Create(name, &error);
    REQUIRE(target != nullptr);
    const auto* fm = dynamic_cast<const FashionMnistKernelTarget*>(target.get());
    REQUIRE(fm != nullptr);
    REQUIRE(fm->IsValid(&error));
    REQUIRE(fm->options().test == FashionMnistTest::kHeldOut);
    RequireDisjoint(fm->options().Layout());
    const AxisDesign design = fm->Designs().front();
    REQUIRE(design.learner.loss == "mse");
    REQUIRE(design.unit == RunUnit::kSeed);
    REQUIRE(design.sizes.front() <= 100);
    REQUIRE(design.seeds >= 5);
    const bool full = name.find("_full") != std::string::npos;
    REQUIRE(design.sizes.back() >= (full ? 16000 : 4000));
    const auto& suites = fm->Info().suites;
    REQUIRE((std::find(suites.begin(), suites.end(), "default") != suites.end()) == !full);
  }
  std::unique_ptr<Target> target = TargetRegistry::Global().Create("fashion_mnist/mlp", &error);
  REQUIRE(target != nullptr);
  const auto* mlp = dynamic_cast<const FashionMnistMlpTarget*>(target.get());
  REQUIRE(mlp != nullptr);
  REQUIRE(mlp->IsValid(&error));
  RequireDisjoint(mlp->options().Layout());
  REQUIRE(mlp->Designs().front().learner.loss == "mse");
  REQUIRE(mlp->Designs().front().unit == RunUnit::kSizeAndSeed);
  REQUIRE(mlp->Designs().front().sizes.back() >= 32000);
  REQUIRE(mlp->options().reference_kernel.kind == KernelKind::kRbf);
  REQUIRE(mlp->options().reference_kernel.width == 5.0);
}

TEST_CASE(
    "held-out run on tiny sizes: finite losses falling with P, the whole pool matches "
    "KernelRidgeCurve",
    "[fashion_mnist][realdata]") {
  const FashionMnistKernelOptions options = TinyHeldOut();
  FashionMnistKernelTarget target(options);
  const AxisDesign design = target.Designs().front();
  // Two workers: the runs share the loaded pool and test set read-only.
  const MeasuredCurve measured = testing::TrainDesign(target, design, /*jobs=*/2);
  REQUIRE(measured.complete());
  const LearningCurve& curve = measured.curve;
  REQUIRE(curve.values.size() == 3);
  std::vector<double> means;
  for (const auto& row : curve.values) {
    double sum = 0;
    for (double v : row) {
      REQUIRE(std::isfinite(v));
      REQUIRE(v > 0);
      sum += v;
    }
    means.push_back(sum / row.size());
  }
  REQUIRE(means[1] < means[0]);
  REQUIRE(means[2] < means[1]);
  REQUIRE(means[0] < 0.9);  // the constant prediction 0.1 per class scores 0.9
  // One worker gives the same numbers: nothing a run reads is changed by another run.
  const LearningCurve serial = testing::TrainCurve(target, design);
  REQUIRE(serial.values == curve.values);

  // P = pool_size trains every seed on the whole pool (in another order), so each seed's last
  // loss is the file-order solve of the public API on the same images.
  LabeledImages train, test;
  ImageLoadOptions load;
  std::string error;
  load.max_items = options.pool_size;
  REQUIRE(LoadFashionMnist("train", load, &train, &error));
  load.max_items = options.tests;
  REQUIRE(LoadFashionMnist("test", load, &test, &error));
  Eigen::MatrixXd y_train = Eigen::MatrixXd::Zero(options.pool_size, 10);
  Eigen::MatrixXd y_test = Eigen::MatrixXd::Zero(options.tests, 10);
  for (int i = 0; i < options.pool_size; ++i) y_train(i, train.labels[i]) = 1;
  for (int i = 0; i < options.tests; ++i) y_test(i, test.labels[i]) = 1;
  Eigen::MatrixXd gram, cross;
  KernelMatrix(train.images, train.images, options.kernel, &gram);
  KernelMatrix(test.images, train.images, options.kernel, &cross);
  std::vector<double> losses;
  REQUIRE(KernelRidgeCurve(
      gram, cross, y_train, y_test, {options.pool_size}, options.ridge, &losses, nullptr, &error));
  for (double v : curve.values.back()) REQUIRE(v == Approx(losses[0]).epsilon(1e-8));
}

TEST_CASE("held-out profile: kernel PCA of the reference sample, not complete, noiseless",
          "[fashion_mnist][realdata]") {
  FashionMnistKernelTarget target(TinyHeldOut());
  const ProfileResult result = target.MeasureProfile(RunContext{});
  REQUIRE(result.ok());
  const Profile& profile = result.profile();
  REQUIRE(profile.Has(Series::kEigenvalues));
  REQUIRE(profile.Get(Series::kEigenvalues).size() == 200);
  REQUIRE(profile.Has(Property::kTaskPowerDecay));
  REQUIRE(profile.Get(Property::kSpectrumComplete).value == 0.0);
  REQUIRE(profile.Get(Property::kLabelNoiseVariance).value == 0.0);
  REQUIRE(profile.Has(Property::kIntrinsicDimension));
  REQUIRE(profile.source.find("train[59800,60000)") != std::string::npos);
  REQUIRE_FALSE(target.OracleProfile().has_value());
}

FashionMnistMlpOptions TinyMlp() {
  FashionMnistMlpOptions o;
  o.hidden = 32;
  o.max_epochs = 4;
  o.patience = 2;
  o.data_sizes = SizeGrid({200, 800});
  o.seeds = 1;
  o.train_pool = 1000;
  o.validation = 300;
  o.tests = 500;
  o.reference_size = 200;
  o.intrinsic_dimension_points = 100;
  return o;
}

TEST_CASE("fashion_mnist/mlp: squared error by default, named mse, below the constant predictor",
          "[fashion_mnist][realdata]") {
  FashionMnistMlpOptions options = TinyMlp();
  std::string error;
  REQUIRE(ValidateFields(options, &error));
  REQUIRE(options.loss == MlpLoss::kSquaredError);
  FashionMnistMlpTarget target(options);
  const AxisDesign design = target.Designs().front();
  REQUIRE(design.learner.loss == "mse");
  REQUIRE_FALSE(design.zero_offset);
  const LearningCurve curve = testing::TrainCurve(target, design);
  REQUIRE(std::isfinite(curve.values[0][0]));
  REQUIRE(curve.values[0][0] < 0.9);  // the constant 0.1 per class scores 0.9
  REQUIRE(curve.values[1][0] < curve.values[0][0]);

  options.loss = MlpLoss::kSoftmaxCrossEntropy;
  REQUIRE(std::string(options.LossName()) == "cross_entropy_nats");
  REQUIRE(FashionMnistMlpTarget(options).Designs().front().learner.loss == "cross_entropy_nats");
  // Another loss is another curve: the run key says which.
  REQUIRE(FashionMnistMlpTarget(options).RunKeyText() != target.RunKeyText());
}

TEST_CASE("fashion_mnist/mlp: options name the bad field, the profile is the reference's",
          "[fashion_mnist][realdata]") {
  FashionMnistMlpOptions o = TinyMlp();
  o.train_pool = 50000;
  o.validation = 5000;
  o.reference_size = 8000;  // 63000 > 60000
  CHECK(ErrorOf(o).find("train_pool = 50000 must be <= 60000 - validation - reference_size = "
                        "47000") == 0);
  o = TinyMlp();
  o.data_sizes = SizeGrid({200, 1500});  // > train_pool
  CHECK(ErrorOf(o) == "data_sizes = 200,1500 must be <= train_pool = 1000");
  o = TinyMlp();
  o.reference_kernel.width = -1;
  CHECK(ErrorOf(o) == "reference_kernel.width = -1 must be > 0");

  const ProfileResult result = FashionMnistMlpTarget(TinyMlp()).MeasureProfile(RunContext{});
  REQUIRE(result.ok());
  REQUIRE(result.profile().Get(Series::kEigenvalues).size() == 200);
  REQUIRE(result.profile().Get(Property::kSpectrumComplete).value == 0.0);
  REQUIRE(result.profile().source.find("rbf kernel of width 5") != std::string::npos);
}

}  // namespace
}  // namespace scalebench
