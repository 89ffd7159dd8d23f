// The Fashion-MNIST kernel and random-feature targets (issue 3), on Debian's
// dataset-fashion-mnist: kernel ridge with the RBF or Laplace kernel ("fashion_mnist/rbf",
// "laplace", their "_full" variants, and the held-out "rbf_heldout", "rbf_heldout_full",
// "laplace_heldout_full"), and ridge regression on random ReLU features
// ("fashion_mnist/relu_features", "relu_features_full"; data and params axes). The MLP target is in
// fashion_mnist_mlp.h, the data helpers in fashion_mnist_data.h.
//
// Two test designs: kPool, where the population is a pool of n training images, training sets are
// nested prefixes of a permutation of it and the loss is the MSE over the whole pool (the kernel
// PCA of the pool is then the population's exact spectrum); and kHeldOut, with a training pool, a
// fixed t10k test set and a reference sample for the profile, three disjoint parts of the files.
// Why these designs, their conventions and the measured results: README.md, "Fashion-MNIST
// kernels and features". A missing data file fails the profile and every run, naming the file.
//
// Usage (a registered target runs through `scalebench run --target fashion_mnist/rbf_heldout`):
//   FashionMnistKernelOptions options;          // the pool design of fashion_mnist/rbf
//   options.test = FashionMnistTest::kHeldOut;
//   options.pool_size = 56000;
//   options.data_sizes = SizeGrid::Log(100, 4000, 8);
//   FashionMnistKernelTarget target(options);
//   LearningCurve curve = testing::TrainCurve(target, target.Designs().front());
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/learners/kernel_ridge.h"
#include "harness/targets/fashion_mnist_data.h"
#include "harness/targets/target.h"

namespace scalebench {

// What the test loss of the kernel targets measures.
enum class FashionMnistTest {
  kPool,     // the MSE over the whole pool, the population of the training draws
  kHeldOut,  // the MSE on the first `tests` t10k images, never trained on
};
const char* ToString(FashionMnistTest test);  // "pool", "held_out"

struct FashionMnistKernelOptions {
  // The folder of the four IDX files. Both: the runs and the profile are functions of the files'
  // contents, which the keys cannot see, so a different folder is a different key (a copy of the
  // data elsewhere recomputes rather than trusting that it holds the same images).
  std::string data_dir = kFashionMnistDir;
  FashionMnistTest test = FashionMnistTest::kPool;
  KernelOptions kernel;  // rbf, w = 5 (pixel units of images in [0, 1])
  double ridge = 1e-2;   // on K + ridge I
  // kPool: n, the population and the test set. kHeldOut: the training pool, the first pool_size
  // training images (<= 60000 - reference_size).
  int pool_size = 2000;
  // Training draws i.i.d. with replacement (kept for comparison), or without (distinct points,
  // prefixes of a permutation: what the theories describe; README).
  bool with_replacement = false;
  SizeGrid data_sizes = SizeGrid::Log(50, 1000, 8);  // <= pool_size without replacement
  int seeds = 5;
  std::uint64_t seed_base = 20261122;
  int intrinsic_dimension_points = 2000;  // <= the profile's sample (pool or reference)
  int tests = 5000;                       // kHeldOut: the first `tests` t10k images
  int reference_size = 4000;              // kHeldOut: the last images of the training file

  template <typename Fields>
  void Visit(Fields& f) {
    const bool held_out = test == FashionMnistTest::kHeldOut;
    const int sample = held_out ? reference_size : pool_size;
    f.Both("data_dir", data_dir).NotEmpty();
    f.Both("test", test);
    f.Both("kernel", kernel);
    f.Curve("ridge", ridge).Above(0.0).Finite();
    f.Both("pool_size", pool_size).AtLeast(100).AtMost(kFashionMnistTrainImages);
    f.Curve("with_replacement", with_replacement);
    f.Design("data_sizes", data_sizes)
        .Check(with_replacement || data_sizes.empty() || data_sizes.back() <= pool_size,
               "<= pool_size = " + std::to_string(pool_size) + " (draws without replacement)");
    f.Design("seeds", seeds).AtLeast(1);
    f.Curve("seed_base", seed_base);
    f.Profile("intrinsic_dimension_points", intrinsic_dimension_points)
        .AtLeast(100)
        .Check(intrinsic_dimension_points <= sample,
               std::string("<= ") + (held_out ? "reference_size" : "pool_size") + " = " +
                   std::to_string(sample) + " (the profile's sample)");
    f.Curve("tests", tests)
        .Check(!held_out || (tests >= 100 && tests <= kFashionMnistTestImages),
               "in [100, 10000] (the first images of t10k)");
    f.Profile("reference_size", reference_size)
        .Check(!held_out || reference_size >= 200,
               ">= 200 (the n/2 convergence check of the kernel PCA needs a fit window)")
        .Check(!held_out || pool_size + reference_size <= kFashionMnistTrainImages,
               "<= 60000 - pool_size = " + std::to_string(kFashionMnistTrainImages - pool_size) +
                   " (the reference sample, the last training images, must not overlap the "
                   "training pool)");
  }

  // The ranges of the files the target reads (precondition: valid).
  FashionMnistLayout Layout() const;
};

class FashionMnistKernelTarget final : public TargetWith<FashionMnistKernelOptions> {
 public:
  using TargetWith::TargetWith;

  TargetInfo Describe() const override;
  std::vector<AxisDesign> Designs() const override;
  ProfileResult MeasureProfile(const RunContext& context) const override;
  // Loads the pool (and its Gram in the pool design, the test set in the held-out design).
  bool Prepare(const AxisDesign& design,
               const RunContext& context,
               std::unique_ptr<const DesignData>* data,
               std::string* error) const override;
  // One seed: its permutation of the pool, the loss at every size (nested prefixes).
  RunResult Run(const AxisDesign& design,
                const RunPoint& point,
                const DesignData* data,
                const RunContext& context) const override;
  // No oracle (nullopt): in the pool design the measured profile already is the population's
  // exact spectrum (kernel PCA of the whole pool), and there is no generating b or a to compare
  // its fitted decays with; held out, the population spectrum is unknown (the kernel PCA of a
  // larger sample would be another estimate, not an oracle). See the .cc for the cost argument.

  // "kernel_ridge_rbf_w5": the learner kind (the width is part of the name until LearnerSpec has
  // a kernel-width field).
  std::string LearnerKind() const;
};

// Random ReLU features phi_j(x) = relu(w_j . x) / sqrt(N), w_j ~ N(0, I / 784), ridge on
// K = Phi Phi^T + ridge I, in the pool design. The data axis uses ONE fixed draw of `features`
// features, the profile's, so the profile is the spectrum of the learner's own kernel; the params
// axis (N at a fixed training size) draws new features and a new training set per seed.
struct FashionMnistReluOptions {
  std::string data_dir = kFashionMnistDir;  // Both, as in FashionMnistKernelOptions
  double ridge = 1e-3;
  int pool_size = 2000;  // n, the population and the test set
  bool with_replacement = false;
  int features = 2000;  // N of the data axis (and of the profile's kernel)
  SizeGrid data_sizes = SizeGrid::Log(50, 1000, 8);
  SizeGrid param_sizes = SizeGrid::Log(25, 2000, 8);  // the swept N, <= features
  int params_train_size = 1000;                       // P of the params axis
  int seeds = 5;
  std::uint64_t seed_base = 20261122;
  int intrinsic_dimension_points = 2000;  // <= pool_size

  template <typename Fields>
  void Visit(Fields& f) {
    f.Both("data_dir", data_dir).NotEmpty();
    f.Curve("ridge", ridge).Above(0.0).Finite();
    f.Both("pool_size", pool_size).AtLeast(100).AtMost(kFashionMnistTrainImages);
    f.Curve("with_replacement", with_replacement);
    f.Both("features", features).AtLeast(1);
    f.Design("data_sizes", data_sizes)
        .Check(with_replacement || data_sizes.empty() || data_sizes.back() <= pool_size,
               "<= pool_size = " + std::to_string(pool_size) + " (draws without replacement)");
    f.Design("param_sizes", param_sizes)
        .Check(param_sizes.empty() || param_sizes.back() <= features,
               "<= features = " + std::to_string(features));
    f.Curve("params_train_size", params_train_size)
        .AtLeast(1)
        .Check(with_replacement || params_train_size <= pool_size,
               "<= pool_size = " + std::to_string(pool_size) + " (draws without replacement)");
    f.Design("seeds", seeds).AtLeast(1);
    f.Both("seed_base", seed_base);  // also draws the profile's features
    f.Profile("intrinsic_dimension_points", intrinsic_dimension_points)
        .AtLeast(100)
        .Check(intrinsic_dimension_points <= pool_size,
               "<= pool_size = " + std::to_string(pool_size));
  }
};

class FashionMnistReluTarget final : public TargetWith<FashionMnistReluOptions> {
 public:
  using TargetWith::TargetWith;

  TargetInfo Describe() const override;
  std::vector<AxisDesign> Designs() const override;
  ProfileResult MeasureProfile(const RunContext& context) const override;
  // Loads the pool (data axis: and the Gram of the fixed features on it).
  bool Prepare(const AxisDesign& design,
               const RunContext& context,
               std::unique_ptr<const DesignData>* data,
               std::string* error) const override;
  // One seed: data axis, its permutation of the pool; params axis, its features and training
  // set; the loss at every size (nested prefixes of sizes or features).
  RunResult Run(const AxisDesign& design,
                const RunPoint& point,
                const DesignData* data,
                const RunContext& context) const override;
  // No oracle, as for the kernel pool design (the measured profile is the exact spectrum of the
  // learner's own finite-feature kernel on the pool).

  // Phi Phi^T / N of the data axis's fixed features on `images` (the profile's kernel too).
  void PoolGram(const Eigen::MatrixXd& images, Eigen::MatrixXd* gram) const;
};

}  // namespace scalebench
