#include "harness/targets/power_law_random_features.h"

#include <cmath>
#include <sstream>

#include "common/format.h"
#include "datasets/generators/power_law_gaussian.h"
#include "datasets/generators/random.h"

namespace scalebench {
namespace {

// Stream tags: the feature matrices, the SGD samples and the probe never share random numbers.
constexpr std::uint64_t kFeatureStream = 1;
constexpr std::uint64_t kSgdStream = 2;
constexpr std::uint64_t kProbeStream = 3;

constexpr char kLearner[] = "plrf_sgd";

double DataTrace(double alpha, int modes) {
  double trace = 0.0;
  for (int j = modes; j >= 1; --j) trace += std::pow(double(j), -2.0 * alpha);  // small first
  return trace;
}

PowerLawGaussianDesign ProbeDesign(const PowerLawRandomFeaturesOptions& options) {
  PowerLawGaussianDesignOptions design;
  design.spectrum_decay = 2.0 * options.alpha;
  design.task_power_decay = 2.0 * (options.alpha + options.beta);  // w_k = k^-beta
  design.num_modes = options.probe_modes;
  return PowerLawGaussianDesign(design);
}

}  // namespace

PlrfModelOptions PowerLawRandomFeaturesTarget::ModelOptions(int width) const {
  PlrfModelOptions model;
  model.alpha = options_.alpha;
  model.beta = options_.beta;
  model.features = width;
  model.data_dim = options_.data_ratio * width;
  return model;
}

PlrfSgdOptions PowerLawRandomFeaturesTarget::SgdOptions(int width) const {
  PlrfSgdOptions sgd;
  sgd.batch_size = options_.batch_size;
  sgd.learning_rate =
      options_.learning_rate_scale / DataTrace(options_.alpha, options_.data_ratio * width);
  sgd.sampling = PlrfSampling::kEigenbasis;
  return sgd;
}

std::uint64_t PowerLawRandomFeaturesTarget::FeatureSeed(int width, std::uint64_t seed) const {
  return MixSeed(MixSeed(MixSeed(options_.seed_base, kFeatureStream), std::uint64_t(width)), seed);
}

std::uint64_t PowerLawRandomFeaturesTarget::SgdSeed(int width, std::uint64_t seed) const {
  return MixSeed(MixSeed(MixSeed(options_.seed_base, kSgdStream), std::uint64_t(width)), seed);
}

TargetInfo PowerLawRandomFeaturesTarget::Describe() const {
  const double alpha = options_.alpha, beta = options_.beta;
  TargetInfo info;
  std::ostringstream summary;
  summary << "power-law random features (Paquette et al. 2024): x_j ~ N(0, j^-"
          << internal::Format(2 * alpha) << "), b_j = j^-" << internal::Format(beta)
          << ", v = " << options_.data_ratio << "d, one-pass SGD (batch " << options_.batch_size
          << "), widths " << options_.widths.front() << ".." << options_.widths.back()
          << ", steps (width " << options_.widths.back() << ") and compute (widths x steps)";
  info.summary = summary.str();
  info.realism = Realism::kExact;
  info.dataset_family = "power_law_random_features";
  // Paquette et al.'s model; Bordelon et al.'s linear random-feature teacher-student is the same
  // model (trained by gradient flow there); Lin et al.'s sketched regression with an isotropic
  // prior is the case beta = 0.
  info.home_theories = {"optimizer/bordelon_dynamical", "optimizer/paquette_phases"};
  if (beta == 0.0) info.home_theories.push_back("optimizer/lin_sgd");
  info.version = 1;
  return info;
}

// One kSteps design per width, all in the compute grid; the widest is the steps cell (its power
// law runs longest before the limit level), the others feed the compute cell only.
std::vector<AxisDesign> PowerLawRandomFeaturesTarget::Designs() const {
  std::vector<AxisDesign> designs;
  for (std::int64_t width : options_.widths) {
    const PlrfSgdOptions sgd = SgdOptions(int(width));
    AxisDesign design;
    design.axis = Axis::kSteps;
    design.learner.kind = kLearner;
    design.learner.loss = "excess_mse";  // noiseless target: the risk is the excess risk
    design.learner.features = double(width);
    design.learner.train_size = kInfinite;  // one pass: every sample is fresh
    design.learner.optimizer = "sgd";
    design.learner.learning_rate = sgd.learning_rate;
    design.learner.batch_size = sgd.batch_size;
    design.learner.steps = options_.steps.back();
    // Paquette et al.'s cost: f = d B r FLOPs for r steps of batch B on d features (one
    // multiply-add per feature and sample; LearnerSpec::flops_per_step), N = d.
    design.learner.parameters = double(width);
    design.learner.flops_per_step = double(width) * sgd.batch_size;
    design.sizes = options_.steps;
    design.seeds = options_.seeds;
    design.unit = RunUnit::kSeed;   // one SGD run per seed, read at every checkpoint
    design.single_threaded = true;  // the SGD loop is sequential
    design.zero_offset = false;     // the loss ends at the width's limit level
    design.compute_grid = true;
    // The frontier has no floor: the excess risk at the compute-optimal width d* falls to 0.
    design.frontier_zero_offset = true;
    design.own_cell = width == options_.widths.back();
    designs.push_back(design);
  }
  return designs;
}

RunResult PowerLawRandomFeaturesTarget::Run(const AxisDesign& design,
                                            const RunPoint& point,
                                            const DesignData*,
                                            const RunContext& context) const {
  const int width = int(design.learner.features);
  PlrfModel model;
  std::string error;
  if (!PlrfModel::Build(ModelOptions(width),
                        FeatureSeed(width, point.seed),
                        PlrfSampling::kEigenbasis,
                        &model,
                        &error)) {
    return RunResult::Failed(error);
  }
  context.Progress("width " + std::to_string(width) + ", seed " + std::to_string(point.seed) +
                   ": SGD to step " + std::to_string(point.sizes.back()));
  std::vector<double> losses;
  if (!PlrfSgdCurve(model,
                    SgdOptions(width),
                    SgdSeed(width, point.seed),
                    point.sizes.values(),
                    &losses,
                    &error)) {
    return RunResult::Failed(error);
  }
  return RunResult::Ok(std::move(losses));
}

ProfileResult PowerLawRandomFeaturesTarget::MeasureProfile(const RunContext& context) const {
  const PowerLawGaussianDesign design = ProbeDesign(options_);
  const int n = options_.probe_samples;
  context.Progress("spectrum probe (n = " + std::to_string(n) +
                   ", v = " + std::to_string(options_.probe_modes) + ")");
  const Eigen::MatrixXd x = design.SampleInputs(MixSeed(options_.seed_base, kProbeStream), n);
  const Eigen::MatrixXd y = design.Labels(x);
  SpectrumProbeResult result;
  std::string error;
  if (!MeasureSpectrum(x, y, options_.probe, &result, &error)) {
    return ProfileResult::Failed("spectrum probe: " + error);
  }
  Profile profile;
  profile.source = name() + ": " + std::to_string(n) + " samples of x in R^" +
                   std::to_string(options_.probe_modes) +
                   " with y = <x, b>, from the probe stream " + "of seed " +
                   std::to_string(options_.seed_base) + ", independent of the training draws";
  result.FillProfile(&profile);
  profile.Set(Property::kLabelNoiseVariance,
              {0.0, 0.0, "known by construction: y = <x, b> carries no noise"});
  return ProfileResult::Ok(std::move(profile));
}

std::optional<Profile> PowerLawRandomFeaturesTarget::OracleProfile() const {
  const PowerLawGaussianDesign design = ProbeDesign(options_);
  const Eigen::VectorXd& lambda = design.eigenvalues();
  const Eigen::VectorXd power = lambda.cwiseProduct(design.teacher().cwiseAbs2());
  Profile profile;
  profile.source = name() + ": oracle, b = 2 alpha and a = 2 alpha + 2 beta, series over " +
                   std::to_string(options_.probe_modes) + " modes";
  const std::string method = "oracle: the generating parameter";
  profile.Set(Property::kSpectrumDecay, {2.0 * options_.alpha, 0.0, method + " (2 alpha)"});
  profile.Set(Property::kTaskPowerDecay,
              {2.0 * (options_.alpha + options_.beta), 0.0, method + " (2 alpha + 2 beta)"});
  profile.Set(Property::kTotalTargetPower, {power.sum(), 0.0, "oracle: sum_j j^-2(alpha+beta)"});
  profile.Set(Property::kSpectrumTrace, {lambda.sum(), 0.0, "oracle: sum_j j^-2alpha"});
  profile.Set(Property::kLabelNoiseVariance,
              {0.0, 0.0, "known by construction: y = <x, b> carries no noise"});
  profile.Set(Series::kEigenvalues,
              std::vector<double>(lambda.data(), lambda.data() + lambda.size()));
  profile.Set(Series::kTargetPower, std::vector<double>(power.data(), power.data() + power.size()));
  return profile;
}

// The variants (full suite). alpha = 0.7 crosses Ia -> II -> III as beta grows (the fixture
// sweep of anchors-2026.md 2.1); (0.4, 0.7) and (0.4, 1.0) are the authors' Phase IV points;
// (0.35, 0.4) is in Ib; (0.8, 0) is Lin et al.'s isotropic prior (a = b). The checkpoints reach
// the limit level of the widest width: r ~ d^2alpha / (2 gamma) learns mode d, a few times that.
SCALEBENCH_REGISTER_TARGET(PowerLawRandomFeaturesTarget, "power_law_random_features")
    ->Variant("alpha0.7_beta0.25", {"full"}, [](auto& o) {
      o.alpha = 0.7;
      o.beta = 0.25;
    }) -> Variant("alpha0.7_beta0.4", {"full"}, [](auto& o) {
      o.alpha = 0.7;
      o.beta = 0.4;
    }) -> Variant("alpha0.7_beta0.6", {"full"}, [](auto& o) {
      o.alpha = 0.7;
      o.beta = 0.6;
    }) -> Variant("alpha0.7_beta0.9", {"full"}, [](auto& o) {
      o.alpha = 0.7;
      o.beta = 0.9;
    }) -> Variant("alpha0.4_beta0.7", {"full"}, [](auto& o) {
      o.alpha = 0.4;
      o.beta = 0.7;
      o.steps = SizeGrid::Log(10, 3e5, 27);
    }) -> Variant("alpha0.4_beta1.0", {"full"}, [](auto& o) {
      o.alpha = 0.4;
      o.beta = 1.0;
      o.steps = SizeGrid::Log(10, 3e5, 27);
    }) -> Variant("alpha0.35_beta0.4", {"full"}, [](auto& o) {
      o.alpha = 0.35;
      o.beta = 0.4;
      o.steps = SizeGrid::Log(10, 3e5, 27);
    }) -> Variant("alpha0.8_beta0.0", {"full"}, [](auto& o) {
      o.alpha = 0.8;
      o.beta = 0.0;
      o.widths = SizeGrid({64, 100, 160, 250, 400, 640, 1000});
      o.probe_modes = 4000;
    });

}  // namespace scalebench
