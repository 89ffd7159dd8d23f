// The transformer learner's training step (harness/learners/transformer/transformer_lm.h) and
// the machine's float32 GEMM peak through the same OpenBLAS the step's matrix products use
// (the OpenMP build, linked first into every executable). scripts/bench-transformer.sh runs
// this beside bench/transformer_torch.py (the same model in Python PyTorch) and prints the
// tokens/s ratio and the step's GFLOP/s as a share of the peak.
//
// Counters: tokens_per_s (batch x context per step) and gflops (tokens_per_s x
// TransformerTrainingFlopsPerToken / 1e9); gflops for the GEMM.
//   build/release/bench/transformer_benchmark --benchmark_filter=Step/256
#include <benchmark/benchmark.h>
#include <omp.h>

#include <vector>

#include "datasets/generators/random.h"
#include "harness/learners/transformer/transformer_lm.h"

extern "C" void sgemm_(const char* transa,
                       const char* transb,
                       const int* m,
                       const int* n,
                       const int* k,
                       const float* alpha,
                       const float* a,
                       const int* lda,
                       const float* b,
                       const int* ldb,
                       const float* beta,
                       float* c,
                       const int* ldc);

namespace scalebench {
namespace {

// Args: width, depth, heads, context, batch, vocab, threads.
void BM_TransformerStep(benchmark::State& state) {
  TransformerLmOptions o;
  o.width = int(state.range(0));
  o.depth = int(state.range(1));
  o.heads = int(state.range(2));
  o.context = int(state.range(3));
  o.batch = int(state.range(4));
  o.vocab_size = int(state.range(5));
  o.learning_rate = 1e-3;
  o.tokens = long(o.batch) * o.context * 1000;
  const int threads = int(state.range(6));
  TransformerLm model(o, threads);
  Xoshiro256pp rng(2);
  std::vector<int> windows(std::size_t(o.batch * o.context));
  for (int& x : windows) x = int(rng() % std::uint64_t(o.vocab_size));
  for (int i = 0; i < 3; ++i) model.Step(windows, 1e-3);  // warm-up: allocations, pools
  for (auto _ : state) benchmark::DoNotOptimize(model.Step(windows, 1e-3));
  const double tokens = double(state.iterations()) * o.batch * o.context;
  state.counters["tokens_per_s"] = benchmark::Counter(tokens, benchmark::Counter::kIsRate);
  state.counters["gflops"] = benchmark::Counter(tokens * TransformerTrainingFlopsPerToken(o) / 1e9,
                                                benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TransformerStep)
    ->ArgNames({"width", "depth", "heads", "context", "batch", "vocab", "threads"})
    ->Args({64, 2, 4, 64, 16, 1024, 1})
    ->Args({256, 4, 4, 128, 16, 1024, 1})
    ->Args({256, 4, 4, 128, 16, 1024, 2})
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0)
    ->UseRealTime();

// Args: size, threads. C = A B, float32, size x size.
void BM_SgemmPeak(benchmark::State& state) {
  const int n = int(state.range(0));
  omp_set_num_threads(int(state.range(1)));
  std::vector<float> a(std::size_t(n) * n, 0.5f), b(a), c(a.size());
  const float one = 1.0f, zero = 0.0f;
  for (auto _ : state) {
    sgemm_("N", "N", &n, &n, &n, &one, a.data(), &n, b.data(), &n, &zero, c.data(), &n);
    benchmark::DoNotOptimize(c.data());
  }
  state.counters["gflops"] = benchmark::Counter(
      2.0 * double(n) * n * n * double(state.iterations()) / 1e9, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SgemmPeak)
    ->ArgNames({"size", "threads"})
    ->Args({1024, 1})
    ->Args({1024, 2})
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0)
    ->UseRealTime();

}  // namespace
}  // namespace scalebench

BENCHMARK_MAIN();
