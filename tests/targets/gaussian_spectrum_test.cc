// Tests of the exact target gaussian_spectrum/*: registration, designs, determinism, the slopes
// of the measured curves against the exact exponents, and the profile.
#include "harness/targets/gaussian_spectrum.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "harness/targets/target.h"
#include "harness/targets/testing/train.h"

namespace scalebench {
namespace {

const char* const kNames[] = {"gaussian_spectrum/a2.0_b1.5",
                              "gaussian_spectrum/a3.0_b1.5",
                              "gaussian_spectrum/a2.5_b2.0",
                              "gaussian_spectrum/a4.0_b1.2"};

// Least-squares slope of log(geometric-mean loss) against log(size), negated.
double RoughExponent(const LearningCurve& curve) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const double m = static_cast<double>(curve.num_sizes());
  for (std::size_t i = 0; i < curve.num_sizes(); ++i) {
    const double x = std::log(curve.sizes[i]), y = std::log(curve.GeometricMeanLoss(i));
    sx += x, sy += y, sxx += x * x, sxy += x * y;
  }
  return -(m * sxy - sx * sy) / (m * sxx - sx * sx);
}

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

GaussianSpectrumOptions SmallOptions() {
  GaussianSpectrumOptions options;
  options.task_power_decay = 3.0;
  options.spectrum_decay = 1.5;
  options.num_modes = 2048;
  options.data_sizes = {8, 16, 32, 64};
  options.param_sizes = {8, 16, 32, 64};
  options.seeds = 2;
  options.probe_samples = 400;
  return options;
}

TEST_CASE("The four gaussian_spectrum variants are registered in default and full",
          "[gaussian_spectrum]") {
  auto& registry = TargetRegistry::Global();
  const auto default_suite = registry.Suite("default");
  const auto full_suite = registry.Suite("full");
  for (const char* name : kNames) {
    INFO(name);
    std::string error;
    auto target = registry.Create(name, &error);
    REQUIRE(target != nullptr);
    CHECK(target->Info().name == name);
    CHECK(std::count(default_suite.begin(), default_suite.end(), name) == 1);
    CHECK(std::count(full_suite.begin(), full_suite.end(), name) == 1);
  }
  CHECK(registry.StartupErrors().empty());
}

TEST_CASE("Exact exponents follow min(a-1, 2b) and min(a-1, b)", "[gaussian_spectrum]") {
  struct Case {
    const char* name;
    double data, params;
  };
  const Case cases[] = {
      {kNames[0], 1.0, 1.0}, {kNames[1], 2.0, 1.5}, {kNames[2], 1.5, 1.5}, {kNames[3], 2.4, 1.2}};
  for (const auto& c : cases) {
    const auto info = TargetRegistry::Global().Create(c.name, nullptr)->Describe();
    CHECK(info.exact_exponents.at(Axis::kData) == Approx(c.data));
    CHECK(info.exact_exponents.at(Axis::kParams) == Approx(c.params));
  }
}

TEST_CASE("Designs declare the learners, grids and fit form", "[gaussian_spectrum]") {
  const auto target = TargetRegistry::Global().Create(kNames[0], nullptr);
  const auto designs = target->Designs();
  REQUIRE(designs.size() == 2);
  const AxisDesign& data = designs[0];
  const AxisDesign& params = designs[1];
  CHECK(data.axis == Axis::kData);
  CHECK(data.learner.kind == "linear_ridge");
  CHECK(data.learner.ridge == 0.0);
  CHECK(data.learner.features == kInfinite);
  CHECK(params.axis == Axis::kParams);
  CHECK(params.learner.kind == "projected_linear_ridge");
  CHECK(params.learner.train_size == kInfinite);
  for (const auto& design : designs) {
    CHECK(design.zero_offset);
    CHECK(design.seeds == 5);
    REQUIRE(design.sizes.size() >= 8);
    CHECK(std::log10(double(design.sizes.back()) / design.sizes.front()) >= 1.5);
    CHECK(std::is_sorted(design.sizes.begin(), design.sizes.end()));
  }
  CHECK(params.learner.features == double(params.sizes.back()));
}

TEST_CASE("Runs are deterministic, one per seed, and independent of the worker count",
          "[gaussian_spectrum][unit]") {
  GaussianSpectrumTarget target(SmallOptions());
  for (const auto& design : target.Designs()) {
    CHECK(design.unit == RunUnit::kSeed);
    const LearningCurve first = testing::TrainCurve(target, design);
    const MeasuredCurve second = testing::TrainDesign(target, design, /*jobs=*/2);
    REQUIRE(second.complete());
    CHECK(first.values == second.curve.values);
    CHECK(second.computed == 2);                      // one run per seed
    CHECK(first.values[0][0] != first.values[0][1]);  // seeds differ
  }
}

TEST_CASE("Options are validated with the field named", "[gaussian_spectrum][unit]") {
  std::string error;
  auto options = SmallOptions();
  CHECK(ValidateFields(options, &error));
  options.spectrum_decay = 1.0;
  CHECK_FALSE(ValidateFields(options, &error));
  CHECK(error == "spectrum_decay = 1 must be > 1");
  options = SmallOptions();
  options.param_sizes = SizeGrid({4, 2});
  CHECK_FALSE(ValidateFields(options, &error));
  CHECK(error == "param_sizes: 2 after 4: sizes must be strictly increasing");
  options = SmallOptions();
  options.probe.tail_min_mode = 0;
  CHECK_FALSE(ValidateFields(options, &error));
  CHECK(error == "probe.tail_min_mode = 0 must be >= 1");
  options = SmallOptions();
  options.probe.max_tail_correction = 1.0;  // the field the old hand-written key had missed
  CHECK_FALSE(ValidateFields(options, &error));
  CHECK(error == "probe.max_tail_correction = 1 must be < 1");
}

TEST_CASE("The oracle profile is the design's exact spectrum", "[gaussian_spectrum][unit]") {
  GaussianSpectrumTarget target(SmallOptions());
  const std::optional<Profile> oracle = target.OracleProfile();
  REQUIRE(oracle.has_value());
  CHECK(oracle->Get(Property::kSpectrumDecay).value == 1.5);
  CHECK(oracle->Get(Property::kTaskPowerDecay).value == 3.0);
  const std::vector<double>& lambda = oracle->Get(Series::kEigenvalues);
  const std::vector<double>& power = oracle->Get(Series::kTargetPower);
  REQUIRE(lambda.size() == 2048);
  REQUIRE(power.size() == 2048);
  CHECK(lambda[9] / lambda[0] == Approx(std::pow(10.0, -1.5)));
  CHECK(power[9] / power[0] == Approx(std::pow(10.0, -3.0)));
  CHECK(oracle->Get(Property::kSpectrumComplete).value == 1.0);
}

// The rough check; the precise Ceres-fitted check lives with the fitting code.
TEST_CASE("Rough slopes of every registered variant are within 0.15 of the exact exponents",
          "[gaussian_spectrum][slow]") {
  for (const char* name : kNames) {
    const auto target = TargetRegistry::Global().Create(name, nullptr);
    const auto info = target->Describe();
    for (const auto& design : target->Designs()) {
      const auto start = std::chrono::steady_clock::now();
      const auto curve = testing::TrainCurve(*target, design);
      const double seconds = Seconds(start);
      std::string error;
      REQUIRE(curve.IsValid(&error));
      const double exact = info.exact_exponents.at(design.axis);
      const double measured = RoughExponent(curve);
      std::printf("%s %s: rough exponent %.3f (exact %.2f), %.2f s\n",
                  name,
                  ToString(design.axis),
                  measured,
                  exact,
                  seconds);
      INFO(name << " " << ToString(design.axis) << ": " << measured << " vs " << exact);
      CHECK(std::abs(measured - exact) < 0.15);
      for (std::size_t i = 1; i < curve.num_sizes(); ++i) {
        CHECK(curve.GeometricMeanLoss(i) < curve.GeometricMeanLoss(i - 1));
      }
    }
  }
}

// The profile each registered variant gives the theories: b and a within 0.05 (the issue's
// acceptance point, here on the targets' own probe samples), except a for the steep task a = 4,
// b = 1.2, which one sample of 2000 reads only to ~0.1 (see tests/datasets/spectrum_probe_test.cc):
// there within 3 of its standard errors.
TEST_CASE("MeasureProfile of every variant recovers b and a within 0.05",
          "[gaussian_spectrum][slow]") {
  const double pairs[4][2] = {{2.0, 1.5}, {3.0, 1.5}, {2.5, 2.0}, {4.0, 1.2}};
  for (int i = 0; i < 4; ++i) {
    const auto target = TargetRegistry::Global().Create(kNames[i], nullptr);
    std::vector<std::string> messages;
    const auto start = std::chrono::steady_clock::now();
    const ProfileResult measured =
        target->MeasureProfile(RunContext([&](const std::string& m) { messages.push_back(m); }, 2));
    REQUIRE(measured.ok());
    const Profile& profile = measured.profile();
    const double seconds = Seconds(start);
    CHECK_FALSE(messages.empty());
    REQUIRE(profile.Has(Property::kSpectrumDecay));
    REQUIRE(profile.Has(Property::kTaskPowerDecay));
    const Measurement& b = profile.Get(Property::kSpectrumDecay);
    const Measurement& a = profile.Get(Property::kTaskPowerDecay);
    std::printf("%s profile: b %.4f +- %.4f, a %.4f +- %.4f, %.2f s\n",
                kNames[i],
                b.value,
                b.std_error,
                a.value,
                a.std_error,
                seconds);
    CHECK(std::abs(b.value - pairs[i][1]) < 0.05);
    if (pairs[i][0] - pairs[i][1] <= 1.0) {
      CHECK(std::abs(a.value - pairs[i][0]) < 0.05);
    } else {
      CHECK(std::abs(a.value - pairs[i][0]) < 3.0 * a.std_error);
    }
    CHECK(b.std_error > 0.0);
    CHECK(a.std_error > 0.0);
    CHECK(profile.Get(Property::kLabelNoiseVariance).value == 0.0);
    CHECK(profile.Get(Property::kLabelNoiseVariance).method.find("by construction") !=
          std::string::npos);
    CHECK(profile.Has(Property::kTotalTargetPower));
    CHECK(profile.Has(Property::kSpectrumTrace));
    CHECK(profile.Get(Series::kEigenvalues).size() == 2000u);
    CHECK(profile.source.find("independent") != std::string::npos);
  }
}

}  // namespace
}  // namespace scalebench
