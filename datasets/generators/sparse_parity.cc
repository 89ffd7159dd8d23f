#include "datasets/generators/sparse_parity.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>

namespace scalebench {

double BinomialCoefficient(int n, int k) {
  double c = 1.0;
  for (int i = 1; i <= k; ++i) c = c * double(n - k + i) / double(i);
  return c;
}

SparseParityTask::SparseParityTask(const SparseParityTaskOptions& options) : options_(options) {
  const int t = options.num_subtasks;
  probabilities_.resize(t);
  double norm = 0.0;
  for (int k = t; k >= 1; --k) norm += std::pow(double(k), -(options.alpha + 1.0));
  for (int k = 1; k <= t; ++k)
    probabilities_[k - 1] = std::pow(double(k), -(options.alpha + 1.0)) / norm;
  cumulative_.resize(t);
  std::partial_sum(probabilities_.begin(), probabilities_.end(), cumulative_.begin());
  cumulative_.back() = 1.0;
  // Distinct random subsets: k distinct bits by rejection, the whole subset redrawn on a repeat.
  Xoshiro256pp rng(MixSeed(options.subset_seed, 0x5u));
  while (int(masks_.size()) < t) {
    std::uint64_t mask = 0;
    while (std::popcount(mask) < options.parity_bits)
      mask |= std::uint64_t(1) << (rng() % options.num_bits);
    if (std::find(masks_.begin(), masks_.end(), mask) == masks_.end()) masks_.push_back(mask);
  }
}

int SparseParityTask::DrawSubtask(Xoshiro256pp& rng) const {
  const double u = rng.UniformOpen();
  const auto it = std::lower_bound(cumulative_.begin(), cumulative_.end(), u);
  return std::min<int>(int(it - cumulative_.begin()), options_.num_subtasks - 1);
}

void SparseParityTask::Fill(std::span<const int> subtasks,
                            Xoshiro256pp& rng,
                            Eigen::Ref<Eigen::MatrixXf> x,
                            std::span<int> labels) const {
  const int t = options_.num_subtasks, n = options_.num_bits;
  const std::uint64_t bit_mask = n == 64 ? ~std::uint64_t(0) : (std::uint64_t(1) << n) - 1;
  for (std::size_t j = 0; j < subtasks.size(); ++j) {
    auto column = x.col(Eigen::Index(j));
    column.head(t).setZero();
    column(subtasks[j]) = 1.0f;
    const std::uint64_t bits = rng() & bit_mask;
    for (int i = 0; i < n; ++i) column(t + i) = float((bits >> i) & 1);
    labels[j] = std::popcount(bits & masks_[subtasks[j]]) & 1;
  }
}

void SparseParityTask::Sample(Xoshiro256pp& rng,
                              int n,
                              Eigen::MatrixXf* x,
                              std::vector<int>* labels,
                              std::vector<int>* subtasks) const {
  x->resize(inputs(), n);
  labels->resize(n);
  subtasks->resize(n);
  // One sample at a time (subtask, then bits) so that the first m samples of a stream do not
  // depend on n: the data design's sets are nested.
  for (int j = 0; j < n; ++j) {
    (*subtasks)[j] = DrawSubtask(rng);
    Fill(std::span<const int>(&(*subtasks)[j], 1),
         rng,
         x->middleCols(j, 1),
         std::span<int>(&(*labels)[j], 1));
  }
}

void SparseParityTask::SamplePerSubtask(Xoshiro256pp& rng,
                                        int per_subtask,
                                        Eigen::MatrixXf* x,
                                        std::vector<int>* labels) const {
  const int total = per_subtask * options_.num_subtasks;
  std::vector<int> subtasks(total);
  for (int j = 0; j < total; ++j) subtasks[j] = j / per_subtask;
  x->resize(inputs(), total);
  labels->resize(total);
  Fill(subtasks, rng, *x, *labels);
}

}  // namespace scalebench
