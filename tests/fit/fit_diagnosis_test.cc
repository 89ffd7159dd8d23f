// The diagnosis of a not-identifiable curve fit (harness/fit/fit_diagnosis.h): which parameter is
// degenerate, the size range that would be needed (and that it is: a curve measured out to it
// is identifiable), and the alternative fits tried.
#include "harness/fit/fit_diagnosis.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "harness/fit/power_law_fit.h"
#include "harness/report/json_convert.h"
#include "tests/fit/synthetic_curve.h"

namespace scalebench {
namespace {

using testing::LogSpaced;
using testing::Quick;
using testing::Synthetic;
using testing::Truth;

const AlternativeFit* Find(const FitDiagnosis& d, const std::string& name) {
  for (const AlternativeFit& a : d.alternatives) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

TEST_CASE("an identifiable fit carries no diagnosis", "[unit][fit]") {
  const LearningCurve curve = Synthetic({0.05, 10.0, 0.5}, LogSpaced(1e3, 1e5, 8), 5, 0.01, 2);
  FitSummary summary;
  FitCurve(Quick(), curve, &summary);
  REQUIRE(summary.usable());
  CHECK_FALSE(summary.diagnosis.present());
  CHECK(summary.diagnosis.Report().empty());
  CHECK(summary.FullReport().find("diagnosis:") == std::string::npos);
  CHECK(ToJson(summary)["diagnosis"].is_null());
}

TEST_CASE("a wide interval from the E-alpha trade-off is diagnosed as offset_exponent",
          "[unit][fit]") {
  // Most of the loss is E; one decade of sizes; 3% noise: the interval is wider than alpha.
  const LearningCurve curve = Synthetic({1.0, 1.0, 0.3}, LogSpaced(100, 1000, 8), 5, 0.03, 11);
  FitSummary summary;
  FitCurve(Quick(), curve, &summary);
  INFO(summary.FullReport());
  REQUIRE(summary.status == FitStatus::kNotIdentifiable);
  const FitDiagnosis& d = summary.diagnosis;
  REQUIRE(d.present());
  CHECK(d.degenerate == "offset_exponent");
  CHECK(d.offset_inflation > FitDiagnosis::kOffsetInflation);
  CHECK(d.explanation.find("freeing E multiplies alpha's linearised standard error") !=
        std::string::npos);
  CHECK(d.target_half_width == Approx(0.25 * summary.exponent));
  CHECK(d.needed_seeds > 5);
  // The alternatives: E fixed at two fractions of the smallest loss and the upper-range power law.
  REQUIRE(d.alternatives.size() == 3);
  const AlternativeFit* half = Find(d, "offset_fixed_0.5");
  const AlternativeFit* high = Find(d, "offset_fixed_0.9");
  const AlternativeFit* upper = Find(d, "power_law_upper");
  REQUIRE(half != nullptr);
  REQUIRE(high != nullptr);
  REQUIRE(upper != nullptr);
  CHECK(half->interval_method == IntervalMethod::kSeedBootstrap);
  CHECK(high->exponent > half->exponent);  // a higher floor, a steeper excess
  CHECK(upper->fit_min_size > summary.fit_min_size);
  CHECK(upper->fit_max_size == summary.fit_max_size);
  // Reports and JSON carry it.
  const std::string full = summary.FullReport();
  CHECK(full.find("diagnosis:  offset_exponent - E and alpha trade off") != std::string::npos);
  CHECK(full.find("needed:     ") != std::string::npos);
  CHECK(full.find("tried:      E fixed at 0.5x the smallest loss") != std::string::npos);
  CHECK(summary.BriefReport().find("offset_exponent: ") != std::string::npos);
  const nlohmann::json j = ToJson(summary)["diagnosis"];
  CHECK(j["degenerate"] == "offset_exponent");
  CHECK(j["alternatives"].size() == 3);
  CHECK(j["alternatives"][2]["name"] == "power_law_upper");
  CHECK(j["range_advice"].get<std::string>() == d.range_advice);
}

TEST_CASE("the needed range is one where the measured curve becomes identifiable", "[fit]") {
  // A one-run curve on 6 sizes over one decade with a large floor: not identifiable. Measured
  // out to the needed largest size with the same spacing and noise, the interval's half-width
  // comes out near the rule's target (a quarter of alpha) and the fit identifiable.
  const Truth truth{0.5, 3.0, 0.4};
  const double sigma = 0.01;
  const std::vector<double> sizes = LogSpaced(100, 1000, 6);
  FitSummary summary;
  FitCurve(FitOptions(), Synthetic(truth, sizes, 1, sigma, 21), &summary);
  INFO(summary.FullReport());
  REQUIRE(summary.status == FitStatus::kNotIdentifiable);
  const FitDiagnosis& d = summary.diagnosis;
  REQUIRE(std::isfinite(d.needed_max_size));
  CHECK(d.needed_max_size > 1000);
  const double ratio = std::pow(10.0, 1.0 / 5);
  std::vector<double> extended = sizes;
  while (extended.back() < d.needed_max_size * 0.999) extended.push_back(extended.back() * ratio);
  std::vector<double> half_widths;
  int identifiable = 0;
  for (int rep = 0; rep < 21; ++rep) {
    FitSummary longer;
    FitCurve(FitOptions(), Synthetic(truth, extended, 1, sigma, 100 + rep), &longer);
    identifiable += longer.usable() ? 1 : 0;
    half_widths.push_back(0.5 * (longer.exponent_ci.upper - longer.exponent_ci.lower));
  }
  std::nth_element(half_widths.begin(), half_widths.begin() + 10, half_widths.end());
  INFO("median half-width " << half_widths[10] << ", target " << 0.25 * truth.exponent);
  CHECK(half_widths[10] < 0.5 * truth.exponent);  // identifiable by the width rule
  CHECK(half_widths[10] > 0.1 * truth.exponent);  // and not far beyond what was asked
  CHECK(identifiable >= 15);
}

TEST_CASE("a loss on its floor from the first sizes is diagnosed as offset_exponent at the bound",
          "[unit][fit]") {
  const LearningCurve curve = Synthetic({1.0, 3e5, 12.0}, LogSpaced(2, 20, 8), 5, 0.003, 5);
  FitSummary summary;
  FitCurve(Quick(), curve, &summary);
  INFO(summary.FullReport());
  REQUIRE(summary.status == FitStatus::kNotIdentifiable);
  const FitDiagnosis& d = summary.diagnosis;
  CHECK(d.degenerate == "offset_exponent");
  CHECK(d.explanation.find("ran to its bound") != std::string::npos);
  CHECK(std::isnan(d.needed_max_size));
  CHECK(d.range_advice.find("add sizes below 2") != std::string::npos);
  CHECK(d.alternatives.size() == 3);
}

TEST_CASE("a flat curve is diagnosed as an unresolved amplitude", "[unit][fit]") {
  const LearningCurve curve = Synthetic({1.0, 0.01, 0.3}, LogSpaced(1e3, 1e5, 8), 5, 0.02, 3);
  FitSummary summary;
  FitCurve(Quick(), curve, &summary);
  INFO(summary.FullReport());
  REQUIRE(summary.status == FitStatus::kNotIdentifiable);
  CHECK(summary.diagnosis.degenerate == "amplitude");
  CHECK(summary.diagnosis.explanation.find("flat within its noise") != std::string::npos);
}

TEST_CASE("a pure power law over too short a range is diagnosed as range", "[unit][fit]") {
  FitOptions options = Quick();
  options.form = CurveForm::kPowerLaw;
  const LearningCurve curve = Synthetic({0.0, 1.0, 0.05}, LogSpaced(100, 200, 6), 5, 0.03, 4);
  FitSummary summary;
  FitCurve(options, curve, &summary);
  INFO(summary.FullReport());
  REQUIRE(summary.status == FitStatus::kNotIdentifiable);
  const FitDiagnosis& d = summary.diagnosis;
  CHECK(d.degenerate == "range");
  CHECK(std::isnan(d.offset_inflation));
  // No E to fix: only the upper-range power law, which here is a subset of the same form.
  REQUIRE(d.alternatives.size() == 1);
  CHECK(d.alternatives[0].name == "power_law_upper");
}

}  // namespace
}  // namespace scalebench
