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

constexpr char kLearner[] = "memorizer";
constexpr char kLoss[] = "error_rate";

// log1p(x)/x and expm1(x)/x, continuous at 0 (the rejection-inversion helpers).
double Log1pOverX(double x) {
  return std::abs(x) > 1e-8 ? std::log1p(x) / x : 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
}
double Expm1OverX(double x) {
  return std::abs(x) > 1e-8 ? std::expm1(x) / x
                            : 1.0 + x * 0.5 * (1.0 + x / 3.0 * (1.0 + 0.25 * x));
}

bool IntegerSizes(const std::vector<double>& sizes,
                  std::vector<std::int64_t>* out,
                  std::string* error) {
  out->clear();
  for (double s : sizes) {
    const double rounded = std::round(s);
    if (!(s >= 1.0) || std::abs(s - rounded) > 1e-9 || rounded > 1e8) {
      if (error != nullptr) *error = "size " + std::to_string(s) + " is not an integer in [1, 1e8]";
      return false;
    }
    if (!out->empty() && std::int64_t(rounded) <= out->back()) {
      if (error != nullptr) *error = "sizes must increase";
      return false;
    }
    out->push_back(std::int64_t(rounded));
  }
  if (out->empty() && error != nullptr) *error = "no sizes";
  return !out->empty();
}

// sum_{first <= i <= last} i^-s by the Hurwitz zeta function.
double PowerSum(double s, double first, std::int64_t last) {
  return HurwitzZeta(s, first) - HurwitzZeta(s, double(last) + 1.0);
}

}  // namespace

ZipfSampler::ZipfSampler(double exponent, std::int64_t support)
    : exponent_(exponent), support_(support) {
  h_integral_x1_ = H(1.5) - 1.0;
  h_integral_support_ = H(double(support) + 0.5);
  s_ = 2.0 - HInverse(H(2.5) - h(2.0));
}

double ZipfSampler::H(double x) const {
  const double log_x = std::log(x);
  return Expm1OverX((1.0 - exponent_) * log_x) * log_x;
}

double ZipfSampler::HInverse(double x) const {
  double t = x * (1.0 - exponent_);
  if (t < -1.0) t = -1.0;  // rounding guard: the inverse is only defined above -1
  return std::exp(Log1pOverX(t) * x);
}

std::int64_t ZipfSampler::operator()(Xoshiro256pp& rng) const {
  while (true) {
    const double u =
        h_integral_support_ + rng.UniformOpen() * (h_integral_x1_ - h_integral_support_);
    const double x = HInverse(u);
    std::int64_t k = std::int64_t(x + 0.5);
    k = std::clamp<std::int64_t>(k, 1, support_);
    if (double(k) - x <= s_ || u >= H(double(k) + 0.5) - h(double(k))) return k;
  }
}

std::vector<double> HutterMemorizationOptions::DefaultSizes() {
  std::vector<double> sizes;
  for (int i = 0; i < 10; ++i) sizes.push_back(std::round(1e3 * std::pow(1e3, i / 9.0)));
  return sizes;
}

bool HutterMemorizationOptions::IsValid(std::string* error) const {
  std::ostringstream message;
  std::vector<std::int64_t> unused;
  std::string size_error;
  if (!(alpha > 0.0) || !(alpha <= 20.0)) {
    message << "alpha = " << alpha << " must be in (0, 20]";
  } else if (num_features < 2) {
    message << "num_features = " << num_features << " must be >= 2";
  } else if (!IntegerSizes(data_sizes, &unused, &size_error)) {
    message << "data_sizes: " << size_error;
  } else if (seeds < 1) {
    message << "seeds = " << seeds << " must be >= 1";
  } else if (probe_samples < 100) {
    message << "probe_samples = " << probe_samples << " must be >= 100";
  } else if (std::string probe_error; !probe.IsValid(&probe_error)) {
    message << "probe." << probe_error;
  } else {
    return true;
  }
  if (error != nullptr) *error = message.str();
  return false;
}

HutterMemorizationTarget::HutterMemorizationTarget(const HutterMemorizationOptions& options)
    : options_(options),
      z_(1.0 + options.alpha),
      normalisation_(PowerSum(1.0 + options.alpha, 1.0, options.num_features)),
      sampler_(1.0 + options.alpha, options.num_features) {}

std::string HutterMemorizationTarget::Name(double alpha) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "hutter_memorization/alpha%.1f", alpha);
  return buffer;
}

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
  info.name = Name(alpha);
  std::ostringstream summary;
  summary << "Hutter memorization: features i.i.d. Zipf p_i ~ i^-" << z_ << " (alpha = " << alpha
          << ", K = " << double(options_.num_features)
          << "); a memorizer errs on unseen features (exact 0-1 error), data axis";
  info.summary = summary.str();
  info.suites = {"default", "full"};
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
  data.learner.kind = kLearner;
  data.learner.loss = kLoss;
  data.learner.features = kInfinite;  // unbounded memory: every seen feature is stored
  data.sizes = options_.data_sizes;
  data.seeds = options_.seeds;
  data.zero_offset = true;  // E(D) -> 0: every feature is eventually seen
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

LearningCurve HutterMemorizationTarget::Train(const AxisDesign& design,
                                              const ProgressFn& progress) const {
  auto report = [&](const std::string& message) {
    if (progress) progress(message);
  };
  const std::string name = Name(options_.alpha);
  LearningCurve curve = MissingRunsCurve(design);
  const int seeds = static_cast<int>(curve.seeds.size());
  std::vector<std::int64_t> sizes;
  std::string error;
  if (design.axis != Axis::kData || design.learner.kind != kLearner ||
      design.learner.loss != kLoss) {
    report(name + ": cannot train this design: only the data axis with learner '" + kLearner +
           "' and loss '" + kLoss + "'");
    return curve;
  }
  if (!IntegerSizes(design.sizes, &sizes, &error)) {
    report(name + ": cannot train this design: " + error);
    return curve;
  }
  const auto probability = [this](std::int64_t i) { return Probability(i); };
  for (int j = 0; j < seeds; ++j) {
    report(name + " data: seed " + std::to_string(j + 1) + "/" + std::to_string(seeds) +
           ", sizes up to " + std::to_string(sizes.back()));
    const std::uint64_t stream = MixSeed(MixSeed(options_.seed_base, kDataStream), curve.seeds[j]);
    std::vector<double> errors;
    if (!MemorizerErrorCurve(Draw(stream, sizes.back()), probability, sizes, &errors, &error)) {
      report(name + ": seed " + std::to_string(j + 1) + " failed: " + error);
      continue;
    }
    for (std::size_t i = 0; i < sizes.size(); ++i) curve.values[i][j] = errors[i];
  }
  return curve;
}

Profile HutterMemorizationTarget::MeasureProfile(const ProgressFn& progress) const {
  const std::string name = Name(options_.alpha);
  Profile profile;
  std::ostringstream source;
  source << name << ": " << options_.probe_samples << " features from the probe stream of seed "
         << options_.seed_base << ", independent of the training draws";
  profile.source = source.str();
  if (progress)
    progress(name + ": frequency probe (n = " + std::to_string(options_.probe_samples) + ")");
  const auto sample = Draw(MixSeed(options_.seed_base, kProbeStream), options_.probe_samples);
  FrequencyProbeResult result;
  std::string error;
  if (!MeasureFrequencyDecayFromLabels(sample, options_.probe, &result, &error)) {
    if (progress) progress(name + ": frequency probe failed: " + error);
    return profile;
  }
  result.FillProfile(&profile);
  return profile;
}

std::string HutterMemorizationTarget::CacheKeyMaterial() const {
  const FrequencyProbeOptions& p = options_.probe;
  std::ostringstream key;
  key.precision(17);
  key << "hutter_memorization;alpha=" << options_.alpha << ";K=" << options_.num_features
      << ";data_sizes=" << JoinForKey(options_.data_sizes) << ";seeds=" << options_.seeds
      << ";seed_base=" << options_.seed_base << ";rng=xoshiro256++/rejection-inversion-zipf"
      << ";probe_n=" << options_.probe_samples << ";probe_csn=" << p.min_tail_types << ","
      << p.max_count_min_candidates << "," << p.tau_lower << "," << p.tau_upper
      << ";probe_rank=" << p.min_rank_count << "," << p.min_ranks
      << ";probe_bootstrap=" << p.bootstrap_resamples << "," << p.seed;
  return key.str();
}

namespace {

TargetRegistry::Factory Factory(double alpha) {
  return [alpha] {
    HutterMemorizationOptions options;
    options.alpha = alpha;
    return std::make_unique<HutterMemorizationTarget>(options);
  };
}

const TargetRegistrar kAlpha05(HutterMemorizationTarget::Name(0.5), Factory(0.5));
const TargetRegistrar kAlpha1(HutterMemorizationTarget::Name(1.0), Factory(1.0));
const TargetRegistrar kAlpha2(HutterMemorizationTarget::Name(2.0), Factory(2.0));

}  // namespace
}  // namespace scalebench
