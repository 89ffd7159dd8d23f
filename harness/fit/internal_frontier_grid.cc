// Implementation of harness/fit/internal_frontier_grid.h.
#include "harness/fit/internal_frontier_grid.h"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace scalebench::internal {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Neighbours on each side of the minimum that enter an iso-FLOP parabola.
constexpr int kParabolaReach = 2;

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

}  // namespace

Grid::Grid(std::vector<LogModel> models, int seeds, int points)
    : models_(std::move(models)), seeds_(seeds) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const LogModel& m : models_) {
    lo = std::min(lo, m.log_compute.front());
    hi = std::max(hi, m.log_compute.back());
  }
  for (int i = 0; i < points; ++i) log_c_.push_back(lo + (hi - lo) * i / (points - 1.0));
}

std::vector<double> Grid::MeanCurve(int k, const std::vector<int>& counts) const {
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

double Grid::Interpolate(int k, const std::vector<double>& values, double c) const {
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

double Grid::LogFlopsPerSample(double u) const {
  for (std::size_t k = 1; k < models_.size(); ++k) {
    if (u <= models_[k].log_params || k + 1 == models_.size()) {
      const LogModel &a = models_[k - 1], &b = models_[k];
      const double w = (u - a.log_params) / (b.log_params - a.log_params);
      return (1.0 - w) * a.log_flops_per_sample + w * b.log_flops_per_sample;
    }
  }
  return models_.front().log_flops_per_sample;
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

}  // namespace scalebench::internal
