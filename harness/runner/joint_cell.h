// The joint (N, D) fit of a target whose kParams design declares a joint grid
// (AxisDesign::joint_data): each run of the params axis, at its size N, recorded its loss after
// each D of the grid as a curve diagnostic; those (N, D, loss) points, every seed's, are fitted
// by L(N, D) = E + A N^-a + B D^-b with bootstrap intervals and the compute-optimal allocation
// N* ~ C^(b/(a+b)), D* ~ C^(a/(a+b)) (harness/fit/joint_fit.h). No run is trained for it.
//
// Usage (the suite measurer, after the params axis's fit):
//   if (!axis.design.joint_data.empty()) {
//     JointFitSummary joint;
//     MeasureJointFit(axis.design, axis.curve, options, &joint);
//   }
#pragma once

#include <string>
#include <vector>

#include "harness/fit/joint_fit.h"
#include "harness/learning_curve.h"
#include "harness/targets/target_info.h"

namespace scalebench {

// The grid's points: one per (size, seed, declared diagnostic) with a finite positive value.
// A declared name that the curve does not record gives no points (the fit then says too few).
std::vector<JointPoint> JointPoints(const AxisDesign& design, const LearningCurve& curve);

// FitJoint on JointPoints(design, curve).
void MeasureJointFit(const AxisDesign& design,
                     const LearningCurve& curve,
                     const JointFitOptions& options,
                     JointFitSummary* summary);

}  // namespace scalebench
