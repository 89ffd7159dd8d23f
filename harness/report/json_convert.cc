#include "harness/report/json_convert.h"

#include <cmath>
#include <nlohmann/json.hpp>

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
          {"git_dirty", c.git_dirty},
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

json ToJson(const FitSummary& s) {
  return {{"status", ToString(s.status)},
          {"message", s.message},
          {"form", ToString(s.form)},
          {"offset_fixed", s.offset_fixed},
          {"exponent", Number(s.exponent)},
          {"exponent_ci", ToJson(s.exponent_ci)},
          {"exponent_std_error", Number(s.exponent_std_error)},
          {"offset", Number(s.offset)},
          {"offset_ci", ToJson(s.offset_ci)},
          {"amplitude", Number(s.amplitude)},
          {"confidence", Number(s.confidence)},
          {"bootstrap_resamples", s.bootstrap_resamples},
          {"bootstrap_failures", s.bootstrap_failures},
          {"rms_log_residual", Number(s.rms_log_residual)},
          {"max_abs_log_residual", Number(s.max_abs_log_residual)},
          {"residual_autocorrelation", Number(s.residual_autocorrelation)},
          {"num_sizes", s.num_sizes},
          {"num_seeds", s.num_seeds},
          {"num_points", s.num_points},
          {"fit_min_size", Number(s.fit_min_size)},
          {"fit_max_size", Number(s.fit_max_size)},
          {"huber_delta", Number(s.huber_delta)},
          {"starts", s.starts},
          {"starts_at_best", s.starts_at_best},
          {"seconds", Number(s.seconds)}};
}

json ToJson(const JointFitSummary& s) {
  return {{"status", ToString(s.status)},
          {"message", s.message},
          {"form", "joint"},
          {"offset", Number(s.offset)},
          {"offset_ci", ToJson(s.offset_ci)},
          {"params_amplitude", Number(s.params_amplitude)},
          {"data_amplitude", Number(s.data_amplitude)},
          {"params_exponent", Number(s.params_exponent)},
          {"params_exponent_ci", ToJson(s.params_exponent_ci)},
          {"data_exponent", Number(s.data_exponent)},
          {"data_exponent_ci", ToJson(s.data_exponent_ci)},
          {"confidence", Number(s.confidence)},
          {"bootstrap_resamples", s.bootstrap_resamples},
          {"bootstrap_failures", s.bootstrap_failures},
          {"num_points", s.num_points},
          {"starts", s.starts},
          {"rms_log_residual", Number(s.rms_log_residual)},
          {"seconds", Number(s.seconds)}};
}

}  // namespace scalebench
