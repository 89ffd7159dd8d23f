// The intrinsic-dimension probe: two nearest-neighbour estimators of the dimension d of the
// manifold a point cloud lies on (lit-spectral 4.1, 5.2), the input of the data-manifold theories
// (theories/data_manifold/).
//
// Estimators, on n points x_i (rows of an n x D matrix), with r_j(i) the distance from x_i to its
// j-th nearest neighbour:
//   - TwoNN (Facco, d'Errico, Rodriguez & Laio 2017, Sci. Rep. 7:12140): mu_i = r_2(i) / r_1(i)
//     is Pareto, P(mu) = d mu^-(d+1), i.e. log mu_i ~ Exponential(rate d), whatever the density,
//     as long as it is roughly constant over the two neighbours. Without discarding, the MLE is
//     d = n / sum_i log mu_i. The paper fits only the smallest 90% of the mu (the largest ones
//     come from inhomogeneous or curved neighbourhoods); here that is done the likelihood way:
//     keeping the r = ceil((1 - discard) n) smallest log mu (sorted, x_(1..r)) and treating the
//     rest as censored at x_(r) (type-II censoring of an exponential sample), the MLE is
//         d = r / (sum_{i<=r} x_(i) + (n - r) x_(r)),
//     which stays consistent for an exact Pareto sample (plain truncation would bias d upward).
//     The paper's least-squares line through the origin is not implemented.
//   - Levina & Bickel 2004 MLE (NIPS 17) with the MacKay & Ghahramani (2005) correction: for
//     each point the inverse local estimate
//         s_k(i) = 1/(k-1) sum_{j=1}^{k-1} log(r_k(i) / r_j(i))
//     is averaged over the points (averaging the inverses, unbiased for 1/d under the local
//     Poisson model), d_k = 1 / mean_i s_k(i), and d = mean of d_k over k in [k_min, k_max]
//     (default 10..20, as in Levina & Bickel's experiments).
// Standard errors: a bootstrap over points of the per-point statistics (log mu_i; s_k(i) for all
// k), the neighbour search not rerun (resampled points would be their own duplicates). It
// measures sampling noise only: it ignores that neighbourhoods overlap (slightly too small) and
// says nothing of the estimator's bias (curvature, density change, finite n: the two estimators
// disagree by more than their SEs on real data, and the method text gives both).
//
// Neighbours are exact, by brute force: the data are centred, and the squared distances of a
// block of rows to all points are ||x||^2 + ||y||^2 - 2 X_block Y^T (one GEMM per block, no
// n x n storage). Duplicate points (squared distance <= 1e-12 of the squared norms) are skipped
// as neighbours, so that r_1 > 0; their number is reported. Cost O(n^2 D): 5000 x 784
// (Fashion-MNIST) takes 1.5-3 s on the 2-core development machine, bootstrap included.
//
// Usage:
//   IntrinsicDimensionOptions options;
//   IntrinsicDimensionResult result;
//   std::string error;
//   if (!MeasureIntrinsicDimension(x, options, &result, &error)) ...;
//   result.FillProfile(&profile);  // kIntrinsicDimension = TwoNN (by default), MLE in the method
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>

#include "datasets/profile.h"

namespace scalebench {

enum class IntrinsicDimensionEstimator { kTwoNN, kLevinaBickel };

struct IntrinsicDimensionOptions {
  // TwoNN: share of the largest mu_i treated as censored, in [0, 0.5]; 0: the plain MLE.
  double twonn_discard_fraction = 0.1;
  // Levina-Bickel: neighbour counts averaged over, 2 <= k_min <= k_max < n.
  int mle_k_min = 10;
  int mle_k_max = 20;
  // Bootstrap resamples for the standard errors (>= 2) and their seed.
  int bootstrap_resamples = 200;
  std::uint64_t seed = 1;
  // Rows per distance block (memory: block_rows x n doubles).
  int block_rows = 256;
  // Which estimate goes in the profile's value; the other is given in the method text.
  IntrinsicDimensionEstimator primary = IntrinsicDimensionEstimator::kTwoNN;

  bool IsValid(std::string* error) const;
};

struct IntrinsicDimensionResult {
  int num_points = 0;
  int num_duplicates = 0;  // points with an exact copy in the sample
  Measurement twonn;       // d and its bootstrap SE
  Measurement levina_bickel;
  IntrinsicDimensionEstimator primary = IntrinsicDimensionEstimator::kTwoNN;

  // Sets kIntrinsicDimension to the primary estimate, the other one in its method text.
  void FillProfile(Profile* profile) const;
};

// x: n x D points, one per row. Returns false with a message on bad options, fewer than
// mle_k_max + 2 points, non-finite values, or too many duplicates to find k_max neighbours.
bool MeasureIntrinsicDimension(const Eigen::MatrixXd& x,
                               const IntrinsicDimensionOptions& options,
                               IntrinsicDimensionResult* result,
                               std::string* error);

}  // namespace scalebench
