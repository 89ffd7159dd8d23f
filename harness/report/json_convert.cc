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
            {"interval_method", ToString(c.interval_method)},
            {"exact", Number(c.exact)},
            {"allowance", Number(c.allowance)},
            {"scored", c.scored()},
            {"predict_seconds", Number(c.predict_seconds)}};
  if (c.allowance) j["allowance_reason"] = c.allowance_reason;
  if (!c.fit_diagnosis.empty()) j["fit_diagnosis"] = c.fit_diagnosis;
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

namespace {

// A not-identifiable fit's diagnosis (harness/fit/fit_diagnosis.h); null when there is none.
json ToJson(const FitDiagnosis& d) {
  if (!d.present()) return nullptr;
  json alternatives = json::array();
  for (const AlternativeFit& a : d.alternatives) {
    alternatives.push_back({{"name", a.name},
                            {"description", a.description},
                            {"status", ToString(a.status)},
                            {"message", a.message},
                            {"exponent", Number(a.exponent)},
                            {"exponent_ci", ToJson(a.exponent_ci)},
                            {"interval_method", ToString(a.interval_method)},
                            {"offset", Number(a.offset)},
                            {"fit_min_size", Number(a.fit_min_size)},
                            {"fit_max_size", Number(a.fit_max_size)}});
  }
  return {{"degenerate", d.degenerate},
          {"explanation", d.explanation},
          {"offset_inflation", Number(d.offset_inflation)},
          {"target_half_width", Number(d.target_half_width)},
          {"needed_max_size", Number(d.needed_max_size)},
          {"needed_seeds", Number(d.needed_seeds)},
          {"range_advice", d.range_advice},
          {"range_rule", d.range_rule},
          {"alternatives", alternatives}};
}

}  // namespace

// The fit summaries from their own field lists (VisitFields), so that no field is dropped.
template <typename Summary>
json FieldsToJson(const Summary& summary) {
  json j = json::object();
  summary.VisitFields([&j](const char* name, const auto& value) {
    using T = std::decay_t<decltype(value)>;
    if constexpr (std::is_same_v<T, double>) {
      j[name] = Number(value);
    } else if constexpr (std::is_same_v<T, Interval> || std::is_same_v<T, FitDiagnosis>) {
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
