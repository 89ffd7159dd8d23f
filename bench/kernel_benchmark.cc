// Benchmarks of the kernel machinery of the Fashion-MNIST targets: the RBF Gram matrix (one GEMM
// and an exp), the Cholesky of the largest size (mixed precision, the default, and double), the
// whole learning curve of one draw (Gram, Cholesky, solves and test predictions at 8 nested
// sizes: what scikit-learn's KernelRidge is compared with in scripts/bench-kernel-sklearn.sh) in
// both precisions side by side, and the kernel-PCA eigendecomposition (LAPACK dsyevd, with
// eigenvectors). Counters: GFLOP/s, counting 2 n^2 d for a Gram (BM_RbfGram: the GEMM
// equivalent; the curves' gram_GFLOP/s counts the flops the SYRK does, n^2 d), n^3 / 3 for a
// Cholesky (in the precision of the factor) and 4 n^3 for dsyevd with vectors (tridiagonalisation
// 4/3 n^3 plus the back-transformation 2 n^3 and divide and conquer; the convention of
// research/ground.md).
//
//   build/realdata/bench/kernel_benchmark --benchmark_filter='Gram|Cholesky'
//   build/realdata/bench/kernel_benchmark --benchmark_filter='RbfCurve.*/8000'  # mixed vs double
//   build/realdata/bench/kernel_benchmark --benchmark_filter=Eigen/8000   # ~1 minute
#include <benchmark/benchmark.h>

#include <Eigen/Cholesky>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

#include "datasets/probes/kernel_pca.h"
#include "datasets/readers/idx_reader.h"
#include "harness/learners/kernel_ridge.h"

namespace scalebench {
namespace {

// The first n Fashion-MNIST training images (pixels / 255) and one-hot labels; the test set is
// the first `tests` images of t10k. Aborts the benchmark with the reader's message if missing.
struct Data {
  Eigen::MatrixXd train, y_train, test, y_test;
};

bool Load(int n, int tests, Data* data, benchmark::State& state) {
  LabeledImages train, test;
  ImageLoadOptions options;
  std::string error;
  options.max_items = n;
  if (!LoadFashionMnist("train", options, &train, &error)) {
    state.SkipWithError(error.c_str());
    return false;
  }
  options.max_items = tests;
  if (!LoadFashionMnist("test", options, &test, &error)) {
    state.SkipWithError(error.c_str());
    return false;
  }
  auto one_hot = [](const std::vector<int>& labels) {
    Eigen::MatrixXd y = Eigen::MatrixXd::Zero(labels.size(), 10);
    for (std::size_t i = 0; i < labels.size(); ++i) y(i, labels[i]) = 1;
    return y;
  };
  data->train = train.images;
  data->y_train = one_hot(train.labels);
  data->test = test.images;
  data->y_test = one_hot(test.labels);
  return true;
}

std::vector<int> CurveSizes(int p_max) {
  std::vector<int> sizes;
  for (int i = 0; i < 8; ++i)
    sizes.push_back(static_cast<int>(std::round(125 * std::pow(p_max / 125.0, i / 7.0))));
  return sizes;
}

void BM_RbfGram(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  Data data;
  if (!Load(n, 1, &data, state)) return;
  KernelOptions kernel;  // rbf, w = 5
  Eigen::MatrixXd gram;
  for (auto _ : state) {
    KernelMatrix(data.train, data.train, kernel, &gram);
    benchmark::DoNotOptimize(gram.data());
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * n * n * 784 * 1e-9 * state.iterations(),
                                                 benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RbfGram)
    ->Arg(2000)
    ->Arg(4000)
    ->Arg(8000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The factorisation of gram + 1e-2 I (with the copy and, for mixed, the float conversion).
void Cholesky(benchmark::State& state, KernelPrecision precision) {
  const int n = static_cast<int>(state.range(0));
  Data data;
  if (!Load(n, 1, &data, state)) return;
  Eigen::MatrixXd gram;
  KernelMatrix(data.train, data.train, KernelOptions{}, &gram);
  KernelSolvePath path = KernelSolvePath::kMixed;
  for (auto _ : state) {
    NestedKernelRidge solver(gram, 1e-2, precision);
    path = solver.factor_path();
    benchmark::DoNotOptimize(solver.cholesky_ok());
  }
  state.counters["GFLOP/s"] = benchmark::Counter(
      std::pow(double(n), 3) / 3 * 1e-9 * state.iterations(), benchmark::Counter::kIsRate);
  state.counters["path"] = static_cast<double>(path);  // 0 mixed, 1 double, 2 min-norm
}

void BM_Cholesky(benchmark::State& state) {
  Cholesky(state, KernelPrecision::kMixed);
}
BENCHMARK(BM_Cholesky)
    ->Arg(2000)
    ->Arg(4000)
    ->Arg(8000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_CholeskyDouble(benchmark::State& state) {
  Cholesky(state, KernelPrecision::kDouble);
}
BENCHMARK(BM_CholeskyDouble)
    ->Arg(2000)
    ->Arg(4000)
    ->Arg(8000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The learning curve of one draw, P = 125 .. P_max (8 sizes), 1000 test images: train Gram, test
// Gram, one Cholesky, 8 nested solves and predictions. The same work as fitting and predicting
// scikit-learn's KernelRidge at the 8 sizes. Counters: seconds per curve of the Grams, the
// factorisation and the solves (refinement and predictions included), their GFLOP/s, the path
// (0 mixed, 1 double, 2 min-norm), the most refinement steps of a size and the MSE at P_max.
void RbfCurve(benchmark::State& state, KernelPrecision precision) {
  const int p_max = static_cast<int>(state.range(0));
  const int tests = 1000;
  Data data;
  if (!Load(p_max, tests, &data, state)) return;
  const std::vector<int> sizes = CurveSizes(p_max);
  std::vector<double> losses;
  KernelRidgeTimings total, timings;
  double gram_seconds = 0.0;
  for (auto _ : state) {
    Eigen::MatrixXd gram, cross;
    const auto start = std::chrono::steady_clock::now();
    KernelMatrix(data.train, data.train, KernelOptions{}, &gram);
    KernelMatrix(data.test, data.train, KernelOptions{}, &cross);
    gram_seconds += SecondsSince(start);
    std::string error;
    if (!KernelRidgeCurve(gram,
                          cross,
                          data.y_train,
                          data.y_test,
                          sizes,
                          1e-2,
                          precision,
                          &losses,
                          &timings,
                          &error)) {
      state.SkipWithError(error.c_str());
      return;
    }
    total.factor_seconds += timings.factor_seconds;
    total.factor_flops += timings.factor_flops;
    total.solve_seconds += timings.solve_seconds;
    total.solve_flops += timings.solve_flops;
    total.path = std::max(total.path, timings.path);
    total.max_refinement_steps = std::max(total.max_refinement_steps, timings.max_refinement_steps);
  }
  const double runs = static_cast<double>(state.iterations());
  // The train Gram is a SYRK (n^2 d flops), the test Gram a GEMM (2 T n d).
  const double gram_flops = runs * (double(p_max) * p_max * 784 + 2.0 * tests * p_max * 784);
  state.counters["gram_s"] = gram_seconds / runs;
  state.counters["gram_GFLOP/s"] = gram_flops / gram_seconds * 1e-9;
  state.counters["factor_s"] = total.factor_seconds / runs;
  state.counters["factor_GFLOP/s"] = total.factor_flops / total.factor_seconds * 1e-9;
  state.counters["solve_s"] = total.solve_seconds / runs;
  state.counters["solve_GFLOP/s"] = total.solve_flops / total.solve_seconds * 1e-9;
  state.counters["path"] = static_cast<double>(total.path);
  state.counters["refine_steps"] = total.max_refinement_steps;
  state.counters["mse_at_max"] = losses.empty() ? 0.0 : losses.back();
}

void BM_RbfCurve(benchmark::State& state) {
  RbfCurve(state, KernelPrecision::kMixed);
}
BENCHMARK(BM_RbfCurve)
    ->Arg(2000)
    ->Arg(4000)
    ->Arg(8000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The same curve by the double Cholesky: the baseline of the mixed-precision speed-up.
void BM_RbfCurveDouble(benchmark::State& state) {
  RbfCurve(state, KernelPrecision::kDouble);
}
BENCHMARK(BM_RbfCurveDouble)
    ->Arg(2000)
    ->Arg(4000)
    ->Arg(8000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// dsyevd with eigenvectors of the RBF Gram / n (what MeasureKernelPca ran before it took the
// eigenvalues and projections from datasets/probes/eigen_projections.h).
void BM_Eigen(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  Data data;
  if (!Load(n, 1, &data, state)) return;
  Eigen::MatrixXd gram;
  KernelMatrix(data.train, data.train, KernelOptions{}, &gram);
  gram /= double(n);
  Eigen::VectorXd values;
  for (auto _ : state) {
    state.PauseTiming();
    Eigen::MatrixXd work = gram;
    state.ResumeTiming();
    std::string error;
    if (!SymmetricEigen(&work, &values, true, &error)) {
      state.SkipWithError(error.c_str());
      return;
    }
  }
  state.counters["GFLOP/s"] = benchmark::Counter(
      4.0 * std::pow(double(n), 3) * 1e-9 * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Eigen)
    ->Arg(2000)
    ->Arg(4000)
    ->Arg(8000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

}  // namespace
}  // namespace scalebench

BENCHMARK_MAIN();
