#include "harness/targets/fashion_mnist_mlp.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <span>
#include <utility>

#include "datasets/generators/random.h"

namespace scalebench {
namespace {

constexpr std::uint64_t kDataStream = 1;

// The MLP's data, samples as columns (float32, the MLP's layout): images, one-hot targets and
// labels (the squared error reads the targets, the cross-entropy the labels).
struct MlpSplit {
  Eigen::MatrixXf x;
  Eigen::MatrixXf targets;
  std::vector<int> labels;
};

// What every run shares, read-only.
struct MlpData final : DesignData {
  MlpSplit pool, validation, test;
};

bool LoadMlpSplit(const std::string& data_dir,
                  const FashionMnistRange& range,
                  MlpSplit* out,
                  std::string* error) {
  Eigen::MatrixXd images, one_hot;
  if (!LoadFashionMnistRange(data_dir, range, &images, &one_hot, &out->labels, error)) {
    return false;
  }
  out->x = images.transpose().cast<float>();
  out->targets = one_hot.transpose().cast<float>();
  return true;
}

// The mean loss of `mlp` on `split`: the squared error summed over the outputs (the kernel
// targets' "mse"; not the MLP's own 0.5 convention), or the softmax cross-entropy in nats.
double MeanLoss(MlpLoss loss, const MlpSplit& split, Mlp* mlp) {
  if (loss == MlpLoss::kSoftmaxCrossEntropy) {
    Mlp::Vector losses;
    mlp->ExampleLosses(split.x, split.labels, &losses);
    return losses.cast<double>().mean();
  }
  Mlp::Matrix z;
  mlp->Predict(split.x, &z);
  return (z - split.targets).cast<double>().colwise().squaredNorm().mean();
}

struct MlpRun {
  double test_loss = std::numeric_limits<double>::quiet_NaN();
  int epochs = 0;
};

// One MLP trained on the pool columns `train` (in draw order) from `stream`, early-stopped on the
// validation loss, scored on the test split with its best epoch's weights.
MlpRun TrainOneMlp(const FashionMnistMlpOptions& o,
                   const MlpOptions& mlp_options,
                   const MlpData& data,
                   std::span<const int> train,
                   std::uint64_t stream) {
  const MlpSplit& pool = data.pool;
  Mlp mlp(mlp_options, MixSeed(stream, 0));
  Xoshiro256pp rng(MixSeed(stream, 1));
  const int p = static_cast<int>(train.size());
  std::vector<int> order(train.begin(), train.end());
  Eigen::MatrixXf batch_x(pool.x.rows(), o.batch), batch_t(pool.targets.rows(), o.batch);
  std::vector<int> batch_y(o.batch);
  double best = std::numeric_limits<double>::infinity();
  Mlp::Matrix w1, w2;
  Mlp::Vector b1, b2;
  MlpRun run;
  for (int since_best = 0; run.epochs < o.max_epochs && since_best < o.patience; ++run.epochs) {
    for (int k = p - 1; k > 0; --k) {
      std::swap(order[k], order[std::min(k, static_cast<int>(rng.UniformOpen() * (k + 1)))]);
    }
    for (int start = 0; start < p; start += o.batch) {
      const int count = std::min(o.batch, p - start);
      for (int k = 0; k < count; ++k) {
        batch_x.col(k) = pool.x.col(order[start + k]);
        batch_t.col(k) = pool.targets.col(order[start + k]);
        batch_y[k] = pool.labels[order[start + k]];
      }
      if (o.loss == MlpLoss::kSoftmaxCrossEntropy) {
        mlp.Step(
            batch_x.leftCols(count), std::span<const int>(batch_y.data(), count), o.learning_rate);
      } else {
        mlp.Step(batch_x.leftCols(count), batch_t.leftCols(count), o.learning_rate);
      }
    }
    const double validation_loss = MeanLoss(o.loss, data.validation, &mlp);
    if (validation_loss < best) {
      best = validation_loss, since_best = 0;
      w1 = mlp.w1(), w2 = mlp.w2(), b1 = mlp.b1(), b2 = mlp.b2();
    } else {
      ++since_best;
    }
  }
  if (!std::isfinite(best)) return run;  // diverged from the first epoch: no weights to score
  mlp.w1() = w1, mlp.w2() = w2, mlp.b1() = b1, mlp.b2() = b2;
  run.test_loss = MeanLoss(o.loss, data.test, &mlp);
  return run;
}

}  // namespace

FashionMnistLayout FashionMnistMlpOptions::Layout() const {
  FashionMnistLayout layout;
  layout.training = {"train", 0, train_pool};
  layout.validation = {"train", train_pool, train_pool + validation};
  layout.tests = {"test", 0, tests};
  layout.reference = {"train", kFashionMnistTrainImages - reference_size, kFashionMnistTrainImages};
  return layout;
}

const char* FashionMnistMlpOptions::LossName() const {
  return loss == MlpLoss::kSquaredError ? "mse" : "cross_entropy_nats";
}

TargetInfo FashionMnistMlpTarget::Describe() const {
  TargetInfo info;
  info.summary = "Fashion-MNIST, one-hidden-layer ReLU MLP (hidden " +
                 std::to_string(options_.hidden) + "), Adam, " +
                 (options_.loss == MlpLoss::kSquaredError ? "squared error on one-hot targets"
                                                          : "softmax cross-entropy") +
                 ", early stopping on a validation split; test " + options_.LossName() +
                 " on the first " + std::to_string(options_.tests) + " t10k images";
  info.realism = Realism::kRealData;
  info.dataset_family = "fashion_mnist";
  info.version = 2;  // 2: MSE, resampled training sets, reference kernel PCA in the profile
  return info;
}

std::vector<AxisDesign> FashionMnistMlpTarget::Designs() const {
  AxisDesign data;
  data.axis = Axis::kData;
  data.learner.kind = "mlp_relu_h" + std::to_string(options_.hidden);
  data.learner.loss = options_.LossName();
  data.learner.features = double(options_.hidden);
  data.learner.optimizer = "adam";
  data.learner.learning_rate = options_.learning_rate;
  data.learner.batch_size = options_.batch;
  data.sizes = options_.data_sizes;
  data.seeds = options_.seeds;
  data.unit = RunUnit::kSizeAndSeed;  // each P trains its own network with its own stopping
  // At a fixed width the error need not tend to 0 (and the cross-entropy has an irreducible
  // part): E is fitted.
  data.zero_offset = false;
  return {data};
}

bool FashionMnistMlpTarget::Prepare(const AxisDesign&,
                                    const RunContext&,
                                    std::unique_ptr<const DesignData>* data,
                                    std::string* error) const {
  auto splits = std::make_unique<MlpData>();
  const FashionMnistLayout layout = options_.Layout();
  if (!LoadMlpSplit(options_.data_dir, layout.training, &splits->pool, error) ||
      !LoadMlpSplit(options_.data_dir, layout.validation, &splits->validation, error) ||
      !LoadMlpSplit(options_.data_dir, layout.tests, &splits->test, error)) {
    return false;
  }
  *data = std::move(splits);
  return true;
}

RunResult FashionMnistMlpTarget::Run(const AxisDesign&,
                                     const RunPoint& point,
                                     const DesignData* data,
                                     const RunContext& context) const {
  const auto& splits = static_cast<const MlpData&>(*data);
  const int p = static_cast<int>(point.sizes.back());
  MlpOptions mlp_options;
  mlp_options.inputs = static_cast<int>(splits.pool.x.rows());
  mlp_options.hidden = options_.hidden;
  mlp_options.outputs = kFashionMnistClasses;
  mlp_options.loss = options_.loss;
  mlp_options.max_batch = std::max(options_.batch, 1024);
  // The seed's first p draws: the prefix of its permutation of the pool, the same whatever the
  // largest size (DrawPoolIndices), so the training sets of one seed are nested across P.
  const std::vector<int> draws =
      DrawPoolIndices(MixSeed(MixSeed(options_.seed_base, kDataStream), point.seed),
                      p,
                      options_.train_pool,
                      /*with_replacement=*/false);
  const auto start = std::chrono::steady_clock::now();
  const MlpRun run = TrainOneMlp(
      options_, mlp_options, splits, draws, MixSeed(MixSeed(options_.seed_base, point.seed), p));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!std::isfinite(run.test_loss)) {
    return RunResult::Failed(
        "the validation loss was never finite (diverged from the first "
        "epoch at learning_rate = " +
        std::to_string(options_.learning_rate) + ")");
  }
  context.Progress(
      std::to_string(run.epochs) + " epochs" +
      (run.epochs == options_.max_epochs ? " (the max_epochs cap, not early stopping)" : "") +
      " in " + std::to_string(seconds) + " s, test " + options_.LossName() + " " +
      std::to_string(run.test_loss));
  return RunResult::Ok({run.test_loss});
}

ProfileResult FashionMnistMlpTarget::MeasureProfile(const RunContext& context) const {
  return ReferenceProfile(name(),
                          options_.data_dir,
                          options_.Layout().reference,
                          options_.reference_kernel,
                          options_.intrinsic_dimension_points,
                          context);
}

SCALEBENCH_REGISTER_TARGET(FashionMnistMlpTarget, "fashion_mnist")
    ->Variant("mlp", {"full"}, nullptr);

}  // namespace scalebench
