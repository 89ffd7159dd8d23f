// The human-readable reports of both fits (FitSummary and JointFitSummary, declared in
// power_law_fit.h and joint_fit.h) and of a not-identifiable fit's diagnosis (fit_diagnosis.h).
#include <fmt/format.h>

#include <cmath>
#include <string>

#include "harness/fit/joint_fit.h"
#include "harness/fit/power_law_fit.h"

namespace scalebench {
namespace {

// "[lower, upper]" with 4 significant digits, "[n/a]" without an interval.
std::string FormatInterval(const Interval& interval) {
  if (std::isnan(interval.lower)) return "[n/a]";
  return fmt::format("[{:.4g}, {:.4g}]", interval.lower, interval.upper);
}

// "[lower, upper] (method)", or "[n/a]".
std::string IntervalWithMethod(const Interval& interval, IntervalMethod method) {
  if (std::isnan(interval.lower)) return "[n/a]";
  return FormatInterval(interval) + " (" + ToString(method) + ")";
}

// How the interval was made, for the full report.
std::string IntervalText(const FitSummary& s) {
  switch (s.interval_method) {
    case IntervalMethod::kSeedBootstrap:
      return fmt::format(
          "seed_bootstrap: {} seeds resampled whole, alpha +- t_{{S-1}} sqrt(S/(S-1)) se",
          s.num_seeds);
    case IntervalMethod::kProfileLikelihood: {
      const int parameters = s.form == CurveForm::kOffsetPowerLaw && !s.offset_fixed ? 3 : 2;
      return fmt::format(
          "profile_likelihood: one run per size; every alpha whose re-fitted objective stays "
          "within t_{}^2 residual variances of the minimum",
          s.num_sizes - parameters);
    }
    case IntervalMethod::kNone:
      break;
  }
  return "none (see the message)";
}

}  // namespace

std::string FitDiagnosis::Brief() const {
  if (!present()) return "";
  std::string out = fmt::format("{}: {}; needed: {}", degenerate, explanation, range_advice);
  for (const AlternativeFit& a : alternatives) {
    out += fmt::format("; tried {}: alpha = {:.4g} {}, {}",
                       a.description,
                       a.exponent,
                       FormatInterval(a.exponent_ci),
                       ToString(a.status));
  }
  return out;
}

std::string FitDiagnosis::Report() const {
  if (!present()) return "";
  std::string out;
  out += fmt::format("diagnosis:  {} - {}\n", degenerate, explanation);
  out += fmt::format("needed:     {}\n", range_advice);
  if (!range_rule.empty()) out += fmt::format("rule:       {}\n", range_rule);
  for (std::size_t i = 0; i < alternatives.size(); ++i) {
    const AlternativeFit& a = alternatives[i];
    out += fmt::format("{}{}: {}, alpha = {:.4g} {}, E = {:.4g}, sizes [{:g}, {:g}]{}\n",
                       i == 0 ? "tried:      " : "            ",
                       a.description,
                       ToString(a.status),
                       a.exponent,
                       IntervalWithMethod(a.exponent_ci, a.interval_method),
                       a.offset,
                       a.fit_min_size,
                       a.fit_max_size,
                       a.status == FitStatus::kConverged ? "" : " - " + a.message);
  }
  return out;
}

std::string FitSummary::BriefReport() const {
  std::string out = fmt::format(
      "{}: alpha = {:.4g} {}, E = {:.4g}, A = {:.4g} ({}, {} sizes x {} seeds in [{:g}, {:g}])",
      ToString(status),
      exponent,
      IntervalWithMethod(exponent_ci, interval_method),
      offset,
      amplitude,
      ToString(form),
      num_sizes,
      num_seeds,
      fit_min_size,
      fit_max_size);
  if (status != FitStatus::kConverged) out += " - " + message;
  if (diagnosis.present()) out += " - " + diagnosis.Brief();
  return out;
}

std::string FitSummary::FullReport() const {
  const double pct = 100 * confidence;
  std::string out;
  out += fmt::format("status:     {}\n", ToString(status));
  out += fmt::format("message:    {}\n", message);
  out += fmt::format("form:       {}{}\n", ToString(form), offset_fixed ? " (E fixed)" : "");
  out += fmt::format("exponent:   {:.6g}, {:.0f}% CI {}, std error {:.3g}\n",
                     exponent,
                     pct,
                     FormatInterval(exponent_ci),
                     exponent_std_error);
  out += fmt::format("offset E:   {:.6g}, {:.0f}% CI {}\n", offset, pct, FormatInterval(offset_ci));
  out += fmt::format("amplitude:  {:.6g}\n", amplitude);
  out += fmt::format(
      "fit range:  [{:g}, {:g}] (requested [{:g}, {:g}]); {} sizes, {} seeds, {} points\n",
      fit_min_size,
      fit_max_size,
      requested_min_size,
      requested_max_size,
      num_sizes,
      num_seeds,
      num_points);
  out += fmt::format("starts:     {}, {} at the best objective\n", starts, starts_at_best);
  out += fmt::format(
      "residuals:  rms {:.3g}, max |r| {:.3g}, lag-1 autocorrelation {:.3g} (log-loss)\n",
      rms_log_residual,
      max_abs_log_residual,
      residual_autocorrelation);
  out += fmt::format(
      "flatness:   log-loss drop {:.3g} vs noise {:.3g} per size\n", log_loss_drop, log_loss_noise);
  out += fmt::format("loss:       Huber, delta {:g} on log-loss residuals\n", huber_delta);
  out += fmt::format("interval:   {}\n", IntervalText(*this));
  if (interval_method != IntervalMethod::kProfileLikelihood) {
    out += fmt::format("bootstrap:  {} resamples over seeds, {} failed\n",
                       bootstrap_resamples,
                       bootstrap_failures);
  }
  out += diagnosis.Report();
  out += fmt::format("time:       {:.3f} s\n", seconds);
  return out;
}

std::string JointFitSummary::BriefReport() const {
  std::string out = fmt::format(
      "{}: a = {:.4g} {}, b = {:.4g} {}, E = {:.4g}, A = {:.4g}, B = {:.4g} ({} points)",
      ToString(status),
      params_exponent,
      FormatInterval(params_exponent_ci),
      data_exponent,
      FormatInterval(data_exponent_ci),
      offset,
      params_amplitude,
      data_amplitude,
      num_points);
  if (status != FitStatus::kConverged) out += " - " + message;
  return out;
}

std::string JointFitSummary::FullReport() const {
  const double pct = 100 * confidence;
  std::string out;
  out += fmt::format("status:     {}\n", ToString(status));
  out += fmt::format("message:    {}\n", message);
  out += "form:       L(N, D) = E + A N^-a + B D^-b (Hoffmann et al. 2022, Approach 3)\n";
  const auto line = [&](const char* label, double value, const Interval& ci) {
    out += fmt::format("{:<12}{:.6g}, {:.0f}% CI {}\n", label, value, pct, FormatInterval(ci));
  };
  line("a:", params_exponent, params_exponent_ci);
  line("b:", data_exponent, data_exponent_ci);
  line("E:", offset, offset_ci);
  line("A:", params_amplitude, params_amplitude_ci);
  line("B:", data_amplitude, data_amplitude_ci);
  out += "compute-optimal allocation at C = 6 N D FLOPs (N* ~ C^x, D* ~ C^y):\n";
  line("x:", params_allocation, params_allocation_ci);
  out.insert(out.size() - 1, " (x = b/(a+b))");
  line("y:", data_allocation, data_allocation_ci);
  out.insert(out.size() - 1, " (y = a/(a+b))");
  if (!std::isnan(compute)) {
    out += fmt::format("at C = {:.4g} FLOPs:\n", compute);
    line("N*:", optimal_params, optimal_params_ci);
    line("D*:", optimal_data, optimal_data_ci);
    line("D*/N*:", tokens_per_parameter, tokens_per_parameter_ci);
    out.insert(out.size() - 1, " (tokens per parameter)");
  }
  out += fmt::format("points:     {}\n", num_points);
  out += fmt::format("starts:     {} grid points, best {} refined, {} at the best objective\n",
                     starts,
                     starts_refined,
                     starts_at_best);
  out += fmt::format("residuals:  rms {:.3g} (log-loss); summed Huber objective {:.6g}\n",
                     rms_log_residual,
                     objective);
  out += fmt::format("loss:       Huber, delta {:g} on log-loss residuals, summed\n", huber_delta);
  out += fmt::format(
      "bootstrap:  {} resamples over points, {} failed\n", bootstrap_resamples, bootstrap_failures);
  out += fmt::format("time:       {:.3f} s\n", seconds);
  return out;
}

}  // namespace scalebench
