// Tests of theories/data_manifold/sharma_kaplan: 4/d with the delta-method interval, by hand, on
// both axes, and every NotApplicable path.
#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "theories/theory.h"

namespace scalebench {
namespace {

constexpr char kTheory[] = "data_manifold/sharma_kaplan";

Prediction Run(const Profile& profile,
               const LearnerSpec& learner,
               Axis axis,
               std::vector<double> sizes = {100, 1000}) {
  std::string error;
  const std::unique_ptr<Theory> theory = TheoryRegistry::Global().Create(kTheory, &error);
  REQUIRE(theory != nullptr);
  const PredictionRequest request(profile, learner, axis, std::move(sizes));
  return RunTheory(*theory, *TheoryRegistry::Global().Find(kTheory), request);
}

Profile WithDimension(double d, double se) {
  Profile profile;
  profile.Set(Property::kIntrinsicDimension, {d, se, "test value"});
  return profile;
}

TEST_CASE("sharma_kaplan: d = 8 gives 4/d = 0.5 with the delta-method interval",
          "[sharma_kaplan]") {
  // SE(4/d) = 4 * 0.5 / 64 = 0.03125; 95%: 0.5 -+ 1.96 * 0.03125 = [0.43875, 0.56125].
  for (Axis axis : {Axis::kParams, Axis::kData}) {
    const Prediction p = Run(WithDimension(8.0, 0.5), LearnerSpec{}, axis);
    REQUIRE(p.predicted());
    CHECK(p.exponent().value == Approx(0.5).epsilon(1e-12));
    REQUIRE(p.exponent().lower.has_value());
    CHECK(*p.exponent().lower == Approx(0.43875).epsilon(1e-12));
    CHECK(*p.exponent().upper == Approx(0.56125).epsilon(1e-12));
    CHECK_FALSE(p.has_curve());
    CHECK_THAT(p.message(), Catch::Contains("4/d with d = 8") && Catch::Contains("test value"));
  }
  CHECK_THAT(Run(WithDimension(8.0, 0.5), LearnerSpec{}, Axis::kData).message(),
             Catch::Contains("resolution-limited data regime"));
}

TEST_CASE("sharma_kaplan: no SE means no interval, cross-entropy is covered", "[sharma_kaplan]") {
  LearnerSpec learner;
  learner.loss = "cross_entropy_nats";
  const Prediction p = Run(WithDimension(20.0, std::nan("")), learner, Axis::kParams);
  REQUIRE(p.predicted());
  CHECK(p.exponent().value == Approx(0.2).epsilon(1e-12));
  CHECK_FALSE(p.exponent().lower.has_value());
}

TEST_CASE("sharma_kaplan: NotApplicable paths", "[sharma_kaplan]") {
  const LearnerSpec raw;
  for (double d : {0.0, -3.0, std::nan(""), HUGE_VAL}) {
    const Prediction p = Run(WithDimension(d, 0.1), raw, Axis::kParams);
    CHECK(p.status() == PredictionStatus::kNotApplicable);
    CHECK_THAT(p.message(), Catch::Contains("intrinsic_dimension d > 0"));
  }
  const Prediction missing = Run(Profile{}, raw, Axis::kParams);
  CHECK(missing.status() == PredictionStatus::kNotApplicable);
  CHECK_THAT(missing.message(), Catch::Contains("intrinsic_dimension"));

  LearnerSpec accuracy;
  accuracy.loss = "error_rate";
  CHECK_THAT(Run(WithDimension(8.0, 0.5), accuracy, Axis::kParams).message(),
             Catch::Contains("loss 'error_rate'"));

  LearnerSpec small;  // a fixed training set no larger than the models swept
  small.train_size = 1000;
  small.features = 500;
  const Prediction params = Run(WithDimension(8.0, 0.5), small, Axis::kParams);
  CHECK(params.status() == PredictionStatus::kNotApplicable);
  CHECK_THAT(params.message(),
             Catch::Contains("train_size 1000") && Catch::Contains("data >> parameters"));
  const Prediction data = Run(WithDimension(8.0, 0.5), small, Axis::kData);
  CHECK(data.status() == PredictionStatus::kNotApplicable);
  CHECK_THAT(data.message(), Catch::Contains("features 500") && Catch::Contains("interpolating"));

  const Prediction width = Run(WithDimension(8.0, 0.5), raw, Axis::kWidth);
  CHECK(width.status() == PredictionStatus::kNotApplicable);
}

}  // namespace
}  // namespace scalebench
