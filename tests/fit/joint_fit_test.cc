// Tests of FitJoint (Hoffmann et al. 2022, Approach 3) on synthetic surfaces.
#include "harness/fit/joint_fit.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>

namespace scalebench {
namespace {

// Hoffmann et al.'s published parameters as the ground truth.
constexpr double kE = 1.69, kA = 406.4, kB = 410.7, kAlpha = 0.34, kBeta = 0.28;

double Chinchilla(double n, double d) {
  return kE + kA * std::pow(n, -kAlpha) + kB * std::pow(d, -kBeta);
}

// An 8 x 8 grid, N in [1e7, 1e10] and D in [1e8, 1e11], log-spaced, with
// multiplicative log-normal noise of `sigma`.
std::vector<JointPoint> Surface(double sigma, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z(0.0, 1.0);
  std::vector<JointPoint> points;
  for (int i = 0; i < 8; ++i) {
    for (int j = 0; j < 8; ++j) {
      const double n = 1e7 * std::pow(1e3, i / 7.0);
      const double d = 1e8 * std::pow(1e3, j / 7.0);
      points.push_back({n, d, Chinchilla(n, d) * std::exp(sigma * z(rng))});
    }
  }
  return points;
}

TEST_CASE("JointFitOptions::IsValid names the field, the value and the constraint", "[fit]") {
  std::string error;
  CHECK(JointFitOptions().IsValid(&error));
  JointFitOptions options;
  options.bootstrap.confidence = 0.0;
  REQUIRE_FALSE(options.IsValid(&error));
  CHECK(error == "JointFitOptions.bootstrap.confidence = 0 must be in (0, 1)");
  options = JointFitOptions();
  options.huber_delta = 0.0;
  REQUIRE_FALSE(options.IsValid(&error));
  CHECK(error == "JointFitOptions.huber_delta = 0 must be finite and > 0");
  options = JointFitOptions();
  options.bootstrap.threads = -2;
  REQUIRE_FALSE(options.IsValid(&error));
  CHECK(error == "JointFitOptions.bootstrap.threads = -2 must be >= 1");

  JointFitSummary summary;
  FitJoint(options, Surface(0.0, 1), &summary);
  CHECK(summary.status == FitStatus::kFailed);
  CHECK(summary.message == "JointFitOptions.bootstrap.threads = -2 must be >= 1");
}

TEST_CASE("FitJoint fails on too few or non-positive points", "[fit]") {
  JointFitOptions options;
  options.bootstrap.resamples = 0;
  JointFitSummary summary;
  std::vector<JointPoint> points = Surface(0.0, 1);
  FitJoint(options, std::vector<JointPoint>(points.begin(), points.begin() + 5), &summary);
  CHECK(summary.status == FitStatus::kFailed);
  CHECK(summary.message == "5 points; the 5-parameter joint fit needs at least 6");
  points[3].loss = -1.0;
  FitJoint(options, points, &summary);
  CHECK(summary.status == FitStatus::kFailed);
  CHECK(summary.message.find("point 3") != std::string::npos);
}

TEST_CASE("FitJoint recovers Hoffmann's parameters from a noise-free surface", "[fit]") {
  JointFitOptions options;
  options.bootstrap.resamples = 0;
  JointFitSummary summary;
  FitJoint(options, Surface(0.0, 1), &summary);
  INFO(summary.FullReport());
  REQUIRE(summary.status == FitStatus::kConverged);
  CHECK(summary.params_exponent == Approx(kAlpha).epsilon(1e-5));
  CHECK(summary.data_exponent == Approx(kBeta).epsilon(1e-5));
  CHECK(summary.offset == Approx(kE).epsilon(1e-5));
  CHECK(summary.params_amplitude == Approx(kA).epsilon(1e-4));
  CHECK(summary.data_amplitude == Approx(kB).epsilon(1e-4));
  CHECK(summary.starts == 4500);
  CHECK(summary.starts_refined == 32);
  CHECK(summary.starts_at_best >= 1);
  CHECK(summary.num_points == 64);
  CHECK(summary.rms_log_residual < 1e-6);
  CHECK(std::isnan(summary.params_exponent_ci.lower));
  CHECK(summary.message.find("bootstrap disabled") != std::string::npos);
}

TEST_CASE("FitJoint on a noisy surface: tight estimates and intervals that cover", "[fit]") {
  JointFitOptions options;  // 1000 resamples over points
  options.bootstrap.threads = 2;
  JointFitSummary summary;
  FitJoint(options, Surface(0.002, 3), &summary);  // 0.2% noise
  INFO(summary.FullReport());
  REQUIRE(summary.status == FitStatus::kConverged);
  CHECK(summary.params_exponent == Approx(kAlpha).margin(0.01));
  CHECK(summary.data_exponent == Approx(kBeta).margin(0.01));
  CHECK(summary.offset == Approx(kE).margin(0.02));
  CHECK(summary.params_exponent_ci.Contains(kAlpha));
  CHECK(summary.data_exponent_ci.Contains(kBeta));
  CHECK(summary.offset_ci.Contains(kE));
  CHECK(summary.params_amplitude_ci.Contains(kA));
  CHECK(summary.data_amplitude_ci.Contains(kB));
  CHECK(summary.bootstrap_failures <= 10);
  // The intervals are informative, not vacuous.
  CHECK(summary.params_exponent_ci.upper - summary.params_exponent_ci.lower < 0.05);
  CHECK(summary.data_exponent_ci.upper - summary.data_exponent_ci.lower < 0.05);
  const std::string brief = summary.BriefReport();
  CHECK(brief.find('\n') == std::string::npos);
  CHECK(brief.rfind("converged: a = ", 0) == 0);
  const std::string full = summary.FullReport();
  for (const char* line : {"status:     converged",
                           "a:          ",
                           "b:          ",
                           "E:  ",
                           "4500 grid points, best 32 refined",
                           "Huber, delta 0.001",
                           "bootstrap:  1000 resamples over points"}) {
    CHECK(full.find(line) != std::string::npos);
  }
}

TEST_CASE("compute-optimal allocation: hand-computed values and a true minimum at fixed C",
          "[fit][unit]") {
  // A = B = 1, a = b = 1/2: G = 1, N* = D* = sqrt(C / 6).
  ComputeOptimum o = ComputeOptimalAllocation(1.0, 1.0, 0.5, 0.5, 6e4);
  CHECK(o.params_allocation == Approx(0.5));
  CHECK(o.data_allocation == Approx(0.5));
  CHECK(o.params == Approx(100.0));
  CHECK(o.data == Approx(100.0));
  // Hoffmann et al.'s fit: N* ~ C^(0.28 / 0.62) = C^0.4516 (their Table 2 rounds to 0.46).
  const double c = 1e21;
  o = ComputeOptimalAllocation(kA, kB, kAlpha, kBeta, c);
  CHECK(o.params_allocation == Approx(0.28 / 0.62));
  CHECK(o.data_allocation == Approx(0.34 / 0.62));
  CHECK(6.0 * o.params * o.data == Approx(c));
  // Moving 1% of the budget either way along 6 N D = C raises the loss.
  const double best = Chinchilla(o.params, o.data);
  CHECK(Chinchilla(o.params * 1.01, o.data / 1.01) > best);
  CHECK(Chinchilla(o.params / 1.01, o.data * 1.01) > best);
}

TEST_CASE("FitJoint reports the allocation exponents and N*, D*, D*/N* with intervals that cover",
          "[fit]") {
  JointFitOptions options;
  options.bootstrap.resamples = 400;
  options.compute = 1e21;
  JointFitSummary summary;
  FitJoint(options, Surface(0.002, 3), &summary);
  INFO(summary.FullReport());
  REQUIRE(summary.status == FitStatus::kConverged);
  const ComputeOptimum truth = ComputeOptimalAllocation(kA, kB, kAlpha, kBeta, 1e21);
  CHECK(summary.params_allocation_ci.Contains(truth.params_allocation));
  CHECK(summary.data_allocation_ci.Contains(truth.data_allocation));
  CHECK(summary.optimal_params_ci.Contains(truth.params));
  CHECK(summary.optimal_data_ci.Contains(truth.data));
  CHECK(summary.tokens_per_parameter_ci.Contains(truth.data / truth.params));
  CHECK(summary.params_allocation_ci.upper - summary.params_allocation_ci.lower < 0.05);
  CHECK(summary.FullReport().find("(N* ~ C^x, D* ~ C^y)") != std::string::npos);

  options.compute = -1.0;
  std::string error;
  CHECK_FALSE(options.IsValid(&error));
  CHECK(error == "JointFitOptions.compute = -1 must be > 0 FLOPs");
}

TEST_CASE("FitJoint is deterministic given the seed, whatever the thread count", "[fit]") {
  JointFitOptions options;
  options.bootstrap.resamples = 100;
  JointFitSummary one, two;
  FitJoint(options, Surface(0.005, 9), &one);
  options.bootstrap.threads = 2;
  FitJoint(options, Surface(0.005, 9), &two);
  REQUIRE(one.usable());
  CHECK(one.params_exponent == two.params_exponent);
  CHECK(one.params_exponent_ci.lower == two.params_exponent_ci.lower);
  CHECK(one.data_exponent_ci.upper == two.data_exponent_ci.upper);
  CHECK(one.offset_ci.lower == two.offset_ci.lower);
  CHECK(one.bootstrap_failures == two.bootstrap_failures);
  CHECK(one.message == two.message);
}

TEST_CASE("FitJoint flags a data exponent the design cannot pin down", "[fit]") {
  // D varies over 10% only: B D^-b is nearly a constant that E absorbs.
  std::mt19937_64 rng(5);
  std::normal_distribution<double> z(0.0, 1.0);
  std::vector<JointPoint> points;
  for (int i = 0; i < 8; ++i) {
    for (int j = 0; j < 4; ++j) {
      const double n = 1e7 * std::pow(1e3, i / 7.0);
      const double d = 1e10 * (1.0 + 0.03 * j);
      points.push_back({n, d, Chinchilla(n, d) * std::exp(0.005 * z(rng))});
    }
  }
  JointFitOptions options;
  options.bootstrap.resamples = 200;
  JointFitSummary summary;
  FitJoint(options, points, &summary);
  INFO(summary.FullReport());
  CHECK(summary.status == FitStatus::kNotIdentifiable);
  CHECK(summary.message.find("b") != std::string::npos);
}

}  // namespace
}  // namespace scalebench
