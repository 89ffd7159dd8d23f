// Hutter's memorization target: the memorizer's exact error on a hand-made stream, the expected
// curve's truncation and pre-asymptotic bend, and the issue 4 acceptance check: the Ceres-fitted
// data exponent (pure power law, bootstrap over seeds) contains alpha / (1 + alpha) in its CI.
#include "harness/targets/hutter_memorization.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <optional>
#include <vector>

#include "common/line_fit.h"
#include "harness/fit/power_law_fit.h"
#include "harness/learners/memorizer.h"
#include "harness/targets/testing/train.h"

namespace scalebench {
namespace {

// Minus the least-squares slope of log y on log x (common/line_fit.h).
double Slope(const std::vector<double>& x, const std::vector<double>& y) {
  const std::optional<double> slope = internal::LogLogSlope(x, y);
  REQUIRE(slope.has_value());
  return -*slope;
}

TEST_CASE("memorizer error is the mass of the unseen features", "[quanta][target]") {
  // p = (1/2, 1/4, 1/8, 1/8); stream 1, 2, 1, 3: after 1 sample {1} unseen mass 1/2,
  // after 2 {1,2} -> 1/4, after 4 {1,2,3} -> 1/8.
  const double p[] = {0.0, 0.5, 0.25, 0.125, 0.125};
  std::vector<double> errors;
  std::string error;
  REQUIRE(MemorizerErrorCurve(
      {1, 2, 1, 3}, [&](std::int64_t i) { return p[i]; }, {1, 2, 4}, &errors, &error));
  REQUIRE(errors.size() == 3);
  CHECK(errors[0] == Approx(0.5));
  CHECK(errors[1] == Approx(0.25));
  CHECK(errors[2] == Approx(0.125));
  CHECK_FALSE(MemorizerErrorCurve(
      {1, 2}, [&](std::int64_t i) { return p[i]; }, {3}, &errors, &error));
  CHECK_FALSE(MemorizerErrorCurve(
      {0}, [&](std::int64_t) { return 0.0; }, {1}, &errors, &error));
}

TEST_CASE("expected Hutter error: exact on a tiny support, K = 1e15 is effectively infinite",
          "[quanta][target]") {
  // K = 2, z = 2: p = (4/5, 1/5); D = 2: 4/5 (1/5)^2 + 1/5 (4/5)^2 = 4/125 + 16/125 = 0.16.
  CHECK(HutterMemorizationTarget::ExpectedError(2.0, 2, 2.0) == Approx(0.16).epsilon(1e-12));
  for (double alpha : {0.5, 1.0, 2.0}) {
    const double at_1e15 =
        HutterMemorizationTarget::ExpectedError(1 + alpha, 1000000000000000, 1e6);
    const double at_1e18 =
        HutterMemorizationTarget::ExpectedError(1 + alpha, 1000000000000000000, 1e6);
    INFO("alpha " << alpha);
    // The mass beyond K = 1e15 is zeta(z, K+1)/zeta(z) = 2.4e-8 for alpha = 0.5, i.e. 2.6e-6 of
    // E(1e6) = 0.0094: the truncation cannot bend the curve.
    CHECK(at_1e15 == Approx(at_1e18).epsilon(1e-5));
  }
}

TEST_CASE("Hutter memorization targets: fitted data exponent contains alpha/(1+alpha)",
          "[quanta][target][exact]") {
  for (double alpha : {0.5, 1.0, 2.0}) {
    const std::string name = fmt::format("hutter_memorization/alpha{:.1f}", alpha);
    auto target = TargetRegistry::Global().Create(name, nullptr);
    REQUIRE(target != nullptr);
    const TargetInfo info = target->Describe();
    const double exact = alpha / (1.0 + alpha);
    CHECK(info.exact_exponents.at(Axis::kData) == Approx(exact));
    const std::vector<AxisDesign> designs = target->Designs();
    REQUIRE(designs.size() == 1);
    const AxisDesign& design = designs[0];
    CHECK(design.seeds >= 5);
    CHECK(design.sizes.back() / design.sizes.front() >= 100.0);
    CHECK(design.zero_offset);

    // The expected curve's slope over the design: its bend from the asymptote.
    std::vector<double> expected;
    for (double d : design.sizes.AsDoubles())
      expected.push_back(HutterMemorizationTarget::ExpectedError(1 + alpha, 1000000000000000, d));
    const double expected_slope = Slope(design.sizes.AsDoubles(), expected);
    INFO(name << ": expected-curve slope " << expected_slope << ", exact " << exact);
    CHECK(std::abs(expected_slope - exact) < 0.02);

    const LearningCurve curve = testing::TrainCurve(*target, design);
    // Mean measured error vs the expectation, size by size (relative).
    for (std::size_t i = 0; i < design.sizes.size(); ++i) {
      double mean = 0;
      for (double v : curve.values[i]) mean += v / curve.values[i].size();
      CHECK(mean / expected[i] == Approx(1.0).margin(0.25));
    }
    FitOptions options;
    options.form = CurveForm::kPowerLaw;
    FitSummary fit;
    FitCurve(options, curve, &fit);
    INFO(fit.FullReport());
    REQUIRE(fit.usable());
    CHECK(fit.exponent_ci.Contains(exact));
    std::printf("%s: fitted %.4f, 95%% CI [%.4f, %.4f], exact %.4f, expected-curve slope %.4f\n",
                name.c_str(),
                fit.exponent,
                fit.exponent_ci.lower,
                fit.exponent_ci.upper,
                exact,
                expected_slope);

    const ProfileResult measured = target->MeasureProfile(RunContext());
    REQUIRE(measured.ok());
    const Profile& profile = measured.profile();
    REQUIRE(profile.Has(Property::kFrequencyDecay));
    const Measurement& z = profile.Get(Property::kFrequencyDecay);
    INFO(z.method);
    CHECK(std::abs(z.value - (1 + alpha)) < 0.05);
    CHECK(profile.source.find("independent") != std::string::npos);
    std::printf(
        "%s: probe z = %.4f +- %.4f (true %.1f)\n", name.c_str(), z.value, z.std_error, 1 + alpha);
  }
}

TEST_CASE("Hutter target: options validation names the field", "[quanta][target][unit]") {
  HutterMemorizationOptions options;
  std::string error;
  CHECK(ValidateFields(options, &error));
  options.alpha = 0.0;
  CHECK_FALSE(ValidateFields(options, &error));
  CHECK(error == "alpha = 0 must be > 0");
  options.alpha = 1.0;
  options.data_sizes = SizeGrid({10, 5});
  CHECK_FALSE(ValidateFields(options, &error));
  CHECK(error == "data_sizes: 5 after 10: sizes must be strictly increasing");
  options.data_sizes = SizeGrid::Log(1e3, 1e6, 10);
  options.probe.min_rank_count = 0.5;
  CHECK_FALSE(ValidateFields(options, &error));
  CHECK(error == "probe.min_rank_count = 0.5 must be >= 1");
}

TEST_CASE("Hutter target: the oracle profile is the generating exponent",
          "[quanta][target][unit]") {
  HutterMemorizationOptions options;
  options.alpha = 0.5;
  const std::optional<Profile> oracle = HutterMemorizationTarget(options).OracleProfile();
  REQUIRE(oracle.has_value());
  CHECK(oracle->Get(Property::kFrequencyDecay).value == 1.5);
  CHECK(oracle->Get(Property::kFrequencyDecay).std_error == 0.0);
}

}  // namespace
}  // namespace scalebench
