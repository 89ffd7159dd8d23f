// The data-manifold targets (harness/targets/data_manifold.h): what they declare (home of
// Sharma & Kaplan, exact 4/d on both axes, a learner spec inside the theory's regime), their
// option checks, and the params axis trained for real: the fitted exponent of the cheapest
// variant is 4/d.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <memory>

#include "harness/fit/power_law_fit.h"
#include "harness/targets/data_manifold.h"
#include "harness/targets/testing/train.h"
#include "theories/theory.h"

namespace scalebench {
namespace {

using Catch::Matchers::Contains;

const DataManifoldTarget& AsManifold(const std::unique_ptr<Target>& target) {
  return static_cast<const DataManifoldTarget&>(*target);
}

Prediction SharmaKaplan(const Profile& profile, const AxisDesign& design) {
  const std::string name = "data_manifold/sharma_kaplan";
  std::string error;
  const std::unique_ptr<Theory> theory = TheoryRegistry::Global().Create(name, &error);
  REQUIRE(theory != nullptr);
  const PredictionRequest request(profile, design.learner, design.axis, design.sizes.AsDoubles());
  return RunTheory(*theory, *TheoryRegistry::Global().Find(name), request);
}

TEST_CASE("data_manifold variants are Sharma & Kaplan's home with exact exponents 4/d",
          "[unit][data_manifold]") {
  const auto& registry = TargetRegistry::Global();
  int in_default = 0;
  for (int d = 2; d <= 4; ++d) {
    const std::string name = "data_manifold/torus_d" + std::to_string(d);
    CAPTURE(name);
    const auto target = registry.Create(name, nullptr);
    REQUIRE(target != nullptr);
    const TargetInfo info = target->Info();
    in_default += std::count(info.suites.begin(), info.suites.end(), "default");
    CHECK(info.realism == Realism::kExact);
    CHECK(info.dataset_family == "data_manifold");
    CHECK(info.home_theories == std::vector<std::string>{"data_manifold/sharma_kaplan"});
    CHECK(info.exact_exponents.at(Axis::kParams) == Approx(4.0 / d));
    CHECK(info.exact_exponents.at(Axis::kData) == Approx(4.0 / d));
    CHECK(AsManifold(target).options().manifold.intrinsic_dim == d);

    const auto designs = target->Designs();
    REQUIRE(designs.size() == 2);
    CHECK(designs[0].axis == Axis::kParams);
    const SizeGrid& sides = AsManifold(target).options().grid_sides;
    REQUIRE(designs[0].sizes.size() == sides.size());
    for (std::size_t i = 0; i < sides.size(); ++i) {
      CHECK(designs[0].sizes[i] == static_cast<std::int64_t>(std::pow(sides[i], d)));
    }
    // The theory's own applicability checks pass on the declared spec, and on the oracle profile
    // it predicts exactly the target's exponent.
    const std::optional<Profile> oracle = target->OracleProfile();
    REQUIRE(oracle.has_value());
    for (const AxisDesign& design : designs) {
      CAPTURE(ToString(design.axis));
      const Prediction p = SharmaKaplan(*oracle, design);
      REQUIRE(p.predicted());
      CHECK(p.exponent().value == Approx(4.0 / d).epsilon(1e-12));
    }
  }
  CHECK(in_default == 1);  // one variant in the default suite, the cheapest
  CHECK(registry.Find("data_manifold/torus_d2")->suites ==
        std::vector<std::string>{"default", "full"});
}

TEST_CASE("only the registered grids state the finite-size allowance measured for them",
          "[unit][data_manifold]") {
  for (int d = 2; d <= 4; ++d) {
    const std::string name = "data_manifold/torus_d" + std::to_string(d);
    CAPTURE(name);
    const auto target = TargetRegistry::Global().Create(name, nullptr);
    const TargetInfo info = target->Info();
    REQUIRE(info.exponent_allowance.size() == 2);
    for (const auto& [axis, allowance] : info.exponent_allowance) {
      CHECK(allowance > 0.0);
      CHECK(allowance <= 0.05);
    }
    CHECK_THAT(info.allowance_reason, Contains(name + "_reference"));
    // The reference sweep itself (other grids, other seeds) and a target built with other grids
    // state none: the allowance was measured for the registered grids only.
    CHECK(TargetRegistry::Global()
              .Create(name + "_reference", nullptr)
              ->Info()
              .exponent_allowance.empty());
    DataManifoldOptions other = AsManifold(target).options();
    other.data_sizes = SizeGrid({400, 800, 1600});
    CHECK(DataManifoldTarget(other).Describe().exponent_allowance.empty());
  }
}

TEST_CASE("data_manifold options are checked with a message naming the field",
          "[unit][data_manifold]") {
  const auto invalid = [](auto change) {
    DataManifoldOptions options;
    change(options);
    std::string error;
    CHECK_FALSE(ValidateFields(options, &error));
    return error;
  };
  CHECK_THAT(invalid([](auto& o) { o.neighbours = 3; }),
             Contains("neighbours = 3 must be >= d + 2 = 4"));
  CHECK_THAT(invalid([](auto& o) {
               o.grid_sides = SizeGrid({1, 2, 4});
             }),
             Contains("grid_sides = 1,2,4 must be of sides >= 2"));
  CHECK_THAT(invalid([](auto& o) {
               o.manifold.intrinsic_dim = 4;
               o.grid_sides = SizeGrid({8, 16, 80});
             }),
             Contains("grid_sides = 8,16,80 must be of sides with m^d <= 16777216 nodes"));
  CHECK_THAT(invalid([](auto& o) {
               o.data_sizes = SizeGrid({5, 50, 500});
             }),
             Contains("data_sizes = 5,50,500 must be of sizes >= neighbours = 8"));
  CHECK_THAT(invalid([](auto& o) { o.manifold.ambient_dim = 3; }),
             Contains("manifold.ambient_dim = 3 must be >= 2 intrinsic_dim = 4"));
  CHECK_THAT(invalid([](auto& o) { o.test_points = 10; }), Contains("test_points = 10"));
  DataManifoldOptions fine;
  std::string error;
  CHECK(ValidateFields(fine, &error));
}

TEST_CASE("data_manifold/torus_d2: the grid interpolant's fitted params exponent is 4/d = 2",
          "[unit][data_manifold]") {
  const auto target = TargetRegistry::Global().Create("data_manifold/torus_d2", nullptr);
  REQUIRE(target != nullptr);
  const AxisDesign design = target->Designs()[0];
  REQUIRE(design.axis == Axis::kParams);
  const LearningCurve curve = testing::TrainCurve(*target, design);
  FitOptions options;
  options.form = CurveForm::kPowerLaw;
  options.bootstrap.resamples = 200;
  FitSummary fit;
  FitCurve(options, curve, &fit);
  REQUIRE(fit.usable());
  // Local slopes over this grid are 1.98-2.02 (h = 1/8 .. 1/64); the fit is within 0.02 of 2.
  CHECK(fit.exponent == Approx(2.0).margin(0.02));
}

}  // namespace
}  // namespace scalebench
