#include "harness/learners/neural_lm.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "datasets/generators/random.h"
#include "harness/targets/language_entropy.h"

namespace scalebench {
namespace {

NeuralLmOptions SmallOptions() {
  NeuralLmOptions o;
  o.vocab_size = 5;
  o.context = 3;
  o.embedding_dim = 4;
  o.hidden = 6;
  o.batch = 7;
  return o;
}

std::vector<int> RandomTokens(std::uint64_t seed, std::size_t count, int vocab) {
  Xoshiro256pp rng(seed);
  std::vector<int> tokens(count);
  for (int& t : tokens) t = int(rng() % std::uint64_t(vocab));
  return tokens;
}

// Central differences of the batch loss for every entry of `param`, against `analytic`.
template <typename Block>
double MaxRelativeError(BasicNeuralLm<double>* model,
                        Block* param,
                        const Block& analytic,
                        const std::vector<int>& contexts,
                        const std::vector<int>& targets) {
  const double h = 1e-6;
  double worst = 0.0;
  for (Eigen::Index i = 0; i < param->size(); ++i) {
    const double saved = param->data()[i];
    param->data()[i] = saved + h;
    const double up = model->LossAndGradient(contexts, targets);
    param->data()[i] = saved - h;
    const double down = model->LossAndGradient(contexts, targets);
    param->data()[i] = saved;
    const double numeric = (up - down) / (2 * h);
    const double scale = std::max(1e-3, std::abs(numeric) + std::abs(analytic.data()[i]));
    worst = std::max(worst, std::abs(numeric - analytic.data()[i]) / scale);
  }
  return worst;
}

TEST_CASE("neural_lm: gradient of every parameter block matches central differences", "[unit]") {
  const NeuralLmOptions options = SmallOptions();
  BasicNeuralLm<double> model(options, /*seed=*/3);
  const int batch = 7;
  // Windows that repeat a token (and a token seen twice in the batch) exercise the scatter-add.
  const std::vector<int> contexts = RandomTokens(11, std::size_t(batch) * options.context, 5);
  const std::vector<int> targets = RandomTokens(12, batch, 5);
  model.LossAndGradient(contexts, targets);
  const Eigen::MatrixXd g_embeddings = model.grad_embeddings();
  const Eigen::MatrixXd g_w1 = model.grad_w1();
  const Eigen::VectorXd g_b1 = model.grad_b1();
  const Eigen::MatrixXd g_w2 = model.grad_w2();
  const Eigen::VectorXd g_b2 = model.grad_b2();
  REQUIRE(g_embeddings.norm() > 0.0);
  REQUIRE(g_w1.norm() > 0.0);

  CHECK(MaxRelativeError(&model, &model.embeddings(), g_embeddings, contexts, targets) < 1e-6);
  CHECK(MaxRelativeError(&model, &model.w1(), g_w1, contexts, targets) < 1e-6);
  CHECK(MaxRelativeError(&model, &model.b1(), g_b1, contexts, targets) < 1e-6);
  CHECK(MaxRelativeError(&model, &model.w2(), g_w2, contexts, targets) < 1e-6);
  CHECK(MaxRelativeError(&model, &model.b2(), g_b2, contexts, targets) < 1e-6);
}

TEST_CASE("neural_lm: float model agrees with the double one", "[unit]") {
  const NeuralLmOptions options = SmallOptions();
  BasicNeuralLm<double> exact(options, 3);
  NeuralLm fast(options, 3);
  const std::vector<int> contexts = RandomTokens(11, 7 * 3, 5);
  const std::vector<int> targets = RandomTokens(12, 7, 5);
  const double loss_exact = exact.LossAndGradient(contexts, targets);
  const double loss_fast = fast.LossAndGradient(contexts, targets);
  CHECK(loss_fast == Approx(loss_exact).epsilon(1e-5));
  CHECK((fast.grad_embeddings().cast<double>() - exact.grad_embeddings()).norm() <
        1e-5 * exact.grad_embeddings().norm());
}

TEST_CASE("neural_lm: MeanLoss scores positions from context on, uniform at zero weights",
          "[unit]") {
  NeuralLmOptions options = SmallOptions();
  NeuralLm model(options, 1);
  model.w2().setZero();
  model.b2().setZero();
  const std::vector<int> tokens = RandomTokens(5, 2000, 5);  // > one evaluation chunk
  CHECK(model.MeanLoss(tokens, tokens.size()) == Approx(std::log(5.0)).epsilon(1e-6));
  CHECK(std::isnan(model.MeanLoss(tokens, 3)));  // no position i >= context below end
  // A stride scores every k-th position: equal to the mean of the single positions.
  NeuralLm trained(options, 2);
  double sum = 0.0;
  int count = 0;
  for (std::size_t i = 3; i < 1500; i += 7, ++count) {
    sum += trained.MeanLoss(std::span<const int>(tokens).subspan(i - 3, 4), 4);
  }
  CHECK(trained.MeanLoss(tokens, 1500, 7) == Approx(sum / count).epsilon(1e-6));
}

// A periodic text in which every window of `context` characters determines the next one.
std::vector<int> PeriodicStream(int context, std::size_t length, int* vocab) {
  const std::string period = "the cat sat on the mat. ";
  std::map<char, int> ids;
  for (char ch : period) ids.emplace(ch, 0);
  int next = 0;
  for (auto& [ch, id] : ids) id = next++;
  *vocab = next;
  std::vector<int> tokens(length);
  for (std::size_t i = 0; i < length; ++i) tokens[i] = ids[period[i % period.size()]];
  std::map<std::vector<int>, int> follows;  // checks the claim above
  for (std::size_t i = std::size_t(context); i < period.size() + context; ++i) {
    const std::vector<int> window(tokens.begin() + (i - context), tokens.begin() + i);
    const auto [it, inserted] = follows.emplace(window, tokens[i]);
    REQUIRE((inserted || it->second == tokens[i]));
  }
  return tokens;
}

TEST_CASE("neural_lm: learns a deterministic periodic text to near-zero loss", "[unit]") {
  NeuralLmOptions options;
  options.context = 6;
  const std::vector<int> tokens = PeriodicStream(options.context, 2400, &options.vocab_size);
  options.embedding_dim = 8;
  options.hidden = 64;
  options.batch = 32;
  options.learning_rate = 1e-2;
  options.max_steps = 600;
  options.eval_interval = 50;
  options.patience = 100;
  NeuralLmFit fit;
  TrainNeuralLm(tokens, 1200, tokens, tokens, options, &fit);
  INFO("test loss " << fit.test_loss << " after " << fit.steps << " steps");
  CHECK(fit.test_loss < 0.01);
  CHECK(fit.validation_loss < 0.01);
  CHECK(fit.size == 1200);
}

TEST_CASE("neural_lm: early stopping keeps the best point on unlearnable data", "[unit]") {
  // Independent uniform tokens: nothing generalises, validation gets worse as the model
  // memorises 300 tokens, so training stops long before max_steps and the kept model is close
  // to uniform (log 8 nats).
  NeuralLmOptions options;
  options.vocab_size = 8;
  options.context = 4;
  options.hidden = 128;
  options.max_steps = 20000;
  options.eval_interval = 50;
  options.patience = 3;
  const std::vector<int> train = RandomTokens(1, 300, 8);
  const std::vector<int> held_out = RandomTokens(2, 3000, 8);
  NeuralLmFit fit;
  TrainNeuralLm(train, 300, held_out, held_out, options, &fit);
  CHECK(fit.steps < 2000);
  CHECK(fit.steps > fit.best_step);
  CHECK(fit.steps <= fit.best_step + 3 * options.eval_interval);
  CHECK(fit.test_loss == Approx(fit.validation_loss));  // same stream, same parameters
  CHECK(fit.test_loss < std::log(8.0) + 0.1);
}

TEST_CASE("neural_lm: the curve is deterministic given the seed", "[unit]") {
  NeuralLmOptions options = SmallOptions();
  options.max_steps = 60;
  options.warmup_steps = 10;
  options.eval_interval = 20;
  const std::vector<int> train = RandomTokens(1, 500, 5);
  const std::vector<int> validation = RandomTokens(2, 200, 5);
  const std::vector<int> test = RandomTokens(3, 200, 5);
  std::vector<double> first, second, other;
  std::vector<NeuralLmFit> fits;
  std::string error;
  REQUIRE(NeuralLmCurve(train, validation, test, {100, 500}, options, &first, &fits, &error));
  REQUIRE(NeuralLmCurve(train, validation, test, {100, 500}, options, &second, nullptr, &error));
  CHECK(first == second);
  REQUIRE(fits.size() == 2);
  CHECK(fits[1].size == 500);
  CHECK(fits[1].test_loss == first[1]);
  options.seed = 2;
  REQUIRE(NeuralLmCurve(train, validation, test, {100, 500}, options, &other, nullptr, &error));
  CHECK(other != first);
}

TEST_CASE("neural_lm: invalid options and inputs name the field", "[unit]") {
  const std::vector<int> stream = RandomTokens(1, 100, 5);
  std::vector<double> losses;
  auto error_of =
      [&](NeuralLmOptions o, std::vector<int> sizes = {50}, const std::vector<int>& train = {}) {
        std::string error;
        const bool ok = NeuralLmCurve(
            train.empty() ? stream : train, stream, stream, sizes, o, &losses, nullptr, &error);
        CHECK_FALSE(ok);
        return error;
      };
  const NeuralLmOptions good = SmallOptions();
  std::string error;
  CHECK(good.IsValid(&error));

  auto with = [&](auto change) {
    NeuralLmOptions o = good;
    change(o);
    return o;
  };
  CHECK_THAT(error_of(with([](auto& o) { o.vocab_size = 1; })), Catch::Contains("vocab_size"));
  CHECK_THAT(error_of(with([](auto& o) { o.context = 0; })), Catch::Contains("context"));
  CHECK_THAT(error_of(with([](auto& o) { o.embedding_dim = 0; })),
             Catch::Contains("embedding_dim"));
  CHECK_THAT(error_of(with([](auto& o) { o.hidden = 0; })), Catch::Contains("hidden"));
  CHECK_THAT(error_of(with([](auto& o) { o.learning_rate = 0; })),
             Catch::Contains("learning_rate"));
  CHECK_THAT(error_of(with([](auto& o) { o.batch = 0; })), Catch::Contains("batch"));
  CHECK_THAT(error_of(with([](auto& o) { o.max_steps = 0; })), Catch::Contains("max_steps"));
  CHECK_THAT(error_of(with([](auto& o) { o.warmup_steps = o.max_steps + 1; })),
             Catch::Contains("warmup_steps"));
  CHECK_THAT(error_of(with([](auto& o) { o.final_lr_fraction = 1.5; })),
             Catch::Contains("final_lr_fraction"));
  CHECK_THAT(error_of(with([](auto& o) { o.eval_interval = 0; })),
             Catch::Contains("eval_interval"));
  CHECK_THAT(error_of(with([](auto& o) { o.patience = 0; })), Catch::Contains("patience"));
  CHECK_THAT(error_of(with([](auto& o) { o.validation_tokens = -1; })),
             Catch::Contains("validation_tokens"));
  CHECK_THAT(error_of(with([](auto& o) { o.test_tokens = -1; })), Catch::Contains("test_tokens"));
  CHECK_THAT(error_of(with([](auto& o) { o.adam.beta1 = 1.0; })), Catch::Contains("adam"));

  CHECK_THAT(error_of(good, {3}), Catch::Contains("context"));     // no full window
  CHECK_THAT(error_of(good, {50, 40}), Catch::Contains("sizes"));  // not increasing
  CHECK_THAT(error_of(good, {101}), Catch::Contains("sizes[0]"));  // beyond the stream
  std::vector<int> bad = stream;
  bad[17] = 5;
  CHECK_THAT(error_of(good, {50}, bad), Catch::Contains("train[17] = 5"));
}

// The variable-context model and the H_n curve read off it (harness/targets/language_entropy.h).

NeuralLmOptions VariableOptions() {
  NeuralLmOptions o = SmallOptions();
  o.variable_context = true;
  return o;
}

TEST_CASE("neural_lm variable context: the padding token has its own embedding and gradient",
          "[unit]") {
  const NeuralLmOptions options = VariableOptions();
  BasicNeuralLm<double> model(options, 4);
  REQUIRE(model.embeddings().cols() == options.vocab_size + 1);
  CHECK(model.pad_token() == options.vocab_size);
  CHECK(NeuralLmParameterCount(options) == NeuralLmParameterCount([&] {
                                             NeuralLmOptions fixed = options;
                                             fixed.variable_context = false;
                                             return fixed;
                                           }()) +
                                               options.embedding_dim);
  // Windows with 0, 1, 2 and 3 real tokens.
  const int pad = model.pad_token();
  const std::vector<int> contexts = {pad, pad, pad, pad, pad, 1, pad, 2, 2, 0,   4,   3,
                                     pad, pad, 4,   pad, 1,   1, 3,   3, 0, pad, pad, pad};
  const std::vector<int> targets = {0, 1, 2, 3, 4, 0, 1, 2};
  model.LossAndGradient(contexts, targets);
  const Eigen::MatrixXd analytic = model.grad_embeddings();
  const Eigen::MatrixXd g_w1 = model.grad_w1();  // before the checks overwrite the gradients
  REQUIRE(analytic.col(pad).norm() > 0);
  CHECK(MaxRelativeError(&model, &model.embeddings(), analytic, contexts, targets) < 1e-6);
  CHECK(MaxRelativeError(&model, &model.w1(), g_w1, contexts, targets) < 1e-6);
}

TEST_CASE("neural_lm variable context: LossByContext and MeanLoss score padded windows", "[unit]") {
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
  CHECK_FALSE(NeuralLmEntropyCurve(train,
                                   std::vector<int>(heldout.begin(), heldout.begin() + 900),
                                   5,
                                   neural,
                                   10,
                                   &input,
                                   &error));
  CHECK_THAT(error, Catch::Contains("900 held-out tokens"));
  std::vector<int> bad = heldout;
  bad[17] = 5;
  CHECK_FALSE(NeuralLmEntropyCurve(train, bad, 5, neural, 10, &input, &error));
  CHECK_THAT(error, Catch::Contains("heldout[17] = 5"));
  neural.hidden = 0;
  CHECK_FALSE(NeuralLmEntropyCurve(train, heldout, 5, neural, 10, &input, &error));
  CHECK_THAT(error, Catch::Contains("hidden = 0 must be >= 1"));
}

}  // namespace
}  // namespace scalebench
