// Implementation of the intrinsic-dimension probe (see intrinsic_dimension.h for the estimators).
#include "datasets/probes/intrinsic_dimension.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <vector>

#include "common/format.h"
#include "common/status.h"
#include "datasets/generators/random.h"
#include "datasets/probes/probe_info.h"

namespace scalebench {
namespace {

using internal::Fail;
using internal::Fixed;

// Squared distances to the k nearest neighbours of every point, increasing along each row.
struct Neighbours {
  Eigen::MatrixXd squared;  // n x k
  int duplicates = 0;       // points with an exact copy elsewhere in the sample
};

// Nearest k neighbours of the rows [begin, begin + rows) of `x` (centred). Candidates are ranked
// by the GEMM distances; the k kept are recomputed exactly, so close pairs lose no precision to
// the cancellation in ||x||^2 + ||y||^2 - 2 x.y.
bool BlockNeighbours(const Eigen::MatrixXd& x,
                     const Eigen::VectorXd& norms,
                     Eigen::Index begin,
                     Eigen::Index rows,
                     int k,
                     Neighbours* out,
                     std::string* error) {
  const Eigen::Index n = x.rows();
  const Eigen::MatrixXd gram = x.middleRows(begin, rows) * x.transpose();  // rows x n
  std::vector<double> d2(n);
  std::vector<int> candidates;
  candidates.reserve(n);
  for (Eigen::Index r = 0; r < rows; ++r) {
    const Eigen::Index i = begin + r;
    candidates.clear();
    bool duplicate = false;
    for (Eigen::Index j = 0; j < n; ++j) {
      d2[j] = norms[i] + norms[j] - 2.0 * gram(r, j);
      if (j == i) continue;
      // An exact copy has d2 ~ 1e-16 ||x||^2 from rounding: skip it like the point itself.
      if (d2[j] <= 1e-12 * (norms[i] + norms[j])) {
        duplicate = true;
        continue;
      }
      candidates.push_back(static_cast<int>(j));
    }
    if (static_cast<int>(candidates.size()) < k) {
      return Fail(error,
                  "point " + std::to_string(i) + " has fewer than " + std::to_string(k) +
                      " distinct neighbours (too many duplicate points)");
    }
    auto closer = [&](int a, int b) { return d2[a] < d2[b]; };
    std::nth_element(candidates.begin(), candidates.begin() + (k - 1), candidates.end(), closer);
    std::vector<double> exact(k);
    for (int j = 0; j < k; ++j) exact[j] = (x.row(i) - x.row(candidates[j])).squaredNorm();
    std::sort(exact.begin(), exact.end());
    for (int j = 0; j < k; ++j) out->squared(i, j) = exact[j];
    out->duplicates += duplicate ? 1 : 0;
  }
  return true;
}

bool FindNeighbours(
    const Eigen::MatrixXd& points, int k, int block_rows, Neighbours* out, std::string* error) {
  // Centring shrinks the norms, and with them the cancellation error of the GEMM distances.
  const Eigen::MatrixXd x = points.rowwise() - points.colwise().mean();
  const Eigen::VectorXd norms = x.rowwise().squaredNorm();
  const Eigen::Index n = x.rows();
  out->squared.resize(n, k);
  out->duplicates = 0;
  for (Eigen::Index begin = 0; begin < n; begin += block_rows) {
    const Eigen::Index rows = std::min<Eigen::Index>(block_rows, n - begin);
    if (!BlockNeighbours(x, norms, begin, rows, k, out, error)) return false;
  }
  return true;
}

// TwoNN censored MLE on the log ratios (see the header): r / (sum of the r smallest + (n - r)
// times the r-th smallest). `logs` is reordered.
double TwoNNEstimate(std::vector<double>* logs, double discard_fraction) {
  const std::size_t n = logs->size();
  const std::size_t r = std::max<std::size_t>(
      1, static_cast<std::size_t>(std::ceil((1.0 - discard_fraction) * double(n) - 1e-9)));
  std::nth_element(logs->begin(), logs->begin() + (r - 1), logs->end());
  const double cut = (*logs)[r - 1];
  const double kept = std::accumulate(logs->begin(), logs->begin() + r, 0.0);
  const double total = kept + double(n - r) * cut;
  return total > 0.0 ? double(r) / total : std::numeric_limits<double>::infinity();
}

// Levina-Bickel: d = mean over k of 1 / mean_i s_k(i); `inverse` is n x (k_max - k_min + 1).
double LevinaBickelEstimate(const Eigen::MatrixXd& inverse) {
  const Eigen::VectorXd means = inverse.colwise().mean().transpose();
  return means.cwiseInverse().mean();
}

// s_k(i) = log r_k - 1/(k-1) sum_{j<k} log r_j, for k in [k_min, k_max].
Eigen::MatrixXd LevinaBickelInverses(const Neighbours& nb, int k_min, int k_max) {
  const Eigen::Index n = nb.squared.rows();
  Eigen::MatrixXd inverse(n, k_max - k_min + 1);
  for (Eigen::Index i = 0; i < n; ++i) {
    double cumulative = 0.0;  // sum_{j<k} log r_j
    for (int k = 1; k <= k_max; ++k) {
      const double log_r = 0.5 * std::log(nb.squared(i, k - 1));
      if (k >= k_min) inverse(i, k - k_min) = log_r - cumulative / (k - 1);
      cumulative += log_r;
    }
  }
  return inverse;
}

// Bootstrap SE of both estimators over points (same resampled points for both).
void BootstrapErrors(const std::vector<double>& logs,
                     const Eigen::MatrixXd& inverse,
                     const IntrinsicDimensionOptions& options,
                     double* se_twonn,
                     double* se_lb) {
  const int n = static_cast<int>(logs.size());
  Xoshiro256pp rng(MixSeed(options.seed, 0x1d));
  std::vector<double> twonn, lb;
  std::vector<double> resampled_logs(n);
  Eigen::MatrixXd resampled(n, inverse.cols());
  for (int b = 0; b < options.bootstrap_resamples; ++b) {
    for (int i = 0; i < n; ++i) {
      const int pick = std::min(n - 1, static_cast<int>(rng.UniformOpen() * n));
      resampled_logs[i] = logs[pick];
      resampled.row(i) = inverse.row(pick);
    }
    twonn.push_back(TwoNNEstimate(&resampled_logs, options.twonn_discard_fraction));
    lb.push_back(LevinaBickelEstimate(resampled));
  }
  auto sd = [](const std::vector<double>& v) {
    const double mean = std::accumulate(v.begin(), v.end(), 0.0) / v.size();
    double ss = 0.0;
    for (double x : v) ss += (x - mean) * (x - mean);
    return std::sqrt(ss / (v.size() - 1));
  };
  *se_twonn = sd(twonn);
  *se_lb = sd(lb);
}

std::string TwoNNMethod(const IntrinsicDimensionOptions& options) {
  return "TwoNN (Facco et al. 2017), MLE with the largest " +
         Fixed(100.0 * options.twonn_discard_fraction, 0) + "% of r2/r1 censored";
}

std::string LevinaBickelMethod(const IntrinsicDimensionOptions& options) {
  return "Levina-Bickel MLE (MacKay-Ghahramani averaging), k " + std::to_string(options.mle_k_min) +
         ".." + std::to_string(options.mle_k_max);
}

}  // namespace

bool IntrinsicDimensionOptions::IsValid(std::string* error) const {
  if (!(twonn_discard_fraction >= 0.0 && twonn_discard_fraction <= 0.5)) {
    return Fail(error,
                "IntrinsicDimensionOptions.twonn_discard_fraction = " +
                    std::to_string(twonn_discard_fraction) + ": must be in [0, 0.5]");
  }
  if (mle_k_min < 2) {
    return Fail(error,
                "IntrinsicDimensionOptions.mle_k_min = " + std::to_string(mle_k_min) +
                    ": must be >= 2 (the estimate averages over the k - 1 closer neighbours)");
  }
  if (mle_k_max < mle_k_min) {
    return Fail(error,
                "IntrinsicDimensionOptions.mle_k_max = " + std::to_string(mle_k_max) +
                    ": must be >= mle_k_min = " + std::to_string(mle_k_min));
  }
  if (bootstrap_resamples < 2) {
    return Fail(error,
                "IntrinsicDimensionOptions.bootstrap_resamples = " +
                    std::to_string(bootstrap_resamples) + ": must be >= 2");
  }
  if (block_rows < 1) {
    return Fail(
        error,
        "IntrinsicDimensionOptions.block_rows = " + std::to_string(block_rows) + ": must be >= 1");
  }
  return true;
}

bool MeasureIntrinsicDimension(const Eigen::MatrixXd& x,
                               const IntrinsicDimensionOptions& options,
                               IntrinsicDimensionResult* result,
                               std::string* error) {
  if (!options.IsValid(error)) return false;
  const int k = std::max(2, options.mle_k_max);
  if (x.rows() < k + 2) {
    return Fail(error,
                "intrinsic dimension needs at least mle_k_max + 2 = " + std::to_string(k + 2) +
                    " points, got " + std::to_string(x.rows()));
  }
  if (!x.allFinite()) {
    return Fail(error, "intrinsic dimension: the points contain non-finite values");
  }
  Neighbours nb;
  if (!FindNeighbours(x, k, options.block_rows, &nb, error)) return false;
  const Eigen::Index n = x.rows();
  std::vector<double> logs(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    logs[i] = 0.5 * std::log(nb.squared(i, 1) / nb.squared(i, 0));  // log(r_2 / r_1)
  }
  const Eigen::MatrixXd inverse = LevinaBickelInverses(nb, options.mle_k_min, options.mle_k_max);
  std::vector<double> work = logs;
  const double twonn = TwoNNEstimate(&work, options.twonn_discard_fraction);
  if (!std::isfinite(twonn)) {
    return Fail(error, "TwoNN: every r2/r1 ratio is 1 (points on a regular lattice?)");
  }
  double se_twonn = 0.0, se_lb = 0.0;
  BootstrapErrors(logs, inverse, options, &se_twonn, &se_lb);
  const std::string sample = ", n = " + std::to_string(n) + ", SE: bootstrap over points (" +
                             std::to_string(options.bootstrap_resamples) + ")";
  result->num_points = static_cast<int>(n);
  result->num_duplicates = nb.duplicates;
  result->twonn = {twonn, se_twonn, TwoNNMethod(options) + sample};
  result->levina_bickel = {
      LevinaBickelEstimate(inverse), se_lb, LevinaBickelMethod(options) + sample};
  result->primary = options.primary;
  return true;
}

void IntrinsicDimensionResult::FillProfile(Profile* profile) const {
  const bool two_nn = primary == IntrinsicDimensionEstimator::kTwoNN;
  Measurement value = two_nn ? twonn : levina_bickel;
  const Measurement& other = two_nn ? levina_bickel : twonn;
  const std::string other_name = two_nn ? "Levina-Bickel" : "TwoNN";
  value.method +=
      "; " + other_name + " gives " + Fixed(other.value, 2) + " +- " + Fixed(other.std_error, 2);
  if (num_duplicates > 0) {
    value.method +=
        "; " + std::to_string(num_duplicates) + " duplicate points skipped as neighbours";
  }
  profile->Set(Property::kIntrinsicDimension, std::move(value));
}

ProbeInfo IntrinsicDimensionProbeInfo() {
  return {"intrinsic_dimension",
          "datasets/probes/intrinsic_dimension.h",
          "n points x D coordinates",
          "nearest-neighbour estimators (TwoNN, Levina-Bickel MLE) of the manifold dimension",
          {Property::kIntrinsicDimension},
          {}};
}

}  // namespace scalebench
