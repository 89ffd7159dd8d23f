#include "harness/targets/gaussian_spectrum.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "datasets/generators/random.h"
#include "harness/learners/linear_random_features.h"
#include "harness/learners/linear_ridge.h"
#include "harness/learners/projected_linear_ridge.h"

// Choice of d (num_modes). Deterministic-equivalent curves (lit-spectral 2.1 for the data axis,
// 5.1 for the params axis), least-squares log-log slope over 8 sizes 16..512:
//
//   (a, b)      d = 8192        d = 32768       d = 2^23 (~ infinite)  exact
//   (2.0, 1.5)  data 1.009 params 0.971 | 0.994 0.948 | 0.984 0.932  | 1.0  1.0
//   (3.0, 1.5)  data 2.005 params 1.444 | 1.977 1.415 | 1.954 1.391  | 2.0  1.5
//   (2.5, 2.0)  data 1.486 params 1.446 | 1.482 1.438 | 1.480 1.436  | 1.5  1.5
//   (4.0, 1.2)  data 2.371 params 1.250 | 2.292 1.203 | 2.178 1.138  | 2.4  1.2
//
// So at d = 32768 the truncation moves the slopes by <= 0.03 for b >= 1.5; the remaining gap to
// the exact exponent is the pre-asymptotic bend of the infinite model itself, which no d removes.
// At b = 1.2 the tail sum_{k>d} lambda_k ~ d^-0.2 converges so slowly that truncation and
// pre-asymptotics are of the same size and partly cancel. Cost: one seed of one axis draws
// 512 x 32768 normals and one 512 x 512 x 32768 GEMM (about 0.2 s on 2 cores).

namespace scalebench {
namespace {

// Stream tags: the data axis, the params axis and the probe never share random numbers.
constexpr std::uint64_t kDataStream = 1;
constexpr std::uint64_t kParamsStream = 2;
constexpr std::uint64_t kProbeStream = 3;
constexpr std::uint64_t kFeatureStream = 4;  // the data axis's random feature map

constexpr char kDataLearner[] = "linear_ridge";
constexpr char kParamsLearner[] = "projected_linear_ridge";
constexpr char kFeatureLearner[] = "linear_random_features";

PowerLawGaussianDesignOptions DesignOptions(const GaussianSpectrumOptions& options) {
  PowerLawGaussianDesignOptions design;
  design.spectrum_decay = options.spectrum_decay;
  design.task_power_decay = options.task_power_decay;
  design.num_modes = options.num_modes;
  return design;
}

}  // namespace

GaussianSpectrumTarget::GaussianSpectrumTarget(const GaussianSpectrumOptions& options)
    : TargetWith(options), design_(DesignOptions(options)) {}

TargetInfo GaussianSpectrumTarget::Describe() const {
  const double a = options_.task_power_decay, b = options_.spectrum_decay;
  TargetInfo info;
  std::ostringstream summary;
  summary << "Gaussian design, lambda_k = k^-" << b << ", teacher power p_k = k^-" << a
          << ", d = " << options_.num_modes
          << " modes, noiseless; ridgeless regression (data) and random "
          << "projections at infinite data (params)";
  info.realism = Realism::kExact;
  if (options_.data_features > 0) {
    // Maloney, Roberts & Sully's solvable model: a = b (isotropic teacher), random features.
    summary << "; data axis on N = " << options_.data_features << " linear random features";
    info.dataset_family = "random_feature_model";
    info.home_theories = {"random_features/maloney_roberts_sully"};
  } else {
    // The linear-regression model with a power-law spectrum and teacher is the model the kernel
    // theories and the random-projection theory solve.
    info.dataset_family = "gaussian_spectrum";
    info.home_theories = {"kernel/self_consistent_curve",
                          "kernel/cui_rates",
                          "kernel/spigler_geiger_wyart",
                          "random_features/random_projection"};
  }
  info.summary = summary.str();
  info.exact_exponents = {{Axis::kData, std::min(a - 1.0, 2.0 * b)},
                          {Axis::kParams, std::min(a - 1.0, b)}};
  info.version = 1;
  return info;
}

std::vector<AxisDesign> GaussianSpectrumTarget::Designs() const {
  AxisDesign data;
  data.axis = Axis::kData;
  data.learner.kind = options_.data_features > 0 ? kFeatureLearner : kDataLearner;
  data.learner.loss = "excess_mse";
  data.learner.ridge = 0.0;
  data.learner.features = options_.data_features > 0 ? double(options_.data_features) : kInfinite;
  data.sizes = options_.data_sizes;
  data.seeds = options_.seeds;
  data.unit = RunUnit::kSeed;  // one draw per seed, nested prefixes for every P
  data.zero_offset = true;

  AxisDesign params;
  params.axis = Axis::kParams;
  params.learner.kind = kParamsLearner;
  params.learner.loss = "excess_mse";
  params.learner.ridge = 0.0;
  params.learner.features = double(options_.param_sizes.back());  // the swept N; its largest
  params.learner.train_size = kInfinite;  // the population problem, solved exactly
  params.sizes = options_.param_sizes;
  params.seeds = options_.seeds;
  params.unit = RunUnit::kSeed;  // one draw of max N projections per seed, nested prefixes
  params.zero_offset = true;
  return {data, params};
}

RunResult GaussianSpectrumTarget::Run(const AxisDesign& design,
                                      const RunPoint& point,
                                      const DesignData*,
                                      const RunContext&) const {
  const std::vector<int> sizes = point.sizes.AsInts();
  const int max_size = sizes.back();
  std::vector<double> losses;
  std::string error;
  Eigen::MatrixXd buffer;
  bool ok = false;
  if (design.axis == Axis::kData && options_.data_features > 0) {
    const std::uint64_t stream = MixSeed(MixSeed(options_.seed_base, kDataStream), point.seed);
    design_.SampleInputs(stream, max_size, &buffer);
    const std::uint64_t features = MixSeed(MixSeed(options_.seed_base, kFeatureStream), point.seed);
    const int n = options_.data_features;
    const FeatureBlockFn block = [&](int first, int count, Eigen::MatrixXd* out) {
      design_.SampleStandardNormalBlock(features, n, first, count, out);
    };
    LinearRandomFeaturesOptions learner;
    learner.ridge = design.learner.ridge;
    ok = LinearRandomFeaturesCurve(buffer,
                                   design_.Labels(buffer),
                                   design_.eigenvalues(),
                                   design_.teacher(),
                                   n,
                                   block,
                                   sizes,
                                   learner,
                                   &losses,
                                   &error);
  } else if (design.axis == Axis::kData) {
    const std::uint64_t stream = MixSeed(MixSeed(options_.seed_base, kDataStream), point.seed);
    design_.SampleInputs(stream, max_size, &buffer);
    LinearRidgeOptions learner;
    learner.ridge = design.learner.ridge;
    ok = LinearRidgeCurve(buffer,
                          design_.Labels(buffer),
                          design_.eigenvalues(),
                          design_.teacher(),
                          sizes,
                          learner,
                          &losses,
                          &error);
  } else {
    const std::uint64_t stream = MixSeed(MixSeed(options_.seed_base, kParamsStream), point.seed);
    design_.SampleStandardNormal(stream, max_size, &buffer);
    ProjectedLinearRidgeOptions learner;
    learner.ridge = design.learner.ridge;
    ok = ProjectedLinearRidgeCurve(
        &buffer, design_.eigenvalues(), design_.teacher(), sizes, learner, &losses, &error);
  }
  if (!ok) return RunResult::Failed(error);
  return RunResult::Ok(std::move(losses));
}

ProfileResult GaussianSpectrumTarget::MeasureProfile(const RunContext& context) const {
  const int n = options_.probe_samples;
  const int replicates = options_.probe_replicates;
  Profile profile;
  std::ostringstream source;
  source << name() << ": " << replicates << " x " << n
         << " samples of the Gaussian design (d = " << options_.num_modes
         << ") from the probe streams of seed " << options_.seed_base
         << ", independent of the training draws";
  profile.source = source.str();

  std::vector<SpectrumProbeResult> results(replicates);
  std::string error;
  for (int r = 0; r < replicates; ++r) {
    context.Progress("spectrum probe, sample " + std::to_string(r + 1) + "/" +
                     std::to_string(replicates) + " (n = " + std::to_string(n) + ")");
    const std::uint64_t stream = MixSeed(MixSeed(options_.seed_base, kProbeStream), r);
    if (!ProbeSample(stream, &results[r], &error)) {
      return ProfileResult::Failed("spectrum probe: " + error);
    }
  }
  SpectrumProbeResult combined = results[0];
  if (replicates > 1 && !CombineSpectrumReplicates(results, &combined, &error)) {
    return ProfileResult::Failed("spectrum probe: " + error);
  }
  combined.FillProfile(&profile);
  profile.Set(Property::kLabelNoiseVariance,
              {0.0, 0.0, "known by construction: the labels y = w . x carry no noise"});
  return ProfileResult::Ok(std::move(profile));
}

std::optional<Profile> GaussianSpectrumTarget::OracleProfile() const {
  const Eigen::VectorXd& lambda = design_.eigenvalues();
  const Eigen::VectorXd power = lambda.cwiseProduct(design_.teacher().cwiseAbs2());
  Profile profile;
  profile.source = name() + ": oracle, the design's exact spectrum and teacher over its " +
                   std::to_string(options_.num_modes) + " modes";
  const std::string method = "oracle: the generating parameter";
  profile.Set(Property::kSpectrumDecay, {options_.spectrum_decay, 0.0, method});
  profile.Set(Property::kTaskPowerDecay, {options_.task_power_decay, 0.0, method});
  profile.Set(Property::kTotalTargetPower, {power.sum(), 0.0, "oracle: sum_k lambda_k w_k^2"});
  profile.Set(Property::kSpectrumTrace, {lambda.sum(), 0.0, "oracle: sum_k lambda_k"});
  profile.Set(Property::kSpectrumComplete, {1.0, 0.0, "oracle: all d modes of the design"});
  profile.Set(Property::kLabelNoiseVariance,
              {0.0, 0.0, "known by construction: the labels y = w . x carry no noise"});
  profile.Set(Series::kEigenvalues,
              std::vector<double>(lambda.data(), lambda.data() + lambda.size()));
  profile.Set(Series::kTargetPower, std::vector<double>(power.data(), power.data() + power.size()));
  return profile;
}

bool GaussianSpectrumTarget::ProbeSample(std::uint64_t stream,
                                         SpectrumProbeResult* result,
                                         std::string* error) const {
  // K = X X^T and y = X w, accumulated over blocks of modes: the same numbers as from the whole
  // n x d draw (MeasureSpectrum), without its 0.5 GB (and ~1.4 s of page faults).
  const int n = options_.probe_samples;
  const int d = options_.num_modes;
  constexpr int kBlock = 1024;
  Eigen::MatrixXd kernel = Eigen::MatrixXd::Zero(n, n);
  Eigen::VectorXd y = Eigen::VectorXd::Zero(n);
  Eigen::MatrixXd block;
  for (int first = 0; first < d; first += kBlock) {
    const int count = std::min(kBlock, d - first);
    design_.SampleInputBlock(stream, n, first, count, &block);
    // The lower triangle only: a symmetric rank update, half the flops of the full product.
    // (Eigen does not parallelise it, but the suite measures a profile on one thread, beside the
    // training runs: harness/runner/suite_measurer.h.)
    kernel.selfadjointView<Eigen::Lower>().rankUpdate(block);
    y.noalias() += block * design_.teacher().segment(first, count);
  }
  kernel.triangularView<Eigen::StrictlyUpper>() = kernel.transpose();
  return MeasureSpectrumFromGram(kernel, y, options_.probe, result, error);
}

// The registered variants: (a, b) with a - 1 < 2b, a - 1 > b, a - 1 = b and a - 1 > 2b.
SCALEBENCH_REGISTER_TARGET(GaussianSpectrumTarget, "gaussian_spectrum")
    ->Variant("a2.0_b1.5", {"default", "full"}, [](auto& o) {
      o.task_power_decay = 2.0;
      o.spectrum_decay = 1.5;
    }) -> Variant("a3.0_b1.5", {"default", "full"}, [](auto& o) {
      o.task_power_decay = 3.0;
      o.spectrum_decay = 1.5;
    }) -> Variant("a2.5_b2.0", {"default", "full"}, [](auto& o) {
      o.task_power_decay = 2.5;
      o.spectrum_decay = 2.0;
    }) -> Variant("a4.0_b1.2", {"default", "full"}, [](auto& o) {
      o.task_power_decay = 4.0;
      o.spectrum_decay = 1.2;
    });

}  // namespace scalebench
