// Cost of the neural_lm learner (harness/learners/neural_lm.h) on the character-level King James
// Bible: one training step and one evaluation chunk (Google Benchmark), and, with --curve, whole
// learning curves as a target would train them, printed per size and seed with their wall time.
// Needs the Debian `bible` program. Run:
//   build/<dir>/bench/neural_lm_benchmark --benchmark_min_time=0.1
//   build/<dir>/bench/neural_lm_benchmark --curve=tiny   # the default-suite setting
//   build/<dir>/bench/neural_lm_benchmark --curve=full   # the full-suite setting
//   build/<dir>/bench/neural_lm_benchmark --curve=full --seeds=1 hidden=512 steps=20000  # a trial
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "datasets/readers/text_corpus.h"
#include "datasets/tokenizers/char_tokenizer.h"
#include "harness/learners/neural_lm.h"

namespace scalebench {
namespace {

struct KjvChars {
  std::vector<int> train, validation, test;
  int vocab = 0;
};

const KjvChars& Kjv() {
  static const KjvChars data = [] {
    KjvChars d;
    TextCorpus corpus;
    CorpusSplits splits;
    std::string error;
    if (!LoadKingJamesBible(&corpus, &error) || !SplitCorpus(corpus.text, {}, &splits, &error)) {
      std::fprintf(stderr, "neural_lm_benchmark: %s\n", error.c_str());
      std::exit(1);
    }
    const CharTokenizer tokenizer = CharTokenizer::Build(splits.train);
    d.train = tokenizer.Encode(splits.train);
    d.validation = tokenizer.Encode(splits.validation);
    d.test = tokenizer.Encode(splits.test);
    d.vocab = tokenizer.vocab_size();
    return d;
  }();
  return data;
}

// The settings proposed for the KJV character target (see the report of issue 6 part B).
NeuralLmOptions Setting(const std::string& name) {
  NeuralLmOptions o;
  o.vocab_size = Kjv().vocab;
  if (name == "tiny") {
    o.context = 8;
    o.embedding_dim = 16;
    o.hidden = 128;
    o.max_steps = 3000;
    o.eval_interval = 100;
    o.patience = 5;
    o.validation_tokens = 8192;
    o.test_tokens = 32768;
  } else {  // full
    o.context = 8;
    o.embedding_dim = 16;
    o.hidden = 256;
    o.max_steps = 20000;
    o.eval_interval = 250;
    o.patience = 8;
    o.validation_tokens = 16384;
    o.test_tokens = 0;
  }
  return o;
}

std::vector<int> Sizes(const std::string& name) {
  if (name == "tiny") return {1000, 3000, 10000, 30000, 100000};
  return {1000, 3000, 10000, 30000, 100000, 300000};
}

void BM_NeuralLmStep(benchmark::State& state) {
  NeuralLmOptions o = Setting("full");
  o.hidden = int(state.range(0));
  NeuralLm model(o, 1);
  const std::vector<int>& train = Kjv().train;
  std::vector<int> contexts(std::size_t(o.batch) * o.context), targets(o.batch);
  for (int j = 0; j < o.batch; ++j) {
    const std::size_t i = o.context + std::size_t(j) * 997;
    std::copy(train.begin() + (i - o.context), train.begin() + i, contexts.begin() + j * o.context);
    targets[j] = train[i];
  }
  for (auto _ : state) benchmark::DoNotOptimize(model.Step(contexts, targets, 1e-3));
  state.counters["tokens_per_s"] =
      benchmark::Counter(double(o.batch) * double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_NeuralLmStep)->Arg(128)->Arg(256)->Unit(benchmark::kMicrosecond);

void BM_NeuralLmEvaluate(benchmark::State& state) {
  NeuralLm model(Setting("full"), 1);
  const std::size_t end = 8 + 16384;
  for (auto _ : state) benchmark::DoNotOptimize(model.MeanLoss(Kjv().validation, end));
  state.counters["tokens_per_s"] =
      benchmark::Counter(16384.0 * double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_NeuralLmEvaluate)->Unit(benchmark::kMillisecond);

// Overrides of the setting for trials: key=value with key one of context, embedding, hidden,
// steps, interval, patience, lr, batch.
bool Override(const std::string& arg, NeuralLmOptions* o) {
  const auto eq = arg.find('=');
  if (eq == std::string::npos) return false;
  const std::string key = arg.substr(0, eq);
  const double value = std::atof(arg.c_str() + eq + 1);
  if (key == "context")
    o->context = int(value);
  else if (key == "embedding")
    o->embedding_dim = int(value);
  else if (key == "hidden")
    o->hidden = int(value);
  else if (key == "steps")
    o->max_steps = long(value);
  else if (key == "interval")
    o->eval_interval = long(value);
  else if (key == "patience")
    o->patience = int(value);
  else if (key == "lr")
    o->learning_rate = value;
  else if (key == "batch")
    o->batch = int(value);
  else
    return false;
  return true;
}

int RunCurve(const std::string& name, int seeds, const std::vector<std::string>& overrides) {
  NeuralLmOptions options = Setting(name);
  for (const std::string& arg : overrides) {
    if (!Override(arg, &options)) {
      std::fprintf(stderr, "neural_lm_benchmark: unknown override '%s'\n", arg.c_str());
      return 2;
    }
  }
  const auto start = std::chrono::steady_clock::now();
  std::printf("setting %s: V = %d, context %d, embedding %d, hidden %d, %ld parameters\n",
              name.c_str(),
              options.vocab_size,
              options.context,
              options.embedding_dim,
              options.hidden,
              NeuralLmParameterCount(options));
  std::printf(
      "%8s %5s %10s %10s %6s %6s %8s\n", "P", "seed", "test", "valid", "best", "steps", "time_s");
  for (int seed = 1; seed <= seeds; ++seed) {
    options.seed = std::uint64_t(seed);
    for (int size : Sizes(name)) {
      const auto t0 = std::chrono::steady_clock::now();
      std::vector<double> losses;
      std::vector<NeuralLmFit> fits;
      std::string error;
      if (!NeuralLmCurve(
              Kjv().train, Kjv().validation, Kjv().test, {size}, options, &losses, &fits, &error)) {
        std::fprintf(stderr, "neural_lm_benchmark: %s\n", error.c_str());
        return 1;
      }
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::printf("%8d %5d %10.4f %10.4f %6ld %6ld %8.2f\n",
                  size,
                  seed,
                  fits[0].test_loss,
                  fits[0].validation_loss,
                  fits[0].best_step,
                  fits[0].steps,
                  seconds);
      std::fflush(stdout);
    }
  }
  std::printf("total %.1f s\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return 0;
}

}  // namespace
}  // namespace scalebench

int main(int argc, char** argv) {
  // --curve=tiny|full [--seeds=N] [key=value ...]
  if (argc > 1 && std::strncmp(argv[1], "--curve=", 8) == 0) {
    int seeds = 3;
    std::vector<std::string> overrides;
    for (int i = 2; i < argc; ++i) {
      if (std::strncmp(argv[i], "--seeds=", 8) == 0) {
        seeds = std::atoi(argv[i] + 8);
      } else {
        overrides.emplace_back(argv[i]);
      }
    }
    return scalebench::RunCurve(argv[1] + 8, seeds, overrides);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
