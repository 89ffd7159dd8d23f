#include "harness/learners/kernel_ridge.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <omp.h>

#include <Eigen/Cholesky>
#include <Eigen/QR>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <utility>

#include "common/status.h"

// LAPACK (OpenBLAS on Debian; linked first, see the top-level CMakeLists).
extern "C" void dpotrf_(const char* uplo, const int* n, double* a, const int* lda, int* info);
extern "C" void dsyrk_(const char* uplo,
                       const char* trans,
                       const int* n,
                       const int* k,
                       const double* alpha,
                       const double* a,
                       const int* lda,
                       const double* beta,
                       double* c,
                       const int* ldc);
extern "C" void dgemm_(const char* transa,
                       const char* transb,
                       const int* m,
                       const int* n,
                       const int* k,
                       const double* alpha,
                       const double* a,
                       const int* lda,
                       const double* b,
                       const int* ldb,
                       const double* beta,
                       double* c,
                       const int* ldc);
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

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

using internal::Fail;

bool CheckSizes(const std::vector<int>& sizes, int max_size, std::string* error) {
  if (sizes.empty()) return Fail(error, "sizes is empty");
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] < 1 || sizes[i] > max_size || (i > 0 && sizes[i] <= sizes[i - 1])) {
      return Fail(error,
                  "sizes must be strictly increasing in [1, " + std::to_string(max_size) +
                      "]; got " + std::to_string(sizes[i]) + " at position " + std::to_string(i));
    }
  }
  return true;
}

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

template <typename Matrix>
void AdviseHugePages(Matrix* m) {
  AdviseHugePages(m->data(), sizeof(typename Matrix::Scalar) * std::size_t(m->size()));
}

double MeanSquaredError(const Eigen::MatrixXd& prediction, const Eigen::MatrixXd& target) {
  return (prediction - target).rowwise().squaredNorm().mean();
}

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

// Copies the strict lower triangle of the square m onto the upper one, in tiles so that the
// strided reads of a row of the lower triangle stay in cache.
void MirrorLowerTriangle(Eigen::MatrixXd* m) {
  constexpr int kTile = 64;
  const int n = static_cast<int>(m->rows());
  double* data = m->data();
#pragma omp parallel for schedule(dynamic, 1)
  for (int column_block = 0; column_block < n; column_block += kTile) {
    const int column_end = std::min(column_block + kTile, n);
    for (int row_block = 0; row_block < column_end; row_block += kTile) {
      for (int j = column_block; j < column_end; ++j) {
        const int row_end = std::min(row_block + kTile, j);
        for (int i = row_block; i < row_end; ++i) {
          data[std::size_t(j) * n + i] = data[std::size_t(i) * n + j];
        }
      }
    }
  }
}

}  // namespace

const char* ToString(KernelKind kind) {
  return kind == KernelKind::kRbf ? "rbf" : "laplace";
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

bool ParseKernelKind(const std::string& name, KernelKind* out, std::string* error) {
  if (name == "rbf")
    *out = KernelKind::kRbf;
  else if (name == "laplace")
    *out = KernelKind::kLaplace;
  else
    return Fail(error, "unknown kernel '" + name + "'; valid kernels: laplace, rbf");
  return true;
}

bool KernelOptions::IsValid(std::string* error) const {
  if (!(width > 0) || !std::isfinite(width)) {
    std::ostringstream message;
    message << "width = " << width << " must be finite and > 0";
    return Fail(error, message.str());
  }
  return true;
}

void KernelMatrix(const Eigen::MatrixXd& a,
                  const Eigen::MatrixXd& b,
                  const KernelOptions& options,
                  Eigen::MatrixXd* out) {
  const Eigen::VectorXd a_norms = a.rowwise().squaredNorm();
  const Eigen::VectorXd b_norms = b.rowwise().squaredNorm();
  const int rows = static_cast<int>(a.rows()), cols = static_cast<int>(b.rows());
  const int depth = static_cast<int>(a.cols());
  if (out->rows() != rows || out->cols() != cols) {
    out->resize(rows, cols);
    AdviseHugePages(out);
  }
  if (rows == 0 || cols == 0) return;
  // The inner products, all the flops, through OpenBLAS: a Gram of a with itself is a symmetric
  // rank-k update (half the flops of a GEMM) on the lower triangle, mirrored below.
  const bool same = &a == &b;
  const double one = 1.0, zero = 0.0;
  if (same) {
    const char lower = 'L', no_transpose = 'N';
    dsyrk_(&lower, &no_transpose, &rows, &depth, &one, a.data(), &rows, &zero, out->data(), &rows);
  } else {
    const char no_transpose = 'N', transpose = 'T';
    dgemm_(&no_transpose,
           &transpose,
           &rows,
           &cols,
           &depth,
           &one,
           a.data(),
           &rows,
           b.data(),
           &cols,
           &zero,
           out->data(),
           &rows);
  }
  const double scale = options.kind == KernelKind::kRbf ? -0.5 / (options.width * options.width)
                                                        : -1.0 / options.width;
  const bool rbf = options.kind == KernelKind::kRbf;
  double* data = out->data();
#pragma omp parallel for schedule(dynamic, 64)
  for (int j = 0; j < cols; ++j) {
    const int first = same ? j : 0;
    Eigen::Map<Eigen::ArrayXd> column(data + std::size_t(j) * rows + first, rows - first);
    // Rounding can make a tiny squared distance negative: clamp at 0. Eigen's exp is vectorised
    // (std::exp in a loop is not, without -ffast-math).
    column = (a_norms.array().segment(first, rows - first) + b_norms[j] - 2.0 * column).max(0.0);
    if (rbf) {
      column = (scale * column).exp();
    } else {
      column = (scale * column.sqrt()).exp();
    }
    // k(x, x) = 1 exactly: a rounding residue of 1e-13 in d^2 would become 3e-7 after the Laplace
    // kernel's sqrt.
    if (same) column[0] = 1.0;
  }
  if (same) MirrorLowerTriangle(out);
}

NestedKernelRidge::NestedKernelRidge(const Eigen::MatrixXd& gram, double ridge)
    : NestedKernelRidge(gram, ridge, KernelPrecision::kMixed) {}

NestedKernelRidge::NestedKernelRidge(const Eigen::MatrixXd& gram,
                                     double ridge,
                                     KernelPrecision precision)
    : owned_(gram), size_(static_cast<int>(gram.rows())), ridge_(ridge) {
  Factor(precision);
}

NestedKernelRidge::NestedKernelRidge(Eigen::MatrixXd&& gram,
                                     double ridge,
                                     KernelPrecision precision)
    : owned_(std::move(gram)), size_(static_cast<int>(owned_.rows())), ridge_(ridge) {
  Factor(precision);
}

NestedKernelRidge::NestedKernelRidge(const Eigen::MatrixXd* gram,
                                     int max_size,
                                     double ridge,
                                     KernelPrecision precision)
    : borrowed_(gram), size_(max_size), ridge_(ridge) {
  Factor(precision);
}

void NestedKernelRidge::Factor(KernelPrecision precision) {
  if (precision == KernelPrecision::kMixed) {
    float_factor_ = ShiftedLowerToFloat(gram(), ridge_, size_);
    if (CholeskyInPlace(&float_factor_)) {
      factor_path_ = KernelSolvePath::kMixed;
      return;
    }
    float_factor_.resize(0, 0);
  }
  factor_ = ShiftedBlock(gram(), ridge_, size_);
  if (CholeskyInPlace(&factor_)) {
    factor_path_ = KernelSolvePath::kDouble;
    owned_.resize(0, 0);  // only the min-norm fallback would read it
  } else {
    factor_path_ = KernelSolvePath::kMinNorm;
    factor_.resize(0, 0);
  }
}

Eigen::MatrixXd NestedKernelRidge::Solve(int p, const Eigen::MatrixXd& rhs) const {
  KernelSolveReport report;
  return Solve(p, rhs, &report);
}

Eigen::MatrixXd NestedKernelRidge::Solve(int p,
                                         const Eigen::MatrixXd& rhs,
                                         KernelSolveReport* report) const {
  *report = KernelSolveReport();
  report->relative_residual = std::numeric_limits<double>::quiet_NaN();
  report->path = factor_path_;
  Eigen::MatrixXd x;
  switch (factor_path_) {
    case KernelSolvePath::kMixed:
      if (RefinedSolve(gram(), ridge_, float_factor_, p, rhs, &x, report)) return x;
      return SolveDouble(p, rhs, report);
    case KernelSolvePath::kDouble:
      x = rhs;
      CholeskySolveInPlace(factor_, p, &x);
      return x;
    case KernelSolvePath::kMinNorm:
      break;
  }
  return MinNormSolve(gram(), ridge_, p, rhs);
}

// The fallback of a refinement that stopped above the tolerance: a double Cholesky of this
// block alone (the nesting of later sizes keeps the float factor, which may still serve them).
Eigen::MatrixXd NestedKernelRidge::SolveDouble(int p,
                                               const Eigen::MatrixXd& rhs,
                                               KernelSolveReport* report) const {
  Eigen::MatrixXd block = ShiftedBlock(gram(), ridge_, p);
  if (!CholeskyInPlace(&block)) {
    report->path = KernelSolvePath::kMinNorm;
    return MinNormSolve(gram(), ridge_, p, rhs);
  }
  report->path = KernelSolvePath::kDouble;
  Eigen::MatrixXd x = rhs;
  CholeskySolveInPlace(block, p, &x);
  return x;
}

namespace {

// Adds one solve of size p with `outputs` right-hand sides to the curve's totals.
void RecordSolve(const KernelSolveReport& report, int p, int outputs, KernelRidgeTimings* t) {
  const double pass = 2.0 * p * p * outputs;  // one pair of triangular solves, or one SYMM
  const bool refined = !std::isnan(report.relative_residual);
  // Each refinement step is one float solve and one double residual.
  if (refined) t->solve_flops += (report.refinement_steps + 1) * 2.0 * pass;
  t->path = std::max(t->path, report.path);
  if (report.path == KernelSolvePath::kMixed) {
    t->max_refinement_steps = std::max(t->max_refinement_steps, report.refinement_steps);
    t->max_relative_residual = std::max(t->max_relative_residual, report.relative_residual);
  } else {
    // A double solve, and after a failed refinement the block's own factorisation.
    t->solve_flops += pass + (refined ? std::pow(double(p), 3) / 3.0 : 0.0);
  }
}

}  // namespace

bool KernelRidgeCurve(const Eigen::MatrixXd& train_gram,
                      const Eigen::MatrixXd& cross_gram,
                      const Eigen::MatrixXd& y_train,
                      const Eigen::MatrixXd& y_test,
                      const std::vector<int>& sizes,
                      double ridge,
                      std::vector<double>* losses,
                      KernelRidgeTimings* timings,
                      std::string* error) {
  return KernelRidgeCurve(train_gram,
                          cross_gram,
                          y_train,
                          y_test,
                          sizes,
                          ridge,
                          KernelPrecision::kMixed,
                          losses,
                          timings,
                          error);
}

bool KernelRidgeCurve(const Eigen::MatrixXd& train_gram,
                      const Eigen::MatrixXd& cross_gram,
                      const Eigen::MatrixXd& y_train,
                      const Eigen::MatrixXd& y_test,
                      const std::vector<int>& sizes,
                      double ridge,
                      KernelPrecision precision,
                      std::vector<double>* losses,
                      KernelRidgeTimings* timings,
                      std::string* error) {
  const int p_max = static_cast<int>(train_gram.rows());
  if (train_gram.cols() != p_max || y_train.rows() != p_max || cross_gram.cols() != p_max ||
      cross_gram.rows() != y_test.rows() || y_train.cols() != y_test.cols()) {
    return Fail(error,
                "shapes disagree: train_gram " + std::to_string(train_gram.rows()) + "x" +
                    std::to_string(train_gram.cols()) + ", cross_gram " +
                    std::to_string(cross_gram.rows()) + "x" + std::to_string(cross_gram.cols()) +
                    ", y_train " + std::to_string(y_train.rows()) + "x" +
                    std::to_string(y_train.cols()) + ", y_test " + std::to_string(y_test.rows()) +
                    "x" + std::to_string(y_test.cols()));
  }
  if (!(ridge >= 0)) return Fail(error, "ridge must be >= 0");
  if (!CheckSizes(sizes, p_max, error)) return false;
  const int p_top = sizes.back();
  auto start = std::chrono::steady_clock::now();
  NestedKernelRidge solver(&train_gram, p_top, ridge, precision);
  KernelRidgeTimings t;
  t.factor_seconds = SecondsSince(start);
  t.factor_flops = std::pow(double(p_top), 3) / 3.0;
  t.path = solver.factor_path();
  start = std::chrono::steady_clock::now();
  losses->clear();
  const int c = static_cast<int>(y_train.cols());
  const double tests = y_test.rows();
  for (int p : sizes) {
    KernelSolveReport report;
    const Eigen::MatrixXd alpha = solver.Solve(p, y_train.topRows(p), &report);
    const Eigen::MatrixXd prediction = cross_gram.leftCols(p) * alpha;
    losses->push_back(MeanSquaredError(prediction, y_test));
    RecordSolve(report, p, c, &t);
    t.solve_flops += 2.0 * tests * p * c;
  }
  t.solve_seconds = SecondsSince(start);
  if (timings != nullptr) *timings = t;
  return true;
}

bool PoolKernelRidgeCurve(const Eigen::MatrixXd& pool_gram,
                          const Eigen::MatrixXd& y_pool,
                          const std::vector<int>& draws,
                          const std::vector<int>& sizes,
                          double ridge,
                          std::vector<double>* losses,
                          KernelRidgeTimings* timings,
                          std::string* error) {
  return PoolKernelRidgeCurve(
      pool_gram, y_pool, draws, sizes, ridge, KernelPrecision::kMixed, losses, timings, error);
}

bool PoolKernelRidgeCurve(const Eigen::MatrixXd& pool_gram,
                          const Eigen::MatrixXd& y_pool,
                          const std::vector<int>& draws,
                          const std::vector<int>& sizes,
                          double ridge,
                          KernelPrecision precision,
                          std::vector<double>* losses,
                          KernelRidgeTimings* timings,
                          std::string* error) {
  const int n = static_cast<int>(pool_gram.rows());
  if (pool_gram.cols() != n || y_pool.rows() != n) {
    return Fail(error, "pool_gram must be n x n and y_pool n x outputs");
  }
  for (int index : draws) {
    if (index < 0 || index >= n) return Fail(error, "a draw is outside the pool");
  }
  if (!(ridge >= 0)) return Fail(error, "ridge must be >= 0");
  if (!CheckSizes(sizes, static_cast<int>(draws.size()), error)) return false;
  const int p_top = sizes.back();
  auto start = std::chrono::steady_clock::now();
  Eigen::MatrixXd train_gram(p_top, p_top);
  AdviseHugePages(&train_gram);
#pragma omp parallel for schedule(static)
  for (int j = 0; j < p_top; ++j) {
    for (int i = j; i < p_top; ++i) train_gram(i, j) = pool_gram(draws[i], draws[j]);
  }
  // The gathered lower triangle is all the solver reads.
  NestedKernelRidge solver(&train_gram, p_top, ridge, precision);
  KernelRidgeTimings t;
  t.factor_seconds = SecondsSince(start);
  t.factor_flops = std::pow(double(p_top), 3) / 3.0;
  t.path = solver.factor_path();
  start = std::chrono::steady_clock::now();
  Eigen::MatrixXd y_train(p_top, y_pool.cols());
  for (int i = 0; i < p_top; ++i) y_train.row(i) = y_pool.row(draws[i]);
  losses->clear();
  Eigen::MatrixXd beta(n, y_pool.cols());
  const int c = static_cast<int>(y_pool.cols());
  for (int p : sizes) {
    KernelSolveReport report;
    const Eigen::MatrixXd alpha = solver.Solve(p, y_train.topRows(p), &report);
    beta.setZero();
    for (int i = 0; i < p; ++i) beta.row(draws[i]) += alpha.row(i);
    // pool_gram is full (symmetric): a plain GEMM, which Eigen parallelises.
    const Eigen::MatrixXd prediction = pool_gram * beta;
    losses->push_back(MeanSquaredError(prediction, y_pool));
    RecordSolve(report, p, c, &t);
    t.solve_flops += 2.0 * double(n) * n * c;
  }
  t.solve_seconds = SecondsSince(start);
  if (timings != nullptr) *timings = t;
  return true;
}

}  // namespace scalebench
