// The diagnosis of a not-identifiable curve fit (harness/fit/fit_diagnosis.h); its reports are in
// fit_report.cc with the fits' own.
#include "harness/fit/fit_diagnosis.h"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>

#include "harness/fit/internal_diagnosis.h"

namespace scalebench::internal {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInfinity = std::numeric_limits<double>::infinity();

double FittedLogLoss(const FitSummary& s, double x) {
  return std::log(s.offset + s.amplitude * std::pow(x, -s.exponent));
}

// Runs one alternative fit: the fit's options with `change` applied and the diagnosis off.
template <typename Change>
AlternativeFit Alternative(const FitOptions& options,
                           const LearningCurve& input,
                           std::string name,
                           std::string description,
                           Change change) {
  FitOptions alternative = options;
  alternative.diagnose = false;
  change(&alternative);
  FitSummary fit;
  FitCurve(alternative, input, &fit);
  AlternativeFit out;
  out.name = std::move(name);
  out.description = std::move(description);
  out.status = fit.status;
  out.message = fit.message;
  out.exponent = fit.exponent;
  out.exponent_ci = fit.exponent_ci;
  out.interval_method = fit.interval_method;
  out.offset = fit.offset;
  out.fit_min_size = fit.fit_min_size;
  out.fit_max_size = fit.fit_max_size;
  return out;
}

// Part 1 of the header: the degenerate parameter and why.
void Classify(const FitSummary& s, bool offset_free, double min_loss, FitDiagnosis* d) {
  const bool flat = !(s.log_loss_drop > kFlatnessSigmas * std::sqrt(2.0) * s.log_loss_noise);
  const bool at_upper = s.exponent >= kMaxExponent - kBoundTolerance;
  const bool at_lower = s.exponent <= kMinExponent + kBoundTolerance;
  if (flat) {
    d->degenerate = "amplitude";
    d->explanation = fmt::format(
        "the curve is flat within its noise (log-loss drop {:.3g} against {:.3g} per size): the "
        "power-law part A x^-alpha, and with it alpha, is not resolved",
        s.log_loss_drop,
        s.log_loss_noise);
  } else if (at_upper && offset_free && s.offset >= 0.9 * min_loss) {
    d->degenerate = "offset_exponent";
    d->explanation = fmt::format(
        "E = {:.4g} sits at the smallest loss {:.4g} and alpha ran to its bound {:g}: the loss is "
        "on its floor from the first sizes, so E and alpha trade off",
        s.offset,
        min_loss,
        kMaxExponent);
  } else if (at_lower) {
    d->degenerate = "amplitude_exponent";
    d->explanation =
        "alpha ran to 0, where A x^-alpha ~ A - A alpha log x: the curve is close to linear in "
        "log size and only the product A alpha is fixed";
  } else if (offset_free && d->offset_inflation > FitDiagnosis::kOffsetInflation) {
    d->degenerate = "offset_exponent";
    d->explanation = fmt::format(
        "E and alpha trade off: freeing E multiplies alpha's linearised standard error by {:.3g} "
        "(E held at its estimate {:.4g})",
        d->offset_inflation,
        s.offset);
  } else if (at_upper) {
    d->degenerate = "range";
    d->explanation =
        fmt::format("alpha ran to its bound {:g}: the curve falls too steeply for the sizes fitted",
                    kMaxExponent);
  } else {
    d->degenerate = "range";
    d->explanation = fmt::format(
        "no parameter pair dominates (freeing E multiplies alpha's standard error by {}): the "
        "size range is too short for the noise",
        std::isnan(d->offset_inflation) ? std::string("n/a, E not fitted")
                                        : fmt::format("{:.3g}", d->offset_inflation));
  }
}

// Part 2 of the header: the largest size, or the seeds, that would bring the interval to target.
void NeededRange(const FitSummary& s, const LogCurve& curve, bool offset_free, FitDiagnosis* d) {
  const bool at_bound =
      s.exponent >= kMaxExponent - kBoundTolerance || s.exponent <= kMinExponent + kBoundTolerance;
  if (at_bound) {
    d->range_advice =
        s.exponent >= kMaxExponent - kBoundTolerance
            ? fmt::format(
                  "not estimated (the fitted curve is degenerate): the loss no longer falls over "
                  "[{:g}, {:g}]; add sizes below {:g}, where it still falls",
                  s.fit_min_size,
                  s.fit_max_size,
                  s.fit_min_size)
            : "not estimated (the fitted curve is degenerate): extend the range upwards until the "
              "curve bends";
    return;
  }
  std::vector<double> grid = curve.sizes;
  const int n = static_cast<int>(grid.size());
  const double sigma = s.log_loss_noise;
  const double flat_threshold = kFlatnessSigmas * std::sqrt(2.0) * sigma;
  const double se0 = LinearisedExponentSe(s.offset, s.amplitude, s.exponent, grid, offset_free);
  double half0 = 0.5 * (s.exponent_ci.upper - s.exponent_ci.lower);
  if (!std::isfinite(half0)) half0 = 1.96 * sigma * se0;
  d->target_half_width = FitDiagnosis::kTargetFraction * s.exponent;
  const int seeds = std::max(1, s.num_seeds);
  const double drop0 = FittedLogLoss(s, grid.front()) - FittedLogLoss(s, grid.back());
  double seeds_needed = seeds;
  if (half0 > d->target_half_width) {
    seeds_needed = std::max(seeds_needed, seeds * std::pow(half0 / d->target_half_width, 2));
  }
  if (drop0 > 0 && !(drop0 > flat_threshold)) {
    seeds_needed = std::max(seeds_needed, seeds * std::pow(flat_threshold / drop0, 2));
  }
  d->needed_seeds = std::ceil(seeds_needed);
  const double ratio = std::pow(grid.back() / grid.front(), 1.0 / std::max(1, n - 1));
  const double largest = grid.back();
  if (std::isfinite(se0) && se0 > 0 && ratio > 1) {
    while (grid.back() * ratio <= FitDiagnosis::kMaxExtension * largest * (1 + 1e-9)) {
      grid.push_back(grid.back() * ratio);
      const double se = LinearisedExponentSe(s.offset, s.amplitude, s.exponent, grid, offset_free);
      const double drop = FittedLogLoss(s, grid.front()) - FittedLogLoss(s, grid.back());
      if (half0 * se / se0 <= d->target_half_width && drop > flat_threshold) {
        d->needed_max_size = grid.back();
        break;
      }
    }
  }
  d->range_rule = fmt::format(
      "continue the grid upwards (x{:.3g} per size, the same noise per size) until the predicted "
      "{:.0f}% half-width (the measured one times the ratio of linearised standard errors) is <= "
      "{:g} alpha = {:.3g} and the drop clears the flatness rule",
      ratio,
      100 * s.confidence,
      FitDiagnosis::kTargetFraction,
      d->target_half_width);
  const std::string seeds_text =
      fmt::format("or ~{:.0f} seeds per size at the current range", d->needed_seeds);
  d->range_advice =
      std::isnan(d->needed_max_size)
          ? fmt::format("sizes up to {:g}x the largest ({:.3g}) do not reach the target; {}",
                        FitDiagnosis::kMaxExtension,
                        FitDiagnosis::kMaxExtension * largest,
                        seeds_text)
          : fmt::format("sizes up to ~{:.3g} ({:.3g}x the largest, {:.3g}), {}",
                        d->needed_max_size,
                        d->needed_max_size / largest,
                        largest,
                        seeds_text);
}

}  // namespace

double LinearisedExponentSe(double offset,
                            double amplitude,
                            double exponent,
                            const std::vector<double>& sizes,
                            bool offset_free) {
  const int n = static_cast<int>(sizes.size());
  const int k = offset_free ? 3 : 2;
  if (n < k) return kInfinity;
  double mean_log = 0.0;
  for (double x : sizes) mean_log += std::log(x) / n;
  Eigen::MatrixXd jacobian(n, k);
  for (int i = 0; i < n; ++i) {
    const double p = amplitude * std::pow(sizes[i], -exponent);
    const double m = offset + p;
    int column = 0;
    if (offset_free) jacobian(i, column++) = 1.0 / m;
    jacobian(i, column++) = p / m;                                   // d / d log A
    jacobian(i, column) = -p * (std::log(sizes[i]) - mean_log) / m;  // d / d alpha, centred
  }
  const Eigen::MatrixXd information = jacobian.transpose() * jacobian;
  const Eigen::FullPivLU<Eigen::MatrixXd> lu(information);
  if (!lu.isInvertible()) return kInfinity;
  const double variance = lu.inverse()(k - 1, k - 1);
  return variance > 0 && std::isfinite(variance) ? std::sqrt(variance) : kInfinity;
}

void DiagnoseNotIdentifiable(const FitOptions& options,
                             const LearningCurve& input,
                             const LogCurve& curve,
                             FitSummary* summary) {
  const FitSummary& s = *summary;
  FitDiagnosis& d = summary->diagnosis;
  const bool offset_free = s.form == CurveForm::kOffsetPowerLaw && !s.offset_fixed;
  double min_log = kInfinity;
  for (const auto& row : curve.log_values) {
    double sum = 0.0;
    int count = 0;
    for (double v : row) {
      if (!std::isnan(v)) sum += v, ++count;
    }
    if (count > 0) min_log = std::min(min_log, sum / count);
  }
  const double min_loss = std::exp(min_log);
  if (offset_free) {
    d.offset_inflation =
        LinearisedExponentSe(s.offset, s.amplitude, s.exponent, curve.sizes, true) /
        LinearisedExponentSe(s.offset, s.amplitude, s.exponent, curve.sizes, false);
  }
  Classify(s, offset_free, min_loss, &d);
  NeededRange(s, curve, offset_free, &d);

  if (offset_free) {
    for (double fraction : {0.5, 0.9}) {
      const double offset = fraction * min_loss;
      d.alternatives.push_back(
          Alternative(options,
                      input,
                      fmt::format("offset_fixed_{:g}", fraction),
                      fmt::format("E fixed at {:g}x the smallest loss ({:.4g})", fraction, offset),
                      [offset](FitOptions* o) { o->fixed_offset = offset; }));
    }
  }
  const int n = static_cast<int>(curve.sizes.size());
  const int upper = std::max(3, (n + 1) / 2);
  if (n >= 3 && (upper < n || s.form != CurveForm::kPowerLaw)) {
    const double from = curve.sizes[n - upper];
    d.alternatives.push_back(Alternative(
        options,
        input,
        "power_law_upper",
        fmt::format("pure power law over the upper {} sizes [{:g}, {:g}] (with a floor E > 0, a "
                    "lower bound of alpha)",
                    upper,
                    from,
                    curve.sizes.back()),
        [from](FitOptions* o) {
          o->form = CurveForm::kPowerLaw;
          o->fixed_offset.reset();
          o->min_size = from;
        }));
  }
}

}  // namespace scalebench::internal
