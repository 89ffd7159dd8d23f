#include "harness/targets/fashion_mnist.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "datasets/generators/random.h"
#include "datasets/probes/intrinsic_dimension.h"
#include "datasets/probes/kernel_pca.h"
#include "datasets/readers/idx_reader.h"
#include "harness/learners/mlp.h"
#include "harness/learners/random_relu_features.h"

// Sizes: default variants pool n = 2000, P in 50..1000 (8 sizes, 5 seeds), P <= n/2 where the
// self-consistent curve on the pool spectrum is within 4% (tests/fashion_mnist/curve_check_test.cc);
// _full variants pool n = 8000, P in 100..8000 (12 sizes; P = n trains on the whole pool).
// The kernel PCA of the pool (dsyevd with vectors, plus the n/2 check) dominates the cost.

namespace scalebench {
namespace {

constexpr std::uint64_t kDataStream = 1;
constexpr std::uint64_t kParamsStream = 2;
constexpr std::uint64_t kFeatureStream = 3;  // the fixed features of the data axis and profile
constexpr int kClasses = 10;

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

bool IntegerSizes(const std::vector<double>& sizes, std::vector<int>* out) {
  out->clear();
  for (double s : sizes) {
    if (!(s >= 1) || std::abs(s - std::round(s)) > 1e-9 || s > 1e7) return false;
    if (!out->empty() && std::round(s) <= out->back()) return false;
    out->push_back(static_cast<int>(std::round(s)));
  }
  return !out->empty();
}

// `count` uniform draws from {0..n-1}: i.i.d. (with replacement), or the first `count` entries
// of a uniform random permutation (without; count <= n), by a partial Fisher-Yates shuffle.
std::vector<int> Draws(std::uint64_t stream, int count, int n, bool with_replacement) {
  Xoshiro256pp rng(stream);
  auto below = [&](int m) { return std::min(m - 1, static_cast<int>(rng.UniformOpen() * m)); };
  std::vector<int> draws(count);
  if (with_replacement) {
    for (int& d : draws) d = below(n);
    return draws;
  }
  std::vector<int> order(n);
  for (int i = 0; i < n; ++i) order[i] = i;
  for (int i = 0; i < count; ++i) {
    std::swap(order[i], order[i + below(n - i)]);
    draws[i] = order[i];
  }
  return draws;
}

std::string WidthText(double width) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%g", width);
  return buffer;
}

}  // namespace

std::vector<double> FashionMnistOptions::LogSizes(double lo, double hi, int count) {
  std::vector<double> sizes;
  for (int i = 0; i < count; ++i) {
    sizes.push_back(std::round(lo * std::pow(hi / lo, count == 1 ? 0.0 : i / (count - 1.0))));
  }
  return sizes;
}

bool FashionMnistOptions::IsValid(std::string* error) const {
  std::ostringstream message;
  std::vector<int> unused;
  std::string kernel_error;
  if (!kernel.IsValid(&kernel_error)) {
    message << "kernel." << kernel_error;
  } else if (!(ridge > 0) || !std::isfinite(ridge)) {
    message << "ridge = " << ridge << " must be finite and > 0 (the curve check and the theory "
            << "assume a ridge; draws with replacement repeat points)";
  } else if (pool_size < 100 || pool_size > 60000) {
    message << "pool_size = " << pool_size << " must be in [100, 60000]";
  } else if (!IntegerSizes(data_sizes, &unused)) {
    message << "data_sizes must be strictly increasing positive integers";
  } else if (!with_replacement && unused.back() > pool_size) {
    message << "data_sizes reach " << unused.back() << " > pool_size = " << pool_size
            << " (draws without replacement)";
  } else if (!with_replacement && learner == FashionMnistLearner::kReluFeatures &&
             params_train_size > pool_size) {
    message << "params_train_size = " << params_train_size << " > pool_size = " << pool_size;
  } else if (seeds < 1) {
    message << "seeds = " << seeds << " must be >= 1";
  } else if (learner == FashionMnistLearner::kReluFeatures && features < 1) {
    message << "features = " << features << " must be >= 1";
  } else if (learner == FashionMnistLearner::kReluFeatures && !param_sizes.empty() &&
             (!IntegerSizes(param_sizes, &unused) || unused.back() > features)) {
    message << "param_sizes must be strictly increasing positive integers <= features";
  } else if (learner == FashionMnistLearner::kReluFeatures && params_train_size < 1) {
    message << "params_train_size = " << params_train_size << " must be >= 1";
  } else if (intrinsic_dimension_points < 100 || intrinsic_dimension_points > pool_size) {
    message << "intrinsic_dimension_points = " << intrinsic_dimension_points
            << " must be in [100, pool_size]";
  } else {
    return true;
  }
  if (error != nullptr) *error = message.str();
  return false;
}

std::string FashionMnistTarget::LearnerKind() const {
  if (options_.learner == FashionMnistLearner::kReluFeatures) return "random_relu_features";
  return std::string("kernel_ridge_") + ToString(options_.kernel.kind) + "_w" +
         WidthText(options_.kernel.width);
}

TargetInfo FashionMnistTarget::Describe() const {
  TargetInfo info;
  info.name = options_.name;
  std::ostringstream summary;
  summary << "Fashion-MNIST pool of " << options_.pool_size << " images (population; test = pool), "
          << "one-hot 10 classes, ";
  if (options_.learner == FashionMnistLearner::kKernelRidge) {
    summary << ToString(options_.kernel.kind) << " kernel ridge, width "
            << WidthText(options_.kernel.width);
  } else {
    summary << "random ReLU features (N = " << options_.features << " on the data axis)";
  }
  summary << ", ridge " << options_.ridge;
  info.summary = summary.str();
  info.suites = options_.suites;
  info.version = 2;  // 2: spectrum_complete in the profile
  return info;
}

std::vector<AxisDesign> FashionMnistTarget::Designs() const {
  AxisDesign data;
  data.axis = Axis::kData;
  data.learner.kind = LearnerKind();
  data.learner.loss = "mse";
  data.learner.ridge = options_.ridge;
  data.learner.features = options_.learner == FashionMnistLearner::kReluFeatures
                              ? double(options_.features)
                              : kInfinite;
  data.sizes = options_.data_sizes;
  data.seeds = options_.seeds;
  data.zero_offset = true;  // the pool's population risk tends to 0
  std::vector<AxisDesign> designs = {data};
  if (options_.learner == FashionMnistLearner::kReluFeatures && !options_.param_sizes.empty()) {
    AxisDesign params = data;
    params.axis = Axis::kParams;
    params.learner.features = options_.param_sizes.back();
    params.learner.train_size = options_.params_train_size;
    params.sizes = options_.param_sizes;
    params.zero_offset = false;  // plateaus at the fixed-P error
    designs.push_back(params);
  }
  return designs;
}

bool FashionMnistTarget::LoadPool(Eigen::MatrixXd* images, Eigen::MatrixXd* one_hot,
                                  std::string* error) const {
  LabeledImages data;
  ImageLoadOptions load;
  load.max_items = options_.pool_size;
  if (!LoadFashionMnist("train", load, &data, error)) return false;
  if (data.images.rows() < options_.pool_size) {
    if (error != nullptr) *error = "the Fashion-MNIST training file holds fewer images than pool_size";
    return false;
  }
  *images = std::move(data.images);
  one_hot->setZero(images->rows(), kClasses);
  for (Eigen::Index i = 0; i < images->rows(); ++i) (*one_hot)(i, data.labels[i]) = 1.0;
  return true;
}

void FashionMnistTarget::PoolGram(const Eigen::MatrixXd& images, Eigen::MatrixXd* gram) const {
  if (options_.learner == FashionMnistLearner::kKernelRidge) {
    KernelMatrix(images, images, options_.kernel, gram);
    return;
  }
  Eigen::MatrixXd features;
  UnscaledReluFeatures(images, options_.features,
                       MixSeed(options_.seed_base, kFeatureStream), &features);
  gram->resize(images.rows(), images.rows());
  gram->noalias() = features * features.transpose();
  *gram /= double(options_.features);
}

LearningCurve FashionMnistTarget::Train(const AxisDesign& design,
                                        const ProgressFn& progress) const {
  if (design.axis == Axis::kParams) return TrainParams(design, progress);
  return TrainData(design, progress);
}

LearningCurve FashionMnistTarget::TrainData(const AxisDesign& design,
                                            const ProgressFn& progress) const {
  auto report = [&](const std::string& message) {
    if (progress) progress(options_.name + ": " + message);
  };
  LearningCurve curve = MissingRunsCurve(design);
  std::vector<int> sizes;
  if (design.axis != Axis::kData || design.learner.kind != LearnerKind() ||
      !IntegerSizes(design.sizes, &sizes) || design.seeds < 1 || !(design.learner.ridge > 0)) {
    report("cannot train this design (expected the data axis of " + LearnerKind() +
           ", integer sizes, ridge > 0)");
    return curve;
  }
  Eigen::MatrixXd images, y, gram;
  std::string error;
  if (!LoadPool(&images, &y, &error)) {
    report(error);
    return curve;
  }
  auto start = std::chrono::steady_clock::now();
  PoolGram(images, &gram);
  const double gram_seconds = SecondsSince(start);
  const double d = images.cols(), n = images.rows();
  const double gram_flops = options_.learner == FashionMnistLearner::kKernelRidge
                                ? 2.0 * n * n * d
                                : 2.0 * n * d * options_.features + 2.0 * n * n * options_.features;
  report("pool Gram " + std::to_string(images.rows()) + "^2: " + std::to_string(gram_seconds) +
         " s, " + std::to_string(gram_flops / gram_seconds * 1e-9) + " GFLOP/s");
  for (int j = 0; j < design.seeds; ++j) {
    const std::uint64_t stream =
        MixSeed(MixSeed(options_.seed_base, kDataStream), curve.seeds[j]);
    const std::vector<int> draws =
        Draws(stream, sizes.back(), options_.pool_size, options_.with_replacement);
    std::vector<double> losses;
    KernelRidgeTimings timings;
    if (!PoolKernelRidgeCurve(gram, y, draws, sizes, design.learner.ridge, &losses, &timings,
                              &error)) {
      report("seed " + std::to_string(j + 1) + " failed: " + error);
      continue;
    }
    for (std::size_t i = 0; i < sizes.size(); ++i) curve.values[i][j] = losses[i];
    report("seed " + std::to_string(j + 1) + "/" + std::to_string(design.seeds) + ": Cholesky " +
           std::to_string(sizes.back()) + " " + std::to_string(timings.factor_seconds) + " s (" +
           std::to_string(timings.factor_flops / timings.factor_seconds * 1e-9) +
           " GFLOP/s), solves+predictions " + std::to_string(timings.solve_seconds) + " s (" +
           std::to_string(timings.solve_flops / timings.solve_seconds * 1e-9) + " GFLOP/s)");
  }
  return curve;
}

LearningCurve FashionMnistTarget::TrainParams(const AxisDesign& design,
                                              const ProgressFn& progress) const {
  auto report = [&](const std::string& message) {
    if (progress) progress(options_.name + ": " + message);
  };
  LearningCurve curve = MissingRunsCurve(design);
  std::vector<int> sizes;
  if (options_.learner != FashionMnistLearner::kReluFeatures ||
      design.learner.kind != LearnerKind() || !IntegerSizes(design.sizes, &sizes) ||
      !std::isfinite(design.learner.train_size) || design.learner.train_size < 1 ||
      !(design.learner.ridge > 0)) {
    report("cannot train this params design (expected random_relu_features with a finite "
           "train_size and ridge > 0)");
    return curve;
  }
  Eigen::MatrixXd images, y;
  std::string error;
  if (!LoadPool(&images, &y, &error)) {
    report(error);
    return curve;
  }
  const int p = static_cast<int>(design.learner.train_size);
  for (int j = 0; j < design.seeds; ++j) {
    const std::uint64_t stream =
        MixSeed(MixSeed(options_.seed_base, kParamsStream), curve.seeds[j]);
    const std::vector<int> draws =
        Draws(MixSeed(stream, 0), p, options_.pool_size, options_.with_replacement);
    Eigen::MatrixXd f_pool, f_train(p, sizes.back()), y_train(p, y.cols());
    UnscaledReluFeatures(images, sizes.back(), MixSeed(stream, 1), &f_pool);
    for (int i = 0; i < p; ++i) f_train.row(i) = f_pool.row(draws[i]), y_train.row(i) = y.row(draws[i]);
    std::vector<double> losses;
    if (!ReluFeatureParamsCurve(f_train, f_pool, y_train, y, sizes, design.learner.ridge, &losses,
                                &error)) {
      report("seed " + std::to_string(j + 1) + " failed: " + error);
      continue;
    }
    for (std::size_t i = 0; i < sizes.size(); ++i) curve.values[i][j] = losses[i];
    report("params seed " + std::to_string(j + 1) + "/" + std::to_string(design.seeds) + " done");
  }
  return curve;
}

Profile FashionMnistTarget::MeasureProfile(const ProgressFn& progress) const {
  auto report = [&](const std::string& message) {
    if (progress) progress(options_.name + ": " + message);
  };
  Profile profile;
  std::ostringstream source;
  source << options_.name << ": the whole pool (first " << options_.pool_size
         << " Fashion-MNIST training images), which is the population of the training draws and "
            "the test set";
  profile.source = source.str();
  Eigen::MatrixXd images, y, gram;
  std::string error;
  if (!LoadPool(&images, &y, &error)) {
    report(error);
    return profile;
  }
  PoolGram(images, &gram);
  KernelPcaResult pca;
  if (!MeasureKernelPca(gram, y, KernelPcaOptions{}, &pca, &error)) {
    report("kernel PCA failed: " + error);
    return profile;
  }
  report("kernel PCA of the pool: " + std::to_string(pca.eigen_seconds) + " s; b = " +
         std::to_string(pca.spectrum_decay.value) + " (n/2: " +
         std::to_string(pca.half_spectrum_decay) + "), a = " +
         std::to_string(pca.task_power_decay.value) + " (n/2: " +
         std::to_string(pca.half_task_power_decay) + ")");
  pca.FillProfile(&profile);
  IntrinsicDimensionOptions id_options;
  IntrinsicDimensionResult id;
  if (MeasureIntrinsicDimension(images.topRows(options_.intrinsic_dimension_points), id_options,
                                &id, &error)) {
    id.FillProfile(&profile);
  } else {
    report("intrinsic dimension failed: " + error);
  }
  profile.Set(Property::kSpectrumComplete,
              {1.0, 0.0, "the kernel PCA sample is the whole pool, i.e. the population"});
  profile.Set(Property::kLabelNoiseVariance,
              {0.0, 0.0,
               "0 by construction: the population is the pool and each pool image carries one "
               "label (a deterministic function of the image)"});
  return profile;
}

std::string FashionMnistTarget::CacheKeyMaterial() const {
  std::ostringstream key;
  key.precision(17);
  key << "fashion_mnist;name=" << options_.name << ";learner=" << LearnerKind()
      << ";ridge=" << options_.ridge << ";pool=" << options_.pool_size
      << ";data_sizes=" << JoinForKey(options_.data_sizes) << ";seeds=" << options_.seeds
      << ";features=" << options_.features << ";param_sizes=" << JoinForKey(options_.param_sizes)
      << ";params_train=" << options_.params_train_size << ";seed_base=" << options_.seed_base
      << ";id_points=" << options_.intrinsic_dimension_points
      << ";population=pool;replacement=" << options_.with_replacement << ";targets=one-hot-uncentred;kpca=dsyevd,windows=3..0.1n";
  return key.str();
}

// ---------------------------------------------------------------------------------------------
// fashion_mnist/mlp

bool FashionMnistMlpOptions::IsValid(std::string* error) const {
  std::ostringstream message;
  std::vector<int> sizes;
  if (hidden < 1) message << "hidden = " << hidden << " must be >= 1";
  else if (!(learning_rate > 0)) message << "learning_rate must be > 0";
  else if (batch < 1) message << "batch = " << batch << " must be >= 1";
  else if (max_epochs < 1 || patience < 1) message << "max_epochs and patience must be >= 1";
  else if (!IntegerSizes(data_sizes, &sizes) || sizes.back() + validation > 60000)
    message << "data_sizes must be increasing positive integers with max + validation <= 60000";
  else if (seeds < 1) message << "seeds = " << seeds << " must be >= 1";
  else if (validation < 100 || tests < 100 || tests > 10000)
    message << "validation must be >= 100 and tests in [100, 10000]";
  else return true;
  if (error != nullptr) *error = message.str();
  return false;
}

TargetInfo FashionMnistMlpTarget::Describe() const {
  TargetInfo info;
  info.name = options_.name;
  info.summary = "Fashion-MNIST, one-hidden-layer ReLU MLP (hidden " +
                 std::to_string(options_.hidden) + "), Adam, early stopping on a validation "
                 "split; test cross-entropy on t10k";
  info.suites = options_.suites;
  info.version = 1;
  return info;
}

std::vector<AxisDesign> FashionMnistMlpTarget::Designs() const {
  AxisDesign data;
  data.axis = Axis::kData;
  data.learner.kind = "mlp_relu_h" + std::to_string(options_.hidden);
  data.learner.loss = "cross_entropy_nats";
  data.learner.features = double(options_.hidden);
  data.learner.optimizer = "adam";
  data.learner.learning_rate = options_.learning_rate;
  data.learner.batch_size = options_.batch;
  data.sizes = options_.data_sizes;
  data.seeds = options_.seeds;
  data.zero_offset = false;  // cross-entropy has an irreducible part
  return {data};
}

LearningCurve FashionMnistMlpTarget::Train(const AxisDesign& design,
                                           const ProgressFn& progress) const {
  auto report = [&](const std::string& message) {
    if (progress) progress(options_.name + ": " + message);
  };
  LearningCurve curve = MissingRunsCurve(design);
  std::vector<int> sizes;
  if (design.axis != Axis::kData || !IntegerSizes(design.sizes, &sizes) || design.seeds < 1 ||
      sizes.back() + options_.validation > 60000) {
    report("cannot train this design (expected the data axis with integer sizes)");
    return curve;
  }
  LabeledImages train, test;
  ImageLoadOptions load;
  std::string error;
  load.max_items = sizes.back() + options_.validation;
  bool loaded = LoadFashionMnist("train", load, &train, &error);
  load.max_items = options_.tests;
  loaded = loaded && LoadFashionMnist("test", load, &test, &error);
  if (!loaded) {
    report(error);
    return curve;
  }
  // Samples as columns, float32 (the MLP's layout).
  const Eigen::MatrixXf x = train.images.transpose().cast<float>();
  const Eigen::MatrixXf x_test = test.images.transpose().cast<float>();
  const int p_max = sizes.back();
  const auto x_val = x.middleCols(p_max, options_.validation);
  const std::span<const int> y_val(train.labels.data() + p_max, options_.validation);
  MlpOptions mlp_options;
  mlp_options.inputs = static_cast<int>(x.rows());
  mlp_options.hidden = options_.hidden;
  mlp_options.outputs = kClasses;
  mlp_options.loss = MlpLoss::kSoftmaxCrossEntropy;
  mlp_options.max_batch = std::max(options_.batch, 1024);
  Eigen::MatrixXf batch_x(x.rows(), options_.batch);
  std::vector<int> batch_y(options_.batch);
  for (int j = 0; j < design.seeds; ++j) {
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      const int p = sizes[i];
      const std::uint64_t stream = MixSeed(MixSeed(options_.seed_base, curve.seeds[j]), p);
      Mlp mlp(mlp_options, MixSeed(stream, 0));
      Xoshiro256pp rng(MixSeed(stream, 1));
      std::vector<int> order(p);
      for (int k = 0; k < p; ++k) order[k] = k;
      Mlp::Vector losses;
      double best = std::numeric_limits<double>::infinity();
      Mlp::Matrix w1, w2;
      Mlp::Vector b1, b2;
      int since_best = 0, epochs = 0;
      for (int epoch = 0; epoch < options_.max_epochs && since_best < options_.patience; ++epoch) {
        for (int k = p - 1; k > 0; --k) {
          std::swap(order[k], order[std::min(k, static_cast<int>(rng.UniformOpen() * (k + 1)))]);
        }
        for (int start = 0; start < p; start += options_.batch) {
          const int count = std::min(options_.batch, p - start);
          for (int k = 0; k < count; ++k) {
            batch_x.col(k) = x.col(order[start + k]);
            batch_y[k] = train.labels[order[start + k]];
          }
          mlp.Step(batch_x.leftCols(count), std::span<const int>(batch_y.data(), count),
                   options_.learning_rate);
        }
        mlp.ExampleLosses(x_val, y_val, &losses);
        ++epochs;
        const double validation_loss = losses.cast<double>().mean();
        if (validation_loss < best) {
          best = validation_loss, since_best = 0;
          w1 = mlp.w1(), w2 = mlp.w2(), b1 = mlp.b1(), b2 = mlp.b2();
        } else {
          ++since_best;
        }
      }
      mlp.w1() = w1, mlp.w2() = w2, mlp.b1() = b1, mlp.b2() = b2;
      mlp.ExampleLosses(x_test, test.labels, &losses);
      curve.values[i][j] = losses.cast<double>().mean();
      report("seed " + std::to_string(j + 1) + ", P = " + std::to_string(p) + ": " +
             std::to_string(epochs) + " epochs, test cross-entropy " +
             std::to_string(curve.values[i][j]));
    }
  }
  return curve;
}

Profile FashionMnistMlpTarget::MeasureProfile(const ProgressFn& progress) const {
  Profile profile;
  profile.source = options_.name + ": first 2000 Fashion-MNIST training images";
  LabeledImages train;
  ImageLoadOptions load;
  load.max_items = 2000;
  std::string error;
  IntrinsicDimensionResult id;
  if (!LoadFashionMnist("train", load, &train, &error) ||
      !MeasureIntrinsicDimension(train.images, IntrinsicDimensionOptions{}, &id, &error)) {
    if (progress) progress(options_.name + ": " + error);
    return profile;
  }
  id.FillProfile(&profile);
  return profile;
}

std::string FashionMnistMlpTarget::CacheKeyMaterial() const {
  std::ostringstream key;
  key.precision(17);
  key << "fashion_mnist_mlp;hidden=" << options_.hidden << ";lr=" << options_.learning_rate
      << ";batch=" << options_.batch << ";epochs=" << options_.max_epochs << ";patience="
      << options_.patience << ";sizes=" << JoinForKey(options_.data_sizes) << ";seeds="
      << options_.seeds << ";validation=" << options_.validation << ";tests=" << options_.tests
      << ";seed_base=" << options_.seed_base << ";init=pytorch-uniform;adam-constant-lr";
  return key.str();
}

namespace {

// Widths: RBF w = 5 (gamma = 0.02 of scikit-learn; research/ground.md), Laplace w = 11.5 (the
// median pairwise distance). Ridge 1e-2 on K + ridge I for both (ground.md's scikit-learn runs).
FashionMnistOptions KernelVariant(const std::string& name, KernelKind kind, double width,
                                  bool full) {
  FashionMnistOptions o;
  o.name = name;
  o.kernel.kind = kind;
  o.kernel.width = width;
  o.ridge = 1e-2;
  if (full) {
    o.suites = {"full"};
    o.pool_size = 8000;
    o.data_sizes = FashionMnistOptions::LogSizes(100, 8000, 12);
  } else {
    o.pool_size = 2000;
    o.data_sizes = FashionMnistOptions::LogSizes(50, 1000, 8);
  }
  return o;
}

FashionMnistOptions ReluVariant(const std::string& name, bool full) {
  FashionMnistOptions o;
  o.name = name;
  o.learner = FashionMnistLearner::kReluFeatures;
  o.ridge = 1e-3;
  if (full) {
    o.suites = {"full"};
    o.pool_size = 8000;
    o.features = 8000;
    o.data_sizes = FashionMnistOptions::LogSizes(100, 8000, 12);
    o.param_sizes = FashionMnistOptions::LogSizes(50, 8000, 12);
    o.params_train_size = 4000;
  } else {
    o.pool_size = 2000;
    o.features = 2000;
    o.data_sizes = FashionMnistOptions::LogSizes(50, 1000, 8);
    o.param_sizes = FashionMnistOptions::LogSizes(25, 2000, 8);
    o.params_train_size = 1000;
  }
  return o;
}

TargetRegistry::Factory Factory(FashionMnistOptions options) {
  return [options] { return std::make_unique<FashionMnistTarget>(options); };
}

const TargetRegistrar kRbf("fashion_mnist/rbf",
                           Factory(KernelVariant("fashion_mnist/rbf", KernelKind::kRbf, 5.0, false)));
const TargetRegistrar kRbfFull("fashion_mnist/rbf_full",
                               Factory(KernelVariant("fashion_mnist/rbf_full", KernelKind::kRbf,
                                                     5.0, true)));
const TargetRegistrar kLaplace("fashion_mnist/laplace",
                               Factory(KernelVariant("fashion_mnist/laplace", KernelKind::kLaplace,
                                                     11.5, false)));
const TargetRegistrar kLaplaceFull("fashion_mnist/laplace_full",
                                   Factory(KernelVariant("fashion_mnist/laplace_full",
                                                         KernelKind::kLaplace, 11.5, true)));
const TargetRegistrar kRelu("fashion_mnist/relu_features",
                            Factory(ReluVariant("fashion_mnist/relu_features", false)));
const TargetRegistrar kMlp("fashion_mnist/mlp", [] {
  FashionMnistMlpOptions options;
  options.data_sizes = FashionMnistOptions::LogSizes(250, 16000, 7);
  return std::make_unique<FashionMnistMlpTarget>(options);
});
const TargetRegistrar kReluFull("fashion_mnist/relu_features_full",
                                Factory(ReluVariant("fashion_mnist/relu_features_full", true)));

}  // namespace
}  // namespace scalebench
