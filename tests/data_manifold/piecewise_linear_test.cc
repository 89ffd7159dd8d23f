// The piecewise-linear learners of the data-manifold targets (harness/learners/piecewise_linear.h)
// and their data (datasets/generators/torus_manifold.h): exactness on affine functions, the h^4
// error law of the grid interpolant, the nested neighbour sweep against separate fits, and the
// errors on bad input.
#include "harness/learners/piecewise_linear.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "datasets/generators/random.h"
#include "datasets/generators/torus_manifold.h"

namespace scalebench {
namespace {

using Catch::Matchers::Contains;

TorusManifold Manifold(int d) {
  TorusManifoldOptions options;
  options.intrinsic_dim = d;
  options.seed = 7;
  return TorusManifold(options);
}

// Mean squared error of the grid interpolant of the manifold's teacher on `points` uniform
// test points.
double GridMse(const TorusManifold& manifold, int side, int points) {
  const int d = manifold.intrinsic_dim();
  PeriodicSimplexInterpolant grid(d, side, std::vector<double>(d, 0.3));
  grid.Fit([&](const double* u) { return manifold.Teacher(u); });
  const Eigen::MatrixXd u = manifold.Draw(MixSeed(5, side), points);
  double sum = 0.0;
  std::vector<double> row(d);
  for (Eigen::Index i = 0; i < u.rows(); ++i) {
    for (int j = 0; j < d; ++j) row[j] = u(i, j);
    const double e = grid(row.data()) - manifold.Teacher(row.data());
    sum += e * e;
  }
  return sum / points;
}

TEST_CASE("the simplex grid interpolant is exact on affine functions and at its nodes",
          "[unit][data_manifold]") {
  for (int d = 1; d <= 4; ++d) {
    CAPTURE(d);
    const int side = 7;
    const std::vector<double> offset = {0.25, 0.5, 0.75, 0.1};
    PeriodicSimplexInterpolant grid(
        d, side, std::vector<double>(offset.begin(), offset.begin() + d));
    REQUIRE(grid.nodes() == static_cast<std::int64_t>(std::pow(side, d)));
    const auto affine = [d](const double* u) {
      double y = 0.5;
      for (int j = 0; j < d; ++j) y += (j + 1.5) * u[j];
      return y;
    };
    grid.Fit(affine);
    // Away from the wrap-around cell (where the periodic grid joins its last and first nodes),
    // every simplex sees nodes of the affine function itself.
    Xoshiro256pp rng(d);
    std::vector<double> u(d);
    for (int i = 0; i < 200; ++i) {
      for (int j = 0; j < d; ++j) {
        u[j] = (offset[j] + (side - 1) * rng.UniformOpen()) / side;
      }
      CHECK(grid(u.data()) == Approx(affine(u.data())).epsilon(1e-12));
    }
    for (std::int64_t node = 0; node < grid.nodes(); node += 5) {
      grid.NodePosition(node, u.data());
      CHECK(grid(u.data()) == Approx(affine(u.data())).epsilon(1e-12));
    }
  }
}

TEST_CASE("halving the grid spacing divides the interpolation MSE by 2^4",
          "[unit][data_manifold]") {
  // On a smooth f the MSE is C h^4 (1 + O(h^2)): the ratio at h and h/2 tends to 16. At
  // m = 48 -> 96 (d = 2) and 32 -> 64 (d = 3) the (2 pi |k| h)^2 corrections are below 2%.
  for (const auto& [d, side] : std::vector<std::pair<int, int>>{{2, 48}, {3, 32}}) {
    CAPTURE(d);
    const TorusManifold manifold = Manifold(d);
    const double coarse = GridMse(manifold, side, 40000);
    const double fine = GridMse(manifold, 2 * side, 40000);
    CHECK(coarse / fine == Approx(16.0).epsilon(0.04));
  }
}

TEST_CASE("the local linear fit is exact on affine functions of the chart",
          "[unit][data_manifold]") {
  for (int d = 1; d <= 3; ++d) {
    CAPTURE(d);
    const TorusManifold manifold = Manifold(d);
    // Points in [0.25, 0.75)^d: displacements stay below 1/2, so no wrap-around.
    Eigen::MatrixXd train_u = 0.25 + 0.5 * manifold.Draw(1, 400).array();
    Eigen::MatrixXd query_u = 0.25 + 0.5 * manifold.Draw(2, 50).array();
    const auto affine = [d](const Eigen::MatrixXd& u) {
      Eigen::VectorXd y = Eigen::VectorXd::Constant(u.rows(), -0.7);
      for (int j = 0; j < d; ++j) y += (2.0 - j) * u.col(j);
      return y;
    };
    Eigen::MatrixXd predictions;
    std::string error;
    REQUIRE(LocalLinearNested(manifold.Embed(train_u),
                              train_u,
                              affine(train_u),
                              manifold.Embed(query_u),
                              query_u,
                              {50, 400},
                              d + 3,
                              &predictions,
                              &error));
    const Eigen::VectorXd truth = affine(query_u);
    for (int s = 0; s < 2; ++s) {
      CHECK((predictions.col(s) - truth).cwiseAbs().maxCoeff() < 1e-10);
    }
  }
}

TEST_CASE("one nested neighbour sweep equals separate fits on each training prefix",
          "[unit][data_manifold]") {
  // 5000 training points cross the learner's 4096-column block, 300 queries its 256-row block.
  const TorusManifold manifold = Manifold(2);
  const Eigen::MatrixXd train_u = manifold.Draw(3, 5000);
  const Eigen::MatrixXd query_u = manifold.Draw(4, 300);
  const Eigen::MatrixXd train_x = manifold.Embed(train_u), query_x = manifold.Embed(query_u);
  const Eigen::VectorXd train_y = manifold.Teacher(train_u);
  const std::vector<std::int64_t> sizes = {40, 4096, 4097, 5000};
  Eigen::MatrixXd nested;
  std::string error;
  REQUIRE(
      LocalLinearNested(train_x, train_u, train_y, query_x, query_u, sizes, 6, &nested, &error));
  for (std::size_t s = 0; s < sizes.size(); ++s) {
    CAPTURE(sizes[s]);
    const Eigen::Index n = sizes[s];
    Eigen::MatrixXd alone;
    REQUIRE(LocalLinearNested(train_x.topRows(n),
                              train_u.topRows(n),
                              train_y.head(n),
                              query_x,
                              query_u,
                              {n},
                              6,
                              &alone,
                              &error));
    // The centring differs (prefix mean), so distances differ in the last bits only.
    CHECK((nested.col(s) - alone.col(0)).cwiseAbs().maxCoeff() < 1e-9);
  }
  // More data, smaller error: the fit resolves f, across the seams of the torus too (the MSE at
  // n = 5000 is ~6e-6 on this teacher; a fit that did not wrap the chart displacement would
  // miss by O(1) within ~0.02 of a seam).
  const Eigen::VectorXd truth = manifold.Teacher(query_u);
  CHECK((nested.col(3) - truth).squaredNorm() < 0.01 * (nested.col(0) - truth).squaredNorm());
  CHECK((nested.col(3) - truth).squaredNorm() / truth.size() < 1e-4);
}

TEST_CASE("the local linear fit is invariant under translations of the flat torus",
          "[unit][data_manifold]") {
  // Without the extra coordinates the embedding is the flat torus, on which a translation of u is
  // a rotation of x: distances, neighbour sets and wrapped displacements are unchanged, so every
  // prediction must be too, including those whose neighbours straddle a seam of the chart.
  TorusManifoldOptions options;
  options.embedding_distortion = 0.0;
  const TorusManifold flat(options);
  const Eigen::MatrixXd train_u = flat.Draw(3, 2000), query_u = flat.Draw(4, 400);
  const Eigen::VectorXd train_y = flat.Teacher(train_u);
  const auto shift = [](Eigen::MatrixXd u) {
    u.col(0).array() += 0.5;
    u.col(1).array() += 0.37;
    return Eigen::MatrixXd(u.array() - u.array().floor());
  };
  Eigen::MatrixXd plain, shifted;
  std::string error;
  REQUIRE(LocalLinearNested(flat.Embed(train_u),
                            train_u,
                            train_y,
                            flat.Embed(query_u),
                            query_u,
                            {200, 2000},
                            6,
                            &plain,
                            &error));
  REQUIRE(LocalLinearNested(flat.Embed(shift(train_u)),
                            shift(train_u),
                            train_y,
                            flat.Embed(shift(query_u)),
                            shift(query_u),
                            {200, 2000},
                            6,
                            &shifted,
                            &error));
  CHECK((plain - shifted).cwiseAbs().maxCoeff() < 1e-9);
}

TEST_CASE("the local linear fit rejects bad input with a reason", "[unit][data_manifold]") {
  const TorusManifold manifold = Manifold(2);
  const Eigen::MatrixXd u = manifold.Draw(1, 100);
  const Eigen::MatrixXd x = manifold.Embed(u);
  const Eigen::VectorXd y = manifold.Teacher(u);
  Eigen::MatrixXd predictions;
  std::string error;
  CHECK_FALSE(LocalLinearNested(x, u, y, x, u, {50, 100}, 3, &predictions, &error));
  CHECK_THAT(error, Contains("neighbours = 3 must be >= d + 2 = 4"));
  CHECK_FALSE(LocalLinearNested(x, u, y, x, u, {50, 200}, 6, &predictions, &error));
  CHECK_THAT(error, Contains("training size 200 must be in [51, 100]"));
  CHECK_FALSE(LocalLinearNested(x, u, y, x, u, {5, 100}, 6, &predictions, &error));
  CHECK_THAT(error, Contains("training size 5 must be in [6, 100]"));
  CHECK_FALSE(LocalLinearNested(x, u, y.head(50), x, u, {50}, 6, &predictions, &error));
  CHECK_THAT(error, Contains("different row counts"));
  CHECK_FALSE(LocalLinearNested(x, u, y, x.leftCols(3), u, {50}, 6, &predictions, &error));
  CHECK_THAT(error, Contains("shapes"));
}

TEST_CASE("the torus manifold: periodic teacher of the stated variance, injective embedding",
          "[unit][data_manifold]") {
  for (int d = 2; d <= 4; ++d) {
    CAPTURE(d);
    const TorusManifold manifold = Manifold(d);
    CHECK(manifold.teacher_modes() == (static_cast<int>(std::pow(3, d)) - 1) / 2);
    const Eigen::MatrixXd u = manifold.Draw(9, 20000);
    // A prefix of a longer draw is the shorter draw.
    CHECK(manifold.Draw(9, 10) == u.topRows(10));
    const Eigen::VectorXd y = manifold.Teacher(u);
    const double variance = (y.array() - y.mean()).square().mean();
    CHECK(variance == Approx(manifold.TeacherVariance()).epsilon(0.05));
    Eigen::MatrixXd shifted = u;
    shifted.col(d - 1).array() += 1.0;
    CHECK((manifold.Teacher(shifted) - y).cwiseAbs().maxCoeff() < 1e-9);
    // |x(u) - x(v)| >= 4 |u - v|_torus, from the flat-torus coordinates alone.
    const Eigen::MatrixXd x = manifold.Embed(u);
    REQUIRE(x.cols() == 32);
    for (Eigen::Index i = 0; i + 1 < 2000; i += 2) {
      Eigen::RowVectorXd du = u.row(i) - u.row(i + 1);
      du = du.array() - (du.array() + 0.5).floor();
      CHECK((x.row(i) - x.row(i + 1)).norm() >= 4.0 * du.norm() - 1e-12);
    }
  }
  TorusManifoldOptions bad;
  bad.intrinsic_dim = 3;
  bad.ambient_dim = 5;
  std::string error;
  CHECK_FALSE(bad.IsValid(&error));
  CHECK_THAT(error, Contains("ambient_dim = 5 must be >= 2 intrinsic_dim = 6"));
}

}  // namespace
}  // namespace scalebench
