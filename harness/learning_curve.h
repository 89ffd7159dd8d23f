// A measured learning curve: loss at each (size, seed) of a design, for one axis.
// This type lives in harness/ and is never visible to theories (see theories/theory.h).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "theories/learner_spec.h"

namespace scalebench {

struct LearningCurve {
  Axis axis = Axis::kData;
  std::string loss = "excess_mse";  // definition of the loss, as in LearnerSpec::loss
  std::vector<double> sizes;        // strictly increasing, positive
  std::vector<std::uint64_t> seeds; // one column per seed
  // values[i][j]: loss at sizes[i] with seeds[j]; NaN marks a missing run.
  std::vector<std::vector<double>> values;

  std::size_t num_sizes() const { return sizes.size(); }
  std::size_t num_seeds() const { return seeds.size(); }
  // Mean over the seeds present at size i (NaN if none).
  double MeanLoss(std::size_t i) const;
  // Geometric mean over the seeds present at size i (NaN if none or any loss <= 0).
  double GeometricMeanLoss(std::size_t i) const;
  // Checks shapes, ordering and finiteness; fills *error with what is wrong.
  bool IsValid(std::string* error) const;
};

}  // namespace scalebench
