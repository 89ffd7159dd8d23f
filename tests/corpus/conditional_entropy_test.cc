// Tests of the conditional-entropy probe (datasets/probes/conditional_entropy.h):
//   - on a random order-2 Markov chain over 4 symbols, H_n must fall to the chain's entropy rate
//     (the true model's cross-entropy on the same held-out positions) at n = 2 and stay there;
//   - every n-gram model's distribution sums to 1 over the vocabulary, for seen and unseen
//     contexts;
//   - bad options are rejected with the field named;
//   - FitConditionalEntropyCurve on exact curves H_n = H_inf + A n^-gamma handed in as block
//     sums: reads gamma back; with a half-data curve the window ends where H_n has not converged
//     or stops falling; too short a window is an error that says why;
//   - ExtrapolateInData recovers H^inf and c of H(D) = H^inf + B D^-c exactly (sizes in ratio 2
//     and not), within the propagated noise when noise is added, and refuses differences that
//     do not shrink;
//   - FitConditionalEntropyCurve with subsets on exact curves H_n(D) = H_n^inf + B_n D^-c:
//     reads gamma of H_n^inf back with a finite, positive standard error; the window ends where
//     the correction outgrows the gain, where the differences stop shrinking, where c is too
//     small; a converged point with noisy differences is settled, not a window end;
//   - the KJV at character level (printed; broad sanity only).
#include "datasets/probes/conditional_entropy.h"

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

#include "datasets/generators/random.h"
#include "datasets/readers/text_corpus.h"
#include "datasets/tokenizers/char_tokenizer.h"

namespace scalebench {
namespace {

constexpr int kSymbols = 4;

// A random order-2 chain: P(x_i | x_{i-2}, x_{i-1}) from cubed uniform weights (skewed, so the
// entropy rate is well below log 4 and the order-1 entropy clearly above it).
struct Chain {
  std::vector<double> p;  // [(a * kSymbols + b) * kSymbols + c]
  explicit Chain(std::uint64_t seed) : p(kSymbols * kSymbols * kSymbols) {
    Xoshiro256pp rng(seed);
    for (int ctx = 0; ctx < kSymbols * kSymbols; ++ctx) {
      double total = 0;
      for (int c = 0; c < kSymbols; ++c) {
        const double u = rng.UniformOpen();
        total += p[ctx * kSymbols + c] = u * u * u;
      }
      for (int c = 0; c < kSymbols; ++c) p[ctx * kSymbols + c] /= total;
    }
  }
  double P(int a, int b, int c) const { return p[(a * kSymbols + b) * kSymbols + c]; }
  std::vector<int> Sample(std::size_t length, std::uint64_t seed) const {
    Xoshiro256pp rng(seed);
    std::vector<int> x = {0, 1};
    while (x.size() < length) {
      const int a = x[x.size() - 2], b = x.back();
      double u = rng.UniformOpen();
      int c = 0;
      while (c + 1 < kSymbols && u > P(a, b, c)) u -= P(a, b, c), ++c;
      x.push_back(c);
    }
    return x;
  }
};

TEST_CASE("Conditional entropy of an order-2 Markov chain drops to its entropy rate at n = 2",
          "[corpus]") {
  const Chain chain(17);
  const std::vector<int> train = chain.Sample(2'000'000, 1);
  const std::vector<int> heldout = chain.Sample(300'000, 2);
  ConditionalEntropyOptions options;
  options.max_context = 5;  // 4^5 contexts: well sampled by 2M tokens
  ConditionalEntropyResult result;
  std::string error;
  REQUIRE(MeasureConditionalEntropy(train, heldout, kSymbols, options, &result, &error));
  // The true model's cross-entropy on the same held-out positions.
  double rate = 0;
  for (std::size_t i = options.max_context; i < heldout.size(); ++i)
    rate -= std::log(chain.P(heldout[i - 2], heldout[i - 1], heldout[i]));
  rate /= static_cast<double>(heldout.size() - options.max_context);
  INFO(result.conditional_entropy_decay.method << "; entropy rate " << rate);
  REQUIRE(result.entropy.size() == 6u);
  CHECK(result.heldout_positions == heldout.size() - 5);
  CHECK(result.entropy[0] > result.entropy[1]);
  CHECK(result.entropy[1] > rate + 0.05);  // order 1 misses real dependence
  for (int n = 2; n <= 5; ++n) {
    INFO("n = " << n << ", H_n = " << result.entropy[n]);
    CHECK(result.entropy[n] >= rate - 1e-3);  // smoothing only adds loss (up to noise)
    CHECK(result.entropy[n] == Approx(rate).margin(0.01));
  }
  CHECK(result.entropy_limit == Approx(rate).margin(0.02));
}

TEST_CASE("Every n-gram model sums to 1 over the vocabulary", "[corpus]") {
  const Chain chain(23);
  const std::vector<int> train = chain.Sample(50'000, 3);
  const int vocab = kSymbols + 3;  // ids 4..6 never occur in training
  const NGramModel model(train, vocab, 6, 0.75);
  Xoshiro256pp rng(9);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<int> context;
    if (trial % 2 == 0) {  // a context seen in training
      const std::size_t at = 6 + rng() % (train.size() - 6);
      context.assign(train.begin() + (at - 6), train.begin() + at);
    } else {  // random ids, some never seen
      for (int i = 0; i < 6; ++i) context.push_back(static_cast<int>(rng() % vocab));
    }
    for (int n = 0; n <= 6; ++n) {
      const std::vector<double> probs = model.Distribution(context, n);
      double total = 0;
      for (double p : probs) {
        CHECK(p > 0);
        total += p;
      }
      INFO("trial " << trial << ", n = " << n);
      CHECK(total == Approx(1.0).margin(1e-12));
      // LogProbabilities agrees with Distribution.
      std::vector<double> log_probs;
      model.LogProbabilities(context.data() + context.size(), 1, &log_probs);
      CHECK(std::exp(log_probs[n]) == Approx(probs[1]).epsilon(1e-12));
    }
  }
}

TEST_CASE("Conditional entropy probe rejects bad options with the field named", "[corpus]") {
  std::string error;
  ConditionalEntropyOptions options;
  options.max_context = 2;
  CHECK_FALSE(options.IsValid(&error));
  CHECK(error.find("max_context") != std::string::npos);
  options = {};
  options.discount = 1.0;
  CHECK_FALSE(options.IsValid(&error));
  CHECK(error.find("discount") != std::string::npos);
  options = {};
  options.jackknife_blocks = 1;
  CHECK_FALSE(options.IsValid(&error));
  CHECK(error.find("jackknife_blocks") != std::string::npos);
  options = {};
  options.gamma_max = 0.001;
  CHECK_FALSE(options.IsValid(&error));
  CHECK(error.find("gamma_max") != std::string::npos);
  options = {};
  options.gamma_step = 0;
  CHECK_FALSE(options.IsValid(&error));
  CHECK(error.find("gamma_step") != std::string::npos);
  CHECK(ConditionalEntropyOptions{}.IsValid(&error));

  ConditionalEntropyResult result;
  const std::vector<int> tokens(5000, 1);
  CHECK_FALSE(MeasureConditionalEntropy(tokens, tokens, 1, {}, &result, &error));
  CHECK(error.find("vocab_size") != std::string::npos);
  std::vector<int> bad = tokens;
  bad[10] = 7;
  CHECK_FALSE(MeasureConditionalEntropy(tokens, bad, 4, {}, &result, &error));
  CHECK(error.find("token id 7") != std::string::npos);
  CHECK_FALSE(MeasureConditionalEntropy(tokens, std::vector<int>(50, 1), 4, {}, &result, &error));
  CHECK(error.find("held-out") != std::string::npos);
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

TEST_CASE("KJV character-level conditional entropy decay", "[corpus]") {
  TextCorpus corpus;
  std::string error;
  REQUIRE(LoadKingJamesBible(&corpus, &error));
  CorpusSplits splits;
  REQUIRE(SplitCorpus(corpus.text, CorpusSplitOptions{}, &splits, &error));
  const CharTokenizer tokenizer = CharTokenizer::Build(splits.train);
  const std::vector<int> train = tokenizer.Encode(splits.train);
  const std::vector<int> heldout = tokenizer.Encode(splits.validation);
  const auto start = std::chrono::steady_clock::now();
  ConditionalEntropyResult result;
  REQUIRE(MeasureConditionalEntropy(
      train, heldout, tokenizer.vocab_size(), ConditionalEntropyOptions{}, &result, &error));
  const double seconds = Seconds(start);
  const Measurement& gamma = result.conditional_entropy_decay;
  std::printf(
      "KJV conditional entropy: train %zu characters, held-out %zu positions, V = %d; "
      "probe %.2f s\n",
      result.train_tokens,
      result.heldout_positions,
      tokenizer.vocab_size(),
      seconds);
  for (std::size_t n = 0; n < result.entropy.size(); ++n)
    std::printf("    n = %zu  H_n = %.4f nats\n", n, result.entropy[n]);
  std::printf("  H_inf = %.4f, A = %.4f, gamma = %.3f +- %.3f (%s)\n",
              result.entropy_limit,
              result.amplitude,
              gamma.value,
              gamma.std_error,
              gamma.method.c_str());
  // Broad sanity only (measurements, not inputs for a theory): more context helps over the
  // first six characters (beyond that the n-gram estimate turns up from sparse counts; see the
  // header), and gamma is a positive, moderate exponent.
  for (int n = 1; n <= 6; ++n) CHECK(result.entropy[n] < result.entropy[n - 1]);
  CHECK(gamma.value > 0);
  CHECK(gamma.value < 5);
  CHECK(gamma.std_error > 0);
  Profile profile;
  result.FillProfile(&profile);
  CHECK(profile.Has(Property::kConditionalEntropyDecay));
}

// Block sums of an exact curve H_n = 0.8 + 1.5 n^-0.6 (H_0 = 3), 10 blocks of 1000 positions,
// block b offset by a small alternating amount so that the jackknife has something to see.
EntropyCurveInput ExactCurve(int max_n) {
  EntropyCurveInput input;
  for (int b = 0; b < 10; ++b) {
    std::vector<double> sums;
    for (int n = 0; n <= max_n; ++n) {
      const double h = n == 0 ? 3.0 : 0.8 + 1.5 * std::pow(n, -0.6);
      sums.push_back(1000.0 * (h + (b % 2 == 0 ? 1e-4 : -1e-4) * n));
    }
    input.block_loss.push_back(sums);
    input.block_positions.push_back(1000);
  }
  input.train_tokens = 12345;
  input.model = "exact test curve";
  return input;
}

TEST_CASE("FitConditionalEntropyCurve reads gamma and cuts the window where H_n is unconverged",
          "[corpus]") {
  ConditionalEntropyOptions options;
  options.min_fit_points = 4;
  ConditionalEntropyResult result;
  std::string error;
  // No convergence check: the whole curve.
  EntropyCurveInput input = ExactCurve(8);
  REQUIRE(FitConditionalEntropyCurve(input, options, &result, &error));
  CHECK(result.fit_first_n == 1);
  CHECK(result.fit_last_n == 8);
  CHECK(result.conditional_entropy_decay.value == Approx(0.6).margin(0.003));
  CHECK(result.entropy_limit == Approx(0.8).margin(0.005));
  CHECK(result.conditional_entropy_decay.std_error > 0);
  CHECK(result.conditional_entropy_decay.std_error < 0.01);
  CHECK(result.entropy[3] == Approx(0.8 + 1.5 * std::pow(3.0, -0.6)).margin(1e-9));
  // Half the data raises H_n by 0.001 up to n = 5 and by a lot from n = 6: window 1..5.
  std::vector<double> half(result.entropy);
  for (int n = 0; n <= 8; ++n) half[n] += n < 6 ? 0.001 : 0.05;
  input.half_data_entropy = half;
  REQUIRE(FitConditionalEntropyCurve(input, options, &result, &error));
  CHECK(result.fit_last_n == 5);
  CHECK(result.conditional_entropy_decay.value == Approx(0.6).margin(0.005));
  CHECK_THAT(result.conditional_entropy_decay.method,
             Catch::Contains("n in [1, 5]") && Catch::Contains("not converged at n = 6"));
  // Unconverged from n = 3: a window of 2 points is refused, and the message says why.
  for (int n = 3; n <= 8; ++n) half[n] = result.entropy[n] + 0.5;
  input.half_data_entropy = half;
  CHECK_FALSE(FitConditionalEntropyCurve(input, options, &result, &error));
  CHECK_THAT(error,
             Catch::Contains("n = 1..2 has fewer than 4 points") &&
                 Catch::Contains("not converged at n = 3") &&
                 Catch::Contains("regardless would read gamma"));
  // H_n turning up at n = 6 ends the window at 5 (with a half-data curve that sees no shift).
  input = ExactCurve(8);
  for (auto& sums : input.block_loss) sums[6] = sums[4];
  REQUIRE(FitConditionalEntropyCurve(input, options, &result, &error));
  CHECK(result.fit_last_n == 8);  // no half-data curve: the whole curve, as the n-gram probe
  input.half_data_entropy = result.entropy;
  REQUIRE(FitConditionalEntropyCurve(input, options, &result, &error));
  CHECK(result.fit_last_n == 5);
  CHECK_THAT(result.conditional_entropy_decay.method, Catch::Contains("H_6 >= H_5"));
  // The half-data curve's own gamma over the window is the systematic part of the error: a half
  // curve 0.8 + 1.5 n^-0.595 (converged everywhere by the 0.25 rule) moves gamma by ~0.005.
  input = ExactCurve(8);
  half.assign(9, 3.0);
  for (int n = 1; n <= 8; ++n) half[n] = 0.8 + 1.5 * std::pow(n, -0.595);
  input.half_data_entropy = half;
  REQUIRE(FitConditionalEntropyCurve(input, options, &result, &error));
  CHECK(result.fit_last_n == 8);
  CHECK(result.systematic_gamma == Approx(0.595).margin(0.002));
  CHECK(result.systematic_error == Approx(0.005).margin(0.002));
  CHECK(result.conditional_entropy_decay.std_error ==
        Approx(std::hypot(result.jackknife_error, result.systematic_error)));
  CHECK_THAT(result.conditional_entropy_decay.method, Catch::Contains("half-data shift"));
  // Three-point rule: converged through n = 2 only (H_3 shifted by more than a quarter of its
  // gain); without the rule the window is refused, with it n = 1..3 are fitted and the error
  // holds the half-data and four-point shifts.
  input = ExactCurve(8);
  half.assign(9, 3.0);
  for (int n = 1; n <= 8; ++n) half[n] = 0.8 + 1.5 * std::pow(n, -0.6) + (n >= 3 ? 0.1 : 0.001);
  input.half_data_entropy = half;
  CHECK_FALSE(FitConditionalEntropyCurve(input, options, &result, &error));
  CHECK_THAT(error, Catch::Contains("not converged at n = 3"));
  options.three_point_rule = true;
  REQUIRE(FitConditionalEntropyCurve(input, options, &result, &error));
  CHECK(result.fit_last_n == 3);
  CHECK(result.conditional_entropy_decay.value == Approx(0.6).margin(0.003));
  CHECK(result.systematic_error > 0.01);  // the half-data curve bends between n = 2 and 3
  CHECK_THAT(result.conditional_entropy_decay.method,
             Catch::Contains("first three points are fitted") &&
                 Catch::Contains("four-point shift") && Catch::Contains("not converged at n = 3"));
  // Not converged at n = 2 already: even the three-point rule refuses.
  for (int n = 2; n <= 8; ++n) half[n] += 0.2;
  input.half_data_entropy = half;
  CHECK_FALSE(FitConditionalEntropyCurve(input, options, &result, &error));
  CHECK_THAT(error, Catch::Contains("not converged at n = 2"));
  options.three_point_rule = false;
  // Malformed input.
  input = ExactCurve(8);
  input.half_data_entropy = {1.0, 2.0};
  CHECK_FALSE(FitConditionalEntropyCurve(input, options, &result, &error));
  CHECK_THAT(error, Catch::Contains("half_data_entropy"));
  input = ExactCurve(8);
  input.block_positions.pop_back();
  CHECK_FALSE(FitConditionalEntropyCurve(input, options, &result, &error));
  options.min_fit_points = 2;
  CHECK_FALSE(options.IsValid(&error));
  CHECK_THAT(error, Catch::Contains("min_fit_points"));
}

TEST_CASE("ExtrapolateInData recovers H^inf of H(D) = H^inf + B D^-c", "[corpus]") {
  const auto curve = [](double d) { return 1.3 + 40.0 * std::pow(d, -0.45); };
  // Sizes in ratio 2 (the closed form c = log2(d1 / d2)) and uneven sizes (the root finder).
  for (const std::array<double, 3>& sizes :
       {std::array<double, 3>{1e5, 2e5, 4e5}, std::array<double, 3>{1.1e5, 2.6e5, 3.9e5}}) {
    INFO("sizes " << sizes[0] << ", " << sizes[1] << ", " << sizes[2]);
    const DataExtrapolation e =
        ExtrapolateInData(sizes, {curve(sizes[0]), curve(sizes[1]), curve(sizes[2])});
    REQUIRE(e.ok);
    CHECK(e.exponent == Approx(0.45).margin(1e-9));
    CHECK(e.limit == Approx(1.3).margin(1e-9));
    CHECK(e.correction == Approx(curve(sizes[2]) - 1.3).margin(1e-9));
  }
  // Noise of 2e-4 nats on each H (differences ~0.02): the limit stays within a few times the
  // noise propagated through the extrapolation (~0.005 here).
  Xoshiro256pp rng(11);
  double worst = 0;
  for (int trial = 0; trial < 200; ++trial) {
    std::array<double, 3> h;
    for (int i = 0; i < 3; ++i) {
      const double d = 1e5 * std::pow(2.0, i);
      h[i] = curve(d) + 2e-4 * (rng.UniformOpen() + rng.UniformOpen() - 1.0) * std::sqrt(6.0);
    }
    const DataExtrapolation e = ExtrapolateInData({1e5, 2e5, 4e5}, h);
    REQUIRE(e.ok);
    worst = std::max(worst, std::abs(e.limit - 1.3));
  }
  CHECK(worst > 0);
  CHECK(worst < 0.03);
  // Differences that do not shrink (linear in log D, or growing) or are not positive.
  CHECK_FALSE(ExtrapolateInData({1e5, 2e5, 4e5}, {1.2, 1.1, 1.0}).ok);
  CHECK_FALSE(ExtrapolateInData({1e5, 2e5, 4e5}, {1.2, 1.15, 1.0}).ok);
  CHECK_FALSE(ExtrapolateInData({1e5, 2e5, 4e5}, {1.2, 1.1, 1.15}).ok);
  CHECK_FALSE(ExtrapolateInData({1e5, 2e5, 2e5}, {1.2, 1.1, 1.05}).ok);
  // Very fast convergence: a large c and a correction of ~0.
  const DataExtrapolation fast = ExtrapolateInData({1e5, 2e5, 4e5}, {1.2, 1.0, 1.0 - 1e-12});
  REQUIRE(fast.ok);
  CHECK(fast.correction == Approx(0.0).margin(1e-12));
}

// Block sums at the sizes 1/8, 1/4, 1/2, 1 of 1e6 tokens of H_n(D) = H_n^inf + B_n (D/1e6)^-c_n
// with H_n^inf = 0.8 + 1.5 n^-0.6 (H_0^inf = 3), B_n = 0.002 n (under half the gain up to n = 8)
// and c_n = 0.5: 10 blocks of 1000 positions, block b offset by an amount that is the same at
// every size and sums to 0 over the blocks, so that the jackknife has something to see.
struct SyntheticSizes {
  std::vector<double> amplitude, exponent;      // B_n, c_n
  std::vector<std::vector<double>> override_h;  // [size][n]; NaN: from the law
  explicit SyntheticSizes(int max_n)
      : amplitude(max_n + 1),
        exponent(max_n + 1, 0.5),
        override_h(4, std::vector<double>(max_n + 1, std::nan(""))) {
    for (int n = 0; n <= max_n; ++n) amplitude[n] = 0.002 * std::max(n, 1);
  }
  static double Limit(int n) { return n == 0 ? 3.0 : 0.8 + 1.5 * std::pow(n, -0.6); }
  double H(int size, int n) const {
    if (!std::isnan(override_h[size][n])) return override_h[size][n];
    return Limit(n) + amplitude[n] * std::pow(0.5, -(3 - size) * exponent[n]);
  }
  EntropyCurveInput Input() const {
    const int orders = static_cast<int>(amplitude.size());
    EntropyCurveInput input;
    for (int size = 0; size < 4; ++size) {
      std::vector<std::vector<double>> blocks;
      for (int b = 0; b < 10; ++b) {
        std::vector<double> sums;
        for (int n = 0; n < orders; ++n)
          sums.push_back(1000.0 * (H(size, n) + (b % 2 == 0 ? 5e-4 : -5e-4) * n * (1 + b / 2 % 3)));
        blocks.push_back(sums);
      }
      if (size < 3) {
        input.subsets.push_back({static_cast<std::size_t>(125000) << size, blocks});
      } else {
        input.block_loss = blocks;
      }
    }
    input.block_positions.assign(10, 1000);
    input.train_tokens = 1000000;
    input.model = "synthetic curve";
    return input;
  }
};

TEST_CASE("FitConditionalEntropyCurve extrapolates H_n in D and reads gamma of the limits",
          "[corpus]") {
  ConditionalEntropyOptions options;
  options.min_fit_points = 3;
  ConditionalEntropyResult result;
  std::string error;
  // B_6 = 0.1 is more than the gain of n = 6 (~0.06): the window is n = 1..5.
  SyntheticSizes synthetic(8);
  synthetic.amplitude[6] = 0.1;
  REQUIRE(FitConditionalEntropyCurve(synthetic.Input(), options, &result, &error));
  INFO(result.conditional_entropy_decay.method);
  CHECK(result.fit_last_n == 5);
  CHECK_THAT(result.conditional_entropy_decay.method,
             Catch::Contains("n in [1, 5]") && Catch::Contains("not trusted at n = 6") &&
                 Catch::Contains("lowers H_6") && Catch::Contains("sizes 1/4, 1/2, 1"));
  CHECK(result.conditional_entropy_decay.value == Approx(0.6).margin(0.003));
  CHECK(result.entropy_limit == Approx(0.8).margin(0.01));
  for (int n = 0; n <= 8; ++n) {
    INFO("n = " << n);
    CHECK(result.extrapolated_entropy[n] == Approx(SyntheticSizes::Limit(n)).margin(1e-6));
    CHECK(result.data_exponent[n] == Approx(0.5).margin(1e-6));
  }
  REQUIRE(result.size_tokens.size() == 4u);
  CHECK(result.size_tokens[0] == 125000u);
  CHECK(result.size_entropy[3][2] == Approx(synthetic.H(3, 2)).margin(1e-9));
  // Both parts of the error are finite and positive; the smaller sizes follow the same law, so
  // the systematic part is the shift to the raw, uncorrected curve.
  const Measurement& gamma = result.conditional_entropy_decay;
  CHECK(std::isfinite(result.jackknife_error));
  CHECK(result.jackknife_error > 0);
  CHECK(result.systematic_error > 0);
  CHECK(gamma.std_error == Approx(std::hypot(result.jackknife_error, result.systematic_error)));
  CHECK(gamma.std_error < 0.1);
  Profile profile;
  result.FillProfile(&profile);
  CHECK(profile.Has(Property::kConditionalEntropyDecay));

  // A point whose differences do not shrink ends the window: H_4 falls by 0.1, then by 0.18.
  synthetic = SyntheticSizes(8);
  const double shifts[4] = {0.40, 0.30, 0.20, 0.02};
  for (int size = 0; size < 4; ++size)
    synthetic.override_h[size][4] = SyntheticSizes::Limit(4) + shifts[size];
  REQUIRE(FitConditionalEntropyCurve(synthetic.Input(), options, &result, &error));
  CHECK(result.fit_last_n == 3);
  CHECK_THAT(
      result.conditional_entropy_decay.method,
      Catch::Contains("not trusted at n = 4") && Catch::Contains("not positive and shrinking"));
  // ... and with 4 points required, the window is too short: the error names n and the reason.
  options.min_fit_points = 4;
  CHECK_FALSE(FitConditionalEntropyCurve(synthetic.Input(), options, &result, &error));
  CHECK_THAT(error,
             Catch::Contains("n = 1..3 has fewer than 4 points") &&
                 Catch::Contains("not trusted at n = 4") &&
                 Catch::Contains("not positive and shrinking"));
  options.min_fit_points = 3;

  // Too slow a decay in D (c = 0.1 < min_data_exponent, and too large a movement to be settled)
  // ends the window as well.
  synthetic = SyntheticSizes(8);
  synthetic.exponent[4] = 0.1;
  synthetic.amplitude[4] = 0.1;
  REQUIRE(FitConditionalEntropyCurve(synthetic.Input(), options, &result, &error));
  CHECK(result.fit_last_n == 3);
  CHECK_THAT(result.conditional_entropy_decay.method,
             Catch::Contains("decays as D^-0.100, slower than D^-0.20"));

  // A converged point whose differences are composition noise (1e-4, not shrinking) is
  // settled at its largest-size value and the window goes on.
  synthetic = SyntheticSizes(8);
  for (int size = 0; size < 4; ++size)
    synthetic.override_h[size][2] = SyntheticSizes::Limit(2) + (size % 2 == 0 ? 1e-4 : 0.0);
  REQUIRE(FitConditionalEntropyCurve(synthetic.Input(), options, &result, &error));
  CHECK(result.fit_last_n == 8);
  CHECK_THAT(result.conditional_entropy_decay.method,
             Catch::Contains("2: ") && Catch::Contains("(settled)"));
  CHECK(result.conditional_entropy_decay.value == Approx(0.6).margin(0.005));

  // Malformed input: sizes that do not increase, subsets beside a half-data curve, one subset.
  EntropyCurveInput input = SyntheticSizes(8).Input();
  input.subsets[1].train_tokens = input.subsets[0].train_tokens;
  CHECK_FALSE(FitConditionalEntropyCurve(input, options, &result, &error));
  CHECK_THAT(error, Catch::Contains("must increase"));
  input = SyntheticSizes(8).Input();
  input.half_data_entropy.assign(9, 1.0);
  CHECK_FALSE(FitConditionalEntropyCurve(input, options, &result, &error));
  CHECK_THAT(error, Catch::Contains("not both"));
  input = SyntheticSizes(8).Input();
  input.subsets.erase(input.subsets.begin(), input.subsets.begin() + 2);
  CHECK_FALSE(FitConditionalEntropyCurve(input, options, &result, &error));
  CHECK_THAT(error, Catch::Contains("at least 2 subsets"));
  options.min_data_exponent = 0;
  CHECK_FALSE(options.IsValid(&error));
  CHECK_THAT(error, Catch::Contains("min_data_exponent"));
  options = {};
  options.extrapolation_ratio = -1;
  CHECK_FALSE(options.IsValid(&error));
  CHECK_THAT(error, Catch::Contains("extrapolation_ratio"));
}

}  // namespace
}  // namespace scalebench
