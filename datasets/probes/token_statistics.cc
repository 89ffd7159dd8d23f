// Implementation of datasets/probes/token_statistics.h.
#include "datasets/probes/token_statistics.h"

namespace scalebench {

void TokenStatisticsResult::FillProfile(Profile* profile) const {
  profile->Set(Property::kCorrelationDecay, correlation.correlation_decay);
  words.FillProfile(profile);
}

bool MeasureTokenStatistics(const std::vector<int>& tokens,
                            int vocab_size,
                            std::string_view text,
                            const TokenStatisticsOptions& options,
                            TokenStatisticsResult* result,
                            std::string* error) {
  if (!options.IsValid(error)) return false;
  TokenStatisticsResult r;
  if (!MeasureCorrelationDecay(tokens, vocab_size, options.correlation, &r.correlation, error))
    return false;
  if (!MeasureWordStatistics(WordIds(text), options.words, &r.words, error)) return false;
  *result = std::move(r);
  return true;
}

}  // namespace scalebench
