// The kernel-PCA probe: eigenvalues of a kernel on a reference sample and the target power per
// eigenmode, the inputs of the kernel theories (kernel/self_consistent_curve reads the raw series,
// kernel/spigler_geiger_wyart and kernel/cui_rates the decays b and a).
//
// Estimator, on n reference points with kernel matrix K (n x n, unnormalised) and targets Y
// (n x C, one column per output):
//   - G = K / n, uncentred (Spigler et al. 2020, Eq. 14; Bordelon et al. 2020); eigenvalues
//     lambda_k of G, decreasing; eigenvectors normalised on the sample, phi_k = sqrt(n) u_k;
//   - target power p_k = sum_c (u_k . y_c)^2 / n, summed over the C outputs, so sum_k p_k =
//     mean_i |y_i|^2 (the loss of the zero predictor, in the units of a squared error summed over
//     outputs);
//   - b = minus the least-squares slope of log lambda_k on log k over k in [spectrum_min_mode,
//     spectrum_max_fraction * n];
//   - a = 1 minus the slope of log T(k) on log(k - 1/2), T(k) = sum_{j>=k} p_j, over k in
//     [tail_min_mode, tail_max_fraction * n] (the cumulative-tail fit of Spigler Eq. 14 with the
//     midpoint rule of datasets/probes/spectrum_probe.h);
//   - convergence: the same fits, same k windows, on the first n/2 points (a nested sample); the
//     standard errors of b and a are |fit(n) - fit(n/2)|, an honest "has it converged" error, not
//     a sampling error (the result keeps both values).
// When the reference sample IS the population (a finite pool from which training and test points
// are drawn, as in harness/targets/fashion_mnist.h), these series are the population's exact
// spectrum and no finite-sample correction applies. For a sample of a larger population the top
// modes are accurate and the modes beyond ~n/10 are biased (see spectrum_probe.h); no correction
// is applied here.
//
// The eigenvalues and the projections u_k . y_c come from internal::EigenProjections
// (eigen_projections.h: LAPACK's blocked dsytrd, then the QR iteration of the tridiagonal matrix
// applied to the C target columns), without forming the eigenvectors. Before, this probe ran
// LAPACK's dsyevd with eigenvectors: the fashion_mnist/rbf_heldout profile (n = 4000, one
// thread) took 16.5 s of CPU with it, 8.6-10.8 s now; the eigenvalues agree to ~1e-13 relative,
// the fitted b and a to under 1e-12 of their standard errors (docs/benchmarks.md). SymmetricEigen
// below is that dsyevd, for a full decomposition with vectors.
//
// Usage:
//   KernelPcaOptions options;
//   KernelPcaResult result;
//   if (!MeasureKernelPca(gram, y, options, &result, &error)) ...;
//   result.FillProfile(&profile);
#pragma once

#include <Eigen/Core>
#include <limits>
#include <string>

#include "datasets/probes/gram_spectrum.h"
#include "datasets/profile.h"

namespace scalebench {

struct KernelPcaOptions {
  int spectrum_min_mode = 3;
  double spectrum_max_fraction = 0.1;
  int tail_min_mode = 2;
  double tail_max_fraction = 0.1;
  bool convergence_check = true;  // refit on the first n/2 points (a second eigendecomposition)

  bool IsValid(std::string* error) const;
};

// The GramSpectrum (eigenvalues of K / n, decreasing; target powers summed over outputs; and its
// FillProfile) with what only this probe records.
struct KernelPcaResult : GramSpectrum {
  int num_samples = 0;
  // The fits on the first n/2 points (NaN without the convergence check).
  double half_spectrum_decay = std::numeric_limits<double>::quiet_NaN();
  double half_task_power_decay = std::numeric_limits<double>::quiet_NaN();
  double eigen_seconds = 0.0;  // the eigendecompositions
};

// gram: n x n kernel matrix (not divided by n), symmetric; y: n x C. False with a message on bad
// shapes or options, a window with fewer than 3 modes, or an eigensolver failure.
bool MeasureKernelPca(const Eigen::MatrixXd& gram,
                      const Eigen::MatrixXd& y,
                      const KernelPcaOptions& options,
                      KernelPcaResult* result,
                      std::string* error);

// Eigenvalues (increasing, LAPACK order) and eigenvectors (columns) of a symmetric matrix by
// LAPACK dsyevd (divide and conquer; the symbol comes from OpenBLAS's liblapack.so); `matrix` is
// overwritten by the eigenvectors. With vectors = false only the eigenvalues are computed (the
// matrix is destroyed). False with LAPACK's info on failure.
bool SymmetricEigen(Eigen::MatrixXd* matrix,
                    Eigen::VectorXd* eigenvalues,
                    bool vectors,
                    std::string* error);

}  // namespace scalebench
