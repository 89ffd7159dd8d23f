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
// held-out cross-entropy by context length n, handed in as per-block sums of -log P_n
// (contiguous held-out blocks, for the jackknife). Kneser-Ney backs off gracefully, so its H_n
// does not turn up at large n the way the fixed-discount model's does, but at a finite training
// size D it is still an upper bound on H_n that is loose where the counts are sparse, and a power
// law fitted through that flat part reads sparsity as structure (the KJV in 2048 BPE tokens:
// gamma ~ 4). Two ways to deal with it, by what the caller hands in:
//
// Extrapolation in D (EntropyCurveInput::subsets: the same family trained on smaller subsets of
// the training tokens, e.g. 1/8, 1/4, 1/2 of it, scored on the same held-out blocks; the
// language targets average each size over a partition of the training tokens). Kneser-Ney
// is consistent at fixed n (its discounts vanish relative to the counts as D grows), so H_n(D)
// falls towards the true H_n; per n it is extrapolated to D -> infinity by assuming
//   H_n(D) = H_n^inf + B_n D^-c_n
// through the three largest sizes D1 < D2 < D3 (Richardson extrapolation in the data size, as
// for finite-sample corrections of block entropies; ExtrapolateInData). With d1 = H(D1) - H(D2),
// d2 = H(D2) - H(D3) and sizes in ratio 2, c = log2(d1 / d2) and H^inf = H(D3) - d2 / (2^c - 1);
// other ratios solve the same equation numerically. The extrapolated curve is built n = 0, 1, ...
// and point n enters the window n = 1..n_last only while the extrapolation can be trusted:
//   (a) the differences are positive and shrink (d1 > d2 > 0 for ratio-2 sizes; in general
//       d1 / d2 above the c -> 0 limit of the model), on all held-out blocks and also with each
//       block left out (so that the jackknife below is defined);
//   (b) c_n >= min_data_exponent (0.2): below it the D^-c law cannot be told from a logarithmic
//       drift over a factor 4 in D, and the correction d2 / (2^c - 1) exceeds 6.7 d2, i.e. the
//       assumed form, not the measurement, would make the point (no upper bound is needed: a
//       large c only shrinks the correction towards the raw value);
//   (c) the point still gains: g_n = H^inf_{n-1} - H^inf_n > 0;
//   (d) the correction H_n(D3) - H^inf_n is at most extrapolation_ratio (0.5) x g_n: a point
//       must be more measurement than extrapolation, and if its correction were off by half of
//       itself, H^inf_n would still move by no more than a quarter of its gain (the tolerance
//       the half-data rule below puts on an uncorrected shift).
// A point that fails (a) or (b) but whose H_n moved by at most
//   extrapolation_ratio x ((D3 / D1)^min_data_exponent - 1) x g_n
// between the three sizes is settled instead: H^inf_n = H_n(D3) (the differences of a converged
// H_n are at the level of the subsets' composition noise and need not shrink; any D^-c law
// with c >= min_data_exponent through such points would correct by at most (d)'s bound). For
// n = 0, which only sets g_1, g_0 is read as the raw H_0(D3) - H_1(D3). The first n that fails
// ends the window; fewer than min_fit_points points is an error that names that n and the
// failed condition. The fit is H^inf_n = H_inf + A n^-gamma over the window (FitEntropyDecay).
// Standard error of gamma: sqrt(jackknife^2 + systematic^2). The jackknife is the delete-a-block
// jackknife of the whole pipeline (every size's H_n recomputed without the block, extrapolated
// with the same treatment of each n, refitted over the same window). The systematic term covers
// the extrapolation model: the larger of |gamma - gamma'| for gamma' from extrapolating the
// next-smaller three sizes (1/8, 1/4, 1/2) instead (their extrapolation where their differences
// shrink, else their largest H_n where it moved within the settled tolerance; left out when
// neither holds at some n of the window, or with only three sizes) and for gamma' from the raw
// largest-size H_n over the same window (the whole correction counted as uncertain). The method
// string lists the sizes, the window and why it ends, each n's raw and extrapolated H_n and c,
// H_inf, and both parts of the error. Neither covers the choice of model family, or n beyond
// the window.
//
// Half-data check (EntropyCurveInput::half_data_entropy, no subsets): the paper's own rule (the
// n where the trained model's loss has converged in P), used with the variable-context neural
// LM of the BPE targets (harness/targets/language_entropy.h). Point n is kept only while
//   H_n(half) - H_n(full) <= convergence_ratio x (H_{n-1}(full) - H_n(full)),
// i.e. halving the data moves H_n by less than a fraction of what context n adds (and H_n must
// still fall); the raw full-data H_n are fitted. Standard error: the held-out jackknife (+) the
// half-data shift |gamma - gamma'|, gamma' the same fit through the half-data H_n (how far gamma
// still moves with the amount of data). Three-point rule (three_point_rule): where fewer than
// min_fit_points n have converged but n = 1, 2 have, the first three points are fitted anyway,
// as Cagnetta et al. (2026) fitted WikiText (the first three points, the error from the first
// four): the systematic term then also holds |gamma - gamma_4|, gamma_4 the fit through
// n = 1..4, and the method string says which n had not converged. H_3 is then an upper bound
// still falling with the data, so the gamma is a finite-data reading, not a converged one.
// On the KJV in BPE tokens (1.2M tokens) neither rule trusts n = 3, with Kneser-Ney or the
// neural LM: the extrapolation corrects H_3 by more than half its gain, halving the data raises
// it by more than a quarter of its gain; the BPE targets therefore use the three-point rule.
// With neither (MeasureConditionalEntropy) the window is n = 1..K.
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

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "common/fields.h"
#include "datasets/profile.h"

namespace scalebench {

struct ConditionalEntropyOptions {
  int max_context = 6;  // n = 0..max_context; the fit uses 1..max_context (>= 3 points)
  double discount = 0.75;
  int jackknife_blocks = 10;
  double gamma_min = 0.01, gamma_max = 5.0, gamma_step = 0.001;
  int min_fit_points = 3;           // n values in the fit window (3 parameters: 3 = no residual)
  double convergence_ratio = 0.25;  // FitConditionalEntropyCurve with half_data_entropy
  // With half_data_entropy: when fewer than min_fit_points n have converged (but n = 1, 2 have),
  // fit n = 1..3 anyway, the paper's practice on WikiText (see the file comment).
  bool three_point_rule = false;
  // FitConditionalEntropyCurve with subsets: conditions (b) and (d) of the file comment.
  double min_data_exponent = 0.2;
  double extrapolation_ratio = 0.5;

  template <typename Fields>
  void Visit(Fields& f) {
    f.Field("max_context", max_context).AtLeast(3).AtMost(32);  // the fit needs 3 points
    f.Field("discount", discount).Above(0.0).Below(1.0);
    f.Field("jackknife_blocks", jackknife_blocks).AtLeast(2);
    f.Field("gamma_min", gamma_min).Above(0.0);
    f.Field("gamma_max", gamma_max).Above(gamma_min);
    f.Field("gamma_step", gamma_step).Above(0.0).AtMost(gamma_max - gamma_min);
    f.Field("min_fit_points", min_fit_points).AtLeast(3).AtMost(max_context);
    f.Field("convergence_ratio", convergence_ratio).Above(0.0);
    f.Field("three_point_rule", three_point_rule);
    f.Field("min_data_exponent", min_data_exponent).Above(0.0);
    f.Field("extrapolation_ratio", extrapolation_ratio).Above(0.0);
  }
  bool IsValid(std::string* error) const { return ValidateFields(*this, error); }
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
  int fit_first_n = 1, fit_last_n = 0;    // the fit window
  std::vector<double> half_data_entropy;  // H_n from half the training data (may be empty)
  // With subsets (extrapolation in D; empty otherwise): the training sizes, ascending (the last
  // is train_tokens), H_n of each ([size][n], n = 0..K), and per n the extrapolation from the
  // three largest sizes: H_n^inf, c_n and the correction H_n(largest) - H_n^inf (NaN where the
  // differences do not shrink).
  std::vector<std::size_t> size_tokens;
  std::vector<std::vector<double>> size_entropy;
  std::vector<double> extrapolated_entropy, data_exponent, data_correction;
  // The two parts of the standard error of gamma (extrapolation mode; NaN otherwise), and the
  // gamma' the systematic part compares with.
  double jackknife_error = 0.0, systematic_error = 0.0, systematic_gamma = 0.0;
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

// The same fit through points (t[k], h[k]) at arbitrary abscissae t > 0 (at least 3 points; the
// RHM probe fits one point per tree level, t = 1, s, s^2, ...).
bool FitEntropyDecayAt(const std::vector<double>& t,
                       const std::vector<double>& h,
                       const ConditionalEntropyOptions& options,
                       double* gamma,
                       double* entropy_limit,
                       double* amplitude,
                       double* rms);

// One grid step of those fits: at a given gamma, the least-squares H_inf (clamped to >= 0) and A
// of H = H_inf + A t^-gamma through the points; returns the residual sum of squares, or
// infinity when the abscissae do not vary or A is not > 0.
double FitEntropyDecayAtGamma(const std::vector<double>& t,
                              const std::vector<double>& h,
                              double gamma,
                              double* entropy_limit,
                              double* amplitude);

// H(D) = H^inf + B D^-c through three points (see the file comment).
struct DataExtrapolation {
  bool ok = false;  // d1, d2 > 0 and d1 / d2 above the c -> 0 limit: a solution with c > 0
  double limit = 0.0, exponent = 0.0, correction = 0.0;  // H^inf, c, H(D3) - H^inf
};
// sizes: D1 < D2 < D3 (> 0); entropy: H(D1), H(D2), H(D3). c is solved to a relative 1e-12 and
// capped at 50 (then the correction is in effect 0). Not ok (and the rest 0) when the
// differences are not positive or do not shrink.
DataExtrapolation ExtrapolateInData(const std::array<double, 3>& sizes,
                                    const std::array<double, 3>& entropy);

// A curve H_n, n = 0..K, from any model family, as per-block sums over contiguous held-out
// blocks (at least 2): block_loss[b][n] = sum of -log P_n(x_i | context) over the block's
// positions, block_positions[b] their number (the same positions for every n).
struct EntropyCurveInput {
  std::vector<std::vector<double>> block_loss;
  std::vector<std::size_t> block_positions;
  // The same family trained on smaller subsets of the training tokens (nested, or each size
  // averaged over a partition; train_tokens then the mean part size), scored on the same blocks
  // and positions: at least 2 for the extrapolation (3 sizes in all), ascending in
  // train_tokens, each below input.train_tokens. Empty: no extrapolation.
  struct Subset {
    std::size_t train_tokens = 0;
    std::vector<std::vector<double>> block_loss;  // as above, same shape
  };
  std::vector<Subset> subsets;
  // H_n of the same family trained on the first half of the training tokens, n = 0..K; empty:
  // no convergence check (the window is 1..K). Not together with subsets.
  std::vector<double> half_data_entropy;
  std::size_t train_tokens = 0;
  std::string model;  // what produced the curve, for the method string
};

// Fits H_n = H_inf + A n^-gamma over the converged window (see the file comment): with subsets,
// to the extrapolated H_n^inf, standard error from the jackknife of the whole pipeline and the
// systematic term; otherwise to the raw H_n, standard error by the delete-a-block jackknife.
// Fails on malformed input, a window shorter than options.min_fit_points (the message names the
// n that ended it and why), no decaying fit or (with subsets) no finite standard error.
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
