// The correlation-decay probe: the exponent beta of ||C(n)||_op ~ n^-beta, the top singular value
// of the lag-n co-occurrence covariance of a token sequence (Cagnetta, Raventos, Ganguli & Wyart
// 2026, arXiv:2602.07488, Hyp. "power-law correlations"; lit-language.md 3.1), with a standard
// error and its fit range in the method string. Two forms:
//   - MeasureCorrelationDecay: one stationary stream (a corpus), lags on a log grid;
//   - MeasurePositionalCorrelationDecay: independent sequences of a fixed length (the RHM), the
//     correlation of the last token with the token t before it (Cagnetta & Wyart 2024, Fig. 1).
// Both fit beta over the lags above a shuffled noise floor; the standard error adds a
// delete-a-block jackknife and the autocorrelation-inflated OLS error in quadrature.
//
// Usage:
//   CorrelationDecayResult result;
//   std::string error;
//   if (!MeasureCorrelationDecay(tokens, vocab_size, CorrelationDecayOptions{}, &result, &error))
//     ...;
//   profile.Set(Property::kCorrelationDecay, result.correlation_decay);
//
// WARNING: counts are dense V x V (fine for characters; V <= max_vocab). The stationary form on
// a stream of concatenated independent sequences measures a different, flatter curve than the
// positional one: use the positional form for the RHM. Readings on the project's corpora:
// docs/probes.md.
#pragma once

#include <cstdint>
#include <string>
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

// On a token sequence x_1..x_N over V ids and a lag n, with the M = N - n pairs:
//   C(n)_ab = #(x_i = a, x_{i+n} = b) / M - r_a c_b,
// r and c the marginals of the first and second member of the pairs (every row and column of C
// sums to 0 exactly), and sigma(n) = ||C(n)||_op by power iteration on C^T C. Lags: every n in
// [1, dense_lags], then about lags_per_decade log-spaced lags up to max_lag, so that the log-log
// fit weighs every scale alike (the paper's TinyStories fit: 15 lags in 1..200).
// Noise floor: the same statistic on a shuffled copy (same length and unigram counts, no
// correlations; Fisher-Yates with shuffle_seed), averaged over the lags; it estimates the
// sampling noise ||C^ - C||_op ~ (sigma_n^2 log V / M)^1/2 of the paper's App. B.
// beta = minus the least-squares slope of log sigma(n) on log n over the lags from fit_min_lag
// up to the last lag before sigma(n) first drops below floor_multiple x the floor (at least 3).
// Standard error, two parts in quadrature, both in the method string:
//   - sampling: a delete-a-group jackknife over jackknife_groups contiguous blocks of positions
//     (a pair belongs to the block of its first member; sigma(n) recomputed without the block,
//     refitted over the same lags); contiguous blocks keep the long-range dependence inside;
//   - shape: the OLS error of the slope inflated by sqrt((1 + rho) / (1 - rho)) for the lag-1
//     autocorrelation rho of the residuals (the role of the paper's bootstrap over lag points):
//     real text is not an exact power law over the window.
// tokens: ids in [0, vocab_size). Fails on bad options, a short sequence, ids out of range or a
// fit window with fewer than 3 lags.
bool MeasureCorrelationDecay(const std::vector<int>& tokens,
                             int vocab_size,
                             const CorrelationDecayOptions& options,
                             CorrelationDecayResult* result,
                             std::string* error);

// For independent sequences of a fixed length T:
//   C(t)_ab = #(x_{T-1-t} = a, x_{T-1} = b) / S - r_a c_b  over the S sequences,
// sigma(t) = ||C(t)||_op, t = 1..T-1. In the RHM sigma(t) steps once per tree level: the last
// token and the one t before it first meet ceil(log_s (t + 1)) levels up, and each level divides
// the correlation by about m, whence the reading beta = ln m / ln s. (Averaging sigma over all
// position pairs at distance t, instead of the last token only, mixes levels.)
// Noise floor: the same statistic after permuting each position's tokens across sequences
// independently (shuffle_seed): positional marginals kept, correlations destroyed. Fit window,
// beta and the two standard-error parts as above (the jackknife groups are contiguous blocks of
// sequences). A least-squares line through every lag of a staircase is no estimate of its step
// rate, so with plateau_base = s the fit takes one point per plateau: t = s^k with the mean
// sigma over t in [s^k, s^(k+1) - 1]; the slope between plateaus is then ln(step ratio) / ln s.
// It needs 3 plateaus above the floor. plateau_base = 0 fits every lag.
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
// `start` (a fixed pseudo-random vector when empty; on return the top right singular vector).
double TopSingularValue(const std::vector<double>& matrix,
                        int rows,
                        int cols,
                        std::vector<double>* start = nullptr);

}  // namespace scalebench
