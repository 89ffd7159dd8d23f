// Tests of the optimizer-aware theories (theories/optimizer/) through RunTheory: the Paquette et
// al. phase map against the alpha = 0.7 fixture table of anchors-2026.md 2.1 and the corrected
// Ib / Ic / IV boundaries, and the Bordelon et al. and Lin et al. formulas against hand-computed
// values, with every NotApplicable path.
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "theories/optimizer/paquette_phase_map.h"
#include "theories/theory.h"

namespace scalebench {
namespace {

using Catch::Matchers::Contains;
using optimizer_internal::PhaseMap;
using optimizer_internal::PlrfPhase;

constexpr char kPaquette[] = "optimizer/paquette_phases";
constexpr char kBordelon[] = "optimizer/bordelon_dynamical";
constexpr char kLin[] = "optimizer/lin_sgd";

Prediction RunNamed(const std::string& name,
                    const Profile& profile,
                    const LearnerSpec& learner,
                    Axis axis,
                    std::vector<double> sizes = {10.0, 100.0, 1000.0}) {
  std::string error;
  std::unique_ptr<Theory> theory = TheoryRegistry::Global().Create(name, &error);
  REQUIRE(theory != nullptr);
  const TheoryInfo* info = TheoryRegistry::Global().Find(name);
  REQUIRE(info != nullptr);
  return RunTheory(*theory, *info, PredictionRequest(profile, learner, axis, std::move(sizes)));
}

// The unified power laws: spectrum_decay b, task_power_decay a.
Profile PowerLaws(double a, double b, double se_a = 0.0, double se_b = 0.0) {
  Profile profile;
  profile.Set(Property::kTaskPowerDecay, {a, se_a, "hand"});
  profile.Set(Property::kSpectrumDecay, {b, se_b, "hand"});
  return profile;
}

// PLRF (alpha, beta): b = 2 alpha, a = 2 alpha + 2 beta.
Profile Plrf(double alpha, double beta) {
  return PowerLaws(2 * (alpha + beta), 2 * alpha);
}

LearnerSpec OnePassSgd() {
  LearnerSpec learner;
  learner.kind = "plrf_sgd";
  learner.loss = "excess_mse";
  learner.features = 400;
  learner.optimizer = "sgd";
  learner.learning_rate = 0.1;
  learner.batch_size = 1;
  return learner;
}

LearnerSpec ClosedForm() {
  LearnerSpec learner;
  learner.kind = "projected_linear_ridge";
  return learner;
}

// ------------------------------------------------------------ optimizer/paquette_phases

TEST_CASE("paquette_phases reproduces the alpha = 0.7 fixture table", "[unit][theories]") {
  // anchors-2026.md 2.1: beta, phase, xi (d* ~ f^xi), eta (P* ~ f^-eta), to 4 decimals.
  struct Row {
    double beta;
    PlrfPhase phase;
    double xi, eta;
  };
  const std::vector<Row> table = {{0.25, PlrfPhase::kIa, 0.4167, 0.375},
                                  {0.40, PlrfPhase::kIa, 0.4167, 0.500},
                                  {0.50, PlrfPhase::kIa, 0.4167, 0.5833},  // Ia/II boundary
                                  {0.60, PlrfPhase::kII, 0.4615, 0.6154},
                                  {0.70, PlrfPhase::kII, 0.5, 0.6429},  // II/III boundary
                                  {0.90, PlrfPhase::kIII, 0.5, 0.6429},
                                  {1.20, PlrfPhase::kIII, 0.5, 0.6429}};
  for (const Row& row : table) {
    CAPTURE(row.beta);
    const auto e = PhaseMap(0.7, row.beta);
    REQUIRE(e);
    CHECK(e->phase == row.phase);
    CHECK(e->xi == Approx(row.xi).margin(5e-5));
    CHECK(e->eta == Approx(row.eta).margin(5e-5));
    const Prediction p = RunNamed(kPaquette, Plrf(0.7, row.beta), OnePassSgd(), Axis::kCompute);
    REQUIRE(p.predicted());
    CHECK(p.exponent().value == Approx(row.eta).margin(5e-5));
    CHECK_FALSE(p.exponent().lower);  // no standard errors, no interval
    CHECK_THAT(p.message(), Contains(std::string("Phase ") + ToString(row.phase)));
  }
  // Both sides of each boundary agree (continuity of the table).
  const auto below = PhaseMap(0.7, 0.5 - 1e-9), above = PhaseMap(0.7, 0.5 + 1e-9);
  CHECK(below->eta == Approx(above->eta).margin(1e-6));
  CHECK(PhaseMap(0.7, 0.7 - 1e-9)->eta == Approx(PhaseMap(0.7, 0.7 + 1e-9)->eta).margin(1e-6));
}

TEST_CASE("paquette_phases: the corrected Ib, Ic and IV regions", "[unit][theories]") {
  // Ib: 2beta < 1, 2alpha < 1, 2(alpha + beta) > 1: xi = 1/2, eta = alpha + beta - 1/2.
  auto ib = PhaseMap(0.33, 0.45);
  REQUIRE(ib);
  CHECK(ib->phase == PlrfPhase::kIb);
  CHECK(ib->xi == 0.5);
  CHECK(ib->eta == Approx(0.28));
  CHECK(PhaseMap(0.45, 0.33)->phase == PlrfPhase::kIb);
  // Ic: 2beta > 1, alpha < 1/4 (not beta < 1/2): the F_pp vs d^-2alpha balance.
  // (0.2, 0.7): xi = 1/(2 - 0.4 + 0.16/0.8) = 1/1.8, eta = 0.4/1.8.
  auto ic = PhaseMap(0.2, 0.7);
  REQUIRE(ic);
  CHECK(ic->phase == PlrfPhase::kIc);
  CHECK(ic->xi == Approx(1 / 1.8));
  CHECK(ic->eta == Approx(0.4 / 1.8));
  // Ib and Ic meet Ia at alpha = 1/2 and each other at beta = 1/2 (xi = 1/2, eta = alpha).
  CHECK(PhaseMap(0.2, 0.5 + 1e-9)->xi == Approx(0.5).margin(1e-6));
  CHECK(PhaseMap(0.2, 0.5 + 1e-9)->eta == Approx(0.2).margin(1e-6));
  CHECK(PhaseMap(0.5 - 1e-9, 0.3)->eta == Approx(PhaseMap(0.5 + 1e-9, 0.3)->eta).margin(1e-6));
  // IV: 2beta > 1, 1/4 < alpha < 1/2: n/a, naming both candidates at the point.
  CHECK_FALSE(PhaseMap(0.4, 0.7));
  CHECK_FALSE(PhaseMap(0.4, 1.0));
  const Prediction iv = RunNamed(kPaquette, Plrf(0.4, 0.7), OnePassSgd(), Axis::kCompute);
  REQUIRE(iv.status() == PredictionStatus::kNotApplicable);
  // A: 1/(2 - 0.8 + 0.64/1.2) = 0.5769, eta = 0.8 xi = 0.4615; B: xi = 1/2, eta = alpha.
  CHECK_THAT(iv.message(), Contains("Phase IV"));
  CHECK_THAT(iv.message(), Contains("xi = 0.5769, eta = 0.4615"));
  CHECK_THAT(iv.message(), Contains("xi = 0.5, eta = 0.4"));
}

TEST_CASE("paquette_phases: steps exponents per phase, interval over the inputs' box",
          "[unit][theories]") {
  // Ia (0.7, 0.25): F_pp, (1.4 + 0.5 - 1)/1.4; II (0.7, 0.6): 1.6/1.4... (2alpha+2beta-1)/(2alpha).
  Prediction p = RunNamed(kPaquette, Plrf(0.7, 0.25), OnePassSgd(), Axis::kSteps);
  REQUIRE(p.predicted());
  CHECK(p.exponent().value == Approx(0.9 / 1.4));
  p = RunNamed(kPaquette, Plrf(0.7, 0.6), OnePassSgd(), Axis::kSteps);
  CHECK(p.exponent().value == Approx(1.6 / 1.4));
  CHECK_THAT(p.message(), Contains("later F_ac"));
  // III (0.7, 0.9): the SGD-noise kernel, 2 - 1/1.4.
  p = RunNamed(kPaquette, Plrf(0.7, 0.9), OnePassSgd(), Axis::kSteps);
  CHECK(p.exponent().value == Approx(2 - 1 / 1.4));
  // Ib (0.4, 0.3): F_pp again, (0.8 + 0.6 - 1)/0.8.
  p = RunNamed(kPaquette, Plrf(0.4, 0.3), OnePassSgd(), Axis::kSteps);
  CHECK(p.exponent().value == Approx(0.5));
  // Ia with standard errors: eta = (a - 1)/(b + 1) over a = 1.9 -+ 1.96 0.05, b = 1.4 -+ 1.96
  // 0.02, all inside Ia: [0.802 / 2.4392, 0.998 / 2.3608].
  p = RunNamed(kPaquette, PowerLaws(1.9, 1.4, 0.05, 0.02), OnePassSgd(), Axis::kCompute);
  REQUIRE(p.predicted());
  CHECK(p.exponent().value == Approx(0.375));
  CHECK(*p.exponent().lower == Approx(0.802 / 2.4392));
  CHECK(*p.exponent().upper == Approx(0.998 / 2.3608));
}

TEST_CASE("paquette_phases: each assumption is a NotApplicable reason", "[unit][theories]") {
  CHECK_THAT(RunNamed(kPaquette, PowerLaws(0.9, 0.6), OnePassSgd(), Axis::kSteps).message(),
             Contains("finite target power"));
  CHECK_THAT(RunNamed(kPaquette, Plrf(0.7, 0.4), ClosedForm(), Axis::kSteps).message(),
             Contains("no optimizer declared"));
  LearnerSpec adam = OnePassSgd();
  adam.optimizer = "adam";
  CHECK_THAT(RunNamed(kPaquette, Plrf(0.7, 0.4), adam, Axis::kSteps).message(),
             Contains("is not plain SGD"));
  LearnerSpec reuse = OnePassSgd();
  reuse.train_size = 1000;
  CHECK_THAT(RunNamed(kPaquette, Plrf(0.7, 0.4), reuse, Axis::kCompute).message(),
             Contains("one-pass SGD"));
  Profile traced = Plrf(0.7, 0.4);
  traced.Set(Property::kSpectrumTrace, {25.0, 0.0, "hand"});  // 0.1 x 25 = 2.5 >= 2
  CHECK_THAT(RunNamed(kPaquette, traced, OnePassSgd(), Axis::kSteps).message(),
             Contains("stability bound"));
  traced.Set(Property::kSpectrumTrace, {3.0, 0.0, "hand"});  // 0.3 < 2: stable
  CHECK(RunNamed(kPaquette, traced, OnePassSgd(), Axis::kSteps).predicted());
  CHECK(RunNamed(kPaquette, Plrf(0.7, 0.4), OnePassSgd(), Axis::kParams).status() ==
        PredictionStatus::kNotApplicable);  // undeclared axis
}

// ------------------------------------------------------------ optimizer/bordelon_dynamical

TEST_CASE("bordelon_dynamical: time, size and compute exponents by hand", "[unit][theories]") {
  // a = 1.9, b = 1.4 (PLRF Ia): t^-0.9/1.4; m = min(0.9, 2.8) = 0.9;
  // compute 0.9 0.9 / (0.9 + 1.4 0.9) = 0.81 / 2.16 = 0.375 (= Paquette's Ia eta).
  Prediction p = RunNamed(kBordelon, PowerLaws(1.9, 1.4), OnePassSgd(), Axis::kSteps);
  REQUIRE(p.predicted());
  CHECK(p.exponent().value == Approx(0.9 / 1.4));
  p = RunNamed(kBordelon, PowerLaws(1.9, 1.4), OnePassSgd(), Axis::kCompute);
  CHECK(p.exponent().value == Approx(0.375));
  // a = 3.2, b = 1.4 (PLRF III): m = min(2.2, 2.8) = 2.2; 2.2 2.2 / (2.2 + 1.4 2.2) = 4.84 / 5.28;
  // N* ~ C^(2.2/5.28), t* ~ C^(3.08/5.28).
  p = RunNamed(kBordelon, PowerLaws(3.2, 1.4), OnePassSgd(), Axis::kCompute);
  CHECK(p.exponent().value == Approx(4.84 / 5.28));
  CHECK_THAT(p.message(), Contains("N* ~ C^0.4167, t* ~ C^0.5833"));
  // a = 4.0, b = 1.2: m = min(3, 2.4) = 2.4 on the params and data axes (closed-form learners);
  // compute 3 2.4 / (3 + 1.2 2.4) = 7.2 / 5.88.
  p = RunNamed(kBordelon, PowerLaws(4.0, 1.2), ClosedForm(), Axis::kParams);
  REQUIRE(p.predicted());
  CHECK(p.exponent().value == Approx(2.4));
  LearnerSpec raw = ClosedForm();
  raw.kind = "linear_ridge";
  p = RunNamed(kBordelon, PowerLaws(4.0, 1.2), raw, Axis::kData);
  CHECK(p.exponent().value == Approx(2.4));
  p = RunNamed(kBordelon, PowerLaws(4.0, 1.2), OnePassSgd(), Axis::kCompute);
  CHECK(p.exponent().value == Approx(7.2 / 5.88));
  // a - 1 < 2b: m = a - 1. a = 2, b = 1.5: params 1.
  CHECK(RunNamed(kBordelon, PowerLaws(2.0, 1.5), ClosedForm(), Axis::kParams).exponent().value ==
        Approx(1.0));
}

TEST_CASE("bordelon_dynamical: each assumption is a NotApplicable reason", "[unit][theories]") {
  const auto reason = [](const Profile& profile, const LearnerSpec& learner, Axis axis) {
    const Prediction p = RunNamed(kBordelon, profile, learner, axis);
    CHECK(p.status() == PredictionStatus::kNotApplicable);
    return p.message();
  };
  CHECK_THAT(reason(PowerLaws(2.2, 0.8), OnePassSgd(), Axis::kSteps), Contains("b > 1"));
  CHECK_THAT(reason(PowerLaws(0.9, 1.5), OnePassSgd(), Axis::kSteps), Contains("a > 1"));
  CHECK_THAT(reason(PowerLaws(2.0, 1.5), ClosedForm(), Axis::kSteps), Contains("no optimizer"));
  LearnerSpec ce = OnePassSgd();
  ce.loss = "cross_entropy_nats";
  CHECK_THAT(reason(PowerLaws(2.0, 1.5), ce, Axis::kSteps), Contains("not a squared error"));
  LearnerSpec ridge = ClosedForm();
  ridge.ridge = 1e-3;
  CHECK_THAT(reason(PowerLaws(2.0, 1.5), ridge, Axis::kParams), Contains("ridge > 0"));
  LearnerSpec finite = ClosedForm();
  finite.train_size = 1000;
  CHECK_THAT(reason(PowerLaws(2.0, 1.5), finite, Axis::kParams), Contains("finite train_size"));
  LearnerSpec narrow = ClosedForm();
  narrow.features = 500;  // below the largest P = 1000
  CHECK_THAT(reason(PowerLaws(2.0, 1.5), narrow, Axis::kData), Contains("model size"));
  CHECK_THAT(reason(PowerLaws(2.0, 1.5), OnePassSgd(), Axis::kParams), Contains("t -> infinity"));
}

// ------------------------------------------------------------ optimizer/lin_sgd

TEST_CASE("lin_sgd: M, N and compute exponents by hand", "[unit][theories]") {
  // Isotropic prior a = b = 2: M^-1, N^-1/2, compute 1/3 with M* ~ C^1/3, N* ~ C^2/3.
  Prediction p = RunNamed(kLin, PowerLaws(2.0, 2.0), ClosedForm(), Axis::kParams);
  REQUIRE(p.predicted());
  CHECK(p.exponent().value == Approx(1.0));
  p = RunNamed(kLin, PowerLaws(2.0, 2.0), OnePassSgd(), Axis::kSteps);
  CHECK(p.exponent().value == Approx(0.5));
  p = RunNamed(kLin, PowerLaws(2.0, 2.0), OnePassSgd(), Axis::kCompute);
  CHECK(p.exponent().value == Approx(1.0 / 3.0));
  CHECK_THAT(p.message(), Contains("M* ~ C^0.3333, N* ~ C^0.6667"));
  // Source condition a = 1.5 < b = 2: M^-0.5, N^-0.25, compute 0.5/3.
  p = RunNamed(kLin, PowerLaws(1.5, 2.0), OnePassSgd(), Axis::kSteps);
  CHECK(p.exponent().value == Approx(0.25));
  p = RunNamed(kLin, PowerLaws(1.5, 2.0), OnePassSgd(), Axis::kCompute);
  CHECK(p.exponent().value == Approx(0.5 / 3.0));
  // Multi-pass on N = 1000 samples: L^-0.25 while L <= 1000^(2/1.5) = 10^4 iterations.
  LearnerSpec reuse = OnePassSgd();
  reuse.train_size = 1000;
  p = RunNamed(kLin, PowerLaws(1.5, 2.0), reuse, Axis::kSteps, {10, 100, 5000});
  REQUIRE(p.predicted());
  CHECK(p.exponent().value == Approx(0.25));
  CHECK_THAT(p.message(), Contains("multi-pass"));
  p = RunNamed(kLin, PowerLaws(1.5, 2.0), reuse, Axis::kSteps, {10, 100, 20000});
  CHECK(p.status() == PredictionStatus::kNotApplicable);
  CHECK_THAT(p.message(), Contains("data-reuse horizon"));
  reuse.batch_size = 4;  // 4 x 5000 iterations > 10^4
  CHECK(RunNamed(kLin, PowerLaws(1.5, 2.0), reuse, Axis::kSteps, {10, 5000}).status() ==
        PredictionStatus::kNotApplicable);
}

TEST_CASE("lin_sgd: each assumption is a NotApplicable reason", "[unit][theories]") {
  // a > b: outside the source range, unless within twice the combined standard error.
  Prediction p = RunNamed(kLin, PowerLaws(2.2, 1.4), OnePassSgd(), Axis::kSteps);
  CHECK(p.status() == PredictionStatus::kNotApplicable);
  CHECK_THAT(p.message(), Contains("source condition outside"));
  p = RunNamed(kLin, PowerLaws(2.05, 2.0, 0.03, 0.02), OnePassSgd(), Axis::kSteps);
  CHECK(p.predicted());  // 0.05 < 2 sqrt(0.03^2 + 0.02^2) = 0.072
  CHECK(RunNamed(kLin, PowerLaws(0.9, 2.0), OnePassSgd(), Axis::kSteps).status() ==
        PredictionStatus::kNotApplicable);
  LearnerSpec adam = OnePassSgd();
  adam.optimizer = "adam";
  CHECK_THAT(RunNamed(kLin, PowerLaws(2.0, 2.0), adam, Axis::kSteps).message(),
             Contains("not plain SGD"));
  LearnerSpec reuse = OnePassSgd();
  reuse.train_size = 1000;
  CHECK_THAT(RunNamed(kLin, PowerLaws(2.0, 2.0), reuse, Axis::kCompute).message(),
             Contains("one-pass SGD"));
  CHECK_THAT(RunNamed(kLin, PowerLaws(2.0, 2.0), OnePassSgd(), Axis::kParams).message(),
             Contains("N -> infinity"));
}

}  // namespace
}  // namespace scalebench
