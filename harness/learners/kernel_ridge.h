// Kernel ridge regression with the RBF and Laplace kernels, for learning curves over nested
// training-set sizes (the Fashion-MNIST targets, harness/targets/fashion_mnist.h).
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
//     the loss is the squared error summed over the outputs and averaged over the test points,
//     the normalisation of the target power sum_k p_k summed over outputs.
// Gram matrices come from ||x||^2 + ||x'||^2 - 2 x . x' (one double GEMM, parallel through
// Eigen's OpenMP), the exponential applied in a parallel loop.
//
// Nested sizes: the leading p x p block of the Cholesky factor of K_max + ridge I is the factor of
// K_p + ridge I, so one factorisation at the largest size serves every prefix of one draw
// (the reasoning of harness/learners/nested_gram.h, here on a given kernel matrix).
//
// Usage:
//   KernelOptions kernel;  // rbf, width 5
//   Eigen::MatrixXd gram;
//   KernelMatrix(x, x, kernel, &gram);
//   NestedKernelRidge solver(gram, 1e-2);          // factors gram + 1e-2 I once
//   Eigen::MatrixXd alpha = solver.Solve(p, y.topRows(p));
#pragma once

#include <string>
#include <vector>

#include <Eigen/Core>

namespace scalebench {

enum class KernelKind { kRbf, kLaplace };

const char* ToString(KernelKind kind);
// "rbf" or "laplace"; false with the valid names in *error otherwise.
bool ParseKernelKind(const std::string& name, KernelKind* out, std::string* error);

struct KernelOptions {
  KernelKind kind = KernelKind::kRbf;
  double width = 5.0;  // w > 0, in the units of the inputs

  bool IsValid(std::string* error) const;
};

// out(i, j) = k(a_i, b_j) for the rows of a and b. Precondition: options valid, same columns.
void KernelMatrix(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, const KernelOptions& options,
                  Eigen::MatrixXd* out);

// Solves (K_p + ridge I) alpha = Y for the leading p x p blocks K_p of one kernel matrix.
class NestedKernelRidge {
 public:
  // Factors gram + ridge I (gram: symmetric, its lower triangle is read). ridge >= 0.
  NestedKernelRidge(const Eigen::MatrixXd& gram, double ridge);

  // False if the factorisation failed (not positive definite in floating point: ridge 0 with
  // duplicate points, say); Solve then uses a rank-revealing solve of the block (min-norm).
  bool cholesky_ok() const { return cholesky_ok_; }
  int max_size() const { return static_cast<int>(factor_.rows()); }
  // Precondition: 1 <= p <= max_size(), rhs.rows() == p.
  Eigen::MatrixXd Solve(int p, const Eigen::MatrixXd& rhs) const;

 private:
  Eigen::MatrixXd factor_;  // lower Cholesky factor (or the regularised Gram for the fallback)
  bool cholesky_ok_ = false;
};

// Where the time of a curve went, for GFLOP/s reports.
struct KernelRidgeTimings {
  double factor_seconds = 0.0;   // Cholesky of the largest size
  double factor_flops = 0.0;     // p^3 / 3
  double solve_seconds = 0.0;    // triangular solves and predictions, all sizes
  double solve_flops = 0.0;
};

// The learning curve of one draw: train_gram is the P_max x P_max kernel of the training points
// (in draw order), cross_gram the T x P_max kernel between test and training points; y_train
// (P_max x C) and y_test (T x C). For each p in `sizes` (increasing, in [1, P_max]) fits on the
// first p training points and records the test MSE (squared error summed over the C outputs,
// averaged over the T test points). Returns false with a message on bad shapes or sizes.
bool KernelRidgeCurve(const Eigen::MatrixXd& train_gram, const Eigen::MatrixXd& cross_gram,
                      const Eigen::MatrixXd& y_train, const Eigen::MatrixXd& y_test,
                      const std::vector<int>& sizes, double ridge, std::vector<double>* losses,
                      KernelRidgeTimings* timings, std::string* error);

// The same curve when the training points are draws (with replacement) from a finite pool and
// the test set is the whole pool, i.e. the loss is the exact population risk of the pool's
// empirical distribution: pool_gram is the n x n kernel of the pool, `draws` the pool indices of
// the P_max training points in draw order, y_pool (n x C). Predictions are pool_gram * beta with
// beta the coefficients scattered onto the pool (duplicates add), so no cross Gram is gathered.
bool PoolKernelRidgeCurve(const Eigen::MatrixXd& pool_gram, const Eigen::MatrixXd& y_pool,
                          const std::vector<int>& draws, const std::vector<int>& sizes,
                          double ridge, std::vector<double>* losses, KernelRidgeTimings* timings,
                          std::string* error);

}  // namespace scalebench
