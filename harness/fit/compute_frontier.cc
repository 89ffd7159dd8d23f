#include "harness/fit/compute_frontier.h"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <numeric>
#include <random>

#include "common/status.h"
#include "harness/fit/internal_bootstrap.h"
#include "harness/fit/internal_curve_problem.h"
#include "harness/fit/internal_fit_util.h"

namespace scalebench {
namespace {

using internal::Fail;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Neighbours on each side of the minimum that enter an iso-FLOP parabola.
constexpr int kParabolaReach = 2;

// A model in log space: log C and the per-seed log-losses at each checkpoint.
struct LogModel {
  double log_params = 0.0;
  double log_flops_per_sample = 0.0;  // log(flops_per_step / samples_per_step)
  double log_flops_per_step = 0.0;
  std::vector<double> log_compute;            // per checkpoint
  std::vector<std::vector<double>> log_loss;  // [checkpoint][seed], NaN = missing
};

// Every model's mean curve under one seed resample, read at the compute values.
struct Frontier {
  // Approach 1, per compute value.
  std::vector<double> log_loss;  // envelope; NaN where no model covers C
  std::vector<int> argmin;       // the optimal model; -1 where none
  std::vector<char> resolved;    // a smaller and a larger covering model
  // Approach 2, per compute value; NaN where no parabola is kept.
  std::vector<double> iso_log_params, iso_log_loss;
  std::vector<int> iso_models;
};

class Grid {
 public:
  // Models sorted by N; `seeds` the common seed columns.
  Grid(std::vector<LogModel> models, int seeds, int points)
      : models_(std::move(models)), seeds_(seeds) {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const LogModel& m : models_) {
      lo = std::min(lo, m.log_compute.front());
      hi = std::max(hi, m.log_compute.back());
    }
    for (int i = 0; i < points; ++i) log_c_.push_back(lo + (hi - lo) * i / (points - 1.0));
  }

  const std::vector<double>& log_compute() const { return log_c_; }
  const std::vector<LogModel>& models() const { return models_; }
  int seeds() const { return seeds_; }

  // Mean log-loss of model k at each checkpoint over the seeds, seed j counted counts[j] times.
  std::vector<double> MeanCurve(int k, const std::vector<int>& counts) const {
    const LogModel& m = models_[k];
    std::vector<double> mean(m.log_compute.size(), kNaN);
    for (std::size_t i = 0; i < mean.size(); ++i) {
      double sum = 0.0;
      int n = 0;
      for (int j = 0; j < seeds_; ++j) {
        if (counts[j] == 0 || std::isnan(m.log_loss[i][j])) continue;
        sum += counts[j] * m.log_loss[i][j];
        n += counts[j];
      }
      if (n > 0) mean[i] = sum / n;
    }
    return mean;
  }

  // `values` (per checkpoint of model k, NaN = missing) at log C = c by linear interpolation
  // between the checkpoints with a value; NaN outside them.
  double Interpolate(int k, const std::vector<double>& values, double c) const {
    const std::vector<double>& x = models_[k].log_compute;
    int below = -1;
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (std::isnan(values[i])) continue;
      if (x[i] == c) return values[i];
      if (x[i] < c) {
        below = int(i);
        continue;
      }
      if (below < 0) return kNaN;
      const double w = (c - x[below]) / (x[i] - x[below]);
      return (1.0 - w) * values[below] + w * values[i];
    }
    return kNaN;
  }

  // Log FLOPs per sample at log N = u, interpolated over the models (in their N order).
  double LogFlopsPerSample(double u) const {
    for (std::size_t k = 1; k < models_.size(); ++k) {
      if (u <= models_[k].log_params || k + 1 == models_.size()) {
        const LogModel &a = models_[k - 1], &b = models_[k];
        const double w = (u - a.log_params) / (b.log_params - a.log_params);
        return (1.0 - w) * a.log_flops_per_sample + w * b.log_flops_per_sample;
      }
    }
    return models_.front().log_flops_per_sample;
  }

  Frontier Evaluate(const std::vector<int>& counts) const;

 private:
  std::vector<LogModel> models_;
  int seeds_ = 0;
  std::vector<double> log_c_;
};

// The vertex of the least-squares parabola y = a + b u + c u^2 through (u, y); false when it is
// not convex or the vertex lies outside [u.front(), u.back()].
bool ParabolaMinimum(const std::vector<double>& u,
                     const std::vector<double>& y,
                     double* u_min,
                     double* y_min) {
  const double centre = u[u.size() / 2];
  Eigen::MatrixXd x(u.size(), 3);
  Eigen::VectorXd rhs(u.size());
  for (std::size_t i = 0; i < u.size(); ++i) {
    const double v = u[i] - centre;
    x.row(Eigen::Index(i)) << 1.0, v, v * v;
    rhs(Eigen::Index(i)) = y[i];
  }
  const Eigen::Vector3d p = x.colPivHouseholderQr().solve(rhs);
  if (!(p(2) > 0.0)) return false;
  const double vertex = -p(1) / (2.0 * p(2));
  if (!(centre + vertex >= u.front() && centre + vertex <= u.back())) return false;
  *u_min = centre + vertex;
  *y_min = p(0) - p(1) * p(1) / (4.0 * p(2));
  return true;
}

Frontier Grid::Evaluate(const std::vector<int>& counts) const {
  const int m = int(models_.size());
  std::vector<std::vector<double>> means(m);
  for (int k = 0; k < m; ++k) means[k] = MeanCurve(k, counts);
  Frontier f;
  const std::size_t n = log_c_.size();
  f.log_loss.assign(n, kNaN);
  f.argmin.assign(n, -1);
  f.resolved.assign(n, 0);
  f.iso_log_params.assign(n, kNaN);
  f.iso_log_loss.assign(n, kNaN);
  f.iso_models.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<int> covering;
    std::vector<double> y;
    for (int k = 0; k < m; ++k) {
      const double v = Interpolate(k, means[k], log_c_[i]);
      if (std::isnan(v)) continue;
      covering.push_back(k);
      y.push_back(v);
    }
    if (covering.empty()) continue;
    const int best = int(std::min_element(y.begin(), y.end()) - y.begin());
    f.log_loss[i] = y[best];
    f.argmin[i] = covering[best];
    f.resolved[i] = best > 0 && best + 1 < int(covering.size());
    if (!f.resolved[i]) continue;
    const int first = std::max(0, best - kParabolaReach);
    const int last = std::min(int(covering.size()) - 1, best + kParabolaReach);
    std::vector<double> u, w;
    for (int q = first; q <= last; ++q) {
      u.push_back(models_[covering[q]].log_params);
      w.push_back(y[q]);
    }
    double u_min = 0.0, y_min = 0.0;
    if (ParabolaMinimum(u, w, &u_min, &y_min)) {
      f.iso_log_params[i] = u_min;
      f.iso_log_loss[i] = y_min;
      f.iso_models[i] = last - first + 1;
    }
  }
  return f;
}

// Least-squares slope of y on x over the entries where y is not NaN; NaN with fewer than 2 or no
// spread in x.
double Slope(const std::vector<double>& x, const std::vector<double>& y) {
  double mx = 0.0, my = 0.0;
  int n = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (std::isnan(y[i])) continue;
    mx += x[i];
    my += y[i];
    ++n;
  }
  if (n < 2) return kNaN;
  mx /= n;
  my /= n;
  double sxy = 0.0, sxx = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (std::isnan(y[i])) continue;
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
  }
  return sxx > 0.0 ? sxy / sxx : kNaN;
}

// What one evaluation gives at the kept compute values: the selected points of Approach 1
// (`kept1`, resolved in the point estimate) and Approach 2 (`kept2`).
struct Exponents {
  std::vector<double> log_loss1, log_params1, log_data1;  // per kept1 point
  std::vector<double> log_loss2, log_params2, log_data2;  // per kept2 point; NaN = dropped
};

Exponents Select(const Grid& grid,
                 const Frontier& f,
                 const std::vector<std::size_t>& kept1,
                 const std::vector<std::size_t>& kept2) {
  Exponents e;
  const auto& models = grid.models();
  for (std::size_t i : kept1) {
    const LogModel& m = models[f.argmin[i]];
    e.log_loss1.push_back(f.log_loss[i]);
    e.log_params1.push_back(m.log_params);
    e.log_data1.push_back(grid.log_compute()[i] - m.log_flops_per_sample);
  }
  for (std::size_t i : kept2) {
    const double u = f.iso_log_params[i];
    e.log_loss2.push_back(f.iso_log_loss[i]);
    e.log_params2.push_back(u);
    e.log_data2.push_back(std::isnan(u) ? kNaN : grid.log_compute()[i] - grid.LogFlopsPerSample(u));
  }
  return e;
}

std::vector<double> Pick(const std::vector<double>& v, const std::vector<std::size_t>& idx) {
  std::vector<double> out;
  for (std::size_t i : idx) out.push_back(v[i]);
  return out;
}

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

std::string CheckModels(const std::vector<ComputeGridModel>& models,
                        std::vector<LogModel>* out,
                        std::vector<std::uint64_t>* seeds) {
  if (models.size() < 3) {
    return fmt::format("{} models; the compute frontier needs at least 3 model sizes",
                       models.size());
  }
  std::vector<const ComputeGridModel*> sorted;
  for (const ComputeGridModel& m : models) sorted.push_back(&m);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->params < b->params; });
  *seeds = sorted.front()->curve.seeds;
  for (std::size_t k = 0; k < sorted.size(); ++k) {
    const ComputeGridModel& m = *sorted[k];
    const std::string where = fmt::format("model N = {:g}", m.params);
    for (double x : {m.params, m.flops_per_step, m.samples_per_step}) {
      if (!(x > 0.0) || !std::isfinite(x)) {
        return where + fmt::format(
                           ": N = {:g}, flops_per_step = {:g} and samples_per_step = {:g} "
                           "must be finite and > 0",
                           m.params,
                           m.flops_per_step,
                           m.samples_per_step);
      }
    }
    if (k > 0 && m.params == sorted[k - 1]->params) return where + ": two models have this N";
    std::string error;
    if (!m.curve.IsValid(&error)) return where + ": " + error;
    if (m.curve.num_sizes() < 2) return where + ": fewer than 2 checkpoints";
    if (m.curve.seeds != *seeds) {
      return where +
             ": its seeds differ from those of the smallest model (a resample draws the "
             "same seeds in every model)";
    }
    LogModel log;
    log.log_params = std::log(m.params);
    log.log_flops_per_step = std::log(m.flops_per_step);
    log.log_flops_per_sample = std::log(m.flops_per_step / m.samples_per_step);
    for (std::size_t i = 0; i < m.curve.num_sizes(); ++i) {
      log.log_compute.push_back(log.log_flops_per_step + std::log(m.curve.sizes[i]));
      std::vector<double> row;
      for (double v : m.curve.values[i]) {
        if (!std::isnan(v) && !(v > 0.0)) {
          return where + fmt::format(": loss {:g} at step {:g} is not positive (log-loss)",
                                     v,
                                     m.curve.sizes[i]);
        }
        row.push_back(std::log(v));
      }
      log.log_loss.push_back(std::move(row));
    }
    out->push_back(std::move(log));
  }
  if (seeds->empty()) return "the models have no seeds";
  return "";
}

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
