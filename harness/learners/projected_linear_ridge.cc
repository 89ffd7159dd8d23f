#include "harness/learners/projected_linear_ridge.h"

#include <Eigen/QR>
#include <cmath>
#include <memory>
#include <sstream>

#include "common/size_grid.h"
#include "harness/learners/linear_ridge.h"
#include "harness/learners/nested_gram.h"

namespace scalebench {

bool ProjectedLinearRidgeOptions::IsValid(std::string* error) const {
  if (ridge >= 0.0 && std::isfinite(ridge)) return true;
  if (error != nullptr) {
    std::ostringstream message;
    message << "ridge = " << ridge << " must be finite and >= 0";
    *error = message.str();
  }
  return false;
}

bool ProjectedLinearRidgeCurve(Eigen::MatrixXd* projections,
                               const Eigen::VectorXd& covariance_diagonal,
                               const Eigen::VectorXd& teacher,
                               const std::vector<int>& sizes,
                               const ProjectedLinearRidgeOptions& options,
                               std::vector<double>* losses,
                               std::string* error) {
  if (!options.IsValid(error)) return false;
  const int d = static_cast<int>(projections->cols());
  if (covariance_diagonal.size() != d || teacher.size() != d) {
    if (error != nullptr) *error = "covariance_diagonal and teacher must have d entries";
    return false;
  }
  if (!SizeGrid::CheckWithin(sizes, projections->rows(), error)) return false;

  // In whitened coordinates A = S Sigma^1/2 and u = Sigma^1/2 w the problem is the projection of
  // u on the row space of A_N: theta = (A_N A_N^T + ridge)^-1 A_N u, loss = |A_N^T theta - u|^2.
  const Eigen::VectorXd root = covariance_diagonal.cwiseSqrt();
  projections->array().rowwise() *= root.transpose().array();
  const Eigen::MatrixXd& a = *projections;
  const Eigen::VectorXd u = root.cwiseProduct(teacher);

  auto is_dual = [&](int n) { return n < d || options.ridge > 0.0; };
  int dual_max = 0;
  for (int n : sizes) {
    if (is_dual(n)) dual_max = n;
  }
  std::unique_ptr<internal::NestedGramSolver> solver;
  Eigen::VectorXd c;
  if (dual_max > 0) {
    solver = std::make_unique<internal::NestedGramSolver>(a, dual_max, options.ridge);
    c.noalias() = a.topRows(dual_max) * u;
  }

  losses->clear();
  for (int n : sizes) {
    const auto a_n = a.topRows(n);
    Eigen::VectorXd theta;
    if (is_dual(n)) {
      theta = solver->Solve(n, c.head(n));
    } else {
      theta = a_n.transpose().colPivHouseholderQr().solve(u);
    }
    losses->push_back((a_n.transpose() * theta - u).squaredNorm());
  }
  return true;
}

}  // namespace scalebench
