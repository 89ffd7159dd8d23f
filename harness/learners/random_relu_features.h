// Random ReLU features and ridge regression on them, for the parameter axis (number of features
// N at a fixed training set) and, through harness/learners/kernel_ridge.h, the data axis.
//
// Features of an input x (d entries): phi_j(x) = relu(w_j . x) / sqrt(N), w_j ~ N(0, I / d), so
// that Phi Phi^T -> the arc-cosine kernel E_w[relu(w . x) relu(w . x')] as N grows. Column j of W
// is drawn from its own stream MixSeed(seed, j): the first N features are the same whatever the
// largest N, so the sizes of a params-axis curve are nested.
// Ridge convention: theta = (Phi^T Phi + ridge I)^-1 Phi^T Y, i.e. kernel ridge with
// K = Phi Phi^T and K + ridge I (the dual form used here), the convention of kernel_ridge.h.
// The 1/sqrt(N) changes with N, so the Gram of N features is (sum over the first N features of
// the unscaled outer products) / N, accumulated block by block in increasing N: one pass over the
// features serves all sizes (the dual Gram per size then costs one P x P Cholesky).
//
// Usage:
//   Eigen::MatrixXd f;
//   UnscaledReluFeatures(x, 4000, seed, &f);           // relu(x W), no 1/sqrt(N)
//   ReluFeatureParamsCurve(f_train, f_test, y_train, y_test, {100, 400, 1600}, 1e-3, &losses, &e);
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

namespace scalebench {

// out = relu(x W) (rows of x: points; n x features), W (d x features) with entries N(0, 1/d)
// from the streams MixSeed(seed, j). Not scaled by 1/sqrt(N).
void UnscaledReluFeatures(const Eigen::MatrixXd& x,
                          int features,
                          std::uint64_t seed,
                          Eigen::MatrixXd* out);

// Params axis: for each N in `sizes` (increasing, <= feature columns) ridge regression on the
// first N features (scaled by 1/sqrt(N)) of the training points, test MSE (squared error summed
// over outputs, mean over test points). f_train: P x N_max, f_test: T x N_max unscaled features.
bool ReluFeatureParamsCurve(const Eigen::MatrixXd& f_train,
                            const Eigen::MatrixXd& f_test,
                            const Eigen::MatrixXd& y_train,
                            const Eigen::MatrixXd& y_test,
                            const std::vector<int>& sizes,
                            double ridge,
                            std::vector<double>* losses,
                            std::string* error);

}  // namespace scalebench
