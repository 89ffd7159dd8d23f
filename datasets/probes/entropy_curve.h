// The vocabulary of the conditional-entropy probe, below its parts: the options, a curve H_n
// handed in by any model family (EntropyCurveInput) and the result. The probe is
// conditional_entropy.h; entropy_decay_fit.h and entropy_extrapolation.h are its steps.
//
// Usage: see conditional_entropy.h.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/fields.h"
#include "datasets/profile.h"

namespace scalebench {

struct ConditionalEntropyOptions {
  int max_context = 6;  // n = 0..max_context; the fit uses 1..max_context (>= 3 points)
  double discount = 0.75;
  int jackknife_blocks = 10;
  double gamma_min = 0.01, gamma_max = 5.0, gamma_step = 0.001;
  int min_fit_points = 3;           // n values in the fit window (3 parameters: 3 = no residual)
  double convergence_ratio = 0.25;  // FitConditionalEntropyCurve with half_data_entropy
  // With half_data_entropy: when fewer than min_fit_points n have converged (but n = 1, 2 have),
  // fit n = 1..3 anyway, the paper's practice on WikiText (see conditional_entropy.cc).
  bool three_point_rule = false;
  // FitConditionalEntropyCurve with subsets: conditions (b) and (d) of entropy_extrapolation.h.
  double min_data_exponent = 0.2;
  double extrapolation_ratio = 0.5;
  template <typename Fields>
  void Visit(Fields& f) {
    f.Field("max_context", max_context).AtLeast(3).AtMost(32);  // the fit needs 3 points
    f.Field("discount", discount).Above(0.0).Below(1.0);
    f.Field("jackknife_blocks", jackknife_blocks).AtLeast(2);
    f.Field("gamma_min", gamma_min).Above(0.0);
    f.Field("gamma_max", gamma_max).Above(gamma_min);
    f.Field("gamma_step", gamma_step).Above(0.0).AtMost(gamma_max - gamma_min);
    f.Field("min_fit_points", min_fit_points).AtLeast(3).AtMost(max_context);
    f.Field("convergence_ratio", convergence_ratio).Above(0.0);
    f.Field("three_point_rule", three_point_rule);
    f.Field("min_data_exponent", min_data_exponent).Above(0.0);
    f.Field("extrapolation_ratio", extrapolation_ratio).Above(0.0);
  }
  bool IsValid(std::string* error) const { return ValidateFields(*this, error); }
};

// A curve H_n, n = 0..K, from any model family, as per-block sums over contiguous held-out
// blocks (at least 2): block_loss[b][n] = sum of -log P_n(x_i | context) over the block's
// positions, block_positions[b] their number (the same positions for every n).
struct EntropyCurveInput {
  std::vector<std::vector<double>> block_loss;
  std::vector<std::size_t> block_positions;
  // The same family trained on smaller subsets of the training tokens (nested, or each size
  // averaged over a partition; train_tokens then the mean part size), scored on the same blocks
  // and positions: at least 2 for the extrapolation (3 sizes in all), ascending in
  // train_tokens, each below input.train_tokens. Empty: no extrapolation.
  struct Subset {
    std::size_t train_tokens = 0;
    std::vector<std::vector<double>> block_loss;  // as above, same shape
  };
  std::vector<Subset> subsets;
  // H_n of the same family trained on the first half of the training tokens, n = 0..K; empty:
  // no convergence check (the window is 1..K). Not together with subsets.
  std::vector<double> half_data_entropy;
  std::size_t train_tokens = 0;
  std::string model;  // what produced the curve, for the method string
};

struct ConditionalEntropyResult {
  std::vector<double> entropy;  // H_n, n = 0..max_context, nats/token
  std::size_t train_tokens = 0, heldout_positions = 0;
  double entropy_limit = 0.0;  // H_inf
  double amplitude = 0.0;      // A
  double fit_rms = 0.0;        // rms residual of the fit, nats
  bool gamma_at_grid_edge = false;
  int fit_first_n = 1, fit_last_n = 0;    // the fit window
  std::vector<double> half_data_entropy;  // H_n from half the training data (may be empty)
  // With subsets (extrapolation in D; empty otherwise): the training sizes, ascending (the last
  // is train_tokens), H_n of each ([size][n], n = 0..K), and per n the extrapolation from the
  // three largest sizes: H_n^inf, c_n and the correction H_n(largest) - H_n^inf (NaN where the
  // differences do not shrink).
  std::vector<std::size_t> size_tokens;
  std::vector<std::vector<double>> size_entropy;
  std::vector<double> extrapolated_entropy, data_exponent, data_correction;
  // The two parts of the standard error of gamma (extrapolation mode; NaN otherwise), and the
  // gamma' the systematic part compares with.
  double jackknife_error = 0.0, systematic_error = 0.0, systematic_gamma = 0.0;
  Measurement conditional_entropy_decay;  // gamma
  // Sets kConditionalEntropyDecay; leaves every other entry alone.
  void FillProfile(Profile* profile) const;
};

// H_n, n = 0..K, from per-block sums, leaving out block `left_out` (-1: none).
std::vector<double> MeanCurve(const std::vector<std::vector<double>>& block_loss,
                              const std::vector<std::size_t>& block_positions,
                              int left_out);

}  // namespace scalebench
