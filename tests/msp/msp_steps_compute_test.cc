// The steps axis and the compute grid of the multitask sparse parity target: one online run per
// (width, seed) read at every checkpoint, the grid declared for the harness (6 N B FLOPs per
// step), and a checkpoint that is the params run of that many steps.
#include <algorithm>
#include <catch2/catch.hpp>

#include "harness/learners/mlp.h"
#include "harness/targets/multitask_sparse_parity.h"
#include "harness/targets/testing/train.h"

namespace scalebench {
namespace {

MultitaskSparseParityOptions TinyGrid() {
  MultitaskSparseParityOptions o;
  o.task.alpha = 1.0;
  o.task.num_subtasks = 6;
  o.seeds = 2;
  o.param_widths = {4, 16};
  o.param_steps = 150;
  o.data_width = 16;
  o.data_sizes = {100, 400};
  o.data_max_steps = 150;
  o.test_per_subtask = 32;
  o.validation_per_subtask = 16;
  o.steps_width = 16;
  o.step_checkpoints = {50, 100, 150};
  o.compute_widths = {4, 8, 16};
  return o;
}

TEST_CASE(
    "msp steps and compute: one kSteps design per width, steps_width's the steps cell, all "
    "in the compute grid with 6 N B FLOPs per step",
    "[msp][target][unit]") {
  const MultitaskSparseParityTarget target(TinyGrid());
  const std::vector<AxisDesign> designs = target.Designs();
  REQUIRE(designs.size() == 2 + 3);
  CHECK(ComputeGridProblem(designs) == "");
  int cells = 0;
  for (std::size_t k = 2; k < designs.size(); ++k) {
    const AxisDesign& d = designs[k];
    const int width = int(d.learner.features);
    CAPTURE(width);
    CHECK(d.axis == Axis::kSteps);
    CHECK(d.unit == RunUnit::kSeed);
    CHECK(d.compute_grid);
    CHECK(d.own_cell == (width == 16));
    cells += d.own_cell;
    CHECK(d.sizes == SizeGrid({50, 100, 150}));
    CHECK(d.learner.parameters == double(MlpParameterCount(6 + 12, width, 2)));
    CHECK(d.learner.flops_per_step == 6.0 * d.learner.parameters * 256);
    CHECK(d.learner.steps == 150);
  }
  CHECK(cells == 1);
  // The steps cell alone (no compute grid): a steps_width outside compute_widths is its own
  // design, and without compute_widths nothing is in a grid.
  MultitaskSparseParityOptions alone = TinyGrid();
  alone.compute_widths = {};
  const auto single = MultitaskSparseParityTarget(alone).Designs();
  REQUIRE(single.size() == 3);
  CHECK_FALSE(single[2].compute_grid);
  CHECK(single[2].own_cell);
  MultitaskSparseParityOptions outside = TinyGrid();
  outside.steps_width = 32;
  const auto five = MultitaskSparseParityTarget(outside).Designs();
  REQUIRE(five.size() == 2 + 4);
  CHECK(five.back().learner.features == 32);
  CHECK(five.back().own_cell);
  CHECK_FALSE(five.back().compute_grid);
}

TEST_CASE(
    "msp steps: a run reads every checkpoint, and at a constant rate the checkpoint at t is "
    "the params run of t steps",
    "[msp][target]") {
  const MultitaskSparseParityTarget target(TinyGrid());
  const std::vector<AxisDesign> designs = target.Designs();
  const AxisDesign& steps = designs.back();  // width 16
  const LearningCurve curve = testing::TrainCurve(target, steps);
  std::string error;
  REQUIRE(curve.IsValid(&error));
  REQUIRE(curve.num_sizes() == 3);
  REQUIRE(curve.num_seeds() == 2);
  REQUIRE(curve.diagnostics.size() == 2 + 6);
  CHECK(curve.diagnostics[0].name == "subtasks_learned");
  CHECK(curve.diagnostics[0].values.size() == 3);
  // The params design trains width 16 for param_steps = 150 steps on the same stream.
  const AxisDesign& params = designs[0];
  const RunPoint width16{2, 1, 2, params.sizes.Slice(1, 2)};
  const RunResult run = target.Run(params, width16, nullptr, RunContext());
  REQUIRE(run.ok());
  CHECK(run.losses().front() == curve.values[2][1]);
  // Training goes on between checkpoints: the loss moves.
  CHECK(curve.values[0][0] != curve.values[2][0]);
}

TEST_CASE("msp options: compute_widths needs >= 3 widths and checkpoints", "[msp][target][unit]") {
  MultitaskSparseParityOptions o = TinyGrid();
  o.compute_widths = {4, 8};
  std::string error;
  CHECK_FALSE(ValidateFields(o, &error));
  CHECK(error.find("compute_widths") != std::string::npos);
  o = TinyGrid();
  o.step_checkpoints = {};
  CHECK_FALSE(ValidateFields(o, &error));
  CHECK(error.find("step_checkpoints") != std::string::npos);
}

TEST_CASE(
    "msp registered variants: steps cells on both default variants, one compute grid in the "
    "default suite",
    "[msp][target][unit]") {
  int default_grids = 0;
  for (const std::string& name : TargetRegistry::Global().Suite("default")) {
    if (name.rfind("multitask_sparse_parity/", 0) != 0) continue;
    CAPTURE(name);
    const auto target = TargetRegistry::Global().Create(name, nullptr);
    REQUIRE(target != nullptr);
    const auto designs = target->Designs();
    CHECK(std::count_if(designs.begin(), designs.end(), [](const AxisDesign& d) {
            return d.axis == Axis::kSteps && d.own_cell;
          }) == 1);
    default_grids += std::any_of(
        designs.begin(), designs.end(), [](const AxisDesign& d) { return d.compute_grid; });
  }
  CHECK(default_grids == 1);
}

}  // namespace
}  // namespace scalebench
