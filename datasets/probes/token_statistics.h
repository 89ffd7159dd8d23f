// The token-statistics probe: the corpus measurements read by the corpus-statistics theories in
// one call, the correlation decay beta (correlation_probe.h) on the tokenised text and the Heaps
// and Zipf exponents (word_statistics.h) on its words. The conditional-entropy decay gamma has
// its own probe (conditional_entropy.h).
//
// Usage:
//   CharTokenizer tokenizer = CharTokenizer::Build(text);
//   TokenStatisticsResult result;
//   std::string error;
//   if (!MeasureTokenStatistics(tokenizer.Encode(text), tokenizer.vocab_size(), text,
//                               TokenStatisticsOptions{}, &result, &error)) ...;
//   result.FillProfile(&profile);
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/fields.h"
#include "datasets/probes/correlation_probe.h"
#include "datasets/probes/word_statistics.h"
#include "datasets/profile.h"

namespace scalebench {

struct TokenStatisticsOptions {
  CorrelationDecayOptions correlation;
  WordStatisticsOptions words;
  template <typename Fields>
  void Visit(Fields& f) {
    f.Field("correlation", correlation);
    f.Field("words", words);
  }
  bool IsValid(std::string* error) const { return ValidateFields(*this, error); }
};

struct TokenStatisticsResult {
  CorrelationDecayResult correlation;
  WordStatisticsResult words;
  // Sets kCorrelationDecay, and kHeapsExponent and kFrequencyDecay where usable (see
  // word_statistics.h); leaves every other entry alone.
  void FillProfile(Profile* profile) const;
};

// tokens/vocab_size: the tokenised text for the correlations; text: the raw text for the words.
bool MeasureTokenStatistics(const std::vector<int>& tokens,
                            int vocab_size,
                            std::string_view text,
                            const TokenStatisticsOptions& options,
                            TokenStatisticsResult* result,
                            std::string* error);

}  // namespace scalebench
