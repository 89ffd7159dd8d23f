// The linear algebra under kernel ridge (kernel_ridge.h): the Cholesky factor of the leading
// n x n block of gram + ridge I, in float32 with solutions refined to double accuracy (or in
// double), serving every leading p x p block (p <= n) of one draw, since the leading block of a
// Cholesky factor is the factor of the leading block. Plus huge-page advice for large buffers.
//
// Usage:
//   NestedCholesky factor(gram, /*size=*/8000, /*ridge=*/1e-2, KernelPrecision::kMixed);
//   KernelSolveReport report;
//   Eigen::MatrixXd x = factor.Solve(gram, 2000, y.topRows(2000), &report);  // report.path
//
// WARNING: the factor keeps no copy of gram; every Solve must get the same, unchanged matrix
// (the refinement's residuals and the fallbacks read it). Timings on the project's machine:
// docs/learners.md.
#pragma once

#include <Eigen/Core>
#include <cstddef>

namespace scalebench {

// The arithmetic of the Cholesky factorisation.
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

// The factor of the leading `size` x `size` block of gram + ridge I (gram symmetric, its lower
// triangle read).
// - kMixed factors A in float32 (spotrf: twice dpotrf's speed and half the memory) and returns
//   double-accurate solutions by iterative refinement: x_0 = float solve, then r = b - A_p x in
//   double with the double gram (a float gram would make the iteration converge to the solution
//   of the rounded matrix, ~cond * 6e-8 away), x += float solve of r. Both products run on
//   256 x 256 tiles (OpenBLAS's dsymm/strsm with 10 right-hand sides stream the matrix ~3x
//   slower). Each step shrinks the error by about ||A^-1 (A - L_f L_f^T)||, of order
//   cond(A) * u_float (u_float = 6e-8) at worst; with lambda_min(A) >= ridge, cond(A) is bounded
//   by lambda_max / ridge, so two corrections suffice on the Fashion-MNIST kernels.
// - Stopping rule: max over columns of ||r|| / ||b|| <= kRefinementTolerance (with
//   lambda_min(A) >= ridge this bounds ||x - x_exact|| <= 1e-10 ||b|| / ridge), or stop when a
//   step fails to halve the residual (stagnation), or after 10 corrections. The tolerance lies
//   well above the rounding floor of a double residual, ~u_double ||A|| ||x|| / ||b||; it can
//   reach 1e-10 only when u_double * cond(A) does, i.e. cond >~ 1e6, where float32 needs many
//   steps anyway, and a size that stagnates there goes to the fallback.
// - Fallbacks: if spotrf fails (A not positive definite in float: two points closer than float
//   resolves, ridge 0 with near-duplicates, cond(A) > 1 / u_float) A is factored in double
//   (dpotrf) once, as kDouble does; if refinement stops above the tolerance for a size, that
//   size is solved by a double Cholesky of its block. If the double Cholesky fails too, the
//   block is solved by a complete orthogonal decomposition (min-norm).
// - kDouble is the plain double Cholesky, kept as the reference.
class NestedCholesky {
 public:
  NestedCholesky() = default;
  // 0 <= size <= gram.rows(); ridge >= 0.
  NestedCholesky(const Eigen::MatrixXd& gram, int size, double ridge, KernelPrecision precision);

  // The factorisation held: kMixed (float32), kDouble (asked for, or spotrf failed), kMinNorm
  // (no Cholesky succeeded: every Solve is min-norm).
  KernelSolvePath path() const { return path_; }
  // (K_p + ridge I)^-1 rhs with the leading p x p block. gram: the matrix of the constructor.
  // Precondition: 1 <= p <= size, rhs.rows() == p. *report (not null) says how.
  Eigen::MatrixXd Solve(const Eigen::MatrixXd& gram,
                        int p,
                        const Eigen::MatrixXd& rhs,
                        KernelSolveReport* report) const;

 private:
  // The fallback of a refinement that stopped above the tolerance.
  Eigen::MatrixXd SolveDouble(const Eigen::MatrixXd& gram,
                              int p,
                              const Eigen::MatrixXd& rhs,
                              KernelSolveReport* report) const;

  double ridge_ = 0.0;
  Eigen::MatrixXf float_factor_;  // kMixed: lower float32 Cholesky factor of gram + ridge I
  Eigen::MatrixXd factor_;        // kDouble: lower double Cholesky factor of gram + ridge I
  KernelSolvePath path_ = KernelSolvePath::kMixed;
};

// Asks Linux for transparent huge pages on a large buffer (4 MB and more) that has not been
// touched yet: a first touch of a 4 KB page is expensive on virtual machines, more than the
// SYRK that fills a fresh Gram. Advice only; ignored where unsupported.
void AdviseHugePages(void* data, std::size_t bytes);

template <typename Matrix>
void AdviseHugePages(Matrix* m) {
  AdviseHugePages(m->data(), sizeof(typename Matrix::Scalar) * std::size_t(m->size()));
}

}  // namespace scalebench
