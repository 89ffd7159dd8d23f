// Piecewise-linear learners of a function on the torus T^d = [0, 1)^d (chart coordinates u,
// period 1), the models of Sharma & Kaplan's (2022) resolution-limited argument: a model that
// cuts a d-dimensional manifold into pieces of linear size s and is linear on each has an error
// O(s^2) per point on a smooth target, so its MSE falls as s^4. Used by the data-manifold targets
// (harness/targets/data_manifold.h).
//
// PeriodicSimplexInterpolant (the params axis): the values of f at the N = m^d nodes
// (i + offset) / m, i in {0..m-1}^d, interpolated linearly on the simplices of the Kuhn
// (Freudenthal) triangulation of each grid cell: the d! simplices {t_pi(1) >= ... >= t_pi(d)} of
// the cell's local coordinates t in [0, 1)^d. The interpolant is continuous, exactly linear on each
// simplex (exact on affine functions), and evaluates with d + 1 nodes after one sort of t. Its
// parameters are the N node values; spacing h = 1/m = N^(-1/d).
//
// LocalLinearNested (the data axis): for each query point, the k training points nearest in the
// ambient space R^D (the learner finds neighbours where the data live, not in the chart) among the
// first n of the training set, and the least-squares affine fit y ~ a + b . du on them, du the
// chart displacement from the query wrapped into [-1/2, 1/2)^d; the prediction is a. Wherever
// the k-neighbour set is constant the prediction is one affine function of u, so the model is
// piecewise linear on ~n pieces of size ~n^(-1/d) (an order-k Voronoi partition) and exact on
// affine functions of u; it never has fewer parameters than the data (features: unbounded).
// Neighbours are exact (brute force by GEMM blocks); every size n of the grid is read off one
// pass over the training set in order (a running top-k per query), so nested prefixes cost one
// sweep. Cost O(queries x n_max x D).
//
// Usage:
//   PeriodicSimplexInterpolant grid(d, m, offset);
//   grid.Fit(f);                              // f(const double* u) at the N nodes
//   double y = grid(u);                       // u: d coordinates
//   Eigen::MatrixXd predictions;              // queries x sizes
//   LocalLinearNested(train_x, train_u, train_y, query_x, query_u, {100, 1000}, 8,
//                     &predictions, &error);
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace scalebench {

class PeriodicSimplexInterpolant {
 public:
  static constexpr int kMaxDim = 16;
  // Precondition: 1 <= dim <= kMaxDim, side >= 2, side^dim fits in memory, offset has dim entries
  // in [0, 1) (in units of the spacing 1/side). The node values start at 0.
  PeriodicSimplexInterpolant(int dim, int side, std::vector<double> offset);

  int dim() const { return dim_; }
  int side() const { return side_; }
  std::int64_t nodes() const { return static_cast<std::int64_t>(values_.size()); }
  // The position (i_j + offset_j) / side of node index = sum_j i_j side^j, into u[0..dim).
  void NodePosition(std::int64_t index, double* u) const;
  // Sets every node's value to f at its position.
  void Fit(const std::function<double(const double*)>& f);
  // The interpolant at u (dim coordinates, any real: the grid is periodic with period 1).
  double operator()(const double* u) const;

 private:
  int dim_;
  int side_;
  std::vector<double> offset_;
  std::vector<std::int64_t> stride_;  // side^j
  std::vector<double> values_;
};

// predictions(q, s): the local linear prediction at query q from the first sizes[s] training
// points, with `neighbours` = k nearest. Rows of the *_x matrices are ambient points (same D),
// rows of the *_u matrices chart coordinates (same d). False with a reason when the shapes
// disagree, k < d + 2, the sizes are not increasing in [k, training rows], or the k neighbours of
// a query span fewer than d dimensions (no affine fit).
bool LocalLinearNested(const Eigen::MatrixXd& train_x,
                       const Eigen::MatrixXd& train_u,
                       const Eigen::VectorXd& train_y,
                       const Eigen::MatrixXd& query_x,
                       const Eigen::MatrixXd& query_u,
                       const std::vector<std::int64_t>& sizes,
                       int neighbours,
                       Eigen::MatrixXd* predictions,
                       std::string* error);

}  // namespace scalebench
