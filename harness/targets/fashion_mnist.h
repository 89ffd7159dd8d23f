// The Fashion-MNIST targets (issue 3): kernel ridge regression with the RBF and Laplace kernels
// ("fashion_mnist/rbf", "fashion_mnist/laplace") and ridge regression on random ReLU features
// ("fashion_mnist/relu_features"), each with a heavier "_full" variant in the full suite; the
// same kernels scored on held-out test images ("fashion_mnist/rbf_heldout" in the default suite,
// "fashion_mnist/rbf_heldout_full" and "fashion_mnist/laplace_heldout_full" in the full suite);
// and a one-hidden-layer MLP ("fashion_mnist/mlp", full suite, declared below).
//
// Two test designs (FashionMnistTest):
//
// POOL (kPool, the targets without "heldout"; the design that makes the kernel theories testable,
// as Bordelon et al. 2020 do): the population is a fixed POOL of n images, the first n of
// Debian's Fashion-MNIST training file (its order is already class-mixed). A training set of size
// P is the first P entries of a uniform random permutation of the pool (seed j: its own stream;
// the sizes of one curve are nested prefixes), and the test loss is the MSE over the whole pool,
// the risk on the pool's empirical distribution. The kernel PCA of the pool
// (datasets/probes/kernel_pca.h) is then that population's exact, complete spectrum and target
// power (profile spectrum_complete = 1), and the one-hot label is a function of the pool image, so
// the label noise is 0 by construction.
// Why without replacement: i.i.d. draws (with replacement) repeat points, and for P/n >~ 0.2 the
// measured MSE exceeds the self-consistent curve (RBF, n = 8000: -11% at P = 2607, -23% at 4000),
// while prefixes of a permutation follow it within 4% up to P = n/2 (measured; see
// tests/fashion_mnist/curve_check_test.cc). The deterministic equivalent describes distinct
// samples: on n atoms with equal eigenvalues it gives E = 1 - P/n, the error of P distinct draws,
// not the e^(-P/n) of P i.i.d. ones. `with_replacement` keeps the i.i.d. variant for comparison.
// What the pool design does not measure: generalisation to unseen Fashion-MNIST images.
//
// HELD-OUT (kHeldOut, the "test MSE on a fixed held-out set"): three disjoint parts of
// Debian's files (FashionMnistLayout; the ranges are checked disjoint by IsValid and the tests):
//   - training pool: the first `pool_size` images of the training file; a training set of size P
//     is the first P entries of a uniform random permutation of it (seed j: its own stream, nested
//     prefixes across sizes, as in the pool design);
//   - test set: the first `tests` images of the t10k file, the same for every size and seed;
//   - reference sample: the last `reference_size` images of the training file, never trained on
//     (pool_size <= 60000 - reference_size). The profile is measured on it: kernel PCA of the
//     learner's kernel (same probe and windows as the pool design, with the n/2 convergence
//     check), spectrum_complete = 0 because the sample is not the population (full-curve theories
//     then keep the top modes and continue the tail as the measured power laws,
//     theories/internal/spectral.h), and the intrinsic dimension of its first
//     `intrinsic_dimension_points` images.
// The loss is the test MSE of unseen images, i.e. generalisation over the Fashion-MNIST
// distribution, which is what the kernel theories describe when the spectrum is that of the data
// distribution: here it is estimated from a finite sample, so the top modes are accurate and the
// modes beyond ~n/10 are not (kernel_pca.h). label_noise_variance = 0 (stated, not measured):
// every image of the files carries exactly one label, so the label is a function of the image;
// confusable classes (shirt, T-shirt, pullover) make that function hard to learn (power in the
// slow tail of the target spectrum), not noisy in the theories' sense.
// Per seed the work is one Gram of the P_max training points, one Cholesky of it (every smaller
// size uses the leading block of the factor, harness/learners/kernel_ridge.h) and one test x P_max
// cross Gram; the training Gram is released once the solver holds it (peak resident memory
// measured 5.7 GB at P_max = 16000 with the mixed-precision solver). Measured exponents and the
// theories' scores: README, Fashion-MNIST section.
//
// Targets: one-hot 10-class vectors, not centred (the mean 0.1 per class lives mostly in the
// near-constant top kernel mode). Loss "mse": squared error summed over the 10 outputs, averaged
// over the test points (the pool, or the held-out test set); the target power in the profile is
// summed over outputs in the same way.
// Kernels and ridge: harness/learners/kernel_ridge.h (ridge on K + ridge I, widths in pixel units
// of images scaled to [0, 1]). Random ReLU features (pool design only): phi_j(x) = sqrt(1/N)
// relu(w_j . x), w_j ~ N(0, I / 784); ridge regression on them is kernel ridge with K = Phi Phi^T
// (same ridge convention). The data axis of relu_features uses ONE fixed feature draw, the
// probe's, so the profile is the spectrum of the learner's own finite-feature kernel; the params
// axis (N at a fixed training size) draws new features and a new training set per seed.
//
// Profile (pool design): kernel PCA of the pool (eigenvalues, target power, b, a with the n/2
// convergence check), the intrinsic dimension (TwoNN, datasets/probes/intrinsic_dimension.h) of
// the pool's first `intrinsic_dimension_points` images, and label_noise_variance = 0 (see above).
//
// Missing data: the error names the Debian package (dataset-fashion-mnist), via the IDX reader.
//
// Usage (a registered target runs through `scalebench run --target fashion_mnist/rbf_heldout`):
//   FashionMnistOptions options;
//   options.test = FashionMnistTest::kHeldOut;
//   options.pool_size = 56000;
//   options.data_sizes = FashionMnistOptions::LogSizes(100, 4000, 8);
//   std::string error;
//   if (!options.IsValid(&error)) ...;  // names the offending field
//   FashionMnistTarget target(options);
//   LearningCurve curve = target.Train(target.Designs().front(), progress);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/learners/kernel_ridge.h"
#include "harness/learners/mlp.h"
#include "harness/targets/target.h"

namespace scalebench {

enum class FashionMnistLearner { kKernelRidge, kReluFeatures };

// What the test loss measures (see the file comment).
enum class FashionMnistTest {
  kPool,     // the MSE over the whole pool, the population of the training draws
  kHeldOut,  // the MSE on the first `tests` t10k images, never trained on
};
const char* ToString(FashionMnistTest test);  // "pool", "held_out"

// The Fashion-MNIST training file holds 60000 images, the t10k file 10000.
inline constexpr int kFashionMnistTrainImages = 60000;
inline constexpr int kFashionMnistTestImages = 10000;

// A half-open range [begin, end) of items of one of Debian's two Fashion-MNIST files.
struct FashionMnistRange {
  std::string split = "train";  // "train" or "test" (t10k), as LoadFashionMnist names them
  int begin = 0;
  int end = 0;

  int size() const { return end - begin; }
  // True when both ranges hold an item in common (same file, intersecting ranges).
  bool Overlaps(const FashionMnistRange& other) const;
};

// Where a target's images come from. The loaders read exactly these ranges, so checking them
// disjoint checks the data the target uses. Unused parts are empty ranges.
struct FashionMnistLayout {
  FashionMnistRange training;    // the pool from which the training sets are drawn
  FashionMnistRange validation;  // early stopping (the MLP only)
  FashionMnistRange tests;       // the test set (the pool design: the pool itself)
  FashionMnistRange reference;   // the profile's sample (the pool design: the pool itself)
};

struct FashionMnistOptions {
  std::string name = "fashion_mnist/rbf";
  std::vector<std::string> suites = {"default", "full"};
  FashionMnistLearner learner = FashionMnistLearner::kKernelRidge;
  KernelOptions kernel;  // kernel ridge only
  double ridge = 1e-2;   // on K + ridge I
  // kPool: n, the population and the test set. kHeldOut: the training pool, the first pool_size
  // training images (<= 60000 - reference_size).
  int pool_size = 4000;
  // Training draws: i.i.d. with replacement (the theory's i.i.d. assumption on the pool's
  // empirical measure), or without (distinct points, nested prefixes of a permutation); see the
  // file comment for why without is the default.
  bool with_replacement = false;
  std::vector<double> data_sizes;  // P, increasing integers, <= pool_size without replacement
  int seeds = 5;
  // relu_features: N of the data axis (fixed), the swept N of the params axis and its fixed P.
  int features = 4000;
  std::vector<double> param_sizes;
  int params_train_size = 2000;
  std::uint64_t seed_base = 20261122;
  int intrinsic_dimension_points = 2000;  // <= the profile's sample (pool or reference)
  // The test design; kHeldOut supports kernel ridge only.
  FashionMnistTest test = FashionMnistTest::kPool;
  int tests = 5000;           // kHeldOut: the first `tests` t10k images, in [100, 10000]
  int reference_size = 4000;  // kHeldOut: the last images of the training file, >= 200

  // Ceres-style: false with the offending field, its value and the constraint in *error.
  bool IsValid(std::string* error) const;
  // The ranges of the files this target reads (precondition: IsValid()).
  FashionMnistLayout Layout() const;
  // `count` sizes log-spaced from `lo` to `hi`, rounded to integers.
  static std::vector<double> LogSizes(double lo, double hi, int count);
};

class FashionMnistTarget final : public Target {
 public:
  // Precondition: options.IsValid().
  explicit FashionMnistTarget(const FashionMnistOptions& options) : options_(options) {}

  TargetInfo Describe() const override;
  std::vector<AxisDesign> Designs() const override;
  Profile MeasureProfile(const ProgressFn& progress) const override;
  LearningCurve Train(const AxisDesign& design, const ProgressFn& progress) const override;
  std::string CacheKeyMaterial() const override;

  // The learner kind of the data axis, e.g. "kernel_ridge_rbf_w5" (the width is part of the
  // name until LearnerSpec has a kernel-width field).
  std::string LearnerKind() const;
  // The pool (pool_size x 784 in [0, 1]) and its one-hot targets (pool_size x 10).
  bool LoadPool(Eigen::MatrixXd* images, Eigen::MatrixXd* one_hot, std::string* error) const;
  // The kernel matrix of the data axis on the pool (kernel, or Phi Phi^T of the probe features).
  void PoolGram(const Eigen::MatrixXd& images, Eigen::MatrixXd* gram) const;
  const FashionMnistOptions& options() const { return options_; }

 private:
  LearningCurve TrainData(const AxisDesign& design, const ProgressFn& progress) const;
  LearningCurve TrainHeldOut(const AxisDesign& design,
                             const std::vector<int>& sizes,
                             const ProgressFn& progress) const;
  LearningCurve TrainParams(const AxisDesign& design, const ProgressFn& progress) const;
  // The pool indices of seed `seed`'s training set on the data axis (prefixes give the sizes).
  std::vector<int> DataDraws(std::uint64_t seed, int count) const;

  FashionMnistOptions options_;
};

// "fashion_mnist/mlp" (full suite): a one-hidden-layer ReLU MLP (harness/learners/mlp.h, float32,
// Adam at a constant rate), the neural learner of issue 3, trained in the held-out design of the
// kernel targets so that their predictions can be scored against a network that learns features.
// Layout of Debian's files (FashionMnistLayout, disjoint): the training pool is the first
// `train_pool` training images, the validation split the next `validation`, the reference sample
// the last `reference_size`; the test set the first `tests` t10k images. Seed j draws its training
// sets as nested prefixes of its own permutation of the pool (as the kernel targets do), and its
// own initialisation and batch order for each size.
// Loss (`loss`): kSquaredError (default) trains on the one-hot targets with the squared error and
// reports "mse", the test squared error summed over the 10 outputs and averaged over the test
// images: the loss of the kernel targets, in the units of the kernel theories' curves (which the
// softmax cross-entropy is not: they predict a squared error). kSoftmaxCrossEntropy keeps the
// classifier's loss ("cross_entropy_nats") for comparison.
// Early stopping: after each epoch the validation loss (the training loss's kind) is measured,
// training stops after `patience` epochs without improvement, and the best epoch's weights are
// scored on the test set. The curve is fitted as E + A P^-alpha (E >= 0 free): at a fixed width
// the error need not tend to 0.
// Profile: the kernel PCA of the reference sample with `reference_kernel` (by default the RBF
// kernel of fashion_mnist/rbf, w = 5; the same probe and sample as fashion_mnist/rbf_heldout_full),
// spectrum_complete = 0, the intrinsic dimension of its first `intrinsic_dimension_points` images
// and label_noise_variance = 0 (each image carries one label). The MLP's own kernel (its NTK or
// after-training kernel) is NOT measured: the spectral theories read the RBF reference spectrum
// as a proxy for it. The declared spec carries the hidden width as `features` (as the other MLP
// targets do), so theories that assume no feature bottleneck say n/a on their own terms.
struct FashionMnistMlpOptions {
  std::string name = "fashion_mnist/mlp";
  std::vector<std::string> suites = {"full"};
  int hidden = 256;
  MlpLoss loss = MlpLoss::kSquaredError;
  double learning_rate = 1e-3;
  int batch = 128;
  int max_epochs = 40;
  int patience = 4;
  std::vector<double> data_sizes;  // increasing integers <= train_pool
  int seeds = 5;
  int train_pool = 47000;
  int validation = 5000;
  int tests = 5000;
  int reference_size = 8000;
  KernelOptions reference_kernel;  // rbf, w = 5
  int intrinsic_dimension_points = 2000;
  std::uint64_t seed_base = 20261123;

  // Ceres-style: false with the offending field, its value and the constraint in *error.
  bool IsValid(std::string* error) const;
  // The ranges of the files this target reads (precondition: IsValid()).
  FashionMnistLayout Layout() const;
  // "mse" or "cross_entropy_nats", the loss name of the curve.
  const char* LossName() const;
};

class FashionMnistMlpTarget final : public Target {
 public:
  // Precondition: options.IsValid().
  explicit FashionMnistMlpTarget(const FashionMnistMlpOptions& options) : options_(options) {}
  TargetInfo Describe() const override;
  std::vector<AxisDesign> Designs() const override;
  Profile MeasureProfile(const ProgressFn& progress) const override;
  LearningCurve Train(const AxisDesign& design, const ProgressFn& progress) const override;
  std::string CacheKeyMaterial() const override;
  const FashionMnistMlpOptions& options() const { return options_; }

 private:
  FashionMnistMlpOptions options_;
};

}  // namespace scalebench
