#include "harness/learners/linear_ridge.h"

#include <Eigen/QR>
#include <cmath>
#include <memory>
#include <sstream>

#include "common/size_grid.h"
#include "common/status.h"
#include "harness/learners/nested_gram.h"

namespace scalebench {
namespace {

using internal::Fail;

double ExcessMse(const Eigen::VectorXd& w_hat,
                 const Eigen::VectorXd& teacher,
                 const Eigen::VectorXd& covariance_diagonal) {
  return covariance_diagonal.dot((w_hat - teacher).cwiseAbs2());
}

}  // namespace

bool LinearRidgeOptions::IsValid(std::string* error) const {
  if (ridge >= 0.0 && std::isfinite(ridge)) return true;
  std::ostringstream message;
  message << "ridge = " << ridge << " must be finite and >= 0";
  return Fail(error, message.str());
}

bool LinearRidgeCurve(const Eigen::MatrixXd& inputs,
                      const Eigen::VectorXd& labels,
                      const Eigen::VectorXd& covariance_diagonal,
                      const Eigen::VectorXd& teacher,
                      const std::vector<int>& sizes,
                      const LinearRidgeOptions& options,
                      std::vector<double>* losses,
                      std::string* error) {
  if (!options.IsValid(error)) return false;
  const int d = static_cast<int>(inputs.cols());
  if (labels.size() != inputs.rows()) return Fail(error, "labels and inputs differ in rows");
  if (covariance_diagonal.size() != d || teacher.size() != d) {
    return Fail(error, "covariance_diagonal and teacher must have inputs.cols() entries");
  }
  if (!SizeGrid::CheckWithin(sizes, inputs.rows(), error)) return false;

  // Sizes that take the dual form share one factorisation of the largest of them.
  auto is_dual = [&](int p) { return p < d || options.ridge > 0.0; };
  int dual_max = 0;
  for (int p : sizes) {
    if (is_dual(p)) dual_max = p;
  }
  std::unique_ptr<internal::NestedGramSolver> solver;
  if (dual_max > 0) {
    solver = std::make_unique<internal::NestedGramSolver>(inputs, dual_max, options.ridge);
  }

  losses->clear();
  for (int p : sizes) {
    const auto x = inputs.topRows(p);
    Eigen::VectorXd w_hat;
    if (is_dual(p)) {
      w_hat.noalias() = x.transpose() * solver->Solve(p, labels.head(p));
    } else {
      w_hat = x.colPivHouseholderQr().solve(labels.head(p));
    }
    losses->push_back(ExcessMse(w_hat, teacher, covariance_diagonal));
  }
  return true;
}

}  // namespace scalebench
