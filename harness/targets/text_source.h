// The token source of the text targets (harness/targets/language.h): the King James Bible
// (Debian's `bible`) or a user's UTF-8 file or folder, cut once into fixed interleaved
// train/validation/test splits (datasets/readers/text_corpus.h), tokenised into characters or
// SentencePiece BPE tokens trained on the training split. Seed j trains on a contiguous window of
// the training split (WindowStart); every seed is scored on the same validation and test tokens;
// on a user corpus, seeds above the third train only on windows disjoint from the lower seeds'.
// The profile reads the training split: the stationary lag-n correlations of its tokens, the
// words of its text, and H_n from Kneser-Ney or, with entropy_learner = neural_lm, from a
// variable-context neural LM (harness/targets/language_entropy.h).
//
// Usage: language.cc makes one per text target; tests may too.
//   TextSource source(LanguageTargetOptions::Kjv(Tokenization::kCharacter));
//   TokenCorpus corpus;
//   if (!source.Load(&corpus, &error)) ...;
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/targets/language.h"

namespace scalebench {

// Where seed j's window of `size` tokens starts in a training split of `train_size` tokens:
// floor((train_size - size) r(j - 1)), r the base-3 radical inverse (0, 1/3, 2/3, 1/9, 4/9, 7/9,
// 2/9, ...). Three seeds spread their windows evenly over the split; more seeds fill the gaps;
// and no window depends on how many seeds run (a run's key does not hold the seed count).
// Precondition: size <= train_size, seed >= 1.
std::size_t WindowStart(std::size_t train_size, std::size_t size, std::uint64_t seed);

// User corpora (source text_path): seeds 1..kSeedsAtEverySize train at every size (their windows
// overlap when 3P > N_train); a higher seed trains only where its window is disjoint from every
// lower seed's, so that the extra seeds add independent windows where they are cheap (small P)
// and are skipped where they would mostly repeat the text of the first three. A rule of the seed,
// the size and N_train only: a run never depends on how many seeds the design has.
inline constexpr std::uint64_t kSeedsAtEverySize = 3;
// Whether seed `seed`'s window of `size` tokens overlaps the window of a lower seed.
bool WindowOverlapsLowerSeed(std::size_t train_size, std::size_t size, std::uint64_t seed);

// Size and modification time of a file, or of every file in a folder: enough to notice an
// edited corpus in the cache keys without reading it.
std::string CorpusPathStamp(const std::string& path);

class TextSource final : public TokenSource {
 public:
  explicit TextSource(const LanguageTargetOptions& options) : options_(options) {}

  void Describe(TargetInfo* info) const override;
  bool Load(TokenCorpus* corpus, std::string* error) const override;
  bool TrainingTokens(const TokenCorpus& corpus,
                      std::size_t size,
                      std::uint64_t seed,
                      std::vector<int>* tokens,
                      std::string* skip) const override;
  bool Correlation(const TokenCorpus& corpus,
                   CorrelationDecayResult* result,
                   std::string* note,
                   std::string* error) const override;
  std::vector<int> Words(const TokenCorpus& corpus, std::string* note) const override;
  void ConditionalEntropy(const TokenCorpus& corpus,
                          const EntropyOutcome& kneser_ney,
                          const RunContext& context,
                          Profile* profile,
                          std::string* notes) const override;

 private:
  LanguageTargetOptions options_;
};

}  // namespace scalebench
