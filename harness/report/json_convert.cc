#include "harness/report/json_convert.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <type_traits>

namespace scalebench {
namespace {

using nlohmann::json;

json Number(double x) {
  return std::isfinite(x) ? json(x) : json(nullptr);
}
json Number(std::optional<double> x) {
  return x ? Number(*x) : json(nullptr);
}
json ToJson(const Interval& i) {
  return {{"lower", Number(i.lower)}, {"upper", Number(i.upper)}};
}

}  // namespace

json ToJson(const ReportContext& c) {
  return {{"json_schema_version", c.json_schema_version},
          {"date", c.date},
          {"host", c.host},
          {"git_commit", c.git_commit},
          {"build_type", c.build_type},
          {"suite", c.suite},
          {"command", c.command},
          {"config_hash", c.config_hash},
          {"seconds", Number(c.seconds)}};
}

json ToJson(const CurveNote& n) {
  json means = json::array();
  for (double m : n.means) means.push_back(Number(m));
  return {{"target", n.target},
          {"axis", ToString(n.axis)},
          {"name", n.name},
          {"description", n.description},
          {"sizes", n.sizes},
          {"seed_means", means}};
}

json ToJson(const TheoryRow& r) {
  return {{"rank", r.rank > 0 ? json(r.rank) : json(nullptr)},
          {"theory", r.theory},
          {"family", r.family},
          {"cells_total", r.cells_total},
          {"cells_applicable", r.cells_applicable},
          {"cells_not_applicable", r.cells_total - r.cells_applicable},
          {"cells_scored", r.cells_scored},
          {"cells_failed", r.cells_failed},
          {"coverage", Number(r.coverage)},
          {"mean_abs_error", Number(r.mean_abs_error)},
          {"inside_ci_share", Number(r.inside_ci_share)},
          {"skill", Number(r.skill)},
          {"mean_curve_error", Number(r.mean_curve_error)}};
}

json ToJson(const Cell& c) {
  json j = {{"theory", c.theory},
            {"family", c.family},
            {"target", c.target},
            {"axis", ToString(c.axis)},
            {"status", ToString(c.status)},
            {"fit_status", ToString(c.fit_status)},
            {"measured", Number(c.measured)},
            {"measured_ci", ToJson(c.measured_ci)},
            {"exact", Number(c.exact)},
            {"scored", c.scored()},
            {"predict_seconds", Number(c.predict_seconds)}};
  // Benchmark keeps "skipped" apart from "error_occurred"; so do we: a reason sits under the key
  // of its kind, and only predicted cells carry numbers.
  switch (c.status) {
    case PredictionStatus::kPredicted:
      j["predicted"] = {{"value", Number(c.predicted.value)},
                        {"lower", Number(c.predicted.lower)},
                        {"upper", Number(c.predicted.upper)}};
      j["note"] = c.message;
      j["abs_error"] = Number(c.abs_error);
      j["inside_ci"] = c.scored() ? json(c.inside_ci) : json(nullptr);
      j["curve_error"] = Number(c.curve_error);
      if (!c.predicted_curve.empty()) j["predicted_curve"] = c.predicted_curve;
      break;
    case PredictionStatus::kNotApplicable:
      j["not_applicable_reason"] = c.message;
      break;
    case PredictionStatus::kFailed:
      j["error"] = c.message;
      break;
  }
  return j;
}

// The fit summaries from their own field lists (VisitFields), so that no field is dropped.
template <typename Summary>
json FieldsToJson(const Summary& summary) {
  json j = json::object();
  summary.VisitFields([&j](const char* name, const auto& value) {
    using T = std::decay_t<decltype(value)>;
    if constexpr (std::is_same_v<T, double>) {
      j[name] = Number(value);
    } else if constexpr (std::is_same_v<T, Interval>) {
      j[name] = ToJson(value);
    } else {
      j[name] = value;  // bool, int, std::string, const char*
    }
  });
  return j;
}

json ToJson(const FitSummary& s) {
  return FieldsToJson(s);
}

json ToJson(const JointFitSummary& s) {
  json j = FieldsToJson(s);
  j["form"] = "joint";
  return j;
}

}  // namespace scalebench
