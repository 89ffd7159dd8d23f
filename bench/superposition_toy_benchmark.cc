// Training speed of the superposition toy (harness/learners/superposition_toy.h): steps/s (wall
// clock) of one full training step (sample a batch, loss and gradient, signed decay, Adam), for
// the shapes of the suite's targets (n = 256 and 512) and the authors' n = 1000, m = 100,
// batch 2048. Eigen's products use OMP_NUM_THREADS threads (the suite trains one run per thread,
// so there a step runs on one thread). scripts/bench-superposition-torch.sh runs the same shapes
// in PyTorch beside it and prints the ratio.
//   OMP_NUM_THREADS=1 build/<dir>/bench/superposition_toy_benchmark
// Arguments: n, m, batch.
#include <benchmark/benchmark.h>

#include <string>

#include "datasets/generators/superposition_toy_data.h"
#include "harness/learners/superposition_toy.h"

namespace scalebench {
namespace {

void BM_SuperpositionToyStep(benchmark::State& state) {
  const int n = int(state.range(0)), m = int(state.range(1)), batch_size = int(state.range(2));
  using Model = SuperpositionToyModel<float>;
  Model model(n, m);
  Xoshiro256pp rng(1);
  model.Initialize(rng);
  const SuperpositionToyData data(n, 1.2);
  AdamOptions adam;
  AdamState<Model::Matrix> w_state(model.w);
  AdamState<Model::Vector> b_state(model.b);
  Model::Matrix grad_w(n, m);
  Model::Vector grad_b(n);
  SparseBatch batch;
  for (auto _ : state) {
    data.Sample(rng, batch_size, &batch);
    benchmark::DoNotOptimize(model.Loss(batch, &grad_w, &grad_b));
    ApplySignedWeightDecay(1e-2, -1.0, 1e-8, &model.w);
    w_state.Step(adam, 1e-2, grad_w, &model.w);
    b_state.Step(adam, 1e-2, grad_b, &model.b);
  }
  state.counters["steps_per_s"] =
      benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SuperpositionToyStep)
    ->Args({256, 32, 256})
    ->Args({512, 8, 512})
    ->Args({512, 64, 512})
    ->Args({1000, 100, 2048})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace scalebench

BENCHMARK_MAIN();
