// Throughput of the language pipeline on the King James Bible: Kneser-Ney counting (tokens/s),
// evaluation (tokens/s over all orders), one full fit as the target does it, SentencePiece BPE
// training, and RHM sampling. Every benchmark reports the process's peak resident memory so far
// (getrusage) as peak_rss_mb. Run (needs the Debian `bible` program):
//   build/<dir>/bench/language_benchmark --benchmark_min_time=0.01
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "datasets/generators/random_hierarchy.h"
#include "datasets/readers/text_corpus.h"
#include "datasets/tokenizers/bpe_tokenizer.h"
#include "datasets/tokenizers/char_tokenizer.h"
#include "harness/learners/kneser_ney.h"

namespace scalebench {
namespace {

struct KjvData {
  CorpusSplits splits;
  std::vector<int> train, validation;
  int vocab = 0;
};

const KjvData& Kjv() {
  static const KjvData data = [] {
    KjvData d;
    TextCorpus corpus;
    std::string error;
    if (!LoadKingJamesBible(&corpus, &error) || !SplitCorpus(corpus.text, {}, &d.splits, &error)) {
      std::fprintf(stderr, "language_benchmark: %s\n", error.c_str());
      std::exit(1);
    }
    const CharTokenizer tokenizer = CharTokenizer::Build(d.splits.train);
    d.train = tokenizer.Encode(d.splits.train);
    d.validation = tokenizer.Encode(d.splits.validation);
    d.validation.resize(100000);
    d.vocab = tokenizer.vocab_size();
    return d;
  }();
  return data;
}

void PeakMemory(benchmark::State& state) {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  state.counters["peak_rss_mb"] = double(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KB
}

std::vector<int> Prefix(const std::vector<int>& tokens, std::int64_t size) {
  return std::vector<int>(tokens.begin(),
                          tokens.begin() + std::min<std::size_t>(size, tokens.size()));
}

// Counting: all n-grams up to n = 11 (max_context 10) of P characters.
void BM_KneserNeyCount(benchmark::State& state) {
  const std::vector<int> train = Prefix(Kjv().train, state.range(0));
  for (auto _ : state) {
    KneserNeyModel model;
    std::string error;
    if (!KneserNeyModel::Train(train, Kjv().vocab, 10, &model, &error))
      state.SkipWithError(error.c_str());
    benchmark::DoNotOptimize(model.NumNGrams(10));
  }
  state.SetItemsProcessed(state.iterations() * std::int64_t(train.size()));
  PeakMemory(state);
}
BENCHMARK(BM_KneserNeyCount)
    ->Arg(100000)
    ->Arg(1000000)
    ->Arg(3740117)
    ->Unit(benchmark::kMillisecond);

// Evaluation: 1e5 validation characters, every top order 0..10 in one pass.
void BM_KneserNeyEvaluate(benchmark::State& state) {
  KneserNeyModel model;
  std::string error;
  KneserNeyModel::Train(Prefix(Kjv().train, state.range(0)), Kjv().vocab, 10, &model, &error);
  for (auto _ : state) benchmark::DoNotOptimize(model.CrossEntropyByOrder(Kjv().validation, 10));
  state.SetItemsProcessed(state.iterations() * std::int64_t(Kjv().validation.size()));
  PeakMemory(state);
}
BENCHMARK(BM_KneserNeyEvaluate)->Arg(1000000)->Unit(benchmark::kMillisecond);

// One point of the kjv_char curve: count, choose the order on validation, score test.
void BM_KneserNeyFitKjvChar(benchmark::State& state) {
  const std::vector<int> train = Prefix(Kjv().train, state.range(0));
  for (auto _ : state) {
    KneserNeyFit fit;
    std::string error;
    FitKneserNey(train, Kjv().validation, Kjv().validation, Kjv().vocab, 10, &fit, &error);
    state.counters["order"] = fit.context_length + 1;
    state.counters["loss_nats"] = fit.validation_loss;
  }
  PeakMemory(state);
}
BENCHMARK(BM_KneserNeyFitKjvChar)->Arg(1000000)->Arg(3740117)->Unit(benchmark::kMillisecond);

void BM_BpeTrainKjv(benchmark::State& state) {
  for (auto _ : state) {
    BpeTokenizerOptions options;
    options.vocab_size = int(state.range(0));
    BpeTokenizer tokenizer;
    std::string error;
    if (!BpeTokenizer::Train(Kjv().splits.train, options, &tokenizer, &error)) {
      state.SkipWithError(error.c_str());
    }
    state.counters["train_tokens"] = double(tokenizer.Encode(Kjv().splits.train).size());
  }
  PeakMemory(state);
}
BENCHMARK(BM_BpeTrainKjv)->Arg(1024)->Arg(2048)->Unit(benchmark::kMillisecond);

void BM_RhmSample(benchmark::State& state) {
  RandomHierarchy rhm;
  std::string error;
  RandomHierarchy::Create(RandomHierarchyOptions{}, &rhm, &error);
  for (auto _ : state) benchmark::DoNotOptimize(rhm.SampleStream(1, 125000));  // 1e6 tokens
  state.SetItemsProcessed(state.iterations() * 1000000);
  PeakMemory(state);
}
BENCHMARK(BM_RhmSample)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace scalebench

BENCHMARK_MAIN();
