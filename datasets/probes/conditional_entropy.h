// The conditional-entropy probe: the decay exponent gamma of the next-token conditional entropy
// H_n (given n previous tokens) towards its limit H_inf (lit-language.md 3.1, Cagnetta et al.
// 2026, Hypothesis 1: H_n - H_inf ~ n^-gamma), read off smoothed n-gram models.
//
// Models. For every context length n = 0..max_context, an interpolated absolute-discounting
// n-gram model (Ney, Essen & Kneser 1994) with one fixed discount D (default 0.75) is trained on
// the training tokens:
//   P_n(w | u) = max(c(u w) - D, 0) / c(u) + D N1+(u .) / c(u) * P_{n-1}(w | u'),
// u the last n tokens, u' = u without its oldest token, c(u) = sum_w c(u w), N1+(u .) the number
// of distinct w seen after u; an unseen context (c(u) = 0) backs off fully to P_{n-1}; P_{-1} is
// uniform over the vocab_size ids. So every P_n sums to 1 over the vocabulary exactly (D < 1).
// Counts: per n, the 64-bit keys (hash of the n-token context, shifted) | w of every training
// position are sorted and run-length counted (sorted vectors + binary search; about 16 bytes per
// distinct n-gram, no hash-map node overhead: ~4M characters with n <= 8 stay well under 1 GB).
// Hash collisions (56+ bits for vocabularies up to 256) are ignored.
//
// H_n: the held-out cross-entropy in nats/token, averaged over the same held-out positions
// (those with at least max_context preceding held-out tokens) for every n. It is an upper bound
// on the true H_n that becomes loose at large n (sparse counts), which is why the paper uses
// trained models' losses; here it is the raw-text proxy, so keep max_context small. Default 6,
// meant for characters: on the KJV (3.7M training characters) the n-gram H_n stops falling
// after n = 6 and rises at n = 7, 8 (sparsity, not language), and including those points moves
// gamma from ~0.47 (max_context 4, 5 or 6 all agree within 0.015) to ~0.79. The models of orders
// <= n do not depend on max_context, so max_context is also the upper end of the fit window.
//
// Fit: H_n = H_inf + A n^-gamma over n in [1, max_context]: for each gamma on a grid
// (gamma_min..gamma_max, step gamma_step) H_inf and A by linear least squares (with H_inf
// clamped to 0 when the unconstrained one is negative); gammas with A <= 0 are skipped; the
// least residual wins (the method string says when H_inf ends at or near its bound 0: the curve is
// then in effect fitted as a pure power law, as on the KJV). Standard error of gamma: a
// delete-a-group jackknife over jackknife_blocks contiguous blocks of held-out positions (each
// block left out, H_n recomputed from the stored per-position log-losses, refitted). It covers
// held-out sampling noise only, not the training sample nor the choice of smoothing or n range.
//
// Curves from another model family (FitConditionalEntropyCurve). The language targets read H_n
// off the interpolated modified Kneser-Ney learner (harness/learners/kneser_ney.h) instead: its
// held-out cross-entropy by context length n, trained on the full training split, handed in as
// per-block sums of -log P_n (contiguous held-out blocks, for the jackknife). Kneser-Ney backs off
// gracefully, so its H_n does not turn up at large n the way the fixed-discount model's does, but
// it still flattens where the counts are sparse, and a power law fitted through that flat part
// reads sparsity as structure (the KJV in 2048 BPE tokens: gamma ~ 4). So the fit window ends
// where H_n has not converged in the amount of training data: when the same family is also
// trained on the first half of the training tokens (half_data_entropy), point n is kept only if
//   H_n(half) - H_n(full) <= convergence_ratio x (H_{n-1}(full) - H_n(full)),
// i.e. halving the data moves H_n by less than a fraction of what context n adds (and H_n must
// still fall). The window is n = 1..n_last, n_last the first n that fails minus one; fewer than
// min_fit_points points is an error naming n_last (no measurement at this corpus size). Without
// a half-data curve (MeasureConditionalEntropy) the window is n = 1..K as before.
//
// Usage:
//   CharTokenizer tokenizer = CharTokenizer::Build(splits.train);
//   ConditionalEntropyResult result;
//   std::string error;
//   if (!MeasureConditionalEntropy(tokenizer.Encode(splits.train),
//                                  tokenizer.Encode(splits.validation), tokenizer.vocab_size(),
//                                  ConditionalEntropyOptions{}, &result, &error)) ...;
//   result.FillProfile(&profile);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "datasets/profile.h"

namespace scalebench {

struct ConditionalEntropyOptions {
  int max_context = 6;  // n = 0..max_context; the fit uses 1..max_context (>= 3 points)
  double discount = 0.75;
  int jackknife_blocks = 10;
  double gamma_min = 0.01, gamma_max = 5.0, gamma_step = 0.001;
  int min_fit_points = 3;          // n values in the fit window (3 parameters: 3 = no residual)
  double convergence_ratio = 0.25;  // FitConditionalEntropyCurve with half_data_entropy
  bool IsValid(std::string* error) const;
};

// Interpolated absolute-discounting n-gram models of every order 0..max_context (see above).
class NGramModel {
 public:
  // tokens: ids in [0, vocab_size), vocab_size in [2, 65536]; not checked here.
  NGramModel(const std::vector<int>& tokens, int vocab_size, int max_context, double discount);

  int max_context() const { return max_context_; }
  int vocab_size() const { return vocab_size_; }
  // log P_n(w | context) for n = 0..max_context into *log_probs (size max_context + 1), where
  // context[-n..-1] are the previous tokens: `history` points one past the last context token
  // and at least max_context tokens must precede it.
  void LogProbabilities(const int* history, int w, std::vector<double>* log_probs) const;
  // P_n(w | last n tokens of context) for every w (context.size() >= n).
  std::vector<double> Distribution(const std::vector<int>& context, int n) const;

 private:
  struct Order {
    std::vector<std::uint64_t> keys;      // sorted (context hash << bits) | w
    std::vector<std::uint32_t> counts;    // c(u w)
    std::vector<std::uint64_t> contexts;  // sorted context keys (hash << bits)
    std::vector<std::uint32_t> totals;    // c(u)
    std::vector<std::uint32_t> distinct;  // N1+(u .)
  };
  // One interpolation step: P_n from P_{n-1} for the context key.
  double Step(const Order& order, std::uint64_t context_key, int w, double lower) const;

  int vocab_size_, max_context_, bits_;
  double discount_;
  std::vector<Order> orders_;
};

struct ConditionalEntropyResult {
  std::vector<double> entropy;  // H_n, n = 0..max_context, nats/token
  std::size_t train_tokens = 0, heldout_positions = 0;
  double entropy_limit = 0.0;  // H_inf
  double amplitude = 0.0;      // A
  double fit_rms = 0.0;        // rms residual of the fit, nats
  bool gamma_at_grid_edge = false;
  int fit_first_n = 1, fit_last_n = 0;  // the fit window
  std::vector<double> half_data_entropy;  // H_n from half the training data (may be empty)
  Measurement conditional_entropy_decay;  // gamma
  // Sets kConditionalEntropyDecay; leaves every other entry alone.
  void FillProfile(Profile* profile) const;
};

// Fits H_n = H_inf + A n^-gamma to entropy[1..] (entropy[0] is ignored). Returns false when no
// grid gamma gives A > 0.
bool FitEntropyDecay(const std::vector<double>& entropy,
                     const ConditionalEntropyOptions& options,
                     double* gamma,
                     double* entropy_limit,
                     double* amplitude,
                     double* rms);

// A curve H_n, n = 0..K, from any model family, as per-block sums over contiguous held-out
// blocks (at least 2): block_loss[b][n] = sum of -log P_n(x_i | context) over the block's
// positions, block_positions[b] their number (the same positions for every n).
struct EntropyCurveInput {
  std::vector<std::vector<double>> block_loss;
  std::vector<std::size_t> block_positions;
  // H_n of the same family trained on the first half of the training tokens, n = 0..K; empty:
  // no convergence check (the window is 1..K).
  std::vector<double> half_data_entropy;
  std::size_t train_tokens = 0;
  std::string model;  // what produced the curve, for the method string
};

// Fits H_n = H_inf + A n^-gamma over the converged window (see the file comment), standard
// error by the delete-a-block jackknife over the input's blocks. Fails on malformed input, a
// window shorter than options.min_fit_points (the message says why) or no decaying fit.
bool FitConditionalEntropyCurve(const EntropyCurveInput& input,
                                const ConditionalEntropyOptions& options,
                                ConditionalEntropyResult* result,
                                std::string* error);

// train_tokens, heldout_tokens: ids in [0, vocab_size). Fails on bad options, ids out of range,
// vocab_size outside [2, 65536], too few tokens or a curve with no decaying fit.
bool MeasureConditionalEntropy(const std::vector<int>& train_tokens,
                               const std::vector<int>& heldout_tokens,
                               int vocab_size,
                               const ConditionalEntropyOptions& options,
                               ConditionalEntropyResult* result,
                               std::string* error);

}  // namespace scalebench
