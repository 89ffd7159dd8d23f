// The exact targets "data_manifold/torus_d<d>" (d = 2, 3, 4): the model Sharma & Kaplan's (2022,
// "Scaling Laws from the Data Manifold Dimension", arXiv:2004.10802) resolution-limited exponent
// 4/d was derived on, the home of theories/data_manifold/sharma_kaplan.cc. A smooth function on a
// d-dimensional manifold embedded in R^D, learned by piecewise-linear models; the test MSE
// (noiseless labels) falls as size^-(4/d) on both axes (Bahri, Dyer, Kaplan, Lee & Sharma 2021,
// arXiv:2102.06701: the resolution-limited model and data regimes, estimate 4/d).
//
// Data (datasets/generators/torus_manifold.h): u uniform on the flat torus [0, 1)^d, embedded in
// R^32 by the flat-torus coordinates plus 32 - 2d random low-frequency cosines of u (no
// self-intersection; a curved, unevenly stretched surface on which the points are not uniform),
// teacher f(u) a fixed random trigonometric polynomial of the lowest frequencies, |k|_inf <= 1
// (analytic, periodic, variance 1 in expectation). Why a torus: no boundary, so the interpolation
// error has no boundary layer and the exponent is 4/d in the limit without boundary terms.
//
// Learners (harness/learners/piecewise_linear.h); loss = mean of (f - model)^2 over
// `test_points` fresh uniform test points per run (own stream), zero-offset power-law fit:
//   params axis: the piecewise-linear interpolant of f on the Kuhn triangulation of a periodic
//     grid of m^d nodes (N = m^d parameters, the node values; spacing h = 1/m = N^(-1/d)), fitted
//     to the exact, noiseless f at the nodes: infinite data (train_size = infinity in the spec,
//     the theory's D >> N regime). Each seed shifts the grid by a random offset and draws its own
//     test points. On a simplex of size h the linear interpolation error of a C^2 function is
//     O(h^2 |Hessian|), so the MSE is C h^4 (1 + O((2 pi |k| h)^2)) = C N^(-4/d) (1 + ...).
//   data axis: local linear regression on the k = 8 nearest training points (ambient distance in
//     R^32) in chart coordinates, piecewise linear on ~n pieces (see the learner), nested prefixes
//     of one training stream per seed. The neighbourhood radius is ~(k/n)^(1/d) and the error of
//     the affine fit O(radius^2), so MSE ~ n^-(4/d), with corrections that fall only as a power
//     of the radius (the neighbours are chosen by ambient distance, which differs from the chart
//     metric at higher order, and higher derivatives of f enter). The model is nonparametric,
//     never smaller than its data (features = infinity: the theory's N >> D regime). k = d + 2
//     (the fewest above the d + 1 affine coefficients) gives heavy-tailed errors from
//     near-degenerate neighbour sets (measured at d = 3: seed spread of log-loss up to 2.3
//     against 0.1 at k = 8); k = 16 bends the curve longer. k = 8 for every d.
//
// Profile: the intrinsic-dimension probe (datasets/probes/intrinsic_dimension.h: TwoNN, with the
// Levina-Bickel MLE in the method text) on `probe_points` embedded points x in R^32 from a stream
// no run sees; the probe never sees u. Label noise 0 by construction. Oracle: d itself.
//
// Sizes and finite-size allowance (data_manifold.cc). The grids sit where the local log-log slopes
// have (nearly) reached 4/d; the reference sweeps (data_manifold/torus_d<d>_reference: the grids
// extended upwards, 10 independent seeds, committed in results/cache) measured, fitted over the
// registered grid (params; data), against 4/d = 2, 1.333, 1:
//   d = 2: 1.994 +- 0.001; 1.969 +- 0.007   (data local slopes 1.89-2.04, 2.00 above n = 5000)
//   d = 3: 1.329 +- 0.001; 1.307 +- 0.005   (data local slopes 1.27 at n = 1000 to 1.33)
//   d = 4: 0.981 +- 0.001; 0.961 +- 0.003   (local slopes rise to 0.999 / 1.003 one step beyond)
// so a finite-size bias of up to 0.04 remains, and each variant states its allowance
// (|4/d - fitted| + 2 SE, rounded up: params 0.01, 0.01, 0.03; data 0.05, 0.04, 0.05).
// Cost (measured cold, user CPU): torus_d2 5 s (default suite); d3 15 s and d4 56 s (full).
//
// Usage:
//   DataManifoldOptions options;          // the d = 2 variant's settings
//   options.manifold.intrinsic_dim = 3;
//   DataManifoldTarget target(options);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "datasets/generators/torus_manifold.h"
#include "harness/targets/target.h"

namespace scalebench {

struct DataManifoldOptions {
  TorusManifoldOptions manifold;
  // Params axis: grid nodes per side m; the axis sizes are N = m^d.
  SizeGrid grid_sides = SizeGrid::Log(8, 64, 7);
  // Data axis: training-set sizes n (nested prefixes of one stream per seed).
  SizeGrid data_sizes = SizeGrid::Log(320, 20480, 7);
  int seeds = 8;
  int neighbours = 8;  // k of the local linear fit
  int test_points = 4000;
  std::uint64_t seed_base = 2004108;  // the streams of every run and of the probe
  int probe_points = 5000;

  template <typename Fields>
  void Visit(Fields& f) {
    f.Both("manifold", manifold);
    f.Design("grid_sides", grid_sides)
        .Check(grid_sides.empty() || grid_sides.front() >= 2, "of sides >= 2")
        .Check(grid_sides.empty() || GridNodes(grid_sides.back()) <= kMaxGridNodes,
               "of sides with m^d <= " + FieldValueText(kMaxGridNodes) + " nodes");
    f.Design("data_sizes", data_sizes)
        .Check(data_sizes.empty() || data_sizes.front() >= neighbours,
               "of sizes >= neighbours = " + FieldValueText(neighbours));
    f.Design("seeds", seeds).AtLeast(2);
    f.Curve("neighbours", neighbours)
        .Check(neighbours >= manifold.intrinsic_dim + 2,
               ">= d + 2 = " + FieldValueText(manifold.intrinsic_dim + 2) +
                   " (more points than the d + 1 affine coefficients)")
        .AtMost(256);
    f.Curve("test_points", test_points).AtLeast(100);
    f.Both("seed_base", seed_base);
    f.Profile("probe_points", probe_points).AtLeast(100).AtMost(20000);
  }

  static constexpr std::int64_t kMaxGridNodes = 1 << 24;
  // m^d, saturating above kMaxGridNodes.
  std::int64_t GridNodes(std::int64_t side) const;
};

class DataManifoldTarget final : public TargetWith<DataManifoldOptions> {
 public:
  // Precondition: options valid (the registry checks).
  explicit DataManifoldTarget(const DataManifoldOptions& options);

  TargetInfo Describe() const override;
  std::vector<AxisDesign> Designs() const override;
  ProfileResult MeasureProfile(const RunContext& context) const override;
  // One run per seed on either axis, the loss at every size of the grid.
  RunResult Run(const AxisDesign& design,
                const RunPoint& point,
                const DesignData* data,
                const RunContext& context) const override;
  // d exactly.
  std::optional<Profile> OracleProfile() const override;

  const TorusManifold& manifold() const { return manifold_; }

 private:
  RunResult RunParams(const RunPoint& point) const;
  RunResult RunData(const RunPoint& point) const;
  // The test points of one run of `axis` and seed: u (rows) and f(u).
  void TestSet(Axis axis, std::uint64_t seed, Eigen::MatrixXd* u, Eigen::VectorXd* y) const;

  TorusManifold manifold_;
};

}  // namespace scalebench
