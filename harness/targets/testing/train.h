// Test helpers: train a target's design through the harness's run loop, without any cache, and
// get its curve, as the runner would assemble it.
//
//   LearningCurve curve = testing::TrainCurve(target, target.Designs()[0]);
//   MeasuredCurve measured = testing::TrainDesign(target, design, /*jobs=*/2);  // with failures
#pragma once

#include <string>
#include <vector>

#include "harness/runner/run_loop.h"
#include "harness/targets/target.h"

namespace scalebench::testing {

inline MeasuredCurve TrainDesign(const Target& target,
                                 const AxisDesign& design,
                                 int jobs = 1,
                                 const ProgressFn& progress = nullptr) {
  RunLoopOptions options;
  options.jobs = jobs;
  return MeasureCurves(target, {design}, nullptr, options, progress).front();
}

// The curve of a design whose every run must succeed (a failed run fails the calling test).
inline LearningCurve TrainCurve(const Target& target,
                                const AxisDesign& design,
                                const ProgressFn& progress = nullptr) {
  MeasuredCurve measured = TrainDesign(target, design, 1, progress);
  if (!measured.complete()) {
    std::string failures;
    for (const std::string& f : measured.failures) failures += "\n  " + f;
    throw std::runtime_error("TrainCurve: runs failed:" + failures);
  }
  return measured.curve;
}

}  // namespace scalebench::testing
