// Implementation of datasets/probes/word_statistics.h.
#include "datasets/probes/word_statistics.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <unordered_map>

#include "common/format.h"
#include "common/line_fit.h"
#include "common/statistics.h"
#include "common/status.h"
#include "datasets/probes/probe_info.h"
#include "datasets/tokenizers/char_tokenizer.h"

namespace scalebench {

using internal::Fail;
using internal::FitLogLog;
using internal::Fixed;
using internal::JackknifeError;
using internal::LineFit;

namespace {

bool IsWordChar(char32_t c) {
  return c >= 0x80 || c == U'\'' || (c >= U'0' && c <= U'9') || (c >= U'a' && c <= U'z') ||
         (c >= U'A' && c <= U'Z');
}

// Log-spaced integers in [from, to], `points` of them before removing duplicates.
std::vector<double> LogSpaced(double from, double to, int points) {
  std::vector<double> out;
  for (int k = 0; k < points; ++k) {
    const double x = std::round(from * std::pow(to / from, k / double(points - 1)));
    if (out.empty() || x > out.back()) out.push_back(x);
  }
  return out;
}

// Heaps fit over the word sequence with positions [skip_begin, skip_end) cut out; the grid
// runs from min_tokens to the remaining length. *lower/*upper: slopes over the two halves.
LineFit HeapsFit(const std::vector<int>& words,
                 int max_id,
                 std::size_t skip_begin,
                 std::size_t skip_end,
                 const WordStatisticsOptions& options,
                 double* lower,
                 double* upper) {
  const double total = static_cast<double>(words.size() - (skip_end - skip_begin));
  const std::vector<double> grid = LogSpaced(options.heaps_min_tokens, total, options.heaps_points);
  std::vector<char> seen(max_id + 1, 0);
  std::vector<double> vocab;
  double n = 0, distinct = 0;
  std::size_t next = 0;
  for (std::size_t i = 0; i < words.size() && next < grid.size(); ++i) {
    if (i >= skip_begin && i < skip_end) continue;
    n += 1;
    if (!seen[words[i]]) seen[words[i]] = 1, distinct += 1;
    if (n == grid[next]) vocab.push_back(distinct), ++next;
  }
  const std::size_t half = grid.size() / 2;
  if (lower != nullptr) {
    *lower = FitLogLog({grid.begin(), grid.begin() + half + 1},
                       {vocab.begin(), vocab.begin() + half + 1})
                 .slope;
    *upper =
        FitLogLog({grid.begin() + half, grid.end()}, {vocab.begin() + half, vocab.end()}).slope;
  }
  return FitLogLog(grid, vocab);
}

// Heaps slope over the last decade of the sample: log V(N) on log N at 10 log-spaced N in
// [total / 10, total] (inflated OLS error). Reported beside a saturation verdict: that it is ~0
// is the finding, so it is given as a number with its error, not used as an exponent.
LineFit HeapsLastDecade(const std::vector<int>& words, int max_id) {
  const double total = static_cast<double>(words.size());
  const std::vector<double> grid = LogSpaced(std::max(1.0, std::floor(total / 10)), total, 10);
  std::vector<char> seen(max_id + 1, 0);
  std::vector<double> vocab;
  double distinct = 0;
  std::size_t next = 0;
  for (std::size_t i = 0; i < words.size() && next < grid.size(); ++i) {
    if (!seen[words[i]]) seen[words[i]] = 1, distinct += 1;
    if (static_cast<double>(i + 1) == grid[next]) vocab.push_back(distinct), ++next;
  }
  return FitLogLog(grid, vocab);
}

// Zipf slope z over ranks [first, last] of the counts (sorted here).
double ZipfSlope(std::vector<double> counts, int first, int last) {
  std::sort(counts.begin(), counts.end(), std::greater<>());
  std::vector<double> ranks, values;
  for (double r : LogSpaced(first, last, 30)) {
    if (counts[static_cast<std::size_t>(r) - 1] <= 0) break;
    ranks.push_back(r);
    values.push_back(counts[static_cast<std::size_t>(r) - 1]);
  }
  return ranks.size() >= 3 ? -FitLogLog(ranks, values).slope
                           : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

void WordStatisticsResult::FillProfile(Profile* profile) const {
  if (heaps_left_out.empty()) profile->Set(Property::kHeapsExponent, heaps_exponent);
  if (zipf_left_out.empty()) profile->Set(Property::kFrequencyDecay, frequency_decay);
}

std::vector<int> WordIds(std::string_view text) {
  std::unordered_map<std::string, int> ids;
  std::vector<int> out;
  std::u32string word;
  const auto flush = [&] {
    if (word.empty()) return;
    const auto inserted = ids.emplace(EncodeUtf8(word), static_cast<int>(ids.size()));
    out.push_back(inserted.first->second);
    word.clear();
  };
  for (char32_t c : DecodeUtf8(text)) {
    if (!IsWordChar(c)) {
      flush();
      continue;
    }
    word.push_back(c >= U'A' && c <= U'Z' ? c - U'A' + U'a' : c);
  }
  flush();
  return out;
}

bool MeasureWordStatistics(const std::vector<int>& word_ids,
                           const WordStatisticsOptions& options,
                           WordStatisticsResult* result,
                           std::string* error) {
  if (!options.IsValid(error)) return false;
  const std::size_t n = word_ids.size();
  if (static_cast<double>(n) <
      2 * options.heaps_min_tokens * options.jackknife_groups / (options.jackknife_groups - 1.0)) {
    return Fail(
        error,
        std::to_string(n) + " words: need at least 2 x heaps_min_tokens (with a block left out)");
  }
  const int max_id = *std::max_element(word_ids.begin(), word_ids.end());
  if (*std::min_element(word_ids.begin(), word_ids.end()) < 0)
    return Fail(error, "negative word id");
  WordStatisticsResult r;
  r.num_words = n;
  const int g = options.jackknife_groups;
  // Heaps.
  double lower = 0, upper = 0;
  const LineFit heaps = HeapsFit(word_ids, max_id, 0, 0, options, &lower, &upper);
  std::vector<double> heaps_replicates;
  for (int k = 0; k < g; ++k) {
    heaps_replicates.push_back(
        HeapsFit(word_ids, max_id, n * k / g, n * (k + 1) / g, options, nullptr, nullptr).slope);
  }
  r.heaps_exponent.value = heaps.slope;
  r.heaps_exponent.std_error = std::hypot(heaps.std_error, (upper - lower) / 2);
  r.heaps_exponent.method =
      "LS slope of log V(N) on log N, " + std::to_string(options.heaps_points) +
      " log-spaced N in [" + Fixed(options.heaps_min_tokens, 0) + ", " + std::to_string(n) +
      "] word tokens (lower/upper half slopes " + Fixed(lower) + "/" + Fixed(upper) +
      "); SE: inflated OLS " + Fixed(heaps.std_error, 4) +
      " (+) half the half-window drift; cut-one-block jackknife (sensitivity only) " +
      Fixed(JackknifeError(heaps_replicates), 4);
  // Saturation: distinct words among the first N / 10 against all N.
  {
    std::vector<char> seen(max_id + 1, 0);
    double early = 0, distinct = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!seen[word_ids[i]]) seen[word_ids[i]] = 1, distinct += 1;
      if (i + 1 == n / 10) early = distinct;
    }
    r.last_decade_growth = early > 0 ? distinct / early : std::numeric_limits<double>::infinity();
    if (r.last_decade_growth < options.heaps_min_decade_growth) {
      r.heaps_left_out = "vocabulary saturated: " + Fixed(distinct, 0) + " distinct words in all " +
                         std::to_string(n) + ", " + Fixed(early, 0) + " already in the first " +
                         std::to_string(n / 10) + " (growth " + Fixed(r.last_decade_growth, 3) +
                         " < " + Fixed(options.heaps_min_decade_growth, 2) +
                         " over the last decade): a finite vocabulary, not Heaps growth";
    }
  }
  const LineFit last_decade = HeapsLastDecade(word_ids, max_id);
  r.heaps_last_decade = {last_decade.slope,
                         last_decade.std_error,
                         "LS slope of log V(N) on log N at 10 log-spaced N in [" +
                             std::to_string(n / 10) + ", " + std::to_string(n) +
                             "]; SE: inflated OLS"};
  if (!r.heaps_left_out.empty()) {
    r.heaps_left_out += "; fitted slopes (no exponent): " + Fixed(last_decade.slope, 3) + " +- " +
                        Fixed(last_decade.std_error, 3) + " over the last decade N in [" +
                        std::to_string(n / 10) + ", " + std::to_string(n) + "] (inflated OLS), " +
                        Fixed(heaps.slope, 3) + " +- " + Fixed(r.heaps_exponent.std_error, 3) +
                        " over N in [" + Fixed(options.heaps_min_tokens, 0) + ", " +
                        std::to_string(n) + "]";
  }
  // Zipf.
  std::vector<double> counts(max_id + 1, 0.0);
  std::vector<std::vector<double>> block_counts(g, std::vector<double>(max_id + 1, 0.0));
  for (int k = 0; k < g; ++k) {
    for (std::size_t i = n * k / g; i < n * (k + 1) / g; ++i) block_counts[k][word_ids[i]] += 1;
  }
  for (std::size_t i = 0; i < n; ++i) counts[word_ids[i]] += 1;
  r.vocabulary =
      static_cast<int>(std::count_if(counts.begin(), counts.end(), [](double c) { return c > 0; }));
  const int frequent = static_cast<int>(std::count_if(
      counts.begin(), counts.end(), [&](double c) { return c >= options.zipf_min_count; }));
  r.zipf_first_rank = options.zipf_min_rank;
  r.zipf_last_rank = std::min(options.zipf_max_rank, frequent);
  const double decades = r.zipf_last_rank >= r.zipf_first_rank
                             ? std::log10(double(r.zipf_last_rank) / r.zipf_first_rank)
                             : 0.0;
  if (r.zipf_last_rank < 3 * r.zipf_first_rank || decades < options.zipf_min_decades) {
    r.zipf_left_out =
        "too few types for a rank fit: " + std::to_string(frequent) +
        " words occur at least zipf_min_count = " + std::to_string(options.zipf_min_count) +
        " times, rank window [" + std::to_string(r.zipf_first_rank) + ", " +
        std::to_string(r.zipf_last_rank) + "] spans " + Fixed(decades, 2) + " decades (< " +
        Fixed(options.zipf_min_decades, 2) + ")";
  } else if (!r.heaps_left_out.empty()) {
    r.zipf_left_out = "vocabulary saturated (see Heaps: " + Fixed(r.last_decade_growth, 3) +
                      "x over the last decade): the ranks of a finite, fully seen vocabulary "
                      "are no Zipf tail";
  }
  if (r.zipf_last_rank < 3 * r.zipf_first_rank) {
    r.frequency_decay.value = std::numeric_limits<double>::quiet_NaN();
    r.frequency_decay.method = r.zipf_left_out;
    *result = std::move(r);
    return true;
  }
  std::vector<double> zipf_replicates;
  for (int k = 0; k < g; ++k) {
    std::vector<double> rest(counts);
    for (int id = 0; id <= max_id; ++id) rest[id] -= block_counts[k][id];
    zipf_replicates.push_back(ZipfSlope(std::move(rest), r.zipf_first_rank, r.zipf_last_rank));
  }
  r.frequency_decay.value = ZipfSlope(counts, r.zipf_first_rank, r.zipf_last_rank);
  r.frequency_decay.std_error = JackknifeError(zipf_replicates);
  r.frequency_decay.method =
      "simple LS slope of log count on log rank over 30 log-spaced word ranks in [" +
      std::to_string(r.zipf_first_rank) + ", " + std::to_string(r.zipf_last_rank) +
      "] (count >= " + std::to_string(options.zipf_min_count) + "), " +
      std::to_string(r.vocabulary) + " distinct words; SE: " + std::to_string(g) +
      "-block jackknife; not a CSN maximum-likelihood fit";
  if (!r.zipf_left_out.empty()) {
    r.zipf_left_out += "; fitted rank-frequency slope (no exponent) " +
                       Fixed(r.frequency_decay.value, 3) + " +- " +
                       Fixed(r.frequency_decay.std_error, 3) + " over ranks " +
                       std::to_string(r.zipf_first_rank) + ".." + std::to_string(r.zipf_last_rank) +
                       " (" + std::to_string(g) + "-block jackknife)";
  }
  *result = std::move(r);
  return true;
}

ProbeInfo WordStatisticsProbeInfo() {
  return {"word_statistics",
          "datasets/probes/word_statistics.h",
          "raw text (its words)",
          "Heaps slope of log V(N) on log N and Zipf slope of log count on log rank; left out when "
          "the vocabulary saturates",
          {Property::kHeapsExponent, Property::kFrequencyDecay},
          {}};
}

}  // namespace scalebench
