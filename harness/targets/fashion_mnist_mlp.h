// "fashion_mnist/mlp" (full suite): a one-hidden-layer ReLU MLP (harness/learners/mlp.h, float32,
// Adam at a constant rate), the neural learner of issue 3, trained in the held-out design of the
// kernel targets (fashion_mnist.h) so that their predictions can be scored against a network that
// learns features. Four disjoint parts of Debian's files (FashionMnistLayout): the training pool
// (the first `train_pool` training images), the validation split (the next `validation`), the
// reference sample (the last `reference_size`) and the test set (the first `tests` t10k images).
// Each (P, seed) is its own run: the seed's training set is the first P of its permutation of the
// pool (nested across P), with its own initialisation and batch order; training stops after
// `patience` epochs without a better validation loss and the best epoch is scored on the test set.
// Loss "mse" (squared error summed over the 10 one-hot outputs; the kernel theories' units) or,
// with MlpLoss::kSoftmaxCrossEntropy, "cross_entropy_nats". The curve is fitted as E + A P^-alpha.
// The profile is the kernel PCA of the reference sample with `reference_kernel` (the RBF of
// fashion_mnist/rbf): the MLP's own kernel is not measured, so spectral predictions on it use a
// kernel proxy (README.md, "Fashion-MNIST kernels and features"). No oracle profile.
//
// Usage:
//   FashionMnistMlpOptions options;    // the registered variant
//   options.hidden = 32;
//   options.data_sizes = SizeGrid({200, 800});
//   FashionMnistMlpTarget target(options);
//   LearningCurve curve = testing::TrainCurve(target, target.Designs().front());
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/learners/kernel_ridge.h"
#include "harness/learners/mlp.h"
#include "harness/targets/fashion_mnist_data.h"
#include "harness/targets/target.h"

namespace scalebench {

struct FashionMnistMlpOptions {
  std::string data_dir = kFashionMnistDir;  // Both, as in FashionMnistKernelOptions
  int hidden = 256;
  MlpLoss loss = MlpLoss::kSquaredError;
  double learning_rate = 1e-3;
  int batch = 128;
  // At P = 250 an epoch is 2 steps and early stopping took 35 epochs (measured), close to the old
  // cap of 40: the cap is 100 so that the validation loss, not the cap, ends training at small P.
  int max_epochs = 100;
  int patience = 4;
  SizeGrid data_sizes = SizeGrid::Log(250, 32000, 8);  // <= train_pool
  int seeds = 5;
  int train_pool = 47000;
  int validation = 5000;
  int tests = 5000;
  int reference_size = 8000;
  KernelOptions reference_kernel;  // rbf, w = 5
  int intrinsic_dimension_points = 2000;
  std::uint64_t seed_base = 20261123;

  template <typename Fields>
  void Visit(Fields& f) {
    f.Both("data_dir", data_dir).NotEmpty();
    f.Curve("hidden", hidden).AtLeast(1);
    f.Curve("loss", loss);
    f.Curve("learning_rate", learning_rate).Above(0.0).Finite();
    f.Curve("batch", batch).AtLeast(1);
    f.Curve("max_epochs", max_epochs).AtLeast(1);
    f.Curve("patience", patience).AtLeast(1);
    f.Design("data_sizes", data_sizes)
        .Check(data_sizes.empty() || data_sizes.back() <= train_pool,
               "<= train_pool = " + std::to_string(train_pool));
    f.Design("seeds", seeds).AtLeast(1);
    f.Curve("train_pool", train_pool)
        .AtLeast(100)
        .Check(train_pool + validation + reference_size <= kFashionMnistTrainImages,
               "<= 60000 - validation - reference_size = " +
                   std::to_string(kFashionMnistTrainImages - validation - reference_size) +
                   " (pool, validation split and reference sample are disjoint parts of the "
                   "training file)");
    f.Curve("validation", validation).AtLeast(100);
    f.Curve("tests", tests).AtLeast(100).AtMost(kFashionMnistTestImages);
    f.Profile("reference_size", reference_size).AtLeast(200);
    f.Profile("reference_kernel", reference_kernel);
    f.Profile("intrinsic_dimension_points", intrinsic_dimension_points)
        .AtLeast(100)
        .Check(intrinsic_dimension_points <= reference_size,
               "<= reference_size = " + std::to_string(reference_size));
    f.Curve("seed_base", seed_base);
  }

  // The ranges of the files the target reads (precondition: valid).
  FashionMnistLayout Layout() const;
  // "mse" or "cross_entropy_nats", the loss name of the curve.
  const char* LossName() const;
};

class FashionMnistMlpTarget final : public TargetWith<FashionMnistMlpOptions> {
 public:
  using TargetWith::TargetWith;

  TargetInfo Describe() const override;
  std::vector<AxisDesign> Designs() const override;
  ProfileResult MeasureProfile(const RunContext& context) const override;
  // Loads the training pool, the validation split and the test set (float32, samples as columns).
  bool Prepare(const AxisDesign& design,
               const RunContext& context,
               std::unique_ptr<const DesignData>* data,
               std::string* error) const override;
  // One (P, seed): an MLP trained on the seed's first P pool images, early-stopped, scored on
  // the test set. Failed if the validation loss was never finite (divergence from the start).
  RunResult Run(const AxisDesign& design,
                const RunPoint& point,
                const DesignData* data,
                const RunContext& context) const override;
};

}  // namespace scalebench
