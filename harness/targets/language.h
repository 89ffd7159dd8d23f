// The language targets: a token stream (real text or the Random Hierarchy Model), an
// interpolated modified Kneser-Ney n-gram learner (harness/learners/kneser_ney.h) trained on P
// tokens, and the corpus probes (correlation decay beta, conditional-entropy decay gamma, word
// Zipf and Heaps exponents) on the training split.
//
// Registered targets:
//   language/kjv_char            King James Bible, one token per character ("default" + "full")
//   language/kjv_bpe1024, _bpe2048  the KJV in SentencePiece BPE tokens ("full")
//   language/rhm_L3_s2_v32_m8    RHM of Cagnetta & Wyart 2024 Fig. 1 ("full")
//   language/rhm_L4_s2_v16_m4    RHM of their Fig. 3 ("full")
// and at run time, RegisterUserCorpusTarget(path) for `scalebench run --corpus PATH`.
//
// Data axis only (learner kind "kneser_ney", loss "cross_entropy_nats": the test cross-entropy
// in nats/token). At each size P and seed, the model holds every n-gram of its P training tokens
// up to n = max_context + 1; the order with the least validation cross-entropy is chosen (per P
// and seed), and the curve records that order's test cross-entropy. Diagnostics beside the loss:
// the chosen n-gram order and the validation loss.
//
// Seeds. Text: the corpus is cut once into fixed interleaved train/validation/test splits
// (datasets/readers/text_corpus.h, 90/5/5 in 64 KB chunks); seed j (1..S) trains on the
// contiguous window of P training tokens starting at floor((j - 1) (N_train - P) / S), so the
// windows of one size are spread over the training split (they overlap when S P > N_train), and
// the validation and test tokens are the same for every seed. RHM: the grammar is fixed by the
// target; seed j draws its own stream of independent sequences (a P-token curve uses the first P
// tokens of that stream, so one seed's sizes are nested); validation, test and the probe sample
// are further independent streams.
//
// Profile, from the training split only (never the test split): correlation decay on the
// training tokens, word statistics on the training text (RHM: each token is a word), and the
// conditional-entropy decay from Kneser-Ney models trained on the training tokens and scored on
// the validation tokens (a gamma at the edge of the probe's grid is no measurement: left out, with
// the reason in Profile::source). For RHM the probes read a probe stream of max(P) tokens
// independent of the training seeds (the correlation probe: its own stream of
// correlation_sequences sequences), and each RHM token counts as a word.
//
// The probes, in detail:
//   - beta: text, the stationary lag-n correlation of the training tokens; RHM, the positional
//     correlation between the last token of a sequence and the token t before it
//     (MeasurePositionalCorrelationDecay, datasets/probes/token_statistics.h: the statistic of
//     Cagnetta & Wyart 2024; the stationary one mixes the sequence's phases);
//   - gamma: text, H_n = the held-out (validation) cross-entropy by context length n of a model
//     trained on the training split (harness/targets/language_entropy.h), by entropy_learner:
//     characters (and --corpus), this target's own Kneser-Ney learner, n = 0..entropy.max_context,
//     trained on the full split and on partitions into 2, 4, 8 parts, extrapolated per n to
//     infinite data (H_n(D) = H_n^inf + B_n D^-c_n) and fitted H_inf + A n^-gamma over the n
//     where that extrapolation is trustworthy (FitConditionalEntropyCurve in
//     datasets/probes/conditional_entropy.h), at least entropy.min_fit_points of them, else left
//     out; BPE, a variable-context neural LM (the paper's estimator: one model's loss at each
//     context length), fitted over the n whose loss has converged in P (half-data rule) or, as
//     on the KJV where only n = 1, 2 converge, over n = 1..3 by the paper's three-point rule, with
//     the Kneser-Ney outcome kept in the source as a cross-check. RHM, the positional conditional
//     entropy H_t of the last token of a sequence given its t predecessors, computed exactly from
//     the known grammar and averaged over rhm_entropy_samples sequences
//     (MeasureRhmConditionalEntropy, datasets/probes/rhm_entropy.h: the counterpart of the
//     positional beta, one point per plateau); the stream Kneser-Ney attempt, which does not
//     converge past n = 2 on 1M RHM tokens, is still run and its outcome kept in the source
//     text, as is the exact sigma(t) of the grammar beside the measured beta;
//   - Heaps h and Zipf z: left out when the vocabulary is saturated (the RHM's v types are all
//     seen at once) or too small for a rank fit (token_statistics.h, "Saturation"); the fitted
//     slopes, with their standard errors, are still given in the left-out reason.
// A probe that fails or is left out leaves its property out (the theories that need it then say
// "missing input") and the reason goes into Profile::source.
//
// Usage:
//   LanguageTargetOptions options = LanguageTargetOptions::Kjv(LanguageTargetOptions::kBpe, 2048);
//   LanguageTarget target(options);
//   Profile profile = target.MeasureProfile(nullptr);
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "datasets/generators/random_hierarchy.h"
#include "datasets/probes/conditional_entropy.h"
#include "datasets/probes/token_statistics.h"
#include "datasets/readers/text_corpus.h"
#include "harness/learners/neural_lm.h"
#include "harness/targets/target.h"

namespace scalebench {

struct LanguageTargetOptions {
  enum Source { kKingJamesBible, kTextPath, kRandomHierarchy };
  enum Tokenization { kCharacter, kBpe };
  // The learner trained at each size: the Kneser-Ney n-gram model, or the neural LM
  // (harness/learners/neural_lm.h, in the `_nlm` targets) on the same corpus and windows.
  enum Learner { kKneserNey, kNeuralLm };

  std::string name;  // "language/<variant>"
  Source source = kKingJamesBible;
  std::string path;  // kTextPath: a UTF-8 file or a folder of them
  Tokenization tokenization = kCharacter;
  int bpe_vocab_size = 2048;
  RandomHierarchyOptions rhm;
  Learner learner = kKneserNey;
  CorpusSplitOptions split;
  // Training sizes P in tokens (increasing integers) and seeds (see the file comment).
  std::vector<double> data_sizes;
  int seeds = 3;
  int max_context = 8;  // longest n-gram context (n-gram order max_context + 1)
  // At most this many validation and test tokens are scored (the first ones of each split).
  std::size_t max_eval_tokens = 100000;
  std::uint64_t seed_base = 20261122;  // RHM streams
  CorrelationDecayOptions correlation;
  // RHM: sequences of the positional correlation probe's own stream. The level-l correlation
  // falls ~m-fold per level: with m = 8, L = 3 the third level (~5e-4) needs a few million
  // sequences to clear the noise floor, so Rhm() asks for 4e6 (cheap to draw and count).
  std::size_t correlation_sequences = 1000000;
  WordStatisticsOptions words;
  ConditionalEntropyOptions entropy;
  // Text: the model family H_n is read from (language_entropy.h). kKneserNey: this target's
  // n-gram learner, extrapolated in the data size (n = 0..entropy.max_context). kNeuralLm: a
  // variable-context neural LM with entropy_neural's settings (n = 0..entropy_neural.context;
  // vocab_size is set from the corpus), converged-in-P window by the half-data rule; the
  // Kneser-Ney estimate then still runs as a cross-check and its outcome goes to the source.
  Learner entropy_learner = kKneserNey;
  NeuralLmOptions entropy_neural;
  // RHM: sequences averaged by the exact positional conditional-entropy probe (rhm_entropy.h;
  // its jackknife blocks and gamma grid are `entropy`'s, its stream derives from seed_base).
  // 1e5 put the Monte-Carlo SE of H_t near 0.002 nats and cost ~7 s for L = 3, v = 32, m = 8.
  // Profile only: in ProbeKeyMaterial, not in CacheKeyMaterial (which also keys the curves).
  std::size_t rhm_entropy_samples = 100000;
  std::vector<std::string> suites = {"full"};
  int version = 2;  // bump when the curves or the profile change

  bool IsValid(std::string* error) const;

  // `count` sizes log-spaced from `from` to `to`, rounded to integers.
  static std::vector<double> LogSizes(double from, double to, int count);
  static LanguageTargetOptions Kjv(Tokenization tokenization, int bpe_vocab_size = 2048);
  static LanguageTargetOptions Rhm(int depth, int branching, int vocab, int rules);
  // The same target with the neural learner: name + "_nlm", full suite only.
  static LanguageTargetOptions WithNeuralLm(LanguageTargetOptions options);
};

class LanguageTarget final : public Target {
 public:
  // Precondition: options.IsValid().
  explicit LanguageTarget(const LanguageTargetOptions& options);

  TargetInfo Describe() const override;
  std::vector<AxisDesign> Designs() const override;
  Profile MeasureProfile(const ProgressFn& progress) const override;
  LearningCurve Train(const AxisDesign& design, const ProgressFn& progress) const override;
  std::string CacheKeyMaterial() const override;
  // The probe revision, the entropy extrapolation's options and the RHM entropy sample size.
  std::string ProbeKeyMaterial() const override;

  // The token streams the target works on (loaded on first use, then kept).
  struct Corpus {
    std::vector<int> train, validation, test;  // validation/test capped at max_eval_tokens
    std::string train_text;                    // text targets: for the word statistics
    int vocab_size = 0;
    std::string description;  // what was read and how it was tokenised
  };
  // Loads the corpus; false with *error (unreadable file, bad UTF-8, failed tokenizer, ...).
  bool Load(const Corpus** corpus, std::string* error) const;

 private:
  bool LoadText(Corpus* corpus, std::string* error) const;
  bool LoadRhm(Corpus* corpus, std::string* error) const;
  std::vector<int> TrainingWindow(const Corpus& corpus,
                                  std::size_t size,
                                  int seed,
                                  const RandomHierarchy* rhm) const;

  LanguageTargetOptions options_;
  mutable std::mutex mutex_;
  mutable std::unique_ptr<Corpus> corpus_;
  mutable std::string load_error_;
};

// Registers "language/user_<file name>" for the corpus at `path` (a UTF-8 file or folder):
// character tokens, sizes spread over two decades or as many as the corpus allows (largest P
// = half the training split), 3 seeds. Reads the corpus once to check it (UTF-8, at least
// 20,000 characters). On success *name is the registered target name.
bool RegisterUserCorpusTarget(const std::string& path, std::string* name, std::string* error);

}  // namespace scalebench
