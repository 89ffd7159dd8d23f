// The held-out Fashion-MNIST design (harness/targets/fashion_mnist.h): option validation, the
// disjointness of training pool, validation split, reference sample and test set in the
// registered targets, a tiny held-out curve, the reference-sample profile, and the MLP's loss
// option. Each case reads a few hundred images (the profile cases read the whole training file
// once, to reach its last images).
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

namespace scalebench {
namespace {

FashionMnistOptions TinyHeldOut() {
  FashionMnistOptions o;
  o.name = "fashion_mnist/rbf_heldout_tiny";
  o.test = FashionMnistTest::kHeldOut;
  o.pool_size = 300;
  o.tests = 200;
  o.reference_size = 200;
  o.intrinsic_dimension_points = 100;
  o.data_sizes = {30, 100, 300};
  o.seeds = 3;
  return o;
}

// The error of `options`, which must be invalid.
std::string ErrorOf(const FashionMnistOptions& options) {
  std::string error;
  REQUIRE_FALSE(options.IsValid(&error));
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

TEST_CASE("held-out options: a bad field is named in the error", "[heldout]") {
  std::string error;
  REQUIRE(TinyHeldOut().IsValid(&error));

  FashionMnistOptions o = TinyHeldOut();
  o.reference_size = 100;
  REQUIRE(ErrorOf(o).find("reference_size = 100") != std::string::npos);
  o = TinyHeldOut();
  o.pool_size = 58000;
  o.reference_size = 4000;  // the reference would overlap the training pool
  REQUIRE(ErrorOf(o).find("pool_size + reference_size <= 60000") != std::string::npos);
  o = TinyHeldOut();
  o.tests = 20000;
  REQUIRE(ErrorOf(o).find("tests = 20000") != std::string::npos);
  o = TinyHeldOut();
  o.learner = FashionMnistLearner::kReluFeatures;
  REQUIRE(ErrorOf(o).find("held_out supports learner = kernel ridge only") != std::string::npos);
  o = TinyHeldOut();
  o.intrinsic_dimension_points = 250;  // > reference_size, though < pool_size
  REQUIRE(ErrorOf(o).find("intrinsic_dimension_points = 250") != std::string::npos);
  o = TinyHeldOut();
  o.data_sizes = {30, 400};
  REQUIRE(ErrorOf(o).find("data_sizes reach 400 > pool_size = 300") != std::string::npos);
  // The pool design does not read the held-out fields.
  o = TinyHeldOut();
  o.test = FashionMnistTest::kPool;
  o.tests = 0;
  o.reference_size = 0;
  REQUIRE(o.IsValid(&error));
}

TEST_CASE("held-out layout: ranges overlap only within one file", "[heldout]") {
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
  FashionMnistOptions pool = TinyHeldOut();
  pool.test = FashionMnistTest::kPool;
  REQUIRE(pool.Layout().tests.Overlaps(pool.Layout().training));
}

TEST_CASE("registered held-out targets and the MLP: valid, disjoint parts, declared sizes",
          "[heldout]") {
  std::string error;
  for (const std::string name : {"fashion_mnist/rbf_heldout",
                                 "fashion_mnist/rbf_heldout_full",
                                 "fashion_mnist/laplace_heldout_full"}) {
    INFO(name);
    std::unique_ptr<Target> target = TargetRegistry::Global().Create(name, &error);
    REQUIRE(target != nullptr);
    const auto* fm = dynamic_cast<const FashionMnistTarget*>(target.get());
    REQUIRE(fm != nullptr);
    REQUIRE(fm->options().IsValid(&error));
    REQUIRE(fm->options().test == FashionMnistTest::kHeldOut);
    RequireDisjoint(fm->options().Layout());
    const AxisDesign design = fm->Designs().front();
    REQUIRE(design.learner.loss == "mse");
    REQUIRE(design.sizes.front() <= 100);
    REQUIRE(design.seeds >= 5);
    const bool full = name.find("_full") != std::string::npos;
    REQUIRE(design.sizes.back() >= (full ? 16000 : 4000));
    const auto& suites = fm->Describe().suites;
    REQUIRE((std::find(suites.begin(), suites.end(), "default") != suites.end()) == !full);
  }
  std::unique_ptr<Target> target = TargetRegistry::Global().Create("fashion_mnist/mlp", &error);
  REQUIRE(target != nullptr);
  const auto* mlp = dynamic_cast<const FashionMnistMlpTarget*>(target.get());
  REQUIRE(mlp != nullptr);
  REQUIRE(mlp->options().IsValid(&error));
  RequireDisjoint(mlp->options().Layout());
  REQUIRE(mlp->Designs().front().learner.loss == "mse");
  REQUIRE(mlp->Designs().front().sizes.back() >= 32000);
  REQUIRE(mlp->options().reference_kernel.kind == KernelKind::kRbf);
  REQUIRE(mlp->options().reference_kernel.width == 5.0);
}

TEST_CASE(
    "held-out run on tiny sizes: finite losses falling with P; the whole pool matches "
    "KernelRidgeCurve",
    "[heldout]") {
  const FashionMnistOptions options = TinyHeldOut();
  FashionMnistTarget target(options);
  const AxisDesign design = target.Designs().front();
  const LearningCurve curve = target.Train(design, nullptr);
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
          "[heldout]") {
  FashionMnistTarget target(TinyHeldOut());
  const Profile profile = target.MeasureProfile(nullptr);
  REQUIRE(profile.Has(Series::kEigenvalues));
  REQUIRE(profile.Get(Series::kEigenvalues).size() == 200);
  REQUIRE(profile.Has(Property::kTaskPowerDecay));
  REQUIRE(profile.Get(Property::kSpectrumComplete).value == 0.0);
  REQUIRE(profile.Get(Property::kLabelNoiseVariance).value == 0.0);
  REQUIRE(profile.Has(Property::kIntrinsicDimension));
  REQUIRE(profile.source.find("train[59800,60000)") != std::string::npos);
}

FashionMnistMlpOptions TinyMlp() {
  FashionMnistMlpOptions o;
  o.hidden = 32;
  o.max_epochs = 4;
  o.patience = 2;
  o.data_sizes = {200, 800};
  o.seeds = 1;
  o.train_pool = 1000;
  o.validation = 300;
  o.tests = 500;
  o.reference_size = 200;
  o.intrinsic_dimension_points = 100;
  return o;
}

TEST_CASE("fashion_mnist/mlp: squared error by default, named mse, below the constant predictor",
          "[mlp]") {
  FashionMnistMlpOptions options = TinyMlp();
  std::string error;
  REQUIRE(options.IsValid(&error));
  REQUIRE(options.loss == MlpLoss::kSquaredError);
  FashionMnistMlpTarget target(options);
  const AxisDesign design = target.Designs().front();
  REQUIRE(design.learner.loss == "mse");
  REQUIRE_FALSE(design.zero_offset);
  const LearningCurve curve = target.Train(design, nullptr);
  REQUIRE(std::isfinite(curve.values[0][0]));
  REQUIRE(curve.values[0][0] < 0.9);  // the constant 0.1 per class scores 0.9
  REQUIRE(curve.values[1][0] < curve.values[0][0]);

  options.loss = MlpLoss::kSoftmaxCrossEntropy;
  REQUIRE(std::string(options.LossName()) == "cross_entropy_nats");
  REQUIRE(FashionMnistMlpTarget(options).Designs().front().learner.loss == "cross_entropy_nats");
  // Another loss is another curve: the cache key says which.
  REQUIRE(FashionMnistMlpTarget(options).CacheKeyMaterial() != target.CacheKeyMaterial());
}

TEST_CASE("fashion_mnist/mlp: options name the bad field; the profile is the reference's",
          "[mlp]") {
  FashionMnistMlpOptions o = TinyMlp();
  std::string error;
  o.train_pool = 50000;
  o.validation = 5000;
  o.reference_size = 8000;  // 63000 > 60000
  REQUIRE_FALSE(o.IsValid(&error));
  REQUIRE(error.find("train_pool = 50000") != std::string::npos);
  o = TinyMlp();
  o.data_sizes = {200, 1500};  // > train_pool
  REQUIRE_FALSE(o.IsValid(&error));
  REQUIRE(error.find("data_sizes") != std::string::npos);
  o = TinyMlp();
  o.reference_kernel.width = -1;
  REQUIRE_FALSE(o.IsValid(&error));
  REQUIRE(error.find("reference_kernel.width") != std::string::npos);

  const Profile profile = FashionMnistMlpTarget(TinyMlp()).MeasureProfile(nullptr);
  REQUIRE(profile.Get(Series::kEigenvalues).size() == 200);
  REQUIRE(profile.Get(Property::kSpectrumComplete).value == 0.0);
  REQUIRE(profile.source.find("rbf kernel of width 5") != std::string::npos);
}

}  // namespace
}  // namespace scalebench
