// The canonical JSON of the fit summaries (harness/report/json_convert.h) comes from their field
// lists (VisitFields), so it holds every documented field: the fit range DESIGN says is recorded
// with the result, the flatness check and the offset's error among them.
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>

#include "harness/fit/joint_fit.h"
#include "harness/fit/power_law_fit.h"
#include "harness/report/json_convert.h"

namespace scalebench {
namespace {

template <typename Summary>
std::set<std::string> VisitedNames(const Summary& summary) {
  std::set<std::string> names;
  int visits = 0;
  summary.VisitFields([&](const char* name, const auto&) { names.insert(name), ++visits; });
  CHECK(static_cast<int>(names.size()) == visits);  // no name twice
  return names;
}

TEST_CASE("the JSON of a FitSummary holds every field, the requested fit range included",
          "[unit][fit]") {
  LearningCurve curve;
  curve.sizes = {10, 20, 40, 80, 160, 320};
  curve.seeds = {0, 1, 2};
  std::mt19937_64 rng(7);
  std::normal_distribution<double> z(0.0, 0.02);
  for (double x : curve.sizes) {
    std::vector<double> row;
    for (int j = 0; j < 3; ++j) row.push_back((0.1 + 3.0 * std::pow(x, -0.7)) * std::exp(z(rng)));
    curve.values.push_back(row);
  }
  FitOptions options;
  options.bootstrap.resamples = 50;
  options.min_size = 15;
  options.max_size = 1000;
  FitSummary summary;
  FitCurve(options, curve, &summary);
  REQUIRE(summary.usable());
  const nlohmann::json j = ToJson(summary);
  const std::set<std::string> names = VisitedNames(summary);
  CHECK(names.size() == 32);
  CHECK(j.size() == names.size());
  for (const std::string& name : names) CHECK(j.contains(name));
  // The five the hand-written converter dropped.
  CHECK(j["requested_min_size"].get<double>() == 15.0);
  CHECK(j["requested_max_size"].get<double>() == 1000.0);
  CHECK(j["log_loss_drop"].get<double>() == summary.log_loss_drop);
  CHECK(j["log_loss_noise"].get<double>() == summary.log_loss_noise);
  CHECK(j["offset_std_error"].get<double>() == summary.offset_std_error);
  // Types: NaN and infinity become null, intervals objects, enums their names.
  CHECK(j["status"] == "converged");
  CHECK(j["exponent_ci"].contains("lower"));
  CHECK(j["num_sizes"] == 5);
  CHECK(ToJson(FitSummary())["requested_max_size"].is_null());  // infinity
}

TEST_CASE("the JSON of a JointFitSummary holds every field and says it is joint", "[unit][fit]") {
  JointFitSummary summary;
  summary.objective = 1.5;
  summary.starts_refined = 32;
  const nlohmann::json j = ToJson(summary);
  const std::set<std::string> names = VisitedNames(summary);
  CHECK(names.size() == 34);
  CHECK(j.size() == names.size() + 1);
  for (const std::string& name : names) CHECK(j.contains(name));
  CHECK(j["form"] == "joint");
  CHECK(j["objective"] == 1.5);
  CHECK(j["starts_refined"] == 32);
  CHECK(j["params_amplitude_ci"]["lower"].is_null());
}

}  // namespace
}  // namespace scalebench
