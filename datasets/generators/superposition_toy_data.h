// The data of the superposition toy (Liu, Liu & Gore 2025, arXiv:2505.10465; lit-language.md 2.2):
// n sparse features, feature i = 1..n active with probability p_i = i^-alpha / sum_j j^-alpha
// (any alpha >= 0; one active feature per sample on average), value U(0, 2) when active. A batch
// is kept sparse, as the list of its active (row, feature, value) entries, so that a learner's
// x W costs O(B m) and not O(B n m). The learner is harness/learners/superposition_toy.h.
//
// Usage:
//   SuperpositionToyData data(256, 1.2);
//   SparseBatch batch;
//   Xoshiro256pp rng(MixSeed(seed, stream));
//   data.Sample(rng, 8192, &batch);   // batch.entries() ~ 8192 active entries
//   data.TailMass(16);                // sum_{i > 16} p_i: the weak-superposition loss law
#pragma once

#include <vector>

#include "datasets/generators/random.h"

namespace scalebench {

// A batch of `rows` samples, stored as its nonzero entries x[row[k], feature[k]] = value[k].
// Every (row, feature) pair occurs at most once.
struct SparseBatch {
  int rows = 0;
  std::vector<int> row;
  std::vector<int> feature;
  std::vector<float> value;

  std::size_t entries() const { return row.size(); }
  void Clear(int num_rows);
};

class SuperpositionToyData {
 public:
  // Precondition: features >= 1, alpha >= 0 and finite.
  SuperpositionToyData(int features, double alpha);

  int features() const { return int(probability_.size()); }
  // p_i, index 0 = feature 1.
  const std::vector<double>& probabilities() const { return probability_; }
  // sum_{i > m} p_i, the probability mass of the features beyond the m most frequent.
  double TailMass(int m) const;
  // Draws `rows` samples into *out, ordered by feature. Per feature the active rows are found by
  // geometric skips (gaps ~ Geometric(p_i)), so a batch costs O(n + entries) random numbers.
  void Sample(Xoshiro256pp& rng, int rows, SparseBatch* out) const;

 private:
  std::vector<double> probability_;
  std::vector<double> log_not_active_;  // log(1 - p_i), for the geometric gaps
};

}  // namespace scalebench
