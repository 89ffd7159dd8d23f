// A measured learning curve: loss at each (size, seed) of a design, for one axis.
// This type lives in harness/ and is never visible to theories (see theories/theory.h).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "theories/learner_spec.h"

namespace scalebench {

// A quantity measured at each (size, seed) of a curve besides its loss, e.g. the superposition
// toy's share of feature rows with norm > 1/2, or the loss on one subtask. `in_report`: shown
// (seed mean per size) beside the measured exponent in the leaderboard; false for bulky detail
// such as per-subtask losses, which stays in the cache file for analysis.
struct CurveDiagnostic {
  std::string name;                         // lower_snake_case, unique within a curve
  std::string description;                  // one line: what it is and how to read it
  std::vector<std::vector<double>> values;  // [size][seed], same shape as the loss; NaN: missing
  bool in_report = true;

  // Mean over the finite values at size i (NaN if none).
  double Mean(std::size_t i) const;
};

// The losses a learning curve may be measured in (LearningCurve::loss, LearnerSpec::loss): the
// target conformance check and experiment files accept these names only.
inline const std::vector<std::string>& KnownLosses() {
  static const std::vector<std::string> losses = {
      "excess_mse", "mse", "error_rate", "cross_entropy_nats", "excess_cross_entropy_nats"};
  return losses;
}

struct LearningCurve {
  Axis axis = Axis::kData;
  std::string loss = "excess_mse";   // definition of the loss, as in LearnerSpec::loss
  std::vector<double> sizes;         // strictly increasing, positive
  std::vector<std::uint64_t> seeds;  // one column per seed
  // values[i][j]: loss at sizes[i] with seeds[j]; NaN only where `missing` says why.
  std::vector<std::vector<double>> values;
  // Runs deliberately left out (RunResult::Skipped) or not completed, each with its reason.
  struct MissingRun {
    std::size_t size_index = 0;
    std::size_t seed_index = 0;
    std::string reason;
  };
  std::vector<MissingRun> missing;
  // Quantities recorded beside the loss (never fitted, never seen by theories), cached with the
  // curve; see CurveDiagnostic.
  std::vector<CurveDiagnostic> diagnostics;

  std::size_t num_sizes() const { return sizes.size(); }
  std::size_t num_seeds() const { return seeds.size(); }
  // Mean over the seeds present at size i (NaN if none).
  double MeanLoss(std::size_t i) const;
  // Geometric mean over the seeds present at size i (NaN if none or any loss <= 0).
  double GeometricMeanLoss(std::size_t i) const;
  // Checks shapes, ordering and values: every loss finite and >= 0 except the runs marked
  // missing, which are NaN; fills *error with what is wrong.
  bool IsValid(std::string* error) const;
};

}  // namespace scalebench
