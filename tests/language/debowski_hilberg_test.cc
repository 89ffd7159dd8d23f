// The Hilberg/Heaps theory (theories/corpus/debowski_hilberg.cc): alpha_D = 1 - h, its interval
// from se_h, and NotApplicable outside 0 < h < 1.
#include <catch2/catch.hpp>

#include "theories/theory.h"

namespace scalebench {
namespace {

Prediction Run(double h, double se) {
  Profile profile;
  profile.Set(Property::kHeapsExponent, {h, se, "test"});
  profile.Set(Property::kFrequencyDecay, {1.25, 0.01, "test"});
  LearnerSpec learner;
  learner.kind = "kneser_ney";
  learner.loss = "cross_entropy_nats";
  std::string error;
  auto theory = TheoryRegistry::Global().Create("corpus/debowski_hilberg", &error);
  REQUIRE(theory != nullptr);
  PredictionRequest request(profile, learner, Axis::kData, {1e3, 1e4});
  return theory->Predict(request);
}

TEST_CASE("Debowski: data exponent 1 - h with the Heaps error as interval", "[language]") {
  const Prediction p = Run(0.6, 0.05);
  REQUIRE(p.predicted());
  CHECK(p.exponent().value == Approx(0.4));
  REQUIRE(p.exponent().lower.has_value());
  CHECK(*p.exponent().upper - *p.exponent().lower == Approx(2 * 1.96 * 0.05).epsilon(0.02));
  CHECK_THAT(p.message(), Catch::Contains("1 - 1/z = 0.2"));
}

TEST_CASE("Debowski: not applicable without sub-linear vocabulary growth", "[language]") {
  CHECK(Run(1.0, 0.01).status() == PredictionStatus::kNotApplicable);
  CHECK(Run(0.0, 0.01).status() == PredictionStatus::kNotApplicable);
  CHECK_THAT(Run(1.2, 0.01).message(), Catch::Contains("must be in (0, 1)"));
}

}  // namespace
}  // namespace scalebench
