#include "harness/learners/linear_random_features.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/fields.h"
#include "common/size_grid.h"
#include "harness/learners/nested_gram.h"

namespace scalebench {
namespace {

// Column blocks of S: large enough for an efficient GEMM, small enough to stay in cache-sized
// memory (N x 1024 doubles).
constexpr int kBlock = 1024;

}  // namespace

bool LinearRandomFeaturesCurve(const Eigen::MatrixXd& inputs,
                               const Eigen::VectorXd& labels,
                               const Eigen::VectorXd& eigenvalues,
                               const Eigen::VectorXd& teacher,
                               int num_features,
                               const FeatureBlockFn& feature_block,
                               const std::vector<int>& sizes,
                               const LinearRandomFeaturesOptions& options,
                               std::vector<double>* losses,
                               std::string* error) {
  if (!ValidateFields(options, error)) return false;
  const int d = static_cast<int>(inputs.cols());
  const int rows = static_cast<int>(inputs.rows());
  if (eigenvalues.size() != d || teacher.size() != d || labels.size() != rows) {
    *error = "eigenvalues, teacher and labels must match the inputs' shape";
    return false;
  }
  if (!SizeGrid::CheckWithin(sizes, rows, error)) return false;
  if (sizes.back() >= num_features) {
    *error = fmt::format(
        "size {} must be < N = {} features (the minimum-norm side of the double descent)",
        sizes.back(),
        num_features);
    return false;
  }
  const int t_max = sizes.back();

  // Z = X S^T over blocks of S's columns.
  Eigen::MatrixXd z = Eigen::MatrixXd::Zero(t_max, num_features);
  Eigen::MatrixXd block;
  for (int first = 0; first < d; first += kBlock) {
    const int count = std::min(kBlock, d - first);
    feature_block(first, count, &block);
    z.noalias() += inputs.topRows(t_max).middleCols(first, count) * block.transpose();
  }

  // theta_T = Z_T^T (Z_T Z_T^T + ridge)^-1 y_T for every T, one Cholesky for all.
  const internal::NestedGramSolver solver(z, t_max, options.ridge);
  Eigen::MatrixXd theta(num_features, static_cast<Eigen::Index>(sizes.size()));
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const int t = sizes[i];
    theta.col(i).noalias() = z.topRows(t).transpose() * solver.Solve(t, labels.head(t));
  }

  // v = S^T theta - w over the same blocks; loss = sum_k lambda_k v_k^2.
  Eigen::VectorXd loss = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(sizes.size()));
  for (int first = 0; first < d; first += kBlock) {
    const int count = std::min(kBlock, d - first);
    feature_block(first, count, &block);
    Eigen::MatrixXd v = block.transpose() * theta;  // count x sizes
    v.colwise() -= teacher.segment(first, count);
    loss.noalias() += v.cwiseAbs2().transpose() * eigenvalues.segment(first, count);
  }
  losses->assign(loss.data(), loss.data() + loss.size());
  return true;
}

}  // namespace scalebench
