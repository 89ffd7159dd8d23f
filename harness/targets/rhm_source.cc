#include "harness/targets/rhm_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "datasets/probes/rhm_entropy.h"

namespace scalebench {
namespace {

// Stream tags (the training seeds use 1..S directly).
constexpr std::uint64_t kValidationStream = 1001;
constexpr std::uint64_t kTestStream = 1002;
constexpr std::uint64_t kProbeStream = 1003;
constexpr std::uint64_t kCorrelationStream = 1004;
constexpr std::uint64_t kEntropyStream = 1005;

// The grammar's exact sigma(t) and the beta probe's plateau fit through it (rhm_entropy.h).
struct ExactBeta {
  std::vector<double> sigma, plateaus;
  double beta = 0.0;
};

bool ComputeExactBeta(const RandomHierarchyOptions& options, ExactBeta* exact, std::string* error) {
  RandomHierarchy rhm;
  if (!RandomHierarchy::Create(options, &rhm, error)) return false;
  exact->sigma = ExactPositionalCorrelation(rhm);
  exact->beta = PlateauDecay(exact->sigma, options.branching, &exact->plateaus);
  return true;
}

// gamma from the exact positional conditional entropy H_t (rhm_entropy.h), on the profile's
// stream of sequences; false with the reason it failed.
bool ComputeExactGamma(const LanguageTargetOptions& options,
                       RhmEntropyResult* result,
                       std::string* error) {
  RhmEntropyOptions probe;
  probe.samples = options.rhm_entropy_samples;
  probe.jackknife_blocks = options.entropy.jackknife_blocks;
  probe.seed = MixSeed(options.seed_base, kEntropyStream);
  probe.fit = options.entropy;
  RandomHierarchy rhm;
  return RandomHierarchy::Create(options.rhm, &rhm, error) &&
         MeasureRhmConditionalEntropy(rhm, probe, result, error);
}

double LogRatio(const RandomHierarchyOptions& r) {
  return std::log(double(r.rules)) / std::log(double(r.branching));
}

}  // namespace

void RhmSource::Describe(TargetInfo* info) const {
  const RandomHierarchyOptions& r = options_.rhm;
  info->summary = fmt::format("Random Hierarchy Model (L = {}, s = {}, v = {}, m = {})",
                              r.depth,
                              r.branching,
                              r.vocab,
                              r.rules);
  // The solvable grammar of Cagnetta & Wyart, on which the correlation theory's horizon argument
  // was first derived.
  info->realism = Realism::kToy;
  info->dataset_family = "random_hierarchy";
  info->home_theories = {"corpus/cagnetta_correlations"};
}

bool RhmSource::Load(TokenCorpus* corpus, std::string* error) const {
  RandomHierarchy rhm;
  if (!RandomHierarchy::Create(options_.rhm, &rhm, error)) return false;
  const std::size_t length = std::size_t(rhm.sequence_length());
  auto sequences = [&](double tokens) { return std::size_t(std::ceil(tokens / double(length))); };
  const double eval = double(std::min<std::size_t>(options_.max_eval_tokens, 200000));
  corpus->train = rhm.SampleStream(MixSeed(options_.seed_base, kProbeStream),
                                   sequences(double(options_.rhm_probe_tokens)));
  corpus->validation =
      rhm.SampleStream(MixSeed(options_.seed_base, kValidationStream), sequences(eval));
  corpus->test = rhm.SampleStream(MixSeed(options_.seed_base, kTestStream), sequences(eval));
  corpus->vocab_size = options_.rhm.vocab;
  corpus->description = fmt::format(
      "RHM grammar seed {}, sequences of {} tokens; probe stream of {} tokens, entropy rate {:.5g} "
      "nats/token (exact)",
      options_.rhm.seed,
      length,
      corpus->train.size(),
      rhm.SequenceEntropyNats() / double(length));
  return true;
}

bool RhmSource::TrainingTokens(const TokenCorpus&,
                               std::size_t size,
                               std::uint64_t seed,
                               std::vector<int>* tokens,
                               std::string*) const {
  RandomHierarchy rhm;
  std::string error;
  // The options were validated, so the grammar exists.
  RandomHierarchy::Create(options_.rhm, &rhm, &error);
  const std::size_t length = std::size_t(rhm.sequence_length());
  *tokens = rhm.SampleStream(MixSeed(options_.seed_base, seed), (size + length - 1) / length);
  tokens->resize(size);
  return true;
}

// The correlations at fixed positions within a sequence, not the stationary ones of the
// concatenated stream, which mix the sequence's phases (token_statistics.h).
bool RhmSource::Correlation(const TokenCorpus& corpus,
                            CorrelationDecayResult* result,
                            std::string* note,
                            std::string* error) const {
  ExactBeta exact;
  std::string exact_error;
  if (ComputeExactBeta(options_.rhm, &exact, &exact_error)) {
    *note = fmt::format("; beta check: exact sigma(t) x 1e3 of the grammar, t = 1..{}:",
                        exact.sigma.size());
    for (double x : exact.sigma) *note += fmt::format(" {:.4g}", x * 1e3);
    *note += "; plateau means x 1e3:";
    for (double x : exact.plateaus) *note += fmt::format(" {:.4g}", x * 1e3);
    *note += fmt::format("; the probe's plateau fit on them reads {:.4g} (ln m / ln s = {:.4g})",
                         exact.beta,
                         LogRatio(options_.rhm));
  } else {
    *note = "; exact sigma(t): " + exact_error;
  }
  RandomHierarchy rhm;
  return RandomHierarchy::Create(options_.rhm, &rhm, error) &&
         MeasurePositionalCorrelationDecay(
             rhm.SampleStream(MixSeed(options_.seed_base, kCorrelationStream),
                              options_.correlation_sequences),
             corpus.vocab_size,
             rhm.sequence_length(),
             options_.rhm.branching,
             options_.correlation,
             result,
             error);
}

std::vector<int> RhmSource::Words(const TokenCorpus& corpus, std::string* note) const {
  *note = "; words = RHM tokens";
  return corpus.train;
}

void RhmSource::ConditionalEntropy(const TokenCorpus&,
                                   const EntropyOutcome& kneser_ney,
                                   const RunContext& context,
                                   Profile* profile,
                                   std::string* notes) const {
  // The stream n-gram H_n mixes the sequence's phases and straddles sequence boundaries, and it
  // does not converge on these corpora; the exact positional H_t replaces it.
  *notes += "; stream Kneser-Ney gamma (not used): " + kneser_ney.Summary();
  context.Progress(fmt::format("exact positional conditional entropy ({} sequences)",
                               options_.rhm_entropy_samples));
  RhmEntropyResult result;
  std::string error;
  if (!ComputeExactGamma(options_, &result, &error)) {
    *notes += "; conditional_entropy_decay left out: exact positional probe failed: " + error;
  } else if (result.gamma_at_grid_edge) {
    *notes += fmt::format(
        "; conditional_entropy_decay left out: exact positional gamma = {:.3g} at the edge of its "
        "fit grid: {}",
        result.conditional_entropy_decay.value,
        result.conditional_entropy_decay.method);
  } else {
    result.FillProfile(profile);
  }
}

std::optional<Profile> RhmSource::Oracle(const std::string& name) const {
  Profile profile;
  profile.source = name + ": oracle, from the grammar (seed " + std::to_string(options_.rhm.seed) +
                   ") by exact inference";
  ExactBeta exact;
  std::string error;
  if (ComputeExactBeta(options_.rhm, &exact, &error) && std::isfinite(exact.beta)) {
    profile.Set(Property::kCorrelationDecay,
                {exact.beta,
                 0.0,
                 fmt::format("oracle: the positional beta probe's plateau fit on the grammar's "
                             "exact sigma(t), t = 1..{} (ln m / ln s = {:.4g})",
                             exact.sigma.size(),
                             LogRatio(options_.rhm))});
  } else {
    profile.source += "; correlation_decay left out: exact sigma(t): " + error;
  }
  // H_t is exact per sequence and averaged over the profile's sequences, so the oracle gamma is
  // the profile's own: on the RHM the conditional-entropy probe is the oracle.
  RhmEntropyResult result;
  if (ComputeExactGamma(options_, &result, &error) && !result.gamma_at_grid_edge) {
    profile.Set(Property::kConditionalEntropyDecay,
                {result.conditional_entropy_decay.value,
                 0.0,
                 "oracle: " + result.conditional_entropy_decay.method});
  } else {
    profile.source += "; conditional_entropy_decay left out: " +
                      (error.empty() ? std::string("gamma at the edge of its fit grid") : error);
  }
  return profile;
}

}  // namespace scalebench
