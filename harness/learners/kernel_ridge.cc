#include "harness/learners/kernel_ridge.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <utility>

#include "common/size_grid.h"
#include "common/status.h"

// BLAS (OpenBLAS on Debian; linked first, see the top-level CMakeLists).
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

namespace scalebench {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

using internal::Fail;

double MeanSquaredError(const Eigen::MatrixXd& prediction, const Eigen::MatrixXd& target) {
  return (prediction - target).rowwise().squaredNorm().mean();
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

bool ParseKernelKind(const std::string& name, KernelKind* out, std::string* error) {
  if (name == "rbf")
    *out = KernelKind::kRbf;
  else if (name == "laplace")
    *out = KernelKind::kLaplace;
  else
    return Fail(error, "unknown kernel '" + name + "'; valid kernels: laplace, rbf");
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
  cholesky_ = NestedCholesky(gram(), size_, ridge_, precision);
  // A double factor needs the gram no more (only the min-norm fallback would read it).
  if (cholesky_.path() == KernelSolvePath::kDouble) owned_.resize(0, 0);
}

Eigen::MatrixXd NestedKernelRidge::Solve(int p, const Eigen::MatrixXd& rhs) const {
  KernelSolveReport report;
  return Solve(p, rhs, &report);
}

Eigen::MatrixXd NestedKernelRidge::Solve(int p,
                                         const Eigen::MatrixXd& rhs,
                                         KernelSolveReport* report) const {
  return cholesky_.Solve(gram(), p, rhs, report);
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
  if (!SizeGrid::CheckWithin(sizes, p_max, error)) return false;
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
  if (!SizeGrid::CheckWithin(sizes, std::int64_t(draws.size()), error)) return false;
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
