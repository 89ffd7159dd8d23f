// The quanta theories against hand-computed values.
#include <catch2/catch.hpp>

#include "theories/theory.h"

namespace scalebench {
namespace {

Prediction Run(const std::string& name, Axis axis, double z, double se) {
  Profile profile;
  profile.Set(Property::kFrequencyDecay, {z, se, "test"});
  LearnerSpec learner;
  learner.kind = "memorizer";
  learner.loss = "error_rate";
  auto theory = TheoryRegistry::Global().Create(name, nullptr);
  REQUIRE(theory != nullptr);
  return RunTheory(*theory,
                   *TheoryRegistry::Global().Find(name),
                   PredictionRequest(profile, learner, axis, {100.0, 1000.0}));
}

TEST_CASE("quanta/michaud_quantization: alpha = z - 1 on params, alpha/(alpha+1) on data and steps",
          "[quanta][theory]") {
  // z = 2: alpha = 1; params 1; data, steps 1/2.
  CHECK(Run("quanta/michaud_quantization", Axis::kParams, 2.0, 0).exponent().value == Approx(1.0));
  CHECK(Run("quanta/michaud_quantization", Axis::kData, 2.0, 0).exponent().value == Approx(0.5));
  CHECK(Run("quanta/michaud_quantization", Axis::kSteps, 2.0, 0).exponent().value == Approx(0.5));
  // z = 1.4 (the MSP toy, alpha = 0.4): data 0.4 / 1.4 = 0.285714.
  CHECK(Run("quanta/michaud_quantization", Axis::kData, 1.4, 0).exponent().value ==
        Approx(0.285714).epsilon(1e-5));
  // z = 1.5 +- 0.05: z -+ 1.96 * 0.05 = 1.402, 1.598; data (z-1)/z = 0.402/1.402 = 0.286733,
  // 0.598/1.598 = 0.374218; params 0.402, 0.598.
  const Prediction data = Run("quanta/michaud_quantization", Axis::kData, 1.5, 0.05);
  CHECK(data.exponent().value == Approx(1.0 / 3.0));
  CHECK(*data.exponent().lower == Approx(0.286733).epsilon(1e-5));
  CHECK(*data.exponent().upper == Approx(0.374218).epsilon(1e-5));
  const Prediction params = Run("quanta/michaud_quantization", Axis::kParams, 1.5, 0.05);
  CHECK(*params.exponent().lower == Approx(0.402));
  CHECK(*params.exponent().upper == Approx(0.598));
  CHECK_FALSE(params.has_curve());
  // The lower end of z is clamped at 1: z = 1.05 +- 0.1 -> lower exponent 0.
  CHECK(*Run("quanta/michaud_quantization", Axis::kData, 1.05, 0.1).exponent().lower ==
        Approx(0.0));
  const Prediction flat = Run("quanta/michaud_quantization", Axis::kData, 1.0, 0.01);
  CHECK(flat.status() == PredictionStatus::kNotApplicable);
  CHECK(flat.message().find("z > 1") != std::string::npos);
  CHECK(Run("quanta/michaud_quantization", Axis::kCompute, 2.0, 0).status() ==
        PredictionStatus::kNotApplicable);
}

TEST_CASE("quanta/hutter_memorization: data exponent alpha/(1+alpha)", "[quanta][theory]") {
  // z = 1.5, 2, 3: alpha = 0.5, 1, 2 -> 1/3, 1/2, 2/3.
  CHECK(Run("quanta/hutter_memorization", Axis::kData, 1.5, 0).exponent().value ==
        Approx(1.0 / 3.0));
  CHECK(Run("quanta/hutter_memorization", Axis::kData, 2.0, 0).exponent().value == Approx(0.5));
  CHECK(Run("quanta/hutter_memorization", Axis::kData, 3.0, 0).exponent().value ==
        Approx(2.0 / 3.0));
  // z = 3 +- 0.1: 2.804 -> 1.804/2.804 = 0.643367; 3.196 -> 2.196/3.196 = 0.687109.
  const Prediction p = Run("quanta/hutter_memorization", Axis::kData, 3.0, 0.1);
  CHECK(*p.exponent().lower == Approx(0.643367).epsilon(1e-5));
  CHECK(*p.exponent().upper == Approx(0.687109).epsilon(1e-5));
  CHECK(Run("quanta/hutter_memorization", Axis::kParams, 2.0, 0).status() ==
        PredictionStatus::kNotApplicable);
  CHECK(Run("quanta/hutter_memorization", Axis::kData, 0.8, 0).status() ==
        PredictionStatus::kNotApplicable);
}

TEST_CASE(
    "quanta/nam_solvable: steps and data alpha/(alpha+1), params alpha, compute alpha/(alpha+2)",
    "[quanta][theory]") {
  // z = 1.6 (Nam et al.'s Fig. 1 alpha = 0.6): steps, data 0.6/1.6 = 0.375; params 0.6;
  // compute 0.6/2.6 = 0.230769.
  CHECK(Run("quanta/nam_solvable", Axis::kSteps, 1.6, 0).exponent().value == Approx(0.375));
  CHECK(Run("quanta/nam_solvable", Axis::kData, 1.6, 0).exponent().value == Approx(0.375));
  CHECK(Run("quanta/nam_solvable", Axis::kParams, 1.6, 0).exponent().value == Approx(0.6));
  CHECK(Run("quanta/nam_solvable", Axis::kCompute, 1.6, 0).exponent().value ==
        Approx(0.230769).epsilon(1e-5));
  // z = 2 +- 0.1 on compute: 1.804 -> 0.804/2.804 = 0.286733; 2.196 -> 1.196/3.196 = 0.374218.
  const Prediction c = Run("quanta/nam_solvable", Axis::kCompute, 2.0, 0.1);
  CHECK(c.exponent().value == Approx(1.0 / 3.0));
  CHECK(*c.exponent().lower == Approx(0.286733).epsilon(1e-5));
  CHECK(*c.exponent().upper == Approx(0.374218).epsilon(1e-5));
  CHECK(Run("quanta/nam_solvable", Axis::kWidth, 2.0, 0).status() ==
        PredictionStatus::kNotApplicable);
  CHECK(Run("quanta/nam_solvable", Axis::kSteps, 1.0, 0).status() ==
        PredictionStatus::kNotApplicable);
}

}  // namespace
}  // namespace scalebench
