// The compute-optimal frontier of a grid of model sizes x checkpoints (Hoffmann et al. 2022,
// "Training Compute-Optimal Large Language Models", arXiv:2203.15556, Approaches 1 and 2).
//
// Input: M >= 3 models, each with N parameters, the FLOPs of one step and the samples of one step
// (the batch), and its loss at every checkpoint t of one run per seed (a kSteps curve). The model
// k at checkpoint t has spent C = flops_per_step_k x t and seen D = t x batch_k samples.
//
// Method, pinned down:
// - Each model's curve is the mean log-loss over the seeds at each checkpoint (the log of the
//   geometric mean, as in FitCurve), read at any C inside its checkpoints by linear interpolation
//   in (log C, log L); outside them the model does not cover C.
// - The compute values: `compute_points` log-spaced C from the smallest to the largest C of the
//   grid.
// - Approach 1, the envelope: at each C, L*(C) is the lowest loss of the models covering C and
//   N*(C) that model's N, D*(C) = C / flops_per_step x batch its samples. The point is *resolved*
//   when a smaller and a larger model also cover C, so that the minimum is bracketed; at the ends
//   of the grid the smallest or largest covering model is the minimum and would bias L* up, so
//   only resolved points are kept (at least `min_points`). Fitted: L*(C) = E + A C^-e (or A C^-e)
//   by FitCurve, and log N*, log D* against log C by least squares: N* ~ C^x, D* ~ C^y. N* is a
//   staircase over the grid's sizes, so x is coarse with few models; Approach 2 is the check.
// - Approach 2, iso-FLOP parabolas: at each C with a resolved minimum, a parabola in log N fitted
//   by least squares to the log-loss of the minimum model and up to two covering neighbours on
//   each side; kept when it is convex and its vertex lies inside those models' range (log N_opt
//   at the vertex, L_opt its value, D_opt = C / (FLOPs per sample at N_opt, interpolated in log-log
//   over the models)). Fitted as Approach 1: L_opt ~ C^-e2, N_opt ~ C^x2, D_opt ~ C^y2.
// - Intervals: a bootstrap over seeds. A resample draws the seeds with replacement (the same seed
//   numbers in every model), recomputes every model's mean curve, rebuilds the envelope (which
//   model is optimal may change) and the parabolas at the same compute values, and refits all
//   exponents, the loss fits warm-started from the point estimate. Each interval is the curve
//   fit's: value +- t_{S-1}((1 + confidence) / 2) sqrt(S / (S - 1)) sd over the resamples
//   (harness/fit/power_law_fit.h says why), and the same for the difference of the two
//   approaches' exponents, resample by resample (paired, so their correlation is accounted for).
// - Agreement: the approaches disagree on an exponent when the interval of the difference
//   excludes 0; `agreement` says which and by how much.
// - Status (of the compute exponent e, Approach 1): kFailed when the options or the grid are
//   invalid (fewer than 3 models, a model with N, FLOPs or batch <= 0, models with other seeds)
//   or fewer than `min_points` compute values are resolved (the grid does not bracket the
//   optimum: add smaller models or later checkpoints); else FitCurve's status on the envelope,
//   and kNotIdentifiable also when the interval is wider than e or more than half of the
//   resamples failed.
// - Determinism: resample r draws from std::mt19937_64 seeded by a SplitMix64 mix of
//   (bootstrap.seed, r), so the summary (except `seconds`) does not depend on bootstrap.threads.
//
// Usage:
//   std::vector<ComputeGridModel> models = ...;  // one per model size
//   ComputeFrontierOptions options;
//   ComputeFrontierSummary frontier;
//   FitComputeFrontier(options, models, &frontier);
//   if (frontier.usable()) use(frontier.loss_fit.exponent, frontier.params_allocation.exponent);
//   std::cout << frontier.FullReport();
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "harness/fit/power_law_fit.h"
#include "harness/learning_curve.h"

namespace scalebench {

// One model size of the grid.
struct ComputeGridModel {
  double params = 0.0;            // N
  double flops_per_step = 0.0;    // training FLOPs of one step (6 N B for a network)
  double samples_per_step = 0.0;  // the batch B: D = steps x B
  LearningCurve curve;            // sizes = steps (checkpoints), one column per seed
};

struct ComputeFrontierOptions {
  int compute_points = 24;                      // log-spaced compute values across the grid
  int min_points = 5;                           // resolved compute values needed for the fit
  CurveForm form = CurveForm::kOffsetPowerLaw;  // of L*(C) and L_opt(C)
  double huber_delta = 0.1;                     // of those fits, as FitOptions::huber_delta
  BootstrapOptions bootstrap;                   // resamples of seeds

  bool IsValid(std::string* error) const;
};

// log y = c + x log C by least squares over the frontier's points, with its bootstrap interval.
struct ComputeSlope {
  double exponent = std::numeric_limits<double>::quiet_NaN();
  Interval ci;
  double std_error = std::numeric_limits<double>::quiet_NaN();
  int points = 0;
  int failures = 0;  // resamples where it could not be computed
};

// One iso-FLOP slice of Approach 2.
struct IsoFlopMinimum {
  double compute = 0.0;
  double params = 0.0;  // N_opt at the parabola's vertex
  double data = 0.0;    // D_opt
  double loss = 0.0;    // L_opt
  int models = 0;       // models in the parabola
};

struct ComputeFrontierSummary {
  FitStatus status = FitStatus::kFailed;
  std::string message = "FitComputeFrontier was not called.";
  int num_models = 0;
  int num_seeds = 0;
  int compute_points = 0;  // compute values considered
  int bootstrap_resamples = 0;
  int bootstrap_failures = 0;  // resamples whose envelope refit failed

  // Approach 1. `envelope`: axis kCompute, sizes = the resolved compute values, a column per seed
  // with that seed's loss of the model optimal at C (their geometric mean is L*(C)), and the
  // diagnostics optimal_params (N*) and optimal_data (D*).
  LearningCurve envelope;
  FitSummary loss_fit;             // L*(C): `exponent` is the compute exponent e, interval as above
  ComputeSlope params_allocation;  // N* ~ C^x
  ComputeSlope data_allocation;    // D* ~ C^y
  // Approach 2.
  std::vector<IsoFlopMinimum> isoflop;
  FitSummary isoflop_loss_fit;  // L_opt(C)
  ComputeSlope isoflop_params_allocation;
  ComputeSlope isoflop_data_allocation;
  // Approach 1 minus Approach 2, resample by resample; NaN where either is missing.
  ComputeSlope params_allocation_difference;
  ComputeSlope loss_exponent_difference;
  bool approaches_agree = true;
  std::string
      agreement;  // one line: which exponents the approaches disagree on, or that they agree

  double seconds = 0.0;
  bool usable() const { return status == FitStatus::kConverged; }
  std::string BriefReport() const;  // one line
  std::string FullReport() const;   // several lines
};

// Fits the frontier of `models` (any order). Outputs by pointer so that a failure still carries
// its message and whatever was computed.
void FitComputeFrontier(const ComputeFrontierOptions& options,
                        const std::vector<ComputeGridModel>& models,
                        ComputeFrontierSummary* summary);

}  // namespace scalebench
