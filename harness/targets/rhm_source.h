// The token source of the Random Hierarchy Model targets (harness/targets/language.h): the grammar
// of datasets/generators/random_hierarchy.h, fixed by the options. Seed j trains on the first P
// tokens of its own stream of independent sequences; validation, test and the probe sample
// (rhm_probe_tokens, standing in for a training split) are further streams of their own. Because
// the grammar is known, the probes use the sequence's positions instead of the stream: beta from
// the positional correlation between the last token and the token t before it (Cagnetta & Wyart
// 2024), checked against the grammar's exact sigma(t); gamma from the exact positional
// conditional entropy H_t (datasets/probes/rhm_entropy.h), the stream Kneser-Ney outcome kept in
// the source text only. Each token counts as a word. The oracle profile holds the grammar's beta
// (the probe's plateau fit on the exact sigma(t)) and gamma (the exact H_t, as in the profile).
//
// Usage: language.cc makes one per RHM target; tests may too.
//   RhmSource source(LanguageTargetOptions::Rhm(3, 2, 32, 8));
//   std::optional<Profile> oracle = source.Oracle("language/rhm_L3_s2_v32_m8");
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/targets/language.h"

namespace scalebench {

class RhmSource final : public TokenSource {
 public:
  explicit RhmSource(const LanguageTargetOptions& options) : options_(options) {}

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
  std::optional<Profile> Oracle(const std::string& name) const override;

 private:
  LanguageTargetOptions options_;
};

}  // namespace scalebench
