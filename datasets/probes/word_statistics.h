// The word-statistics probe: the Heaps exponent h (V(N) ~ N^h, distinct words among the first N)
// and the word rank-frequency exponent z (p_r ~ r^-z, property frequency_decay), each with a
// standard error and its fit range in Measurement::method (lit-language.md 3.3). Words: maximal
// runs of letters, digits and apostrophes (every non-ASCII code point counts as a letter), ASCII
// case-folded; everything else separates words.
//
// Usage:
//   WordStatisticsResult result;
//   std::string error;
//   if (!MeasureWordStatistics(WordIds(text), WordStatisticsOptions{}, &result, &error)) ...;
//   result.FillProfile(&profile);  // heaps_exponent and frequency_decay, unless left out
//
// WARNING: both statistics presume an open vocabulary. A finite vocabulary seen in full early in
// the sample (the RHM: v types, all frequent) has V(N) flat, so the Heaps slope reads ~0, and its
// rank-frequency curve is the shape of a finite distribution, not a Zipf tail: the probe marks
// such values left out (heaps_left_out / zipf_left_out give the reason and the fitted slopes),
// and FillProfile skips them. Readings on the KJV: docs/probes.md.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/fields.h"
#include "datasets/profile.h"

namespace scalebench {

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

// Heaps: V(N) at heaps_points log-spaced N in [heaps_min_tokens, total]; h = the least-squares
// slope of log V on log N. Its standard error is a shape error: the OLS error of the slope
// inflated for the residual autocorrelation, plus (in quadrature) half the difference between
// the slopes over the lower and upper halves of the log-N window, since V(N) of real text bends
// and that drift dominates. The sampling error between texts is not in it: a single text's V(N)
// has no clean resampling scheme (cutting or rotating blocks changes which words are "new"), so
// a cut-one-block jackknife is given in the method string as a sensitivity only.
// Zipf: deliberately simple, the least-squares slope of log count on log rank over about 30
// log-spaced ranks in [zipf_min_rank, min(zipf_max_rank, last rank with count >=
// zipf_min_count)]: ranks below 10 (function words) bend away from a power law and counts below
// ~5 are dominated by discreteness (a maximum-likelihood CSN estimate is frequency_probe.h's).
// Standard error: a delete-a-group jackknife over contiguous blocks of the word sequence.
// Saturation (left out, with the reason):
//   - Heaps: the vocabulary grows by less than heaps_min_decade_growth (default 1.5, a local
//     exponent of log10 1.5 = 0.18) over the last decade of the sample, V(N) < 1.5 V(N / 10);
//   - Zipf: the Heaps saturation above (a fully seen vocabulary has no tail), or a rank window
//     spanning less than zipf_min_decades decades.
// The left-out reasons carry the fitted slopes with their errors, as numbers and not exponents:
// the Heaps slope over the last decade (heaps_last_decade, ~0 when saturated) and over the whole
// window, and the rank-frequency slope over the rank window (when it has at least 3 ranks).
// word_ids: dense ids in [0, max id]. Needs at least 2 * heaps_min_tokens words. A saturated
// vocabulary still succeeds, with the left-out reasons set.
bool MeasureWordStatistics(const std::vector<int>& word_ids,
                           const WordStatisticsOptions& options,
                           WordStatisticsResult* result,
                           std::string* error);

}  // namespace scalebench
