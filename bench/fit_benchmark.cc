// Timings of the fitting module: the curve fit (8 sizes x 5 seeds) with and
// without the 1000-resample bootstrap, and the joint Approach-3 fit (64
// points). Goal: curve fit plus bootstrap under 50 ms single-threaded. The
// argument is options.bootstrap.threads; times are wall time.
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>

#include "harness/fit/joint_fit.h"
#include "harness/fit/power_law_fit.h"

namespace scalebench {
namespace {

LearningCurve Curve() {
  std::mt19937_64 rng(42);
  std::normal_distribution<double> z(0.0, 0.015);
  LearningCurve curve;
  for (int j = 0; j < 5; ++j) curve.seeds.push_back(j);
  for (int i = 0; i < 8; ++i) {
    const double x = 1e3 * std::pow(100.0, i / 7.0);
    curve.sizes.push_back(x);
    std::vector<double> row;
    for (int j = 0; j < 5; ++j) row.push_back((0.05 + 10.0 * std::pow(x, -0.5)) * std::exp(z(rng)));
    curve.values.push_back(row);
  }
  return curve;
}

std::vector<JointPoint> Surface() {
  std::mt19937_64 rng(42);
  std::normal_distribution<double> z(0.0, 0.002);
  std::vector<JointPoint> points;
  for (int i = 0; i < 8; ++i) {
    for (int j = 0; j < 8; ++j) {
      const double n = 1e7 * std::pow(1e3, i / 7.0), d = 1e8 * std::pow(1e3, j / 7.0);
      const double loss = 1.69 + 406.4 * std::pow(n, -0.34) + 410.7 * std::pow(d, -0.28);
      points.push_back({n, d, loss * std::exp(z(rng))});
    }
  }
  return points;
}

void BM_FitCurve(benchmark::State& state) {
  const LearningCurve curve = Curve();
  FitOptions options;
  options.bootstrap.resamples = static_cast<int>(state.range(0));
  options.bootstrap.threads = static_cast<int>(state.range(1));
  FitSummary summary;
  for (auto _ : state) {
    FitCurve(options, curve, &summary);
    benchmark::DoNotOptimize(summary.exponent_ci.lower);
  }
  if (!summary.usable()) state.SkipWithError(summary.message.c_str());
}
BENCHMARK(BM_FitCurve)
    ->ArgNames({"resamples", "threads"})
    ->Args({0, 1})
    ->Args({1000, 1})
    ->Args({1000, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_FitJoint(benchmark::State& state) {
  const std::vector<JointPoint> points = Surface();
  JointFitOptions options;
  options.bootstrap.resamples = static_cast<int>(state.range(0));
  options.bootstrap.threads = static_cast<int>(state.range(1));
  JointFitSummary summary;
  for (auto _ : state) {
    FitJoint(options, points, &summary);
    benchmark::DoNotOptimize(summary.params_exponent_ci.lower);
  }
  if (!summary.usable()) state.SkipWithError(summary.message.c_str());
}
BENCHMARK(BM_FitJoint)
    ->ArgNames({"resamples", "threads"})
    ->Args({0, 1})
    ->Args({1000, 1})
    ->Args({1000, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace scalebench

BENCHMARK_MAIN();
