// The Fashion-MNIST targets (issue 3): kernel ridge regression with the RBF and Laplace kernels
// ("fashion_mnist/rbf", "fashion_mnist/laplace") and ridge regression on random ReLU features
// ("fashion_mnist/relu_features"), each with a heavier "_full" variant in the full suite.
//
// Population (the design choice that makes the kernel theories testable, as Bordelon et al. 2020
// do): the population is a fixed POOL of n images, the first n of Debian's Fashion-MNIST training
// file (its order is already class-mixed). A training set of size P is the first P entries of a
// uniform random permutation of the pool (seed j: its own stream; the sizes of one curve are
// nested prefixes), and the test loss is the MSE over the whole pool, the risk on the pool's
// empirical distribution. The kernel PCA of the pool (datasets/probes/kernel_pca.h) is then that
// population's exact, complete spectrum and target power, and the one-hot label is a function of
// the pool image, so the label noise is 0 by construction.
// Why without replacement: i.i.d. draws (with replacement) repeat points, and for P/n >~ 0.2 the
// measured MSE exceeds the self-consistent curve (RBF, n = 8000: -11% at P = 2607, -23% at 4000),
// while prefixes of a permutation follow it within 4% up to P = n/2 (measured; see
// tests/fashion_mnist/curve_check_test.cc). The deterministic equivalent describes distinct
// samples: on n atoms with equal eigenvalues it gives E = 1 - P/n, the error of P distinct draws,
// not the e^(-P/n) of P i.i.d. ones. `with_replacement` keeps the i.i.d. variant for comparison.
// What this does not measure: generalisation to unseen Fashion-MNIST images.
//
// Targets: one-hot 10-class vectors, not centred (the mean 0.1 per class lives mostly in the
// near-constant top kernel mode). Loss "mse": squared error summed over the 10 outputs, averaged
// over the pool; the target power in the profile is summed over outputs in the same way.
// Kernels and ridge: harness/learners/kernel_ridge.h (ridge on K + ridge I, widths in pixel units
// of images scaled to [0, 1]). Random ReLU features: phi_j(x) = sqrt(1/N) relu(w_j . x),
// w_j ~ N(0, I / 784); ridge regression on them is kernel ridge with K = Phi Phi^T (same ridge
// convention). The data axis of relu_features uses ONE fixed feature draw, the probe's, so the
// profile is the spectrum of the learner's own finite-feature kernel; the params axis (N at a
// fixed training size) draws new features and a new training set per seed.
//
// Profile: kernel PCA of the pool (eigenvalues, target power, b, a with the n/2 convergence
// check), the intrinsic dimension (TwoNN, datasets/probes/intrinsic_dimension.h) of the pool's
// first `intrinsic_dimension_points` images, and label_noise_variance = 0 (see above).
//
// Missing data: the error names the Debian package (dataset-fashion-mnist), via the IDX reader.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/learners/kernel_ridge.h"
#include "harness/targets/target.h"

namespace scalebench {

enum class FashionMnistLearner { kKernelRidge, kReluFeatures };

struct FashionMnistOptions {
  std::string name = "fashion_mnist/rbf";
  std::vector<std::string> suites = {"default", "full"};
  FashionMnistLearner learner = FashionMnistLearner::kKernelRidge;
  KernelOptions kernel;        // kernel ridge only
  double ridge = 1e-2;         // on K + ridge I
  int pool_size = 4000;        // n: the population
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
  int intrinsic_dimension_points = 2000;

  bool IsValid(std::string* error) const;
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

 private:
  LearningCurve TrainData(const AxisDesign& design, const ProgressFn& progress) const;
  LearningCurve TrainParams(const AxisDesign& design, const ProgressFn& progress) const;

  FashionMnistOptions options_;
};

// "fashion_mnist/mlp" (full suite): a one-hidden-layer ReLU MLP (harness/learners/mlp.h, float32,
// softmax cross-entropy, Adam at a constant rate) on the first P Fashion-MNIST training images;
// early stopping on a validation split (the next `validation` training images, disjoint from every
// training set): after each epoch the validation cross-entropy is measured, training stops after
// `patience` epochs without improvement, and the best epoch's weights are scored on the first
// `tests` t10k images. Loss "cross_entropy_nats" (mean over test images). Seeds change the
// initialisation and the batch order, not the training images (nested prefixes of the file).
// Profile: intrinsic dimension only (the spectral probes describe kernels, not this learner).
struct FashionMnistMlpOptions {
  std::string name = "fashion_mnist/mlp";
  std::vector<std::string> suites = {"full"};
  int hidden = 256;
  double learning_rate = 1e-3;
  int batch = 128;
  int max_epochs = 40;
  int patience = 4;
  std::vector<double> data_sizes;
  int seeds = 3;
  int validation = 2000;
  int tests = 5000;
  std::uint64_t seed_base = 20261123;

  bool IsValid(std::string* error) const;
};

class FashionMnistMlpTarget final : public Target {
 public:
  explicit FashionMnistMlpTarget(const FashionMnistMlpOptions& options) : options_(options) {}
  TargetInfo Describe() const override;
  std::vector<AxisDesign> Designs() const override;
  Profile MeasureProfile(const ProgressFn& progress) const override;
  LearningCurve Train(const AxisDesign& design, const ProgressFn& progress) const override;
  std::string CacheKeyMaterial() const override;

 private:
  FashionMnistMlpOptions options_;
};

}  // namespace scalebench
