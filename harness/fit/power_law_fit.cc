#include "harness/fit/power_law_fit.h"

#include <ceres/ceres.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <random>

#include "common/status.h"
#include "harness/fit/internal_bootstrap.h"
#include "harness/fit/internal_curve_problem.h"
#include "harness/fit/internal_diagnosis.h"
#include "harness/fit/internal_fit_util.h"
#include "harness/fit/internal_profile_interval.h"

namespace scalebench {
namespace {

using internal::Aggregate;
using internal::BuildLogCurve;
using internal::CurveProblem;
using internal::Fail;
using internal::LogCurve;
using internal::Params;
using internal::SizeData;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kAlphaStarts[] = {0.1, 0.25, 0.5, 1.0, 2.0, 4.0};
constexpr double kOffsetStartFractions[] = {0.0, 0.25, 0.5, 0.75, 0.9};

// The least-squares log scale c given (E, alpha): the mean of log(y - E) +
// alpha u.
double StartLogScale(const LogCurve& curve, const SizeData& data, double offset, double alpha) {
  double sum = 0.0;
  int n = 0;
  for (std::size_t i = 0; i < curve.u.size(); ++i) {
    if (data.weight[i] == 0.0) continue;
    const double excess = std::exp(data.mean_log[i]) - offset;
    // An offset above the data (a fixed E) leaves no excess: start from the
    // pure power law.
    sum += (excess > 0.0 ? std::log(excess) : data.mean_log[i]) + alpha * curve.u[i];
    ++n;
  }
  return sum / n;
}

std::vector<Params> StartGrid(const FitOptions& options,
                              const LogCurve& curve,
                              const SizeData& data) {
  std::vector<double> offsets;
  if (options.form == CurveForm::kPowerLaw) {
    offsets = {0.0};
  } else if (options.fixed_offset.has_value()) {
    offsets = {*options.fixed_offset};
  } else {
    const double min_log = *std::min_element(data.mean_log.begin(), data.mean_log.end());
    for (double f : kOffsetStartFractions) offsets.push_back(f * std::exp(min_log));
  }
  std::vector<Params> starts;
  for (double e : offsets) {
    for (double alpha : kAlphaStarts) {
      starts.push_back({e, StartLogScale(curve, data, e, alpha), alpha});
    }
  }
  return starts;
}

struct PointFit {
  bool ok = false;
  Params params;
  double cost = kNaN;
  int starts = 0;
  int starts_at_best = 0;
};

PointFit MultiStart(const FitOptions& options, const LogCurve& curve, CurveProblem* problem) {
  PointFit best;
  std::vector<double> costs;
  const std::vector<Params> starts = StartGrid(options, curve, problem->data());
  best.starts = static_cast<int>(starts.size());
  for (const Params& start : starts) {
    Params solution;
    double cost = kNaN;
    if (!problem->Solve(start, internal::Precision::kFull, &solution, &cost)) continue;
    costs.push_back(cost);
    if (!best.ok || cost < best.cost) {
      best.ok = true;
      best.params = solution;
      best.cost = cost;
    }
  }
  for (double cost : costs) {
    if (cost - best.cost <= 1e-6 * best.cost + 1e-15) ++best.starts_at_best;
  }
  return best;
}

void FillResidualDiagnostics(const LogCurve& curve,
                             const SizeData& data,
                             const Params& p,
                             FitSummary* summary) {
  std::vector<double> r;
  for (std::size_t i = 0; i < curve.u.size(); ++i) {
    r.push_back(data.mean_log[i] -
                std::log(p.offset + std::exp(p.log_scale - p.exponent * curve.u[i])));
  }
  double ss = 0.0, max_abs = 0.0, mean = 0.0;
  for (double v : r) {
    ss += v * v;
    max_abs = std::max(max_abs, std::abs(v));
    mean += v;
  }
  mean /= r.size();
  summary->rms_log_residual = std::sqrt(ss / r.size());
  summary->max_abs_log_residual = max_abs;
  double num = 0.0, den = 0.0;
  for (std::size_t i = 0; i < r.size(); ++i) {
    den += (r[i] - mean) * (r[i] - mean);
    if (i + 1 < r.size()) num += (r[i] - mean) * (r[i + 1] - mean);
  }
  summary->residual_autocorrelation = (r.size() >= 3 && den > 0.0) ? num / den : kNaN;
}

// Standard error of one size's mean log-loss: the within-size spread pooled
// over sizes divided by sqrt(runs per size); with a single seed there is no
// spread, so the fit's rms residual.
double LogLossNoise(const LogCurve& curve, const SizeData& data, double rms_residual) {
  double ss = 0.0, runs = 0.0;
  int dof = 0;
  for (std::size_t i = 0; i < curve.log_values.size(); ++i) {
    int n = 0;
    for (double v : curve.log_values[i]) {
      if (std::isnan(v)) continue;
      ss += (v - data.mean_log[i]) * (v - data.mean_log[i]);
      ++n;
    }
    dof += n - 1;
    runs += n;
  }
  if (dof == 0) return rms_residual;
  return std::sqrt(ss / dof) / std::sqrt(runs / curve.log_values.size());
}

struct BootstrapResult {
  std::vector<double> exponents, offsets;
  int failures = 0;
};

// Refits on resamples of whole seeds (columns of the curve, drawn with replacement); a resample
// whose missing runs leave fewer than 3 sizes counts as a failed refit.
BootstrapResult Bootstrap(const FitOptions& options, const LogCurve& curve, const Params& start) {
  const int seeds = curve.num_seeds();
  const internal::RefitResults<Params> refits = internal::BootstrapRefits<CurveProblem>(
      options.bootstrap,
      start,
      [&] { return std::make_unique<CurveProblem>(curve, options); },
      [&](std::mt19937_64& rng, CurveProblem* problem) {
        std::uniform_int_distribution<int> pick(0, seeds - 1);
        std::vector<int> counts(seeds, 0);
        for (int k = 0; k < seeds; ++k) ++counts[pick(rng)];
        Aggregate(curve, counts, &problem->data());
        return problem->data().present >= 3;
      });
  BootstrapResult result;
  result.failures = refits.failures;
  for (const Params& solution : refits.solutions) {
    result.exponents.push_back(solution.exponent);
    result.offsets.push_back(solution.offset);
  }
  return result;
}

// Fills the intervals from the bootstrap (see the header for the small-sample
// correction).
void FillIntervals(const FitOptions& options,
                   const BootstrapResult& boot,
                   int seeds,
                   FitSummary* summary) {
  summary->bootstrap_failures = boot.failures;
  if (boot.exponents.size() < 2) return;
  summary->interval_method = IntervalMethod::kSeedBootstrap;
  const double inflation = std::sqrt(seeds / (seeds - 1.0));
  const double t = internal::StudentTQuantile(seeds - 1.0, options.bootstrap.confidence);
  summary->exponent_std_error = inflation * internal::SampleStdDev(boot.exponents);
  const double half = t * summary->exponent_std_error;
  summary->exponent_ci = {summary->exponent - half, summary->exponent + half};
  if (summary->offset_fixed || options.form == CurveForm::kPowerLaw) {
    // E is known (fixed or absent), not estimated.
    summary->offset_ci = {summary->offset, summary->offset};
    return;
  }
  summary->offset_std_error = inflation * internal::SampleStdDev(boot.offsets);
  const double offset_half = t * summary->offset_std_error;
  summary->offset_ci = {std::max(0.0, summary->offset - offset_half),
                        summary->offset + offset_half};
}

// The profile-likelihood intervals of a one-run curve (see the header); returns the note for the
// message and sets *open when the exponent's interval runs to a bound of its search range.
std::string FillProfileIntervals(const LogCurve& curve,
                                 const PointFit& point,
                                 CurveProblem* problem,
                                 FitSummary* summary,
                                 bool* open) {
  const int sizes = static_cast<int>(curve.sizes.size());
  const int parameters = problem->offset_free() ? 3 : 2;
  if (sizes <= parameters) {
    return fmt::format(
        "; no interval: the profile-likelihood interval of a one-run curve needs more sizes ({}) "
        "than fitted parameters ({})",
        sizes,
        parameters);
  }
  const internal::ProfileSetup setup{point.cost, sizes - parameters, summary->confidence};
  const internal::ProfileResult alpha = internal::ProfileExponent(problem, point.params, setup);
  summary->interval_method = IntervalMethod::kProfileLikelihood;
  summary->exponent_ci = alpha.interval;
  summary->exponent_std_error = alpha.std_error;
  *open = alpha.open_lower || alpha.open_upper;
  if (problem->offset_free()) {
    const SizeData& data = problem->data();
    const double max_loss = std::exp(*std::max_element(data.mean_log.begin(), data.mean_log.end()));
    const internal::ProfileResult offset =
        internal::ProfileOffset(problem, point.params, max_loss, setup);
    summary->offset_ci = offset.interval;
    summary->offset_std_error = offset.std_error;
  } else {
    summary->offset_ci = {summary->offset, summary->offset};
  }
  return fmt::format("; interval: profile likelihood (one run per size, {} degrees of freedom)",
                     sizes - parameters);
}

// Applies the identifiability rules of the header; returns an empty string when
// identifiable.
std::string IdentifiabilityProblem(const SizeData& data, const FitSummary& s, bool interval_open) {
  if (!(s.log_loss_drop > internal::kFlatnessSigmas * std::sqrt(2.0) * s.log_loss_noise)) {
    return fmt::format(
        "curve too flat: mean log-loss falls by {:.3g} across [{:g}, {:g}], not more than {:.0f} "
        "standard errors ({:.3g}) of that difference",
        s.log_loss_drop,
        s.fit_min_size,
        s.fit_max_size,
        internal::kFlatnessSigmas,
        s.log_loss_noise * std::sqrt(2.0));
  }
  const bool at_lower = s.exponent <= internal::kMinExponent + internal::kBoundTolerance;
  const bool at_upper = s.exponent >= internal::kMaxExponent - internal::kBoundTolerance;
  if (at_lower || at_upper) {
    std::string message =
        fmt::format("exponent {:.4g} ran to the bound of its search range [{:g}, {:g}]",
                    s.exponent,
                    internal::kMinExponent,
                    internal::kMaxExponent);
    const double min_loss = std::exp(*std::min_element(data.mean_log.begin(), data.mean_log.end()));
    if (!s.offset_fixed && s.form == CurveForm::kOffsetPowerLaw && s.offset >= 0.9 * min_loss) {
      message += fmt::format(
          "; E = {:.4g} is close to the smallest loss {:.4g}: E and alpha are degenerate (fix E "
          "or extend the range)",
          s.offset,
          min_loss);
    }
    return message;
  }
  if (interval_open) {
    return fmt::format(
        "{:.0f}% profile-likelihood interval [{:.4g}, {:.4g}] runs to the bound of alpha's search "
        "range [{:g}, {:g}]: the data do not bound the exponent",
        100 * s.confidence,
        s.exponent_ci.lower,
        s.exponent_ci.upper,
        internal::kMinExponent,
        internal::kMaxExponent);
  }
  if (s.exponent_ci.upper - s.exponent_ci.lower > std::abs(s.exponent)) {
    return fmt::format("{:.0f}% interval [{:.4g}, {:.4g}] is wider than the exponent {:.4g} itself",
                       100 * s.confidence,
                       s.exponent_ci.lower,
                       s.exponent_ci.upper,
                       s.exponent);
  }
  if (2 * s.bootstrap_failures > s.bootstrap_resamples && s.bootstrap_resamples > 0) {
    return fmt::format(
        "{} of {} bootstrap refits failed", s.bootstrap_failures, s.bootstrap_resamples);
  }
  return {};
}

void Fit(const FitOptions& options, const LearningCurve& input, FitSummary* summary) {
  std::string error;
  if (!options.IsValid(&error)) {
    summary->message = error;
    return;
  }
  LogCurve curve;
  error = BuildLogCurve(options, input, &curve);
  if (!error.empty()) {
    summary->message = error;
    return;
  }
  summary->num_sizes = static_cast<int>(curve.sizes.size());
  summary->num_seeds = curve.num_seeds();
  summary->num_points = curve.num_points;
  if (curve.sizes.size() < 3) {
    summary->message =
        fmt::format("{} sizes with data in the fit range [{:g}, {:g}]; at least 3 are needed",
                    curve.sizes.size(),
                    options.min_size,
                    options.max_size);
    return;
  }
  summary->fit_min_size = curve.sizes.front();
  summary->fit_max_size = curve.sizes.back();

  CurveProblem problem(curve, options);
  Aggregate(curve, std::vector<int>(curve.num_seeds(), 1), &problem.data());
  const SizeData& data = problem.data();
  const PointFit point = MultiStart(options, curve, &problem);
  summary->starts = point.starts;
  summary->starts_at_best = point.starts_at_best;
  if (!point.ok) {
    summary->message = fmt::format("no start of {} converged", point.starts);
    return;
  }
  summary->offset = point.params.offset;
  summary->exponent = point.params.exponent;
  summary->amplitude = std::exp(point.params.log_scale + point.params.exponent * curve.log_x0);
  FillResidualDiagnostics(curve, data, point.params, summary);
  summary->log_loss_drop = data.mean_log.front() - data.mean_log.back();
  summary->log_loss_noise = LogLossNoise(curve, data, summary->rms_log_residual);

  std::string note;
  bool interval_open = false;
  if (curve.num_seeds() < 2) {
    note = FillProfileIntervals(curve, point, &problem, summary, &interval_open);
  } else if (options.bootstrap.resamples == 0) {
    note = "; no interval: bootstrap disabled (bootstrap_resamples = 0)";
  } else {
    FillIntervals(options, Bootstrap(options, curve, point.params), curve.num_seeds(), summary);
    if (summary->bootstrap_failures > 0) {
      note = fmt::format("; {} of {} bootstrap refits failed (excluded)",
                         summary->bootstrap_failures,
                         options.bootstrap.resamples);
    }
  }
  const std::string problem_text = IdentifiabilityProblem(data, *summary, interval_open);
  summary->status = problem_text.empty() ? FitStatus::kConverged : FitStatus::kNotIdentifiable;
  summary->message = problem_text.empty()
                         ? fmt::format("converged: {} of {} starts reached the best objective",
                                       point.starts_at_best,
                                       point.starts) +
                               note
                         : problem_text + note;
  if (summary->status == FitStatus::kNotIdentifiable && options.diagnose) {
    internal::DiagnoseNotIdentifiable(options, input, curve, summary);
  }
}

}  // namespace

bool FitOptions::IsValid(std::string* error) const {
  if (form != CurveForm::kOffsetPowerLaw && form != CurveForm::kPowerLaw) {
    return Fail(error,
                fmt::format("FitOptions.form = {} is not a CurveForm", static_cast<int>(form)));
  }
  if (fixed_offset.has_value()) {
    if (form == CurveForm::kPowerLaw) {
      return Fail(error,
                  fmt::format("FitOptions.fixed_offset = {:g} is set but form = power_law has no "
                              "offset",
                              *fixed_offset));
    }
    if (!(*fixed_offset >= 0.0) || !std::isfinite(*fixed_offset)) {
      return Fail(
          error,
          fmt::format("FitOptions.fixed_offset = {:g} must be finite and >= 0", *fixed_offset));
    }
  }
  if (!(huber_delta > 0.0) || !std::isfinite(huber_delta)) {
    return Fail(error,
                fmt::format("FitOptions.huber_delta = {:g} must be finite and > 0", huber_delta));
  }
  if (!bootstrap.IsValid("FitOptions", error)) return false;
  if (!(min_size >= 0.0) || !std::isfinite(min_size)) {
    return Fail(error, fmt::format("FitOptions.min_size = {:g} must be finite and >= 0", min_size));
  }
  if (!(max_size > min_size)) {
    return Fail(
        error,
        fmt::format(
            "FitOptions.max_size = {:g} must be > FitOptions.min_size = {:g}", max_size, min_size));
  }
  return true;
}

void FitCurve(const FitOptions& options, const LearningCurve& curve, FitSummary* summary) {
  const auto begin = std::chrono::steady_clock::now();
  *summary = FitSummary();
  summary->form = options.form;
  summary->offset_fixed =
      options.form == CurveForm::kOffsetPowerLaw && options.fixed_offset.has_value();
  summary->confidence = options.bootstrap.confidence;
  summary->huber_delta = options.huber_delta;
  summary->bootstrap_resamples = options.bootstrap.resamples;
  summary->requested_min_size = options.min_size;
  summary->requested_max_size = options.max_size;
  Fit(options, curve, summary);
  summary->seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
}

}  // namespace scalebench
