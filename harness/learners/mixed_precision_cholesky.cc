// Implementation of harness/learners/mixed_precision_cholesky.h.
#include "harness/learners/mixed_precision_cholesky.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <omp.h>

#include <Eigen/Cholesky>
#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

// LAPACK (OpenBLAS on Debian; linked first, see the top-level CMakeLists).
extern "C" void dpotrf_(const char* uplo, const int* n, double* a, const int* lda, int* info);
extern "C" void dpotrs_(const char* uplo,
                        const int* n,
                        const int* nrhs,
                        const double* a,
                        const int* lda,
                        double* b,
                        const int* ldb,
                        int* info);
extern "C" void spotrf_(const char* uplo, const int* n, float* a, const int* lda, int* info);

namespace scalebench {
namespace {

// At most this many refinement corrections; each must at least halve the residual.
constexpr int kMaxRefinementSteps = 10;
constexpr double kStagnationRatio = 0.5;

// LAPACK's blocked Cholesky (OpenBLAS, threaded: ~3x Eigen's LLT at P = 8000) on the lower
// triangle, in place. False if the matrix is not positive definite in that precision.
bool CholeskyInPlace(Eigen::MatrixXd* a) {
  const int n = static_cast<int>(a->rows());
  const char lower = 'L';
  int info = 0;
  if (n > 0) dpotrf_(&lower, &n, a->data(), &n, &info);
  return info == 0;
}

bool CholeskyInPlace(Eigen::MatrixXf* a) {
  const int n = static_cast<int>(a->rows());
  const char lower = 'L';
  int info = 0;
  if (n > 0) spotrf_(&lower, &n, a->data(), &n, &info);
  return info == 0;
}

// x := (L_p L_p^T)^-1 x with the leading p x p block of a lower factor (lda = the full size).
void CholeskySolveInPlace(const Eigen::MatrixXd& factor, int p, Eigen::MatrixXd* x) {
  const char lower = 'L';
  const int lda = static_cast<int>(factor.rows()), columns = static_cast<int>(x->cols());
  int info = 0;
  if (p > 0 && columns > 0) {
    dpotrs_(&lower, &p, &columns, factor.data(), &lda, x->data(), &p, &info);
  }
}

// The leading p x p block of gram + ridge I, full (the lower triangle is what LAPACK reads).
Eigen::MatrixXd ShiftedBlock(const Eigen::MatrixXd& gram, double ridge, int p) {
  Eigen::MatrixXd block(p, p);
  AdviseHugePages(&block);
  block = gram.topLeftCorner(p, p);
  block.diagonal().array() += ridge;
  return block;
}

// The min-norm solution with the leading p x p block of gram + ridge I (lower triangle read).
Eigen::MatrixXd MinNormSolve(const Eigen::MatrixXd& gram,
                             double ridge,
                             int p,
                             const Eigen::MatrixXd& rhs) {
  const Eigen::MatrixXd block = ShiftedBlock(gram, ridge, p).selfadjointView<Eigen::Lower>();
  return block.completeOrthogonalDecomposition().solve(rhs);
}

// The lower triangle of the leading n x n block of gram + ridge I in float32. The strict upper
// triangle is left unset: spotrf with uplo = 'L' never reads it, and skipping it halves the
// pass's memory traffic.
Eigen::MatrixXf ShiftedLowerToFloat(const Eigen::MatrixXd& gram, double ridge, int n) {
  Eigen::MatrixXf out(n, n);
  AdviseHugePages(&out);
#pragma omp parallel for schedule(dynamic, 64)
  for (int j = 0; j < n; ++j) {
    out.col(j).segment(j, n - j) = gram.col(j).segment(j, n - j).cast<float>();
    out(j, j) = static_cast<float>(gram(j, j) + ridge);
  }
  return out;
}

// The refinement's kernels work on 256 x 256 tiles (512 KB in double, in L2) with Eigen products:
// OpenBLAS's dsymm and strsm with 10 right-hand sides stream the matrix at only ~4 GB/s (77 ms
// and 40 ms at P = 8000, measured), the tiles at ~3x that (22 ms and 18 ms), which matters as
// every refinement step runs both at every size of the curve. The tile products run inside
// OpenMP regions, where Eigen keeps each product on its thread (outside one, Eigen would fork
// its own team for every tile).
constexpr int kTile = 256;

// This OpenMP thread's share [first, last) of the rows [begin, begin + count).
std::pair<int, int> ThreadRows(int begin, int count) {
  const std::int64_t thread = omp_get_thread_num(), threads = omp_get_num_threads();
  return {begin + static_cast<int>(count * thread / threads),
          begin + static_cast<int>(count * (thread + 1) / threads)};
}

// y += K x restricted to the tile column [j, j + kTile) of the lower triangle of the leading
// p x p block of the symmetric gram: each tile below the diagonal serves both K_ij x_j and
// K_ij^T x_i while it is in cache.
void AddTileColumnProduct(
    const Eigen::MatrixXd& gram, int p, int j, const Eigen::MatrixXd& x, Eigen::MatrixXd* y) {
  const int nj = std::min(kTile, p - j);
  y->middleRows(j, nj).noalias() +=
      gram.block(j, j, nj, nj).selfadjointView<Eigen::Lower>() * x.middleRows(j, nj);
  for (int i = j + nj; i < p; i += kTile) {
    const int ni = std::min(kTile, p - i);
    const auto tile = gram.block(i, j, ni, nj);
    y->middleRows(i, ni).noalias() += tile * x.middleRows(j, nj);
    y->middleRows(j, nj).noalias() += tile.transpose() * x.middleRows(i, ni);
  }
}

// r -= (K_p + ridge I) x for the leading p x p block K_p of the symmetric gram (lower triangle
// read), in double. Tile columns are shared among the threads, each summing into its own y.
void SubtractProduct(const Eigen::MatrixXd& gram,
                     double ridge,
                     int p,
                     const Eigen::MatrixXd& x,
                     Eigen::MatrixXd* r) {
  std::vector<Eigen::MatrixXd> sums(omp_get_max_threads(), Eigen::MatrixXd::Zero(p, x.cols()));
#pragma omp parallel for schedule(dynamic, 1)
  for (int j = 0; j < p; j += kTile) {
    AddTileColumnProduct(gram, p, j, x, &sums[omp_get_thread_num()]);
  }
  for (const Eigen::MatrixXd& y : sums) *r -= y;
  *r -= ridge * x;
}

// x := L_p^-1 x for the leading p x p block of a lower triangular factor, by tile columns: solve
// the diagonal tile, then update the rows below it (shared among the threads).
void ForwardSubstitute(const Eigen::MatrixXf& factor, int p, Eigen::MatrixXf* x) {
  for (int j = 0; j < p; j += kTile) {
    const int nj = std::min(kTile, p - j), below = p - j - nj;
    factor.block(j, j, nj, nj).triangularView<Eigen::Lower>().solveInPlace(x->middleRows(j, nj));
    if (below == 0) break;
    const Eigen::MatrixXf solved = x->middleRows(j, nj);
#pragma omp parallel
    {
      const auto [first, last] = ThreadRows(j + nj, below);
      if (last > first) {
        x->middleRows(first, last - first).noalias() -=
            factor.block(first, j, last - first, nj) * solved;
      }
    }
  }
}

// x := L_p^-T x, by tile columns from the last: subtract L_below^T x_below (a sum over the rows
// below the diagonal tile, split among the threads), then solve the transposed diagonal tile.
void BackSubstitute(const Eigen::MatrixXf& factor, int p, Eigen::MatrixXf* x) {
  std::vector<Eigen::MatrixXf> sums(omp_get_max_threads());
  for (int j = (p - 1) / kTile * kTile; j >= 0; j -= kTile) {
    const int nj = std::min(kTile, p - j), below = p - j - nj;
    if (below > 0) {
      for (Eigen::MatrixXf& sum : sums) sum.setZero(nj, x->cols());
#pragma omp parallel
      {
        const auto [first, last] = ThreadRows(j + nj, below);
        if (last > first) {
          const auto rows = factor.block(first, j, last - first, nj);
          sums[omp_get_thread_num()].noalias() +=
              rows.transpose() * x->middleRows(first, last - first);
        }
      }
      for (const Eigen::MatrixXf& sum : sums) x->middleRows(j, nj) -= sum;
    }
    factor.block(j, j, nj, nj)
        .triangularView<Eigen::Lower>()
        .transpose()
        .solveInPlace(x->middleRows(j, nj));
  }
}

// x += A_p^-1 v by the float factor. v is scaled to max |v| = 1 first: residuals shrink towards
// 1e-14 |b| and must stay clear of float's underflow whatever the scale of b.
void AddFloatSolve(const Eigen::MatrixXf& factor,
                   int p,
                   const Eigen::MatrixXd& v,
                   Eigen::MatrixXd* x) {
  if (v.size() == 0) return;
  const double scale = v.cwiseAbs().maxCoeff();
  if (scale == 0.0) return;
  Eigen::MatrixXf work = (v / scale).cast<float>();
  ForwardSubstitute(factor, p, &work);
  BackSubstitute(factor, p, &work);
  *x += scale * work.cast<double>();
}

// max over columns of ||r_c|| / ||b_c||; a zero column of b counts 0 if its residual is 0.
double MaxRelativeNorm(const Eigen::MatrixXd& r, const Eigen::VectorXd& b_norms) {
  double worst = 0.0;
  for (int c = 0; c < r.cols(); ++c) {
    const double norm = r.col(c).norm();
    if (std::isnan(norm)) return norm;
    if (norm > 0.0) worst = std::max(worst, norm / b_norms[c]);
  }
  return worst;
}

// Solves (K_p + ridge I) x = rhs by the float factor of K + ridge I and iterative refinement
// with residuals in double (see the header). True if the relative residual reached
// kRefinementTolerance; *report gets the steps and the last residual either way.
bool RefinedSolve(const Eigen::MatrixXd& gram,
                  double ridge,
                  const Eigen::MatrixXf& factor,
                  int p,
                  const Eigen::MatrixXd& rhs,
                  Eigen::MatrixXd* x,
                  KernelSolveReport* report) {
  const Eigen::VectorXd rhs_norms = rhs.colwise().norm().transpose();
  x->setZero(p, rhs.cols());
  AddFloatSolve(factor, p, rhs, x);
  Eigen::MatrixXd residual;
  double previous = std::numeric_limits<double>::infinity();
  for (int step = 0;; ++step) {
    residual = rhs;
    SubtractProduct(gram, ridge, p, *x, &residual);
    const double relative = MaxRelativeNorm(residual, rhs_norms);
    report->refinement_steps = step;
    report->relative_residual = relative;
    if (relative <= kRefinementTolerance) return true;
    // !(<) also stops on NaN (overflow in float, say).
    if (step == kMaxRefinementSteps || !(relative < kStagnationRatio * previous)) return false;
    previous = relative;
    AddFloatSolve(factor, p, residual, x);
  }
}

}  // namespace

// Asks Linux for transparent huge pages on a large buffer that has not been touched yet. Why: on
// this project's virtual machines a first touch costs ~11 us per 4 KB page (1.5 s for a fresh
// 512 MB Gram, 0.05 s in 2 MB pages; THP is "madvise" there), more than the SYRK that fills it.
// Buffers under 4 MB are left alone (no whole huge page to gain).
void AdviseHugePages(void* data, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t kPage = 4096, kMinimum = std::uintptr_t{4} << 20;
  if (bytes < kMinimum) return;
  const auto start = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t begin = (start + kPage - 1) & ~(kPage - 1);
  const std::uintptr_t end = (start + bytes) & ~(kPage - 1);
  // Advice only: a failure (old kernel, THP "never") leaves ordinary pages, so it is ignored.
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

const char* ToString(KernelPrecision precision) {
  return precision == KernelPrecision::kMixed ? "mixed" : "double";
}

const char* ToString(KernelSolvePath path) {
  switch (path) {
    case KernelSolvePath::kMixed:
      return "mixed";
    case KernelSolvePath::kDouble:
      return "double";
    case KernelSolvePath::kMinNorm:
      return "min-norm";
  }
  return "?";
}

NestedCholesky::NestedCholesky(const Eigen::MatrixXd& gram,
                               int size,
                               double ridge,
                               KernelPrecision precision)
    : ridge_(ridge) {
  if (precision == KernelPrecision::kMixed) {
    float_factor_ = ShiftedLowerToFloat(gram, ridge_, size);
    if (CholeskyInPlace(&float_factor_)) {
      path_ = KernelSolvePath::kMixed;
      return;
    }
    float_factor_.resize(0, 0);
  }
  factor_ = ShiftedBlock(gram, ridge_, size);
  if (CholeskyInPlace(&factor_)) {
    path_ = KernelSolvePath::kDouble;
  } else {
    path_ = KernelSolvePath::kMinNorm;
    factor_.resize(0, 0);
  }
}

Eigen::MatrixXd NestedCholesky::Solve(const Eigen::MatrixXd& gram,
                                      int p,
                                      const Eigen::MatrixXd& rhs,
                                      KernelSolveReport* report) const {
  *report = KernelSolveReport();
  report->relative_residual = std::numeric_limits<double>::quiet_NaN();
  report->path = path_;
  Eigen::MatrixXd x;
  switch (path_) {
    case KernelSolvePath::kMixed:
      if (RefinedSolve(gram, ridge_, float_factor_, p, rhs, &x, report)) return x;
      return SolveDouble(gram, p, rhs, report);
    case KernelSolvePath::kDouble:
      x = rhs;
      CholeskySolveInPlace(factor_, p, &x);
      return x;
    case KernelSolvePath::kMinNorm:
      break;
  }
  return MinNormSolve(gram, ridge_, p, rhs);
}

// The fallback of a refinement that stopped above the tolerance: a double Cholesky of this
// block alone (the nesting of later sizes keeps the float factor, which may still serve them).
Eigen::MatrixXd NestedCholesky::SolveDouble(const Eigen::MatrixXd& gram,
                                            int p,
                                            const Eigen::MatrixXd& rhs,
                                            KernelSolveReport* report) const {
  Eigen::MatrixXd block = ShiftedBlock(gram, ridge_, p);
  if (!CholeskyInPlace(&block)) {
    report->path = KernelSolvePath::kMinNorm;
    return MinNormSolve(gram, ridge_, p, rhs);
  }
  report->path = KernelSolvePath::kDouble;
  Eigen::MatrixXd x = rhs;
  CholeskySolveInPlace(block, p, &x);
  return x;
}

}  // namespace scalebench
