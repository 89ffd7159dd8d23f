// The variable-context neural LM and the H_n curve read off it (harness/targets/
// language_entropy.h): gradients with the padding token, losses by context length, and H_n of an
// order-3 Markov chain whose conditional entropies are known exactly.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "datasets/generators/random.h"
#include "harness/learners/neural_lm.h"
#include "harness/targets/language_entropy.h"

namespace scalebench {
namespace {

NeuralLmOptions VariableOptions() {
  NeuralLmOptions o;
  o.vocab_size = 5;
  o.context = 3;
  o.embedding_dim = 4;
  o.hidden = 6;
  o.batch = 8;
  o.variable_context = true;
  return o;
}

std::vector<int> RandomTokens(std::uint64_t seed, std::size_t count, int vocab) {
  Xoshiro256pp rng(seed);
  std::vector<int> tokens(count);
  for (int& t : tokens) t = int(rng() % std::uint64_t(vocab));
  return tokens;
}

TEST_CASE("neural_lm variable context: the padding token has its own embedding and gradient",
          "[unit]") {
  const NeuralLmOptions options = VariableOptions();
  BasicNeuralLm<double> model(options, 4);
  REQUIRE(model.embeddings().cols() == options.vocab_size + 1);
  CHECK(model.pad_token() == options.vocab_size);
  CHECK(NeuralLmParameterCount(options) ==
        NeuralLmParameterCount([&] {
          NeuralLmOptions fixed = options;
          fixed.variable_context = false;
          return fixed;
        }()) + options.embedding_dim);
  // Windows with 0, 1, 2 and 3 real tokens.
  const int pad = model.pad_token();
  const std::vector<int> contexts = {pad, pad, pad, pad, pad, 1, pad, 2, 2, 0, 4, 3,
                                     pad, pad, 4, pad, 1, 1, 3, 3, 0, pad, pad, pad};
  const std::vector<int> targets = {0, 1, 2, 3, 4, 0, 1, 2};
  model.LossAndGradient(contexts, targets);
  const Eigen::MatrixXd analytic = model.grad_embeddings();
  REQUIRE(analytic.col(pad).norm() > 0);
  double worst = 0;
  for (Eigen::Index i = 0; i < model.embeddings().size(); ++i) {
    const double saved = model.embeddings().data()[i], h = 1e-6;
    model.embeddings().data()[i] = saved + h;
    const double up = model.LossAndGradient(contexts, targets);
    model.embeddings().data()[i] = saved - h;
    const double down = model.LossAndGradient(contexts, targets);
    model.embeddings().data()[i] = saved;
    const double numeric = (up - down) / (2 * h);
    worst = std::max(worst, std::abs(numeric - analytic.data()[i]) /
                                std::max(1e-3, std::abs(numeric) + std::abs(analytic.data()[i])));
  }
  CHECK(worst < 1e-6);
}

TEST_CASE("neural_lm variable context: LossByContext and MeanLoss score padded windows",
          "[unit]") {
  const NeuralLmOptions options = VariableOptions();
  BasicNeuralLm<double> model(options, 9);
  const std::vector<int> tokens = RandomTokens(3, 1500, options.vocab_size);  // > one chunk
  const int c = options.context, pad = model.pad_token();
  // Window of position i keeping its last n tokens.
  const auto window = [&](std::size_t i, int n) {
    std::vector<int> w(std::size_t(c), pad);
    for (int k = c - n; k < c; ++k) w[std::size_t(k)] = tokens[i - std::size_t(c - k)];
    return w;
  };
  std::vector<double> by_context;
  model.LossByContext(tokens, 10, 1400, &by_context);
  REQUIRE(by_context.size() == std::size_t(c + 1));
  for (int n = 0; n <= c; ++n) {
    double sum = 0;
    for (std::size_t i = 10; i < 1400; ++i)
      sum += model.LossAndGradient(window(i, n), std::vector<int>{tokens[i]});
    CHECK(by_context[std::size_t(n)] == Approx(sum).epsilon(1e-10));
  }
  // MeanLoss scores the j-th position of its grid with j mod (c + 1) tokens.
  double sum = 0;
  int count = 0;
  for (std::size_t i = std::size_t(c); i < 1500; i += 5, ++count)
    sum += model.LossAndGradient(window(i, count % (c + 1)), std::vector<int>{tokens[i]});
  CHECK(model.MeanLoss(tokens, 1500, 5) == Approx(sum / count).epsilon(1e-10));
}

// An order-3 Markov chain on 4 symbols, P(x | a, b, c) ~ exp(s1[c][x] + s2[b][x] + s3[a][x])
// (c the latest token) with score tables of decreasing size, so that every extra token of
// context up to 3 lowers the conditional entropy and none after.
struct MarkovChain {
  static constexpr int kVocab = 4, kOrder = 3, kStates = 64;
  std::vector<std::vector<double>> next;  // [state = a*16 + b*4 + c][x]

  MarkovChain() : next(kStates, std::vector<double>(kVocab)) {
    Xoshiro256pp rng(77);
    double scores[kOrder][kVocab][kVocab];
    const double scale[kOrder] = {2.5, 1.4, 1.0};  // latest token first
    for (int lag = 0; lag < kOrder; ++lag)
      for (auto& row : scores[lag])
        for (double& v : row) v = scale[lag] * StandardNormal(rng);
    for (int s = 0; s < kStates; ++s) {
      const int a = s / 16, b = (s / 4) % 4, c = s % 4;
      double total = 0;
      for (int x = 0; x < kVocab; ++x) {
        next[s][x] = std::exp(scores[0][c][x] + scores[1][b][x] + scores[2][a][x]);
        total += next[s][x];
      }
      for (double& p : next[s]) p /= total;
    }
  }

  std::vector<int> Sample(std::uint64_t seed, std::size_t count) const {
    Xoshiro256pp rng(seed);
    std::vector<int> tokens(count);
    int state = 0;
    for (std::size_t i = 0; i < count; ++i) {
      double u = rng.UniformOpen();
      int x = 0;
      while (x < kVocab - 1 && (u -= next[state][x]) > 0) ++x;
      tokens[i] = x;
      state = (state * kVocab + x) % kStates;
    }
    return tokens;
  }

  // Exact H_n in nats, n = 0..max_n, from the stationary law of the 3-token state.
  std::vector<double> Entropy(int max_n) const {
    std::vector<double> pi(kStates, 1.0 / kStates);
    for (int iteration = 0; iteration < 2000; ++iteration) {
      std::vector<double> moved(kStates, 0.0);
      for (int s = 0; s < kStates; ++s)
        for (int x = 0; x < kVocab; ++x) moved[(s * kVocab + x) % kStates] += pi[s] * next[s][x];
      pi = moved;
    }
    std::vector<double> h(std::size_t(max_n) + 1);
    for (int n = 0; n <= max_n; ++n) {
      const int kept = std::min(n, kOrder);  // the last `kept` tokens of the state
      const int contexts = int(std::pow(kVocab, kept));
      std::vector<std::vector<double>> joint(std::size_t(contexts),
                                             std::vector<double>(std::size_t(kVocab), 0.0));
      for (int s = 0; s < kStates; ++s)
        for (int x = 0; x < kVocab; ++x) joint[std::size_t(s % contexts)][x] += pi[s] * next[s][x];
      double entropy = 0;
      for (const auto& row : joint) {
        double total = 0;
        for (double p : row) total += p;
        for (double p : row)
          if (p > 0) entropy -= p * std::log(p / total);
      }
      h[std::size_t(n)] = entropy;
    }
    return h;
  }
};

TEST_CASE("NeuralLmEntropyCurve recovers the exact H_n of an order-3 Markov chain", "[unit]") {
  const MarkovChain chain;
  const std::vector<double> exact = chain.Entropy(5);
  REQUIRE(exact[0] - exact[1] > 0.05);  // the chain is built so that each lag up to 3 matters
  REQUIRE(exact[1] - exact[2] > 0.02);
  REQUIRE(exact[2] - exact[3] > 0.005);
  REQUIRE(exact[4] == Approx(exact[3]).epsilon(1e-12));

  NeuralLmOptions neural;
  neural.vocab_size = MarkovChain::kVocab;
  neural.variable_context = true;
  neural.context = 5;
  neural.embedding_dim = 8;
  neural.hidden = 64;
  neural.batch = 128;
  neural.max_steps = 3000;
  neural.eval_interval = 250;
  neural.validation_tokens = 4096;
  const std::vector<int> train = chain.Sample(1, 200000);
  const std::vector<int> heldout = chain.Sample(2, 40000);
  EntropyCurveInput input;
  std::string error;
  REQUIRE(NeuralLmEntropyCurve(train, heldout, MarkovChain::kVocab, neural, 10, &input, &error));
  REQUIRE(input.block_loss.size() == 10);
  std::size_t positions = 0;
  for (std::size_t count : input.block_positions) positions += count;
  CHECK(positions == 30000 - 5);  // the last three quarters of the held-out stream, from n = 5
  for (int n = 0; n <= 5; ++n) {
    double total = 0;
    for (const auto& block : input.block_loss) total += block[std::size_t(n)];
    const double h = total / double(positions);
    INFO("n = " << n << ": model " << h << ", exact " << exact[std::size_t(n)]);
    // An upper bound up to held-out noise (SE ~0.004 nats over 3e4 positions), and close to it.
    CHECK(h > exact[std::size_t(n)] - 0.015);
    CHECK(h < exact[std::size_t(n)] + 0.015);
    CHECK(input.half_data_entropy[std::size_t(n)] < exact[std::size_t(n)] + 0.025);
  }
}

TEST_CASE("NeuralLmEntropyCurve names what is wrong with its input", "[unit]") {
  NeuralLmOptions neural = VariableOptions();
  const std::vector<int> train = RandomTokens(1, 5000, 5);
  const std::vector<int> heldout = RandomTokens(2, 6000, 5);
  EntropyCurveInput input;
  std::string error;
  neural.variable_context = false;
  CHECK_FALSE(NeuralLmEntropyCurve(train, heldout, 5, neural, 10, &input, &error));
  CHECK_THAT(error, Catch::Contains("variable_context"));
  neural.variable_context = true;
  CHECK_FALSE(NeuralLmEntropyCurve(train, heldout, 6, neural, 10, &input, &error));
  CHECK_THAT(error, Catch::Contains("vocab_size = 5") && Catch::Contains("6"));
  CHECK_FALSE(NeuralLmEntropyCurve(train, std::vector<int>(heldout.begin(), heldout.begin() + 900),
                                   5, neural, 10, &input, &error));
  CHECK_THAT(error, Catch::Contains("900 held-out tokens"));
  std::vector<int> bad = heldout;
  bad[17] = 5;
  CHECK_FALSE(NeuralLmEntropyCurve(train, bad, 5, neural, 10, &input, &error));
  CHECK_THAT(error, Catch::Contains("heldout[17] = 5"));
  neural.hidden = 0;
  CHECK_FALSE(NeuralLmEntropyCurve(train, heldout, 5, neural, 10, &input, &error));
  CHECK_THAT(error, Catch::Contains("neural_lm.hidden"));
}

}  // namespace
}  // namespace scalebench
