// The token-statistics probe: corpus measurements read by the corpus-statistics theories
// (lit-language.md 3.1, 3.3): the correlation decay beta, the Heaps exponent h and the word
// rank-frequency exponent z, each with a standard error and its fit range in Measurement::method.
//
// Correlation decay (Cagnetta, Raventos, Ganguli & Wyart 2026, arXiv:2602.07488, Hyp. "power-law
// correlations"). On a token sequence x_1..x_N over V ids and a lag n, with the M = N - n pairs:
//   C(n)_ab = #(x_i = a, x_{i+n} = b) / M - r_a c_b,
// r and c being the marginals of the first and second member of the pairs (so that every row
// and column of C sums to 0 exactly), and sigma(n) = ||C(n)||_op, the top singular value, by
// power iteration on C^T C. Counts are dense V x V (fine for characters; V <= max_vocab).
// Lags: every n in [1, dense_lags], then about lags_per_decade log-spaced lags up to max_lag, so
// that the log-log fit weighs every scale alike (the paper's TinyStories fit: 15 lags in 1..200).
// Noise floor: the same statistic on a shuffled copy of the sequence (same length, same unigram
// counts, no correlations; Fisher-Yates with a fixed seed), averaged over the lags; it estimates
// the sampling noise ||C^ - C||_op ~ (sigma_n^2 log V / M)^1/2 of the paper's App. B.
// beta = minus the least-squares slope of log sigma(n) on log n over the lags from fit_min_lag up
// to the last lag before sigma(n) first drops below floor_multiple x the floor (at least 3 lags,
// else an error). Standard error: two parts added in quadrature, both in the method string:
//   - sampling: a delete-a-group jackknife over jackknife_groups contiguous blocks of positions
//     (pairs belong to the block of their first member; each block left out in turn, sigma(n)
//     recomputed from the remaining counts, refitted over the same lags). Contiguous blocks keep
//     the long-range dependence inside a block;
//   - shape: the OLS error of the slope, inflated by sqrt((1 + rho) / (1 - rho)) for the lag-1
//     autocorrelation rho of the residuals (the role of the paper's bootstrap over lag points).
//     Real text is not an exact power law over the window (the KJV's character-level sigma(n)
//     steps between odd and even lags), and on the KJV this part dominates (0.19 against a
//     jackknife of 0.02); on a clean power law it is small.
//
// Heaps exponent: V(N) = distinct words among the first N word tokens, at heaps_points
// log-spaced N in [heaps_min_tokens, total]; h = least-squares slope of log V on log N.
// Words: maximal runs of letters, digits and apostrophes (every non-ASCII code point counts as
// a letter), ASCII case-folded; everything else (whitespace, punctuation) separates words.
//
// Word rank-frequency exponent z (p_r ~ r^-z, property frequency_decay): deliberately simple, a
// least-squares slope of log count on log rank over about 30 log-spaced ranks in
// [zipf_min_rank, min(zipf_max_rank, last rank with count >= zipf_min_count)]: ranks below 10
// (function words) bend away from a power law and counts below ~5 are dominated by
// discreteness. A maximum-likelihood (Clauset-Shalizi-Newman) estimate belongs to another probe.
// Zipf's standard error: a delete-a-group jackknife over contiguous blocks of the word sequence
// (the counts without the block, refitted over the same ranks).
// Heaps's standard error is a shape error: the OLS error of the slope inflated for the residual
// autocorrelation, plus (in quadrature) half the difference between the slopes over the lower and
// upper halves of the log-N window: V(N) of real text bends (KJV: 0.70 then 0.55), and that
// drift dominates. The sampling error between texts is not in it: a single text's V(N) has no
// clean resampling scheme (cutting or rotating blocks changes which words are "new"; on a
// synthetic V(N) = N^0.6 sequence a cut-one-block jackknife reads 0.34). That jackknife is still
// given in the method string as a sensitivity (KJV: 0.07).
//
// Saturation. Both word statistics presume an open vocabulary. A finite vocabulary seen in full
// early in the sample (the RHM: v types, all frequent, all seen within a few hundred tokens) has
// V(N) flat, so the Heaps slope reads ~0, and its rank-frequency curve is the shape of a finite
// distribution, not a Zipf tail. Such values would feed the theories garbage, so the probe marks
// them left out (heaps_left_out / zipf_left_out: the reason; FillProfile then skips them):
//   - Heaps: the vocabulary grows by less than heaps_min_decade_growth (default 1.5, a local
//     exponent of log10 1.5 = 0.18) over the last decade of the sample, V(N) < 1.5 V(N / 10);
//     real word streams grow ~4x there (KJV: h ~ 0.6);
//   - Zipf: the Heaps saturation above (a finite, fully seen vocabulary has no tail), or a rank
//     window spanning less than zipf_min_decades (default 1) decades.
// The left-out reasons still carry the fitted slopes with their standard errors, as numbers
// and not exponents: the Heaps slope over the last decade (heaps_last_decade, ~0 when saturated)
// and over the whole window, and the rank-frequency slope over the rank window (when it has at
// least 3 ranks), so that a reader sees what a power-law fit of a saturated vocabulary reads.
//
// Positional correlation decay (MeasurePositionalCorrelationDecay), for a corpus of independent
// sequences of a fixed length T (the RHM), the statistic of Cagnetta & Wyart 2024 (their Fig. 1:
// the correlation of the token to predict, the last one, with the token at distance t):
//   C(t)_ab = #(x_{T-1-t} = a, x_{T-1} = b) / S - r_a c_b  over the S sequences,
// sigma(t) = ||C(t)||_op, t = 1..T-1. In the RHM sigma(t) steps once per tree level: the last
// token and the one t before it first meet at the ancestor ceil(log_s (t + 1)) levels up, and
// each level divides the correlation by about m (measured, L = 4, s = 2, v = 16, m = 4, 1M
// sequences: the mean over position pairs meeting at level 1..4 is 0.059, 0.016, 0.0048,
// 0.0012), whence the reading beta = ln m / ln s. The stationary estimator above, run on the
// concatenated stream, instead pools pairs from every phase of the sequence (mixing tree levels
// at one lag) and pairs that straddle two independent sequences, so it measures a different,
// flatter curve (L = 4 case, 1M tokens: 0.25, against 1.78 from the plateaus below and 2 from
// ln m / ln s). Averaging sigma over all position pairs at distance t (instead of the last token
// only) mixes levels too (1.4 on the L = 4 case, fitted over every lag).
// Noise floor: the same statistic after permuting each position's tokens across sequences
// independently (fixed seed): positional marginals kept, correlations destroyed. Fit window,
// beta, and the two standard-error parts as above (the jackknife groups are contiguous blocks of
// sequences). A least-squares line through every lag of a staircase is no estimate of its
// step rate (the L = 4 case above reads 1.37 over t = 1..7), so with plateau_base = s the fit
// takes one point per plateau: t = s^k with the mean sigma over t in [s^k, s^(k+1) - 1]; the
// slope between plateaus is then ln(step ratio) / ln s. Needs 3 plateaus above the floor (m = 8,
// L = 3 needs a few million sequences: its third level sits at ~5e-4). plateau_base = 0 fits
// every lag.
//
// Not measured here: the conditional-entropy decay gamma, which has its own probe
// (datasets/probes/conditional_entropy.h: held-out cross-entropy of smoothed n-gram models).
//
// Usage:
//   CharTokenizer tokenizer = CharTokenizer::Build(text);
//   TokenStatisticsResult result;
//   std::string error;
//   if (!MeasureTokenStatistics(tokenizer.Encode(text), tokenizer.vocab_size(), text,
//                               TokenStatisticsOptions{}, &result, &error)) ...;
//   result.FillProfile(&profile);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/fields.h"
#include "datasets/profile.h"

namespace scalebench {

struct CorrelationDecayOptions {
  int max_lag = 200;
  int dense_lags = 16;       // every lag 1..dense_lags, then log-spaced
  int lags_per_decade = 10;  // log-spaced lags beyond dense_lags
  int fit_min_lag = 1;
  double floor_multiple = 3.0;
  int jackknife_groups = 10;
  std::uint64_t shuffle_seed = 1;
  int max_vocab = 1024;  // dense V x V counts

  template <typename Fields>
  void Visit(Fields& f) {
    f.Field("max_lag", max_lag).AtLeast(4);
    f.Field("dense_lags", dense_lags).AtLeast(1);
    f.Field("lags_per_decade", lags_per_decade).AtLeast(1);
    f.Field("fit_min_lag", fit_min_lag).AtLeast(1).AtMost(max_lag);
    f.Field("floor_multiple", floor_multiple).AtLeast(1.0);
    f.Field("jackknife_groups", jackknife_groups).AtLeast(2);
    f.Field("shuffle_seed", shuffle_seed);
    f.Field("max_vocab", max_vocab).AtLeast(2);
  }
  bool IsValid(std::string* error) const { return ValidateFields(*this, error); }
};

struct CorrelationDecayResult {
  std::vector<int> lags;
  std::vector<double> sigma;           // ||C(n)||_op
  std::vector<double> frobenius;       // ||C(n)||_F, a cross-check (paper Fig. 3)
  std::vector<double> shuffled_sigma;  // the same on the shuffled copy
  double noise_floor = 0.0;            // mean of shuffled_sigma
  int fit_first_lag = 0, fit_last_lag = 0, fit_points = 0;
  double ols_std_error = 0.0;        // inflated for residual autocorrelation
  double jackknife_std_error = 0.0;  // over contiguous blocks
  Measurement correlation_decay;     // beta
};

// tokens: ids in [0, vocab_size). Fails on bad options, a short sequence, ids out of range or a
// fit window with fewer than 3 lags.
bool MeasureCorrelationDecay(const std::vector<int>& tokens,
                             int vocab_size,
                             const CorrelationDecayOptions& options,
                             CorrelationDecayResult* result,
                             std::string* error);

// tokens: independent sequences of sequence_length tokens, concatenated (the length must divide
// tokens.size()). Uses options.floor_multiple, fit_min_lag, jackknife_groups, shuffle_seed and
// max_vocab; the lags are 1..sequence_length - 1 (max_lag and the lag grid do not apply). Fails
// like MeasureCorrelationDecay, on a sequence length outside [4, 4096] and a plateau_base that
// is neither 0 nor in [2, sequence_length).
bool MeasurePositionalCorrelationDecay(const std::vector<int>& tokens,
                                       int vocab_size,
                                       int sequence_length,
                                       int plateau_base,
                                       const CorrelationDecayOptions& options,
                                       CorrelationDecayResult* result,
                                       std::string* error);

// Top singular value of the row-major rows x cols matrix, by power iteration on A^T A from
// `start` (all ones when empty; on return the top right singular vector).
double TopSingularValue(const std::vector<double>& matrix,
                        int rows,
                        int cols,
                        std::vector<double>* start = nullptr);

struct WordStatisticsOptions {
  double heaps_min_tokens = 1000;
  int heaps_points = 40;
  int zipf_min_rank = 10;
  int zipf_max_rank = 1000;
  int zipf_min_count = 5;
  int jackknife_groups = 10;
  double heaps_min_decade_growth = 1.5;  // saturation: V(N) / V(N / 10) below this
  double zipf_min_decades = 1.0;         // rank window last / first >= 10^this

  template <typename Fields>
  void Visit(Fields& f) {
    f.Field("heaps_min_tokens", heaps_min_tokens).AtLeast(10.0);
    f.Field("heaps_points", heaps_points).AtLeast(6);
    f.Field("zipf_min_rank", zipf_min_rank).AtLeast(1);
    f.Field("zipf_max_rank", zipf_max_rank).AtLeast(3 * zipf_min_rank);
    f.Field("zipf_min_count", zipf_min_count).AtLeast(1);
    f.Field("jackknife_groups", jackknife_groups).AtLeast(2);
    f.Field("heaps_min_decade_growth", heaps_min_decade_growth).AtLeast(1.0);
    f.Field("zipf_min_decades", zipf_min_decades).AtLeast(0.0);
  }
  bool IsValid(std::string* error) const { return ValidateFields(*this, error); }
};

struct WordStatisticsResult {
  std::size_t num_words = 0;  // word tokens
  int vocabulary = 0;         // distinct words
  int zipf_first_rank = 0, zipf_last_rank = 0;
  Measurement heaps_exponent;                 // h
  Measurement frequency_decay;                // z
  double last_decade_growth = 0.0;            // V(N) / V(N / 10)
  Measurement heaps_last_decade;              // Heaps slope over N in [N / 10, N] (see saturation)
  std::string heaps_left_out, zipf_left_out;  // empty: usable; else why not (see saturation)
  // Sets kHeapsExponent and kFrequencyDecay where usable; leaves every other entry alone.
  void FillProfile(Profile* profile) const;
};

// Word ids (dense, in order of first appearance) of `text`, split as described above.
std::vector<int> WordIds(std::string_view text);

// word_ids: dense ids in [0, max id]. Needs at least 2 * heaps_min_tokens words. A saturated
// vocabulary still succeeds, with the left-out reasons set.
bool MeasureWordStatistics(const std::vector<int>& word_ids,
                           const WordStatisticsOptions& options,
                           WordStatisticsResult* result,
                           std::string* error);

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
  // saturation); leaves every other entry alone.
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
