// Tests of theories/corpus/cagnetta_correlations: the paper's own arithmetic (App. C.3 of
// Cagnetta, Raventos, Ganguli & Wyart 2026, lit-language.md 3.1) and the NotApplicable paths.
#include <catch2/catch.hpp>
#include <limits>
#include <memory>
#include <string>

#include "theories/theory.h"

namespace scalebench {
namespace {

Prediction Run(const Profile& profile, Axis axis = Axis::kData) {
  const std::string name = "corpus/cagnetta_correlations";
  std::string error;
  std::unique_ptr<Theory> theory = TheoryRegistry::Global().Create(name, &error);
  REQUIRE(theory != nullptr);
  LearnerSpec learner;
  const PredictionRequest request(profile, learner, axis, {1e6, 1e7, 1e8});
  return RunTheory(*theory, *TheoryRegistry::Global().Find(name), request);
}

Profile Corpus(double beta, double beta_se, double gamma, double gamma_se) {
  Profile profile;
  profile.Set(Property::kCorrelationDecay, {beta, beta_se, "paper"});
  profile.Set(Property::kConditionalEntropyDecay, {gamma, gamma_se, "paper"});
  return profile;
}

TEST_CASE("Cagnetta et al.: TinyStories beta 0.88, gamma 0.325 gives 0.185", "[corpus]") {
  const Prediction p = Run(Corpus(0.88, 0.06, 0.325, 0.003));
  REQUIRE(p.predicted());
  CHECK(p.exponent().value == Approx(0.185).margin(5e-4));
  // Paper: 0.185 +- 0.013, 95% [0.172, 0.198] (a one-s.e. band); the delta method gives 0.0127.
  REQUIRE(p.exponent().lower.has_value());
  CHECK((*p.exponent().upper - *p.exponent().lower) / (2 * 1.96) == Approx(0.0127).margin(5e-4));
  CHECK(p.message().find("P^0.5682") != std::string::npos);  // horizon exponent 1 / (2 beta)
}

TEST_CASE("Cagnetta et al.: WikiText beta 0.94, gamma 0.265 gives 0.141", "[corpus]") {
  const Prediction p = Run(Corpus(0.94, 0.16, 0.265, 0.016));
  REQUIRE(p.predicted());
  CHECK(p.exponent().value == Approx(0.141).margin(5e-4));
  CHECK((*p.exponent().upper - *p.exponent().lower) / (2 * 1.96) == Approx(0.025).margin(1e-3));
}

TEST_CASE("Cagnetta et al.: not applicable without positive beta and gamma", "[corpus]") {
  Prediction p = Run(Corpus(0.0, 0.1, 0.3, 0.01));
  CHECK(p.status() == PredictionStatus::kNotApplicable);
  CHECK(p.message().find("correlation_decay") != std::string::npos);
  p = Run(Corpus(0.9, 0.1, -0.1, 0.01));
  CHECK(p.status() == PredictionStatus::kNotApplicable);
  CHECK(p.message().find("conditional_entropy_decay") != std::string::npos);
  Profile missing;
  missing.Set(Property::kCorrelationDecay, {0.9, 0.1, "x"});
  p = Run(missing);
  CHECK(p.status() == PredictionStatus::kNotApplicable);
  CHECK(p.message().find("conditional_entropy_decay") != std::string::npos);
  CHECK(Run(Corpus(0.9, 0.1, 0.3, 0.01), Axis::kParams).status() ==
        PredictionStatus::kNotApplicable);
  // No standard errors: a point prediction without an interval.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  p = Run(Corpus(0.9, nan, 0.3, nan));
  REQUIRE(p.predicted());
  CHECK_FALSE(p.exponent().lower.has_value());
}

}  // namespace
}  // namespace scalebench
