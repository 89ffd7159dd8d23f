#include "harness/targets/fashion_mnist.h"

#include <chrono>
#include <cmath>
#include <functional>
#include <sstream>
#include <utility>

#include "datasets/generators/random.h"
#include "harness/learners/random_relu_features.h"

// Sizes: default variants pool n = 2000, P in 50..1000 (8 sizes, 5 seeds), P <= n/2 where the
// self-consistent curve on the pool spectrum is within 4%
// (tests/fashion_mnist/curve_check_test.cc); _full variants pool n = 8000, P in 100..8000 (12
// sizes; P = n trains on the whole pool). The kernel PCA of the pool (dsytrd, no vectors, plus the
// n/2 check) dominates the cost. Held-out variants: rbf_heldout P in 100..4000 (8 sizes, 5 seeds)
// with a reference sample of 4000, within the default suite's time; the _full ones P in 100..16000
// (12 sizes, 5 seeds; a 16000 Cholesky per seed) with a reference sample of 8000 (k_trust = 800
// measured modes before the theories continue the tail).
//
// Why no OracleProfile: the only "generating parameter" these targets know is the pool itself, and
// in the pool design the measured profile is already its exact, complete spectrum (an oracle would
// repeat it and show an estimation error of 0 by construction; the decays b and a are fits to a
// spectrum that is no power law, with no true value to compare them with). Computing it anyway
// would cost: OracleProfile() has no cache, no progress and no failure status, so it would redo an
// n^3 eigendecomposition (n = 8000 on the _full variants) on every re-score from the cache and
// could not report a missing data file. Held out, the population is the image distribution, whose
// spectrum nobody has: the kernel PCA of a larger sample is a better estimate, not an oracle.

namespace scalebench {
namespace {

// Stream tags: the data axis, the params axis and the fixed features never share numbers.
constexpr std::uint64_t kDataStream = 1;
constexpr std::uint64_t kParamsStream = 2;
constexpr std::uint64_t kFeatureStream = 3;  // the fixed features of the data axis and profile

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// What the runs of one design share, read-only: the pool (or training pool) with its one-hot
// targets, and either the pool's Gram (pool design, data axis) or the test set (held out).
struct PoolData final : DesignData {
  Eigen::MatrixXd images, one_hot;
  Eigen::MatrixXd gram;
  Eigen::MatrixXd test, test_one_hot;
};

// The pool design's run: kernel ridge on the first p of `draws` for each p of `sizes`, scored on
// the whole pool through its shared Gram.
RunResult PoolRun(const PoolData& pool,
                  const std::vector<int>& draws,
                  const std::vector<int>& sizes,
                  double ridge,
                  const RunContext& context) {
  std::vector<double> losses;
  KernelRidgeTimings t;
  std::string error;
  if (!PoolKernelRidgeCurve(pool.gram, pool.one_hot, draws, sizes, ridge, &losses, &t, &error)) {
    return RunResult::Failed("kernel ridge: " + error);
  }
  context.Progress("Cholesky " + std::to_string(sizes.back()) + " " +
                   std::to_string(t.factor_seconds) + " s (" +
                   std::to_string(t.factor_flops / t.factor_seconds * 1e-9) +
                   " GFLOP/s), solves+predictions " + std::to_string(t.solve_seconds) + " s");
  return RunResult::Ok(std::move(losses));
}

// The pool design's profile: kernel PCA of the pool's Gram (the population's exact spectrum),
// the intrinsic dimension of its first `id_points` images, and the two properties known by
// construction.
ProfileResult PoolProfile(
    const std::string& name,
    const std::string& data_dir,
    int pool_size,
    int id_points,
    const std::function<void(const Eigen::MatrixXd&, Eigen::MatrixXd*)>& gram_of,
    const RunContext& context) {
  Profile profile;
  profile.source = name + ": the whole pool (first " + std::to_string(pool_size) +
                   " Fashion-MNIST training images), which is the population of the training "
                   "draws and the test set";
  Eigen::MatrixXd images, one_hot, gram;
  std::string error;
  if (!LoadFashionMnistRange(
          data_dir, {"train", 0, pool_size}, &images, &one_hot, nullptr, &error)) {
    return ProfileResult::Failed(error);
  }
  gram_of(images, &gram);
  if (!MeasureSampleProfile(
          std::move(gram), images, one_hot, id_points, "the pool", context, &profile, &error)) {
    return ProfileResult::Failed(error);
  }
  profile.Set(Property::kSpectrumComplete,
              {1.0, 0.0, "the kernel PCA sample is the whole pool, i.e. the population"});
  profile.Set(Property::kLabelNoiseVariance,
              {0.0,
               0.0,
               "0 by construction: the population is the pool and each pool image carries one "
               "label (a deterministic function of the image)"});
  return ProfileResult::Ok(std::move(profile));
}

// Loads the pool [0, pool_size) of the training file into *pool.
bool LoadPool(const std::string& data_dir, int pool_size, PoolData* pool, std::string* error) {
  return LoadFashionMnistRange(
      data_dir, {"train", 0, pool_size}, &pool->images, &pool->one_hot, nullptr, error);
}

}  // namespace

const char* ToString(FashionMnistTest test) {
  return test == FashionMnistTest::kPool ? "pool" : "held_out";
}

// ---------------------------------------------------------------------------------------------
// Kernel ridge

FashionMnistLayout FashionMnistKernelOptions::Layout() const {
  FashionMnistLayout layout;
  layout.training = {"train", 0, pool_size};
  layout.validation = {"train", pool_size, pool_size};  // unused: empty
  if (test == FashionMnistTest::kPool) {
    layout.tests = layout.reference = layout.training;
  } else {
    layout.tests = {"test", 0, tests};
    layout.reference = {
        "train", kFashionMnistTrainImages - reference_size, kFashionMnistTrainImages};
  }
  return layout;
}

std::string FashionMnistKernelTarget::LearnerKind() const {
  return std::string("kernel_ridge_") + ToString(options_.kernel.kind) + "_w" +
         WidthText(options_.kernel.width);
}

TargetInfo FashionMnistKernelTarget::Describe() const {
  TargetInfo info;
  std::ostringstream summary;
  if (options_.test == FashionMnistTest::kPool) {
    summary << "Fashion-MNIST pool of " << options_.pool_size
            << " images (population; test = pool), one-hot 10 classes, ";
  } else {
    summary << "Fashion-MNIST, training pool of the first " << options_.pool_size
            << " training images, test = first " << options_.tests << " t10k images, kernel PCA "
            << "on the last " << options_.reference_size
            << " training images, one-hot 10 classes, ";
  }
  summary << ToString(options_.kernel.kind) << " kernel ridge, width "
          << WidthText(options_.kernel.width) << ", ridge " << options_.ridge;
  info.summary = summary.str();
  info.realism = Realism::kRealData;
  info.dataset_family = "fashion_mnist";
  info.version = 2;  // 2: spectrum_complete in the profile
  return info;
}

std::vector<AxisDesign> FashionMnistKernelTarget::Designs() const {
  AxisDesign data;
  data.axis = Axis::kData;
  data.learner.kind = LearnerKind();
  data.learner.loss = "mse";
  data.learner.ridge = options_.ridge;
  data.learner.features = kInfinite;
  data.sizes = options_.data_sizes;
  data.seeds = options_.seeds;
  data.unit = RunUnit::kSeed;  // one permutation per seed, nested prefixes for every P
  // The pool's population risk tends to 0; held out, the labels are a function of the image
  // (label noise 0), so the risk of a universal kernel does too.
  data.zero_offset = true;
  return {data};
}

bool FashionMnistKernelTarget::Prepare(const AxisDesign&,
                                       const RunContext& context,
                                       std::unique_ptr<const DesignData>* data,
                                       std::string* error) const {
  auto pool = std::make_unique<PoolData>();
  const FashionMnistLayout layout = options_.Layout();
  if (!LoadPool(options_.data_dir, options_.pool_size, pool.get(), error)) return false;
  if (options_.test == FashionMnistTest::kHeldOut) {
    if (!LoadFashionMnistRange(
            options_.data_dir, layout.tests, &pool->test, &pool->test_one_hot, nullptr, error)) {
      return false;
    }
  } else {
    const auto start = std::chrono::steady_clock::now();
    KernelMatrix(pool->images, pool->images, options_.kernel, &pool->gram);
    const double n = pool->images.rows(), d = pool->images.cols();
    const double seconds = SecondsSince(start);
    context.Progress("pool Gram " + std::to_string(pool->images.rows()) +
                     "^2: " + std::to_string(seconds) + " s, " +
                     std::to_string(2.0 * n * n * d / seconds * 1e-9) + " GFLOP/s");
  }
  *data = std::move(pool);
  return true;
}

RunResult FashionMnistKernelTarget::Run(const AxisDesign& design,
                                        const RunPoint& point,
                                        const DesignData* data,
                                        const RunContext& context) const {
  const auto& pool = static_cast<const PoolData&>(*data);
  const std::vector<int> sizes = point.sizes.AsInts();
  const std::vector<int> draws =
      DrawPoolIndices(MixSeed(MixSeed(options_.seed_base, kDataStream), point.seed),
                      sizes.back(),
                      options_.pool_size,
                      options_.with_replacement);
  if (options_.test == FashionMnistTest::kPool) {
    return PoolRun(pool, draws, sizes, design.learner.ridge, context);
  }
  // Held out: one Gram of the P_max training points, one Cholesky (every smaller size uses the
  // leading block of the factor) and one test x P_max cross Gram. The training Gram is handed
  // over (moved) to the solver, which keeps it for the mixed-precision refinement: no second
  // P_max^2 matrix (2 GB at P_max = 16000).
  const int p_max = sizes.back();
  Eigen::MatrixXd x(p_max, pool.images.cols()), y(p_max, pool.one_hot.cols());
  for (int i = 0; i < p_max; ++i) {
    x.row(i) = pool.images.row(draws[i]);
    y.row(i) = pool.one_hot.row(draws[i]);
  }
  auto start = std::chrono::steady_clock::now();
  Eigen::MatrixXd gram, cross;
  KernelMatrix(x, x, options_.kernel, &gram);
  KernelMatrix(pool.test, x, options_.kernel, &cross);
  const double gram_seconds = SecondsSince(start);
  start = std::chrono::steady_clock::now();
  NestedKernelRidge solver(std::move(gram), design.learner.ridge);
  const double factor_seconds = SecondsSince(start);
  std::vector<double> losses;
  for (int p : sizes) {
    const Eigen::MatrixXd alpha = solver.Solve(p, y.topRows(p));
    const Eigen::MatrixXd residual = cross.leftCols(p) * alpha - pool.test_one_hot;
    losses.push_back(residual.rowwise().squaredNorm().mean());
  }
  context.Progress("Grams " + std::to_string(gram_seconds) + " s, Cholesky " +
                   std::to_string(p_max) + " " + std::to_string(factor_seconds) + " s" +
                   (solver.cholesky_ok() ? "" : " (FAILED, rank-revealing fallback)") +
                   "; test MSE " + std::to_string(losses.front()) + " -> " +
                   std::to_string(losses.back()));
  return RunResult::Ok(std::move(losses));
}

ProfileResult FashionMnistKernelTarget::MeasureProfile(const RunContext& context) const {
  if (options_.test == FashionMnistTest::kHeldOut) {
    return ReferenceProfile(name(),
                            options_.data_dir,
                            options_.Layout().reference,
                            options_.kernel,
                            options_.intrinsic_dimension_points,
                            context);
  }
  return PoolProfile(
      name(),
      options_.data_dir,
      options_.pool_size,
      options_.intrinsic_dimension_points,
      [this](const Eigen::MatrixXd& images, Eigen::MatrixXd* gram) {
        KernelMatrix(images, images, options_.kernel, gram);
      },
      context);
}

// ---------------------------------------------------------------------------------------------
// Random ReLU features

void FashionMnistReluTarget::PoolGram(const Eigen::MatrixXd& images, Eigen::MatrixXd* gram) const {
  Eigen::MatrixXd features;
  UnscaledReluFeatures(
      images, options_.features, MixSeed(options_.seed_base, kFeatureStream), &features);
  gram->resize(images.rows(), images.rows());
  gram->noalias() = features * features.transpose();
  *gram /= double(options_.features);
}

TargetInfo FashionMnistReluTarget::Describe() const {
  TargetInfo info;
  std::ostringstream summary;
  summary << "Fashion-MNIST pool of " << options_.pool_size
          << " images (population; test = pool), one-hot 10 classes, random ReLU features (N = "
          << options_.features << " on the data axis), ridge " << options_.ridge;
  info.summary = summary.str();
  info.realism = Realism::kRealData;
  info.dataset_family = "fashion_mnist";
  info.version = 2;  // 2: spectrum_complete in the profile
  return info;
}

std::vector<AxisDesign> FashionMnistReluTarget::Designs() const {
  AxisDesign data;
  data.axis = Axis::kData;
  data.learner.kind = "random_relu_features";
  data.learner.loss = "mse";
  data.learner.ridge = options_.ridge;
  data.learner.features = double(options_.features);
  data.sizes = options_.data_sizes;
  data.seeds = options_.seeds;
  data.unit = RunUnit::kSeed;  // one permutation per seed, nested prefixes for every P
  data.zero_offset = true;     // the pool's population risk tends to 0

  AxisDesign params = data;
  params.axis = Axis::kParams;
  params.learner.features = double(options_.param_sizes.back());
  params.learner.train_size = options_.params_train_size;
  params.sizes = options_.param_sizes;
  params.unit = RunUnit::kSeed;  // one draw of max N features per seed, nested prefixes
  params.zero_offset = false;    // plateaus at the fixed-P error
  return {data, params};
}

bool FashionMnistReluTarget::Prepare(const AxisDesign& design,
                                     const RunContext& context,
                                     std::unique_ptr<const DesignData>* data,
                                     std::string* error) const {
  auto pool = std::make_unique<PoolData>();
  if (!LoadPool(options_.data_dir, options_.pool_size, pool.get(), error)) return false;
  if (design.axis == Axis::kData) {
    const auto start = std::chrono::steady_clock::now();
    PoolGram(pool->images, &pool->gram);
    context.Progress("pool Gram of " + std::to_string(options_.features) +
                     " features: " + std::to_string(SecondsSince(start)) + " s");
  }
  *data = std::move(pool);
  return true;
}

RunResult FashionMnistReluTarget::Run(const AxisDesign& design,
                                      const RunPoint& point,
                                      const DesignData* data,
                                      const RunContext& context) const {
  const auto& pool = static_cast<const PoolData&>(*data);
  const std::vector<int> sizes = point.sizes.AsInts();
  if (design.axis == Axis::kData) {
    const std::vector<int> draws =
        DrawPoolIndices(MixSeed(MixSeed(options_.seed_base, kDataStream), point.seed),
                        sizes.back(),
                        options_.pool_size,
                        options_.with_replacement);
    return PoolRun(pool, draws, sizes, design.learner.ridge, context);
  }
  // Params axis: a training set of params_train_size points and max N features of this seed;
  // the test set is the whole pool.
  const int p = options_.params_train_size;
  const std::uint64_t stream = MixSeed(MixSeed(options_.seed_base, kParamsStream), point.seed);
  const std::vector<int> draws =
      DrawPoolIndices(MixSeed(stream, 0), p, options_.pool_size, options_.with_replacement);
  Eigen::MatrixXd f_pool, f_train(p, sizes.back()), y_train(p, pool.one_hot.cols());
  UnscaledReluFeatures(pool.images, sizes.back(), MixSeed(stream, 1), &f_pool);
  for (int i = 0; i < p; ++i) {
    f_train.row(i) = f_pool.row(draws[i]);
    y_train.row(i) = pool.one_hot.row(draws[i]);
  }
  std::vector<double> losses;
  std::string error;
  if (!ReluFeatureParamsCurve(
          f_train, f_pool, y_train, pool.one_hot, sizes, design.learner.ridge, &losses, &error)) {
    return RunResult::Failed("random-feature ridge: " + error);
  }
  context.Progress("params: test MSE " + std::to_string(losses.front()) + " -> " +
                   std::to_string(losses.back()));
  return RunResult::Ok(std::move(losses));
}

ProfileResult FashionMnistReluTarget::MeasureProfile(const RunContext& context) const {
  return PoolProfile(
      name(),
      options_.data_dir,
      options_.pool_size,
      options_.intrinsic_dimension_points,
      [this](const Eigen::MatrixXd& images, Eigen::MatrixXd* gram) { PoolGram(images, gram); },
      context);
}

// ---------------------------------------------------------------------------------------------
// The registered variants. Widths: RBF w = 5 (gamma = 0.02 of scikit-learn; research/ground.md),
// Laplace w = 11.5 (the median pairwise distance). Ridge 1e-2 on K + ridge I for both kernels
// (ground.md's scikit-learn runs), 1e-3 for the random features.

namespace {

using Configure = std::function<void(FashionMnistKernelOptions&)>;

Configure PoolVariant(KernelKind kind, double width, bool full) {
  return [=](FashionMnistKernelOptions& o) {
    o.kernel.kind = kind;
    o.kernel.width = width;
    o.ridge = 1e-2;
    o.pool_size = full ? 8000 : 2000;
    o.data_sizes = full ? SizeGrid::Log(100, 8000, 12) : SizeGrid::Log(50, 1000, 8);
  };
}

// Held out: the same kernels, widths and ridge as the pool variants; the training pool is every
// training image outside the reference sample. Default: P up to 4000, a reference of 4000 and
// 2000 test images (the test x train Gram is a quarter of the default run's time at 5000); full:
// P up to 16000, a reference of 8000 and the MLP's 5000 test images.
Configure HeldOutVariant(KernelKind kind, double width, bool full) {
  return [=](FashionMnistKernelOptions& o) {
    PoolVariant(kind, width, full)(o);
    o.test = FashionMnistTest::kHeldOut;
    o.tests = full ? 5000 : 2000;
    o.reference_size = full ? 8000 : 4000;
    o.pool_size = kFashionMnistTrainImages - o.reference_size;
    o.data_sizes = full ? SizeGrid::Log(100, 16000, 12) : SizeGrid::Log(100, 4000, 8);
  };
}

void ReluFull(FashionMnistReluOptions& o) {
  o.pool_size = 8000;
  o.features = 8000;
  o.data_sizes = SizeGrid::Log(100, 8000, 12);
  o.param_sizes = SizeGrid::Log(50, 8000, 12);
  o.params_train_size = 4000;
}

}  // namespace

SCALEBENCH_REGISTER_TARGET(FashionMnistKernelTarget, "fashion_mnist")
    ->Variant("rbf", {"default", "full"}, PoolVariant(KernelKind::kRbf, 5.0, false))
    ->Variant("rbf_full", {"full"}, PoolVariant(KernelKind::kRbf, 5.0, true))
    ->Variant("laplace", {"default", "full"}, PoolVariant(KernelKind::kLaplace, 11.5, false))
    ->Variant("laplace_full", {"full"}, PoolVariant(KernelKind::kLaplace, 11.5, true))
    ->Variant("rbf_heldout", {"default", "full"}, HeldOutVariant(KernelKind::kRbf, 5.0, false))
    ->Variant("rbf_heldout_full", {"full"}, HeldOutVariant(KernelKind::kRbf, 5.0, true))
    ->Variant("laplace_heldout_full", {"full"}, HeldOutVariant(KernelKind::kLaplace, 11.5, true));

SCALEBENCH_REGISTER_TARGET(FashionMnistReluTarget, "fashion_mnist")
    ->Variant("relu_features", {"default", "full"}, nullptr)
    ->Variant("relu_features_full", {"full"}, ReluFull);

}  // namespace scalebench
