// The "linear_random_features" learner of Maloney, Roberts & Sully's solvable model (data axis):
// least squares on N linear random features z = S x of Gaussian inputs x ~ N(0, diag(lambda))
// (S: N x d, i.i.d. N(0, 1)), trained on the first T samples of one draw of a linear teacher
// y = w . x; the loss is the population excess MSE |Lambda^1/2 (S^T theta - w)|^2.
// Only T < N, the under-parameterised side of the double descent: theta is the minimum-norm
// solution Z^T (Z Z^T + ridge I)^-1 y, and one Cholesky of the T_max x T_max feature Gram serves
// every T (nested_gram.h). S is never held whole: `feature_block` draws it a block of columns at a
// time, once to accumulate Z = X S^T and once for S^T theta, so a run holds X and Z only.
//
// Usage:
//   auto block = [&](int first, int count, Eigen::MatrixXd* s) {
//     design.SampleStandardNormalBlock(feature_stream, n, first, count, s);
//   };
//   LinearRandomFeaturesCurve(x, y, lambda, w, n, block, {16, 32, 64}, {}, &losses, &error);
#pragma once

#include <Eigen/Core>
#include <functional>
#include <string>
#include <vector>

namespace scalebench {

struct LinearRandomFeaturesOptions {
  double ridge = 0.0;  // >= 0, on the feature Gram Z Z^T

  template <typename Fields>
  void Visit(Fields& f) {
    f.Field("ridge", ridge).AtLeast(0.0).Finite();
  }
};

// Fills *block with columns [first, first + count) of S (num_features rows).
using FeatureBlockFn = std::function<void(int first, int count, Eigen::MatrixXd* block)>;

// inputs: T_max x d; labels: T_max; sizes: strictly increasing T in [1, min(T_max, N - 1)].
// Fills *losses with the population excess MSE at each T; false with *error otherwise.
bool LinearRandomFeaturesCurve(const Eigen::MatrixXd& inputs,
                               const Eigen::VectorXd& labels,
                               const Eigen::VectorXd& eigenvalues,
                               const Eigen::VectorXd& teacher,
                               int num_features,
                               const FeatureBlockFn& feature_block,
                               const std::vector<int>& sizes,
                               const LinearRandomFeaturesOptions& options,
                               std::vector<double>* losses,
                               std::string* error);

}  // namespace scalebench
