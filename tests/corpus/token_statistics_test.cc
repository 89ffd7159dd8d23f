// Tests of the token-statistics probe (datasets/probes/token_statistics.h) on sequences whose
// statistics are known exactly:
//   - a 2-state Markov chain with flip probability q has C(n) = (rho^n / 4) [[1, -1], [-1, 1]],
//     rho = 1 - 2q, so sigma(n) = rho^n / 2: the measured ratios sigma(n+1)/sigma(n) must be rho
//     and the shuffled noise floor far below sigma(n) at small lags;
//   - a mixture of such chains (chain k with rho_k = exp(-1/tau_k), tau_k = 2^k, picked with
//     probability w_k at each position and emitting the token (k, state)) has a block-diagonal
//     C(n) with sigma(n) = max_k w_k^2 rho_k^n / 2, a power-law envelope ~ n^-1 for
//     w_k^2 ~ 1/tau_k: the probe's beta must match the exact slope of that envelope over the
//     probe's own fit window;
//   - a word sequence that introduces its j-th new word at position ceil(j^(1/h)) has
//     V(N) = floor(N^h) exactly (up to rounding), so Heaps reads h;
//   - word r repeated round(C r^-z) times (shuffled) reads z;
//   - a uniform stream over 20 types (a finite vocabulary seen at once) leaves Heaps and Zipf
//     out with the reason (which still gives the fitted slopes: Heaps exactly 0 over the last
//     decade, rank-frequency ~0), while the V(N) = N^h stream keeps Heaps (last decade: h);
//   - positional correlations of a binary tree process (each node copies its parent's bit,
//     flipped with probability (1 - rho) / 2; leaves 2^L form a sequence): two leaves meeting
//     l levels up have correlation rho^(2l), so sigma between the last leaf and the one t before
//     it is rho^(2 l(t)) / 2 with l(t) = ceil(log2(t + 1)), and the plateau fit reads
//     beta = 2 ln(1/rho) / ln 2.
#include "datasets/probes/token_statistics.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "datasets/generators/random.h"

namespace scalebench {
namespace {

// Chain k flips its state with probability q_k at every step (all chains run at every step).
std::vector<int> MixtureOfChains(const std::vector<double>& rho,
                                 const std::vector<double>& weight,
                                 std::size_t length,
                                 std::uint64_t seed) {
  Xoshiro256pp rng(seed);
  std::vector<int> state(rho.size(), 0), tokens;
  tokens.reserve(length);
  for (std::size_t i = 0; i < length; ++i) {
    for (std::size_t k = 0; k < rho.size(); ++k) {
      if (rng.UniformOpen() < (1 - rho[k]) / 2) state[k] ^= 1;
    }
    double u = rng.UniformOpen();
    std::size_t k = 0;
    while (k + 1 < weight.size() && u > weight[k]) u -= weight[k], ++k;
    tokens.push_back(static_cast<int>(2 * k) + state[k]);
  }
  return tokens;
}

TEST_CASE("TopSingularValue matches known matrices", "[corpus]") {
  // Rank one u v^T with |u| = 5, |v| = sqrt(2): sigma = 5 sqrt(2).
  const std::vector<double> rank_one = {3, -3, 4, -4};
  CHECK(TopSingularValue(rank_one, 2, 2) == Approx(5 * std::sqrt(2.0)).epsilon(1e-9));
  const std::vector<double> diagonal = {0.5, 0, 0, 0, -2, 0, 0, 0, 1};
  CHECK(TopSingularValue(diagonal, 3, 3) == Approx(2.0).epsilon(1e-9));
}

TEST_CASE("Correlation probe reads rho from a 2-state Markov chain", "[corpus]") {
  const double rho = 0.8;
  const std::vector<int> tokens = MixtureOfChains({rho}, {1.0}, 400000, 7);
  CorrelationDecayOptions options;
  options.max_lag = 40;
  CorrelationDecayResult result;
  std::string error;
  // sigma(n) = 0.8^n / 2 meets 3 x the floor (~0.002) near n = 20: a window of ~20 lags.
  REQUIRE(MeasureCorrelationDecay(tokens, 2, options, &result, &error));
  for (int n = 1; n <= 5; ++n) {
    INFO("lag " << n);
    CHECK(result.sigma[n - 1] == Approx(std::pow(rho, n) / 2).epsilon(0.03));
    CHECK(result.sigma[n] / result.sigma[n - 1] == Approx(rho).margin(0.02));
    CHECK(result.shuffled_sigma[n - 1] < 0.05 * result.sigma[n - 1]);
  }
  CHECK(result.noise_floor < 0.01 * result.sigma[0]);
  CHECK(result.fit_last_lag < 40);  // the window stops where the curve meets the floor
}

TEST_CASE("Correlation probe reads the power-law envelope of a mixture of chains", "[corpus]") {
  std::vector<double> rho, weight;
  double total = 0;
  for (int k = 1; k <= 7; ++k) {
    rho.push_back(std::exp(-1.0 / std::ldexp(1.0, k)));
    weight.push_back(std::pow(2.0, -k / 2.0));  // w_k^2 ~ 1/tau_k
    total += weight.back();
  }
  for (double& w : weight) w /= total;
  const std::vector<int> tokens = MixtureOfChains(rho, weight, 2000000, 11);
  CorrelationDecayOptions options;
  options.max_lag = 100;
  CorrelationDecayResult result;
  std::string error;
  REQUIRE(MeasureCorrelationDecay(tokens, 14, options, &result, &error));
  // The exact envelope over the probe's own fit window.
  std::vector<double> x, y;
  for (std::size_t i = 0; i < result.lags.size(); ++i) {
    const int n = result.lags[i];
    if (n < result.fit_first_lag || n > result.fit_last_lag) continue;
    double sigma = 0;
    for (std::size_t k = 0; k < rho.size(); ++k)
      sigma = std::max(sigma, weight[k] * weight[k] * std::pow(rho[k], n) / 2);
    x.push_back(std::log(n));
    y.push_back(std::log(sigma));
  }
  double mx = 0, my = 0, sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) mx += x[i] / x.size(), my += y[i] / x.size();
  for (std::size_t i = 0; i < x.size(); ++i)
    sxx += (x[i] - mx) * (x[i] - mx), sxy += (x[i] - mx) * (y[i] - my);
  const double exact_beta = -sxy / sxx;
  INFO(result.correlation_decay.method << "; exact " << exact_beta);
  CHECK(result.fit_last_lag >= 30);
  CHECK(exact_beta == Approx(1.0).margin(0.25));  // the envelope is a power law near n^-1
  CHECK(result.correlation_decay.value == Approx(exact_beta).margin(0.05));
  CHECK(result.correlation_decay.std_error > 0);
  CHECK(result.correlation_decay.std_error < 0.05);
}

TEST_CASE("Correlation probe rejects bad input with the field named", "[corpus]") {
  CorrelationDecayOptions options;
  options.floor_multiple = 0.5;
  std::string error;
  CHECK_FALSE(options.IsValid(&error));
  CHECK(error.find("floor_multiple") != std::string::npos);
  CorrelationDecayResult result;
  CHECK_FALSE(MeasureCorrelationDecay(
      std::vector<int>(100000, 0), 2000, CorrelationDecayOptions{}, &result, &error));
  CHECK(error.find("vocab_size = 2000") != std::string::npos);
  // An i.i.d. sequence has no lag above the floor.
  Xoshiro256pp rng(3);
  std::vector<int> iid(200000);
  for (int& t : iid) t = static_cast<int>(rng() % 4);
  CHECK_FALSE(MeasureCorrelationDecay(iid, 4, CorrelationDecayOptions{}, &result, &error));
  CHECK(error.find("noise floor") != std::string::npos);
}

TEST_CASE("Heaps exponent of a sequence with V(N) = N^h", "[corpus]") {
  const double h = 0.6;
  Xoshiro256pp rng(5);
  std::vector<int> words;
  int distinct = 0;
  for (std::size_t n = 1; n <= 500000; ++n) {
    if (std::floor(std::pow(double(n), h)) > distinct) {
      words.push_back(distinct++);  // a new word
    } else {
      words.push_back(static_cast<int>(rng() % distinct));
    }
  }
  WordStatisticsOptions options;
  options.zipf_max_rank = 300;
  WordStatisticsResult result;
  std::string error;
  REQUIRE(MeasureWordStatistics(words, options, &result, &error));
  INFO(result.heaps_exponent.method);
  CHECK(result.heaps_exponent.value == Approx(h).margin(0.005));
  CHECK(result.heaps_exponent.std_error < 0.01);
  CHECK(result.heaps_left_out.empty());
  CHECK(result.last_decade_growth == Approx(std::pow(10.0, h)).epsilon(0.01));
  CHECK(result.heaps_last_decade.value == Approx(h).margin(0.005));
  Profile profile;
  result.FillProfile(&profile);
  CHECK(profile.Has(Property::kHeapsExponent));
}

TEST_CASE("A saturated vocabulary leaves Heaps and Zipf out with the reason", "[corpus]") {
  Xoshiro256pp rng(11);
  std::vector<int> words(200000);
  for (int& w : words) w = static_cast<int>(rng() % 20);
  WordStatisticsOptions options;
  options.heaps_min_tokens = 10;
  options.zipf_min_rank = 1;
  options.zipf_max_rank = 20;
  WordStatisticsResult result;
  std::string error;
  REQUIRE(MeasureWordStatistics(words, options, &result, &error));
  CHECK(result.last_decade_growth == Approx(1.0));
  CHECK_THAT(result.heaps_left_out, Catch::Contains("vocabulary saturated"));
  CHECK_THAT(result.zipf_left_out, Catch::Contains("saturated"));
  // The slopes are still reported, with errors, as numbers: V(N) is flat over the last decade
  // (all 20 types are seen long before N / 10), and a uniform law has a near-flat rank curve.
  CHECK(result.heaps_last_decade.value == Approx(0.0).margin(1e-12));
  CHECK(result.heaps_last_decade.std_error == Approx(0.0).margin(1e-12));
  CHECK_THAT(result.heaps_left_out, Catch::Contains("fitted slopes (no exponent): 0.000 +- 0.000"));
  CHECK(result.frequency_decay.value == Approx(0.0).margin(0.02));
  CHECK(result.frequency_decay.std_error > 0);
  CHECK(result.frequency_decay.std_error < 0.02);
  CHECK_THAT(result.zipf_left_out,
             Catch::Contains("fitted rank-frequency slope (no exponent)") &&
                 Catch::Contains("over ranks 1..20"));
  Profile profile;
  result.FillProfile(&profile);
  CHECK_FALSE(profile.Has(Property::kHeapsExponent));
  CHECK_FALSE(profile.Has(Property::kFrequencyDecay));
  // Too short a rank window is left out too (not an error: Heaps stays measurable).
  options.zipf_max_rank = 5;
  options.zipf_min_decades = 1.0;
  REQUIRE(MeasureWordStatistics(words, options, &result, &error));
  CHECK_THAT(result.zipf_left_out, Catch::Contains("too few types"));
  options.heaps_min_decade_growth = 0.5;
  CHECK_FALSE(options.IsValid(&error));
  CHECK_THAT(error, Catch::Contains("heaps_min_decade_growth"));
}

// Sequences of 2^depth leaves of a binary tree whose nodes copy their parent's bit, flipped with
// probability (1 - rho) / 2.
std::vector<int> TreeSequences(int depth, double rho, std::size_t sequences, std::uint64_t seed) {
  Xoshiro256pp rng(seed);
  std::vector<int> tokens;
  tokens.reserve(sequences << depth);
  for (std::size_t s = 0; s < sequences; ++s) {
    std::vector<int> level = {static_cast<int>(rng() & 1)};
    for (int l = 0; l < depth; ++l) {
      std::vector<int> next;
      for (int bit : level) {
        for (int c = 0; c < 2; ++c) next.push_back(bit ^ (rng.UniformOpen() < (1 - rho) / 2));
      }
      level = next;
    }
    tokens.insert(tokens.end(), level.begin(), level.end());
  }
  return tokens;
}

TEST_CASE("Positional correlation probe reads the level-by-level decay of a tree process",
          "[corpus]") {
  const double rho = 0.5;
  // 800k sequences: sigma's sampling error ~5e-4, a quarter of the margin below.
  const std::vector<int> tokens = TreeSequences(3, rho, 800000, 21);
  CorrelationDecayOptions options;
  options.max_vocab = 2;
  CorrelationDecayResult result;
  std::string error;
  REQUIRE(MeasurePositionalCorrelationDecay(tokens, 2, 8, 0, options, &result, &error));
  REQUIRE(result.lags.size() == 7);
  for (int t = 1; t <= 7; ++t) {
    const int level = t == 1 ? 1 : t <= 3 ? 2 : 3;
    CAPTURE(t);
    CHECK(result.sigma[t - 1] == Approx(std::pow(rho, 2 * level) / 2).margin(0.002));
  }
  CHECK(result.noise_floor < 0.002);
  // One point per plateau: the slope is the per-level step, 2 ln(1/rho) / ln 2 = 2.
  REQUIRE(MeasurePositionalCorrelationDecay(tokens, 2, 8, 2, options, &result, &error));
  INFO(result.correlation_decay.method);
  CHECK(result.lags == std::vector<int>{1, 2, 4});
  CHECK(result.correlation_decay.value == Approx(2.0).margin(0.1));
  CHECK(result.correlation_decay.std_error < 0.1);
  // Errors name the problem.
  CHECK_FALSE(MeasurePositionalCorrelationDecay(
      std::vector<int>(tokens.begin(), tokens.end() - 3), 2, 8, 2, options, &result, &error));
  CHECK_THAT(error, Catch::Contains("whole number of sequences"));
  CHECK_FALSE(MeasurePositionalCorrelationDecay(tokens, 2, 8, 1, options, &result, &error));
  CHECK_THAT(error, Catch::Contains("plateau_base"));
}

TEST_CASE("Rank-frequency exponent of counts ~ r^-z", "[corpus]") {
  const double z = 1.2;
  std::vector<int> words;
  for (int r = 1; r <= 3000; ++r) {
    const int count = static_cast<int>(std::lround(1e5 * std::pow(r, -z)));
    for (int c = 0; c < count; ++c) words.push_back(r - 1);
  }
  // Shuffle so that the jackknife blocks see every word.
  Xoshiro256pp rng(9);
  for (std::size_t i = words.size(); i > 1; --i) std::swap(words[i - 1], words[rng() % i]);
  WordStatisticsResult result;
  std::string error;
  REQUIRE(MeasureWordStatistics(words, WordStatisticsOptions{}, &result, &error));
  INFO(result.frequency_decay.method);
  CHECK(result.frequency_decay.value == Approx(z).margin(0.02));
  CHECK(result.zipf_first_rank == 10);
  CHECK(result.zipf_last_rank == 1000);
}

TEST_CASE("WordIds splits on whitespace and punctuation and folds ASCII case", "[corpus]") {
  CHECK(WordIds("The cat's hat; the CAT's\nhat, caf\xC3\xA9!") ==
        std::vector<int>{0, 1, 2, 0, 1, 2, 3});
}

}  // namespace
}  // namespace scalebench
