#include "harness/fit/compute_frontier.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
#include <random>

#include "common/status.h"
#include "harness/fit/internal_bootstrap.h"
#include "harness/fit/internal_curve_problem.h"
#include "harness/fit/internal_fit_util.h"
#include "harness/fit/internal_frontier_grid.h"

namespace scalebench {
namespace {

using internal::CheckModels;
using internal::Exponents;
using internal::Fail;
using internal::Frontier;
using internal::Grid;
using internal::LogModel;
using internal::Pick;
using internal::Select;
using internal::Slope;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The curve fit's interval (power_law_fit.h): value +- t_{S-1} sqrt(S/(S-1)) sd.
void FillSlopeInterval(const std::vector<double>& samples,
                       int seeds,
                       double confidence,
                       ComputeSlope* slope) {
  if (samples.size() < 2 || seeds < 2 || std::isnan(slope->exponent)) return;
  slope->std_error = std::sqrt(seeds / (seeds - 1.0)) * internal::SampleStdDev(samples);
  const double half = internal::StudentTQuantile(seeds - 1.0, confidence) * slope->std_error;
  slope->ci = {slope->exponent - half, slope->exponent + half};
}

// A one-column (or per-seed) curve on the compute axis for FitCurve.
LearningCurve ComputeCurve(const std::string& loss,
                           const std::vector<double>& compute,
                           const std::vector<std::vector<double>>& values,
                           std::vector<std::uint64_t> seeds) {
  LearningCurve curve;
  curve.axis = Axis::kCompute;
  curve.loss = loss;
  curve.sizes = compute;
  curve.seeds = std::move(seeds);
  curve.values = values;
  for (std::size_t i = 0; i < values.size(); ++i) {
    for (std::size_t j = 0; j < values[i].size(); ++j) {
      if (std::isnan(values[i][j])) curve.missing.push_back({i, j, "no checkpoint brackets C"});
    }
  }
  return curve;
}

// Warm-started refits of a loss fit on resampled log-losses (NaN = left out).
class LossRefit {
 public:
  LossRefit(const FitOptions& options, const LearningCurve& curve, const FitSummary& point) {
    if (!point.usable() && point.status != FitStatus::kNotIdentifiable) return;
    if (!internal::BuildLogCurve(options, curve, &log_curve_).empty()) return;
    problem_ = std::make_unique<internal::CurveProblem>(log_curve_, options);
    start_ = {point.offset,
              std::log(point.amplitude) - point.exponent * log_curve_.log_x0,
              point.exponent};
  }
  // NaN when the refit fails or fewer than 3 values remain.
  double Exponent(const std::vector<double>& log_loss) {
    if (!problem_ || log_loss.size() != log_curve_.sizes.size()) return kNaN;
    internal::SizeData& data = problem_->data();
    data.present = 0;
    for (std::size_t i = 0; i < log_loss.size(); ++i) {
      data.weight[i] = std::isnan(log_loss[i]) ? 0.0 : 1.0;
      data.mean_log[i] = std::isnan(log_loss[i]) ? 0.0 : log_loss[i];
      data.present += data.weight[i] > 0.0;
    }
    if (data.present < 3) return kNaN;
    internal::Params solution;
    double cost = kNaN;
    if (!problem_->Solve(start_, internal::Precision::kWarmRefit, &solution, &cost)) return kNaN;
    return solution.exponent;
  }

 private:
  internal::LogCurve log_curve_;
  std::unique_ptr<internal::CurveProblem> problem_;
  internal::Params start_;
};

}  // namespace

bool ComputeFrontierOptions::IsValid(std::string* error) const {
  if (compute_points < 3) {
    return Fail(
        error,
        fmt::format("ComputeFrontierOptions.compute_points = {} must be >= 3", compute_points));
  }
  if (min_points < 3 || min_points > compute_points) {
    return Fail(error,
                fmt::format("ComputeFrontierOptions.min_points = {} must be in [3, compute_points "
                            "= {}]",
                            min_points,
                            compute_points));
  }
  FitOptions fit;
  fit.form = form;
  fit.huber_delta = huber_delta;
  fit.bootstrap = bootstrap;
  std::string fit_error;
  if (!fit.IsValid(&fit_error)) {
    // The options' own names: FitOptions.x -> ComputeFrontierOptions.x.
    return Fail(error, "ComputeFrontierOptions." + fit_error.substr(fit_error.find('.') + 1));
  }
  return true;
}

namespace {

void Fit(const ComputeFrontierOptions& options,
         const std::vector<ComputeGridModel>& models,
         ComputeFrontierSummary* s) {
  std::string error;
  if (!options.IsValid(&error)) {
    s->message = error;
    return;
  }
  std::vector<LogModel> log_models;
  std::vector<std::uint64_t> seed_ids;
  error = CheckModels(models, &log_models, &seed_ids);
  if (!error.empty()) {
    s->message = error;
    return;
  }
  const int seeds = int(seed_ids.size());
  const std::string loss = models.front().curve.loss;
  s->num_models = int(models.size());
  s->num_seeds = seeds;
  s->compute_points = options.compute_points;
  s->bootstrap_resamples = options.bootstrap.resamples;
  const Grid grid(std::move(log_models), seeds, options.compute_points);
  const Frontier point = grid.Evaluate(std::vector<int>(seeds, 1));

  std::vector<std::size_t> kept1, kept2;
  for (std::size_t i = 0; i < point.resolved.size(); ++i) {
    if (point.resolved[i]) kept1.push_back(i);
    if (!std::isnan(point.iso_log_params[i])) kept2.push_back(i);
  }
  if (int(kept1.size()) < options.min_points) {
    int largest = 0;
    for (std::size_t i = 0; i < point.argmin.size(); ++i) {
      largest += !point.resolved[i] && point.argmin[i] == int(grid.models().size()) - 1;
    }
    s->message = fmt::format(
        "the grid does not bracket the compute-optimal model: {} of {} compute values are "
        "resolved (a smaller and a larger model covering C), {} are needed; elsewhere the optimum "
        "is the smallest or largest covering model ({} times the grid's largest model: extend the "
        "sizes or the checkpoints)",
        kept1.size(),
        options.compute_points,
        options.min_points,
        largest);
    return;
  }

  // Approach 1: the envelope, a column per seed (seed j's loss of the optimal model at C).
  std::vector<double> compute1;
  std::vector<std::vector<double>> values;
  CurveDiagnostic n_star{"optimal_params", "", {}, true}, d_star{"optimal_data", "", {}, true};
  const Exponents e = Select(grid, point, kept1, kept2);
  for (std::size_t p = 0; p < kept1.size(); ++p) {
    const std::size_t i = kept1[p];
    const int k = point.argmin[i];
    compute1.push_back(std::exp(grid.log_compute()[i]));
    std::vector<double> row;
    for (int j = 0; j < seeds; ++j) {
      std::vector<int> one(seeds, 0);
      one[j] = 1;
      const double v = grid.Interpolate(k, grid.MeanCurve(k, one), grid.log_compute()[i]);
      row.push_back(std::exp(v));
    }
    values.push_back(row);
    n_star.values.push_back(std::vector<double>(seeds, std::exp(e.log_params1[p])));
    d_star.values.push_back(std::vector<double>(seeds, std::exp(e.log_data1[p])));
  }
  s->envelope = ComputeCurve(loss, compute1, values, seed_ids);
  FitOptions fit;
  fit.form = options.form;
  fit.huber_delta = options.huber_delta;
  fit.bootstrap = options.bootstrap;
  fit.bootstrap.resamples = 0;  // the interval comes from the envelope bootstrap below
  FitCurve(fit, s->envelope, &s->loss_fit);
  const std::vector<double> log_c1 = Pick(grid.log_compute(), kept1);
  s->params_allocation = {Slope(log_c1, e.log_params1), {}, kNaN, int(kept1.size()), 0};
  s->data_allocation = {Slope(log_c1, e.log_data1), {}, kNaN, int(kept1.size()), 0};

  // Approach 2: the parabolas' minima (one column; no per-seed loss at a vertex).
  const std::vector<double> log_c2 = Pick(grid.log_compute(), kept2);
  LearningCurve iso_curve;
  for (std::size_t p = 0; p < kept2.size(); ++p) {
    const std::size_t i = kept2[p];
    s->isoflop.push_back({std::exp(grid.log_compute()[i]),
                          std::exp(e.log_params2[p]),
                          std::exp(e.log_data2[p]),
                          std::exp(e.log_loss2[p]),
                          point.iso_models[i]});
  }
  if (kept2.size() >= 3) {
    std::vector<double> compute2;
    std::vector<std::vector<double>> loss2;
    for (const IsoFlopMinimum& m : s->isoflop) {
      compute2.push_back(m.compute);
      loss2.push_back({m.loss});
    }
    iso_curve = ComputeCurve(loss, compute2, loss2, {1});
    FitCurve(fit, iso_curve, &s->isoflop_loss_fit);
    s->isoflop_params_allocation = {Slope(log_c2, e.log_params2), {}, kNaN, int(kept2.size()), 0};
    s->isoflop_data_allocation = {Slope(log_c2, e.log_data2), {}, kNaN, int(kept2.size()), 0};
  } else {
    s->isoflop_loss_fit.message = fmt::format(
        "{} iso-FLOP slices with a convex minimum inside their models; at least 3 are needed",
        kept2.size());
  }
  s->params_allocation_difference.exponent =
      s->params_allocation.exponent - s->isoflop_params_allocation.exponent;
  s->loss_exponent_difference.exponent = s->loss_fit.exponent - s->isoflop_loss_fit.exponent;

  // The bootstrap over seeds: rebuild both frontiers, refit every exponent.
  const int resamples = options.bootstrap.resamples;
  struct Sample {
    double e1 = kNaN, x1 = kNaN, y1 = kNaN, e2 = kNaN, x2 = kNaN, y2 = kNaN;
  };
  std::vector<Sample> samples(resamples);
  if (seeds >= 2 && resamples > 0) {
    const int threads = std::max(1, std::min(options.bootstrap.threads, resamples));
    std::vector<std::unique_ptr<LossRefit>> refit1(threads), refit2(threads);
    FitOptions refit_options = fit;
    internal::ParallelFor(resamples, threads, [&](int thread, int r) {
      if (!refit1[thread]) {
        refit1[thread] = std::make_unique<LossRefit>(refit_options, s->envelope, s->loss_fit);
        refit2[thread] = std::make_unique<LossRefit>(refit_options, iso_curve, s->isoflop_loss_fit);
      }
      std::mt19937_64 rng(internal::ResampleSeed(options.bootstrap.seed, std::uint64_t(r)));
      std::uniform_int_distribution<int> pick(0, seeds - 1);
      std::vector<int> counts(seeds, 0);
      for (int j = 0; j < seeds; ++j) ++counts[pick(rng)];
      const Exponents b = Select(grid, grid.Evaluate(counts), kept1, kept2);
      Sample& out = samples[r];
      out.e1 = refit1[thread]->Exponent(b.log_loss1);
      out.x1 = Slope(log_c1, b.log_params1);
      out.y1 = Slope(log_c1, b.log_data1);
      if (kept2.size() >= 3) {
        out.e2 = refit2[thread]->Exponent(b.log_loss2);
        const int present = int(std::count_if(
            b.log_params2.begin(), b.log_params2.end(), [](double v) { return !std::isnan(v); }));
        if (present >= 3) {
          out.x2 = Slope(log_c2, b.log_params2);
          out.y2 = Slope(log_c2, b.log_data2);
        }
      }
    });
  }
  const double confidence = options.bootstrap.confidence;
  auto collect = [&](auto get, ComputeSlope* slope) {
    std::vector<double> v;
    for (const Sample& x : samples) {
      const double value = get(x);
      if (std::isnan(value)) {
        ++slope->failures;
      } else {
        v.push_back(value);
      }
    }
    FillSlopeInterval(v, seeds, confidence, slope);
    return v;
  };
  ComputeSlope e1;
  e1.exponent = s->loss_fit.exponent;
  const std::vector<double> e1_samples = collect([](const Sample& x) { return x.e1; }, &e1);
  collect([](const Sample& x) { return x.x1; }, &s->params_allocation);
  collect([](const Sample& x) { return x.y1; }, &s->data_allocation);
  ComputeSlope e2;
  e2.exponent = s->isoflop_loss_fit.exponent;
  collect([](const Sample& x) { return x.e2; }, &e2);
  collect([](const Sample& x) { return x.x2; }, &s->isoflop_params_allocation);
  collect([](const Sample& x) { return x.y2; }, &s->isoflop_data_allocation);
  collect([](const Sample& x) { return x.x1 - x.x2; }, &s->params_allocation_difference);
  collect([](const Sample& x) { return x.e1 - x.e2; }, &s->loss_exponent_difference);

  // The envelope fit's interval and status (the rules of power_law_fit.h).
  FitSummary& f = s->loss_fit;
  f.bootstrap_resamples = resamples;
  f.bootstrap_failures = e1.failures;
  s->bootstrap_failures = e1.failures;
  f.exponent_ci = e1.ci;
  f.exponent_std_error = e1.std_error;
  s->isoflop_loss_fit.exponent_ci = e2.ci;
  s->isoflop_loss_fit.exponent_std_error = e2.std_error;
  s->isoflop_loss_fit.bootstrap_resamples = resamples;
  s->isoflop_loss_fit.bootstrap_failures = e2.failures;
  std::string note = f.message.substr(0, f.message.find("; no interval"));
  if (f.status == FitStatus::kConverged) {
    if (seeds < 2 || resamples == 0) {
      note += seeds < 2 ? "; no interval: the bootstrap over seeds needs >= 2 seeds"
                        : "; no interval: bootstrap disabled (bootstrap_resamples = 0)";
    } else if (e1_samples.size() < 2 || 2 * e1.failures > resamples) {
      f.status = FitStatus::kNotIdentifiable;
      note = fmt::format("{} of {} envelope refits failed", e1.failures, resamples);
    } else if (f.exponent_ci.upper - f.exponent_ci.lower > std::abs(f.exponent)) {
      f.status = FitStatus::kNotIdentifiable;
      note = fmt::format("{:.0f}% interval [{:.4g}, {:.4g}] is wider than the exponent {:.4g}",
                         100 * confidence,
                         f.exponent_ci.lower,
                         f.exponent_ci.upper,
                         f.exponent);
    }
  }
  f.message = note;
  s->status = f.status;

  // Agreement of the two approaches (the paired difference's interval excludes 0: disagree).
  std::vector<std::string> disagree;
  const std::pair<const char*, const ComputeSlope*> differences[] = {
      {"N* exponent", &s->params_allocation_difference},
      {"loss exponent", &s->loss_exponent_difference}};
  for (const auto& [name, d] : differences) {
    if (std::isnan(d->ci.lower)) continue;
    if (d->ci.lower > 0.0 || d->ci.upper < 0.0) {
      disagree.push_back(fmt::format("{} (envelope - iso-FLOP = {:.3f} [{:.3f}, {:.3f}])",
                                     name,
                                     d->exponent,
                                     d->ci.lower,
                                     d->ci.upper));
    }
  }
  s->approaches_agree = disagree.empty();
  if (kept2.size() < 3) {
    s->agreement = "iso-FLOP approach not available: " + s->isoflop_loss_fit.message;
  } else if (std::isnan(s->params_allocation_difference.ci.lower) &&
             std::isnan(s->loss_exponent_difference.ci.lower)) {
    s->agreement =
        "the approaches are not compared: no interval of their difference (the "
        "bootstrap over seeds needs >= 2 seeds and resamples > 0)";
  } else if (disagree.empty()) {
    s->agreement =
        "the envelope and the iso-FLOP parabolas agree on the N* and loss exponents "
        "(each difference's interval contains 0)";
  } else {
    s->agreement = "the envelope and the iso-FLOP parabolas disagree on the ";
    for (std::size_t k = 0; k < disagree.size(); ++k) {
      s->agreement += (k > 0 ? " and the " : "") + disagree[k];
    }
  }
  const std::string envelope_text = fmt::format(
      "envelope of {} models at {} resolved compute values", s->num_models, kept1.size());
  s->message = f.message.empty() ? envelope_text : envelope_text + ": " + f.message;

  // What the note beside the curve says about each diagnostic.
  n_star.description = fmt::format(
      "N*(C), the model with the lowest loss at C (Approach 1): N* ~ C^{:.3f} [{:.3f}, {:.3f}]; "
      "iso-FLOP parabolas (Approach 2): N_opt ~ C^{:.3f} [{:.3f}, {:.3f}]; {}",
      s->params_allocation.exponent,
      s->params_allocation.ci.lower,
      s->params_allocation.ci.upper,
      s->isoflop_params_allocation.exponent,
      s->isoflop_params_allocation.ci.lower,
      s->isoflop_params_allocation.ci.upper,
      s->agreement);
  d_star.description = fmt::format(
      "D*(C) = steps x batch of that model at C: D* ~ C^{:.3f} [{:.3f}, {:.3f}]; iso-FLOP: D_opt "
      "~ C^{:.3f} [{:.3f}, {:.3f}]; iso-FLOP loss exponent {:.3f} [{:.3f}, {:.3f}]",
      s->data_allocation.exponent,
      s->data_allocation.ci.lower,
      s->data_allocation.ci.upper,
      s->isoflop_data_allocation.exponent,
      s->isoflop_data_allocation.ci.lower,
      s->isoflop_data_allocation.ci.upper,
      s->isoflop_loss_fit.exponent,
      e2.ci.lower,
      e2.ci.upper);
  s->envelope.diagnostics = {std::move(n_star), std::move(d_star)};
}

std::string FormatSlope(const ComputeSlope& slope) {
  if (std::isnan(slope.exponent)) return "n/a";
  if (std::isnan(slope.ci.lower)) return fmt::format("{:.4g} [n/a]", slope.exponent);
  return fmt::format("{:.4g} [{:.4g}, {:.4g}]", slope.exponent, slope.ci.lower, slope.ci.upper);
}

}  // namespace

std::string ComputeFrontierSummary::BriefReport() const {
  std::string out = fmt::format("{}: e = {} (envelope), N* ~ C^{}, D* ~ C^{}; {}",
                                ToString(status),
                                FormatSlope({loss_fit.exponent, loss_fit.exponent_ci}),
                                FormatSlope(params_allocation),
                                FormatSlope(data_allocation),
                                agreement);
  if (status != FitStatus::kConverged) out += " - " + message;
  return out;
}

std::string ComputeFrontierSummary::FullReport() const {
  std::string out;
  out += fmt::format("status:     {}\n", ToString(status));
  out += fmt::format("message:    {}\n", message);
  out += fmt::format("grid:       {} models x {} seeds, {} compute values\n",
                     num_models,
                     num_seeds,
                     compute_points);
  out += "Approach 1 (envelope):\n";
  out +=
      fmt::format("  L* ~ C^-e:  e = {}\n", FormatSlope({loss_fit.exponent, loss_fit.exponent_ci}));
  out += fmt::format("  N* ~ C^x:   x = {}\n", FormatSlope(params_allocation));
  out += fmt::format("  D* ~ C^y:   y = {}\n", FormatSlope(data_allocation));
  out += fmt::format("Approach 2 (iso-FLOP parabolas, {} slices):\n", isoflop.size());
  out += fmt::format("  L_opt ~ C^-e: e = {}\n",
                     FormatSlope({isoflop_loss_fit.exponent, isoflop_loss_fit.exponent_ci}));
  out += fmt::format("  N_opt ~ C^x:  x = {}\n", FormatSlope(isoflop_params_allocation));
  out += fmt::format("  D_opt ~ C^y:  y = {}\n", FormatSlope(isoflop_data_allocation));
  out += fmt::format("agreement:  {}\n", agreement);
  out += fmt::format("bootstrap:  {} resamples over seeds, {} envelope refits failed\n",
                     bootstrap_resamples,
                     bootstrap_failures);
  out += fmt::format("time:       {:.3f} s\n", seconds);
  return out;
}

void FitComputeFrontier(const ComputeFrontierOptions& options,
                        const std::vector<ComputeGridModel>& models,
                        ComputeFrontierSummary* summary) {
  const auto begin = std::chrono::steady_clock::now();
  *summary = ComputeFrontierSummary();
  Fit(options, models, summary);
  summary->seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
}

}  // namespace scalebench
