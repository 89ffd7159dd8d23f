// The spectrum probe: kernel PCA of a data sample, and the two power laws the spectral theories
// read (lit-spectral.md 0.1, 5.2): the eigenvalue decay b (lambda_k ~ k^-b) and the task-power
// decay a (p_k ~ k^-a, fitted on the tail sum T(k) = sum_{j>=k} p_j ~ k^-(a-1)).
//
// Estimator, on n samples x_i with targets y_i (one column per output):
//   - the uncentred Gram matrix G = K / n with K_ij = k(x_i, x_j) (the linear kernel x_i . x_j
//     for MeasureSpectrum; any kernel for MeasureSpectrumFromGram); when d < n the linear-kernel
//     version diagonalises the d x d covariance X^T X / n instead (same nonzero spectrum);
//   - eigenvalues lambda_k of G, decreasing; eigenvectors normalised on the sample,
//     phi_k = sqrt(n) u_k, so the target power in mode k is p_k = sum_c (u_k . y_c)^2 / n and
//     sum_k p_k = mean |y|^2 (the power outside the span of the modes, if any, is in T(1));
//   - b = minus the least-squares slope of log lambda_k against log k over the spectrum window;
//   - a = 1 minus the least-squares slope of log T(k) against log(k - 1/2) over the tail window.
//     The tail is far less noisy than p_k itself (Spigler et al. 2020, Eq. 14); the 1/2 is the
//     midpoint rule, sum_{j>=k} j^-a = (k - 1/2)^(1-a) / (a - 1) (1 + O(k^-2)), so that small k
//     carry no discreteness bias.
// Finite-sample corrections (on by default): the sample modes differ from the population modes
// at first order in 1/n (sample-covariance perturbation theory: overlaps
// |<v_k, e_j>|^2 ~ lambda_j lambda_k / (n (lambda_j - lambda_k)^2)), which biases both fits by
// terms growing like k/n and, for steep tasks (a - b > 1), swamps p_k with power leaking from the
// top modes. Before the fits the probe applies
//     lambda_k <- (lambda^_k - S^_k / n) / (1 - k / n),   S^_k = sum_{j>k} lambda^_j
//     p_k      <- max(0, p^_k - (lambda^_k^2 / n) sum_{j<k} p^_j / lambda^_j^2).
// On the Gaussian design (n = 2000, d = 32768; tests/datasets/spectrum_probe_test.cc) this takes
// the error of b from up to 0.08 to under 0.01 and of a from up to 1.0 (a = 4, b = 1.2) to under
// 0.04. Only the first order is removed, so the windows stay well below n:
// Windows (1-based k, both ends included): [min_mode, max_fraction * n], by default [3, n/40]
// for the spectrum and [2, n/40] for the tail (the tail starts lower thanks to the midpoint rule).
// Beyond that the second-order terms (~ (k/n)^2 (1/(b-1))^2, large for b near 1) take over.
// For steep tasks the tail window is cut further, where the leak correction would remove more
// than max_tail_correction of the raw tail; the method string gives the window actually used.
//
// Standard errors: a delete-a-group jackknife over the sample (G groups of n / G consecutive
// samples, each left out once, the whole probe rerun on the rest with the same windows), SE^2 =
// (G - 1) / G sum_g (theta_g - mean)^2. It captures the strong correlation of neighbouring sample
// eigenvalues that an OLS standard error ignores. With jackknife_groups = 0 the OLS standard
// error is used instead, inflated by sqrt((1 + rho) / (1 - rho)) for the lag-1 autocorrelation
// rho of the residuals (a cruder, cheaper estimate). The total power and the trace get the plain
// standard error of a sample mean.
// Where the data source can give several independent samples (a generator, a large dataset),
// CombineSpectrumReplicates averages R probe results: the estimates and the series are the
// means, and the standard error of b and a is the spread of the replicates / sqrt(R), the most
// direct estimate of all. At n = 2000 one sample reads a with a spread of about 0.02 (b: 0.005),
// mostly from the fluctuations of the top sample modes; three replicates bring it to ~0.012.
//
// Usage:
//   SpectrumProbeOptions options;
//   SpectrumProbeResult result;
//   std::string error;
//   if (!MeasureSpectrum(x, y, options, &result, &error)) ...;
//   result.FillProfile(&profile);
#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

#include "common/fields.h"
#include "datasets/probes/gram_spectrum.h"
#include "datasets/profile.h"

namespace scalebench {

struct SpectrumProbeOptions {
  // Spectrum fit window: k in [spectrum_min_mode, floor(spectrum_max_fraction * n)].
  int spectrum_min_mode = 3;
  double spectrum_max_fraction = 1.0 / 40.0;
  // Tail fit window: k in [tail_min_mode, floor(tail_max_fraction * n)].
  int tail_min_mode = 2;
  double tail_max_fraction = 1.0 / 40.0;
  // Apply the first-order finite-sample corrections to lambda_k and p_k before the fits.
  bool finite_sample_correction = true;
  // With the corrections on, the tail window ends before the first k at which the correction
  // removes more than this share of the raw tail sum (a first-order correction is trusted only
  // while it is small). Bites only for steep tasks (a - b > 1).
  double max_tail_correction = 0.5;
  // Groups of the delete-a-group jackknife for the standard errors; 0: inflated OLS errors.
  int jackknife_groups = 5;

  template <typename Fields>
  void Visit(Fields& f) {
    f.Field("spectrum_min_mode", spectrum_min_mode).AtLeast(1);
    f.Field("spectrum_max_fraction", spectrum_max_fraction).Above(0.0).AtMost(1.0);
    f.Field("tail_min_mode", tail_min_mode).AtLeast(1);
    f.Field("tail_max_fraction", tail_max_fraction).Above(0.0).AtMost(1.0);
    f.Field("finite_sample_correction", finite_sample_correction);
    f.Field("max_tail_correction", max_tail_correction).Above(0.0).Below(1.0);
    f.Field("jackknife_groups", jackknife_groups)
        .Check(jackknife_groups == 0 || jackknife_groups >= 2, "0 (no jackknife) or >= 2");
  }
  bool IsValid(std::string* error) const { return ValidateFields(*this, error); }
};

// The GramSpectrum (lambda_k of G, decreasing, min(n, d) of them; combined: the mean over the
// replicates) of num_samples points.
struct SpectrumProbeResult : GramSpectrum {
  int num_samples = 0;
};

// x: n x d inputs (linear kernel); y: n x outputs targets. Returns false with a message on bad
// options or shapes, a window with fewer than 3 usable modes, or no convergence.
bool MeasureSpectrum(const Eigen::MatrixXd& x,
                     const Eigen::MatrixXd& y,
                     const SpectrumProbeOptions& options,
                     SpectrumProbeResult* result,
                     std::string* error);

// kernel: the n x n matrix K_ij = k(x_i, x_j), not divided by n; y: n x outputs.
bool MeasureSpectrumFromGram(const Eigen::MatrixXd& kernel,
                             const Eigen::MatrixXd& y,
                             const SpectrumProbeOptions& options,
                             SpectrumProbeResult* result,
                             std::string* error);

// Combines the results of R >= 2 probes on independent samples of the same size (see above).
bool CombineSpectrumReplicates(const std::vector<SpectrumProbeResult>& replicates,
                               SpectrumProbeResult* combined,
                               std::string* error);

}  // namespace scalebench
