// Implementation of datasets/probes/entropy_curve.h.
#include "datasets/probes/entropy_curve.h"

#include <string>

#include "common/status.h"

namespace scalebench {

using internal::Fail;

void ConditionalEntropyResult::FillProfile(Profile* profile) const {
  profile->Set(Property::kConditionalEntropyDecay, conditional_entropy_decay);
}

std::vector<double> MeanCurve(const std::vector<std::vector<double>>& block_loss,
                              const std::vector<std::size_t>& block_positions,
                              int left_out) {
  const int blocks = static_cast<int>(block_loss.size());
  std::vector<double> curve(block_loss[0].size(), 0.0);
  double count = 0;
  for (int b = 0; b < blocks; ++b) {
    if (b == left_out) continue;
    for (std::size_t n = 0; n < curve.size(); ++n) curve[n] += block_loss[b][n];
    count += static_cast<double>(block_positions[b]);
  }
  for (double& h : curve) h /= count;
  return curve;
}

}  // namespace scalebench
