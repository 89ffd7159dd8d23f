// H_n curves for the conditional-entropy probe of the language targets (harness/targets/
// language.h): the held-out cross-entropy by context length n of a language learner trained on
// the training tokens, handed to FitConditionalEntropyCurve (datasets/probes/
// conditional_entropy.h) for the fit H_n = H_inf + A n^-gamma and its standard error.
//
// Two learners, one convergence rule each:
//   - KneserNeyEntropy: the target's interpolated modified Kneser-Ney models of every order,
//     trained on all of the training tokens and on partitions into 2, 4 and 8 interleaved parts;
//     H_n is extrapolated per n to infinite data (the `subsets` mode of the fit).
//   - NeuralLmEntropy: one variable-context neural LM (harness/learners/neural_lm.h) that scores
//     every context length n = 0..c; the paper's own estimator (Cagnetta et al. 2026 read H_n off
//     a trained model's loss at position n + 1). It is trained on all of the training tokens and
//     on each half of an interleaved partition; the window keeps the n whose loss has converged
//     in the amount of data (the `half_data_entropy` mode of the fit).
// Both score the same held-out stream (the validation split) in contiguous blocks for the
// jackknife; the neural model early-stops on the first quarter of that stream and is scored on
// the rest, so the positions that choose its stopping point are not the ones that measure H_n.
//
// EntropyOutcome carries one probe's outcome to the profile steps of the language targets.
//
// Usage:
//   ConditionalEntropyResult result;
//   std::string error;
//   if (NeuralLmEntropy(corpus.train, corpus.validation, corpus.vocab_size, neural, entropy,
//                       &result, &error)) result.FillProfile(&profile);
#pragma once

#include <string>
#include <vector>

#include "datasets/probes/conditional_entropy.h"
#include "harness/learners/neural_lm.h"

namespace scalebench {

// The outcome of a conditional-entropy probe as the profile steps report it.
struct EntropyOutcome {
  bool ok = false;
  ConditionalEntropyResult result;
  std::string error;
  // Why gamma cannot go into the profile (the probe failed, or gamma sits at the edge of its
  // grid: H_n is then no power law over the window); empty when it can.
  std::string Unusable() const;
  // Unusable(), or "gamma = g +- se over n = 1..k".
  std::string Summary() const;
};

// H_n for n = 0..options.max_context from Kneser-Ney models, extrapolated in the data size.
bool KneserNeyEntropy(const std::vector<int>& train,
                      const std::vector<int>& heldout,
                      int vocab,
                      const ConditionalEntropyOptions& options,
                      ConditionalEntropyResult* result,
                      std::string* error);

// H_n for n = 0..neural.context from a variable-context neural LM (neural.variable_context must
// be set and neural.vocab_size = vocab). options.max_context is ignored; the rest of `options`
// sets the fit. Fails on invalid options, too short a held-out stream, or as the fit fails.
bool NeuralLmEntropy(const std::vector<int>& train,
                     const std::vector<int>& heldout,
                     int vocab,
                     const NeuralLmOptions& neural,
                     const ConditionalEntropyOptions& options,
                     ConditionalEntropyResult* result,
                     std::string* error);

// The curve NeuralLmEntropy fits: per-block sums over `jackknife_blocks` (>= 2) held-out blocks
// from the model on all of `train`, and the half-data H_n (mean of the two half models). Fails,
// naming the field, on invalid options, ids outside [0, vocab) or too short streams.
bool NeuralLmEntropyCurve(const std::vector<int>& train,
                          const std::vector<int>& heldout,
                          int vocab,
                          const NeuralLmOptions& neural,
                          int jackknife_blocks,
                          EntropyCurveInput* input,
                          std::string* error);

}  // namespace scalebench
