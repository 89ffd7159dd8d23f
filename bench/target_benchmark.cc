// Benchmarks of the exact Gaussian-spectrum target: random normals, the curve of one seed on each
// axis (the unit of Train), the probe and its eigen-projection kernel.
//
//   build/data/bench/target_benchmark --benchmark_filter=Curve
#include <benchmark/benchmark.h>

#include <Eigen/Eigenvalues>
#include <vector>

#include "datasets/generators/power_law_gaussian.h"
#include "datasets/generators/random.h"
#include "datasets/probes/eigen_projections.h"
#include "datasets/probes/spectrum_probe.h"
#include "harness/learners/linear_ridge.h"
#include "harness/learners/projected_linear_ridge.h"
#include "harness/targets/gaussian_spectrum.h"
#include "harness/targets/testing/train.h"

namespace scalebench {
namespace {

PowerLawGaussianDesign Design(int d) {
  PowerLawGaussianDesignOptions options;
  options.task_power_decay = 2.0;
  options.spectrum_decay = 1.5;
  options.num_modes = d;
  return PowerLawGaussianDesign(options);
}

std::vector<int> Sizes() {
  std::vector<int> sizes;
  for (std::int64_t s : GaussianSpectrumOptions{}.data_sizes) sizes.push_back(static_cast<int>(s));
  return sizes;
}

void BM_FillStandardNormal(benchmark::State& state) {
  std::vector<double> out(1 << 20);
  std::uint64_t seed = 0;
  for (auto _ : state) {
    FillStandardNormal(++seed, out.data(), out.size());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * out.size());
}
BENCHMARK(BM_FillStandardNormal);

// 512 x 32768 inputs: the draw of one seed of one axis, into a fresh matrix (arg 0: page faults
// included) or a reused one (arg 1).
void BM_SampleInputs(benchmark::State& state) {
  const auto design = Design(32768);
  std::uint64_t seed = 0;
  Eigen::MatrixXd x;
  for (auto _ : state) {
    if (state.range(0) == 0) x = Eigen::MatrixXd();
    design.SampleInputs(++seed, 512, &x);
    benchmark::DoNotOptimize(x.data());
  }
}
BENCHMARK(BM_SampleInputs)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_Gram512(benchmark::State& state) {
  const Eigen::MatrixXd x = Design(32768).SampleInputs(1, 512);
  Eigen::MatrixXd g(512, 512);
  for (auto _ : state) {
    g.noalias() = x * x.transpose();
    benchmark::DoNotOptimize(g.data());
  }
}
BENCHMARK(BM_Gram512)->Unit(benchmark::kMillisecond);

// One seed of the data axis of gaussian_spectrum/a2.0_b1.5: draw, Gram, 8 solves.
void BM_DataCurveOneSeed(benchmark::State& state) {
  const auto design = Design(32768);
  std::uint64_t seed = 0;
  Eigen::MatrixXd x;  // reused, as Train does
  for (auto _ : state) {
    design.SampleInputs(++seed, 512, &x);
    std::vector<double> losses;
    LinearRidgeCurve(
        x, design.Labels(x), design.eigenvalues(), design.teacher(), Sizes(), {}, &losses, nullptr);
    benchmark::DoNotOptimize(losses.data());
  }
}
BENCHMARK(BM_DataCurveOneSeed)->Unit(benchmark::kMillisecond);

void BM_ParamsCurveOneSeed(benchmark::State& state) {
  const auto design = Design(32768);
  std::uint64_t seed = 0;
  Eigen::MatrixXd s;
  for (auto _ : state) {
    std::vector<double> losses;
    design.SampleStandardNormal(++seed, 512, &s);
    ProjectedLinearRidgeCurve(
        &s, design.eigenvalues(), design.teacher(), Sizes(), {}, &losses, nullptr);
    benchmark::DoNotOptimize(losses.data());
  }
}
BENCHMARK(BM_ParamsCurveOneSeed)->Unit(benchmark::kMillisecond);

// The whole Train of one axis (5 seeds) of the registered target.
void BM_TrainAxis(benchmark::State& state) {
  GaussianSpectrumTarget target(GaussianSpectrumOptions{});
  const AxisDesign design = target.Designs()[state.range(0)];
  for (auto _ : state) {
    benchmark::DoNotOptimize(testing::TrainCurve(target, design).values.data());
  }
}
BENCHMARK(BM_TrainAxis)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_EigenProjections(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const Eigen::MatrixXd x = Design(32768).SampleInputs(2, n);
  const Eigen::MatrixXd g = x * x.transpose() / n;
  const Eigen::MatrixXd y = Design(32768).Labels(x);
  for (auto _ : state) {
    Eigen::VectorXd eigenvalues;
    Eigen::MatrixXd projections;
    internal::EigenProjections(g, y, &eigenvalues, &projections);
    benchmark::DoNotOptimize(projections.data());
  }
}
BENCHMARK(BM_EigenProjections)->Arg(1000)->Arg(2000)->Unit(benchmark::kMillisecond);

// For comparison: the full eigendecomposition with vectors that EigenProjections avoids.
void BM_SelfAdjointEigenSolver(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const Eigen::MatrixXd x = Design(32768).SampleInputs(2, n);
  const Eigen::MatrixXd g = x * x.transpose() / n;
  for (auto _ : state) {
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(g);
    benchmark::DoNotOptimize(solver.eigenvectors().data());
  }
}
BENCHMARK(BM_SelfAdjointEigenSolver)->Arg(1000)->Unit(benchmark::kMillisecond);

// One probe sample through MeasureSpectrum on the whole n = 2000 x d = 32768 draw (arg: jackknife
// groups); the target accumulates the Gram matrix by blocks instead (BM_MeasureProfile).
void BM_ProbeOneSample(benchmark::State& state) {
  const auto design = Design(32768);
  SpectrumProbeOptions options;
  options.jackknife_groups = static_cast<int>(state.range(0));
  std::uint64_t seed = 0;
  for (auto _ : state) {
    const Eigen::MatrixXd x = design.SampleInputs(++seed, 2000);
    SpectrumProbeResult result;
    MeasureSpectrum(x, design.Labels(x), options, &result, nullptr);
    benchmark::DoNotOptimize(result.spectrum_decay.value);
  }
}
BENCHMARK(BM_ProbeOneSample)->Arg(0)->Arg(5)->Unit(benchmark::kMillisecond)->Iterations(1);

// The whole MeasureProfile of a registered target (one sample of 2000, jackknife of 5 groups).
void BM_MeasureProfile(benchmark::State& state) {
  GaussianSpectrumTarget target(GaussianSpectrumOptions{});
  for (auto _ : state) {
    benchmark::DoNotOptimize(target.MeasureProfile(RunContext()).profile().source.data());
  }
}
BENCHMARK(BM_MeasureProfile)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace scalebench

BENCHMARK_MAIN();
