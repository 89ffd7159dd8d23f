// The "linear_ridge" learner of the data axis: ridge (or ridgeless, min-norm) linear regression on
// P samples of the raw d-dimensional inputs, scored by the exact population excess MSE.
//
// The inputs are in the eigenbasis of their population covariance Sigma = diag(sigma), so the
// excess MSE of a weight vector w_hat against the teacher w is sum_k sigma_k (w_hat_k - w_k)^2:
// no test sample is needed. It is computed from the d-vector w_hat - w directly rather than from a
// quadratic form such as w^T Sigma w - 2 ..., whose terms cancel to many digits at large P.
//
// For P < d (or ridge > 0) the dual form w_hat = X^T (X X^T + ridge I)^-1 y is used; the sizes of
// one curve are nested prefixes of one draw, so one Gram matrix and one Cholesky factorisation of
// the largest size serve all sizes (harness/learners/nested_gram.h). For ridgeless P >= d the
// primal least-squares solution is used (unique: the design has full column rank a.s.).
//
// Usage:
//   LinearRidgeOptions options;  // ridge = 0: min-norm interpolation
//   std::vector<double> losses;
//   std::string error;
//   if (!LinearRidgeCurve(x, y, sigma, w, {16, 32, 64}, options, &losses, &error)) ...;
#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

namespace scalebench {

struct LinearRidgeOptions {
  double ridge = 0.0;  // >= 0, added to the diagonal of X X^T (the normal equations' scale)

  bool IsValid(std::string* error) const;
};

// inputs: P_max x d samples (rows); labels: the P_max labels; covariance_diagonal, teacher: d
// entries. sizes: strictly increasing sample counts in [1, P_max]. On success fills *losses with
// the population excess MSE at each size; on bad shapes or options returns false and says why.
bool LinearRidgeCurve(const Eigen::MatrixXd& inputs,
                      const Eigen::VectorXd& labels,
                      const Eigen::VectorXd& covariance_diagonal,
                      const Eigen::VectorXd& teacher,
                      const std::vector<int>& sizes,
                      const LinearRidgeOptions& options,
                      std::vector<double>* losses,
                      std::string* error);

}  // namespace scalebench
