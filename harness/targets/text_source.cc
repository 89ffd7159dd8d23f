#include "harness/targets/text_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "datasets/tokenizers/bpe_tokenizer.h"
#include "datasets/tokenizers/char_tokenizer.h"
#include "harness/targets/language_entropy.h"

namespace scalebench {

std::size_t WindowStart(std::size_t train_size, std::size_t size, std::uint64_t seed) {
  // r(k) = numerator / denominator: the base-3 digits of k mirrored about the point. Computed
  // as (room x numerator) / denominator in doubles, so that seeds 1..3 give exactly the offsets
  // floor(room (j - 1) / 3) of the committed runs.
  std::uint64_t k = seed - 1, numerator = 0, denominator = 1;
  while (k > 0) {
    numerator = 3 * numerator + k % 3;
    denominator *= 3;
    k /= 3;
  }
  const std::size_t room = train_size - size;
  return std::size_t((double(room) * double(numerator)) / double(denominator));
}

bool WindowOverlapsLowerSeed(std::size_t train_size, std::size_t size, std::uint64_t seed) {
  const std::size_t start = WindowStart(train_size, size, seed);
  for (std::uint64_t lower = 1; lower < seed; ++lower) {
    const std::size_t other = WindowStart(train_size, size, lower);
    if ((start > other ? start - other : other - start) < size) return true;
  }
  return false;
}

std::string CorpusPathStamp(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::string out;
  auto stamp = [&](const fs::path& p) {
    out += fmt::format("{}:{}:{};",
                       p.filename().string(),
                       fs::file_size(p, ec),
                       fs::last_write_time(p, ec).time_since_epoch().count());
  };
  if (fs::is_directory(path, ec)) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(path, ec)) {
      if (entry.is_regular_file(ec)) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) stamp(f);
  } else {
    stamp(path);
  }
  return out;
}

void TextSource::Describe(TargetInfo* info) const {
  if (options_.source == TokenSourceKind::kKingJamesBible) {
    info->summary = "King James Bible";
    info->realism = Realism::kRealData;
    info->dataset_family = "kjv";
  } else {
    info->summary = "text corpus " + options_.path;
    info->realism = Realism::kUserExperiment;
    info->dataset_family = "user_corpus";
  }
  info->summary += options_.tokenization == Tokenization::kBpe
                       ? fmt::format(", SentencePiece BPE {} tokens", options_.bpe_vocab_size)
                       : std::string(", characters");
}

bool TextSource::Load(TokenCorpus* corpus, std::string* error) const {
  TextCorpus text;
  const bool kjv = options_.source == TokenSourceKind::kKingJamesBible;
  if (!(kjv ? LoadKingJamesBible(&text, error) : ReadTextCorpus(options_.path, &text, error))) {
    return false;
  }
  CorpusSplits splits;
  if (!SplitCorpus(text.text, options_.split, &splits, error)) return false;
  std::string description = fmt::format("{} ({} bytes; splits {}/{}/{} bytes)",
                                        text.source,
                                        text.text.size(),
                                        splits.train.size(),
                                        splits.validation.size(),
                                        splits.test.size());
  if (options_.tokenization == Tokenization::kBpe) {
    BpeTokenizerOptions bpe;
    bpe.vocab_size = options_.bpe_vocab_size;
    BpeTokenizer tokenizer;
    if (!BpeTokenizer::Train(splits.train, bpe, &tokenizer, error)) return false;
    corpus->train = tokenizer.Encode(splits.train);
    corpus->validation = tokenizer.Encode(splits.validation);
    corpus->test = tokenizer.Encode(splits.test);
    corpus->vocab_size = tokenizer.vocab_size();
    description += fmt::format(", SentencePiece BPE (vocab {}) trained on the training split",
                               corpus->vocab_size);
  } else {
    const CharTokenizer tokenizer = CharTokenizer::Build(splits.train);
    corpus->train = tokenizer.Encode(splits.train);
    corpus->validation = tokenizer.Encode(splits.validation);
    corpus->test = tokenizer.Encode(splits.test);
    corpus->vocab_size = tokenizer.vocab_size();
    description += fmt::format(", characters (vocab {} incl. unknown) from the training split",
                               corpus->vocab_size);
  }
  corpus->description = description + fmt::format("; {} training tokens", corpus->train.size());
  corpus->train_text = std::move(splits.train);
  return true;
}

bool TextSource::TrainingTokens(const TokenCorpus& corpus,
                                std::size_t size,
                                std::uint64_t seed,
                                std::vector<int>* tokens,
                                std::string* skip) const {
  if (size > corpus.train.size()) {
    *skip = fmt::format("size {} exceeds the {} training tokens", size, corpus.train.size());
    return false;
  }
  if (options_.source == TokenSourceKind::kTextPath && seed > kSeedsAtEverySize &&
      WindowOverlapsLowerSeed(corpus.train.size(), size, seed)) {
    *skip = fmt::format(
        "seed {}'s window of {} tokens would overlap a lower seed's (of {} training tokens): on a "
        "user corpus, seeds above {} train only on disjoint windows",
        seed,
        size,
        corpus.train.size(),
        kSeedsAtEverySize);
    return false;
  }
  const auto first = corpus.train.begin() + WindowStart(corpus.train.size(), size, seed);
  tokens->assign(first, first + size);
  return true;
}

bool TextSource::Correlation(const TokenCorpus& corpus,
                             CorrelationDecayResult* result,
                             std::string*,
                             std::string* error) const {
  return MeasureCorrelationDecay(
      corpus.train, corpus.vocab_size, options_.correlation, result, error);
}

std::vector<int> TextSource::Words(const TokenCorpus& corpus, std::string*) const {
  return WordIds(corpus.train_text);
}

void TextSource::ConditionalEntropy(const TokenCorpus& corpus,
                                    const EntropyOutcome& kneser_ney,
                                    const RunContext& context,
                                    Profile* profile,
                                    std::string* notes) const {
  if (options_.entropy_learner == LanguageLearner::kKneserNey) {
    const std::string unusable = kneser_ney.Unusable();
    if (unusable.empty()) {
      kneser_ney.result.FillProfile(profile);
    } else {
      *notes += "; conditional_entropy_decay left out: " + unusable;
    }
    return;
  }
  *notes += "; Kneser-Ney gamma (cross-check, not used): " + kneser_ney.Summary();
  context.Progress(fmt::format("conditional-entropy probe (variable-context neural LM, n <= {})",
                               options_.entropy_neural.context));
  NeuralLmOptions neural = options_.entropy_neural;
  neural.vocab_size = corpus.vocab_size;
  EntropyOutcome outcome;
  outcome.ok = NeuralLmEntropy(corpus.train,
                               corpus.validation,
                               corpus.vocab_size,
                               neural,
                               options_.entropy,
                               &outcome.result,
                               &outcome.error);
  const std::string unusable = outcome.Unusable();
  if (unusable.empty()) {
    outcome.result.FillProfile(profile);
  } else {
    *notes += "; conditional_entropy_decay left out: " + unusable;
  }
}

}  // namespace scalebench
