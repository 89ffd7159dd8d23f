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

json ToJson(const RankEntry& e) {
  return {{"theory", e.theory},
          {"standing", ToString(e.standing)},
          {"rank", e.standing == Standing::kRanked ? json(e.rank) : json(nullptr)},
          {"cells", e.cells},
          {"families", e.families},
          {"opponents", e.opponents},
          {"beats", e.beats},
          {"beaten_by", e.beaten_by},
          {"consistent_share", Number(e.consistent_share)},
          {"weighted_abs_error", Number(e.weighted_abs_error)},
          {"bt_strength", Number(e.bt_strength)},
          {"bt_rank", e.bt_rank > 0 ? json(e.bt_rank) : json(nullptr)}};
}

json ToJson(const PairComparison& p) {
  return {{"a", p.a},
          {"b", p.b},
          {"cells", p.cells},
          {"families", p.families},
          {"difference", Number(p.difference)},
          {"interval", ToJson(p.interval)},
          {"share_a_closer", Number(p.share_a_closer)},
          {"better",
           p.better < 0   ? json(p.a)
           : p.better > 0 ? json(p.b)
                          : json(nullptr)}};
}

json ToJson(const Ranking& r) {
  json entries = json::array();
  for (const RankEntry& e : r.entries) entries.push_back(ToJson(e));
  json pairs = json::array();
  for (const PairComparison& p : r.pairs) pairs.push_back(ToJson(p));
  return {{"track", r.track},
          {"options",
           {{"bootstrap_resamples", r.options.bootstrap_resamples},
            {"seed", r.options.seed},
            {"confidence", r.options.confidence},
            {"min_cells", r.options.min_cells},
            {"min_families", r.options.min_families}}},
          {"tie_groups", r.TieGroups()},
          {"entries", entries},
          {"pairs", pairs},
          {"bradley_terry_disagreements", r.bt_disagreements}};
}

json ToJson(const TheoryRow& r) {
  const RankEntry& e = r.ranking;
  return {{"rank", e.standing == Standing::kRanked ? json(e.rank) : json(nullptr)},
          {"standing", ToString(e.standing)},
          {"theory", r.theory},
          {"family", r.family},
          {"is_null", r.is_null},
          {"compared_cells", e.cells},
          {"compared_families", e.families},
          {"opponents", e.opponents},
          {"beats", e.beats},
          {"beaten_by", e.beaten_by},
          {"consistent_share", Number(e.consistent_share)},
          {"weighted_abs_error", Number(e.weighted_abs_error)},
          {"bt_rank", e.bt_rank > 0 ? json(e.bt_rank) : json(nullptr)},
          {"nulls_compared", r.nulls_compared},
          {"nulls_not_beaten", r.nulls_not_beaten},
          {"home_cells", r.home_cells},
          {"home_scored", r.home_scored},
          {"home_validated", r.home_validated},
          {"oracle_cells", r.oracle_cells},
          {"mean_theory_error", Number(r.mean_theory_error)},
          {"mean_estimation_error", Number(r.mean_estimation_error)},
          {"cells_total", r.cells_total},
          {"cells_applicable", r.cells_applicable},
          {"cells_not_applicable", r.cells_total - r.cells_applicable},
          {"cells_scored", r.cells_scored},
          {"cells_failed", r.cells_failed},
          {"coverage", Number(r.coverage)},
          {"mean_abs_error", Number(r.mean_abs_error)},
          {"inside_ci_share", Number(r.inside_ci_share)},
          {"skill", Number(r.skill)},
          {"mean_interval_score", Number(r.mean_interval_score)},
          {"interval_cells", r.interval_cells},
          {"mean_curve_error", Number(r.mean_curve_error)}};
}

json ToJson(const Cell& c) {
  json j = {{"theory", c.theory},
            {"family", c.family},
            {"target", c.target},
            {"axis", ToString(c.axis)},
            {"track", ToString(c.realism)},
            {"dataset_family", DatasetFamilyOf(c)},
            {"home", c.home},
            {"status", ToString(c.status)},
            {"fit_status", ToString(c.fit_status)},
            {"measured", Number(c.measured)},
            {"measured_ci", ToJson(c.measured_ci)},
            {"measured_se", Number(c.measured_se)},
            {"exact", Number(c.exact)},
            {"allowance", Number(c.allowance)},
            {"scored", c.scored()},
            {"predict_seconds", Number(c.predict_seconds)}};
  if (c.allowance) j["allowance_reason"] = c.allowance_reason;
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
      j["se_measured"] = Number(c.se_measured);
      j["se_predicted"] = Number(c.se_predicted);
      j["z"] = Number(c.z);
      j["consistent"] = std::isnan(c.z) ? json(nullptr) : json(c.consistent);
      j["interval_score"] = Number(c.interval_score);
      if (c.home) j["validated"] = c.scored() ? json(c.validated) : json(nullptr);
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
  if (c.has_oracle) {
    json oracle = {{"status", ToString(c.oracle_status)},
                   {"theory_error", Number(c.theory_error)},
                   {"estimation_error", Number(c.estimation_error)}};
    if (c.oracle_status == PredictionStatus::kPredicted) {
      oracle["predicted"] = {{"value", Number(c.oracle_predicted.value)},
                             {"lower", Number(c.oracle_predicted.lower)},
                             {"upper", Number(c.oracle_predicted.upper)}};
      if (!c.oracle_curve.empty()) oracle["predicted_curve"] = c.oracle_curve;
    } else {
      oracle["reason"] = c.oracle_message;
    }
    j["oracle"] = oracle;
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
