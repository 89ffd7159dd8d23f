// The transformer learner (harness/learners/transformer/transformer_lm.h): it learns a source
// with a known entropy rate, its mask is causal, and its numbers are reproducible.
#include "harness/learners/transformer/transformer_lm.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "datasets/generators/random.h"

namespace scalebench {
namespace {

// An order-2 Markov chain on V symbols with random, peaked transition rows: P(c | a, b).
struct Markov2 {
  int vocab = 4;
  std::vector<double> rows;  // (a V + b) V + c

  explicit Markov2(int v, std::uint64_t seed) : vocab(v), rows(std::size_t(v * v * v)) {
    Xoshiro256pp rng(seed);
    for (int ab = 0; ab < v * v; ++ab) {
      double total = 0.0;
      for (int c = 0; c < v; ++c) {
        const double w = std::exp(2.5 * StandardNormal(rng));
        rows[std::size_t(ab * v + c)] = w;
        total += w;
      }
      for (int c = 0; c < v; ++c) rows[std::size_t(ab * v + c)] /= total;
    }
  }
  std::vector<int> Sample(std::size_t n, std::uint64_t seed) const {
    Xoshiro256pp rng(seed);
    std::vector<int> x = {0, 1};
    while (x.size() < n) {
      const int ab = x[x.size() - 2] * vocab + x.back();
      double u = rng.UniformOpen();
      int c = 0;
      while (c < vocab - 1 && (u -= rows[std::size_t(ab * vocab + c)]) > 0.0) ++c;
      x.push_back(c);
    }
    return x;
  }
  // Entropy rate: sum over pair states of pi(a, b) H(P(. | a, b)), pi by power iteration.
  double EntropyRate() const {
    const int s = vocab * vocab;
    std::vector<double> pi(static_cast<std::size_t>(s), 1.0 / s);
    std::vector<double> next(static_cast<std::size_t>(s));
    for (int it = 0; it < 5000; ++it) {
      std::fill(next.begin(), next.end(), 0.0);
      for (int ab = 0; ab < s; ++ab) {
        for (int c = 0; c < vocab; ++c) {
          next[std::size_t((ab % vocab) * vocab + c)] +=
              pi[std::size_t(ab)] * rows[std::size_t(ab * vocab + c)];
        }
      }
      pi.swap(next);
    }
    double h = 0.0;
    for (int ab = 0; ab < s; ++ab) {
      for (int c = 0; c < vocab; ++c) {
        const double p = rows[std::size_t(ab * vocab + c)];
        if (p > 0.0) h -= pi[std::size_t(ab)] * p * std::log(p);
      }
    }
    return h;
  }
};

TransformerLmOptions Tiny(int vocab) {
  TransformerLmOptions o;
  o.vocab_size = vocab;
  o.width = 32;
  o.depth = 1;
  o.heads = 2;
  o.context = 16;
  o.batch = 16;
  o.learning_rate = 5e-3;
  o.warmup_steps = 50;
  o.tokens = 256 * 1200;
  o.seed = 7;
  return o;
}

}  // namespace

TEST_CASE("Transformer LM learns an order-2 Markov source to within 0.02 nats of its entropy rate",
          "[unit][transformer]") {
  const Markov2 source(4, 11);
  const double rate = source.EntropyRate();
  const TransformerLmOptions o = Tiny(4);
  const std::vector<int> train = source.Sample(std::size_t(o.tokens), 1);
  const std::vector<int> test = source.Sample(40000, 2);
  std::vector<double> first, last;
  std::string error;
  REQUIRE(TrainTransformerOnline(
      train,
      o,
      1,
      {o.batch * o.context, o.tokens},
      [&](const TransformerLm& model, long) {
        std::vector<double> sums;
        const std::size_t windows = model.AddLossByPosition(test, &sums);
        // Positions n >= 2 see both predecessors: their loss tends to the entropy rate.
        double total = 0.0;
        for (std::size_t n = 2; n < sums.size(); ++n) total += sums[n];
        (first.empty() ? first : last).push_back(total / double(windows * (sums.size() - 2)));
      },
      &error));
  INFO("entropy rate " << rate << ", loss after one step " << first[0] << ", at the end "
                       << last[0]);
  CHECK(first[0] > rate + 0.3);
  CHECK(last[0] >= rate - 0.01);  // a held-out loss cannot beat the rate beyond sampling noise
  CHECK(last[0] < rate + 0.02);
}

TEST_CASE(
    "Transformer LM is causal: changing token t+1 leaves the loss at positions <= t unchanged",
    "[unit][transformer]") {
  TransformerLmOptions o = Tiny(8);
  o.depth = 2;
  TransformerLm model(o, 1);
  // A few steps so that attention is not uniform.
  Xoshiro256pp rng(3);
  std::vector<int> batch(std::size_t(o.batch * o.context));
  for (int step = 0; step < 5; ++step) {
    for (int& x : batch) x = int(rng() % 8);
    model.Step(batch, 1e-2);
  }
  std::vector<int> window(batch.begin(), batch.begin() + o.context);
  for (int t : {0, 5, o.context - 2}) {
    std::vector<int> changed = window;
    changed[std::size_t(t + 1)] = (changed[std::size_t(t + 1)] + 3) % 8;
    std::vector<double> before, after;
    model.AddLossByPosition(window, &before);
    model.AddLossByPosition(changed, &after);
    for (int n = 0; n <= t; ++n) CHECK(after[std::size_t(n)] == before[std::size_t(n)]);
    // Position t + 1 predicts the changed token: its loss moves.
    CHECK(std::abs(after[std::size_t(t + 1)] - before[std::size_t(t + 1)]) > 1e-4);
  }
}

TEST_CASE("Transformer LM gives the same numbers for the same seed and others for another seed",
          "[unit][transformer]") {
  const Markov2 source(4, 5);
  TransformerLmOptions o = Tiny(4);
  o.tokens = 256 * 40;
  const std::vector<int> train = source.Sample(std::size_t(o.tokens), 1);
  const std::vector<int> test = source.Sample(4096, 2);
  auto run = [&](std::uint64_t seed) {
    TransformerLmOptions with = o;
    with.seed = seed;
    std::vector<double> losses;
    std::string error;
    REQUIRE(TrainTransformerOnline(
        train,
        with,
        1,
        {2560, 5120, 10240},
        [&](const TransformerLm& model, long) { losses.push_back(model.MeanLoss(test)); },
        &error));
    return losses;
  };
  const std::vector<double> a = run(1), b = run(1), c = run(2);
  CHECK(a == b);
  CHECK(a != c);
}

TEST_CASE("Transformer LM counts Kaplan's non-embedding parameters and every tensor entry",
          "[unit][transformer]") {
  TransformerLmOptions o = Tiny(10);
  o.width = 24;
  o.depth = 3;
  o.heads = 3;
  CHECK(TransformerNonEmbeddingParams(o) == 3 * (12 * 24 * 24 + 13 * 24) + 2 * 24);
  const TransformerLm model(o, 1);
  CHECK(model.ParameterCount() == TransformerParams(o));
  CHECK(TransformerParams(o) == TransformerNonEmbeddingParams(o) + 11 * 24 + 16 * 24);
}

TEST_CASE("Transformer LM schedules warm up, then decay by cosine or WSD to the floor",
          "[unit][transformer]") {
  TransformerLmOptions o = Tiny(4);
  o.learning_rate = 1.0;
  o.final_lr_fraction = 0.1;
  o.warmup_steps = 10;
  o.tokens = 256 * 100;  // 100 steps
  CHECK(LearningRateAt(o, 5) == Approx(0.5));
  CHECK(LearningRateAt(o, 10) == Approx(1.0));
  CHECK(LearningRateAt(o, 55) == Approx(0.55));  // half-way through the cosine
  CHECK(LearningRateAt(o, 100) == Approx(0.1));
  o.schedule = LrSchedule::kWsd;
  o.decay_fraction = 0.2;
  CHECK(LearningRateAt(o, 80) == Approx(1.0));
  CHECK(LearningRateAt(o, 90) == Approx(0.55));
  CHECK(LearningRateAt(o, 100) == Approx(0.1));
}

TEST_CASE("Transformer LM options name the field and what was expected", "[unit][transformer]") {
  TransformerLmOptions o = Tiny(4);
  std::string error;
  CHECK(o.IsValid(&error));
  o.heads = 5;
  CHECK_FALSE(o.IsValid(&error));
  CHECK(error == "heads = 5 must be a divisor of width");
  o = Tiny(4);
  o.vocab_size = 0;
  CHECK_FALSE(o.IsValid(&error));
  CHECK(error.find("vocab_size") != std::string::npos);
  o = Tiny(4);
  std::string train_error;
  CHECK_FALSE(TrainTransformerOnline(
      std::vector<int>(100, 0), o, 1, {o.tokens}, [](const TransformerLm&, long) {}, &train_error));
  CHECK(train_error.find("training stream has 100 tokens") != std::string::npos);
}

}  // namespace scalebench
