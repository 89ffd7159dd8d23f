// Training speed of the PLRF SGD learner (harness/learners/plrf_sgd.h): samples/s (wall clock) of
// one-pass SGD, batch 1, at alpha = 0.7, beta = 0.6, v = 4d, gamma = 0.5 / tr D, in the
// eigenbasis sampling the power_law_random_features targets use (d + 1 normals and O(d) work a
// sample) and the literal loop (x in R^v, W^T x: O(v d) a sample); and the one-off set-up of a
// width (W, K = W^T D W, its eigendecomposition, theta*). One thread (the suite trains one run per
// thread). scripts/bench-plrf-numpy.sh runs the same loops in numpy beside it and prints the ratio.
//   OMP_NUM_THREADS=1 build/<dir>/bench/plrf_sgd_benchmark
// Arguments: d (and the steps of one timed run).
#include <benchmark/benchmark.h>

#include <string>

#include "harness/learners/plrf_sgd.h"

namespace scalebench {
namespace {

PlrfModelOptions Model(int d) {
  PlrfModelOptions model;
  model.alpha = 0.7;
  model.beta = 0.6;
  model.features = d;
  model.data_dim = 4 * d;
  return model;
}

void RunSgd(benchmark::State& state, PlrfSampling sampling) {
  const int d = int(state.range(0));
  const std::int64_t steps = state.range(1);
  PlrfModel model;
  std::string error;
  if (!PlrfModel::Build(Model(d), 1, sampling, &model, &error)) {
    state.SkipWithError(error.c_str());
    return;
  }
  PlrfSgdOptions sgd;
  sgd.learning_rate = 0.5 / model.data_trace();
  sgd.sampling = sampling;
  std::vector<double> losses;
  std::uint64_t seed = 0;
  for (auto _ : state) {
    if (!PlrfSgdCurve(model, sgd, ++seed, {steps}, &losses, &error)) {
      state.SkipWithError(error.c_str());
      return;
    }
    benchmark::DoNotOptimize(losses.data());
  }
  state.counters["samples_per_s"] =
      benchmark::Counter(double(state.iterations() * steps), benchmark::Counter::kIsRate);
}

void BM_PlrfSgdEigenbasis(benchmark::State& state) {
  RunSgd(state, PlrfSampling::kEigenbasis);
}
void BM_PlrfSgdRawData(benchmark::State& state) {
  RunSgd(state, PlrfSampling::kRawData);
}

void BM_PlrfModelBuild(benchmark::State& state) {
  const int d = int(state.range(0));
  PlrfModel model;
  std::string error;
  std::uint64_t seed = 0;
  for (auto _ : state) {
    if (!PlrfModel::Build(Model(d), ++seed, PlrfSampling::kEigenbasis, &model, &error)) {
      state.SkipWithError(error.c_str());
      return;
    }
    benchmark::DoNotOptimize(model.limit_level());
  }
}

BENCHMARK(BM_PlrfSgdEigenbasis)
    ->Args({100, 200000})
    ->Args({400, 50000})
    ->Args({1600, 20000})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PlrfSgdRawData)
    ->Args({100, 20000})
    ->Args({400, 2000})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PlrfModelBuild)->Arg(400)->Arg(1600)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace scalebench

BENCHMARK_MAIN();
