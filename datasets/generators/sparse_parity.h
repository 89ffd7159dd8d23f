// Multitask sparse parity (MSP), the data of Michaud, Liu, Girit & Tegmark (2023,
// arXiv:2303.13506, lit-language.md 1.1). T subtasks; subtask k (rank 1 = most frequent) has a
// fixed random subset S_k of `parity_bits` of the `num_bits` task bits (distinct subsets, drawn
// from `subset_seed`). A sample draws k with probability p_k = k^-(alpha+1) / H_T(alpha+1) (alpha
// in the quanta theories' convention; the frequency decay is z = alpha + 1) and num_bits uniform
// task bits b. Input = one-hot(k) (T control bits) || b; label = parity of b over S_k (2 classes).
// Every sample needs exactly one quantum (its subtask's parity).
//
// Usage:
//   SparseParityTaskOptions options;           // T = 64, 16 bits, 3-bit parities, alpha = 0.4
//   std::string error;
//   if (!options.IsValid(&error)) ...;         // "num_subtasks = 100 must be <= C(...) = 66 ..."
//   SparseParityTask task(options);
//   Xoshiro256pp rng(MixSeed(seed, stream));
//   task.Sample(rng, n, &x, &labels, &subtasks);   // x: task.inputs() x n, samples are columns
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/fields.h"
#include "datasets/generators/random.h"

namespace scalebench {

// C(n, k) as a double (exact for the small n here).
double BinomialCoefficient(int n, int k);

struct SparseParityTaskOptions {
  int num_subtasks = 64;  // T
  int num_bits = 16;      // task bits n, <= 64
  int parity_bits = 3;    // k bits per subset
  double alpha = 0.4;     // p_k ~ k^-(alpha+1)
  std::uint64_t subset_seed = 1;

  template <typename Fields>
  void Visit(Fields& f) {
    // The subsets must be distinct; checked only once parity_bits is in range (its own check).
    const bool bits_valid = parity_bits >= 1 && parity_bits <= num_bits;
    f.Field("num_subtasks", num_subtasks)
        .AtLeast(1)
        .Check(!bits_valid || BinomialCoefficient(num_bits, parity_bits) >= num_subtasks,
               "<= C(num_bits, parity_bits) = " +
                   FieldValueText(BinomialCoefficient(num_bits, parity_bits)) +
                   " (the subsets are distinct)");
    f.Field("num_bits", num_bits).AtLeast(1).AtMost(64);
    f.Field("parity_bits", parity_bits)
        .AtLeast(1)
        .Check(parity_bits <= num_bits, "<= num_bits = " + FieldValueText(num_bits));
    f.Field("alpha", alpha).Above(0.0).AtMost(10.0);
    f.Field("subset_seed", subset_seed);
  }
  bool IsValid(std::string* error) const { return ValidateFields(*this, error); }
};

// The MSP data distribution: subsets, subtask probabilities and sampling.
class SparseParityTask {
 public:
  // Precondition: options.IsValid().
  explicit SparseParityTask(const SparseParityTaskOptions& options);

  int inputs() const { return options_.num_subtasks + options_.num_bits; }
  int num_subtasks() const { return options_.num_subtasks; }
  const SparseParityTaskOptions& options() const { return options_; }
  // p_k for k = 0..T-1 (index 0 is rank 1), summing to 1.
  const std::vector<double>& probabilities() const { return probabilities_; }
  // Bit mask of S_k over the task bits (bit i = task bit i).
  std::uint64_t subset_mask(int subtask) const { return masks_[subtask]; }

  // A subtask index drawn with probabilities p_k (inverse CDF).
  int DrawSubtask(Xoshiro256pp& rng) const;
  // Writes x.col(j) and labels[j] for subtasks[j], task bits from rng; x: inputs() x n.
  void Fill(std::span<const int> subtasks,
            Xoshiro256pp& rng,
            Eigen::Ref<Eigen::MatrixXf> x,
            std::span<int> labels) const;
  // n i.i.d. samples: subtasks drawn, then filled; resizes the outputs. One sample at a time, so
  // the first m samples of a stream do not depend on n (nested training sets).
  void Sample(Xoshiro256pp& rng,
              int n,
              Eigen::MatrixXf* x,
              std::vector<int>* labels,
              std::vector<int>* subtasks) const;
  // `per_subtask` samples of every subtask, subtask-major (sample j has subtask j / per_subtask).
  void SamplePerSubtask(Xoshiro256pp& rng,
                        int per_subtask,
                        Eigen::MatrixXf* x,
                        std::vector<int>* labels) const;

 private:
  SparseParityTaskOptions options_;
  std::vector<double> probabilities_;
  std::vector<double> cumulative_;
  std::vector<std::uint64_t> masks_;
};

}  // namespace scalebench
