#include "harness/learners/piecewise_linear.h"

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

#include "common/status.h"

namespace scalebench {
namespace {

using internal::Fail;

// Rows of queries and columns of training points per GEMM block: 256 x 4096 doubles = 8 MB.
constexpr Eigen::Index kQueryBlock = 256;
constexpr Eigen::Index kTrainBlock = 4096;

// The k smallest (squared distance, index) pairs seen so far, sorted by distance.
class TopK {
 public:
  explicit TopK(int k) : k_(k) { entries_.reserve(k); }
  void Offer(double distance, int index) {
    if (static_cast<int>(entries_.size()) == k_ && distance >= entries_.back().first) return;
    if (static_cast<int>(entries_.size()) == k_) entries_.pop_back();
    const auto at =
        std::upper_bound(entries_.begin(),
                         entries_.end(),
                         std::make_pair(distance, index),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
    entries_.insert(at, {distance, index});
  }
  const std::vector<std::pair<double, int>>& entries() const { return entries_; }

 private:
  int k_;
  std::vector<std::pair<double, int>> entries_;
};

// The intercept of the least-squares affine fit y ~ a + b . du on the neighbours, du the chart
// displacement from the query wrapped into [-1/2, 1/2)^d.
bool LocalFit(const TopK& top,
              const Eigen::MatrixXd& train_u,
              const Eigen::VectorXd& train_y,
              const Eigen::MatrixXd& query_u,
              Eigen::Index query,
              double* prediction,
              std::string* error) {
  const int k = static_cast<int>(top.entries().size());
  const Eigen::Index d = train_u.cols();
  Eigen::MatrixXd design(k, d + 1);
  Eigen::VectorXd y(k);
  for (int r = 0; r < k; ++r) {
    const int i = top.entries()[r].second;
    design(r, 0) = 1.0;
    for (Eigen::Index j = 0; j < d; ++j) {
      const double du = train_u(i, j) - query_u(query, j);
      design(r, j + 1) = du - std::floor(du + 0.5);
    }
    y[r] = train_y[i];
  }
  const Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(design);
  if (qr.rank() < d + 1) {
    return Fail(error,
                "the " + std::to_string(k) + " neighbours of query " + std::to_string(query) +
                    " span fewer than " + std::to_string(d) + " chart dimensions (no affine fit)");
  }
  *prediction = qr.solve(y)[0];
  return true;
}

}  // namespace

PeriodicSimplexInterpolant::PeriodicSimplexInterpolant(int dim,
                                                       int side,
                                                       std::vector<double> offset)
    : dim_(dim), side_(side), offset_(std::move(offset)), stride_(dim) {
  std::int64_t count = 1;
  for (int j = 0; j < dim; ++j) {
    stride_[j] = count;
    count *= side;
  }
  values_.assign(count, 0.0);
}

void PeriodicSimplexInterpolant::NodePosition(std::int64_t index, double* u) const {
  for (int j = 0; j < dim_; ++j) {
    u[j] = (static_cast<double>(index % side_) + offset_[j]) / side_;
    index /= side_;
  }
}

void PeriodicSimplexInterpolant::Fit(const std::function<double(const double*)>& f) {
  std::array<double, kMaxDim> u;
  for (std::int64_t i = 0; i < nodes(); ++i) {
    NodePosition(i, u.data());
    values_[i] = f(u.data());
  }
}

double PeriodicSimplexInterpolant::operator()(const double* u) const {
  // Local coordinates t in the cell whose lowest node is `base` (grid index `cell`).
  std::array<double, kMaxDim> t;
  std::array<int, kMaxDim> order;
  std::array<std::int64_t, kMaxDim> cell;
  std::int64_t base = 0;
  for (int j = 0; j < dim_; ++j) {
    const double v = u[j] * side_ - offset_[j];
    const double floor = std::floor(v);
    t[j] = v - floor;
    std::int64_t i = static_cast<std::int64_t>(floor) % side_;
    if (i < 0) i += side_;
    cell[j] = i;
    base += i * stride_[j];
  }
  // Walk the simplex's vertices base, base + e_pi(1), ..., adding the coordinates in decreasing
  // order of t: the barycentric weights are the successive differences of the sorted t.
  std::iota(order.begin(), order.begin() + dim_, 0);
  std::sort(order.begin(), order.begin() + dim_, [&t](int a, int b) { return t[a] > t[b]; });
  double value = (1.0 - t[order[0]]) * values_[base];
  std::int64_t vertex = base;
  for (int r = 0; r < dim_; ++r) {
    const int j = order[r];
    vertex += cell[j] + 1 == side_ ? -(side_ - 1) * stride_[j] : stride_[j];
    const double weight = r + 1 < dim_ ? t[j] - t[order[r + 1]] : t[j];
    value += weight * values_[vertex];
  }
  return value;
}

bool LocalLinearNested(const Eigen::MatrixXd& train_x,
                       const Eigen::MatrixXd& train_u,
                       const Eigen::VectorXd& train_y,
                       const Eigen::MatrixXd& query_x,
                       const Eigen::MatrixXd& query_u,
                       const std::vector<std::int64_t>& sizes,
                       int neighbours,
                       Eigen::MatrixXd* predictions,
                       std::string* error) {
  const Eigen::Index n = train_x.rows(), d = train_u.cols();
  if (train_u.rows() != n || train_y.size() != n) {
    return Fail(error, "training inputs, charts and labels have different row counts");
  }
  if (query_x.cols() != train_x.cols() || query_u.cols() != d || query_u.rows() != query_x.rows()) {
    return Fail(error, "query points do not match the training points' shapes");
  }
  if (neighbours < d + 2) {
    return Fail(error,
                "neighbours = " + std::to_string(neighbours) + " must be >= d + 2 = " +
                    std::to_string(d + 2) + " (more points than the d + 1 affine coefficients)");
  }
  for (std::size_t s = 0; s < sizes.size(); ++s) {
    const std::int64_t low = s == 0 ? neighbours : sizes[s - 1] + 1;
    if (sizes[s] < low || sizes[s] > n) {
      return Fail(error,
                  "training size " + std::to_string(sizes[s]) + " must be in [" +
                      std::to_string(low) + ", " + std::to_string(n) +
                      "] (increasing, at least the neighbour count, at most the rows drawn)");
    }
  }
  const Eigen::Index n_max = sizes.empty() ? 0 : sizes.back();
  const Eigen::Index queries = query_x.rows();
  predictions->resize(queries, static_cast<Eigen::Index>(sizes.size()));
  // Centring shrinks the norms and with them the cancellation in |x|^2 + |y|^2 - 2 x.y.
  const Eigen::RowVectorXd mean = train_x.topRows(n_max).colwise().mean();
  const Eigen::MatrixXd train = train_x.topRows(n_max).rowwise() - mean;
  const Eigen::VectorXd train_norms = train.rowwise().squaredNorm();
  for (Eigen::Index q0 = 0; q0 < queries; q0 += kQueryBlock) {
    const Eigen::Index rows = std::min(kQueryBlock, queries - q0);
    const Eigen::MatrixXd query = query_x.middleRows(q0, rows).rowwise() - mean;
    const Eigen::VectorXd query_norms = query.rowwise().squaredNorm();
    std::vector<TopK> top(rows, TopK(neighbours));
    std::size_t next = 0;  // the next size to read off, shared by the block's rows
    for (Eigen::Index c0 = 0; c0 < n_max; c0 += kTrainBlock) {
      const Eigen::Index cols = std::min(kTrainBlock, n_max - c0);
      // cols x rows, so that one query's distances are contiguous.
      const Eigen::MatrixXd gram = train.middleRows(c0, cols) * query.transpose();
      std::size_t block_next = next;
      for (Eigen::Index r = 0; r < rows; ++r) {
        std::size_t s = next;
        for (Eigen::Index c = 0; c < cols; ++c) {
          const Eigen::Index i = c0 + c;
          top[r].Offer(query_norms[r] + train_norms[i] - 2.0 * gram(c, r), static_cast<int>(i));
          if (s < sizes.size() && i + 1 == sizes[s]) {
            if (!LocalFit(
                    top[r], train_u, train_y, query_u, q0 + r, &(*predictions)(q0 + r, s), error)) {
              return false;
            }
            ++s;
          }
        }
        block_next = s;
      }
      next = block_next;
    }
  }
  return true;
}

}  // namespace scalebench
