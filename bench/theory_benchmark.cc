// Timings of the theory plug-ins. The self-consistent kernel curve is the hot path (goal: the
// curve for 1e5 modes x 50 sizes under 20 ms); every registered theory is also timed through
// RunTheory on the conformance reference profile, so a new theory is timed without editing this
// file ("Predict/<name>").
#include <benchmark/benchmark.h>

#include <cmath>
#include <string>
#include <vector>

#include "theories/internal/spectral.h"
#include "theories/testing/theory_conformance.h"
#include "theories/theory.h"

namespace scalebench {
namespace {

std::vector<double> LogGrid(double from, double to, int count) {
  std::vector<double> sizes;
  for (int i = 0; i < count; ++i)
    sizes.push_back(from * std::pow(to / from, i / double(count - 1)));
  return sizes;
}

// lambda_k = k^-1.5, p_k = k^-2 over `modes` modes, used as given (no continuation).
internal::ModeSpectrum PowerLawSpectrum(int modes) {
  std::vector<double> lambda, power;
  for (int k = 1; k <= modes; ++k)
    lambda.push_back(std::pow(k, -1.5)), power.push_back(std::pow(k, -2.0));
  internal::TailOptions exact;
  exact.trust_fraction = 1.0;
  internal::ModeSpectrum spectrum;
  std::string error;
  if (!internal::BuildModeSpectrum(
          lambda, &power, std::nullopt, std::nullopt, exact, &spectrum, &error)) {
    std::abort();
  }
  return spectrum;
}

// The kernel curve: solve the fixed point at 50 sizes and evaluate E_g, on range(0) modes.
void BM_SelfConsistentCurve(benchmark::State& state) {
  const internal::ModeSpectrum spectrum = PowerLawSpectrum(int(state.range(0)));
  const std::vector<double> sizes = LogGrid(10, 10000, 50);
  std::vector<internal::FixedPoint> points;
  std::string error;
  int iterations = 0;
  for (auto _ : state) {
    if (!internal::SolveFixedPoints(spectrum, sizes, 0.0, &points, &error))
      state.SkipWithError(error.c_str());
    double sum = 0;
    for (const auto& point : points) sum += internal::KernelGeneralizationError(point, 0.0);
    benchmark::DoNotOptimize(sum);
    iterations = 0;
    for (const auto& point : points) iterations += point.iterations;
  }
  state.counters["passes_per_size"] = iterations / 50.0;
  state.SetItemsProcessed(state.iterations() * state.range(0) * 50);
}
BENCHMARK(BM_SelfConsistentCurve)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

// The MRS curve through the theory: a 3000-mode latent spectrum continued to 1e5 modes, 50 sizes.
void BM_MaloneyRobertsSullyCurve(benchmark::State& state) {
  const Profile profile = testing::ReferenceProfile(1.5, 1.5, 3000);
  LearnerSpec learner;
  learner.features = 20000;
  const PredictionRequest request(profile, learner, Axis::kData, LogGrid(10, 1500, 50));
  std::string error;
  const std::string name = "random_features/maloney_roberts_sully";
  const auto theory = TheoryRegistry::Global().Create(name, &error);
  for (auto _ : state) {
    Prediction p = RunTheory(*theory, *TheoryRegistry::Global().Find(name), request);
    if (!p.has_curve()) state.SkipWithError(p.message().c_str());
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_MaloneyRobertsSullyCurve)->Unit(benchmark::kMillisecond);

// The kernel theory end to end: a 2000-point probe continued to 1e5 modes, 50 sizes.
void BM_KernelPredictContinued(benchmark::State& state) {
  const Profile profile = testing::ReferenceProfile();
  const LearnerSpec learner;  // the request keeps a pointer: no temporary
  const PredictionRequest request(profile, learner, Axis::kData, LogGrid(10, 1000, 50));
  const std::string name = "kernel/self_consistent_curve";
  std::string error;
  const auto theory = TheoryRegistry::Global().Create(name, &error);
  for (auto _ : state) {
    Prediction p = RunTheory(*theory, *TheoryRegistry::Global().Find(name), request);
    if (!p.has_curve()) state.SkipWithError(p.message().c_str());
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_KernelPredictContinued)->Unit(benchmark::kMillisecond);

// One benchmark per registered theory, on the conformance reference profile and size grid.
void RegisterPredictBenchmarks() {
  for (const std::string& name : TheoryRegistry::Global().Names()) {
    const TheoryInfo* info = TheoryRegistry::Global().Find(name);
    const Axis axis = info->axes.front();
    benchmark::RegisterBenchmark(
        ("Predict/" + name).c_str(),
        [name, info, axis](benchmark::State& state) {
          static const Profile profile = testing::ReferenceProfile();
          const LearnerSpec learner = testing::ReferenceLearners().front();
          const PredictionRequest request(profile, learner, axis, testing::ReferenceSizes());
          std::string error;
          const auto theory = TheoryRegistry::Global().Create(name, &error);
          for (auto _ : state) {
            Prediction p = RunTheory(*theory, *info, request);
            benchmark::DoNotOptimize(p);
          }
        })
        ->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace
}  // namespace scalebench

int main(int argc, char** argv) {
  for (const std::string& error : scalebench::TheoryRegistry::Global().StartupErrors()) {
    std::fprintf(stderr, "theory registry: %s\n", error.c_str());
    return 1;
  }
  scalebench::RegisterPredictBenchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
