#include "harness/store/internal_history_rows.h"

#include <initializer_list>

namespace scalebench::internal {
namespace {

// Enum columns are stored by name; an unknown name (a newer build wrote it) reads as the default.
template <typename Enum>
Enum EnumFromText(const std::string& text, std::initializer_list<Enum> values, Enum fallback) {
  for (Enum e : values) {
    if (text == ToString(e)) return e;
  }
  return fallback;
}

PredictionStatus PredictionStatusFromText(const std::string& text) {
  return EnumFromText(
      text,
      {PredictionStatus::kPredicted, PredictionStatus::kNotApplicable, PredictionStatus::kFailed},
      PredictionStatus::kFailed);
}

FitStatus FitStatusFromText(const std::string& text) {
  return EnumFromText(text,
                      {FitStatus::kConverged, FitStatus::kNotIdentifiable, FitStatus::kFailed},
                      FitStatus::kFailed);
}

Axis AxisFromText(const std::string& text) {
  Axis axis = Axis::kData;
  FromString(text, &axis);
  return axis;
}

}  // namespace

void BindCell(const Cell& c, Statement* s) {
  const bool predicted = c.status == PredictionStatus::kPredicted;
  const bool oracle_predicted = c.has_oracle && c.oracle_status == PredictionStatus::kPredicted;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  s->Bind(c.theory)
      .Bind(c.family)
      .Bind(c.target)
      .Bind(ToString(c.axis))
      .Bind(ToString(c.status))
      .Bind(c.message)
      .Bind(predicted ? c.predicted.value : nan)
      .Bind(predicted ? c.predicted.lower : std::nullopt)
      .Bind(predicted ? c.predicted.upper : std::nullopt)
      .Bind(c.measured)
      .Bind(c.measured_ci.lower)
      .Bind(c.measured_ci.upper)
      .Bind(c.exact)
      .Bind(ToString(c.fit_status))
      .Bind(c.abs_error)
      .Bind(c.inside_ci)
      .Bind(c.curve_error)
      .Bind(c.predict_seconds)
      .Bind(ToString(c.realism))
      .Bind(c.dataset_family)
      .Bind(c.home)
      .Bind(c.has_oracle)
      .Bind(c.has_oracle ? ToString(c.oracle_status) : "")
      .Bind(c.oracle_message)
      .Bind(oracle_predicted ? c.oracle_predicted.value : nan)
      .Bind(oracle_predicted ? c.oracle_predicted.lower : std::nullopt)
      .Bind(oracle_predicted ? c.oracle_predicted.upper : std::nullopt);
}

Cell ReadCell(const Statement& s, int first) {
  Cell c;
  int i = first;
  c.theory = s.Text(i++);
  c.family = s.Text(i++);
  c.target = s.Text(i++);
  c.axis = AxisFromText(s.Text(i++));
  c.status = PredictionStatusFromText(s.Text(i++));
  c.message = s.Text(i++);
  c.predicted.value = s.Real(i++);
  c.predicted.lower = s.OptionalReal(i++);
  c.predicted.upper = s.OptionalReal(i++);
  c.measured = s.Real(i++);
  c.measured_ci.lower = s.Real(i++);
  c.measured_ci.upper = s.Real(i++);
  c.exact = s.OptionalReal(i++);
  c.fit_status = FitStatusFromText(s.Text(i++));
  c.abs_error = s.Real(i++);
  c.inside_ci = s.Int(i++) != 0;
  c.curve_error = s.OptionalReal(i++);
  c.predict_seconds = s.Real(i++);
  c.realism =
      EnumFromText(s.Text(i++),
                   {Realism::kExact, Realism::kToy, Realism::kRealData, Realism::kUserExperiment},
                   Realism::kToy);
  c.dataset_family = s.Text(i++);
  c.home = s.Int(i++) != 0;
  c.has_oracle = s.Int(i++) != 0;
  const std::string oracle_status = s.Text(i++);
  c.oracle_message = s.Text(i++);
  if (c.has_oracle) {
    c.oracle_status = PredictionStatusFromText(oracle_status);
    c.oracle_predicted.value = s.Real(i);
    c.oracle_predicted.lower = s.OptionalReal(i + 1);
    c.oracle_predicted.upper = s.OptionalReal(i + 2);
  }
  return c;
}

void BindFit(const FitRecord& f, Statement* s) {
  const FitSummary& m = f.summary;
  s->Bind(f.target)
      .Bind(ToString(f.axis))
      .Bind(ToString(m.form))
      .Bind(m.offset_fixed)
      .Bind(m.exponent)
      .Bind(m.exponent_ci.lower)
      .Bind(m.exponent_ci.upper)
      .Bind(m.confidence)
      .Bind(m.offset)
      .Bind(m.amplitude)
      .Bind(ToString(m.status))
      .Bind(m.message)
      .Bind(m.fit_min_size)
      .Bind(m.fit_max_size)
      .Bind(m.num_sizes)
      .Bind(m.num_seeds)
      .Bind(m.num_points)
      .Bind(m.rms_log_residual)
      .Bind(m.seconds)
      .Bind(f.cache_key)
      .Bind(f.from_cache)
      .Bind(ToString(m.interval_method));
}

FitRecord ReadFit(const Statement& s) {
  FitRecord f;
  FitSummary& m = f.summary;
  int i = 0;
  f.target = s.Text(i++);
  f.axis = AxisFromText(s.Text(i++));
  FromString(s.Text(i++), &m.form);
  m.offset_fixed = s.Int(i++) != 0;
  m.exponent = s.Real(i++);
  m.exponent_ci.lower = s.Real(i++);
  m.exponent_ci.upper = s.Real(i++);
  m.confidence = s.Real(i++);
  m.offset = s.Real(i++);
  m.amplitude = s.Real(i++);
  m.status = FitStatusFromText(s.Text(i++));
  m.message = s.Text(i++);
  m.fit_min_size = s.Real(i++);
  m.fit_max_size = s.Real(i++);
  m.num_sizes = static_cast<int>(s.Int(i++));
  m.num_seeds = static_cast<int>(s.Int(i++));
  m.num_points = static_cast<int>(s.Int(i++));
  m.rms_log_residual = s.Real(i++);
  m.seconds = s.Real(i++);
  f.cache_key = s.Text(i++);
  f.from_cache = s.Int(i++) != 0;
  m.interval_method = EnumFromText(
      s.Text(i++),
      {IntervalMethod::kNone, IntervalMethod::kSeedBootstrap, IntervalMethod::kProfileLikelihood},
      IntervalMethod::kNone);
  return f;
}

RunInfo ReadRunInfo(const Statement& s) {
  RunInfo r;
  int i = 0;
  r.id = s.Int(i++);
  r.started_at = s.Text(i++);
  r.finished_at = s.Text(i++);
  r.git_commit = s.Text(i++);
  r.config_hash = s.Text(i++);
  r.suite = s.Text(i++);
  r.command = s.Text(i++);
  r.host = s.Text(i++);
  r.baseline_theory = s.Text(i++);
  r.seconds = s.Real(i++);
  r.status = s.Text(i++);
  r.git_dirty = s.Int(i++) != 0;
  r.error = s.Text(i++);
  return r;
}

}  // namespace scalebench::internal
