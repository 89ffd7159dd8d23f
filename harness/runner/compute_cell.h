// The kCompute cell of a target, derived from its compute grid (AxisDesign::compute_grid): the
// measured curves of the grid's kSteps designs, one per model size, become the models of
// harness/fit/compute_frontier.h (C = learner.flops_per_step x steps, D = steps x batch_size), and
// the frontier's envelope and fit become the cell's curve and fit. No run is trained for it.
//
// Usage (the runner, after MeasureCurves):
//   if (HasComputeGrid(designs)) {
//     ComputeCell cell;
//     if (!MeasureComputeCell(curves, options, &cell, &error)) ...;  // a grid run failed
//     ... cell.design, cell.frontier.envelope, cell.frontier.loss_fit ...
//   }
#pragma once

#include <string>
#include <vector>

#include "harness/fit/compute_frontier.h"
#include "harness/runner/run_loop.h"
#include "harness/targets/target_info.h"

namespace scalebench {

struct ComputeCell {
  // Axis kCompute. Its learner, what theories read, is the grid's largest model's spec (its N,
  // features and last checkpoint bound what the frontier can choose); zero_offset when every
  // model's is.
  AxisDesign design;
  // The frontier: `envelope` is the cell's curve (its diagnostics the N*, D* notes), `loss_fit`
  // its fit; a failed frontier (the grid does not bracket the optimum) has an empty envelope and
  // a failed fit that says why.
  ComputeFrontierSummary frontier;
  bool all_reused = true;  // every run of the grid came from the cache
};

// Whether any design joins a compute grid.
bool HasComputeGrid(const std::vector<AxisDesign>& designs);

// The cell from `curves` (MeasureCurves' output, one per design). False with *error when the
// grid is malformed (ComputeGridProblem) or a grid design's curve is incomplete (its failures are
// the designs' own and are reported with them); a frontier that cannot be fitted is a cell with
// a failed fit, not an error.
bool MeasureComputeCell(const std::vector<MeasuredCurve>& curves,
                        const ComputeFrontierOptions& options,
                        ComputeCell* cell,
                        std::string* error);

}  // namespace scalebench
