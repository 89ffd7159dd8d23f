#include "harness/targets/santa_fe.h"

#include <cmath>
#include <sstream>
#include <unordered_map>

#include "common/format.h"
#include "harness/learners/good_turing_memorizer.h"

namespace scalebench {
namespace {

using internal::Fixed;

// Stream tags: the facts, the training seeds and the probe never share random numbers.
constexpr std::uint64_t kDataStream = 1;
constexpr std::uint64_t kFactsStream = 2;
constexpr std::uint64_t kProbeStream = 3;

constexpr char kLearner[] = "good_turing_memorizer";
constexpr char kLoss[] = "excess_cross_entropy_nats";

}  // namespace

SantaFeTarget::SantaFeTarget(const SantaFeOptions& options)
    : TargetWith(options),
      process_(options.zipf_exponent, options.support, MixSeed(options.seed_base, kFactsStream)) {}

TargetInfo SantaFeTarget::Describe() const {
  const double z = options_.zipf_exponent;
  TargetInfo info;
  std::ostringstream summary;
  summary << "Santa Fe process: words (k, Z_k), k ~ Zipf z = " << z << " (Heaps and Hilberg "
          << "exponents 1/z = " << Fixed(1.0 / z) << ", K = " << double(options_.support)
          << "); Good-Turing unigram memorising the facts, exact excess cross-entropy, data axis";
  info.summary = summary.str();
  info.realism = Realism::kExact;
  info.dataset_family = "santa_fe";
  info.home_theories = {"corpus/debowski_hilberg"};
  info.exact_exponents = {{Axis::kData, 1.0 - 1.0 / z}};
  info.version = 1;
  return info;
}

std::vector<AxisDesign> SantaFeTarget::Designs() const {
  AxisDesign data;
  data.axis = Axis::kData;
  data.learner.kind = kLearner;
  data.learner.loss = kLoss;
  data.learner.features = kInfinite;  // unbounded memory: every fact read is stored
  data.sizes = options_.data_sizes;
  data.seeds = options_.seeds;
  data.unit = RunUnit::kSeed;   // one stream per seed, read at every n of the grid
  data.single_threaded = true;  // a sequential count, nothing to parallelise
  data.zero_offset = true;      // the excess over the entropy rate tends to 0
  return {data};
}

RunResult SantaFeTarget::Run(const AxisDesign&,
                             const RunPoint& point,
                             const DesignData*,
                             const RunContext&) const {
  Xoshiro256pp rng(MixSeed(MixSeed(options_.seed_base, kDataStream), point.seed));
  GoodTuringMemorizer learner(options_.base_exponent, options_.support);
  std::vector<double> losses;
  RunDiagnostic types{"types", "distinct words (facts) read, V(n)", {}};
  RunDiagnostic missing{"missing_mass", "probability of an unread fact, M_n", {}};
  RunDiagnostic word_law{"word_law_excess", "KL(p || q_n) of the index law, nats per word", {}};
  RunDiagnostic facts{"fact_excess", "ln 2 M_n: the unread facts' bits, nats per word", {}};
  RunDiagnostic escape{
      "escape", "the learner's Good-Turing missing-mass estimate (N1 + 1)/(n + 2)", {}, false};
  for (std::int64_t n : point.sizes) {
    while (learner.tokens() < n) learner.Observe(process_.Sample(rng));
    const GoodTuringMemorizer::Excess excess = learner.ExpectedExcess(process_);
    if (!std::isfinite(excess.total()) || !(excess.total() >= 0.0)) {
      return RunResult::Failed("good_turing_memorizer: excess cross-entropy " +
                               std::to_string(excess.total()) + " at n = " + std::to_string(n) +
                               " (must be finite and >= 0)");
    }
    losses.push_back(excess.total());
    types.values.push_back(double(learner.types()));
    missing.values.push_back(excess.missing_mass);
    word_law.values.push_back(excess.word_law);
    facts.values.push_back(excess.facts);
    escape.values.push_back(learner.Escape());
  }
  return RunResult::Ok(std::move(losses), {types, missing, word_law, facts, escape});
}

ProfileResult SantaFeTarget::MeasureProfile(const RunContext& context) const {
  Profile profile;
  context.Progress(
      "word statistics and frequency probe (n = " + std::to_string(options_.probe_samples) + ")");
  const std::vector<SantaFeWord> sample =
      process_.Draw(MixSeed(options_.seed_base, kProbeStream), options_.probe_samples);
  // Word ids in order of first appearance: a word is (k, Z_k), so one id per index.
  std::unordered_map<std::int64_t, int> ids;
  std::vector<int> word_ids;
  std::vector<std::int64_t> indices;
  word_ids.reserve(sample.size());
  indices.reserve(sample.size());
  for (const SantaFeWord& word : sample) {
    word_ids.push_back(ids.emplace(word.index, int(ids.size())).first->second);
    indices.push_back(word.index);
  }
  std::string error;
  WordStatisticsResult words;
  if (!MeasureWordStatistics(word_ids, options_.words, &words, &error))
    return ProfileResult::Failed("word statistics: " + error);
  FrequencyProbeResult frequency;
  if (!MeasureFrequencyDecayFromLabels(indices, options_.frequency, &frequency, &error))
    return ProfileResult::Failed("frequency probe: " + error);
  std::ostringstream source;
  source << name() << ": " << options_.probe_samples << " words from the probe stream of seed "
         << options_.seed_base
         << ", independent of the training draws; heaps_exponent from the word-statistics probe, "
            "frequency_decay from the frequency probe (rank MLE)";
  if (words.heaps_left_out.empty()) {
    profile.Set(Property::kHeapsExponent, words.heaps_exponent);
  } else {
    source << "; heaps_exponent left out: " << words.heaps_left_out;
  }
  frequency.FillProfile(&profile);
  profile.source = source.str();
  return ProfileResult::Ok(std::move(profile));
}

std::optional<Profile> SantaFeTarget::OracleProfile() const {
  const double z = options_.zipf_exponent;
  Profile profile;
  profile.source = name() + ": oracle, the generating Zipf law p_k ~ k^-z and its Heaps law";
  profile.Set(Property::kHeapsExponent,
              {1.0 / z, 0.0, "oracle: E[V(n)] ~ Gamma(1 - 1/z) (n / H_K(z))^(1/z), h = 1/z"});
  profile.Set(Property::kFrequencyDecay, {z, 0.0, "oracle: the generating exponent z"});
  return profile;
}

SCALEBENCH_REGISTER_TARGET(SantaFeTarget, "santa_fe")
    ->Variant("z1.5", {"default", "full"}, [](auto& o) { o.zipf_exponent = 1.5; })
        -> Variant("z2.0", {"default", "full"}, [](auto& o) { o.zipf_exponent = 2.0; })
            -> Variant("z3.0", {"full"}, [](auto& o) { o.zipf_exponent = 3.0; });

}  // namespace scalebench
