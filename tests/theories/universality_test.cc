// The fixed-exponent null reference (universality/fixed_exponents): its two numbers, that they
// ignore the profile, and every NotApplicable reason.
#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "theories/theory.h"

namespace scalebench {
namespace {

constexpr char kName[] = "universality/fixed_exponents";

Prediction Run(const Profile& profile, const LearnerSpec& learner, Axis axis) {
  std::string error;
  std::unique_ptr<Theory> theory = TheoryRegistry::Global().Create(kName, &error);
  REQUIRE(theory != nullptr);
  const TheoryInfo* info = TheoryRegistry::Global().Find(kName);
  REQUIRE(info != nullptr);
  CHECK(info->inputs.empty());
  return RunTheory(*theory, *info, PredictionRequest(profile, learner, axis, {10.0, 100.0}));
}

LearnerSpec Trained(const std::string& loss, double weight_decay) {
  LearnerSpec learner;
  learner.kind = "toy";
  learner.loss = loss;
  learner.optimizer = "adamw";
  learner.weight_decay = weight_decay;
  return learner;
}

TEST_CASE("fixed_exponents: steps 1/3 and width 1 whatever the profile", "[unit][universality]") {
  Profile profile;
  profile.Set(Property::kSpectrumDecay, {1.7, 0.1, "hand"});
  for (const Profile& p : {Profile{}, profile}) {
    const Prediction steps = Run(p, Trained("cross_entropy_nats", 0.0), Axis::kSteps);
    REQUIRE(steps.predicted());
    CHECK(steps.exponent().value == 1.0 / 3.0);
    CHECK_FALSE(steps.exponent().lower);
    CHECK_THAT(steps.message(), Catch::Contains("softmax + cross-entropy"));
    const Prediction width = Run(p, Trained("mse", -1.0), Axis::kWidth);
    REQUIRE(width.predicted());
    CHECK(width.exponent().value == 1.0);
    CHECK_THAT(width.message(), Catch::Contains("strong superposition"));
  }
}

TEST_CASE("fixed_exponents: outside the derivations the note says so", "[unit][universality]") {
  const Prediction steps = Run(Profile{}, Trained("mse", -1.0), Axis::kSteps);
  REQUIRE(steps.predicted());
  CHECK_THAT(steps.message(), Catch::Contains("applied to a 'mse' loss"));
  const Prediction width = Run(Profile{}, Trained("mse", 0.3), Axis::kWidth);
  REQUIRE(width.predicted());
  CHECK_THAT(width.message(), Catch::Contains("applied without it"));
}

TEST_CASE("fixed_exponents: n/a on data, params, compute and closed-form steps",
          "[unit][universality]") {
  const LearnerSpec learner = Trained("mse", 0.0);
  const Prediction data = Run(Profile{}, learner, Axis::kData);
  CHECK(data.status() == PredictionStatus::kNotApplicable);
  CHECK_THAT(data.message(), Catch::Contains("no fixed data exponent"));
  const Prediction params = Run(Profile{}, learner, Axis::kParams);
  CHECK(params.status() == PredictionStatus::kNotApplicable);
  CHECK_THAT(params.message(), Catch::Contains("parameter-count"));
  const Prediction compute = Run(Profile{}, learner, Axis::kCompute);
  CHECK(compute.status() == PredictionStatus::kNotApplicable);
  CHECK_THAT(compute.message(), Catch::Contains("compute"));
  const Prediction closed_form = Run(Profile{}, LearnerSpec{}, Axis::kSteps);
  CHECK(closed_form.status() == PredictionStatus::kNotApplicable);
  CHECK_THAT(closed_form.message(), Catch::Contains("no optimizer declared"));
}

}  // namespace
}  // namespace scalebench
