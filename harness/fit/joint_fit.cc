#include "harness/fit/joint_fit.h"

#include <ceres/ceres.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <memory>
#include <numeric>
#include <random>

#include "common/statistics.h"
#include "common/status.h"
#include "harness/fit/internal_bootstrap.h"
#include "harness/fit/internal_fit_util.h"

namespace scalebench {
namespace {

using internal::Fail;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Grid points refined with Ceres: the grid's objective landscape has few
// basins, and the best few dozen grid points cover them (the full 4,500 Ceres
// solves would cost ~1000x more).
constexpr int kJointRefinedStarts = 32;
constexpr int kMinPoints = 6;  // more points than the 5 parameters

// Parameter vector: a' (centred log A), b' (centred log B), e (log E), alpha,
// beta.
using Params = std::array<double, 5>;
enum Index { kA = 0, kB = 1, kE = 2, kAlpha = 3, kBeta = 4 };

struct Centred {
  std::vector<double> u, v, log_loss;  // log N - log N0, log D - log D0, log L
  double log_n0 = 0.0, log_d0 = 0.0;
};

// log L = LSE(a' - alpha u, b' - beta v, e); returns it and the softmax
// weights.
double LogModel(const Params& p, double u, double v, double w[3]) {
  const double t[3] = {p[kA] - p[kAlpha] * u, p[kB] - p[kBeta] * v, p[kE]};
  const double top = std::max({t[0], t[1], t[2]});
  double sum = 0.0;
  for (int k = 0; k < 3; ++k) sum += (w[k] = std::exp(t[k] - top));
  for (int k = 0; k < 3; ++k) w[k] /= sum;
  return top + std::log(sum);
}

class JointResidual final : public ceres::SizedCostFunction<1, 5> {
 public:
  JointResidual(double u, double v, double log_loss, const double* weight)
      : u_(u), v_(v), log_loss_(log_loss), weight_(weight) {}

  bool Evaluate(double const* const* parameters,
                double* residuals,
                double** jacobians) const override {
    const bool active = *weight_ != 0.0;  // weight 0: left out of this bootstrap resample
    Params p;
    std::copy(parameters[0], parameters[0] + 5, p.begin());
    double w[3];
    residuals[0] = active ? log_loss_ - LogModel(p, u_, v_, w) : 0.0;
    if (!std::isfinite(residuals[0])) return false;
    if (jacobians != nullptr && jacobians[0] != nullptr) {
      double* j = jacobians[0];
      if (!active) {
        std::fill(j, j + 5, 0.0);
        return true;
      }
      j[kA] = -w[0];
      j[kB] = -w[1];
      j[kE] = -w[2];
      j[kAlpha] = w[0] * u_;
      j[kBeta] = w[1] * v_;
    }
    return true;
  }

 private:
  const double u_, v_, log_loss_;
  const double* weight_;
};

// The problem over (a', b', e, alpha, beta): one JointResidual per point; a bootstrap resample
// only rewrites the point weights.
class JointProblem final : public internal::ReusableProblem<Params> {
 public:
  JointProblem(const Centred& data, double huber_delta) : weights_(data.u.size(), 1.0) {
    for (std::size_t i = 0; i < data.u.size(); ++i) {
      problem_.AddResidualBlock(
          new JointResidual(data.u[i], data.v[i], data.log_loss[i], &weights_[i]),
          new internal::WeightedHuberLoss(huber_delta, &weights_[i]),
          params_.data());
    }
    for (int k : {kAlpha, kBeta}) {
      problem_.SetParameterLowerBound(params_.data(), k, internal::kMinExponent);
      problem_.SetParameterUpperBound(params_.data(), k, internal::kMaxExponent);
    }
  }

  std::vector<double>& weights() { return weights_; }

 private:
  std::vector<double> weights_;
};

double Huber(double r, double delta) {
  const double a = std::abs(r);
  return a <= delta ? r * r : 2.0 * delta * a - delta * delta;
}

// Ceres' cost: half the summed Huber over points.
double Objective(const Centred& data, const Params& p, double delta) {
  double sum = 0.0, w[3];
  for (std::size_t i = 0; i < data.u.size(); ++i) {
    sum += Huber(data.log_loss[i] - LogModel(p, data.u[i], data.v[i], w), delta);
  }
  return 0.5 * sum;
}

// The paper's grid, in centred coordinates.
std::vector<Params> PaperGrid(const Centred& data) {
  const double exponents[] = {0.0, 0.5, 1.0, 1.5, 2.0};
  const double log_offsets[] = {-1.0, -0.5, 0.0, 0.5, 1.0};
  const double log_amplitudes[] = {0.0, 5.0, 10.0, 15.0, 20.0, 25.0};
  std::vector<Params> grid;
  for (double alpha : exponents)
    for (double beta : exponents)
      for (double e : log_offsets)
        for (double a : log_amplitudes)
          for (double b : log_amplitudes)
            grid.push_back({a - alpha * data.log_n0, b - beta * data.log_d0, e, alpha, beta});
  return grid;
}

struct PointFit {
  bool ok = false;
  Params params{};
  double cost = kNaN;
  int starts = 0, refined = 0, at_best = 0;
};

PointFit MultiStart(const Centred& data, double delta, JointProblem* problem) {
  const std::vector<Params> grid = PaperGrid(data);
  std::vector<double> objective(grid.size());
  for (std::size_t g = 0; g < grid.size(); ++g) objective[g] = Objective(data, grid[g], delta);
  std::vector<std::size_t> order(grid.size());
  std::iota(order.begin(), order.end(), 0);
  const std::size_t refined = std::min<std::size_t>(kJointRefinedStarts, grid.size());
  std::partial_sort(
      order.begin(), order.begin() + refined, order.end(), [&](std::size_t x, std::size_t y) {
        return objective[x] < objective[y];
      });
  PointFit best;
  best.starts = static_cast<int>(grid.size());
  best.refined = static_cast<int>(refined);
  std::vector<double> costs;
  for (std::size_t k = 0; k < refined; ++k) {
    Params solution;
    double cost = kNaN;
    if (!problem->Solve(grid[order[k]], internal::Precision::kFull, &solution, &cost)) continue;
    costs.push_back(cost);
    if (!best.ok || cost < best.cost) {
      best = {true, solution, cost, best.starts, best.refined, 0};
    }
  }
  for (double cost : costs) {
    if (cost - best.cost <= 1e-6 * best.cost + 1e-15) ++best.at_best;
  }
  return best;
}

// Public parameters (E, A, B, alpha, beta) from the centred ones.
std::array<double, 5> Natural(const Centred& data, const Params& p) {
  return {std::exp(p[kE]),
          std::exp(p[kA] + p[kAlpha] * data.log_n0),
          std::exp(p[kB] + p[kBeta] * data.log_d0),
          p[kAlpha],
          p[kBeta]};
}

struct BootstrapResult {
  std::vector<std::array<double, 5>> natural;  // converged refits
  int failures = 0;
};

// Refits on resamples of the points (multinomial weights).
BootstrapResult Bootstrap(const JointFitOptions& options,
                          const Centred& data,
                          const Params& start) {
  const int n = static_cast<int>(data.u.size());
  const internal::RefitResults<Params> refits = internal::BootstrapRefits<JointProblem>(
      options.bootstrap,
      start,
      [&] { return std::make_unique<JointProblem>(data, options.huber_delta); },
      [&](std::mt19937_64& rng, JointProblem* problem) {
        std::uniform_int_distribution<int> pick(0, n - 1);
        std::fill(problem->weights().begin(), problem->weights().end(), 0.0);
        for (int k = 0; k < n; ++k) problem->weights()[pick(rng)] += 1.0;
        return true;
      });
  BootstrapResult result;
  result.failures = refits.failures;
  for (const Params& solution : refits.solutions) result.natural.push_back(Natural(data, solution));
  return result;
}

Interval PercentileInterval(std::vector<double> values, double confidence) {
  const double tail = 0.5 * (1.0 - confidence);
  return {internal::Quantile(values, tail), internal::Quantile(values, 1.0 - tail)};
}

// Percentile interval of f(natural parameters) over the bootstrap refits.
template <typename F>
Interval PercentileInterval(const BootstrapResult& boot, F f, double confidence) {
  std::vector<double> values;
  for (const auto& x : boot.natural) values.push_back(f(x));
  return PercentileInterval(std::move(values), confidence);
}

Interval PercentileInterval(const BootstrapResult& boot, int k, double confidence) {
  return PercentileInterval(
      boot, [k](const std::array<double, 5>& x) { return x[k]; }, confidence);
}

ComputeOptimum OptimumOf(const std::array<double, 5>& x, double compute) {
  return ComputeOptimalAllocation(x[1], x[2], x[3], x[4], std::isnan(compute) ? 6.0 : compute);
}

void FillAllocation(const JointFitOptions& options,
                    const std::array<double, 5>& natural,
                    const BootstrapResult* boot,
                    JointFitSummary* summary) {
  const ComputeOptimum best = OptimumOf(natural, options.compute);
  summary->params_allocation = best.params_allocation;
  summary->data_allocation = best.data_allocation;
  const bool at_compute = !std::isnan(options.compute);
  summary->compute = options.compute;
  if (at_compute) {
    summary->optimal_params = best.params;
    summary->optimal_data = best.data;
    summary->tokens_per_parameter = best.data / best.params;
  }
  if (boot == nullptr) return;
  const double confidence = options.bootstrap.confidence;
  const auto optimum = [&](const std::array<double, 5>& x) {
    return OptimumOf(x, options.compute);
  };
  summary->params_allocation_ci = PercentileInterval(
      *boot, [&](const auto& x) { return optimum(x).params_allocation; }, confidence);
  summary->data_allocation_ci = PercentileInterval(
      *boot, [&](const auto& x) { return optimum(x).data_allocation; }, confidence);
  if (!at_compute) return;
  summary->optimal_params_ci = PercentileInterval(
      *boot, [&](const auto& x) { return optimum(x).params; }, confidence);
  summary->optimal_data_ci = PercentileInterval(
      *boot, [&](const auto& x) { return optimum(x).data; }, confidence);
  summary->tokens_per_parameter_ci = PercentileInterval(
      *boot,
      [&](const auto& x) {
        const ComputeOptimum o = optimum(x);
        return o.data / o.params;
      },
      confidence);
}

std::string CheckPoints(const std::vector<JointPoint>& points, Centred* data) {
  if (points.size() < static_cast<std::size_t>(kMinPoints)) {
    return fmt::format(
        "{} points; the 5-parameter joint fit needs at least {}", points.size(), kMinPoints);
  }
  for (std::size_t i = 0; i < points.size(); ++i) {
    const JointPoint& p = points[i];
    for (double x : {p.params, p.data, p.loss}) {
      if (!(x > 0.0) || !std::isfinite(x)) {
        return fmt::format(
            "point {} (N = {:g}, D = {:g}, loss = {:g}) has a non-positive or non-finite value",
            i,
            p.params,
            p.data,
            p.loss);
      }
    }
    data->u.push_back(std::log(p.params));
    data->v.push_back(std::log(p.data));
    data->log_loss.push_back(std::log(p.loss));
  }
  data->log_n0 = std::accumulate(data->u.begin(), data->u.end(), 0.0) / data->u.size();
  data->log_d0 = std::accumulate(data->v.begin(), data->v.end(), 0.0) / data->v.size();
  for (double& u : data->u) u -= data->log_n0;
  for (double& v : data->v) v -= data->log_d0;
  return {};
}

std::string IdentifiabilityProblem(const JointFitSummary& s) {
  const std::pair<const char*, double> exponents[] = {{"a", s.params_exponent},
                                                      {"b", s.data_exponent}};
  for (const auto& [name, value] : exponents) {
    if (value <= internal::kMinExponent + internal::kBoundTolerance ||
        value >= internal::kMaxExponent - internal::kBoundTolerance) {
      return fmt::format("exponent {} = {:.4g} ran to the bound of its search range [{:g}, {:g}]",
                         name,
                         value,
                         internal::kMinExponent,
                         internal::kMaxExponent);
    }
  }
  const std::pair<const char*, const Interval*> cis[] = {{"a", &s.params_exponent_ci},
                                                         {"b", &s.data_exponent_ci}};
  for (const auto& [name, ci] : cis) {
    const double value = name[0] == 'a' ? s.params_exponent : s.data_exponent;
    if (ci->upper - ci->lower > value) {
      return fmt::format(
          "{:.0f}% interval of {} [{:.4g}, {:.4g}] is wider than the exponent {:.4g}",
          100 * s.confidence,
          name,
          ci->lower,
          ci->upper,
          value);
    }
  }
  if (s.bootstrap_resamples > 0 && 2 * s.bootstrap_failures > s.bootstrap_resamples) {
    return fmt::format(
        "{} of {} bootstrap refits failed", s.bootstrap_failures, s.bootstrap_resamples);
  }
  return {};
}

void Fit(const JointFitOptions& options,
         const std::vector<JointPoint>& points,
         JointFitSummary* summary) {
  std::string error;
  if (!options.IsValid(&error)) {
    summary->message = error;
    return;
  }
  Centred data;
  error = CheckPoints(points, &data);
  if (!error.empty()) {
    summary->message = error;
    return;
  }
  summary->num_points = static_cast<int>(points.size());
  JointProblem problem(data, options.huber_delta);
  const PointFit point = MultiStart(data, options.huber_delta, &problem);
  summary->starts = point.starts;
  summary->starts_refined = point.refined;
  summary->starts_at_best = point.at_best;
  if (!point.ok) {
    summary->message = fmt::format("none of the {} refined starts converged", point.refined);
    return;
  }
  const auto natural = Natural(data, point.params);
  summary->offset = natural[0];
  summary->params_amplitude = natural[1];
  summary->data_amplitude = natural[2];
  summary->params_exponent = natural[3];
  summary->data_exponent = natural[4];
  summary->objective = 2.0 * point.cost;
  double ss = 0.0, w[3];
  for (std::size_t i = 0; i < data.u.size(); ++i) {
    const double r = data.log_loss[i] - LogModel(point.params, data.u[i], data.v[i], w);
    ss += r * r;
  }
  summary->rms_log_residual = std::sqrt(ss / data.u.size());

  std::string note = "; no interval: bootstrap disabled (bootstrap_resamples = 0)";
  if (options.bootstrap.resamples > 0) {
    const BootstrapResult boot = Bootstrap(options, data, point.params);
    summary->bootstrap_failures = boot.failures;
    note = boot.failures > 0 ? fmt::format("; {} of {} bootstrap refits failed (excluded)",
                                           boot.failures,
                                           options.bootstrap.resamples)
                             : "";
    if (boot.natural.size() >= 2) {
      summary->offset_ci = PercentileInterval(boot, 0, options.bootstrap.confidence);
      summary->params_amplitude_ci = PercentileInterval(boot, 1, options.bootstrap.confidence);
      summary->data_amplitude_ci = PercentileInterval(boot, 2, options.bootstrap.confidence);
      summary->params_exponent_ci = PercentileInterval(boot, 3, options.bootstrap.confidence);
      summary->data_exponent_ci = PercentileInterval(boot, 4, options.bootstrap.confidence);
      FillAllocation(options, natural, &boot, summary);
    } else {
      FillAllocation(options, natural, nullptr, summary);
    }
  } else {
    FillAllocation(options, natural, nullptr, summary);
  }
  const std::string problem_text = IdentifiabilityProblem(*summary);
  summary->status = problem_text.empty() ? FitStatus::kConverged : FitStatus::kNotIdentifiable;
  summary->message =
      problem_text.empty()
          ? fmt::format("converged: {} of {} refined starts reached the best objective",
                        point.at_best,
                        point.refined) +
                note
          : problem_text + note;
}

}  // namespace

ComputeOptimum ComputeOptimalAllocation(double params_amplitude,
                                        double data_amplitude,
                                        double params_exponent,
                                        double data_exponent,
                                        double compute) {
  const double a = params_exponent, b = data_exponent;
  ComputeOptimum o;
  o.params_allocation = b / (a + b);
  o.data_allocation = a / (a + b);
  // In logs, so that large C and amplitudes do not overflow.
  const double log_g = (std::log(a * params_amplitude) - std::log(b * data_amplitude)) / (a + b);
  const double log_c6 = std::log(compute / 6.0);
  o.params = std::exp(log_g + o.params_allocation * log_c6);
  o.data = std::exp(o.data_allocation * log_c6 - log_g);
  return o;
}

bool JointFitOptions::IsValid(std::string* error) const {
  if (!(huber_delta > 0.0) || !std::isfinite(huber_delta)) {
    return Fail(
        error,
        fmt::format("JointFitOptions.huber_delta = {:g} must be finite and > 0", huber_delta));
  }
  if (!std::isnan(compute) && !(compute > 0.0 && std::isfinite(compute))) {
    return Fail(error, fmt::format("JointFitOptions.compute = {:g} must be > 0 FLOPs", compute));
  }
  return bootstrap.IsValid("JointFitOptions", error);
}

void FitJoint(const JointFitOptions& options,
              const std::vector<JointPoint>& points,
              JointFitSummary* summary) {
  const auto begin = std::chrono::steady_clock::now();
  *summary = JointFitSummary();
  summary->confidence = options.bootstrap.confidence;
  summary->huber_delta = options.huber_delta;
  summary->bootstrap_resamples = options.bootstrap.resamples;
  Fit(options, points, summary);
  summary->seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
}

}  // namespace scalebench
