// The King James Bible end to end: load it through `bible` (Debian bible-kjv, bible-kjv-text;
// scripts/install-deps.sh installs them), split it, tokenise it by character and run the
// token-statistics probe on the training split. Prints the numbers (run with `ctest -V` or the
// executable directly) and checks only broad ranges, with the reasons beside them: these are
// measurements, not inputs hard-coded for a theory.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>

#include "datasets/probes/token_statistics.h"
#include "datasets/readers/text_corpus.h"
#include "datasets/tokenizers/char_tokenizer.h"

namespace scalebench {
namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

TEST_CASE("KJV loads, splits and gives character-level correlation and word statistics",
          "[corpus]") {
  auto start = std::chrono::steady_clock::now();
  TextCorpus corpus;
  std::string error;
  REQUIRE(LoadKingJamesBible(&corpus, &error));
  const double load_seconds = Seconds(start);
  // ground.md 2: 31,102 verses, about 4.1 MB of clean text.
  CHECK(corpus.source.find("31102 verses") != std::string::npos);
  CHECK(corpus.text.size() > 4'000'000);
  CHECK(corpus.text.size() < 4'300'000);

  CorpusSplits splits;
  REQUIRE(SplitCorpus(corpus.text, CorpusSplitOptions{}, &splits, &error));
  const CharTokenizer tokenizer = CharTokenizer::Build(splits.train);
  const std::vector<int> tokens = tokenizer.Encode(splits.train);

  start = std::chrono::steady_clock::now();
  TokenStatisticsResult result;
  REQUIRE(MeasureTokenStatistics(
      tokens, tokenizer.vocab_size(), splits.train, TokenStatisticsOptions{}, &result, &error));
  const double probe_seconds = Seconds(start);
  const CorrelationDecayResult& c = result.correlation;
  std::printf("KJV: %zu bytes, load %.2f s; train split %zu characters, V = %d; probe %.2f s\n",
              corpus.text.size(),
              load_seconds,
              tokens.size(),
              tokenizer.vocab_size(),
              probe_seconds);
  std::printf("  beta = %.3f +- %.3f (%s)\n",
              c.correlation_decay.value,
              c.correlation_decay.std_error,
              c.correlation_decay.method.c_str());
  for (std::size_t i = 0; i < c.lags.size(); ++i) {
    std::printf("    n = %3d  sigma = %.3e  frobenius = %.3e  shuffled = %.3e\n",
                c.lags[i],
                c.sigma[i],
                c.frobenius[i],
                c.shuffled_sigma[i]);
  }
  std::printf("  heaps h = %.3f +- %.3f (%s)\n",
              result.words.heaps_exponent.value,
              result.words.heaps_exponent.std_error,
              result.words.heaps_exponent.method.c_str());
  std::printf("  zipf z = %.3f +- %.3f (%s)\n",
              result.words.frequency_decay.value,
              result.words.frequency_decay.std_error,
              result.words.frequency_decay.method.c_str());

  CHECK(tokenizer.vocab_size() < 100);  // ASCII letters, digits, punctuation
  // Broad ranges: natural text has decaying, positive beta (character level: about 0.3-1.5 in
  // the literature, e.g. ~1.4 for tiny Shakespeare in Cagnetta & Wyart 2024), a sub-linear
  // vocabulary (h ~ 0.4-0.7) and a Zipf exponent near 1.
  CHECK(c.correlation_decay.value > 0.2);
  CHECK(c.correlation_decay.value < 3.0);
  CHECK(c.correlation_decay.std_error > 0);
  CHECK(c.fit_points >= 5);
  CHECK(result.words.heaps_exponent.value > 0.3);
  CHECK(result.words.heaps_exponent.value < 0.8);
  CHECK(result.words.frequency_decay.value > 0.7);
  CHECK(result.words.frequency_decay.value < 1.5);
  Profile profile;
  result.FillProfile(&profile);
  CHECK(profile.Has(Property::kCorrelationDecay));
  CHECK(profile.Has(Property::kHeapsExponent));
  CHECK(profile.Has(Property::kFrequencyDecay));
}

}  // namespace
}  // namespace scalebench
