// Training-step throughput of the MLP learner (harness/learners/mlp.h): one Adam step of
// softmax cross-entropy on a fixed random batch, at a few shapes. Counter steps_per_s.
// Args: inputs, hidden width, batch, threads (Eigen's OpenMP GEMM threads).
// scripts/bench-msp-torch.sh runs the same shapes in PyTorch (bench/msp_torch.py) and prints the
// ratio; `--benchmark_filter=BM_MlpStep/76/128/256/2` picks one shape.
#include <benchmark/benchmark.h>
#include <omp.h>

#include <Eigen/Core>
#include <vector>

#include "datasets/generators/random.h"
#include "harness/learners/mlp.h"

namespace scalebench {
namespace {

void BM_MlpStep(benchmark::State& state) {
  const int inputs = int(state.range(0)), width = int(state.range(1)), batch = int(state.range(2));
  const int threads = int(state.range(3));
  Eigen::setNbThreads(threads);
  omp_set_num_threads(threads);
  MlpOptions options;
  options.inputs = inputs;
  options.hidden = width;
  options.outputs = 2;
  options.max_batch = batch;
  Mlp mlp(options, 1);
  Xoshiro256pp rng(2);
  Eigen::MatrixXf x(inputs, batch);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = float(StandardNormal(rng));
  std::vector<int> labels(batch);
  for (int& label : labels) label = int(rng() & 1);
  for (int warm = 0; warm < 5; ++warm) mlp.Step(x, labels, 1e-3);
  for (auto _ : state) benchmark::DoNotOptimize(mlp.Step(x, labels, 1e-3));
  state.counters["steps_per_s"] =
      benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["params"] = double(mlp.num_parameters());
}

// The small MSP shape (64 subtasks + 12 bits), the full one (128 + 17) at two widths, and
// Michaud et al.'s input (500 + 100) at width 500; 1 and 2 threads.
BENCHMARK(BM_MlpStep)
    ->ArgNames({"inputs", "width", "batch", "threads"})
    ->Args({76, 128, 256, 1})
    ->Args({76, 128, 256, 2})
    ->Args({145, 512, 256, 1})
    ->Args({145, 512, 256, 2})
    ->Args({600, 500, 1024, 1})
    ->Args({600, 500, 1024, 2})
    ->UseRealTime()
    ->MinTime(1.0);

}  // namespace
}  // namespace scalebench

BENCHMARK_MAIN();
