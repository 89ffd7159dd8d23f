#include "harness/learners/nested_gram.h"

#include <Eigen/QR>

namespace scalebench::internal {

NestedGramSolver::NestedGramSolver(const Eigen::MatrixXd& a, int max_rows, double ridge) {
  const auto rows = a.topRows(max_rows);
  gram_.resize(max_rows, max_rows);
  // A full GEMM, not a triangular rank update: Eigen parallelises only the general product, and
  // on two threads it is the faster of the two (bench/target_benchmark.cc).
  gram_.noalias() = rows * rows.transpose();
  gram_.diagonal().array() += ridge;
  Eigen::LLT<Eigen::MatrixXd> llt(gram_);
  cholesky_ok_ = llt.info() == Eigen::Success;
  if (cholesky_ok_) factor_ = llt.matrixL();
}

Eigen::VectorXd NestedGramSolver::Solve(int rows, const Eigen::VectorXd& rhs) const {
  if (!cholesky_ok_) {
    return gram_.topLeftCorner(rows, rows).completeOrthogonalDecomposition().solve(rhs);
  }
  const auto l = factor_.topLeftCorner(rows, rows).triangularView<Eigen::Lower>();
  Eigen::VectorXd x = l.solve(rhs);
  l.transpose().solveInPlace(x);
  return x;
}

}  // namespace scalebench::internal
