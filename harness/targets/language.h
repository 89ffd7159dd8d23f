// The language targets "language/<variant>": a token stream, a learner trained on P tokens of it
// (data axis; loss: the test cross-entropy in nats/token), and the corpus probes. Where the tokens
// come from is a TokenSource's business, the one place that knows it: text_source.h (the King
// James Bible or a user's UTF-8 corpus, in characters or SentencePiece BPE tokens) or
// rhm_source.h (the Random Hierarchy Model of Cagnetta & Wyart 2024, whose known grammar gives
// exact probes and an oracle profile). The learner is the interpolated modified Kneser-Ney n-gram
// model (harness/learners/kneser_ney.h; per run the order with the least validation loss) or, in
// the `_nlm` variants, the neural LM (harness/learners/neural_lm.h). Each (P, seed) is one run:
// text seeds train on contiguous windows of the training split, RHM seeds on streams of their
// own. The profile comes from the training split only: correlation decay beta, Heaps and Zipf
// exponents, conditional-entropy decay gamma; what a probe cannot measure is left out with its
// reason in Profile::source. docs/language.md gives the probes in detail and the measurements
// behind the settings.
//
// Variants (language.cc): kjv_char (default, full suites); kjv_bpe1024, kjv_bpe2048,
// rhm_L3_s2_v32_m8, rhm_L4_s2_v16_m4 and the _nlm variants of kjv_char, kjv_bpe1024 and the RHMs
// (full); at run time RegisterUserCorpusTarget(path) adds language/user_<name> (`run --corpus`).
//
// Usage (tests):
//   LanguageTarget target(LanguageTargetOptions::Rhm(3, 2, 8, 2));
//   LearningCurve curve = testing::TrainCurve(target, target.Designs()[0]);
//   ProfileResult profile = target.MeasureProfile(RunContext());
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "datasets/generators/random_hierarchy.h"
#include "datasets/probes/conditional_entropy.h"
#include "datasets/probes/token_statistics.h"
#include "datasets/readers/text_corpus.h"
#include "harness/learners/neural_lm.h"
#include "harness/targets/language_entropy.h"
#include "harness/targets/target.h"

namespace scalebench {

enum class TokenSourceKind { kKingJamesBible, kTextPath, kRandomHierarchy };
enum class Tokenization { kCharacter, kBpe };
// The learner trained at each size, and the model family the text targets read H_n from.
enum class LanguageLearner { kKneserNey, kNeuralLm };
const char* ToString(TokenSourceKind source);  // "kjv", "text_path", "rhm"
const char* ToString(Tokenization tokenization);
const char* ToString(LanguageLearner learner);

// The neural learner's settings of the `_nlm` variants (also the `neural` default).
NeuralLmOptions NeuralLearnerSetting();

struct LanguageTargetOptions {
  // The token stream (every run and the profile).
  TokenSourceKind source = TokenSourceKind::kKingJamesBible;
  std::string path;        // kTextPath: a UTF-8 file or a folder of them
  std::string path_stamp;  // kTextPath: its files' sizes and times (CorpusPathStamp)
  Tokenization tokenization = Tokenization::kCharacter;  // text sources
  int bpe_vocab_size = 2048;
  RandomHierarchyOptions rhm;  // kRandomHierarchy: the grammar
  CorpusSplitOptions split;    // text sources
  // At most this many validation and test tokens are scored (the first ones of each split).
  std::size_t max_eval_tokens = 100000;
  std::uint64_t seed_base = 20261122;  // the RHM's training, held-out and probe streams
  // The learner.
  LanguageLearner learner = LanguageLearner::kKneserNey;
  int max_context = 8;  // Kneser-Ney: longest n-gram context (order max_context + 1)
  // kNeuralLm: vocab_size comes from the corpus, each run seeds with MixSeed(seed, its seed).
  NeuralLmOptions neural = NeuralLearnerSetting();
  // The runs: training sizes P in tokens and seeds.
  SizeGrid data_sizes = SizeGrid::Log(3e3, 1e6, 8);
  int seeds = 3;
  // The profile.
  std::size_t rhm_probe_tokens = 1000000;  // RHM: the probe stream standing in for a split
  CorrelationDecayOptions correlation;
  // RHM: sequences of the positional correlation probe's own stream.
  std::size_t correlation_sequences = 1000000;
  WordStatisticsOptions words;
  ConditionalEntropyOptions entropy;
  // Text: H_n from this target's Kneser-Ney learner, extrapolated in the data size, or from a
  // variable-context neural LM with entropy_neural's settings (the Kneser-Ney estimate then
  // still runs as a cross-check).
  LanguageLearner entropy_learner = LanguageLearner::kKneserNey;
  NeuralLmOptions entropy_neural;
  // RHM: sequences averaged by the exact positional conditional-entropy probe.
  std::size_t rhm_entropy_samples = 100000;

  template <typename Fields>
  void Visit(Fields& f) {
    f.Both("source", source);
    f.Both("path", path)
        .Check(source != TokenSourceKind::kTextPath || !path.empty(),
               "a file or folder for source text_path");
    f.Both("path_stamp", path_stamp);
    f.Both("tokenization", tokenization);
    f.Both("bpe_vocab_size", bpe_vocab_size).AtLeast(8).AtMost(65536);
    f.Both("rhm", rhm);
    f.Both("split", split);
    f.Both("max_eval_tokens", max_eval_tokens).AtLeast(1000);
    f.Both("seed_base", seed_base);
    f.Curve("learner", learner);
    f.Curve("max_context", max_context).AtLeast(0).AtMost(32);
    f.Curve("neural", neural);
    f.Design("data_sizes", data_sizes);
    f.Design("seeds", seeds).AtLeast(1);
    f.Profile("rhm_probe_tokens", rhm_probe_tokens).AtLeast(1000);
    f.Profile("correlation", correlation);
    f.Profile("correlation_sequences", correlation_sequences).AtLeast(1000);
    f.Profile("words", words);
    f.Profile("entropy", entropy);
    f.Profile("entropy_learner", entropy_learner)
        .Check(entropy_learner == LanguageLearner::kKneserNey || entropy_neural.variable_context,
               "kneser_ney unless entropy_neural.variable_context is set");
    f.Profile("entropy_neural", entropy_neural);
    f.Profile("rhm_entropy_samples", rhm_entropy_samples).AtLeast(1000);
  }

  // The registered variants' settings (language.cc says why).
  static LanguageTargetOptions Kjv(Tokenization tokenization, int bpe_vocab_size = 2048);
  static LanguageTargetOptions Rhm(int depth, int branching, int vocab, int rules);
  // The same corpus and windows with the neural learner.
  static LanguageTargetOptions WithNeuralLm(LanguageTargetOptions options);
};

// The token streams a target works on.
struct TokenCorpus {
  std::vector<int> train, validation, test;  // validation/test capped at max_eval_tokens
  std::string train_text;                    // text sources: for the word statistics
  int vocab_size = 0;
  std::string description;  // what was read and how it was tokenised
};

// Where a language target's tokens come from: everything that differs between text and the RHM.
// Notes for Profile::source start with "; ".
class TokenSource {
 public:
  virtual ~TokenSource() = default;
  // The summary's source part ("King James Bible, characters"), realism, family, home theories.
  virtual void Describe(TargetInfo* info) const = 0;
  // The streams, uncapped; false with *error naming the file or cause.
  virtual bool Load(TokenCorpus* corpus, std::string* error) const = 0;
  // The `size` training tokens of run `seed`; false with *skip when the source has too few.
  virtual bool TrainingTokens(const TokenCorpus& corpus,
                              std::size_t size,
                              std::uint64_t seed,
                              std::vector<int>* tokens,
                              std::string* skip) const = 0;
  // beta; *note (appended after the outcome) may carry a check of it.
  virtual bool Correlation(const TokenCorpus& corpus,
                           CorrelationDecayResult* result,
                           std::string* note,
                           std::string* error) const = 0;
  // The word ids for Heaps and Zipf; *note says what a word is when it is not obvious.
  virtual std::vector<int> Words(const TokenCorpus& corpus, std::string* note) const = 0;
  // gamma into *profile, or why not into *notes, given the Kneser-Ney outcome on the stream.
  virtual void ConditionalEntropy(const TokenCorpus& corpus,
                                  const EntropyOutcome& kneser_ney,
                                  const RunContext& context,
                                  Profile* profile,
                                  std::string* notes) const = 0;
  // The profile from the generating parameters (see Target::OracleProfile).
  virtual std::optional<Profile> Oracle(const std::string& name) const { return std::nullopt; }
};

// A token source's corpus, loaded on first use and kept while its target lives, so that the
// profile and every run read one copy; a failed load is not kept (the next call retries). The
// language and transformer targets each hold one.
class LoadedCorpus {
 public:
  // `source` must outlive this; `load_hint` is appended to the source's load error (where to get
  // the corpus).
  LoadedCorpus(const TokenSource* source, std::size_t max_eval_tokens, std::string load_hint = "");

  // The corpus with validation and test cut to max_eval_tokens; false with *error when the source
  // cannot load it or either split holds fewer than 1000 tokens.
  bool Get(std::shared_ptr<const TokenCorpus>* corpus, std::string* error) const;
  // Target::Prepare of a target whose runs need only the corpus; Run reads it with Of(data).
  bool Prepare(const RunContext& context,
               std::unique_ptr<const DesignData>* data,
               std::string* error) const;
  static const TokenCorpus& Of(const DesignData* data);

 private:
  const TokenSource* source_;
  std::size_t max_eval_tokens_;
  std::string load_hint_;
  mutable std::mutex mutex_;
  mutable std::shared_ptr<const TokenCorpus> corpus_;
};

class LanguageTarget final : public TargetWith<LanguageTargetOptions> {
 public:
  // Precondition: options valid (the registry checks).
  explicit LanguageTarget(const LanguageTargetOptions& options);
  ~LanguageTarget() override;

  TargetInfo Describe() const override;
  std::vector<AxisDesign> Designs() const override;
  ProfileResult MeasureProfile(const RunContext& context) const override;
  // Loads the corpus (shared with the profile, kept while the target lives).
  bool Prepare(const AxisDesign& design,
               const RunContext& context,
               std::unique_ptr<const DesignData>* data,
               std::string* error) const override;
  // One size and seed: the source's training tokens, the learner, the test loss.
  RunResult Run(const AxisDesign& design,
                const RunPoint& point,
                const DesignData* data,
                const RunContext& context) const override;
  // RHM: the grammar's exact beta and gamma; text: none.
  std::optional<Profile> OracleProfile() const override;

  // The corpus, loaded on first use and kept (a failure is not kept: the next call retries).
  bool Corpus(std::shared_ptr<const TokenCorpus>* corpus, std::string* error) const;

 private:
  RunResult TrainKneserNey(const TokenCorpus& corpus, const std::vector<int>& window) const;
  RunResult TrainNeural(const TokenCorpus& corpus,
                        const std::vector<int>& window,
                        std::uint64_t seed) const;

  std::unique_ptr<const TokenSource> source_;
  LoadedCorpus corpus_;  // after source_, which it reads
};

// Registers "language/user_<file name>" for the corpus at `path` (a UTF-8 file or folder),
// through the same variant table as the built-in variants and in no suite: character tokens,
// 12 sizes from 1000 characters to half the training split, 16 seeds of which seeds 4..16 train
// only on windows disjoint from the lower seeds' (text_source.h: many independent windows at the
// small sizes, where the text's heterogeneity dominates the noise, 3 at the largest). Why:
// docs/fitting.md ("User corpora"). Reads the corpus once to check it (UTF-8, at least 20,000
// characters). On success *name is the registered target name.
bool RegisterUserCorpusTarget(const std::string& path, std::string* name, std::string* error);

}  // namespace scalebench
