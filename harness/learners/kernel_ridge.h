// Kernel ridge regression with the RBF and Laplace kernels, for learning curves over nested
// training-set sizes (the Fashion-MNIST targets, harness/targets/fashion_mnist.h): the kernels,
// NestedKernelRidge (one factorisation at the largest size serves every prefix of one draw:
// mixed_precision_cholesky.h), and the curve drivers.
//
// Conventions (the ones kernel/self_consistent_curve assumes; state them wherever a curve is
// compared with that theory):
//   - kernels on raw inputs (Fashion-MNIST: pixels / 255 in [0, 1], 784 of them, no centring and
//     no 1/sqrt(d) scaling), `width` w in the same units:
//       rbf:     k(x, x') = exp(-||x - x'||^2 / (2 w^2))
//       laplace: k(x, x') = exp(-||x - x'|| / w)
//     (Fashion-MNIST's median pairwise distance is ~11.5, so w = 5 for the RBF is gamma = 0.02 of
//     scikit-learn, the value of research/ground.md);
//   - ridge on the unnormalised Gram matrix: alpha = (K + ridge I)^-1 Y, f(x) = k(x, X) alpha,
//     i.e. scikit-learn's KernelRidge(alpha = ridge) and the delta of Simon et al.'s conservation
//     law sum_k lambda_k / (lambda_k + t) + delta / t = P with lambda_k the eigenvalues of K / n;
//   - multi-output targets (one column per output, e.g. one-hot classes) share the Gram matrix;
//     the loss is the squared error summed over the outputs and averaged over the test points.
//
// Usage:
//   Eigen::MatrixXd gram;
//   KernelMatrix(x, x, KernelOptions{}, &gram);    // rbf, width 5
//   NestedKernelRidge solver(gram, 1e-2);          // factors gram + 1e-2 I once (mixed)
//   Eigen::MatrixXd alpha = solver.Solve(p, y.topRows(p));
#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

#include "common/fields.h"
#include "harness/learners/mixed_precision_cholesky.h"

namespace scalebench {

enum class KernelKind { kRbf, kLaplace };

const char* ToString(KernelKind kind);
// "rbf" or "laplace"; false with the valid names in *error otherwise.
bool ParseKernelKind(const std::string& name, KernelKind* out, std::string* error);

struct KernelOptions {
  KernelKind kind = KernelKind::kRbf;
  double width = 5.0;  // w > 0, in the units of the inputs

  template <typename Fields>
  void Visit(Fields& f) {
    f.Field("kind", kind);
    f.Field("width", width).Above(0.0).Finite();
  }
  bool IsValid(std::string* error) const { return ValidateFields(*this, error); }
};

// out(i, j) = k(a_i, b_j) for the rows of a and b. Precondition: options valid, same columns.
// From ||x||^2 + ||x'||^2 - 2 x . x' (one double SYRK, or GEMM for a != b, through OpenBLAS),
// the exponential applied in a parallel, vectorised loop; a fresh *out of 4 MB and more gets
// huge pages (AdviseHugePages). The Gram stays in double: the squared distance is a difference
// of numbers up to ~300 (Fashion-MNIST), so float inner products would move the kernel by
// ~1e-7..1e-6 relative, i.e. pose a different problem, and the refinement of
// mixed_precision_cholesky.h converges to the solution of whichever matrix its residuals use.
void KernelMatrix(const Eigen::MatrixXd& a,
                  const Eigen::MatrixXd& b,
                  const KernelOptions& options,
                  Eigen::MatrixXd* out);

// Solves (K_p + ridge I) alpha = Y for the leading p x p blocks K_p of one kernel matrix.
class NestedKernelRidge {
 public:
  // Factors gram + ridge I (gram: symmetric, its lower triangle is read). ridge >= 0. Mixed
  // precision; keeps a copy of gram (the double matrix of the refinement's residuals).
  NestedKernelRidge(const Eigen::MatrixXd& gram, double ridge);
  NestedKernelRidge(const Eigen::MatrixXd& gram, double ridge, KernelPrecision precision);
  // The same, taking gram over instead of copying it: NestedKernelRidge(std::move(gram), ridge).
  // (Mixed precision holds gram and a float32 factor, 1.5x the memory of the double factor.)
  NestedKernelRidge(Eigen::MatrixXd&& gram,
                    double ridge,
                    KernelPrecision precision = KernelPrecision::kMixed);
  // The same for the leading max_size x max_size block of *gram, without copying it (0.5 GB at
  // P = 8000): *gram must outlive the solver, unchanged. 0 <= max_size <= gram->rows().
  NestedKernelRidge(const Eigen::MatrixXd* gram,
                    int max_size,
                    double ridge,
                    KernelPrecision precision);

  // False if no Cholesky factorisation succeeded (not positive definite even in double: ridge 0
  // with duplicate points, say); Solve then uses a rank-revealing solve of the block (min-norm).
  bool cholesky_ok() const { return cholesky_.path() != KernelSolvePath::kMinNorm; }
  // The factorisation held: kMixed (float32), kDouble (asked for, or spotrf failed), kMinNorm.
  KernelSolvePath factor_path() const { return cholesky_.path(); }
  int max_size() const { return size_; }
  // Precondition: 1 <= p <= max_size(), rhs.rows() == p.
  Eigen::MatrixXd Solve(int p, const Eigen::MatrixXd& rhs) const;
  // The same, saying in *report (not null) how the solution was obtained.
  Eigen::MatrixXd Solve(int p, const Eigen::MatrixXd& rhs, KernelSolveReport* report) const;

 private:
  const Eigen::MatrixXd& gram() const { return borrowed_ != nullptr ? *borrowed_ : owned_; }
  void Factor(KernelPrecision precision);

  Eigen::MatrixXd owned_;                      // the copy of gram, unless it is borrowed
  const Eigen::MatrixXd* borrowed_ = nullptr;  // the caller's gram (leading size_ block used)
  int size_ = 0;
  double ridge_ = 0.0;
  NestedCholesky cholesky_;  // of the leading size_ block of gram + ridge I
};

// Where the time of a curve went, for GFLOP/s reports, and which solver path it took.
struct KernelRidgeTimings {
  double factor_seconds = 0.0;  // Cholesky of the largest size (float32 or double)
  double factor_flops = 0.0;    // p^3 / 3, in the precision of the factor
  double solve_seconds = 0.0;   // solves, refinement and predictions, all sizes
  double solve_flops = 0.0;
  // The most expensive path any size took (the factorisation's fallback included).
  KernelSolvePath path = KernelSolvePath::kMixed;
  int max_refinement_steps = 0;        // over the sizes solved by kMixed
  double max_relative_residual = 0.0;  // over the sizes solved by kMixed
};

// The learning curve of one draw: train_gram is the P_max x P_max kernel of the training points
// (in draw order), cross_gram the T x P_max kernel between test and training points; y_train
// (P_max x C) and y_test (T x C). For each p in `sizes` (increasing, in [1, P_max]) fits on the
// first p training points and records the test MSE (squared error summed over the C outputs,
// averaged over the T test points). Returns false with a message on bad shapes or sizes.
bool KernelRidgeCurve(const Eigen::MatrixXd& train_gram,
                      const Eigen::MatrixXd& cross_gram,
                      const Eigen::MatrixXd& y_train,
                      const Eigen::MatrixXd& y_test,
                      const std::vector<int>& sizes,
                      double ridge,
                      std::vector<double>* losses,
                      KernelRidgeTimings* timings,
                      std::string* error);
// The same with the precision chosen (the one above is kMixed).
bool KernelRidgeCurve(const Eigen::MatrixXd& train_gram,
                      const Eigen::MatrixXd& cross_gram,
                      const Eigen::MatrixXd& y_train,
                      const Eigen::MatrixXd& y_test,
                      const std::vector<int>& sizes,
                      double ridge,
                      KernelPrecision precision,
                      std::vector<double>* losses,
                      KernelRidgeTimings* timings,
                      std::string* error);

// The same curve when the training points are draws (with replacement) from a finite pool and
// the test set is the whole pool, i.e. the loss is the exact population risk of the pool's
// empirical distribution: pool_gram is the n x n kernel of the pool, `draws` the pool indices of
// the P_max training points in draw order, y_pool (n x C). Predictions are pool_gram * beta with
// beta the coefficients scattered onto the pool (duplicates add), so no cross Gram is gathered.
bool PoolKernelRidgeCurve(const Eigen::MatrixXd& pool_gram,
                          const Eigen::MatrixXd& y_pool,
                          const std::vector<int>& draws,
                          const std::vector<int>& sizes,
                          double ridge,
                          std::vector<double>* losses,
                          KernelRidgeTimings* timings,
                          std::string* error);
// The same with the precision chosen (the one above is kMixed).
bool PoolKernelRidgeCurve(const Eigen::MatrixXd& pool_gram,
                          const Eigen::MatrixXd& y_pool,
                          const std::vector<int>& draws,
                          const std::vector<int>& sizes,
                          double ridge,
                          KernelPrecision precision,
                          std::vector<double>* losses,
                          KernelRidgeTimings* timings,
                          std::string* error);

}  // namespace scalebench
