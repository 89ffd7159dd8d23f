#include "datasets/probes/kernel_pca.h"

#include <chrono>
#include <cmath>
#include <vector>

#include "common/format.h"
#include "common/status.h"
#include "datasets/probes/eigen_projections.h"
#include "datasets/probes/probe_info.h"

// LAPACK (Fortran) symmetric divide-and-conquer eigensolver; the trailing arguments are the
// hidden lengths of the character arguments (gfortran ABI).
extern "C" void dsyevd_(const char* jobz,
                        const char* uplo,
                        const int* n,
                        double* a,
                        const int* lda,
                        double* w,
                        double* work,
                        const int* lwork,
                        int* iwork,
                        const int* liwork,
                        int* info,
                        std::size_t jobz_len,
                        std::size_t uplo_len);

namespace scalebench {
namespace {

using internal::Fail;
using internal::Fixed;

// Least-squares slope of log y on log x; NaN with fewer than 3 positive points. The formula of
// internal::LogLogSlope (common/line_fit.h), kept here because GCC contracts its denominator into
// a different FMA in this translation unit: the committed kernel-PCA profiles carry these last
// bits (merge it when they are re-measured).
double LogLogSlope(const std::vector<double>& x, const std::vector<double>& y) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  int count = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!(x[i] > 0) || !(y[i] > 0)) continue;
    const double lx = std::log(x[i]), ly = std::log(y[i]);
    sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly, ++count;
  }
  const double denom = count * sxx - sx * sx;
  if (count < 3 || !(denom > 0)) return std::numeric_limits<double>::quiet_NaN();
  return (count * sxy - sx * sy) / denom;
}

struct Fits {
  double b = std::numeric_limits<double>::quiet_NaN();
  double a = std::numeric_limits<double>::quiet_NaN();
};

// b over modes [k_lo, k_hi] of lambda; a over [t_lo, t_hi] of the tail sum of p (1-based).
Fits FitDecays(const Eigen::VectorXd& lambda,
               const Eigen::VectorXd& p,
               int k_lo,
               int k_hi,
               int t_lo,
               int t_hi) {
  Fits fits;
  std::vector<double> x, y;
  for (int k = k_lo; k <= std::min<int>(k_hi, lambda.size()); ++k) {
    x.push_back(k), y.push_back(lambda[k - 1]);
  }
  fits.b = -LogLogSlope(x, y);
  std::vector<double> tail(p.size() + 1, 0.0);
  for (Eigen::Index k = p.size(); k-- > 0;) tail[k] = tail[k + 1] + p[k];
  x.clear(), y.clear();
  for (int k = t_lo; k <= std::min<int>(t_hi, p.size()); ++k) {
    x.push_back(k - 0.5), y.push_back(tail[k - 1]);
  }
  fits.a = 1.0 - LogLogSlope(x, y);
  return fits;
}

// Decreasing eigenvalues of gram / n and target powers p_k = sum_c (u_k . y_c)^2 / n.
bool Decompose(const Eigen::MatrixXd& gram,
               const Eigen::MatrixXd& y,
               Eigen::VectorXd* lambda,
               Eigen::VectorXd* power,
               std::string* error) {
  const double n = gram.rows();
  Eigen::MatrixXd projections;  // n x C, decreasing order
  if (!internal::EigenProjections(gram / n, y, lambda, &projections)) {
    return Fail(error,
                "kernel PCA: the eigensolver did not converge on a " + std::to_string(gram.rows()) +
                    " x " + std::to_string(gram.rows()) + " matrix");
  }
  *power = projections.rowwise().squaredNorm() / n;
  return true;
}

}  // namespace

bool KernelPcaOptions::IsValid(std::string* error) const {
  if (spectrum_min_mode < 1) return Fail(error, "spectrum_min_mode must be >= 1");
  if (tail_min_mode < 1) return Fail(error, "tail_min_mode must be >= 1");
  if (!(spectrum_max_fraction > 0 && spectrum_max_fraction <= 1)) {
    return Fail(error, "spectrum_max_fraction must be in (0, 1]");
  }
  if (!(tail_max_fraction > 0 && tail_max_fraction <= 1)) {
    return Fail(error, "tail_max_fraction must be in (0, 1]");
  }
  return true;
}

bool SymmetricEigen(Eigen::MatrixXd* matrix,
                    Eigen::VectorXd* eigenvalues,
                    bool vectors,
                    std::string* error) {
  const int n = static_cast<int>(matrix->rows());
  if (matrix->cols() != n) return Fail(error, "SymmetricEigen: the matrix is not square");
  eigenvalues->resize(n);
  if (n == 0) return true;
  const char jobz = vectors ? 'V' : 'N', uplo = 'L';
  int info = 0, lwork = -1, liwork = -1, iwork_query = 0;
  double work_query = 0;
  dsyevd_(&jobz,
          &uplo,
          &n,
          matrix->data(),
          &n,
          eigenvalues->data(),
          &work_query,
          &lwork,
          &iwork_query,
          &liwork,
          &info,
          1,
          1);
  if (info != 0)
    return Fail(error, "LAPACK dsyevd workspace query failed, info = " + std::to_string(info));
  lwork = static_cast<int>(work_query) + 1;
  liwork = iwork_query;
  std::vector<double> work(lwork);
  std::vector<int> iwork(liwork);
  dsyevd_(&jobz,
          &uplo,
          &n,
          matrix->data(),
          &n,
          eigenvalues->data(),
          work.data(),
          &lwork,
          iwork.data(),
          &liwork,
          &info,
          1,
          1);
  if (info != 0) {
    return Fail(error,
                "LAPACK dsyevd failed on a " + std::to_string(n) + " x " + std::to_string(n) +
                    " matrix, info = " + std::to_string(info));
  }
  return true;
}

bool MeasureKernelPca(const Eigen::MatrixXd& gram,
                      const Eigen::MatrixXd& y,
                      const KernelPcaOptions& options,
                      KernelPcaResult* result,
                      std::string* error) {
  if (std::string e; !options.IsValid(&e)) return Fail(error, "KernelPcaOptions: " + e);
  const int n = static_cast<int>(gram.rows());
  if (gram.cols() != n || y.rows() != n) {
    return Fail(error,
                "kernel PCA: gram must be n x n and y n x outputs (gram " +
                    std::to_string(gram.rows()) + "x" + std::to_string(gram.cols()) + ", y " +
                    std::to_string(y.rows()) + "x" + std::to_string(y.cols()) + ")");
  }
  const int k_hi = static_cast<int>(options.spectrum_max_fraction * n);
  const int t_hi = static_cast<int>(options.tail_max_fraction * n);
  if (k_hi - options.spectrum_min_mode + 1 < 3 || t_hi - options.tail_min_mode + 1 < 3) {
    return Fail(error,
                "kernel PCA: n = " + std::to_string(n) +
                    " leaves fewer than 3 modes in a fit "
                    "window; use more reference points or wider windows");
  }
  KernelPcaResult r;
  r.num_samples = n;
  const auto start = std::chrono::steady_clock::now();
  if (!Decompose(gram, y, &r.eigenvalues, &r.target_power, error)) return false;
  const Fits full = FitDecays(
      r.eigenvalues, r.target_power, options.spectrum_min_mode, k_hi, options.tail_min_mode, t_hi);
  if (options.convergence_check) {
    const int half = n / 2;
    Eigen::VectorXd lambda, power;
    if (!Decompose(gram.topLeftCorner(half, half), y.topRows(half), &lambda, &power, error)) {
      return false;
    }
    const Fits h =
        FitDecays(lambda, power, options.spectrum_min_mode, k_hi, options.tail_min_mode, t_hi);
    r.half_spectrum_decay = h.b;
    r.half_task_power_decay = h.a;
  }
  r.eigen_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string convergence =
      options.convergence_check
          ? "; SE = |fit(n) - fit(n/2)| (n/2: b = " + Fixed(r.half_spectrum_decay) +
                ", a = " + Fixed(r.half_task_power_decay) + ")"
          : "; no convergence check (SE unknown)";
  const std::string base = "uncentred kernel PCA of K/n on n = " + std::to_string(n) + " points";
  r.spectrum_decay = {full.b,
                      std::abs(full.b - r.half_spectrum_decay),
                      base + ", LS slope of log lambda_k, k in [" +
                          std::to_string(options.spectrum_min_mode) + ", " + std::to_string(k_hi) +
                          "]" + convergence};
  r.task_power_decay = {full.a,
                        std::abs(full.a - r.half_task_power_decay),
                        base + ", tail sum of p_k (summed over " + std::to_string(y.cols()) +
                            " outputs) ~ (k - 1/2)^(1-a), k in [" +
                            std::to_string(options.tail_min_mode) + ", " + std::to_string(t_hi) +
                            "]" + convergence};
  const double total = y.rowwise().squaredNorm().mean();
  const double total_se =
      std::sqrt((y.rowwise().squaredNorm().array() - total).square().sum() / (n * (n - 1.0)));
  r.total_target_power = {total, total_se, base + ": mean |y|^2 (summed over outputs)"};
  r.spectrum_trace = {
      gram.trace() / n, std::numeric_limits<double>::quiet_NaN(), base + ": trace(K)/n"};
  if (!std::isfinite(full.b) || !std::isfinite(full.a)) {
    return Fail(error,
                "kernel PCA: a fit failed (non-positive eigenvalues or target power in the "
                "window)");
  }
  *result = std::move(r);
  return true;
}

ProbeInfo KernelPcaProbeInfo() {
  return {"kernel_pca",
          "datasets/probes/kernel_pca.h",
          "an n x n kernel matrix and n x C targets",
          "uncentred kernel PCA of K / n (LAPACK dsytrd and a QR iteration on the targets), "
          "log-log fits of lambda_k and of the tail "
          "sum of p_k; standard error from the fit on the first n/2 points",
          {Property::kSpectrumDecay,
           Property::kTaskPowerDecay,
           Property::kTotalTargetPower,
           Property::kSpectrumTrace},
          {Series::kEigenvalues, Series::kTargetPower}};
}

}  // namespace scalebench
