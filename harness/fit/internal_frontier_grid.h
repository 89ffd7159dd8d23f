// The frontier construction of harness/fit/compute_frontier.h: the grid of models in log space,
// read at the compute values, and both approaches' points at each (Approach 1's envelope and
// Approach 2's iso-FLOP parabola minima) for one resample of the seeds. The bootstrap, the fits
// and the comparison of the approaches are compute_frontier.cc's. Not part of the public API.
//
// Usage (inside the frontier fit):
//   std::vector<LogModel> log_models;
//   std::vector<std::uint64_t> seed_ids;
//   if (const std::string error = CheckModels(models, &log_models, &seed_ids); !error.empty()) ...
//   const Grid grid(std::move(log_models), int(seed_ids.size()), options.compute_points);
//   const Frontier point = grid.Evaluate(std::vector<int>(int(seed_ids.size()), 1));
//   const Exponents e = Select(grid, point, kept1, kept2);
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "harness/fit/compute_frontier.h"

namespace scalebench::internal {

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
  // The compute values: `points` log-spaced C from the smallest to the largest C of the grid.
  Grid(std::vector<LogModel> models, int seeds, int points);

  const std::vector<double>& log_compute() const { return log_c_; }
  const std::vector<LogModel>& models() const { return models_; }
  int seeds() const { return seeds_; }

  // Mean log-loss of model k at each checkpoint over the seeds, seed j counted counts[j] times.
  std::vector<double> MeanCurve(int k, const std::vector<int>& counts) const;

  // `values` (per checkpoint of model k, NaN = missing) at log C = c by linear interpolation
  // between the checkpoints with a value; NaN outside them.
  double Interpolate(int k, const std::vector<double>& values, double c) const;

  // Log FLOPs per sample at log N = u, interpolated over the models (in their N order).
  double LogFlopsPerSample(double u) const;

  // Both approaches' points at every compute value, under the seed multiplicities `counts`.
  Frontier Evaluate(const std::vector<int>& counts) const;

 private:
  std::vector<LogModel> models_;
  int seeds_ = 0;
  std::vector<double> log_c_;
};

// Least-squares slope of y on x over the entries where y is not NaN; NaN with fewer than 2 or no
// spread in x.
double Slope(const std::vector<double>& x, const std::vector<double>& y);

// What one evaluation gives at the kept compute values: the selected points of Approach 1
// (`kept1`, resolved in the point estimate) and Approach 2 (`kept2`).
struct Exponents {
  std::vector<double> log_loss1, log_params1, log_data1;  // per kept1 point
  std::vector<double> log_loss2, log_params2, log_data2;  // per kept2 point; NaN = dropped
};

Exponents Select(const Grid& grid,
                 const Frontier& f,
                 const std::vector<std::size_t>& kept1,
                 const std::vector<std::size_t>& kept2);

// v at the indices idx.
std::vector<double> Pick(const std::vector<double>& v, const std::vector<std::size_t>& idx);

// Checks the grid (the status rules of compute_frontier.h) and converts it to log space, sorted
// by N, with the common seed numbers; the error names the model, or "" when the grid is valid.
std::string CheckModels(const std::vector<ComputeGridModel>& models,
                        std::vector<LogModel>* out,
                        std::vector<std::uint64_t>* seeds);

}  // namespace scalebench::internal
