#include "harness/learners/kernel_ridge.h"

#include <chrono>
#include <cmath>
#include <sstream>

#include <Eigen/Cholesky>
#include <Eigen/QR>

// LAPACK (OpenBLAS on Debian; linked first, see the top-level CMakeLists).
extern "C" void dpotrf_(const char* uplo, const int* n, double* a, const int* lda, int* info);
extern "C" void dsyrk_(const char* uplo, const char* trans, const int* n, const int* k,
                       const double* alpha, const double* a, const int* lda, const double* beta,
                       double* c, const int* ldc);
extern "C" void dgemm_(const char* transa, const char* transb, const int* m, const int* n,
                       const int* k, const double* alpha, const double* a, const int* lda,
                       const double* b, const int* ldb, const double* beta, double* c,
                       const int* ldc);
extern "C" void dpotrs_(const char* uplo, const int* n, const int* nrhs, const double* a,
                        const int* lda, double* b, const int* ldb, int* info);

namespace scalebench {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

bool Fail(const std::string& message, std::string* error) {
  if (error != nullptr) *error = message;
  return false;
}

bool CheckSizes(const std::vector<int>& sizes, int max_size, std::string* error) {
  if (sizes.empty()) return Fail("sizes is empty", error);
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] < 1 || sizes[i] > max_size || (i > 0 && sizes[i] <= sizes[i - 1])) {
      return Fail("sizes must be strictly increasing in [1, " + std::to_string(max_size) +
                      "]; got " + std::to_string(sizes[i]) + " at position " + std::to_string(i),
                  error);
    }
  }
  return true;
}

double MeanSquaredError(const Eigen::MatrixXd& prediction, const Eigen::MatrixXd& target) {
  return (prediction - target).rowwise().squaredNorm().mean();
}

}  // namespace

const char* ToString(KernelKind kind) { return kind == KernelKind::kRbf ? "rbf" : "laplace"; }

bool ParseKernelKind(const std::string& name, KernelKind* out, std::string* error) {
  if (name == "rbf") *out = KernelKind::kRbf;
  else if (name == "laplace") *out = KernelKind::kLaplace;
  else return Fail("unknown kernel '" + name + "'; valid kernels: laplace, rbf", error);
  return true;
}

bool KernelOptions::IsValid(std::string* error) const {
  if (!(width > 0) || !std::isfinite(width)) {
    std::ostringstream message;
    message << "width = " << width << " must be finite and > 0";
    return Fail(message.str(), error);
  }
  return true;
}

void KernelMatrix(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, const KernelOptions& options,
                  Eigen::MatrixXd* out) {
  const Eigen::VectorXd a_norms = a.rowwise().squaredNorm();
  const Eigen::VectorXd b_norms = b.rowwise().squaredNorm();
  const int rows = static_cast<int>(a.rows()), cols = static_cast<int>(b.rows());
  const int depth = static_cast<int>(a.cols());
  out->resize(rows, cols);
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
    dgemm_(&no_transpose, &transpose, &rows, &cols, &depth, &one, a.data(), &rows, b.data(), &cols,
           &zero, out->data(), &rows);
  }
  const double scale = options.kind == KernelKind::kRbf ? -0.5 / (options.width * options.width)
                                                        : -1.0 / options.width;
  const bool rbf = options.kind == KernelKind::kRbf;
  double* data = out->data();
#pragma omp parallel for schedule(dynamic, 64)
  for (int j = 0; j < cols; ++j) {
    double* column = data + std::size_t(j) * rows;
    for (int i = same ? j : 0; i < rows; ++i) {
      // Rounding can make a tiny squared distance negative: clamp at 0.
      const double d2 = std::max(0.0, a_norms[i] + b_norms[j] - 2.0 * column[i]);
      column[i] = std::exp(scale * (rbf ? d2 : std::sqrt(d2)));
    }
  }
  if (!same) return;
#pragma omp parallel for schedule(dynamic, 64)
  for (int j = 1; j < cols; ++j) {
    for (int i = 0; i < j; ++i) data[std::size_t(j) * rows + i] = data[std::size_t(i) * rows + j];
  }
}

NestedKernelRidge::NestedKernelRidge(const Eigen::MatrixXd& gram, double ridge) {
  factor_ = gram;
  factor_.diagonal().array() += ridge;
  // LAPACK's blocked Cholesky (OpenBLAS, threaded: ~3x Eigen's LLT at P = 8000) on the lower
  // triangle, in place. The leading p x p block of the factor is the factor of the leading block.
  const int n = static_cast<int>(factor_.rows());
  const char lower = 'L';
  int info = 0;
  if (n > 0) dpotrf_(&lower, &n, factor_.data(), &n, &info);
  cholesky_ok_ = info == 0;
  if (!cholesky_ok_) {  // keep the regularised Gram for the fallback
    factor_ = gram;
    factor_.diagonal().array() += ridge;
  }
}

Eigen::MatrixXd NestedKernelRidge::Solve(int p, const Eigen::MatrixXd& rhs) const {
  if (!cholesky_ok_) {
    Eigen::MatrixXd block = factor_.topLeftCorner(p, p).selfadjointView<Eigen::Lower>();
    return block.completeOrthogonalDecomposition().solve(rhs);
  }
  // Two triangular solves with the leading block of the factor (lda = the full size).
  Eigen::MatrixXd x = rhs;
  const char lower = 'L';
  const int n = static_cast<int>(factor_.rows()), columns = static_cast<int>(x.cols());
  int info = 0;
  if (p > 0 && columns > 0) dpotrs_(&lower, &p, &columns, factor_.data(), &n, x.data(), &p, &info);
  return x;
}

bool KernelRidgeCurve(const Eigen::MatrixXd& train_gram, const Eigen::MatrixXd& cross_gram,
                      const Eigen::MatrixXd& y_train, const Eigen::MatrixXd& y_test,
                      const std::vector<int>& sizes, double ridge, std::vector<double>* losses,
                      KernelRidgeTimings* timings, std::string* error) {
  const int p_max = static_cast<int>(train_gram.rows());
  if (train_gram.cols() != p_max || y_train.rows() != p_max || cross_gram.cols() != p_max ||
      cross_gram.rows() != y_test.rows() || y_train.cols() != y_test.cols()) {
    return Fail("shapes disagree: train_gram " + std::to_string(train_gram.rows()) + "x" +
                    std::to_string(train_gram.cols()) + ", cross_gram " +
                    std::to_string(cross_gram.rows()) + "x" + std::to_string(cross_gram.cols()) +
                    ", y_train " + std::to_string(y_train.rows()) + "x" +
                    std::to_string(y_train.cols()) + ", y_test " + std::to_string(y_test.rows()) +
                    "x" + std::to_string(y_test.cols()),
                error);
  }
  if (!(ridge >= 0)) return Fail("ridge must be >= 0", error);
  if (!CheckSizes(sizes, p_max, error)) return false;
  const int p_top = sizes.back();
  auto start = std::chrono::steady_clock::now();
  NestedKernelRidge solver(train_gram.topLeftCorner(p_top, p_top), ridge);
  KernelRidgeTimings t;
  t.factor_seconds = SecondsSince(start);
  t.factor_flops = std::pow(double(p_top), 3) / 3.0;
  start = std::chrono::steady_clock::now();
  losses->clear();
  const double c = y_train.cols(), tests = y_test.rows();
  for (int p : sizes) {
    const Eigen::MatrixXd alpha = solver.Solve(p, y_train.topRows(p));
    const Eigen::MatrixXd prediction = cross_gram.leftCols(p) * alpha;
    losses->push_back(MeanSquaredError(prediction, y_test));
    t.solve_flops += 2.0 * p * p * c + 2.0 * tests * p * c;
  }
  t.solve_seconds = SecondsSince(start);
  if (timings != nullptr) *timings = t;
  return true;
}

bool PoolKernelRidgeCurve(const Eigen::MatrixXd& pool_gram, const Eigen::MatrixXd& y_pool,
                          const std::vector<int>& draws, const std::vector<int>& sizes,
                          double ridge, std::vector<double>* losses, KernelRidgeTimings* timings,
                          std::string* error) {
  const int n = static_cast<int>(pool_gram.rows());
  if (pool_gram.cols() != n || y_pool.rows() != n) {
    return Fail("pool_gram must be n x n and y_pool n x outputs", error);
  }
  for (int index : draws) {
    if (index < 0 || index >= n) return Fail("a draw is outside the pool", error);
  }
  if (!(ridge >= 0)) return Fail("ridge must be >= 0", error);
  if (!CheckSizes(sizes, static_cast<int>(draws.size()), error)) return false;
  const int p_top = sizes.back();
  auto start = std::chrono::steady_clock::now();
  Eigen::MatrixXd train_gram(p_top, p_top);
#pragma omp parallel for schedule(static)
  for (int j = 0; j < p_top; ++j) {
    for (int i = j; i < p_top; ++i) train_gram(i, j) = pool_gram(draws[i], draws[j]);
  }
  NestedKernelRidge solver(train_gram, ridge);
  KernelRidgeTimings t;
  t.factor_seconds = SecondsSince(start);
  t.factor_flops = std::pow(double(p_top), 3) / 3.0;
  train_gram.resize(0, 0);
  start = std::chrono::steady_clock::now();
  Eigen::MatrixXd y_train(p_top, y_pool.cols());
  for (int i = 0; i < p_top; ++i) y_train.row(i) = y_pool.row(draws[i]);
  losses->clear();
  Eigen::MatrixXd beta(n, y_pool.cols());
  for (int p : sizes) {
    const Eigen::MatrixXd alpha = solver.Solve(p, y_train.topRows(p));
    beta.setZero();
    for (int i = 0; i < p; ++i) beta.row(draws[i]) += alpha.row(i);
    // pool_gram is full (symmetric): a plain GEMM, which Eigen parallelises.
    const Eigen::MatrixXd prediction = pool_gram * beta;
    losses->push_back(MeanSquaredError(prediction, y_pool));
    t.solve_flops += 2.0 * p * p * y_pool.cols() + 2.0 * double(n) * n * y_pool.cols();
  }
  t.solve_seconds = SecondsSince(start);
  if (timings != nullptr) *timings = t;
  return true;
}

}  // namespace scalebench
