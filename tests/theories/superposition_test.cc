// Tests of the superposition theories through RunTheory: hand-computed exponents and intervals
// (lit-language 2.2, 2.3) and every NotApplicable path.
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "theories/theory.h"

namespace scalebench {
namespace {

Prediction RunNamed(const std::string& name,
                    const Profile& profile,
                    const LearnerSpec& learner,
                    Axis axis) {
  std::string error;
  std::unique_ptr<Theory> theory = TheoryRegistry::Global().Create(name, &error);
  REQUIRE(theory != nullptr);
  const TheoryInfo* info = TheoryRegistry::Global().Find(name);
  REQUIRE(info != nullptr);
  const PredictionRequest request(profile, learner, axis, {10.0, 100.0});
  return RunTheory(*theory, *info, request);
}

Profile FrequencyProfile(double z, double se) {
  Profile profile;
  profile.Set(Property::kFrequencyDecay, {z, se, "hand"});
  return profile;
}

LearnerSpec Optimizer(double weight_decay) {
  LearnerSpec learner;
  learner.kind = "toy_autoencoder";
  learner.loss = "mse";
  learner.optimizer = "adamw";
  learner.learning_rate = 1e-2;
  learner.weight_decay = weight_decay;
  return learner;
}

constexpr char kLiu[] = "superposition/liu_liu_gore";
constexpr char kChen[] = "superposition/chen_steps";

// ------------------------------------------------------------------ superposition/liu_liu_gore

TEST_CASE("liu_liu_gore: weak regime alpha - 1 with an interval", "[superposition]") {
  // alpha = 1.5, SE 0.05: 0.5 -+ 1.96 * 0.05 = [0.402, 0.598].
  const Prediction p = RunNamed(kLiu, FrequencyProfile(1.5, 0.05), Optimizer(0.1), Axis::kWidth);
  REQUIRE(p.predicted());
  CHECK(p.exponent().value == Approx(0.5));
  REQUIRE(p.exponent().lower);
  REQUIRE(p.exponent().upper);
  CHECK(*p.exponent().lower == Approx(0.402));
  CHECK(*p.exponent().upper == Approx(0.598));
  CHECK_THAT(p.message(), Catch::Contains("weak superposition"));
  // alpha = 2, no SE: 1, no interval.
  const Prediction q = RunNamed(kLiu, FrequencyProfile(2.0, 0.0), Optimizer(0.01), Axis::kWidth);
  REQUIRE(q.predicted());
  CHECK(q.exponent().value == Approx(1.0));
  CHECK_FALSE(q.exponent().lower);
  CHECK_FALSE(q.exponent().upper);
  // alpha = 1.05, SE 0.05: 0.05, lower end 1.05 - 0.098 - 1 < 0 clamped to 0, upper 0.148.
  const Prediction r = RunNamed(kLiu, FrequencyProfile(1.05, 0.05), Optimizer(0.1), Axis::kWidth);
  REQUIRE(r.predicted());
  CHECK(r.exponent().value == Approx(0.05));
  CHECK(*r.exponent().lower == 0.0);
  CHECK(*r.exponent().upper == Approx(0.148));
}

TEST_CASE("liu_liu_gore: strong regime is 1 regardless of the data", "[superposition]") {
  for (double z : {0.5, 0.8, 1.5, 2.0}) {
    const Prediction p = RunNamed(kLiu, FrequencyProfile(z, 0.05), Optimizer(-1.0), Axis::kWidth);
    REQUIRE(p.predicted());
    CHECK(p.exponent().value == 1.0);
    CHECK_FALSE(p.exponent().lower);
    CHECK_THAT(p.message(), Catch::Contains("strong superposition"));
  }
  // The strong regime does not need frequency_decay.
  const Prediction bare = RunNamed(kLiu, Profile{}, Optimizer(-0.5), Axis::kWidth);
  REQUIRE(bare.predicted());
  CHECK(bare.exponent().value == 1.0);
}

TEST_CASE("liu_liu_gore: NotApplicable paths", "[superposition]") {
  const Prediction flat = RunNamed(kLiu, FrequencyProfile(0.8, 0.05), Optimizer(0.1), Axis::kWidth);
  CHECK(flat.status() == PredictionStatus::kNotApplicable);
  CHECK_THAT(flat.message(), Catch::Contains("no power law for alpha <= 1"));
  CHECK(RunNamed(kLiu, FrequencyProfile(1.0, 0.0), Optimizer(0.1), Axis::kWidth).status() ==
        PredictionStatus::kNotApplicable);

  const Prediction missing = RunNamed(kLiu, Profile{}, Optimizer(0.1), Axis::kWidth);
  CHECK(missing.status() == PredictionStatus::kNotApplicable);
  CHECK(missing.message() == "missing input: frequency_decay (needed in the weak regime)");

  const Prediction zero = RunNamed(kLiu, FrequencyProfile(1.5, 0.05), Optimizer(0.0), Axis::kWidth);
  CHECK(zero.status() == PredictionStatus::kNotApplicable);
  CHECK_THAT(zero.message(), Catch::Contains("weight_decay = 0"));

  LearnerSpec closed_form;
  closed_form.kind = "linear_ridge";
  const Prediction none = RunNamed(kLiu, FrequencyProfile(1.5, 0.05), closed_form, Axis::kWidth);
  CHECK(none.status() == PredictionStatus::kNotApplicable);
  CHECK_THAT(none.message(), Catch::Contains("no optimizer declared"));

  const Prediction data = RunNamed(kLiu, FrequencyProfile(1.5, 0.05), Optimizer(-1.0), Axis::kData);
  CHECK(data.status() == PredictionStatus::kNotApplicable);
  CHECK_THAT(data.message(), Catch::Contains("does not predict the"));
}

// -------------------------------------------------------------------- superposition/chen_steps

TEST_CASE("chen_steps: exponent 1 under superposition, n/a otherwise", "[superposition]") {
  const Prediction p = RunNamed(kChen, Profile{}, Optimizer(-1.0), Axis::kSteps);
  REQUIRE(p.predicted());
  CHECK(p.exponent().value == 1.0);
  CHECK_FALSE(p.exponent().lower);
  CHECK_THAT(p.message(), Catch::Contains("1/t"));

  const Prediction weak = RunNamed(kChen, Profile{}, Optimizer(0.1), Axis::kSteps);
  CHECK(weak.status() == PredictionStatus::kNotApplicable);
  CHECK_THAT(weak.message(), Catch::Contains("weight_decay > 0"));

  const Prediction zero = RunNamed(kChen, Profile{}, Optimizer(0.0), Axis::kSteps);
  CHECK(zero.status() == PredictionStatus::kNotApplicable);
  CHECK_THAT(zero.message(), Catch::Contains("weight_decay = 0"));

  const Prediction none = RunNamed(kChen, Profile{}, LearnerSpec{}, Axis::kSteps);
  CHECK(none.status() == PredictionStatus::kNotApplicable);
  CHECK_THAT(none.message(), Catch::Contains("no optimizer declared"));

  const Prediction width = RunNamed(kChen, Profile{}, Optimizer(-1.0), Axis::kWidth);
  CHECK(width.status() == PredictionStatus::kNotApplicable);
}

}  // namespace
}  // namespace scalebench
