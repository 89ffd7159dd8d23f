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
// Gram matrices come from ||x||^2 + ||x'||^2 - 2 x . x' (one double SYRK/GEMM through OpenBLAS),
// the exponential applied in a parallel, vectorised loop; buffers of 4 MB and more get
// transparent huge pages (madvise), as a 4 KB page fault costs ~11 us on the project's virtual
// machines (1.5 s to fault in a fresh 512 MB Gram). Gram matrices stay in double: the squared
// distance is a difference of numbers up to ~300 (Fashion-MNIST), so float inner products would
// move the kernel by ~1e-7..1e-6 relative, i.e. pose a different problem, and refinement (below)
// converges to the solution of whichever matrix its residuals use.
//
// Nested sizes: the leading p x p block of the Cholesky factor of K_max + ridge I is the factor of
// K_p + ridge I, so one factorisation at the largest size serves every prefix of one draw
// (the reasoning of harness/learners/nested_gram.h, here on a given kernel matrix).
//
// Precision (KernelPrecision; kMixed is the default everywhere):
//   - kMixed factors A = K + ridge I in float32 (OpenBLAS spotrf: 185 GFLOP/s against dpotrf's
//     88 on the 2-core benchmark machine, and half the memory) and returns double-accurate
//     solutions by iterative refinement: x_0 = float solve, then r = b - A_p x in double with the
//     double Gram (a float Gram would make the iteration converge to the solution of the rounded
//     matrix, ~cond * 6e-8 away), x += float solve of r. Both products run on 256 x 256 tiles
//     (OpenBLAS's dsymm/strsm with 10 right-hand sides stream the matrix ~3x slower); refining
//     all 8 sizes of a P = 8000 curve takes ~0.2 s against ~0.9 s for the float factorisation.
//     Each step shrinks the error by about ||A^-1 (A - L_f L_f^T)||, of order
//     cond(A) * u_float (u_float = 6e-8) at worst: Fashion-MNIST's RBF Gram (w = 5) with
//     ridge 1e-2 has lambda_max = 277, 548, 1097 at P = 2000, 4000, 8000 and lambda_min >= ridge,
//     so cond <= 2.8e4, 5.5e4, 1.1e5 and the factor <= 0.007; measured ~1e-4 per step (relative
//     residuals 5e-5, 6e-9, 1e-12 at P = 8000), so two corrections suffice.
//   - Stopping rule: max over columns of ||r|| / ||b|| <= 1e-10 (kRefinementTolerance below; with
//     lambda_min(A) >= ridge this bounds ||x - x_exact|| <= 1e-10 ||b|| / ridge), or stop when a
//     step fails to halve the residual (stagnation), or after 10 corrections. The tolerance lies
//     well above the rounding floor of a double residual, ~u_double ||A|| ||x|| / ||b|| (9e-14 for
//     the double Cholesky's own solution at P = 8000); it can reach 1e-10 only when
//     u_double * cond(A) does, i.e. cond >~ 1e6, where float32 needs many steps anyway, and a
//     size that stagnates there goes to the fallback.
//   - Fallbacks: if spotrf fails (A not positive definite in float: two points closer than float
//     resolves, ridge 0 with near-duplicates, cond(A) > 1 / u_float) the solver factors A in double
//     (dpotrf) once, as kDouble does; if refinement stops above the tolerance for a size, that
//     size is solved by a double Cholesky of its block. If the double Cholesky fails too, the
//     block is solved by a complete orthogonal decomposition (min-norm). KernelSolveReport and
//     KernelRidgeTimings::path say which path was taken.
//   - kDouble is the plain double Cholesky (the behaviour before mixed precision), kept as the
//     reference and the baseline of bench/kernel_benchmark.cc (BM_RbfCurveDouble).
//
// Usage:
//   KernelOptions kernel;  // rbf, width 5
//   Eigen::MatrixXd gram;
//   KernelMatrix(x, x, kernel, &gram);
//   NestedKernelRidge solver(gram, 1e-2);          // factors gram + 1e-2 I once (mixed)
//   KernelSolveReport report;
//   Eigen::MatrixXd alpha = solver.Solve(p, y.topRows(p), &report);  // report.path: kMixed?
#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

#include "common/fields.h"

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
void KernelMatrix(const Eigen::MatrixXd& a,
                  const Eigen::MatrixXd& b,
                  const KernelOptions& options,
                  Eigen::MatrixXd* out);

// The arithmetic of the Cholesky factorisation (see the top of this file).
enum class KernelPrecision {
  kMixed,   // float32 Cholesky, solutions refined to double accuracy; falls back to double
  kDouble,  // double Cholesky only (the reference)
};

const char* ToString(KernelPrecision precision);  // "mixed" or "double"

// How a system was actually solved, from the cheapest to the most expensive.
enum class KernelSolvePath {
  kMixed,    // float32 Cholesky + double iterative refinement, converged
  kDouble,   // double Cholesky: requested, or the fallback of kMixed
  kMinNorm,  // the double Cholesky failed too: complete orthogonal decomposition (min-norm)
};

const char* ToString(KernelSolvePath path);  // "mixed", "double" or "min-norm"

// The refinement's stopping tolerance on max over columns of ||b - A x|| / ||b||.
inline constexpr double kRefinementTolerance = 1e-10;

// What one solve did.
struct KernelSolveReport {
  KernelSolvePath path = KernelSolvePath::kMixed;
  int refinement_steps = 0;  // corrections applied after the first float solve (0 if none ran)
  // The refinement's last max_c ||r_c|| / ||b_c||; NaN where no refinement ran (kDouble asked).
  double relative_residual = 0.0;
};

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
  bool cholesky_ok() const { return factor_path_ != KernelSolvePath::kMinNorm; }
  // The factorisation held: kMixed (float32), kDouble (asked for, or spotrf failed), kMinNorm.
  KernelSolvePath factor_path() const { return factor_path_; }
  int max_size() const { return size_; }
  // Precondition: 1 <= p <= max_size(), rhs.rows() == p.
  Eigen::MatrixXd Solve(int p, const Eigen::MatrixXd& rhs) const;
  // The same, saying in *report (not null) how the solution was obtained.
  Eigen::MatrixXd Solve(int p, const Eigen::MatrixXd& rhs, KernelSolveReport* report) const;

 private:
  const Eigen::MatrixXd& gram() const { return borrowed_ != nullptr ? *borrowed_ : owned_; }
  void Factor(KernelPrecision precision);
  Eigen::MatrixXd SolveDouble(int p, const Eigen::MatrixXd& rhs, KernelSolveReport* report) const;

  Eigen::MatrixXd owned_;                      // the copy of gram, unless it is borrowed
  const Eigen::MatrixXd* borrowed_ = nullptr;  // the caller's gram (leading size_ block used)
  int size_ = 0;
  double ridge_ = 0.0;
  Eigen::MatrixXf float_factor_;  // kMixed: lower float32 Cholesky factor of gram + ridge I
  Eigen::MatrixXd factor_;        // kDouble: lower double Cholesky factor of gram + ridge I
  KernelSolvePath factor_path_ = KernelSolvePath::kMixed;
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
