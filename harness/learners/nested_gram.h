// Internal to harness/learners: solves (A_p A_p^T + ridge I) x = r for the leading p rows A_p of
// one matrix A, for many nested p, with a single Cholesky factorisation.
//
// The leading p x p block of the Cholesky factor of G = A A^T + ridge I is the Cholesky factor of
// the leading block of G, so one O(p_max^3) factorisation serves every size of a learning curve.
// No jitter is added: the learners call this only where the block is positive definite in exact
// arithmetic (fewer rows than columns, or ridge > 0); if rounding makes the factorisation fail,
// Solve falls back to a rank-revealing (complete orthogonal) solve of that block, i.e. the
// min-norm solution.
//
// Usage:
//   internal::NestedGramSolver solver(a, p_max, ridge);
//   Eigen::VectorXd x = solver.Solve(p, rhs.head(p));
#pragma once

#include <Eigen/Cholesky>
#include <Eigen/Core>

namespace scalebench::internal {

class NestedGramSolver {
 public:
  // Forms the Gram matrix of the first `max_rows` rows of `a` (a parallel GEMM) and factors it.
  NestedGramSolver(const Eigen::MatrixXd& a, int max_rows, double ridge);

  // Precondition: 1 <= rows <= max_rows, rhs.size() == rows.
  Eigen::VectorXd Solve(int rows, const Eigen::VectorXd& rhs) const;
  // False if rounding broke the Cholesky factorisation (Solve then uses the fallback).
  bool cholesky_ok() const { return cholesky_ok_; }

 private:
  Eigen::MatrixXd gram_;    // A A^T + ridge I, kept for the fallback
  Eigen::MatrixXd factor_;  // lower Cholesky factor
  bool cholesky_ok_ = false;
};

}  // namespace scalebench::internal
