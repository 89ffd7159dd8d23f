// The Kneser-Ney learner (harness/learners/kneser_ney.h):
//   - every distribution sums to 1 over the vocabulary, for random contexts (seen, unseen, and
//     seen only at the start of the stream) and every top order;
//   - a tiny example computed by hand (discounts, bigram and unigram probabilities);
//   - the cross-entropy of the evaluation loop equals the mean of -log Probability;
//   - on an order-2 Markov chain, the validation-chosen order is 2 (context length 2) and the
//     test loss is close to the chain's entropy rate.
#include "harness/learners/kneser_ney.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>
#include <vector>

#include "datasets/generators/random.h"

namespace scalebench {
namespace {

std::vector<int> RandomTokens(std::uint64_t seed, std::size_t n, int vocab) {
  Xoshiro256pp rng(seed);
  std::vector<int> out(n);
  // A sticky source so that higher orders have repeated contexts.
  int previous = 0;
  for (auto& t : out) {
    const std::uint64_t r = rng() % 10;
    t = r < 5 ? (previous + 1) % vocab : int(rng() % vocab);
    previous = t;
  }
  return out;
}

TEST_CASE("Kneser-Ney distributions sum to 1 for random contexts at every order", "[language]") {
  for (int vocab : {2, 7, 40}) {
    for (int max_context : {0, 1, 3, 6}) {
      const std::vector<int> train = RandomTokens(vocab * 100 + max_context, 3000, vocab);
      KneserNeyModel model;
      std::string error;
      REQUIRE(KneserNeyModel::Train(train, vocab, max_context, &model, &error));
      Xoshiro256pp rng(99);
      for (int trial = 0; trial < 40; ++trial) {
        std::vector<int> context;
        if (trial % 3 == 0) {  // a context seen in training, possibly at the stream's start
          const std::size_t at = rng() % 50;
          context.assign(train.begin(), train.begin() + at);
        } else {  // random, mostly unseen at high orders
          for (int j = 0; j < max_context; ++j) context.push_back(int(rng() % vocab));
        }
        for (int k = 0; k <= max_context; ++k) {
          const std::vector<double> p = model.Distribution(context, k);
          CAPTURE(vocab, max_context, trial, k);
          REQUIRE(p.size() == std::size_t(vocab));
          CHECK(std::accumulate(p.begin(), p.end(), 0.0) == Approx(1.0).margin(1e-12));
          for (double q : p) CHECK(q > 0.0);
        }
      }
    }
  }
}

TEST_CASE("Modified Kneser-Ney discounts from count-of-counts", "[language]") {
  // Y = 10 / (10 + 2 * 5) = 0.5; D1 = 1 - 2Y 5/10, D2 = 2 - 3Y 3/5, D3+ = 3 - 4Y 2/3.
  const auto d = ModifiedKneserNeyDiscounts(10, 5, 3, 2);
  CHECK(d[0] == Approx(0.5));
  CHECK(d[1] == Approx(1.1));
  CHECK(d[2] == Approx(3.0 - 4.0 / 3.0));
  // A missing count-of-count: all three are Y = 1 / (1 + 2 * 2) = 0.2.
  const auto fallback = ModifiedKneserNeyDiscounts(1, 2, 0, 0);
  CHECK(fallback[0] == Approx(0.2));
  CHECK(fallback[2] == Approx(0.2));
}

TEST_CASE("Kneser-Ney on a tiny stream matches a hand computation", "[language]") {
  // a b a b a c (a = 0, b = 1, c = 2). Bigrams: ab x2, ba x2, ac x1.
  const std::vector<int> tokens = {0, 1, 0, 1, 0, 2};
  KneserNeyModel model;
  std::string error;
  REQUIRE(KneserNeyModel::Train(tokens, 3, 1, &model, &error));
  // Raw unigram counts 3, 2, 1: n1 = n2 = n3 = 1, n4 = 0 -> all discounts Y = 1/3.
  CHECK(model.Discounts(0, true)[0] == Approx(1.0 / 3));
  // Raw bigram counts 2, 2, 1: Y = 1 / (1 + 4) = 0.2 (n3 = 0: fallback).
  CHECK(model.Discounts(1, true)[1] == Approx(0.2));
  // Continuation unigram counts: each of a, b, c follows one distinct token -> 1, 1, 1:
  // Y = 1, D = 1, so the lower order is uniform 1/3.
  CHECK(model.Discounts(0, false)[0] == Approx(1.0));
  // P(b | a) = (2 - 0.2)/3 + (0.2 * 2 / 3) * 1/3; P(c | a) = (1 - 0.2)/3 + 0.4/9; P(a | a) = 0.4/9.
  CHECK(model.Probability({0}, 1, 1) == Approx(1.8 / 3 + 0.4 / 9));
  CHECK(model.Probability({0}, 2, 1) == Approx(0.8 / 3 + 0.4 / 9));
  CHECK(model.Probability({0}, 0, 1) == Approx(0.4 / 9));
  // P(a | b) = (2 - 0.2)/2 + (0.2 * 1 / 2) * 1/3.
  CHECK(model.Probability({1}, 0, 1) == Approx(0.9 + 0.1 / 3));
  // Unseen context c: full back-off to the continuation unigram (uniform here).
  CHECK(model.Probability({2}, 0, 1) == Approx(1.0 / 3));
  // Unigram top order, raw counts, D = 1/3: P(a) = (3 - 1/3)/6 + (1/3 * 3 / 6) * 1/3 = 1/2.
  CHECK(model.Probability({}, 0, 0) == Approx(0.5));
  CHECK(model.Probability({}, 1, 0) == Approx(1.0 / 3));
  CHECK(model.Probability({}, 2, 0) == Approx(1.0 / 6));
  CHECK(model.NumNGrams(1) == 3);
}

TEST_CASE("Kneser-Ney cross-entropy equals the mean of -log Probability", "[language]") {
  const std::vector<int> train = RandomTokens(5, 4000, 9), held = RandomTokens(6, 500, 9);
  KneserNeyModel model;
  std::string error;
  REQUIRE(KneserNeyModel::Train(train, 9, 4, &model, &error));
  const std::vector<double> loss = model.CrossEntropyByOrder(held, 4);
  REQUIRE(loss.size() == 5);
  for (int k = 0; k <= 4; ++k) {
    double sum = 0;
    for (std::size_t i = 4; i < held.size(); ++i) {
      const std::vector<int> context(held.begin() + (i - 4), held.begin() + i);
      sum -= std::log(model.Probability(context, held[i], k));
    }
    CHECK(loss[k] == Approx(sum / double(held.size() - 4)).epsilon(1e-12));
  }
}

TEST_CASE("Kneser-Ney picks order 2 on an order-2 Markov chain and reaches its entropy rate",
          "[language]") {
  // x_i = (x_{i-1} + x_{i-2}) mod 4 with probability 0.8, else uniform: entropy rate
  // H = -(0.8 + 0.05) log(0.85) - 3 (0.05) log(0.05).
  auto chain = [](std::uint64_t seed, std::size_t n) {
    Xoshiro256pp rng(seed);
    std::vector<int> out = {0, 1};
    while (out.size() < n) {
      const int next =
          (rng() % 5 < 4) ? (out[out.size() - 1] + out[out.size() - 2]) % 4 : int(rng() % 4);
      out.push_back(next);
    }
    return out;
  };
  KneserNeyFit fit;
  std::string error;
  REQUIRE(FitKneserNey(chain(1, 200000), chain(2, 20000), chain(3, 20000), 4, 5, &fit, &error));
  const double rate = -0.85 * std::log(0.85) - 0.15 * std::log(0.05);
  CHECK(fit.validation_by_order[2] < fit.validation_by_order[1] - 0.1);
  CHECK(fit.context_length >= 2);
  CHECK(fit.test_loss == Approx(rate).margin(0.01));
}

TEST_CASE("Kneser-Ney rejects bad input with the field named", "[language]") {
  KneserNeyModel model;
  std::string error;
  CHECK_FALSE(KneserNeyModel::Train({0, 1, 5}, 3, 2, &model, &error));
  CHECK_THAT(error, Catch::Contains("position 2") && Catch::Contains("vocab_size = 3"));
  CHECK_FALSE(KneserNeyModel::Train({0, 1}, 1, 2, &model, &error));
  CHECK_THAT(error, Catch::Contains("vocab_size"));
  CHECK_FALSE(KneserNeyModel::Train({0, 1}, 3, -1, &model, &error));
  CHECK_THAT(error, Catch::Contains("max_context"));
  CHECK_FALSE(KneserNeyModel::Train({}, 3, 1, &model, &error));
  CHECK_THAT(error, Catch::Contains("no training tokens"));
}

}  // namespace
}  // namespace scalebench
