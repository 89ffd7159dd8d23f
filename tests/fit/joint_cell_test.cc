// Tests of the joint (N, D) cell (harness/runner/joint_cell.h): the points come from the declared
// diagnostics of a params curve, every seed's, and their fit recovers the surface they came from.
#include "harness/runner/joint_cell.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <random>

namespace scalebench {
namespace {

constexpr double kE = 1.0, kA = 40.0, kB = 60.0, kAlpha = 0.45, kBeta = 0.30;

// A params curve of 6 sizes x 3 seeds whose runs recorded the loss after D = 2^17..2^20 (the
// surface times log-normal noise of `sigma`), plus an undeclared diagnostic.
LearningCurve ParamsCurve(double sigma, AxisDesign* design) {
  design->axis = Axis::kParams;
  LearningCurve curve;
  curve.axis = Axis::kParams;
  curve.loss = "cross_entropy_nats";
  curve.sizes = {1e4, 3e4, 1e5, 3e5, 1e6, 3e6};
  curve.seeds = {1, 2, 3};
  std::mt19937_64 rng(7);
  std::normal_distribution<double> z(0.0, 1.0);
  for (double d : {131072.0, 262144.0, 524288.0, 1048576.0}) {
    const std::string name = "test_loss_d_" + std::to_string(long(d));
    design->joint_data[name] = d;
    CurveDiagnostic diagnostic{name, "test loss after D tokens", {}, false};
    for (double n : curve.sizes) {
      std::vector<double> seeds;
      for (int s = 0; s < 3; ++s) {
        const double surface = kE + kA * std::pow(n, -kAlpha) + kB * std::pow(d, -kBeta);
        seeds.push_back(surface * std::exp(sigma * z(rng)));
      }
      diagnostic.values.push_back(seeds);
    }
    curve.diagnostics.push_back(diagnostic);
  }
  curve.diagnostics.push_back({"row_norm_share", "not a grid point", {{0.5, 0.5, 0.5}}, true});
  for (const CurveDiagnostic& diagnostic : curve.diagnostics) {
    if (diagnostic.name == "test_loss_d_1048576") {
      for (const auto& seeds : diagnostic.values) curve.values.push_back(seeds);
    }
  }
  return curve;
}

TEST_CASE("JointPoints: every seed's value of every declared diagnostic, at the run's N", "[fit]") {
  AxisDesign design;
  LearningCurve curve = ParamsCurve(0.0, &design);
  // A missing run's NaN is no point.
  curve.diagnostics[0].values[2][1] = std::numeric_limits<double>::quiet_NaN();
  const std::vector<JointPoint> points = JointPoints(design, curve);
  CHECK(points.size() == 6 * 3 * 4 - 1);
  bool all_on_grid = true;
  for (const JointPoint& p : points) {
    all_on_grid = all_on_grid && design.joint_data.size() == 4 && p.data >= 131072.0 &&
                  p.data <= 1048576.0 && p.params >= 1e4 && p.loss > kE;
  }
  CHECK(all_on_grid);
  // Nothing declared, nothing fitted: the fit says it has too few points.
  AxisDesign undeclared;
  CHECK(JointPoints(undeclared, curve).empty());
  JointFitOptions options;
  options.bootstrap.resamples = 0;
  JointFitSummary summary;
  MeasureJointFit(undeclared, curve, options, &summary);
  CHECK(summary.status == FitStatus::kFailed);
}

TEST_CASE("MeasureJointFit recovers a, b and the allocation exponents of the surface", "[fit]") {
  AxisDesign design;
  const LearningCurve curve = ParamsCurve(0.002, &design);
  JointFitOptions options;
  options.bootstrap.resamples = 200;
  JointFitSummary summary;
  MeasureJointFit(design, curve, options, &summary);
  INFO(summary.FullReport());
  REQUIRE(summary.status == FitStatus::kConverged);
  CHECK(summary.num_points == 72);
  CHECK(summary.params_exponent == Approx(kAlpha).margin(0.05));
  CHECK(summary.data_exponent == Approx(kBeta).margin(0.05));
  CHECK(summary.params_exponent_ci.Contains(kAlpha));
  CHECK(summary.data_exponent_ci.Contains(kBeta));
  CHECK(summary.params_allocation == Approx(kBeta / (kAlpha + kBeta)).margin(0.05));
}

}  // namespace
}  // namespace scalebench
