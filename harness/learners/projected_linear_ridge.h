// The "projected_linear_ridge" learner of the params axis: linear regression on N Gaussian random
// projections z = S x of the inputs (S is N x d with i.i.d. N(0, 1) entries), solved in the
// infinite-data limit (LearnerSpec::train_size = kInfinite) exactly, i.e. the best predictor
// theta^T S x under the population distribution.
//
// With Sigma = diag(sigma) the input covariance and w the teacher, the population problem is
//   min_theta E (theta^T S x - w^T x)^2 + ridge |theta|^2
//   theta = (S Sigma S^T + ridge I)^-1 S Sigma w,
// and its excess MSE is |Sigma^1/2 (S^T theta - w)|^2. That d-vector form is used instead of the
// textbook w^T Sigma w - c^T theta, which cancels to many digits as the loss falls.
// Sizes are nested: the first N rows of one S (harness/learners/nested_gram.h). For ridgeless
// N >= d the features span the input space and the loss is 0 up to rounding (least squares).
//
// Usage:
//   std::vector<double> losses;
//   ProjectedLinearRidgeCurve(&s, sigma, w, {16, 32}, {}, &losses, &error);  // s is scaled
#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

namespace scalebench {

struct ProjectedLinearRidgeOptions {
  double ridge = 0.0;  // >= 0, on the population normal equations S Sigma S^T

  bool IsValid(std::string* error) const;
};

// projections: N_max x d, overwritten by S Sigma^1/2 (in place: no copy of the largest matrix
// of the run). sizes: strictly increasing feature counts in [1, N_max]. Fills *losses with the
// population excess MSE at each size.
bool ProjectedLinearRidgeCurve(Eigen::MatrixXd* projections,
                               const Eigen::VectorXd& covariance_diagonal,
                               const Eigen::VectorXd& teacher,
                               const std::vector<int>& sizes,
                               const ProjectedLinearRidgeOptions& options,
                               std::vector<double>* losses,
                               std::string* error);

}  // namespace scalebench
