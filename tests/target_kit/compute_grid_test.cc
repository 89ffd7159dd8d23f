// The compute-grid declaration of the target kit (AxisDesign::compute_grid, own_cell and the
// LearnerSpec fields parameters and flops_per_step): what ComputeGridProblem accepts and what it
// names, and that the new learner fields leave every existing run key alone.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "harness/io/profile_json.h"
#include "harness/targets/testing/target_conformance.h"

namespace scalebench {
namespace {

using Catch::Matchers::Contains;

// A kSteps design of one model size of a network grid: N parameters, batch 32, 6 N B FLOPs.
AxisDesign Member(double params, bool own_cell = false) {
  AxisDesign design;
  design.axis = Axis::kSteps;
  design.learner.kind = "mlp";
  design.learner.loss = "cross_entropy_nats";
  design.learner.batch_size = 32;
  design.learner.parameters = params;
  design.learner.flops_per_step = 6 * params * 32;
  design.sizes = SizeGrid({100, 200, 400, 800});
  design.seeds = 3;
  design.unit = RunUnit::kSeed;
  design.compute_grid = true;
  design.own_cell = own_cell;
  return design;
}

std::vector<AxisDesign> Grid() {
  AxisDesign params;
  params.axis = Axis::kParams;
  params.learner.kind = "mlp";
  params.sizes = SizeGrid({10, 20, 40});
  return {params, Member(100), Member(200, /*own_cell=*/true), Member(400)};
}

TEST_CASE("ComputeGridProblem accepts a declared grid and a target without one",
          "[unit][target_kit]") {
  CHECK(ComputeGridProblem(Grid()) == "");
  std::vector<AxisDesign> none = Grid();
  for (AxisDesign& d : none) d.compute_grid = false, d.own_cell = true;
  CHECK(ComputeGridProblem(none) == "");
}

TEST_CASE("ComputeGridProblem names each malformed declaration", "[unit][target_kit]") {
  auto with = [](auto change) {
    std::vector<AxisDesign> designs = Grid();
    change(designs);
    return ComputeGridProblem(designs);
  };
  CHECK_THAT(with([](auto& d) { d[1].compute_grid = false; }),
             Contains("own_cell = false") && Contains("not in the compute grid"));
  CHECK_THAT(with([](auto& d) { d[1].unit = RunUnit::kSizeAndSeed; }),
             Contains("kSteps designs of one run per seed"));
  CHECK_THAT(with([](auto& d) { d[1].axis = Axis::kParams; }),
             Contains("kSteps designs of one run per seed"));
  CHECK_THAT(with([](auto& d) { d[1].learner.parameters = 0; }),
             Contains("learner.parameters (N) must be declared"));
  CHECK_THAT(with([](auto& d) { d[1].learner.flops_per_step = 0; }),
             Contains("learner.flops_per_step must be declared"));
  CHECK_THAT(with([](auto& d) { d[1].learner.batch_size = 0; }), Contains("learner.batch_size"));
  CHECK_THAT(with([](auto& d) { d[3].learner.loss = "mse"; }),
             Contains("same loss, learner kind and seeds"));
  CHECK_THAT(with([](auto& d) { d[3].seeds = 5; }), Contains("same loss, learner kind and seeds"));
  CHECK_THAT(with([](auto& d) { d[3].learner.parameters = 100; }), Contains("the same N"));
  CHECK_THAT(with([](auto& d) { d.pop_back(); }), Contains("at least 3 model sizes; it has 2"));
  CHECK_THAT(with([](auto& d) { d[0].axis = Axis::kCompute; }),
             Contains("compute axis is derived"));
}

struct GridOptions {
  bool two_steps_cells = false;
  bool undeclared_flops = false;
  template <typename Fields>
  void Visit(Fields& f) {
    f.Design("two_steps_cells", two_steps_cells);
    f.Design("undeclared_flops", undeclared_flops);
  }
};

// Only Designs() matters to CheckDesigns.
class GridTarget final : public TargetWith<GridOptions> {
 public:
  using TargetWith::TargetWith;
  TargetInfo Describe() const override { return {}; }
  std::vector<AxisDesign> Designs() const override {
    std::vector<AxisDesign> designs = Grid();
    if (options_.two_steps_cells) designs[3].own_cell = true;
    if (options_.undeclared_flops) designs[2].learner.flops_per_step = 0;
    return designs;
  }
  ProfileResult MeasureProfile(const RunContext&) const override {
    return ProfileResult::Failed("not measured");
  }
  RunResult Run(const AxisDesign&,
                const RunPoint&,
                const DesignData*,
                const RunContext&) const override {
    return RunResult::Failed("not run");
  }
};

TEST_CASE(
    "the conformance kit counts one cell per axis (grid-only designs apart) and checks the grid",
    "[unit][target_kit]") {
  CHECK(testing::CheckDesigns(GridTarget(GridOptions{}), "grid").empty());
  const auto twice = testing::CheckDesigns(GridTarget(GridOptions{true, false}), "grid");
  REQUIRE(twice.size() == 1);
  CHECK_THAT(twice[0], Contains("[steps]: axis appears twice"));
  const auto flops = testing::CheckDesigns(GridTarget(GridOptions{false, true}), "grid");
  REQUIRE(flops.size() == 1);
  CHECK_THAT(flops[0], Contains("grid: compute grid model") && Contains("flops_per_step"));
}

TEST_CASE(
    "LearnerSpec JSON: parameters and flops_per_step appear only when declared and round-trip",
    "[unit][target_kit]") {
  LearnerSpec spec;
  spec.kind = "mlp";
  CHECK(LearnerSpecToJson(spec).dump().find("parameters") == std::string::npos);
  CHECK(LearnerSpecToJson(spec).dump().find("flops_per_step") == std::string::npos);
  spec.parameters = 1234;
  spec.flops_per_step = 6 * 1234 * 32;
  const nlohmann::json j = LearnerSpecToJson(spec);
  CHECK(j["parameters"] == 1234.0);
  CHECK(j["flops_per_step"] == 6.0 * 1234 * 32);
  LearnerSpec back;
  std::string error;
  REQUIRE(LearnerSpecFromJson(j, "spec", &back, &error));
  CHECK(back.parameters == 1234);
  CHECK(back.flops_per_step == 6.0 * 1234 * 32);
  nlohmann::json bad = j;
  bad["flops_per_step"] = -1;
  CHECK_FALSE(LearnerSpecFromJson(bad, "spec", &back, &error));
  CHECK_THAT(error, Contains("flops_per_step"));
}

}  // namespace
}  // namespace scalebench
