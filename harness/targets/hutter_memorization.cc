#include "harness/targets/hutter_memorization.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "harness/learners/memorizer.h"

// Choice of sizes and seeds. Over 10 log-spaced sizes 1e3..1e6 (K = 1e15) the least-squares slope
// of the expected curve ExpectedError is 0.3333, 0.5000, 0.6666 for alpha = 0.5, 1, 2 (exact
// 1/3, 1/2, 2/3): no visible pre-asymptotic bend, so the fitted exponent tests the exponent
// itself (tests/quanta/hutter_memorization_test.cc). The error's seed-to-seed spread is large
// (a few features near p_i ~ 1/D carry it, Michaud et al. 2023), hence 8 seeds. One seed draws
// 1e6 features (~30 ns each) and tracks the seen set; 8 seeds of one target take 0.2-0.5 s.

namespace scalebench {
namespace {

// Stream tags: training seeds and the probe never share random numbers.
constexpr std::uint64_t kDataStream = 1;
constexpr std::uint64_t kProbeStream = 3;

}  // namespace

HutterMemorizationTarget::HutterMemorizationTarget(const HutterMemorizationOptions& options)
    : TargetWith(options),
      z_(1.0 + options.alpha),
      normalisation_(PowerSum(1.0 + options.alpha, 1.0, options.num_features)),
      sampler_(1.0 + options.alpha, options.num_features) {}

double HutterMemorizationTarget::ExpectedError(double z,
                                               std::int64_t num_features,
                                               double data_size) {
  const double norm = PowerSum(z, 1.0, num_features);
  // Direct terms while D p_i > 1e-3; beyond, (1 - p)^D = 1 - D p + D(D-1)/2 p^2 - O((D p)^3).
  const double last_direct = std::pow(data_size * 1e3 / norm, 1.0 / z);
  const std::int64_t direct = std::int64_t(std::min(double(num_features), std::ceil(last_direct)));
  double sum = 0.0;
  for (std::int64_t i = direct; i >= 1; --i) {  // small terms first
    const double p = std::pow(double(i), -z) / norm;
    sum += p * std::exp(data_size * std::log1p(-p));
  }
  if (direct < num_features) {
    const double first = double(direct) + 1.0;
    sum += PowerSum(z, first, num_features) / norm -
           data_size * PowerSum(2 * z, first, num_features) / (norm * norm) +
           0.5 * data_size * (data_size - 1.0) * PowerSum(3 * z, first, num_features) /
               (norm * norm * norm);
  }
  return sum;
}

TargetInfo HutterMemorizationTarget::Describe() const {
  const double alpha = options_.alpha;
  TargetInfo info;
  std::ostringstream summary;
  summary << "Hutter memorization: features i.i.d. Zipf p_i ~ i^-" << z_ << " (alpha = " << alpha
          << ", K = " << double(options_.num_features)
          << "); a memorizer errs on unseen features (exact 0-1 error), data axis";
  info.summary = summary.str();
  info.realism = Realism::kExact;
  info.dataset_family = "hutter_memorization";
  info.home_theories = {"quanta/hutter_memorization"};
  info.exact_exponents = {{Axis::kData, alpha / (1.0 + alpha)}};
  info.version = 1;
  return info;
}

std::vector<AxisDesign> HutterMemorizationTarget::Designs() const {
  AxisDesign data;
  data.axis = Axis::kData;
  data.learner.kind = "memorizer";
  data.learner.loss = "error_rate";
  data.learner.features = kInfinite;  // unbounded memory: every seen feature is stored
  data.sizes = options_.data_sizes;
  data.seeds = options_.seeds;
  data.unit = RunUnit::kSeed;  // one stream per seed, read at every D of the grid
  data.zero_offset = true;     // E(D) -> 0: every feature is eventually seen
  return {data};
}

double HutterMemorizationTarget::Probability(std::int64_t feature) const {
  return std::pow(double(feature), -z_) / normalisation_;
}

std::vector<std::int64_t> HutterMemorizationTarget::Draw(std::uint64_t stream,
                                                         std::int64_t count) const {
  Xoshiro256pp rng(stream);
  std::vector<std::int64_t> out(count);
  for (auto& feature : out) feature = sampler_(rng);
  return out;
}

RunResult HutterMemorizationTarget::Run(const AxisDesign& design,
                                        const RunPoint& point,
                                        const DesignData*,
                                        const RunContext&) const {
  const std::uint64_t stream = MixSeed(MixSeed(options_.seed_base, kDataStream), point.seed);
  std::vector<double> errors;
  std::string error;
  const auto probability = [this](std::int64_t i) { return Probability(i); };
  if (!MemorizerErrorCurve(
          Draw(stream, point.sizes.back()), probability, point.sizes.values(), &errors, &error)) {
    return RunResult::Failed(error);
  }
  return RunResult::Ok(std::move(errors));
}

ProfileResult HutterMemorizationTarget::MeasureProfile(const RunContext& context) const {
  Profile profile;
  std::ostringstream source;
  source << name() << ": " << options_.probe_samples << " features from the probe stream of seed "
         << options_.seed_base << ", independent of the training draws";
  profile.source = source.str();
  context.Progress("frequency probe (n = " + std::to_string(options_.probe_samples) + ")");
  const auto sample = Draw(MixSeed(options_.seed_base, kProbeStream), options_.probe_samples);
  FrequencyProbeResult result;
  std::string error;
  if (!MeasureFrequencyDecayFromLabels(sample, options_.probe, &result, &error)) {
    return ProfileResult::Failed("frequency probe: " + error);
  }
  result.FillProfile(&profile);
  return ProfileResult::Ok(std::move(profile));
}

std::optional<Profile> HutterMemorizationTarget::OracleProfile() const {
  Profile profile;
  profile.source = name() + ": oracle, the generating Zipf law p_i ~ i^-(1 + alpha)";
  profile.Set(Property::kFrequencyDecay,
              {z_, 0.0, "oracle: the generating exponent z = 1 + alpha"});
  return profile;
}

SCALEBENCH_REGISTER_TARGET(HutterMemorizationTarget, "hutter_memorization")
    ->Variant("alpha0.5", {"default", "full"}, [](auto& o) { o.alpha = 0.5; })
        -> Variant("alpha1.0", {"default", "full"}, [](auto& o) { o.alpha = 1.0; })
            -> Variant("alpha2.0", {"default", "full"}, [](auto& o) { o.alpha = 2.0; });

}  // namespace scalebench
