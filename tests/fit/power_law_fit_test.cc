// Tests of FitCurve: exact recovery, edge cases, statuses, reports,
// determinism, and the statistical validation of the bootstrap interval on
// synthetic curves.
#include "harness/fit/power_law_fit.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <random>

#include "tests/fit/synthetic_curve.h"

namespace scalebench {
namespace {

using testing::LogSpaced;
using testing::Quick;
using testing::Synthetic;
using testing::Truth;

TEST_CASE("CurveForm and FitStatus names round-trip", "[fit]") {
  CurveForm form = CurveForm::kPowerLaw;
  CHECK(std::string(ToString(CurveForm::kOffsetPowerLaw)) == "offset_power_law");
  CHECK(std::string(ToString(CurveForm::kPowerLaw)) == "power_law");
  REQUIRE(FromString("offset_power_law", &form));
  CHECK(form == CurveForm::kOffsetPowerLaw);
  REQUIRE(FromString("power_law", &form));
  CHECK(form == CurveForm::kPowerLaw);
  CHECK_FALSE(FromString("powerlaw", &form));
  CHECK(form == CurveForm::kPowerLaw);  // untouched on failure
  CHECK(std::string(ToString(FitStatus::kConverged)) == "converged");
  CHECK(std::string(ToString(FitStatus::kNotIdentifiable)) == "not_identifiable");
  CHECK(std::string(ToString(FitStatus::kFailed)) == "failed");
}

TEST_CASE("FitOptions::IsValid names the field, the value and the constraint", "[fit]") {
  std::string error;
  CHECK(FitOptions().IsValid(&error));
  FitOptions options;
  options.bootstrap.confidence = 1.5;
  REQUIRE_FALSE(options.IsValid(&error));
  CHECK(error == "FitOptions.bootstrap.confidence = 1.5 must be in (0, 1)");

  options = FitOptions();
  options.huber_delta = -0.1;
  REQUIRE_FALSE(options.IsValid(&error));
  CHECK(error == "FitOptions.huber_delta = -0.1 must be finite and > 0");

  options = FitOptions();
  options.bootstrap.resamples = 1;
  REQUIRE_FALSE(options.IsValid(&error));
  CHECK(error == "FitOptions.bootstrap.resamples = 1 must be 0 (no bootstrap) or >= 2");

  options = FitOptions();
  options.min_size = 10;
  options.max_size = 5;
  REQUIRE_FALSE(options.IsValid(&error));
  CHECK(error == "FitOptions.max_size = 5 must be > FitOptions.min_size = 10");

  options = FitOptions();
  options.bootstrap.threads = 0;
  REQUIRE_FALSE(options.IsValid(&error));
  CHECK(error == "FitOptions.bootstrap.threads = 0 must be >= 1");

  options = FitOptions();
  options.form = CurveForm::kPowerLaw;
  options.fixed_offset = 0.5;
  REQUIRE_FALSE(options.IsValid(&error));
  CHECK(error ==
        "FitOptions.fixed_offset = 0.5 is set but form = power_law has no "
        "offset");

  options = FitOptions();
  options.fixed_offset = -1.0;
  REQUIRE_FALSE(options.IsValid(&error));
  CHECK(error == "FitOptions.fixed_offset = -1 must be finite and >= 0");
}

TEST_CASE("FitCurve with invalid options fails with the validation message", "[fit]") {
  const LearningCurve curve = Synthetic({0.1, 10, 0.5}, LogSpaced(1e3, 1e5, 8), 5, 0.0, 1);
  FitOptions options;
  options.bootstrap.confidence = 1.5;
  FitSummary summary;
  FitCurve(options, curve, &summary);
  CHECK(summary.status == FitStatus::kFailed);
  CHECK(summary.message == "FitOptions.bootstrap.confidence = 1.5 must be in (0, 1)");
  CHECK_FALSE(summary.usable());
}

TEST_CASE("Noise-free offset power law is recovered exactly", "[fit]") {
  const Truth truth{0.05, 10.0, 0.5};
  const LearningCurve curve = Synthetic(truth, LogSpaced(1e3, 1e5, 8), 5, 0.0, 1);
  FitSummary summary;
  FitCurve(Quick(), curve, &summary);
  INFO(summary.FullReport());
  REQUIRE(summary.status == FitStatus::kConverged);
  CHECK(summary.exponent == Approx(0.5).epsilon(1e-6));
  CHECK(summary.offset == Approx(0.05).epsilon(1e-5));
  CHECK(summary.amplitude == Approx(10.0).epsilon(1e-5));
  CHECK(summary.rms_log_residual < 1e-8);
  CHECK(summary.starts == 30);  // 6 exponents x 5 offsets
  CHECK(summary.starts_at_best >= 10);
  CHECK(summary.num_sizes == 8);
  CHECK(summary.num_seeds == 5);
  CHECK(summary.num_points == 40);
  CHECK(summary.fit_min_size == Approx(1e3));
  CHECK(summary.fit_max_size == Approx(1e5));
  CHECK(summary.huber_delta == 0.1);
  CHECK(summary.bootstrap_resamples == 200);
  CHECK(summary.bootstrap_failures == 0);
  // Identical seeds: every resample is the same curve, so the interval
  // collapses to the point.
  CHECK(summary.exponent_ci.upper - summary.exponent_ci.lower < 1e-6);
}

TEST_CASE("Noise-free pure power law is recovered exactly", "[fit]") {
  const Truth truth{0.0, 3.0, 0.3};
  const LearningCurve curve = Synthetic(truth, LogSpaced(10, 1e4, 6), 3, 0.0, 1);
  FitOptions options = Quick();
  options.form = CurveForm::kPowerLaw;
  FitSummary summary;
  FitCurve(options, curve, &summary);
  INFO(summary.FullReport());
  REQUIRE(summary.status == FitStatus::kConverged);
  CHECK(summary.exponent == Approx(0.3).epsilon(1e-8));
  CHECK(summary.amplitude == Approx(3.0).epsilon(1e-8));
  CHECK(summary.offset == 0.0);
  CHECK(summary.starts == 6);
  CHECK(summary.starts_at_best == 6);
}

TEST_CASE("A fixed offset is held and the rest fitted", "[fit]") {
  const Truth truth{0.2, 5.0, 0.7};
  const LearningCurve curve = Synthetic(truth, LogSpaced(100, 1e4, 8), 4, 0.0, 1);
  FitOptions options = Quick();
  options.fixed_offset = 0.2;
  FitSummary summary;
  FitCurve(options, curve, &summary);
  REQUIRE(summary.status == FitStatus::kConverged);
  CHECK(summary.offset_fixed);
  CHECK(summary.offset == 0.2);
  CHECK(summary.exponent == Approx(0.7).epsilon(1e-8));
  CHECK(summary.amplitude == Approx(5.0).epsilon(1e-8));
  CHECK(summary.starts == 6);
}

TEST_CASE("The fit range is respected and recorded", "[fit]") {
  // Sizes below 100 follow a different law; the range [100, 1e4] must ignore
  // them.
  const Truth truth{0.1, 4.0, 0.6};
  LearningCurve curve = Synthetic(truth, LogSpaced(1, 1e4, 9), 3, 0.0, 1);
  for (std::size_t i = 0; i < curve.sizes.size(); ++i) {
    if (curve.sizes[i] < 99) {
      for (double& v : curve.values[i]) v = 50.0 / (i + 1);
    }
  }
  FitOptions options = Quick();
  options.min_size = 100;
  options.max_size = 1e4;
  FitSummary summary;
  FitCurve(options, curve, &summary);
  INFO(summary.FullReport());
  REQUIRE(summary.status == FitStatus::kConverged);
  CHECK(summary.num_sizes == 5);  // 100, 316, 1000, 3162, 10000
  CHECK(summary.fit_min_size == Approx(100));
  CHECK(summary.fit_max_size == Approx(1e4));
  CHECK(summary.requested_min_size == 100);
  CHECK(summary.exponent == Approx(0.6).epsilon(1e-6));
  CHECK(summary.FullReport().find("fit range:  [100, 10000]") != std::string::npos);
}

TEST_CASE("NaN entries are missing runs and are skipped", "[fit]") {
  const Truth truth{0.05, 10.0, 0.5};
  LearningCurve curve = Synthetic(truth, LogSpaced(1e3, 1e5, 8), 5, 0.0, 1);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  curve.values[0][1] = nan;
  curve.values[3][4] = nan;
  curve.values[7][0] = nan;
  curve.missing = {{0, 1, "skipped"}, {3, 4, "skipped"}, {7, 0, "skipped"}};
  FitSummary summary;
  FitCurve(Quick(), curve, &summary);
  REQUIRE(summary.status == FitStatus::kConverged);
  CHECK(summary.num_points == 37);
  CHECK(summary.exponent == Approx(0.5).epsilon(1e-6));
  CHECK(summary.bootstrap_failures == 0);
}

TEST_CASE("A single seed gives a profile-likelihood interval, not a seed bootstrap", "[fit]") {
  // tests/fit/single_run_interval_test.cc checks and validates the interval itself.
  const LearningCurve curve = Synthetic({0.05, 10.0, 0.5}, LogSpaced(1e3, 1e5, 8), 1, 0.01, 7);
  FitSummary summary;
  FitCurve(Quick(), curve, &summary);
  INFO(summary.FullReport());
  CHECK(summary.status == FitStatus::kConverged);
  CHECK(summary.exponent == Approx(0.5).margin(0.1));
  CHECK(summary.interval_method == IntervalMethod::kProfileLikelihood);
  CHECK(summary.exponent_ci.Contains(summary.exponent));
  CHECK(summary.bootstrap_failures == 0);
}

TEST_CASE("Several seeds with the bootstrap disabled give no interval and say why", "[fit]") {
  const LearningCurve curve = Synthetic({0.05, 10.0, 0.5}, LogSpaced(1e3, 1e5, 8), 3, 0.01, 7);
  FitOptions options;
  options.bootstrap.resamples = 0;
  FitSummary summary;
  FitCurve(options, curve, &summary);
  CHECK(summary.status == FitStatus::kConverged);
  CHECK(summary.interval_method == IntervalMethod::kNone);
  CHECK(std::isnan(summary.exponent_ci.lower));
  CHECK(summary.message.find("bootstrap disabled") != std::string::npos);
  CHECK(summary.BriefReport().find("[n/a]") != std::string::npos);
}

TEST_CASE("Fewer than 3 sizes in range fails", "[fit]") {
  const LearningCurve curve = Synthetic({0.05, 10.0, 0.5}, LogSpaced(1e3, 1e5, 8), 3, 0.0, 1);
  FitOptions options = Quick();
  options.min_size = 5e4;
  FitSummary summary;
  FitCurve(options, curve, &summary);
  CHECK(summary.status == FitStatus::kFailed);
  CHECK(summary.message ==
        "2 sizes with data in the fit range [50000, inf]; at least 3 are needed");
  CHECK(summary.num_sizes == 2);
}

TEST_CASE("Non-positive losses fail with a message", "[fit]") {
  LearningCurve curve = Synthetic({0.05, 10.0, 0.5}, LogSpaced(1e3, 1e5, 8), 3, 0.0, 1);
  curve.values[2][1] = 0.0;
  FitSummary summary;
  FitCurve(Quick(), curve, &summary);
  CHECK(summary.status == FitStatus::kFailed);
  CHECK(summary.message.find("is not positive") != std::string::npos);
}

TEST_CASE("A flat curve is not identifiable", "[fit]") {
  // Noise of 2% per run, a true drop of 0.2% across the range.
  const LearningCurve curve = Synthetic({1.0, 0.01, 0.3}, LogSpaced(1e3, 1e5, 8), 5, 0.02, 3);
  FitSummary summary;
  FitCurve(Quick(), curve, &summary);
  INFO(summary.FullReport());
  CHECK(summary.status == FitStatus::kNotIdentifiable);
  CHECK(summary.message.find("curve too flat") != std::string::npos);
  CHECK_FALSE(summary.usable());
}

TEST_CASE("An exponent at its bound (E-alpha degeneracy) is not identifiable", "[fit]") {
  // The loss collapses onto E within the first sizes: alpha runs past 10, E
  // sits at the floor.
  const LearningCurve curve = Synthetic({1.0, 3e5, 12.0}, LogSpaced(2, 20, 8), 5, 0.003, 5);
  FitSummary summary;
  FitCurve(Quick(), curve, &summary);
  INFO(summary.FullReport());
  CHECK(summary.status == FitStatus::kNotIdentifiable);
  CHECK(summary.exponent == Approx(10.0).margin(1e-3));
  CHECK(summary.message.find("ran to the bound") != std::string::npos);
  CHECK(summary.message.find("degenerate") != std::string::npos);
}

TEST_CASE("An interval wider than the exponent is not identifiable", "[fit]") {
  // Most of the loss is E; the power-law part is small next to 3% noise over
  // one decade.
  const LearningCurve curve = Synthetic({1.0, 1.0, 0.3}, LogSpaced(100, 1000, 8), 5, 0.03, 11);
  FitSummary summary;
  FitCurve(Quick(), curve, &summary);
  INFO(summary.FullReport());
  CHECK(summary.status == FitStatus::kNotIdentifiable);
  CHECK(summary.message.find("is wider than the exponent") != std::string::npos);
  CHECK(summary.exponent_ci.upper - summary.exponent_ci.lower > summary.exponent);
}

TEST_CASE("Residual autocorrelation flags a form that cannot follow the curve", "[fit]") {
  // A pure power law fitted to a curve with a large offset misses
  // systematically.
  const LearningCurve curve = Synthetic({0.3, 10.0, 0.5}, LogSpaced(100, 1e4, 10), 3, 0.0, 1);
  FitOptions options = Quick();
  options.form = CurveForm::kPowerLaw;
  FitSummary summary;
  FitCurve(options, curve, &summary);
  CHECK(summary.residual_autocorrelation > 0.5);
  CHECK(summary.rms_log_residual > 0.01);
  CHECK(summary.max_abs_log_residual >= summary.rms_log_residual);

  options.form = CurveForm::kOffsetPowerLaw;
  const LearningCurve noisy = Synthetic({0.3, 10.0, 0.5}, LogSpaced(100, 1e4, 10), 3, 0.01, 1);
  FitCurve(options, noisy, &summary);
  CHECK(std::abs(summary.residual_autocorrelation) < 0.5);
}

TEST_CASE("The Huber loss bounds the pull of one bad run", "[fit]") {
  const Truth truth{0.05, 10.0, 0.5};
  auto fit_with_bad_run = [&](double factor, double huber_delta) {
    LearningCurve curve = Synthetic(truth, LogSpaced(1e3, 1e5, 8), 5, 0.0, 1);
    curve.values[3][2] *= factor;  // one diverged run
    FitOptions options = Quick();
    options.huber_delta = huber_delta;
    FitSummary summary;
    FitCurve(options, curve, &summary);
    return summary;
  };
  const FitSummary robust = fit_with_bad_run(100.0, 0.1);
  const FitSummary least_squares = fit_with_bad_run(100.0, 10.0);  // delta 10: least squares
  INFO(robust.FullReport() << least_squares.FullReport());
  CHECK(std::abs(robust.exponent - 0.5) < 0.5 * std::abs(least_squares.exponent - 0.5));
  // Bounded influence: past delta, a worse run pulls the Huber fit no further.
  CHECK(fit_with_bad_run(5.0, 0.1).exponent == Approx(robust.exponent).epsilon(1e-6));
  CHECK(fit_with_bad_run(5.0, 10.0).exponent > least_squares.exponent + 0.01);
}

TEST_CASE("Reports carry the fit's facts", "[fit]") {
  const LearningCurve curve = Synthetic({0.05, 10.0, 0.5}, LogSpaced(1e3, 1e5, 8), 5, 0.01, 2);
  FitSummary summary;
  FitCurve(Quick(), curve, &summary);
  REQUIRE(summary.usable());
  const std::string brief = summary.BriefReport();
  CHECK(brief.find('\n') == std::string::npos);
  CHECK(brief.rfind("converged: alpha = ", 0) == 0);
  CHECK(brief.find("8 sizes x 5 seeds") != std::string::npos);
  const std::string full = summary.FullReport();
  for (const char* line : {"status:     converged",
                           "message:",
                           "exponent:",
                           "95% CI",
                           "offset E:",
                           "amplitude:",
                           "fit range:",
                           "starts:     30",
                           "residuals:",
                           "lag-1 autocorrelation",
                           "Huber, delta 0.1",
                           "interval:   seed_bootstrap: 5 seeds resampled whole",
                           "bootstrap:  200 resamples over seeds, 0 failed"}) {
    CHECK(full.find(line) != std::string::npos);
  }
}

bool SameFit(const FitSummary& x, const FitSummary& y) {
  return x.status == y.status && x.message == y.message && x.exponent == y.exponent &&
         x.offset == y.offset && x.amplitude == y.amplitude &&
         x.exponent_ci.lower == y.exponent_ci.lower && x.exponent_ci.upper == y.exponent_ci.upper &&
         x.offset_ci.lower == y.offset_ci.lower && x.offset_ci.upper == y.offset_ci.upper &&
         x.exponent_std_error == y.exponent_std_error &&
         x.bootstrap_failures == y.bootstrap_failures && x.starts_at_best == y.starts_at_best &&
         x.rms_log_residual == y.rms_log_residual;
}

TEST_CASE("The fit is deterministic given the seed, whatever the thread count", "[fit]") {
  const LearningCurve curve = Synthetic({0.05, 10.0, 0.5}, LogSpaced(1e3, 1e5, 8), 5, 0.02, 4);
  FitOptions options;
  FitSummary one, again, two, other;
  FitCurve(options, curve, &one);
  FitCurve(options, curve, &again);
  options.bootstrap.threads = 2;
  FitCurve(options, curve, &two);
  options.bootstrap.threads = 1;
  options.bootstrap.seed = 2;
  FitCurve(options, curve, &other);
  REQUIRE(one.usable());
  CHECK(SameFit(one, again));
  CHECK(SameFit(one, two));
  CHECK(one.exponent == other.exponent);  // the point fit does not use the seed
  CHECK(one.exponent_ci.lower != other.exponent_ci.lower);
}

struct Validation {
  double mean_abs_error = 0.0;
  double coverage = 0.0;
  // Coverage of the uncorrected normal bootstrap interval alpha_hat +- z se (no
  // sqrt(S/(S-1)), no Student t), for comparison only: it under-covers at S
  // = 5.
  double naive_coverage = 0.0;
  int converged = 0;
};

Validation Validate(const Truth& truth,
                    const FitOptions& options,
                    const std::vector<double>& sizes,
                    double sigma,
                    int replicates) {
  Validation v;
  for (int rep = 0; rep < replicates; ++rep) {
    const LearningCurve curve = Synthetic(truth, sizes, 5, sigma, 1000 + rep);
    FitOptions rep_options = options;
    rep_options.bootstrap.seed = rep + 1;
    FitSummary summary;
    FitCurve(rep_options, curve, &summary);
    v.converged += summary.usable() ? 1 : 0;
    v.mean_abs_error += std::abs(summary.exponent - truth.exponent) / replicates;
    v.coverage += summary.exponent_ci.Contains(truth.exponent) ? 1.0 / replicates : 0.0;
    const double naive_half = 1.959964 * summary.exponent_std_error / std::sqrt(5.0 / 4.0);
    v.naive_coverage +=
        std::abs(summary.exponent - truth.exponent) <= naive_half ? 1.0 / replicates : 0.0;
  }
  return v;
}

// Design: 8 sizes log-spaced over 2 decades [1e3, 1e5], 5 seeds, 1.5%
// multiplicative log-normal noise per run, 1000 bootstrap resamples, 200
// replicates.
TEST_CASE("Validation: offset power law, 5 seeds, 1.5% noise", "[fit][validation]") {
  const Truth truth{0.05, 10.0, 0.5};
  FitOptions options;
  options.bootstrap.threads = 2;
  const Validation v = Validate(truth, options, LogSpaced(1e3, 1e5, 8), 0.015, 200);
  std::printf(
      "validation offset_power_law: mean |alpha_hat - alpha| = %.4f, "
      "coverage = %.3f (uncorrected %.3f), converged %d/200\n",
      v.mean_abs_error,
      v.coverage,
      v.naive_coverage,
      v.converged);
  CHECK(v.mean_abs_error <= 0.01);
  CHECK(v.coverage >= 0.90);
  CHECK(v.converged >= 190);
}

TEST_CASE("Validation: pure power law, 5 seeds, 1.5% noise", "[fit][validation]") {
  const Truth truth{0.0, 3.0, 0.35};
  FitOptions options;
  options.form = CurveForm::kPowerLaw;
  options.bootstrap.threads = 2;
  const Validation v = Validate(truth, options, LogSpaced(1e3, 1e5, 8), 0.015, 200);
  std::printf(
      "validation power_law: mean |alpha_hat - alpha| = %.4f, coverage = %.3f "
      "(uncorrected %.3f), converged %d/200\n",
      v.mean_abs_error,
      v.coverage,
      v.naive_coverage,
      v.converged);
  CHECK(v.mean_abs_error <= 0.01);
  CHECK(v.coverage >= 0.90);
  CHECK(v.converged == 200);
}

}  // namespace
}  // namespace scalebench
