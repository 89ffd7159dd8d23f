#include "harness/targets/language.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

#include "datasets/tokenizers/char_tokenizer.h"
#include "harness/learners/kneser_ney.h"
#include "harness/targets/language_entropy.h"
#include "harness/targets/rhm_source.h"
#include "harness/targets/text_source.h"

namespace scalebench {
namespace {

constexpr char kKneserNeyLearner[] = "kneser_ney";
constexpr char kNeuralLearner[] = "neural_lm";
constexpr char kLoss[] = "cross_entropy_nats";

std::unique_ptr<const TokenSource> MakeTokenSource(const LanguageTargetOptions& options) {
  if (options.source == TokenSourceKind::kRandomHierarchy) {
    return std::make_unique<RhmSource>(options);
  }
  return std::make_unique<TextSource>(options);
}

// What LoadedCorpus::Prepare hands the runs: the corpus every run of the design reads.
struct CorpusData final : DesignData {
  std::shared_ptr<const TokenCorpus> corpus;
};

}  // namespace

const char* ToString(TokenSourceKind source) {
  switch (source) {
    case TokenSourceKind::kKingJamesBible:
      return "kjv";
    case TokenSourceKind::kTextPath:
      return "text_path";
    case TokenSourceKind::kRandomHierarchy:
      return "rhm";
  }
  return "unknown";
}

const char* ToString(Tokenization tokenization) {
  return tokenization == Tokenization::kBpe ? "bpe" : "character";
}

const char* ToString(LanguageLearner learner) {
  return learner == LanguageLearner::kNeuralLm ? "neural_lm" : "kneser_ney";
}

// The neural learner on the KJV characters (bench/neural_lm_benchmark.cc --curve=tiny: ~4 s for
// P = 1e3..1e5 x 3 seeds on one core). The bench's larger setting (hidden 256, 20000 steps)
// early-stops while its cosine rate is still high and scores worse at 1e4-1e5. The seed is the
// RHM's seed_base, so the committed runs keep their numbers.
NeuralLmOptions NeuralLearnerSetting() {
  NeuralLmOptions o;
  o.context = 8;
  o.embedding_dim = 16;
  o.hidden = 128;
  o.max_steps = 3000;
  o.eval_interval = 100;
  o.patience = 5;
  o.validation_tokens = 8192;
  o.test_tokens = 0;  // the test split is already capped at max_eval_tokens
  o.seed = 20261122;
  return o;
}

// Sizes and orders (docs/language.md has the measurements): characters P = 3e3..1e6 with the
// order capped at 11; BPE P = 3e3..3e5 with the cap at 6; H_n from Kneser-Ney extrapolated in the
// data size, except on BPE where the variable-context neural LM reads it as the paper does.
LanguageTargetOptions LanguageTargetOptions::Kjv(Tokenization tokenization, int bpe_vocab_size) {
  LanguageTargetOptions o;
  o.source = TokenSourceKind::kKingJamesBible;
  o.tokenization = tokenization;
  o.bpe_vocab_size = bpe_vocab_size;
  o.entropy.min_fit_points = 4;
  if (tokenization == Tokenization::kCharacter) {
    o.data_sizes = SizeGrid::Log(3e3, 1e6, 8);
    o.max_context = 10;
    o.entropy.max_context = 10;
    return o;
  }
  o.data_sizes = SizeGrid::Log(3e3, 3e5, 7);
  o.max_context = 5;
  o.correlation.max_vocab = bpe_vocab_size;
  o.entropy.max_context = 8;
  // Kneser-Ney's extrapolation is trusted only up to n = 2 on ~1.2M BPE tokens; the neural LM's
  // H_3 is not converged in P either, so the paper's three-point rule applies. Context 6: its
  // H_n rises again from n = 5; 20000 steps are ~4 epochs.
  o.entropy_learner = LanguageLearner::kNeuralLm;
  o.entropy.three_point_rule = true;
  NeuralLmOptions& n = o.entropy_neural;
  n.variable_context = true;
  n.context = 6;
  n.embedding_dim = 32;
  n.hidden = 256;
  n.batch = 256;
  n.learning_rate = 2e-3;
  n.max_steps = 20000;
  n.warmup_steps = 200;
  n.eval_interval = 500;
  n.patience = 6;
  n.validation_tokens = 8192;
  return o;
}

LanguageTargetOptions LanguageTargetOptions::WithNeuralLm(LanguageTargetOptions options) {
  options.learner = LanguageLearner::kNeuralLm;
  options.data_sizes = SizeGrid::Log(1e3, 1e5, 5);
  return options;
}

// RHM: the probes read sequences, not a stream (rhm_source.h). 4M correlation sequences put the
// noise floor near 1.7e-4 for v = 32, a third of the m = 8 grammar's level-3 correlation; a
// plateau mean at 2x the floor is resolved. Words are tokens: a vocabulary of v, all frequent.
LanguageTargetOptions LanguageTargetOptions::Rhm(int depth, int branching, int vocab, int rules) {
  LanguageTargetOptions o;
  o.source = TokenSourceKind::kRandomHierarchy;
  o.rhm.depth = depth;
  o.rhm.branching = branching;
  o.rhm.vocab = vocab;
  o.rhm.rules = rules;
  const int length = int(std::lround(std::pow(branching, depth)));
  o.data_sizes = SizeGrid::Log(1e4, 1e6, 7);
  o.rhm_probe_tokens = 1000000;
  o.max_context = std::min(8, length - 1);
  // (max_lag and dense_lags are unused by the positional probe; kept within one sequence.)
  o.correlation.max_lag = std::max(4, length - 1);
  o.correlation.dense_lags = std::max(1, length - 1);
  o.correlation.max_vocab = std::max(vocab, 2);
  o.correlation_sequences = 4000000;
  o.correlation.floor_multiple = 2.0;
  o.words.heaps_min_tokens = 10;
  o.words.zipf_min_rank = 1;
  o.words.zipf_max_rank = std::max(3, vocab);
  o.entropy.max_context = std::clamp(length - 1, 4, 8);
  o.entropy.min_fit_points = 4;
  return o;
}

LanguageTarget::LanguageTarget(const LanguageTargetOptions& options)
    : TargetWith(options),
      source_(MakeTokenSource(options)),
      corpus_(source_.get(), options.max_eval_tokens) {}

LanguageTarget::~LanguageTarget() = default;

TargetInfo LanguageTarget::Describe() const {
  TargetInfo info;
  source_->Describe(&info);
  info.summary += options_.learner == LanguageLearner::kNeuralLm
                      ? fmt::format("; neural LM ({}-token context, Adam, early stopping)",
                                    options_.neural.context)
                      : fmt::format("; Kneser-Ney n-gram (order <= {}, chosen on validation)",
                                    options_.max_context + 1);
  info.summary += ", test cross-entropy vs training tokens";
  info.version = 2;
  return info;
}

std::vector<AxisDesign> LanguageTarget::Designs() const {
  AxisDesign data;
  data.axis = Axis::kData;
  data.learner.kind = kKneserNeyLearner;
  data.learner.loss = kLoss;
  if (options_.learner == LanguageLearner::kNeuralLm) {
    data.learner.kind = kNeuralLearner;
    data.learner.optimizer = "adam";
    data.learner.learning_rate = options_.neural.learning_rate;
    data.learner.batch_size = options_.neural.batch;
    data.learner.steps = options_.neural.max_steps;
  }
  data.sizes = options_.data_sizes;
  data.seeds = options_.seeds;
  data.unit = RunUnit::kSizeAndSeed;  // every (P, seed) fits a model of its own
  data.zero_offset = false;           // the loss tends to the entropy rate, not 0
  return {data};
}

LoadedCorpus::LoadedCorpus(const TokenSource* source,
                           std::size_t max_eval_tokens,
                           std::string load_hint)
    : source_(source), max_eval_tokens_(max_eval_tokens), load_hint_(std::move(load_hint)) {}

bool LoadedCorpus::Get(std::shared_ptr<const TokenCorpus>* corpus, std::string* error) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (corpus_ == nullptr) {
    auto loaded = std::make_shared<TokenCorpus>();
    if (!source_->Load(loaded.get(), error)) {
      *error += load_hint_;
      return false;
    }
    if (loaded->validation.size() < 1000 || loaded->test.size() < 1000) {
      *error = fmt::format(
          "the validation ({}) and test ({}) splits need at least 1000 tokens each (a larger "
          "corpus, or a smaller split.chunk_bytes)",
          loaded->validation.size(),
          loaded->test.size());
      return false;
    }
    for (std::vector<int>* split : {&loaded->validation, &loaded->test}) {
      if (split->size() > max_eval_tokens_) split->resize(max_eval_tokens_);
    }
    corpus_ = std::move(loaded);
  }
  *corpus = corpus_;
  return true;
}

bool LoadedCorpus::Prepare(const RunContext& context,
                           std::unique_ptr<const DesignData>* data,
                           std::string* error) const {
  context.Progress("loading the corpus");
  auto prepared = std::make_unique<CorpusData>();
  if (!Get(&prepared->corpus, error)) return false;
  *data = std::move(prepared);
  return true;
}

const TokenCorpus& LoadedCorpus::Of(const DesignData* data) {
  return *static_cast<const CorpusData*>(data)->corpus;
}

bool LanguageTarget::Corpus(std::shared_ptr<const TokenCorpus>* corpus, std::string* error) const {
  return corpus_.Get(corpus, error);
}

bool LanguageTarget::Prepare(const AxisDesign&,
                             const RunContext& context,
                             std::unique_ptr<const DesignData>* data,
                             std::string* error) const {
  return corpus_.Prepare(context, data, error);
}

RunResult LanguageTarget::Run(const AxisDesign&,
                              const RunPoint& point,
                              const DesignData* data,
                              const RunContext&) const {
  const TokenCorpus& corpus = LoadedCorpus::Of(data);
  const std::size_t size = std::size_t(point.sizes[0]);
  std::vector<int> window;
  std::string skip;
  if (!source_->TrainingTokens(corpus, size, point.seed, &window, &skip)) {
    return RunResult::Skipped(skip);
  }
  return options_.learner == LanguageLearner::kNeuralLm ? TrainNeural(corpus, window, point.seed)
                                                        : TrainKneserNey(corpus, window);
}

RunResult LanguageTarget::TrainKneserNey(const TokenCorpus& corpus,
                                         const std::vector<int>& window) const {
  KneserNeyFit fit;
  std::string error;
  if (!FitKneserNey(window,
                    corpus.validation,
                    corpus.test,
                    corpus.vocab_size,
                    options_.max_context,
                    &fit,
                    &error)) {
    return RunResult::Failed("Kneser-Ney fit: " + error);
  }
  return RunResult::Ok(
      {fit.test_loss},
      {{"ngram_order",
        "n-gram order (context + 1) with the least validation loss, per size and seed",
        {double(fit.context_length + 1)},
        true},
       {"validation_loss",
        "validation cross-entropy (nats/token) of the chosen order",
        {fit.validation_loss},
        false}});
}

RunResult LanguageTarget::TrainNeural(const TokenCorpus& corpus,
                                      const std::vector<int>& window,
                                      std::uint64_t seed) const {
  NeuralLmOptions neural = options_.neural;
  neural.vocab_size = corpus.vocab_size;
  neural.seed = MixSeed(options_.neural.seed, seed);
  const std::size_t context = std::size_t(neural.context);
  if (window.size() <= context || corpus.validation.size() <= context ||
      corpus.test.size() <= context) {
    return RunResult::Failed(fmt::format(
        "the neural LM needs more than its context of {} tokens in the training window ({}), the "
        "validation ({}) and the test split ({})",
        context,
        window.size(),
        corpus.validation.size(),
        corpus.test.size()));
  }
  NeuralLmFit fit;
  TrainNeuralLm(window, long(window.size()), corpus.validation, corpus.test, neural, &fit);
  return RunResult::Ok(
      {fit.test_loss},
      {{"best_step",
        "Adam step with the least validation loss (early stopping), per size and seed",
        {double(fit.best_step)},
        true},
       {"validation_loss",
        "validation cross-entropy (nats/token) at the best step",
        {fit.validation_loss},
        false}});
}

// The shared probe steps; the source decides what each one reads and how gamma is obtained.
ProfileResult LanguageTarget::MeasureProfile(const RunContext& context) const {
  context.Progress("loading the corpus");
  std::shared_ptr<const TokenCorpus> corpus;
  std::string error;
  if (!Corpus(&corpus, &error)) return ProfileResult::Failed("cannot load the corpus: " + error);
  Profile profile;
  std::string notes = name() + ": " + corpus->description +
                      "; probes on the training split only (entropy held out on the validation "
                      "split)";

  context.Progress("correlation probe");
  CorrelationDecayResult correlation;
  std::string note;
  if (source_->Correlation(*corpus, &correlation, &note, &error)) {
    profile.Set(Property::kCorrelationDecay, correlation.correlation_decay);
  } else {
    notes += "; correlation probe failed: " + error;
  }
  notes += note;

  context.Progress("word statistics");
  note.clear();
  const std::vector<int> words = source_->Words(*corpus, &note);
  WordStatisticsResult statistics;
  if (MeasureWordStatistics(words, options_.words, &statistics, &error)) {
    statistics.FillProfile(&profile);
    notes += note;
    if (!statistics.heaps_left_out.empty())
      notes += "; heaps_exponent left out: " + statistics.heaps_left_out;
    if (!statistics.zipf_left_out.empty())
      notes += "; frequency_decay left out: " + statistics.zipf_left_out;
  } else {
    notes += "; word statistics failed: " + error;
  }

  context.Progress(
      fmt::format("conditional-entropy probe (Kneser-Ney, n <= {})", options_.entropy.max_context));
  EntropyOutcome kneser_ney;
  kneser_ney.ok = KneserNeyEntropy(corpus->train,
                                   corpus->validation,
                                   corpus->vocab_size,
                                   options_.entropy,
                                   &kneser_ney.result,
                                   &kneser_ney.error);
  source_->ConditionalEntropy(*corpus, kneser_ney, context, &profile, &notes);
  profile.source = std::move(notes);
  return ProfileResult::Ok(std::move(profile));
}

std::optional<Profile> LanguageTarget::OracleProfile() const {
  return source_->Oracle(name());
}

bool RegisterUserCorpusTarget(const std::string& path, std::string* name, std::string* error) {
  TextCorpus text;
  std::string message;
  if (!ReadTextCorpus(path, &text, &message)) {
    *error = "--corpus " + path + ": " + message;
    return false;
  }
  const std::size_t characters = DecodeUtf8(text.text).size();
  if (characters < 20000) {
    *error = fmt::format(
        "--corpus {}: {} characters; need at least 20000 for a learning curve over training "
        "windows",
        path,
        characters);
    return false;
  }
  LanguageTargetOptions o;
  o.source = TokenSourceKind::kTextPath;
  o.path = std::filesystem::absolute(path).lexically_normal().string();
  o.path_stamp = CorpusPathStamp(o.path);
  // Largest P: half the training split, so that the seeds' windows differ; down to 1000 tokens
  // (3.3 decades on 4 MB). 16 seeds, of which seeds 4..16 are skipped where their window would
  // overlap a lower seed's (WindowOverlapsLowerSeed): on a 4 MB text, 16 disjoint windows up to
  // ~1/30 of the split, 3 overlapping ones at the top. Both the range and the seeds are needed
  // for an identifiable exponent there (docs/fitting.md, "User corpora").
  const double largest = std::floor(0.5 * o.split.train_fraction * double(characters));
  o.data_sizes = SizeGrid::Log(1000.0, largest, 12);
  o.seeds = 16;
  o.max_context = 10;
  // Chunks of ~1/200 of the text (1 KB to 64 KB) so that a small corpus still deals some to the
  // validation and test splits.
  o.split.chunk_bytes = std::clamp<std::size_t>(text.text.size() / 200, 1024, 1 << 16);
  std::string stem = std::filesystem::path(o.path).filename().string();
  for (char& ch : stem) {
    const auto c = static_cast<unsigned char>(ch);
    ch = std::isalnum(c) ? char(std::tolower(c)) : '_';
  }
  const std::string variant = "user_" + (stem.empty() ? std::string("corpus") : stem);
  *name = "language/" + variant;
  if (!ValidateFields(o, &message)) {
    *error = "--corpus " + path + ": " + message;
    return false;
  }
  if (TargetRegistry::Global().Find(*name) != nullptr) {
    *error = "--corpus " + path + ": a target named " + *name + " is already registered";
    return false;
  }
  TargetFamily<LanguageTarget>::Create("language")
      ->Variant(variant, {}, [o](LanguageTargetOptions& options) { options = o; });
  return true;
}

// The variant table.
SCALEBENCH_REGISTER_TARGET(LanguageTarget, "language")
    ->Variant("kjv_char", {"default", "full"}, [](auto& o) {
      o = LanguageTargetOptions::Kjv(Tokenization::kCharacter);
    }) -> Variant("kjv_bpe1024", {"full"}, [](auto& o) {
      o = LanguageTargetOptions::Kjv(Tokenization::kBpe, 1024);
    }) -> Variant("kjv_bpe2048", {"full"}, [](auto& o) {
      o = LanguageTargetOptions::Kjv(Tokenization::kBpe, 2048);
    }) -> Variant("rhm_L3_s2_v32_m8", {"full"}, [](auto& o) {
      o = LanguageTargetOptions::Rhm(3, 2, 32, 8);
    }) -> Variant("rhm_L4_s2_v16_m4", {"full"}, [](auto& o) {
      o = LanguageTargetOptions::Rhm(4, 2, 16, 4);
    }) -> Variant("kjv_char_nlm", {"full"}, [](auto& o) {
      o = LanguageTargetOptions::WithNeuralLm(LanguageTargetOptions::Kjv(Tokenization::kCharacter));
    }) -> Variant("kjv_bpe1024_nlm", {"full"}, [](auto& o) {
      o = LanguageTargetOptions::WithNeuralLm(LanguageTargetOptions::Kjv(Tokenization::kBpe, 1024));
    }) -> Variant("rhm_L3_s2_v32_m8_nlm", {"full"}, [](auto& o) {
      o = LanguageTargetOptions::WithNeuralLm(LanguageTargetOptions::Rhm(3, 2, 32, 8));
    }) -> Variant("rhm_L4_s2_v16_m4_nlm", {"full"}, [](auto& o) {
      o = LanguageTargetOptions::WithNeuralLm(LanguageTargetOptions::Rhm(4, 2, 16, 4));
    });

}  // namespace scalebench
