#include "datasets/probes/eigen_projections.h"

#include <Eigen/Jacobi>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

// LAPACK (Fortran): blocked Householder tridiagonalisation of a symmetric matrix, and the product
// of its orthogonal factor with a matrix. The trailing arguments are the hidden lengths of the
// character arguments (gfortran ABI).
extern "C" void dsytrd_(const char* uplo,
                        const int* n,
                        double* a,
                        const int* lda,
                        double* d,
                        double* e,
                        double* tau,
                        double* work,
                        const int* lwork,
                        int* info,
                        std::size_t uplo_len);
extern "C" void dormtr_(const char* side,
                        const char* uplo,
                        const char* trans,
                        const int* m,
                        const int* n,
                        const double* a,
                        const int* lda,
                        const double* tau,
                        double* c,
                        const int* ldc,
                        double* work,
                        const int* lwork,
                        int* info,
                        std::size_t side_len,
                        std::size_t uplo_len,
                        std::size_t trans_len);

namespace scalebench::internal {
namespace {

// G = Q T Q^T (LAPACK dsytrd on the lower triangle; `a` is overwritten by the reflectors), and
// rhs <- Q^T rhs (dormtr). False on a LAPACK error.
bool Tridiagonalize(Eigen::MatrixXd* a,
                    Eigen::MatrixXd* rhs,
                    Eigen::VectorXd* diag,
                    Eigen::VectorXd* subdiag) {
  const int n = static_cast<int>(a->rows());
  const int m = static_cast<int>(rhs->cols());
  diag->resize(n);
  subdiag->resize(n - 1);
  Eigen::VectorXd tau(n - 1);
  int info = 0, query = -1;
  double size = 0.0, size_apply = 0.0;
  dsytrd_(
      "L", &n, a->data(), &n, diag->data(), subdiag->data(), tau.data(), &size, &query, &info, 1);
  if (info != 0) return false;
  dormtr_("L",
          "L",
          "T",
          &n,
          &m,
          a->data(),
          &n,
          tau.data(),
          rhs->data(),
          &n,
          &size_apply,
          &query,
          &info,
          1,
          1,
          1);
  if (info != 0) return false;
  std::vector<double> work(static_cast<std::size_t>(std::max(size, size_apply)) + 1);
  const int lwork = static_cast<int>(work.size());
  dsytrd_("L",
          &n,
          a->data(),
          &n,
          diag->data(),
          subdiag->data(),
          tau.data(),
          work.data(),
          &lwork,
          &info,
          1);
  if (info != 0) return false;
  dormtr_("L",
          "L",
          "T",
          &n,
          &m,
          a->data(),
          &n,
          tau.data(),
          rhs->data(),
          &n,
          work.data(),
          &lwork,
          &info,
          1,
          1,
          1);
  return info == 0;
}

// One Francis implicit QR step with Wilkinson shift on the unreduced block [start, end] of the
// tridiagonal (diag, subdiag); the rotations G are applied as w <- w G. Transcribed from Eigen
// 3.4's internal::tridiagonal_qr_step, with the accumulation target changed.
void QrStep(
    double* diag, double* subdiag, Eigen::Index start, Eigen::Index end, Eigen::MatrixXd* w) {
  const double td = (diag[end - 1] - diag[end]) * 0.5;
  const double e = subdiag[end - 1];
  double mu = diag[end];
  if (td == 0.0) {
    mu -= std::abs(e);
  } else if (e != 0.0) {
    const double e2 = e * e;
    const double h = std::hypot(td, e);
    if (e2 == 0.0) {
      mu -= e / ((td + (td > 0.0 ? h : -h)) / e);
    } else {
      mu -= e2 / (td + (td > 0.0 ? h : -h));
    }
  }
  double x = diag[start] - mu;
  double z = subdiag[start];
  for (Eigen::Index k = start; k < end && z != 0.0; ++k) {
    Eigen::JacobiRotation<double> rot;
    rot.makeGivens(x, z);
    const double c = rot.c(), s = rot.s();
    const double sdk = s * diag[k] + c * subdiag[k];
    const double dkp1 = s * subdiag[k] + c * diag[k + 1];
    diag[k] = c * (c * diag[k] - s * subdiag[k]) - s * (c * subdiag[k] - s * diag[k + 1]);
    diag[k + 1] = s * sdk + c * dkp1;
    subdiag[k] = c * sdk - s * dkp1;
    if (k > start) subdiag[k - 1] = c * subdiag[k - 1] - s * z;
    x = subdiag[k];  // chase the bulge
    if (k < end - 1) {
      z = -s * subdiag[k + 1];
      subdiag[k + 1] = c * subdiag[k + 1];
    }
    w->applyOnTheRight(k, k + 1, rot);
  }
}

// Zeroes negligible subdiagonal entries (Eigen's test: |e_i|^2 <= eps^2 (|d_i| + |d_i+1|)).
void Deflate(Eigen::VectorXd& diag,
             Eigen::VectorXd& subdiag,
             Eigen::Index start,
             Eigen::Index end) {
  const double tiny = std::numeric_limits<double>::min();
  const double precision_inv = 1.0 / std::numeric_limits<double>::epsilon();
  for (Eigen::Index i = start; i < end; ++i) {
    const double scaled = precision_inv * subdiag[i];
    if (std::abs(subdiag[i]) < tiny ||
        scaled * scaled <= std::abs(diag[i]) + std::abs(diag[i + 1])) {
      subdiag[i] = 0.0;
    }
  }
}

bool TridiagonalQr(Eigen::VectorXd& diag, Eigen::VectorXd& subdiag, Eigen::MatrixXd* w) {
  const Eigen::Index n = diag.size();
  Eigen::Index end = n - 1, start = 0, iter = 0;
  while (end > 0) {
    Deflate(diag, subdiag, start, end);
    while (end > 0 && subdiag[end - 1] == 0.0) --end;
    if (end <= 0) break;
    if (++iter > 30 * n) return false;
    start = end - 1;
    while (start > 0 && subdiag[start - 1] != 0.0) --start;
    QrStep(diag.data(), subdiag.data(), start, end, w);
  }
  return true;
}

}  // namespace

bool EigenProjections(Eigen::MatrixXd matrix,
                      const Eigen::MatrixXd& rhs,
                      Eigen::VectorXd* eigenvalues,
                      Eigen::MatrixXd* projections) {
  const Eigen::Index n = matrix.rows();
  if (n == 1) {
    *eigenvalues = matrix.diagonal();
    *projections = rhs;
    return true;
  }
  // Scale to [-1, 1] as Eigen does, against over- and underflow in the shift.
  double scale = matrix.cwiseAbs().maxCoeff();
  if (scale == 0.0) scale = 1.0;
  matrix /= scale;
  Eigen::MatrixXd projected = rhs;
  Eigen::VectorXd diag, subdiag;
  if (!Tridiagonalize(&matrix, &projected, &diag, &subdiag)) return false;
  matrix.resize(0, 0);
  Eigen::MatrixXd w = projected.transpose();  // m x n
  if (!TridiagonalQr(diag, subdiag, &w)) return false;

  std::vector<Eigen::Index> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](Eigen::Index i, Eigen::Index j) {
    return diag[i] > diag[j];
  });
  eigenvalues->resize(n);
  projections->resize(n, rhs.cols());
  for (Eigen::Index k = 0; k < n; ++k) {
    (*eigenvalues)[k] = diag[order[k]] * scale;
    projections->row(k) = w.col(order[k]).transpose();
  }
  return true;
}

}  // namespace scalebench::internal
