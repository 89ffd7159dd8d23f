// The conditional-entropy probe: the decay exponent gamma of the next-token conditional entropy
// H_n (given n previous tokens) towards its limit H_inf (lit-language.md 3.1, Cagnetta et al.
// 2026, Hypothesis 1: H_n - H_inf ~ n^-gamma), fitted as H_n = H_inf + A n^-gamma
// (entropy_decay_fit.h) over a window of n where the measured curve can be trusted.
//   - MeasureConditionalEntropy: H_n of the probe's own fixed-discount n-gram models
//     (ngram_model.h) on raw tokens; the window is n = 1..max_context.
//   - FitConditionalEntropyCurve: H_n of any model family (the language targets use Kneser-Ney
//     or a neural LM), handed in as per-block held-out losses, with the window chosen by an
//     extrapolation in the data size (subsets, entropy_extrapolation.h) or by the half-data rule.
// Standard error: a delete-a-block jackknife over contiguous held-out blocks, plus in both modes
// a systematic term; the method string gives the window, why it ends, and both parts.
//
// Usage:
//   ConditionalEntropyResult result;
//   std::string error;
//   if (!MeasureConditionalEntropy(tokenizer.Encode(splits.train),
//                                  tokenizer.Encode(splits.validation), tokenizer.vocab_size(),
//                                  ConditionalEntropyOptions{}, &result, &error)) ...;
//   result.FillProfile(&profile);
//
// WARNING: a model's H_n is an upper bound on the true H_n that loosens at large n (sparse
// counts), and a power law fitted through that flat part reads sparsity as structure: keep
// max_context small for raw n-gram models. What this does on the KJV: docs/probes.md.
#pragma once

#include <string>
#include <vector>

#include "datasets/probes/entropy_curve.h"
#include "datasets/probes/entropy_decay_fit.h"
#include "datasets/probes/entropy_extrapolation.h"
#include "datasets/probes/ngram_model.h"

namespace scalebench {

// Fits H_n = H_inf + A n^-gamma over a window of n = 1..K, by what the input holds:
//   - subsets: to the extrapolated H_n^inf (FitExtrapolatedCurve, entropy_extrapolation.h);
//   - half_data_entropy: to the raw H_n while halving the training data moves H_n by at most
//     convergence_ratio x what context n adds (optionally the paper's three-point rule);
//   - neither: to the raw H_n over n = 1..K, standard error the held-out jackknife alone.
// Fails on malformed input, a window shorter than options.min_fit_points (the message names the
// n that ended it and why), no decaying fit or (with subsets) no finite standard error.
bool FitConditionalEntropyCurve(const EntropyCurveInput& input,
                                const ConditionalEntropyOptions& options,
                                ConditionalEntropyResult* result,
                                std::string* error);

// H_n: the held-out cross-entropy in nats/token of NGramModel (orders 0..max_context, one
// discount), averaged over the same held-out positions for every n (those with at least
// max_context preceding held-out tokens), in jackknife_blocks contiguous blocks; then
// FitConditionalEntropyCurve over n = 1..max_context. The models of orders <= n do not depend
// on max_context, so max_context is also the upper end of the fit window.
// train_tokens, heldout_tokens: ids in [0, vocab_size). Fails on bad options, ids out of range,
// vocab_size outside [2, 65536], too few tokens or a curve with no decaying fit.
bool MeasureConditionalEntropy(const std::vector<int>& train_tokens,
                               const std::vector<int>& heldout_tokens,
                               int vocab_size,
                               const ConditionalEntropyOptions& options,
                               ConditionalEntropyResult* result,
                               std::string* error);

}  // namespace scalebench
