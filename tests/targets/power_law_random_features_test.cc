// The power_law_random_features target: its designs (one steps design per width, the learner spec
// the optimizer-aware theories read), the seed mean of a small target's trained curves against
// the Volterra expected risk of the same feature draws, and the profile's probe and oracle.
#include "harness/targets/power_law_random_features.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "harness/learners/plrf_sgd.h"
#include "harness/targets/testing/train.h"

namespace scalebench {
namespace {

PowerLawRandomFeaturesOptions Small(double alpha, double beta) {
  PowerLawRandomFeaturesOptions o;
  o.alpha = alpha;
  o.beta = beta;
  o.widths = SizeGrid({16, 32, 64});
  o.steps = SizeGrid::Log(10, 3000, 8);
  o.seeds = 40;
  o.probe_samples = 1000;
  o.probe_modes = 2000;
  return o;
}

TEST_CASE(
    "power_law_random_features declares one SGD steps design per width, all in the compute grid "
    "with d B FLOPs per step, the widest the steps cell",
    "[unit][targets]") {
  const PowerLawRandomFeaturesTarget target(Small(0.7, 0.6));
  const std::vector<AxisDesign> designs = target.Designs();
  REQUIRE(designs.size() == 3);
  CHECK(ComputeGridProblem(designs) == "");
  for (std::size_t i = 0; i < designs.size(); ++i) {
    const AxisDesign& design = designs[i];
    const int width = int(target.options().widths[i]);
    CHECK(design.axis == Axis::kSteps);
    CHECK(design.unit == RunUnit::kSeed);
    CHECK(design.learner.kind == "plrf_sgd");
    CHECK(design.learner.optimizer == "sgd");
    CHECK(design.learner.features == width);
    CHECK(std::isinf(design.learner.train_size));  // one pass
    CHECK(design.learner.batch_size == 1);
    // gamma_d = 0.5 / sum_{j <= 4d} j^-1.4
    double trace = 0;
    for (int j = 1; j <= 4 * width; ++j) trace += std::pow(j, -1.4);
    CHECK(design.learner.learning_rate == Approx(0.5 / trace).epsilon(1e-12));
    CHECK(design.sizes == target.options().steps);
    // Paquette et al.'s f = d B r: N = d, d B FLOPs per step.
    CHECK(design.learner.parameters == width);
    CHECK(design.learner.flops_per_step == width * design.learner.batch_size);
    CHECK(design.compute_grid);
    CHECK(design.frontier_zero_offset);  // the limit level vanishes as d grows
    CHECK(design.own_cell == (width == 64));
  }
  PowerLawRandomFeaturesOptions batched = Small(0.7, 0.6);
  batched.batch_size = 4;
  CHECK(PowerLawRandomFeaturesTarget(batched).Designs()[1].learner.flops_per_step == 32 * 4);
  batched.widths = SizeGrid({16, 32});  // two widths are no compute grid
  std::string error;
  CHECK_FALSE(ValidateFields(batched, &error));
  CHECK(error.find("at least 3 widths") != std::string::npos);
  for (const char* name : {"power_law_random_features/alpha0.7_beta0.25",
                           "power_law_random_features/alpha0.4_beta1.0"}) {
    auto registered = TargetRegistry::Global().Create(name, nullptr);
    REQUIRE(registered != nullptr);
    CHECK(registered->Designs().size() >= 5);  // >= 5 widths
    CHECK(registered->Info().home_theories ==
          std::vector<std::string>{"optimizer/bordelon_dynamical", "optimizer/paquette_phases"});
  }
  // beta = 0 is Lin et al.'s isotropic prior: their home too.
  auto isotropic =
      TargetRegistry::Global().Create("power_law_random_features/alpha0.8_beta0.0", nullptr);
  REQUIRE(isotropic != nullptr);
  CHECK(isotropic->Info().home_theories.back() == "optimizer/lin_sgd");
}

TEST_CASE(
    "power_law_random_features: the seed mean of trained curves is the Volterra expected risk",
    "[unit][targets]") {
  // Each seed draws its own W and SGD stream; the expected risk is averaged over the same W's.
  // Tolerance: 4 standard errors of the 40-seed mean (seed spread = W and SGD noise together).
  for (const auto& [alpha, beta] :
       {std::pair{0.7, 0.25}, std::pair{0.7, 0.9}, std::pair{0.4, 0.7}}) {
    CAPTURE(alpha, beta);
    const PowerLawRandomFeaturesTarget target(Small(alpha, beta));
    const AxisDesign design = target.Designs().back();  // width 64
    const LearningCurve curve = testing::TrainCurve(target, design);
    const int width = int(design.learner.features);
    std::vector<double> expected(curve.num_sizes(), 0.0), losses;
    std::string error;
    for (std::uint64_t seed : curve.seeds) {
      PlrfModel model;
      REQUIRE(PlrfModel::Build(target.ModelOptions(width),
                               target.FeatureSeed(width, seed),
                               PlrfSampling::kEigenbasis,
                               &model,
                               &error));
      REQUIRE(PlrfExpectedRiskCurve(
          model, target.SgdOptions(width), design.sizes.values(), &losses, &error));
      for (std::size_t i = 0; i < losses.size(); ++i) expected[i] += losses[i] / curve.num_seeds();
    }
    for (std::size_t i = 0; i < curve.num_sizes(); ++i) {
      double mean = 0, squares = 0;
      for (double loss : curve.values[i]) mean += loss / curve.num_seeds();
      for (double loss : curve.values[i]) squares += (loss - mean) * (loss - mean);
      const double se = std::sqrt(squares / (curve.num_seeds() - 1) / curve.num_seeds());
      CAPTURE(curve.sizes[i], mean, se, expected[i]);
      CHECK(std::abs(mean - expected[i]) <= 4.0 * se);
    }
  }
}

TEST_CASE("power_law_random_features: the probe reads 2 alpha and 2 alpha + 2 beta",
          "[unit][targets]") {
  const PowerLawRandomFeaturesTarget target(Small(0.7, 0.4));
  const ProfileResult measured = target.MeasureProfile(RunContext());
  REQUIRE(measured.ok());
  const Measurement b = measured.profile().Get(Property::kSpectrumDecay);
  const Measurement a = measured.profile().Get(Property::kTaskPowerDecay);
  CHECK(b.value == Approx(1.4).margin(0.05));
  CHECK(a.value == Approx(2.2).margin(0.1));
  CHECK(b.std_error > 0);
  CHECK(a.std_error > 0);
  const std::optional<Profile> oracle = target.OracleProfile();
  REQUIRE(oracle);
  CHECK(oracle->Get(Property::kSpectrumDecay).value == Approx(1.4));
  CHECK(oracle->Get(Property::kTaskPowerDecay).value == Approx(2.2));
  CHECK(oracle->Get(Series::kEigenvalues).size() == 2000);
}

}  // namespace
}  // namespace scalebench
