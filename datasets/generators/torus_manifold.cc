#include "datasets/generators/torus_manifold.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "datasets/generators/random.h"

namespace scalebench {
namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;
// Streams of the coefficient draws, under options.seed.
constexpr std::uint64_t kTeacherStream = 1;
constexpr std::uint64_t kEmbeddingStream = 2;

// Uniform integer in [-limit, limit].
int UniformInteger(Xoshiro256pp& rng, int limit) {
  const int count = 2 * limit + 1;
  return std::min(count - 1, static_cast<int>(rng.UniformOpen() * count)) - limit;
}

}  // namespace

TorusManifold::TorusManifold(const TorusManifoldOptions& options) : options_(options) {
  const int d = options.intrinsic_dim;
  // Teacher modes: every k in [-K, K]^d but 0, one of each pair (k, -k) (the first non-zero
  // component positive), enumerated in a fixed order.
  const int K = options.teacher_frequency;
  std::vector<int> k(d, -K);
  Xoshiro256pp teacher_rng(MixSeed(options.seed, kTeacherStream));
  std::vector<std::vector<int>> modes;
  while (true) {
    int first = 0;
    for (int j = 0; j < d && first == 0; ++j) first = k[j];
    if (first > 0) modes.push_back(k);
    int j = 0;
    for (; j < d && k[j] == K; ++j) k[j] = -K;
    if (j == d) break;
    ++k[j];
  }
  const double scale = std::sqrt(2.0 / static_cast<double>(modes.size()));
  for (const std::vector<int>& mode : modes) {
    Mode m;
    for (int kj : mode) m.frequency.push_back(kTwoPi * kj);
    m.amplitude = scale * StandardNormal(teacher_rng);
    m.phase = kTwoPi * teacher_rng.UniformOpen();
    teacher_.push_back(std::move(m));
  }
  Xoshiro256pp embedding_rng(MixSeed(options.seed, kEmbeddingStream));
  const int extra = options.ambient_dim - 2 * d;
  for (int l = 0; l < extra; ++l) {
    Mode m;
    bool zero = true;
    while (zero) {
      m.frequency.assign(d, 0.0);
      for (int j = 0; j < d; ++j) {
        const int kj = UniformInteger(embedding_rng, options.embedding_frequency);
        m.frequency[j] = kTwoPi * kj;
        zero = zero && kj == 0;
      }
    }
    m.amplitude = options.embedding_distortion / std::sqrt(static_cast<double>(extra));
    m.phase = kTwoPi * embedding_rng.UniformOpen();
    embedding_.push_back(std::move(m));
  }
}

double TorusManifold::Evaluate(const Mode& mode, const double* u, int d) {
  double angle = mode.phase;
  for (int j = 0; j < d; ++j) angle += mode.frequency[j] * u[j];
  return mode.amplitude * std::cos(angle);
}

Eigen::MatrixXd TorusManifold::Draw(std::uint64_t stream, int n) const {
  const int d = options_.intrinsic_dim;
  Xoshiro256pp rng(stream);
  Eigen::MatrixXd u(n, d);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < d; ++j) u(i, j) = rng.UniformOpen();
  }
  return u;
}

Eigen::MatrixXd TorusManifold::Embed(const Eigen::MatrixXd& u) const {
  const int d = options_.intrinsic_dim;
  Eigen::MatrixXd x(u.rows(), options_.ambient_dim);
  std::vector<double> row(d);
  for (Eigen::Index i = 0; i < u.rows(); ++i) {
    for (int j = 0; j < d; ++j) {
      row[j] = u(i, j);
      x(i, 2 * j) = std::cos(kTwoPi * u(i, j));
      x(i, 2 * j + 1) = std::sin(kTwoPi * u(i, j));
    }
    for (std::size_t l = 0; l < embedding_.size(); ++l) {
      x(i, 2 * d + static_cast<Eigen::Index>(l)) = Evaluate(embedding_[l], row.data(), d);
    }
  }
  return x;
}

double TorusManifold::Teacher(const double* u) const {
  double y = 0.0;
  for (const Mode& mode : teacher_) y += Evaluate(mode, u, options_.intrinsic_dim);
  return y;
}

Eigen::VectorXd TorusManifold::Teacher(const Eigen::MatrixXd& u) const {
  const int d = options_.intrinsic_dim;
  Eigen::VectorXd y(u.rows());
  std::vector<double> row(d);
  for (Eigen::Index i = 0; i < u.rows(); ++i) {
    for (int j = 0; j < d; ++j) row[j] = u(i, j);
    y[i] = Teacher(row.data());
  }
  return y;
}

double TorusManifold::TeacherVariance() const {
  double variance = 0.0;
  for (const Mode& mode : teacher_) variance += 0.5 * mode.amplitude * mode.amplitude;
  return variance;
}

}  // namespace scalebench
