#include "harness/runner/compute_cell.h"

#include <fmt/format.h>

#include <algorithm>

namespace scalebench {

bool HasComputeGrid(const std::vector<AxisDesign>& designs) {
  return std::any_of(
      designs.begin(), designs.end(), [](const AxisDesign& d) { return d.compute_grid; });
}

bool MeasureComputeCell(const std::vector<MeasuredCurve>& curves,
                        const ComputeFrontierOptions& options,
                        ComputeCell* cell,
                        std::string* error) {
  std::vector<AxisDesign> designs;
  for (const MeasuredCurve& c : curves) designs.push_back(c.design);
  if (const std::string problem = ComputeGridProblem(designs); !problem.empty()) {
    *error = problem;
    return false;
  }
  *cell = ComputeCell();
  std::vector<ComputeGridModel> models;
  const AxisDesign* largest = nullptr;
  bool zero_offset = true;
  std::vector<std::string> incomplete;
  for (const MeasuredCurve& c : curves) {
    if (!c.design.compute_grid) continue;
    const LearnerSpec& learner = c.design.learner;
    if (!c.complete()) {
      incomplete.push_back(fmt::format("N = {:g}", learner.parameters));
      continue;
    }
    cell->all_reused = cell->all_reused && c.computed == 0;
    zero_offset = zero_offset && c.design.zero_offset;
    if (largest == nullptr || learner.parameters > largest->learner.parameters) {
      largest = &c.design;
    }
    models.push_back(
        {learner.parameters, learner.flops_per_step, double(learner.batch_size), c.curve});
  }
  if (!incomplete.empty()) {
    *error = "the compute grid lacks the runs of the model";
    for (std::size_t k = 0; k < incomplete.size(); ++k)
      *error += (k == 0 ? " " : ", ") + incomplete[k];
    *error += " (their failures are listed under the steps axis)";
    return false;
  }
  cell->design = *largest;
  cell->design.axis = Axis::kCompute;
  cell->design.sizes = SizeGrid();
  cell->design.compute_grid = false;
  cell->design.own_cell = true;
  cell->design.zero_offset = zero_offset;
  ComputeFrontierOptions frontier = options;
  frontier.form = zero_offset ? CurveForm::kPowerLaw : CurveForm::kOffsetPowerLaw;
  FitComputeFrontier(frontier, models, &cell->frontier);
  // A failed frontier keeps its message on the fit the cell shows.
  if (cell->frontier.status == FitStatus::kFailed) {
    cell->frontier.loss_fit.status = FitStatus::kFailed;
    cell->frontier.loss_fit.message = "compute frontier: " + cell->frontier.message;
  }
  return true;
}

}  // namespace scalebench
