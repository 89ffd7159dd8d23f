#include "harness/runner/joint_cell.h"

#include <cmath>

namespace scalebench {

std::vector<JointPoint> JointPoints(const AxisDesign& design, const LearningCurve& curve) {
  std::vector<JointPoint> points;
  for (const CurveDiagnostic& diagnostic : curve.diagnostics) {
    const auto declared = design.joint_data.find(diagnostic.name);
    if (declared == design.joint_data.end()) continue;
    for (std::size_t i = 0; i < curve.num_sizes() && i < diagnostic.values.size(); ++i) {
      for (const double loss : diagnostic.values[i]) {
        if (std::isfinite(loss) && loss > 0.0) {
          points.push_back({curve.sizes[i], declared->second, loss});
        }
      }
    }
  }
  return points;
}

void MeasureJointFit(const AxisDesign& design,
                     const LearningCurve& curve,
                     const JointFitOptions& options,
                     JointFitSummary* summary) {
  FitJoint(options, JointPoints(design, curve), summary);
}

}  // namespace scalebench
